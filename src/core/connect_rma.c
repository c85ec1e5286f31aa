/*
 * connect_rma.c - lazy, simplex connections between hosts (c31-c40 over
 * the rma medium, docs/ofi.md).
 *
 * A sender cannot make memory on another host, so the first send from s to
 * a rank r of host B is a request: s tells r the segment's geometry and
 * where in s's ack segment (on s's host) r must write its acks; r creates
 * or attaches s's data segment on B (the shm file any rank of B would map,
 * formatted from that geometry), registers its own mapping, and answers
 * with the key s must write through. The directory is not used between
 * hosts: the request itself tells r about s. s writes slots and pool
 * blocks from a private copy of the segment (the shadow) into r's
 * registration; r polls its ring locally as within a host, and writes its
 * consumed count back into s's ack segment with one RMA write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/connect.h"
#include "core/engine.h"
#include "core/ordering.h"

enum { CTL_REQ = 0x51455250, CTL_REP = 0x50455250 }; /* "PREQ", "PREP" */

/* s -> r: connect me. */
struct ctl_req {
	uint32_t type;
	uint32_t slots, inline_max, block_size;
	uint64_t pool_size, cycle_size;
	struct pb_rkey ack;  /* s's registration of its ack segment */
	uint64_t ack_off;    /* r's block in it */
	uint64_t ack_size;   /* the ack segment's size, to check ack_off */
};

/* r -> s: write through this, or why not. */
struct ctl_rep {
	uint32_t type;
	int32_t status;      /* 0 or a PB_E code */
	struct pb_rkey seg;  /* r's registration of s's segment on B */
};

/* ---- sender ------------------------------------------------------------- */

int pb_rtx_conn_init(struct pb_job *j, struct pb_txconn *c)
{
	int rc;
	uint64_t sz = (c->l.total_size + 4095) & ~4095ull;
	if (!(c->base = aligned_alloc(4096, sz)))
		return PB_ENOMEM;
	/* zero like a fresh tmpfs page: the seq words of the copy are what
	 * the receiver's start as, so the copy never disagrees with B */
	memset(c->base, 0, sz);
	pb_dseg_format(c->base, &c->l, (uint32_t)j->rank, (uint32_t)c->node);
	if ((rc = pb_rma_reg(j->rma, c->base, sz, &c->shadow_reg, NULL)))
		goto fail;
	/* c31: the ack segment on my host for B's answers, as within one */
	if ((rc = pb_conn_aseg_get(j, j->node, c->node, &c->aseg)))
		goto fail_reg;
	if ((rc = pb_rma_reg(j->rma, c->aseg->base, c->aseg->size,
			     &c->aseg_reg, &c->aseg_rk)))
		goto fail_aseg;
	if ((rc = pb_pool_init(&c->pool, c->l.nblocks)))
		goto fail_areg;
	return 0;
fail_areg:
	pb_rma_dereg(j->rma, c->aseg_reg);
fail_aseg:
	j->med.ops->detach(&j->med, c->aseg);
fail_reg:
	pb_rma_dereg(j->rma, c->shadow_reg);
fail:
	free(c->base);
	c->base = NULL;
	return rc;
}

void pb_rtx_conn_fini(struct pb_job *j, struct pb_txconn *c)
{
	pb_rma_dereg(j->rma, c->aseg_reg);
	pb_rma_dereg(j->rma, c->shadow_reg);
	j->med.ops->detach(&j->med, c->aseg);
	pb_pool_fini(&c->pool);
	free(c->base);
}

/* Ask dest for its registration and wait for the answer, serving other
 * ranks' requests meanwhile (two ranks may ask each other at once). Once
 * per pair, on the first send: the only blocking step of a non-blocking
 * send, and bounded by dest's liveness like every wait. */
int pb_rtx_connect(struct pb_job *j, struct pb_txring *r, int dest)
{
	struct pb_txconn *c = r->conn;
	struct ctl_req q = {
		.type = CTL_REQ,
		.slots = c->l.slots,
		.inline_max = c->l.inline_max,
		.block_size = c->l.block_size,
		.pool_size = (uint64_t)c->l.nblocks * c->l.block_size,
		.cycle_size = c->l.cycle_size,
		.ack = c->aseg_rk,
		.ack_off = (uint64_t)((uint8_t *)r->ack -
				      (uint8_t *)c->aseg->base),
		.ack_size = c->aseg->size,
	};
	struct pb_waiter w;
	int sent = 0;
	pb_waiter_init(&w, dest);
	while (!r->connected && !r->error) {
		if (!sent) {
			int rc = pb_rma_send(j->rma, dest, &q, sizeof(q));
			if (rc == 0)
				sent = 1;
			else if (rc != PB_EAGAIN) /* EAGAIN: no address yet */
				return rc;
		}
		int rc = pb_wait_turn(j, &w);
		if (rc)
			return rc;
	}
	return r->error;
}

static void on_rep(struct pb_job *j, int from, const struct ctl_rep *p)
{
	struct pb_txring *r = j->tx_rank[from];
	if (!r || !r->conn->remote || r->connected || r->error)
		return; /* unasked or repeated: nothing to do */
	if (p->status) {
		/* the receiver refused our segment; only our own error codes
		 * are passed on */
		r->error = p->status == PB_EPERM || p->status == PB_ENOSPC ||
					   p->status == PB_ENOMEM
				   ? p->status
				   : PB_ECORRUPT;
		fprintf(stderr,
			"postbox: rank %d: rank %d refused the connection: "
			"%s\n",
			j->rank, from, pb_strerror(r->error));
		return;
	}
	r->rk = p->seg;
	r->connected = 1;
}

/* ---- receiver ------------------------------------------------------------ */

static void reply(struct pb_job *j, int to, int status,
		  const struct pb_rkey *rk)
{
	struct ctl_rep p = {.type = CTL_REP, .status = status};
	if (rk)
		p.seg = *rk;
	/* a sender that is gone needs no answer */
	(void)pb_rma_send(j->rma, to, &p, sizeof(p));
}

/* Make s's segment on my host mine to read (create it if I am the first of
 * my host it talks to), register my mapping, and remember the ack. */
static int attach(struct pb_job *j, int s, const struct ctl_req *q,
		  struct pb_rxconn *x)
{
	char name[64];
	struct pb_dseg_layout l;
	int rc;
	if (q->pool_size % (q->block_size ? q->block_size : 1) ||
	    pb_dseg_plan(&l, (uint32_t)j->nlocal[j->node], q->slots,
			 q->inline_max, q->block_size, q->pool_size,
			 q->cycle_size))
		return PB_ECORRUPT;
	struct pb_dseg_init di = {&l, (uint32_t)s, (uint32_t)j->node};
	pb_conn_name_dseg(name, sizeof(name), s, j->node);
	if ((rc = pb_conn_ensure(j, name, l.total_size, pb_conn_init_dseg, &di,
				 &x->seg)))
		return rc;
	/* whoever made it, it must be what s described */
	if ((rc = pb_dseg_check(x->seg->base, x->seg->size, (uint32_t)s,
				(uint32_t)j->node,
				(uint32_t)j->nlocal[j->node], &x->l)))
		return rc;
	if (x->l.slots != l.slots || x->l.block_size != l.block_size ||
	    x->l.nblocks != l.nblocks)
		return PB_ECORRUPT;
	if ((rc = pb_rma_reg(j->rma, x->seg->base, x->seg->size, &x->seg_reg,
			     &x->seg_rk)))
		return rc;
	x->base = x->seg->base;
	x->pool = x->base + x->l.pool_off;
	x->ring = (uint32_t)j->local[j->rank];
	x->next = 1;
	return 0;
}

static void on_req(struct pb_job *j, int s, const struct ctl_req *q)
{
	struct pb_rxconn *x = j->rx_sender[s];
	if (x) {
		/* asked again (our answer was lost, or a stale request):
		 * the same answer */
		reply(j, s, x->error, x->error ? NULL : &x->seg_rk);
		return;
	}
	if (!(x = calloc(1, sizeof(*x))))
		return; /* no answer: the sender waits for ours in vain,
			   as it would for a dead receiver */
	x->sender = s;
	x->remote = 1;
	x->ack = (struct pb_ack_block *)(j->ack_shadow +
					 (size_t)s * sizeof(struct pb_ack_block));
	/* where acks go must lie inside the ack segment the sender has:
	 * checked before we ever write there */
	uint64_t blk = sizeof(struct pb_ack_block);
	int ack_ok = q->ack_off >= sizeof(struct pb_aseg_hdr) &&
		     q->ack_off % blk == 0 && q->ack_size >= blk &&
		     q->ack_off <= q->ack_size - blk;
	if (ack_ok) {
		x->ack_rk = q->ack;
		x->ack_off = q->ack_off;
	}
	int rc = ack_ok ? attach(j, s, q, x) : PB_ECORRUPT;
	if (rc) {
		fprintf(stderr,
			"postbox: rank %d: cannot attach the segment of "
			"sender %d: %s\n",
			j->rank, s, pb_strerror(rc));
		if (x->seg_reg)
			pb_rma_dereg(j->rma, x->seg_reg);
		x->seg_reg = NULL;
		j->med.ops->detach(&j->med, x->seg);
		x->seg = NULL;
		/* remembered as broken: receives from s fail at once */
		x->error = rc;
		if (ack_ok)
			pb_rx_refuse(j, x);
		else
			x->refused = 1; /* nowhere safe to say it */
	}
	j->rx_sender[s] = x;
	j->rx[j->nrx++] = x;
	reply(j, s, rc, rc ? NULL : &x->seg_rk);
}

void pb_rrx_fini(struct pb_job *j, struct pb_rxconn *x, int unlink_shared)
{
	char name[64];
	pb_rma_dereg(j->rma, x->seg_reg);
	x->seg_reg = NULL;
	/* the sender cannot remove a file on my host; every receiver it
	 * reached here may, after the closing barrier (no one attaches it
	 * again); the first unlink wins, the others find it gone */
	if (unlink_shared && x->seg) {
		pb_conn_name_dseg(name, sizeof(name), x->sender, j->node);
		j->med.ops->unlink(&j->med, name);
	}
}

/* A control message from rank from (pb_rma_progress calls it). */
static void on_ctl(void *arg, int from, const void *msg, size_t len)
{
	struct pb_job *j = arg;
	uint32_t type;
	/* an empty message is a liveness probe; ranks of my own host never
	 * use this path, so one that does is ignored */
	if (len < sizeof(type) || !pb_remote(j, from))
		return;
	memcpy(&type, msg, sizeof(type));
	if (type == CTL_REQ && len == sizeof(struct ctl_req)) {
		struct ctl_req q;
		memcpy(&q, msg, sizeof(q));
		on_req(j, from, &q);
	} else if (type == CTL_REP && len == sizeof(struct ctl_rep)) {
		struct ctl_rep p;
		memcpy(&p, msg, sizeof(p));
		on_rep(j, from, &p);
	}
}

int pb_conn_rma_poll(struct pb_job *j)
{
	return pb_rma_progress(j->rma, on_ctl, j);
}

/* ---- job-wide ------------------------------------------------------------- */

static int lookup(void *arg, int peer, void *name, size_t *len)
{
	struct pb_job *j = arg;
	return pb_boot_get(&j->boot, peer, "ep", name, len);
}

int pb_conn_rma_open(struct pb_job *j)
{
	int mode = j->par.medium;
	if (j->nnodes < 2 || mode == PB_MEDIUM_SHM ||
	    (mode == PB_MEDIUM_AUTO && j->boot.one_host)) {
		if (mode == PB_MEDIUM_SHM && !j->boot.one_host)
			fprintf(stderr,
				"postbox: rank %d: PB_MEDIUM=shm, but the "
				"nodes are separate hosts: ranks of other "
				"nodes will not be reached\n",
				j->rank);
		return 0;
	}
	uint8_t name[PB_RMA_NAME_MAX];
	size_t len = sizeof(name);
	size_t sz = (size_t)j->size * sizeof(struct pb_ack_block);
	int rc;
	if (!(j->ack_shadow = aligned_alloc(64, sz)))
		return PB_ENOMEM;
	memset(j->ack_shadow, 0, sz);
	if ((rc = pb_rma_open(&j->rma, j->rank, j->size,
			      j->par.peer_timeout, lookup, j, name, &len)))
		goto fail;
	if ((rc = pb_rma_reg(j->rma, j->ack_shadow, sz, &j->ack_shadow_reg,
			     NULL)))
		goto fail;
	if ((rc = pb_boot_put(&j->boot, "ep", name, len)) ||
	    (rc = pb_boot_fence(&j->boot)))
		goto fail;
	return 0;
fail:
	pb_conn_rma_close(j);
	return rc;
}

void pb_conn_rma_close(struct pb_job *j)
{
	if (j->rma) {
		pb_rma_flush(j->rma);
		pb_rma_dereg(j->rma, j->ack_shadow_reg);
		pb_rma_close(j->rma);
	}
	j->ack_shadow_reg = NULL;
	j->rma = NULL;
	free(j->ack_shadow);
	j->ack_shadow = NULL;
}
