/*
 * ofi.c - the rma.h medium on libfabric: one reliable-datagram endpoint per
 * rank, RMA writes for data and acks, tagged-free FI_MSG for the handful of
 * control messages that set connections up and probe peers.
 *
 * Why these choices:
 * - FI_EP_RDM: one endpoint reaches every peer; the provider (ofi_rxm over
 *   tcp here, verbs/efa/cxi on clusters) makes its own connections.
 * - Ordering: the protocol publishes a seq word after the payload it
 *   covers, so writes to one peer must land in issue order. We ask for
 *   FI_ORDER_WAW; a provider that cannot promise it gets FI_FENCE on every
 *   write instead (slower, still right).
 * - Every write asks for a completion: a failed one is how a lost peer
 *   shows, and close counts them down before the endpoint goes.
 * - Keys: the provider's when it insists (FI_MR_PROV_KEY), else 64 random
 *   bits, so no other job can aim a write at our memory by guessing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_errno.h>
#include <rdma/fi_rma.h>

#include "postbox.h"
#include "medium/rma.h"

#define NRX 64       /* control receives kept posted */
#define NTX 64       /* control sends in flight at most */
#define CTL_SLOT 256 /* bytes per control buffer (header + message) */

enum ctx_kind { CTX_RECV = 1, CTX_SEND, CTX_WRITE };

/* What a completion points back to. Writes share one context per peer:
 * all a write's completion needs to say is whom it went to. */
struct ctx {
	int kind;
	int peer;
	int slot;  /* control buffer index (RECV, SEND) */
	int probe; /* a liveness probe (SEND) */
};

struct ctl_hdr {
	uint32_t from;
	uint32_t len;
};

struct pb_rma_reg {
	struct fid_mr *mr;
	void *desc;
};

struct peer {
	fi_addr_t addr; /* FI_ADDR_NOTAVAIL until looked up */
	int lost;
	int probing;    /* a probe is in flight: never pile them up on a
			   peer that is alive but not polling */
	int reached;    /* something of ours reached it, or of its us */
	double last_probe;
	struct ctx wctx;
};

/* A control message that came in while nobody could take it (progress
 * driven from inside write or send): kept, in arrival order. */
struct held_msg {
	struct held_msg *next;
	int from;
	size_t len;
	uint8_t b[];
};

struct pb_rma {
	int rank, size;
	struct fi_info *info;
	struct fid_fabric *fabric;
	struct fid_domain *domain;
	struct fid_av *av;
	struct fid_cq *cq;
	struct fid_ep *ep;
	uint64_t mr_mode;
	int fence; /* the provider does not order writes: fence each */
	pb_rma_lookup_fn lookup;
	void *lookup_arg;
	struct peer *peers;
	/* control buffers: NRX receive slots then NTX send slots */
	uint8_t *ctl;
	struct pb_rma_reg *ctl_reg;
	struct ctx rctx[NRX], sctx[NTX];
	int tx_free[NTX], ntx_free;
	long writes_out;
	double timeout; /* a peer that takes nothing this long is lost */
	size_t inject;  /* writes this small are copied when issued */
	struct held_msg *held_head, *held_tail;
	char prov[64];
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "postbox: ofi: %s: %s\n", what, fi_strerror(-err));
	return PB_ESYS;
}

static int post_recv(struct pb_rma *m, int i)
{
	void *desc = m->ctl_reg ? m->ctl_reg->desc : NULL;
	for (;;) {
		ssize_t rc = fi_recv(m->ep, m->ctl + (size_t)i * CTL_SLOT,
				     CTL_SLOT, desc, FI_ADDR_UNSPEC,
				     &m->rctx[i]);
		if (rc == 0)
			return 0;
		if (rc != -FI_EAGAIN)
			return fail("fi_recv", (int)rc);
		pb_rma_progress(m, NULL, NULL);
	}
}

static int pick_info(struct pb_rma *m)
{
	struct fi_info *hints = fi_allocinfo();
	if (!hints)
		return PB_ENOMEM;
	hints->ep_attr->type = FI_EP_RDM;
	hints->caps = FI_MSG | FI_RMA | FI_WRITE | FI_REMOTE_WRITE;
	/* no FI_CONTEXT: one context per peer serves all its writes */
	hints->mode = 0;
	hints->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_VIRT_ADDR |
				      FI_MR_ALLOCATED | FI_MR_PROV_KEY |
				      FI_MR_ENDPOINT;
	hints->domain_attr->threading = FI_THREAD_DOMAIN;
	hints->tx_attr->msg_order = FI_ORDER_WAW;
	/* FI_PROVIDER (libfabric's own variable) narrows the choice; on a
	 * plain Linux host the first RDM provider with RMA is tcp;ofi_rxm */
	int rc = fi_getinfo(FI_VERSION(1, 9), NULL, NULL, 0, hints, &m->info);
	if (rc == -FI_ENODATA) {
		/* no provider orders writes: take one without and fence */
		hints->tx_attr->msg_order = 0;
		rc = fi_getinfo(FI_VERSION(1, 9), NULL, NULL, 0, hints,
				&m->info);
		m->fence = 1;
	}
	fi_freeinfo(hints);
	if (rc) {
		fprintf(stderr,
			"postbox: ofi: no libfabric provider offers reliable "
			"datagrams with RMA writes%s: %s\n",
			getenv("FI_PROVIDER") ? " under FI_PROVIDER" : "",
			fi_strerror(-rc));
		return PB_EBOOT;
	}
	m->mr_mode = m->info->domain_attr->mr_mode;
	m->inject = m->info->tx_attr->inject_size;
	snprintf(m->prov, sizeof(m->prov), "%s",
		 m->info->fabric_attr->prov_name);
	return 0;
}

int pb_rma_open(struct pb_rma **out, int rank, int size, double timeout,
		pb_rma_lookup_fn lookup, void *arg, void *name,
		size_t *name_len)
{
	struct pb_rma *m = calloc(1, sizeof(*m));
	int rc;
	if (!m)
		return PB_ENOMEM;
	m->timeout = timeout;
	m->rank = rank;
	m->size = size;
	m->lookup = lookup;
	m->lookup_arg = arg;
	m->peers = calloc((size_t)size, sizeof(*m->peers));
	m->ctl = aligned_alloc(64, (size_t)(NRX + NTX) * CTL_SLOT);
	if (!m->peers || !m->ctl) {
		rc = PB_ENOMEM;
		goto out;
	}
	for (int p = 0; p < size; p++) {
		m->peers[p].addr = FI_ADDR_NOTAVAIL;
		m->peers[p].wctx.kind = CTX_WRITE;
		m->peers[p].wctx.peer = p;
	}
	if ((rc = pick_info(m)))
		goto out;
	struct fi_av_attr av = {.type = FI_AV_TABLE};
	struct fi_cq_attr cq = {.format = FI_CQ_FORMAT_CONTEXT,
				.size = 4096};
	if ((rc = fi_fabric(m->info->fabric_attr, &m->fabric, NULL)) ||
	    (rc = fi_domain(m->fabric, m->info, &m->domain, NULL)) ||
	    (rc = fi_av_open(m->domain, &av, &m->av, NULL)) ||
	    (rc = fi_cq_open(m->domain, &cq, &m->cq, NULL)) ||
	    (rc = fi_endpoint(m->domain, m->info, &m->ep, NULL)) ||
	    (rc = fi_ep_bind(m->ep, &m->av->fid, 0)) ||
	    (rc = fi_ep_bind(m->ep, &m->cq->fid, FI_TRANSMIT | FI_RECV)) ||
	    (rc = fi_enable(m->ep))) {
		rc = fail("opening the endpoint", rc);
		goto out;
	}
	if ((rc = pb_rma_reg(m, m->ctl, (uint64_t)(NRX + NTX) * CTL_SLOT,
			     &m->ctl_reg, NULL)))
		goto out;
	for (int i = 0; i < NRX; i++) {
		m->rctx[i] = (struct ctx){CTX_RECV, -1, i, 0};
		if ((rc = post_recv(m, i)))
			goto out;
	}
	for (int i = 0; i < NTX; i++) {
		m->sctx[i] = (struct ctx){CTX_SEND, -1, NRX + i, 0};
		m->tx_free[m->ntx_free++] = i;
	}
	if ((rc = fi_getname(&m->ep->fid, name, name_len))) {
		rc = fail("fi_getname", rc);
		goto out;
	}
	if (getenv("PB_OFI_DEBUG"))
		fprintf(stderr, "postbox: ofi: rank %d: provider %s%s\n", rank,
			m->prov, m->fence ? " (fenced writes)" : "");
	*out = m;
	return 0;
out:
	pb_rma_close(m);
	return rc;
}


int pb_rma_reg(struct pb_rma *m, void *base, uint64_t size,
	       struct pb_rma_reg **out, struct pb_rkey *rk)
{
	struct pb_rma_reg *g = calloc(1, sizeof(*g));
	uint64_t key = 0;
	if (!g)
		return PB_ENOMEM;
	for (int tries = 0;; tries++) {
		if (!(m->mr_mode & FI_MR_PROV_KEY) &&
		    getrandom(&key, sizeof(key), 0) != sizeof(key)) {
			free(g);
			return PB_ESYS;
		}
		int rc = fi_mr_reg(m->domain, base, size,
				   FI_REMOTE_WRITE | FI_WRITE | FI_SEND |
					   FI_RECV,
				   0, key, 0, &g->mr, NULL);
		if (rc == 0)
			break;
		if (rc == -FI_ENOKEY && tries < 8)
			continue; /* a random key already taken */
		free(g);
		return fail("fi_mr_reg", rc);
	}
	if (m->mr_mode & FI_MR_ENDPOINT) {
		int rc = fi_mr_bind(g->mr, &m->ep->fid, 0);
		if (!rc)
			rc = fi_mr_enable(g->mr);
		if (rc) {
			fi_close(&g->mr->fid);
			free(g);
			return fail("binding a registration", rc);
		}
	}
	g->desc = fi_mr_desc(g->mr);
	if (rk) {
		rk->key = fi_mr_key(g->mr);
		rk->addr = (m->mr_mode & FI_MR_VIRT_ADDR) ? (uintptr_t)base : 0;
	}
	*out = g;
	return 0;
}

void pb_rma_dereg(struct pb_rma *m, struct pb_rma_reg *g)
{
	(void)m;
	if (!g)
		return;
	fi_close(&g->mr->fid);
	free(g);
}

/* The peer's fabric address, looked up through the bootstrap the first
 * time we talk to it. */
static int resolve(struct pb_rma *m, int peer)
{
	struct peer *p = &m->peers[peer];
	if (p->addr != FI_ADDR_NOTAVAIL)
		return 0;
	uint8_t name[PB_RMA_NAME_MAX];
	size_t len = sizeof(name);
	int rc = m->lookup(m->lookup_arg, peer, name, &len);
	if (rc)
		return rc;
	if (fi_av_insert(m->av, name, 1, &p->addr, 0, NULL) != 1) {
		p->addr = FI_ADDR_NOTAVAIL;
		fprintf(stderr, "postbox: ofi: rank %d: the address of rank "
				"%d is not usable\n",
			m->rank, peer);
		return PB_ECORRUPT;
	}
	return 0;
}

/* The provider cannot take an operation for p now (its queue is full, or
 * it is still trying to connect): let completions drain, and give up on
 * the peer once that has gone on for half the peer timeout (so that with
 * the probe gap a loss shows within the timeout). A live peer's
 * provider takes what it is given within that time, even while its
 * process computes: the protocol never has more in flight to one host
 * than one pool and its rings. A peer whose process is gone refuses every
 * connection, and with tcp that shows only as this, never as an error. */
static int busy(struct pb_rma *m, struct peer *p, double *until)
{
	double t = now();
	/* a peer never reached yet may still be starting (a loaded host,
	 * its first poll far off): it gets the grace of a rank that never
	 * opened, as within a host */
	if (!*until)
		*until = t + m->timeout * (p->reached ? 0.5 : 4);
	else if (t > *until) {
		if (!p->lost && getenv("PB_OFI_DEBUG"))
			fprintf(stderr, "postbox: ofi: rank %d: a peer took "
					"nothing for %.1f s: lost\n",
				m->rank, m->timeout * (p->reached ? 0.5 : 4));
		p->lost = 1;
	}
	if (p->lost)
		return PB_EPEER;
	/* control messages arriving meanwhile wait for the next progress */
	pb_rma_progress(m, NULL, NULL);
	return p->lost ? PB_EPEER : 0;
}

int pb_rma_write(struct pb_rma *m, int peer, struct pb_rma_reg *g,
		 const void *src, size_t len, const struct pb_rkey *rk,
		 uint64_t off, unsigned flags)
{
	struct peer *p = &m->peers[peer];
	int rc;
	if (p->lost)
		return PB_EPEER;
	if ((rc = resolve(m, peer)))
		return rc;
	struct iovec iov = {(void *)src, len};
	void *desc = g ? g->desc : NULL;
	struct fi_rma_iov riov = {rk->addr + off, len, rk->key};
	struct fi_msg_rma msg = {.msg_iov = &iov,
				 .desc = &desc,
				 .iov_count = 1,
				 .addr = p->addr,
				 .rma_iov = &riov,
				 .rma_iov_count = 1,
				 .context = &p->wctx};
	/* small writes (slot headers, seq words, acks) are copied as they
	 * are issued: their source may change right after. Acks ask for
	 * delivery: a rank that closes after its last ack completed has
	 * really given it (with mere injection the endpoint's close could
	 * drop it on the way); data needs no such proof, the acks are it */
	uint64_t fl = FI_COMPLETION |
		      (flags & PB_RMA_DELIVERED ? FI_DELIVERY_COMPLETE : 0) |
		      (m->fence ? FI_FENCE : 0) |
		      (len <= m->inject ? FI_INJECT : 0);
	double until = 0;
	for (;;) {
		ssize_t w = fi_writemsg(m->ep, &msg, fl);
		if (w == 0) {
			m->writes_out++;
			return 0;
		}
		if (w != -FI_EAGAIN)
			return fail("fi_write", (int)w);
		if (flags & PB_RMA_TRY) {
			pb_rma_progress(m, NULL, NULL);
			return p->lost ? PB_EPEER : PB_EAGAIN;
		}
		if ((rc = busy(m, p, &until)))
			return rc;
	}
}

static int send_ctl(struct pb_rma *m, int peer, const void *msg, size_t len,
		    int probe)
{
	struct peer *p = &m->peers[peer];
	int rc;
	if (len > PB_RMA_CTL_MAX)
		return PB_EINVAL;
	if (p->lost)
		return PB_EPEER;
	if ((rc = resolve(m, peer)))
		return rc;
	double wait = 0;
	while (!m->ntx_free)
		if ((rc = busy(m, p, &wait)))
			return rc;
	int i = m->tx_free[--m->ntx_free];
	uint8_t *b = m->ctl + (size_t)(NRX + i) * CTL_SLOT;
	struct ctl_hdr h = {(uint32_t)m->rank, (uint32_t)len};
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), msg, len);
	m->sctx[i].peer = peer;
	m->sctx[i].probe = probe;
	double until = 0;
	for (;;) {
		ssize_t s = fi_send(m->ep, b, sizeof(h) + len, m->ctl_reg->desc,
				    p->addr, &m->sctx[i]);
		if (s == 0)
			return 0;
		if (s != -FI_EAGAIN || (rc = busy(m, p, &until))) {
			m->tx_free[m->ntx_free++] = i;
			return s != -FI_EAGAIN ? fail("fi_send", (int)s) : rc;
		}
	}
}

static void hold(struct pb_rma *m, int from, const uint8_t *b, size_t len)
{
	struct held_msg *h = malloc(sizeof(*h) + len);
	if (!h)
		return; /* a lost setup message times out at its sender */
	h->next = NULL;
	h->from = from;
	h->len = len;
	memcpy(h->b, b, len);
	if (m->held_tail)
		m->held_tail->next = h;
	else
		m->held_head = h;
	m->held_tail = h;
}

static void on_error(struct pb_rma *m)
{
	struct fi_cq_err_entry e = {0};
	if (fi_cq_readerr(m->cq, &e, 0) != 1)
		return;
	struct ctx *c = e.op_context;
	if (!c)
		return;
	if (c->kind == CTX_RECV) {
		if (e.err != FI_ECANCELED)
			post_recv(m, c->slot);
		return;
	}
	if (c->kind == CTX_SEND) {
		m->tx_free[m->ntx_free++] = c->slot - NRX;
		if (c->probe)
			m->peers[c->peer].probing = 0;
	} else
		m->writes_out--;
	/* the provider could not reach the peer: its process or its host
	 * is gone (tcp: refused or reset) */
	if (c->peer >= 0 && !m->peers[c->peer].lost) {
		m->peers[c->peer].lost = 1;
		if (getenv("PB_OFI_DEBUG"))
			fprintf(stderr, "postbox: ofi: rank %d: rank %d lost: "
					"%s\n",
				m->rank, c->peer, fi_strerror(e.err));
	}
}

int pb_rma_progress(struct pb_rma *m, pb_rma_ctl_fn fn, void *arg)
{
	struct fi_cq_entry ev[16];
	int delivered = 0;
	/* deliver what arrived while nobody could take it, first: order */
	while (fn && m->held_head) {
		struct held_msg *h = m->held_head;
		m->held_head = h->next;
		if (!m->held_head)
			m->held_tail = NULL;
		fn(arg, h->from, h->b, h->len);
		free(h);
		delivered++;
	}
	for (;;) {
		ssize_t n = fi_cq_read(m->cq, ev, 16);
		if (n == -FI_EAVAIL) {
			on_error(m);
			continue;
		}
		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n; k++) {
			struct ctx *c = ev[k].op_context;
			if (c->kind == CTX_WRITE) {
				m->writes_out--;
				m->peers[c->peer].reached = 1;
			} else if (c->kind == CTX_SEND) {
				m->tx_free[m->ntx_free++] = c->slot - NRX;
				m->peers[c->peer].reached = 1;
				if (c->probe)
					m->peers[c->peer].probing = 0;
			} else {
				uint8_t *b = m->ctl + (size_t)c->slot * CTL_SLOT;
				struct ctl_hdr h;
				memcpy(&h, b, sizeof(h));
				/* a message we did not frame is dropped */
				if (h.len <= PB_RMA_CTL_MAX &&
				    h.from < (uint32_t)m->size) {
					m->peers[h.from].reached = 1;
					if (fn) {
						fn(arg, (int)h.from,
						   b + sizeof(h), h.len);
						delivered++;
					} else {
						hold(m, (int)h.from,
						     b + sizeof(h), h.len);
					}
				}
				post_recv(m, c->slot);
			}
		}
	}
	return delivered;
}

int pb_rma_send(struct pb_rma *m, int peer, const void *msg, size_t len)
{
	return send_ctl(m, peer, msg, len, 0);
}

int pb_rma_alive(struct pb_rma *m, int peer)
{
	struct peer *p = &m->peers[peer];
	if (p->lost)
		return 0;
	if (p->addr == FI_ADDR_NOTAVAIL) {
		int rc = resolve(m, peer);
		if (rc == PB_EAGAIN)
			return PB_EAGAIN;
		if (rc)
			return 0;
	}
	double t = now();
	/* probes often enough that a loss shows within the timeout: the
	 * gap, then half the timeout of "try again" (busy) */
	double gap = m->timeout / 4 < 0.5 ? m->timeout / 4 : 0.5;
	if (p->probing && p->reached && t - p->last_probe > m->timeout / 2) {
		/* a probe the provider took but cannot deliver: a live peer's
		 * provider completes one at once (tcp: into the socket) */
		if (getenv("PB_OFI_DEBUG"))
			fprintf(stderr, "postbox: ofi: rank %d: a probe to rank "
					"%d undelivered for %.1f s: lost\n",
				m->rank, peer, t - p->last_probe);
		p->lost = 1;
		return 0;
	}
	if (!p->probing && t - p->last_probe >= gap) {
		/* an empty control message: nobody acts on it, but the
		 * provider must reach the peer to deliver it */
		p->last_probe = t;
		p->probing = 1;
		if (send_ctl(m, peer, "", 0, 1)) {
			p->probing = 0;
			return !p->lost;
		}
	}
	pb_rma_progress(m, NULL, NULL);
	return !p->lost;
}

void pb_rma_flush(struct pb_rma *m)
{
	/* the last acks and messages must leave before the endpoint does;
	 * a peer that is gone will not take them: bounded */
	double until = now() + 2.0;
	while ((m->writes_out > 0 || m->ntx_free < NTX) && now() < until)
		pb_rma_progress(m, NULL, NULL);
}

void pb_rma_close(struct pb_rma *m)
{
	if (!m)
		return;
	if (m->cq)
		pb_rma_flush(m);
	while (m->held_head) {
		struct held_msg *h = m->held_head;
		m->held_head = h->next;
		free(h);
	}
	m->held_tail = NULL;
	if (m->ep)
		fi_close(&m->ep->fid);
	pb_rma_dereg(m, m->ctl_reg);
	if (m->av)
		fi_close(&m->av->fid);
	if (m->cq)
		fi_close(&m->cq->fid);
	if (m->domain)
		fi_close(&m->domain->fid);
	if (m->fabric)
		fi_close(&m->fabric->fid);
	if (m->info)
		fi_freeinfo(m->info);
	free(m->ctl);
	free(m->peers);
	free(m);
}
