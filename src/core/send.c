/*
 * send.c - the sender's half of the protocol (c1-c13, c16-c30).
 *
 * Before writing an indicator the sender checks that the receiver's ring
 * has a free slot and, for a payload that does not fit inline, that the
 * pool has a free run of blocks (c8). When either is missing it reclaims
 * from acknowledgments (c10-c13, c16): first the receiver's own ring, then
 * the receiver list in communication order, for receivers on the target
 * node only (c28). What still does not fit waits in the ring's queue: a
 * full ring or pool means waiting, never dropping (invariant 6).
 */
#include <stddef.h>
#include <string.h>

#include "core/bell.h"
#include "core/engine.h"
#include "core/indicator.h"
#include "core/ordering.h"

#define container_of(p, T, m) ((T *)((char *)(p) - offsetof(T, m)))

/* Return the pool blocks of every indicator up to seq c (c16, c17); the
 * receiver's block count drops with them (c18) and at zero it leaves the
 * receiver list (c20). */
static void release_upto(struct pb_job *j, struct pb_txring *r, uint64_t c)
{
	uint32_t mask = r->conn->l.slots - 1;
	for (uint64_t s = r->acked + 1; s <= c; s++) {
		struct pb_held *h = &r->held[(s - 1) & mask];
		if (!h->nblocks)
			continue;
		pb_pool_free(&r->conn->pool, h->block, h->nblocks);
		pb_rlist_released(&j->rlist, &r->rl, h->nblocks);
		h->nblocks = 0;
	}
	r->acked = c;
}

/* Take in the receiver's acknowledgment and release what it covers. */
static int ring_reclaim(struct pb_job *j, struct pb_txring *r)
{
	/* acquire: pairs with the receiver's release store after it copied
	 * the payloads out, so our next writes to these slots and blocks
	 * cannot overtake its reads (invariant 5) */
	uint64_t c = pb_observe64(&r->ack->consumed);
	if (c == r->acked)
		return 0;
	/* between hosts: a value whose check word disagrees is an RMA write
	 * half placed, to be read again (layout.h); relaxed: the acquire
	 * above orders it */
	if (r->conn->remote && r->ack->check != pb_ack_check(c))
		return 0;
	if (c < r->acked || c >= r->next_seq) {
		/* an ack for something never sent, or one that goes back.
		 * Tell the receiver, which may be waiting for what we will
		 * now never send (within a host: the header is ours to
		 * write; between hosts it finds out from our loss) */
		r->error = PB_ECORRUPT;
		if (!r->conn->remote && r->ring < 1024) {
			struct pb_dseg_hdr *h = (void *)r->conn->base;
			atomic_fetch_or_explicit(&h->gave_up[r->ring / 64],
						 1ull << (r->ring % 64),
						 memory_order_release);
		}
		return PB_ECORRUPT;
	}
	release_upto(j, r, c);
	return 1;
}

/* c10, c28: walk the receiver list, oldest communication first, and
 * reclaim from every receiver that lives on the target node. */
static void reclaim_node(struct pb_job *j, int node)
{
	struct pb_rlist_node *it, *tmp;
	pb_rlist_foreach_safe(&j->rlist, it, tmp)
	{
		if (it->node == node)
			ring_reclaim(j, container_of(it, struct pb_txring, rl));
	}
}

int pb_tx_reap_dead(struct pb_job *j, double since)
{
	struct pb_rlist_node *it, *tmp;
	int reaped = 0;
	pb_rlist_foreach_safe(&j->rlist, it, tmp)
	{
		if (pb_peer_alive(j, it->rank, since))
			continue;
		struct pb_txring *r = container_of(it, struct pb_txring, rl);
		/* nobody reads these any more: the blocks are free again
		 * (invariant 5 holds: a dead reader cannot be overtaken) */
		release_upto(j, r, r->next_seq - 1);
		r->error = PB_EPEER;
		reaped++;
	}
	return reaped;
}

/* Blocks of this op's indicators the receiver has not acknowledged yet. */
static uint64_t op_in_flight(const struct pb_txring *r,
			     const struct pb_sendop *op)
{
	uint32_t mask = r->conn->l.slots - 1;
	uint64_t from = op->first_seq > r->acked ? op->first_seq : r->acked + 1;
	uint64_t blocks = 0;
	for (uint64_t s = from; s < r->next_seq; s++)
		blocks += r->held[(s - 1) & mask].nblocks;
	return blocks * r->conn->l.block_size;
}

/* Between hosts: carry what was just written into the private copy of
 * the segment over to the real one on B. Pool bytes, then the slot past
 * its seq word, then the seq word: the medium lands one peer's writes in
 * issue order, so a receiver that sees the new seq sees all of it, as the
 * release store gives within a host. */
static int tx_remote(struct pb_job *j, struct pb_txring *r, uint8_t *slot,
		     uint64_t pool_off, size_t pool_len)
{
	struct pb_txconn *c = r->conn;
	const struct pb_slot_hdr *h = (const struct pb_slot_hdr *)slot;
	size_t body = h->kind == PB_IND_INLINE ? h->len
					       : sizeof(struct pb_slot_pool);
	uint64_t off = (uint64_t)(slot - c->base);
	const size_t seqw = sizeof(h->seq);
	int dest = r->rl.rank, rc = 0;
	if (pool_len)
		rc = pb_rma_write(j->rma, dest, c->shadow_reg,
				  c->base + pool_off, pool_len, &r->rk,
				  pool_off, 0);
	if (!rc)
		rc = pb_rma_write(j->rma, dest, c->shadow_reg, slot + seqw,
				  PB_SLOT_BODY_OFF - seqw + body, &r->rk,
				  off + seqw, 0);
	if (!rc)
		rc = pb_rma_write(j->rma, dest, c->shadow_reg, slot, seqw,
				  &r->rk, off, 0);
	if (rc)
		r->error = rc;
	return rc;
}

/* Is there a free slot? c8's first question. */
static int slot_free(struct pb_job *j, struct pb_txring *r)
{
	if (r->next_seq - r->acked <= r->conn->l.slots)
		return 1;
	if (ring_reclaim(j, r) < 0)
		return -1;
	return r->next_seq - r->acked <= r->conn->l.slots;
}

/* Large, same host, the receiver not known to be unable: let it read the
 * bytes from our buffer in one copy instead of two through the pool. Only
 * within a node: between nodes the data segment carries everything, as it
 * must between hosts. */
static int use_cma(const struct pb_job *j, const struct pb_txring *r,
		   const struct pb_sendop *op)
{
	return j->par.cma != PB_CMA_OFF && !r->no_cma &&
	       op->len >= j->par.cma_min && r->rl.node == j->node;
}

int pb_tx_push(struct pb_job *j, struct pb_txring *r, struct pb_sendop *op)
{
	struct pb_txconn *c = r->conn;
	const struct pb_dseg_layout *l = &c->l;

	if (r->error)
		return r->error;
	if (op->cma_wait) {
		/* the receiver reads our buffer itself: the send is done when
		 * it acknowledges, since until then the buffer is in use */
		if (r->acked < op->first_seq && ring_reclaim(j, r) < 0)
			return r->error;
		if (r->acked < op->first_seq)
			return 0;
		op->cma_wait = 0;
		/* relaxed: ordered after the acquire of consumed above */
		if (!atomic_load_explicit(&r->ack->no_cma, memory_order_relaxed))
			return 1;
		/* it could not read us: the bytes follow as pieces of the
		 * message the CMA indicator began */
		r->no_cma = 1;
	}
	for (;;) {
		int f = slot_free(j, r);
		if (f <= 0)
			return f < 0 ? r->error : 0;
		uint8_t *slot = pb_dseg_slot(c->base, l, r->ring, r->next_seq);

		if (!op->started && use_cma(j, r, op)) {
			pb_ind_put_cma(slot, op->ctx, op->tag, op->len, op->buf,
				       j->pid, (uint32_t)r->next_seq);
			r->held[(r->next_seq - 1) & (l->slots - 1)].nblocks = 0;
			op->started = 1;
			op->first_seq = r->next_seq;
			op->cma_wait = 1;
			r->next_seq++;
			if (j->sleepy)
				pb_bell_ring(r->peer);
			pb_rlist_sent(&j->rlist, &r->rl, 0);
			return 0;
		}

		/* c4, c5: small enough to travel inside the indicator */
		if (!op->started && op->len <= l->inline_max) {
			pb_ind_put_inline(slot, op->ctx, op->tag, op->buf,
					  (uint32_t)op->len,
					  (uint32_t)r->next_seq);
			if (c->remote && tx_remote(j, r, slot, 0, 0))
				return r->error;
			r->held[(r->next_seq - 1) & (l->slots - 1)].nblocks = 0;
			r->next_seq++;
			if (j->sleepy)
				pb_bell_ring(r->peer);
			pb_rlist_sent(&j->rlist, &r->rl, 0); /* c7, c27 */
			return 1;
		}

		/* c22, c23: a message within the cycle size goes whole; a
		 * larger one goes in pieces that reuse the cycle's memory
		 * (c24), so it never holds more than the cycle size (c25) */
		size_t left = op->len - op->off;
		size_t chunk;
		if (!op->started && op->len <= l->cycle_size)
			chunk = op->len;
		else
			chunk = left < c->piece ? left : c->piece;
		if (op->started && op_in_flight(r, op) + chunk > l->cycle_size) {
			if (ring_reclaim(j, r) < 0)
				return r->error;
			if (op_in_flight(r, op) + chunk > l->cycle_size)
				return 0; /* c26: wait for our own memory */
		}
		uint32_t nblk = (uint32_t)((chunk + l->block_size - 1) /
					   l->block_size);
		/* c8: is there enough unallocated pool memory? */
		int64_t blk = pb_pool_alloc(&c->pool, nblk);
		if (blk < 0) {
			/* c10-c13, c26: reclaim what receivers on this
			 * node have acknowledged, then try again */
			reclaim_node(j, c->node);
			blk = pb_pool_alloc(&c->pool, nblk);
			if (blk < 0)
				return 0;
		}
		uint64_t poff = l->pool_off + (uint64_t)blk * l->block_size;
		memcpy(c->base + poff, op->buf + op->off, chunk);
		uint8_t kind = op->started ? PB_IND_PIECE : PB_IND_POOL;
		pb_ind_put_pool(slot, kind, op->ctx, op->tag, (uint32_t)chunk,
				op->started ? 0 : op->len, (uint32_t)blk, nblk,
				(uint32_t)r->next_seq);
		if (c->remote && tx_remote(j, r, slot, poff, chunk)) {
			pb_pool_free(&c->pool, (uint32_t)blk, nblk);
			return r->error;
		}
		struct pb_held *h = &r->held[(r->next_seq - 1) & (l->slots - 1)];
		h->block = (uint32_t)blk;
		h->nblocks = nblk;
		if (!op->started) {
			op->started = 1;
			op->first_seq = r->next_seq;
		}
		r->next_seq++;
		if (j->sleepy)
			pb_bell_ring(r->peer);
		pb_rlist_sent(&j->rlist, &r->rl, nblk); /* c7, c18, c27 */
		op->off += chunk;
		if (op->off == op->len)
			return 1;
	}
}

void pb_tx_enqueue(struct pb_job *j, struct pb_txring *r,
		   struct pb_sendop *op)
{
	op->next = NULL;
	if (r->q_tail)
		r->q_tail->next = op;
	else
		r->q_head = op;
	r->q_tail = op;
	if (!r->pend_linked) {
		r->pend_next = j->pend;
		j->pend = r;
		r->pend_linked = 1;
	}
}

static void op_finish(struct pb_sendop *op, int err)
{
	op->error = err;
	op->done = 1;
}

/* Push queued sends forward; rings whose queue empties leave job->pend. */
int pb_tx_progress(struct pb_job *j)
{
	struct pb_txring **pp = &j->pend;
	int moved = 0;
	while (*pp) {
		struct pb_txring *r = *pp;
		while (r->q_head) {
			struct pb_sendop *op = r->q_head;
			int rc = pb_tx_push(j, r, op);
			if (rc == 0)
				break;
			r->q_head = op->next;
			if (!r->q_head)
				r->q_tail = NULL;
			op_finish(op, rc < 0 ? rc : 0);
			moved++;
		}
		if (!r->q_head) {
			*pp = r->pend_next;
			r->pend_linked = 0;
		} else {
			pp = &r->pend_next;
		}
	}
	return moved;
}

int pb_tx_start(struct pb_job *j, int dest, uint16_t ctx, int32_t tag,
		const void *buf, size_t len, struct pb_sendop *op)
{
	struct pb_txring *r;
	memset(op, 0, sizeof(*op));
	op->buf = buf;
	op->len = len;
	op->ctx = ctx;
	op->tag = tag;
	op->dest = dest;
	int rc = pb_txring_get(j, dest, &r);
	if (rc)
		return rc;
	/* per-pair order (invariant 4): only the head of the queue writes */
	if (!r->q_head) {
		rc = pb_tx_push(j, r, op);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			op_finish(op, 0);
			return 0;
		}
	}
	pb_tx_enqueue(j, r, op);
	return 0;
}

void pb_tx_abandon(struct pb_job *j, struct pb_sendop *op)
{
	struct pb_txring *r = j->tx_rank[op->dest];
	struct pb_sendop **pp, *prev = NULL;
	if (!r)
		return;
	for (pp = &r->q_head; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != op)
			continue;
		*pp = op->next;
		if (r->q_tail == op)
			r->q_tail = prev;
		/* half a message in the ring: the pair can carry no more */
		if (op->started)
			r->error = PB_EPEER;
		return;
	}
}

int pb_tx_drained(struct pb_job *j, int *err, int *waiting_on)
{
	*waiting_on = -1;
	for (struct pb_txring *r = j->pend; r; r = r->pend_next)
		if (r->q_head) {
			*waiting_on = r->q_head->dest;
			return 0;
		}
	for (int d = 0; d < j->size; d++) {
		struct pb_txring *r = j->tx_rank[d];
		if (!r || r->acked + 1 == r->next_seq)
			continue;
		/* a broken pair will never drain: note it, look at the rest */
		if (r->error || ring_reclaim(j, r) < 0) {
			if (!*err)
				*err = r->error;
			continue;
		}
		if (r->acked + 1 != r->next_seq) {
			*waiting_on = d;
			return 0;
		}
	}
	return 1;
}
