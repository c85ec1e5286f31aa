/*
 * comm.c - communicators and their context ids.
 *
 * A communicator's traffic is kept apart from every other's by Postbox
 * channels derived from its context id (internal.h). Members agree on a
 * new id collectively, MPICH's way: each rank has a mask of the ids it has
 * free, the parent's members AND their masks together (an allreduce on
 * the parent's hidden channel) and all take the lowest id left. Every
 * member computes the same answer, ids freed by MPI_Comm_free come back,
 * and the disjoint communicators that one MPI_Comm_split makes share an
 * id safely: no rank of one ever sends to a rank of another.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* by handle index; a freed communicator's slot is NULL at once, so a
 * lookup is one bounds check and one load (internal.h) */
struct pbmpi_comm **pbmpi_ctab;
unsigned pbmpi_ccap;
#define ctab pbmpi_ctab
#define ccap ((int)pbmpi_ccap)

static void ctx_set_free(int cid, int isfree)
{
	uint32_t bit = 1u << (cid % 32);
	if (isfree)
		pbmpi_g.ctx_free[cid / 32] |= bit;
	else
		pbmpi_g.ctx_free[cid / 32] &= ~bit;
}

static void comm_destroy(struct pbmpi_comm *c)
{
	if (c->handle_idx >= 0 && c->handle_idx < ccap)
		ctab[c->handle_idx] = NULL;
	for (int i = 0; i < ccap; i++)
		if (ctab[i] == c)
			ctab[i] = NULL;
	free(c->c2w);
	free(c->w2c);
	free(c);
}

void pbmpi_comm_unref(struct pbmpi_comm *c)
{
	if (--c->refs > 0)
		return;
	/* the id is reusable only now that no pending operation can still
	 * send or receive on its channels */
	ctx_set_free(c->cid, 1);
	comm_destroy(c);
}

/* Make a communicator; takes c2w (NULL: the job's ranks in order). */
static int comm_new(int cid, int size, int rank, int *c2w, MPI_Errhandler eh,
		    MPI_Comm *out, int want_idx)
{
	struct pbmpi_comm *c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->cid = cid;
	c->ch = CH_P2P(cid);
	c->cch = CH_COLL(cid);
	c->size = size;
	c->rank = rank;
	c->eh = eh;
	c->refs = 1;
	c->c2w = c2w;
	if (c2w) {
		c->w2c = malloc((size_t)pbmpi_g.size * sizeof(int));
		if (!c->w2c)
			goto nomem;
		for (int w = 0; w < pbmpi_g.size; w++)
			c->w2c[w] = -1;
		for (int r = 0; r < size; r++)
			c->w2c[c2w[r]] = r;
	}
	int i = want_idx;
	if (i < 0) {
		for (i = 2; i < ccap; i++)
			if (!ctab[i])
				break;
	}
	if (i >= ccap) {
		int ncap = ccap ? 2 * ccap : 16;
		while (ncap <= i)
			ncap *= 2;
		struct pbmpi_comm **n = realloc(ctab, (size_t)ncap * sizeof(*n));
		if (!n)
			goto nomem;
		memset(n + ccap, 0, (size_t)(ncap - ccap) * sizeof(*n));
		ctab = n;
		pbmpi_ccap = (unsigned)ncap;
	}
	ctab[i] = c;
	c->handle_idx = i;
	ctx_set_free(cid, 0);
	pbmpi_cnt_reset(c->ch); /* counts of an older user of the id go */
	*out = (MPI_Comm)((HK_COMM << 24) | (unsigned)i);
	return MPI_SUCCESS;
nomem:
	if (c) {
		free(c->w2c);
		free(c);
	}
	free(c2w);
	return MPI_ERR_INTERN;
}

int pbmpi_comm_init(void)
{
	MPI_Comm h;
	memset(pbmpi_g.ctx_free, 0xff, sizeof(pbmpi_g.ctx_free));
	int rc = comm_new(0, pbmpi_g.size, pbmpi_g.rank, NULL,
			  MPI_ERRORS_ARE_FATAL, &h, 0);
	if (rc)
		return rc;
	int *self = malloc(sizeof(int));
	if (!self)
		return MPI_ERR_INTERN;
	self[0] = pbmpi_g.rank;
	return comm_new(1, 1, 0, self, MPI_ERRORS_ARE_FATAL, &h, 1);
}

void pbmpi_comm_fini(void)
{
	for (int i = 0; i < ccap; i++)
		if (ctab[i])
			comm_destroy(ctab[i]);
	free(ctab);
	ctab = NULL;
	pbmpi_ccap = 0;
}

/* Agree with the other members of parent on a context id free on all. */
static int ctx_agree(struct pbmpi_comm *parent, int *cid)
{
	uint32_t mask[PBMPI_CTX_WORDS];
	memcpy(mask, pbmpi_g.ctx_free, sizeof(mask));
	int rc = pbmpi_coll_allreduce(parent, MPI_IN_PLACE, mask,
				      PBMPI_CTX_WORDS,
				      pbmpi_dtype_get(MPI_UINT32_T), MPI_BAND);
	if (rc)
		return rc;
	for (int w = 0; w < PBMPI_CTX_WORDS; w++)
		if (mask[w]) {
			*cid = w * 32 + __builtin_ctz(mask[w]);
			return MPI_SUCCESS;
		}
	return MPI_ERR_INTERN; /* 2048 communicators alive at once */
}

int MPI_Comm_rank(MPI_Comm comm, int *rank)
{
	PBMPI_CHECK_RUNNING("MPI_Comm_rank");
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	if (!c)
		return pbmpi_raise(NULL, MPI_ERR_COMM, "MPI_Comm_rank");
	if (!rank)
		return pbmpi_raise(c, MPI_ERR_ARG, "MPI_Comm_rank");
	*rank = c->rank;
	return MPI_SUCCESS;
}

int MPI_Comm_size(MPI_Comm comm, int *size)
{
	PBMPI_CHECK_RUNNING("MPI_Comm_size");
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	if (!c)
		return pbmpi_raise(NULL, MPI_ERR_COMM, "MPI_Comm_size");
	if (!size)
		return pbmpi_raise(c, MPI_ERR_ARG, "MPI_Comm_size");
	*size = c->size;
	return MPI_SUCCESS;
}

int MPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
	PBMPI_CHECK_RUNNING("MPI_Comm_dup");
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	if (!c)
		return pbmpi_raise(NULL, MPI_ERR_COMM, "MPI_Comm_dup");
	if (!newcomm)
		return pbmpi_raise(c, MPI_ERR_ARG, "MPI_Comm_dup");
	int cid, rc = ctx_agree(c, &cid);
	if (rc)
		return pbmpi_raise(c, rc, "MPI_Comm_dup");
	int *c2w = NULL;
	if (c->c2w) {
		c2w = malloc((size_t)c->size * sizeof(int));
		if (!c2w)
			return pbmpi_raise(c, MPI_ERR_INTERN, "MPI_Comm_dup");
		memcpy(c2w, c->c2w, (size_t)c->size * sizeof(int));
	}
	/* the new communicator inherits the parent's error handler */
	rc = comm_new(cid, c->size, c->rank, c2w, c->eh, newcomm, -1);
	return pbmpi_raise(c, rc, "MPI_Comm_dup");
}

struct member {
	int key, prank;
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->prank < y->prank ? -1 : x->prank > y->prank;
}

int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
	PBMPI_CHECK_RUNNING("MPI_Comm_split");
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	if (!c)
		return pbmpi_raise(NULL, MPI_ERR_COMM, "MPI_Comm_split");
	if (!newcomm || (color < 0 && color != MPI_UNDEFINED))
		return pbmpi_raise(c, MPI_ERR_ARG, "MPI_Comm_split");
	int mine[2] = {color, key};
	int *all = malloc((size_t)c->size * 2 * sizeof(int));
	struct member *m = malloc((size_t)c->size * sizeof(*m));
	if (!all || !m) {
		free(all);
		free(m);
		return pbmpi_raise(c, MPI_ERR_INTERN, "MPI_Comm_split");
	}
	struct pbmpi_dtype *ti = pbmpi_dtype_get(MPI_INT);
	int rc = pbmpi_coll_allgather(c, mine, 2, ti, all, 2, ti);
	int n = 0, cid = 0;
	if (!rc) {
		for (int r = 0; r < c->size; r++)
			if (color != MPI_UNDEFINED && all[2 * r] == color) {
				m[n].key = all[2 * r + 1];
				m[n].prank = r;
				n++;
			}
		/* ordered by key, ties by rank in the parent */
		qsort(m, (size_t)n, sizeof(*m), member_cmp);
		/* every member of the parent takes part, so that all agree */
		rc = ctx_agree(c, &cid);
	}
	free(all);
	if (rc) {
		free(m);
		return pbmpi_raise(c, rc, "MPI_Comm_split");
	}
	if (color == MPI_UNDEFINED) {
		free(m);
		*newcomm = MPI_COMM_NULL;
		return MPI_SUCCESS;
	}
	int *c2w = malloc((size_t)n * sizeof(int)), me = -1;
	if (!c2w) {
		free(m);
		return pbmpi_raise(c, MPI_ERR_INTERN, "MPI_Comm_split");
	}
	for (int i = 0; i < n; i++) {
		c2w[i] = pbmpi_c2w(c, m[i].prank);
		if (m[i].prank == c->rank)
			me = i;
	}
	free(m);
	rc = comm_new(cid, n, me, c2w, c->eh, newcomm, -1);
	return pbmpi_raise(c, rc, "MPI_Comm_split");
}

int MPI_Comm_free(MPI_Comm *comm)
{
	PBMPI_CHECK_RUNNING("MPI_Comm_free");
	struct pbmpi_comm *c = comm ? pbmpi_comm_get(*comm) : NULL;
	if (!c || c->cid < 2)
		return pbmpi_raise(c, MPI_ERR_COMM, "MPI_Comm_free");
	*comm = MPI_COMM_NULL;
	/* the handle dies now; the object when its last pending operation
	 * completes (the standard lets those complete normally) */
	ctab[c->handle_idx] = NULL;
	c->handle_idx = -1;
	pbmpi_comm_unref(c);
	return MPI_SUCCESS;
}
