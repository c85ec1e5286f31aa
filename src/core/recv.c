/*
 * recv.c - the receiver's half: poll the rings of the senders that
 * announced themselves, consume indicators in order, acknowledge (c3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/uio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bell.h"
#include "core/engine.h"
#include "core/indicator.h"
#include "core/ordering.h"

/* Copy the bytes of one indicator to where the message goes; bytes past
 * the receive buffer are counted but dropped (PB_ETRUNC, never overflow). */
static int deliver(struct pb_msg *m, const uint8_t *src, uint32_t len)
{
	if (m->got < m->cap) {
		size_t n = m->cap - m->got < len ? m->cap - m->got : len;
		if (pb_msg_room(m, m->got + n))
			return PB_ENOMEM;
		memcpy(m->buf + m->got, src, n);
	}
	m->got += len;
	return 0;
}

static int corrupt(struct pb_job *j, struct pb_rxconn *x, const char *why)
{
	if (!x->error)
		fprintf(stderr,
			"postbox: rank %d: corrupt indicator from rank %d "
			"(seq %llu): %s; this sender is ignored from now on\n",
			j->rank, x->sender, (unsigned long long)x->next, why);
	x->error = PB_ECORRUPT;
	if (!j->error)
		j->error = PB_ECORRUPT;
	return PB_ECORRUPT;
}

/* The first indicator of a message: match it or keep it as unexpected. */
static int take_first(struct pb_job *j, struct pb_rxconn *x,
		      const struct pb_ind *in)
{
	struct pb_recvop *rop =
		pb_match_posted(j, x->sender, in->ctx, in->tag);
	if (rop && in->total == in->len) {
		/* the common case: whole message, receive already posted:
		 * one copy, straight into the user's buffer */
		size_t n = in->len < rop->cap ? in->len : rop->cap;
		if (n) /* a 0-byte receive may pass a NULL buffer */
			memcpy(rop->buf, in->payload, n);
		pb_recv_complete(rop, x->sender, in->tag, in->total);
		return 0;
	}
	struct pb_msg *m = pb_msg_new(j);
	if (!m)
		return PB_ENOMEM;
	m->source = x->sender;
	m->tag = in->tag;
	m->ctx = in->ctx;
	m->total = in->total;
	if (rop) {
		m->rop = rop;
		m->buf = rop->buf;
		m->cap = rop->cap;
	} else if (in->total) {
		/* unexpected: keep a private copy so the sender's memory can
		 * be recycled now; this is what lets a receive for another
		 * tag overtake it without deadlock */
		if (pb_msg_keep(m, in->total)) {
			pb_msg_free(j, m);
			return PB_ENOMEM;
		}
	}
	if (deliver(m, in->payload, in->len)) {
		pb_msg_free(j, m);
		if (rop)
			pb_match_post(j, rop);
		return PB_ENOMEM;
	}
	if (m->got < m->total)
		x->cur = m;
	else
		m->complete = 1;
	if (!rop)
		pb_unexp_add(j, m);
	return 0;
}

/* Read n bytes at addr in process pid into dst, in as many calls as the
 * kernel wants. */
static int cma_read(uint32_t pid, uint64_t addr, uint8_t *dst, size_t n)
{
	size_t done = 0;
	while (done < n) {
		struct iovec lv = {dst + done, n - done};
		struct iovec rv = {(void *)(uintptr_t)(addr + done), n - done};
		ssize_t k = process_vm_readv((pid_t)pid, &lv, 1, &rv, 1, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno == EPERM || errno == ENOSYS ? PB_EPERM
			       : errno == ESRCH			 ? PB_EPEER
							 : PB_ECORRUPT;
		if (k == 0)
			return PB_ECORRUPT;
		done += (size_t)k;
	}
	return 0;
}

/* A CMA indicator: read the sender's buffer straight into the receive
 * buffer (or, unexpected, into a copy of our own), then acknowledge, which
 * frees the sender. When the kernel refuses (no ptrace rights, as in some
 * containers), say so in the ack block: the sender then sends the bytes
 * as pieces, and so does every later large message of this pair. */
static int take_cma(struct pb_job *j, struct pb_rxconn *x,
		    const struct pb_ind *in)
{
	struct pb_recvop *rop =
		pb_match_posted(j, x->sender, in->ctx, in->tag);
	struct pb_msg *m = NULL;
	uint8_t *dst;
	size_t cap;
	if (rop) {
		dst = rop->buf;
		cap = rop->cap;
	} else {
		if (!(m = pb_msg_new(j)))
			return PB_ENOMEM;
		if (pb_msg_keep(m, in->total)) {
			pb_msg_free(j, m);
			return PB_ENOMEM;
		}
		dst = m->buf;
		cap = in->total;
	}
	size_t n = in->total < cap ? in->total : cap;
	int rc = 0;
	if (j->par.cma == PB_CMA_FALLBACK)
		rc = PB_EPERM;
	else if (rop)
		rc = cma_read(in->pid, in->addr, dst, n);
	else
		/* unexpected: read in steps, growing our copy as the bytes
		 * turn out to exist, so a lying total costs nothing */
		for (size_t off = 0, k; !rc && off < n; off += k) {
			k = n - off < (16u << 20) ? n - off : (16u << 20);
			rc = pb_msg_room(m, off + k);
			if (!rc)
				rc = cma_read(in->pid, in->addr + off,
					      m->buf + off, k);
		}
	if (rc == PB_ENOMEM) {
		pb_msg_free(j, m);
		return PB_ENOMEM;
	}
	if (rc == PB_EPERM) {
		atomic_store_explicit(&x->ack->no_cma, 1, memory_order_relaxed);
		x->no_cma = 1;
		if (!m && !(m = pb_msg_new(j))) {
			x->no_cma = 0;
			atomic_store_explicit(&x->ack->no_cma, 0,
					      memory_order_relaxed);
			if (rop)
				pb_match_post(j, rop);
			return PB_ENOMEM;
		}
		if (rop) {
			m->rop = rop;
			m->buf = rop->buf;
			m->cap = rop->cap;
		}
		rc = 0;
	} else if (rc) {
		if (m)
			pb_msg_free(j, m);
		if (rop)
			pb_match_post(j, rop); /* fails with the pair */
		if (rc == PB_EPEER) {
			x->error = PB_EPEER;
			return PB_EPEER;
		}
		return corrupt(j, x, "a CMA buffer that cannot be read");
	} else if (rop) {
		pb_recv_complete(rop, x->sender, in->tag, in->total);
		return 0;
	} else {
		m->got = in->total;
	}
	m->source = x->sender;
	m->tag = in->tag;
	m->ctx = in->ctx;
	m->total = in->total;
	if (m->got < m->total)
		x->cur = m; /* pieces follow */
	else
		m->complete = 1;
	if (!m->rop)
		pb_unexp_add(j, m);
	return rc;
}

/* A later piece of the message in progress (c22-c24). */
static int take_piece(struct pb_job *j, struct pb_rxconn *x,
		      const struct pb_ind *in)
{
	struct pb_msg *m = x->cur;
	if (!m)
		return corrupt(j, x, "a piece without a message");
	if (in->len == 0 || in->len > m->total - m->got)
		return corrupt(j, x, "a piece beyond the message length");
	if (deliver(m, in->payload, in->len))
		return PB_ENOMEM;
	if (m->got < m->total)
		return 0;
	x->cur = NULL;
	if (m->rop) {
		pb_recv_complete(m->rop, m->source, m->tag, m->total);
		pb_msg_free(j, m);
	} else if (m->orphan) {
		pb_msg_free(j, m);
	} else {
		m->complete = 1; /* stays on the unexpected list */
	}
	return 0;
}

static int consume(struct pb_job *j, struct pb_rxconn *x, const uint8_t *slot)
{
	struct pb_ind in;
	if (pb_ind_parse(slot, &x->l, x->pool, &in))
		return corrupt(j, x, "fields out of bounds");
	if (in.kind == PB_IND_PIECE)
		return take_piece(j, x, &in);
	if (x->cur)
		return corrupt(j, x, "a new message inside another");
	if (in.kind == PB_IND_CMA)
		return take_cma(j, x, &in);
	return take_first(j, x, &in);
}

/* flags: PB_RMA_TRY for a value the sender already had (a rewrite): not
 * worth waiting for a provider that cannot take it now */
static void rx_ack(struct pb_job *j, struct pb_rxconn *x, uint64_t v,
		   unsigned flags)
{
	pb_publish64(&x->ack->consumed, v);
	if (x->remote) {
		/* between hosts x->ack is our private copy: one write carries
		 * it, with its check word, into the sender's ack block. Acks
		 * of one pair land in order (rma.h), and an ack only follows
		 * our reads of what it covers, which are local and done */
		x->ack->check = pb_ack_check(v);
		int rc = pb_rma_write(j->rma, x->sender, j->ack_shadow_reg,
				      x->ack, PB_ACK_WIRE, &x->ack_rk,
				      x->ack_off, PB_RMA_DELIVERED | flags);
		if (rc && rc != PB_EAGAIN && !x->error)
			x->error = PB_EPEER; /* the sender is gone */
		return;
	}
	if (j->sleepy && x->peer)
		pb_bell_ring(x->peer);
}

void pb_rx_ack(struct pb_job *j, struct pb_rxconn *x, uint64_t v)
{
	rx_ack(j, x, v, 0);
}

void pb_rx_refuse(struct pb_job *j, struct pb_rxconn *x)
{
	if (x->refused || !x->ack)
		return;
	x->refused = 1;
	pb_rx_ack(j, x, UINT64_MAX);
}

/* Publish again what this rank already told its senders. Only the
 * receiver writes its ack blocks, but a stray or hostile store need not
 * respect that: a consumed count set back to a smaller plausible value
 * would leave the sender waiting for room we gave back long ago while we
 * wait for its messages, both alive, forever. Called from the idle path
 * only (at most every 0.1 s of fruitless waiting), so the hot path pays
 * nothing. The same value stored again changes nothing for an honest
 * sender; one that had seen a larger forged value now sees the count go
 * back and fails with PB_ECORRUPT instead of hanging. release: as for
 * the first store of this value, our reads of what it covers are done. */
void pb_rx_reassert(struct pb_job *j)
{
	/* owed acks first: their senders wait for them, so are alive even
	 * while we close */
	pb_rx_ack_owed(j);
	for (int i = 0; i < j->nrx; i++) {
		struct pb_rxconn *x = j->rx[i];
		if (!x->ack)
			continue;
		/* the sender gave up on us (send.c:ring_reclaim): what we
		 * wait for from it will never come */
		if (!x->remote && !x->error && x->base && x->ring < 1024) {
			struct pb_dseg_hdr *h = (void *)x->base;
			if (atomic_load_explicit(&h->gave_up[x->ring / 64],
						 memory_order_acquire) &
			    (1ull << (x->ring % 64)))
				corrupt(j, x, "the sender found our acks "
					      "impossible");
		}
		uint64_t v = x->refused ? UINT64_MAX : x->published;
		if (x->remote) {
			/* the real block is on the sender's host: unseen
			 * from here, so written again (24 bytes a tenth of a
			 * second, only while idle). Not while closing: a
			 * sender that is done may be gone, and a write to it
			 * would wait out the peer timeout */
			if ((v || x->refused) && x->error != PB_EPEER &&
			    !j->closing)
				rx_ack(j, x, v, PB_RMA_TRY);
			continue;
		}
		if (x->no_cma)
			atomic_store_explicit(&x->ack->no_cma, 1,
					      memory_order_relaxed);
		if (pb_observe64(&x->ack->consumed) == v)
			continue;
		pb_rx_ack(j, x, v);
	}
}

/* Between hosts: count the pool blocks of the indicator just consumed
 * (nblocks was checked by consume's parse; read again only to count,
 * before our ack lets the sender write the slot again). */
static void count_blocks(struct pb_rxconn *x, const uint8_t *slot)
{
	uint8_t kind = ((const struct pb_slot_hdr *)slot)->kind;
	if (kind != PB_IND_POOL && kind != PB_IND_PIECE)
		return;
	struct pb_slot_pool pp;
	memcpy(&pp, slot + PB_SLOT_BODY_OFF, sizeof(pp));
	x->pool_unacked += pp.nblocks;
}

/* Between hosts an ack is a provider operation: it waits for our first
 * poll that finds nothing (pb_progress_once -> pb_rx_ack_owed), so that
 * whatever the caller does with the message (a reply) goes out first; at
 * most a quarter ring, and blocks worth half a cycle: pool blocks are the
 * sender's scarce memory, shared by its receivers here, and pieces of a
 * large message (half a cycle each) are acked at once, so the sender's
 * two-piece pipeline keeps moving. */
static int ack_can_wait(const struct pb_rxconn *x)
{
	uint32_t blk_max = (uint32_t)(x->l.cycle_size / 2 / x->l.block_size);
	return x->pool_unacked < (blk_max ? blk_max : 1) &&
	       x->next - 1 - x->published < (x->l.slots + 3) / 4;
}

/* Acknowledge everything consumed so far. */
static void ack_all(struct pb_job *j, struct pb_rxconn *x)
{
	x->published = x->next - 1;
	x->pool_unacked = 0;
	pb_rx_ack(j, x, x->published);
}

int pb_rx_poll(struct pb_job *j)
{
	int moved = 0, rc = pb_dir_poll(j);
	if (rc < 0 && !j->error)
		j->error = rc;
	/* between hosts: peers' writes into our segments land only while we
	 * drive the medium (software providers), so every poll does */
	if (j->rma)
		pb_conn_rma_poll(j);
	for (int i = 0; i < j->nrx; i++) {
		struct pb_rxconn *x = j->rx[i];
		if (x->error)
			continue;
		/* at most one lap per poll: fair to the other senders */
		for (uint32_t k = 0; k < x->l.slots; k++) {
			uint8_t *slot =
				pb_dseg_slot(x->base, &x->l, x->ring, x->next);
			/* acquire: pairs with the sender's release of seq, so
			 * the fields and payload read next are complete */
			uint32_t seq = pb_observe32(
				&((struct pb_slot_hdr *)slot)->seq);
			if (seq != (uint32_t)x->next) {
				/* not yet written holds the previous lap's
				 * seq (0 on the first lap); anything else was
				 * never written by the sender */
				uint64_t old = x->next > x->l.slots
						       ? x->next - x->l.slots
						       : 0;
				/* between hosts a write may be half placed
				 * (its bytes in any order): only a value
				 * that stays wrong is a lie */
				if (seq == (uint32_t)old)
					x->odd = 0;
				else if (!x->remote || ++x->odd > 1000)
					corrupt(j, x, "a sequence number out "
						      "of place");
				break;
			}
			x->odd = 0;
			rc = consume(j, x, slot);
			if (rc == PB_ENOMEM) {
				/* retrying could only fail again, or find the
				 * pair half-delivered: give it up, loudly */
				fprintf(stderr,
					"postbox: rank %d: out of memory for a "
					"message from rank %d; this sender is "
					"ignored from now on\n",
					j->rank, x->sender);
				x->error = PB_ENOMEM;
				if (!j->error)
					j->error = PB_ENOMEM;
			}
			if (rc)
				break;
			x->next++;
			moved++;
			if (x->remote)
				count_blocks(x, slot);
		}
		/* one ack per poll of a ring, not per message: acks batch
		 * by themselves under load and cost one store when idle.
		 * release: our copies out of the slots and blocks happen
		 * before the sender may reuse them (invariant 5) */
		if (x->error) {
			pb_rx_refuse(j, x);
			continue;
		}
		if (x->next - 1 == x->published)
			continue;
		if (x->remote && ack_can_wait(x)) {
			j->acks_owed = 1;
			continue;
		}
		ack_all(j, x);
	}
	return moved;
}

void pb_rx_ack_owed(struct pb_job *j)
{
	j->acks_owed = 0;
	for (int i = 0; i < j->nrx; i++) {
		struct pb_rxconn *x = j->rx[i];
		if (x->remote && !x->error && x->next - 1 != x->published)
			ack_all(j, x);
	}
}
