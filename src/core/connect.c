/*
 * connect.c - lazy, simplex connections (c31-c40).
 *
 * Sender s's first send to a rank of node B creates s's data segment on B
 * (c31, c34) and makes sure the ack segment (s's node, B) exists (c31); it
 * then announces itself in B's directory entry of that rank. The receiver
 * attaches the segment the first time it sees the announcement, and makes
 * sure the ack segment exists too (c35), since either side may be first.
 * A connection carries data one way only (c40): r answers s through the
 * ack segment, never through a segment of its own on s's node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/connect.h"
#include "core/engine.h"
#include "core/ordering.h"

void pb_conn_name_dseg(char *b, size_t n, int sender, int node)
{
	snprintf(b, n, "d%d-n%d", sender, node);
}

static void name_aseg(char *b, size_t n, int node_a, int node_b)
{
	snprintf(b, n, "a%d-%d", node_a, node_b);
}

static void name_dir(char *b, size_t n, int node)
{
	snprintf(b, n, "n%d", node);
}

/* ---- create-or-attach with validation --------------------------------- */

struct geom {
	uint32_t a, b, c, d;
};

static int init_aseg(void *base, uint64_t size, void *arg)
{
	struct geom *g = arg;
	(void)size;
	pb_aseg_format(base, g->a, g->b, g->c, g->d);
	return 0;
}

static int init_dir(void *base, uint64_t size, void *arg)
{
	struct geom *g = arg;
	(void)size;
	pb_dir_format(base, g->a, g->b, g->c);
	return 0;
}

int pb_conn_ensure(struct pb_job *j, const char *name, uint64_t size,
		  pb_region_init_fn init, void *arg, struct pb_region **out)
{
	int rc = j->med.ops->create(&j->med, name, size, init, arg, out);
	if (rc != PB_EAGAIN)
		return rc;
	return j->med.ops->attach(&j->med, name, out);
}

int pb_conn_aseg_get(struct pb_job *j, int node_a, int node_b,
		    struct pb_region **out)
{
	char name[64];
	struct geom g = {(uint32_t)node_a, (uint32_t)node_b,
			 (uint32_t)j->nlocal[node_a],
			 (uint32_t)j->nlocal[node_b]};
	uint64_t size = pb_aseg_size(g.c, g.d);
	name_aseg(name, sizeof(name), node_a, node_b);
	int rc = pb_conn_ensure(j, name, size, init_aseg, &g, out);
	if (rc)
		return rc;
	if (pb_aseg_check((*out)->base, (*out)->size, g.a, g.b, g.c, g.d)) {
		j->med.ops->detach(&j->med, *out);
		*out = NULL;
		return PB_ECORRUPT;
	}
	return 0;
}

static int dir_get(struct pb_job *j, int node)
{
	char name[64];
	struct pb_region *r;
	if (j->dir[node])
		return 0;
	struct geom g = {(uint32_t)node, (uint32_t)j->nlocal[node],
			 (uint32_t)j->size, 0};
	name_dir(name, sizeof(name), node);
	int rc = pb_conn_ensure(j, name, pb_dir_size(g.b, g.c), init_dir, &g, &r);
	if (rc)
		return rc;
	if (pb_dir_check(r->base, r->size, g.a, g.b, g.c)) {
		j->med.ops->detach(&j->med, r);
		return PB_ECORRUPT;
	}
	j->dir[node] = r;
	return 0;
}

struct pb_dir_entry *pb_dir_entry_of(struct pb_job *j, int rank)
{
	int node = j->boot.node_of[rank];
	if (dir_get(j, node))
		return NULL;
	return pb_dir_entry(j->dir[node]->base, (uint32_t)j->local[rank],
			    pb_dir_entry_size((uint32_t)j->size));
}

/* ---- job-wide setup ------------------------------------------------------ */

int pb_conn_init(struct pb_job *j)
{
	j->tx_node = calloc((size_t)j->nnodes, sizeof(*j->tx_node));
	j->tx_rank = calloc((size_t)j->size, sizeof(*j->tx_rank));
	j->dir = calloc((size_t)j->nnodes, sizeof(*j->dir));
	j->aseg_in = calloc((size_t)j->nnodes, sizeof(*j->aseg_in));
	j->rx_sender = calloc((size_t)j->size, sizeof(*j->rx_sender));
	j->rx = calloc((size_t)j->size, sizeof(*j->rx));
	if (!j->tx_node || !j->tx_rank || !j->dir || !j->aseg_in ||
	    !j->rx_sender || !j->rx)
		return PB_ENOMEM;
	pb_rlist_init(&j->rlist);
	/* my own node's directory: where senders will announce themselves
	 * to me; it is tiny and every rank of the node needs it */
	int rc = dir_get(j, j->node);
	if (rc)
		return rc;
	j->my_entry = pb_dir_entry_of(j, j->rank);
	atomic_store_explicit(&j->my_entry->pid, (uint32_t)getpid(),
			      memory_order_relaxed);
	atomic_store_explicit(&j->my_entry->state, PB_RANK_OPEN,
			      memory_order_release);
	return 0;
}

/* ---- sender side ---------------------------------------------------------- */

int pb_conn_init_dseg(void *base, uint64_t size, void *arg)
{
	struct pb_dseg_init *d = arg;
	(void)size;
	/* tmpfs pages are zero: every slot's seq starts at 0, which no
	 * indicator uses (seqs start at 1) */
	pb_dseg_format(base, d->l, d->sender, d->node);
	return 0;
}

static int txconn_get(struct pb_job *j, int node, struct pb_txconn **out)
{
	char name[64];
	struct pb_txconn *c = j->tx_node[node];
	int rc;
	if (c) {
		*out = c;
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return PB_ENOMEM;
	c->node = node;
	rc = pb_dseg_plan(&c->l, (uint32_t)j->nlocal[node], j->par.slots,
			  j->par.inline_max, j->par.block_size,
			  j->par.pool_size, j->par.cycle_size);
	if (rc)
		goto fail;
	if (j->rma && node != j->node) {
		/* B is another host: its receivers make the segment there
		 * when asked (connect_rma.c) */
		c->remote = 1;
		if ((rc = pb_rtx_conn_init(j, c)))
			goto fail;
		goto ready;
	}
	/* c31: is there a data segment for me on B? Only I create it, so a
	 * name already taken means a stale or foreign object: refuse. */
	struct pb_dseg_init di = {&c->l, (uint32_t)j->rank, (uint32_t)node};
	pb_conn_name_dseg(name, sizeof(name), j->rank, node);
	rc = j->med.ops->create(&j->med, name, c->l.total_size, pb_conn_init_dseg, &di,
				&c->seg);
	if (rc == PB_EAGAIN)
		rc = PB_EPERM;
	if (rc)
		goto fail;
	c->base = c->seg->base;
	/* c31: and is there an ack segment on my node for B's answers? */
	if ((rc = pb_conn_aseg_get(j, j->node, node, &c->aseg)))
		goto fail_seg;
	if ((rc = pb_pool_init(&c->pool, c->l.nblocks)))
		goto fail_aseg;
	if ((rc = dir_get(j, node)))
		goto fail_pool;
ready:;
	/* pieces of half the cycle size: two in flight pipeline the copies
	 * of sender and receiver while the message holds at most one cycle */
	uint64_t half = c->l.cycle_size / 2 / c->l.block_size * c->l.block_size;
	c->piece = (uint32_t)(half ? half : c->l.cycle_size);
	j->tx_node[node] = c;
	*out = c;
	return 0;
fail_pool:
	pb_pool_fini(&c->pool);
fail_aseg:
	j->med.ops->detach(&j->med, c->aseg);
fail_seg:
	j->med.ops->detach(&j->med, c->seg);
	j->med.ops->unlink(&j->med, name);
fail:
	free(c);
	return rc;
}

int pb_txring_get(struct pb_job *j, int dest, struct pb_txring **out)
{
	struct pb_txring *r = j->tx_rank[dest];
	struct pb_txconn *c;
	int rc;
	if (r) {
		*out = r;
		return 0;
	}
	int node = j->boot.node_of[dest];
	if ((rc = txconn_get(j, node, &c)))
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r)
		return PB_ENOMEM;
	r->held = calloc(c->l.slots, sizeof(*r->held));
	if (!r->held) {
		free(r);
		return PB_ENOMEM;
	}
	pb_rlist_node_init(&r->rl, dest, node);
	r->conn = c;
	r->ring = (uint32_t)j->local[dest];
	r->next_seq = 1;
	r->acked = 0;
	/* section = my index on my node (c36), block = dest's index on B
	 * (c37) */
	r->ack = pb_aseg_block(c->aseg->base, (uint32_t)j->nlocal[node],
			       (uint32_t)j->local[j->rank], r->ring);
	if (c->remote) {
		/* kept even if the handshake fails: its error then answers
		 * every later send to dest at once */
		j->tx_rank[dest] = r;
		if ((rc = pb_rtx_connect(j, r, dest))) {
			if (!r->error)
				r->error = rc;
			return rc;
		}
		*out = r;
		return 0;
	}
	/* announce: flag first, then gen with release, so a receiver that
	 * sees the new gen (acquire) also sees the flag and, through the
	 * link() that published it, the formatted segment */
	struct pb_dir_entry *e = pb_dir_entry(
		j->dir[node]->base, r->ring, pb_dir_entry_size(j->size));
	atomic_store_explicit(&e->senders[j->rank], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->gen, 1, memory_order_release);
	r->peer = e;
	j->tx_rank[dest] = r;
	*out = r;
	return 0;
}

/* ---- receiver side --------------------------------------------------------- */

static int rx_attach(struct pb_job *j, int s)
{
	char name[64];
	struct pb_rxconn *x = calloc(1, sizeof(*x));
	int rc, snode = j->boot.node_of[s];
	if (!x)
		return PB_ENOMEM;
	x->sender = s;
	pb_conn_name_dseg(name, sizeof(name), s, j->node);
	rc = j->med.ops->attach(&j->med, name, &x->seg);
	if (rc == PB_EAGAIN)
		rc = PB_ECORRUPT; /* announced but absent: a lie */
	if (rc)
		goto fail;
	if ((rc = pb_dseg_check(x->seg->base, x->seg->size, (uint32_t)s,
				(uint32_t)j->node, (uint32_t)j->nlocal[j->node],
				&x->l)))
		goto fail_seg;
	/* c35: the ack segment may not exist yet if I answer first */
	if (!j->aseg_in[snode] &&
	    (rc = pb_conn_aseg_get(j, snode, j->node, &j->aseg_in[snode])))
		goto fail_seg;
	x->base = x->seg->base;
	x->pool = x->base + x->l.pool_off;
	x->ring = (uint32_t)j->local[j->rank];
	x->next = 1;
	if (!(x->peer = pb_dir_entry_of(j, s))) {
		rc = PB_ECORRUPT;
		goto fail_seg;
	}
	x->ack = pb_aseg_block(j->aseg_in[snode]->base,
			       (uint32_t)j->nlocal[j->node],
			       (uint32_t)j->local[s], x->ring);
	j->rx_sender[s] = x;
	j->rx[j->nrx++] = x;
	return 0;
fail_seg:
	j->med.ops->detach(&j->med, x->seg);
	x->seg = NULL;
fail:
	fprintf(stderr, "postbox: rank %d: cannot attach the segment of "
			"sender %d: %s\n", j->rank, s, pb_strerror(rc));
	if (rc != PB_ECORRUPT && rc != PB_EPERM) {
		free(x); /* maybe passing (memory): try again next poll */
		return rc;
	}
	/* For good: remember the sender as broken, so receives from it
	 * fail instead of waiting, and tell it through its ack block. */
	x->error = rc;
	if (j->aseg_in[snode] ||
	    pb_conn_aseg_get(j, snode, j->node, &j->aseg_in[snode]) == 0) {
		x->ack = pb_aseg_block(j->aseg_in[snode]->base,
				       (uint32_t)j->nlocal[j->node],
				       (uint32_t)j->local[s],
				       (uint32_t)j->local[j->rank]);
		x->peer = pb_dir_entry_of(j, s);
		pb_rx_refuse(j, x);
	}
	j->rx_sender[s] = x;
	j->rx[j->nrx++] = x;
	return rc;
}

int pb_dir_poll(struct pb_job *j)
{
	struct pb_dir_entry *e = j->my_entry;
	/* acquire: pairs with the senders' release fetch_add on gen */
	uint64_t g = pb_observe64(&e->gen);
	int rc = 0;
	if (g == j->dir_seen)
		return 0;
	j->dir_seen = g;
	for (int s = 0; s < j->size; s++) {
		if (j->rx_sender[s] ||
		    !atomic_load_explicit(&e->senders[s], memory_order_relaxed))
			continue;
		int e2 = rx_attach(j, s);
		if (e2 && !rc)
			rc = e2;
		if (e2 && !j->rx_sender[s])
			j->dir_seen = g - 1; /* look again next time */
	}
	return rc;
}

/* ---- teardown --------------------------------------------------------------- */

void pb_conn_fini(struct pb_job *j, int unlink_shared)
{
	char name[64];
	const struct pb_medium_ops *ops = j->med.ops;
	/* our last writes (acks, messages) leave before what they are
	 * written from is deregistered */
	if (j->rma) {
		/* acks we still owe: their senders' closing flush waits */
		pb_rx_ack_owed(j);
		pb_rma_flush(j->rma);
	}
	if (j->my_entry)
		atomic_store_explicit(&j->my_entry->state, PB_RANK_CLOSED,
				      memory_order_release);
	for (int i = 0; j->rx && i < j->nrx; i++) {
		struct pb_rxconn *x = j->rx[i];
		/* an arriving message the unexpected list owns is freed
		 * there; one matched or orphaned is only ours */
		if (x->cur && (x->cur->rop || x->cur->orphan))
			free(x->cur);
		if (x->remote)
			pb_rrx_fini(j, x, unlink_shared);
		ops->detach(&j->med, x->seg);
		free(x);
	}
	for (int i = 0; j->tx_rank && i < j->size; i++) {
		if (!j->tx_rank[i])
			continue;
		free(j->tx_rank[i]->held);
		free(j->tx_rank[i]);
	}
	for (int n = 0; j->tx_node && n < j->nnodes; n++) {
		struct pb_txconn *c = j->tx_node[n];
		if (!c)
			continue;
		if (c->remote) {
			/* the segment lives on B: its receivers remove it */
			pb_rtx_conn_fini(j, c);
			free(c);
			continue;
		}
		ops->detach(&j->med, c->seg);
		ops->detach(&j->med, c->aseg);
		pb_pool_fini(&c->pool);
		free(c);
		/* mine alone: every receiver that will ever map it already
		 * has (all my messages were acknowledged) */
		if (unlink_shared) {
			pb_conn_name_dseg(name, sizeof(name), j->rank, n);
			ops->unlink(&j->med, name);
		}
	}
	for (int n = 0; j->aseg_in && n < j->nnodes; n++)
		if (j->aseg_in[n])
			ops->detach(&j->med, j->aseg_in[n]);
	for (int n = 0; j->dir && n < j->nnodes; n++)
		if (j->dir[n])
			ops->detach(&j->med, j->dir[n]);
	/* the node's shared objects go with its lowest rank, after the
	 * closing barrier proved no one will attach them again */
	if (unlink_shared && j->leader && j->leader[j->node] == j->rank) {
		for (int n = 0; n < j->nnodes; n++) {
			name_aseg(name, sizeof(name), j->node, n);
			ops->unlink(&j->med, name);
		}
		name_dir(name, sizeof(name), j->node);
		ops->unlink(&j->med, name);
	}
	free(j->tx_node);
	free(j->tx_rank);
	free(j->dir);
	free(j->aseg_in);
	free(j->rx_sender);
	free(j->rx);
	j->tx_node = NULL;
	j->tx_rank = NULL;
	j->dir = NULL;
	j->aseg_in = NULL;
	j->rx_sender = NULL;
	j->rx = NULL;
	j->my_entry = NULL;
}
