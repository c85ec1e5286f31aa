/*
 * none.c - the rma.h medium of a build without libfabric: every pair must
 * then share a host. Opening it says so and fails; nothing else is called.
 */
#include <stdio.h>

#include "postbox.h"
#include "medium/rma.h"

int pb_rma_open(struct pb_rma **out, int rank, int size, double timeout,
		pb_rma_lookup_fn lookup, void *arg, void *name,
		size_t *name_len)
{
	(void)out, (void)size, (void)timeout, (void)lookup, (void)arg, (void)name,
		(void)name_len;
	fprintf(stderr,
		"postbox: rank %d: the nodes of this job are separate hosts "
		"(or PB_MEDIUM=ofi), but this libpostbox was built without "
		"libfabric: rebuild with libfabric-dev installed, or run all "
		"ranks on one host\n",
		rank);
	return PB_EBOOT;
}

int pb_rma_reg(struct pb_rma *m, void *base, uint64_t size,
	       struct pb_rma_reg **out, struct pb_rkey *rk)
{
	(void)m, (void)base, (void)size, (void)out, (void)rk;
	return PB_EBOOT;
}

void pb_rma_dereg(struct pb_rma *m, struct pb_rma_reg *g)
{
	(void)m, (void)g;
}

int pb_rma_write(struct pb_rma *m, int peer, struct pb_rma_reg *g,
		 const void *src, size_t len, const struct pb_rkey *rk,
		 uint64_t off, unsigned flags)
{
	(void)m, (void)peer, (void)g, (void)src, (void)len, (void)rk, (void)off,
		(void)flags;
	return PB_EPEER;
}

int pb_rma_send(struct pb_rma *m, int peer, const void *msg, size_t len)
{
	(void)m, (void)peer, (void)msg, (void)len;
	return PB_EPEER;
}

int pb_rma_progress(struct pb_rma *m, pb_rma_ctl_fn fn, void *arg)
{
	(void)m, (void)fn, (void)arg;
	return 0;
}

int pb_rma_alive(struct pb_rma *m, int peer)
{
	(void)m, (void)peer;
	return 0;
}

void pb_rma_flush(struct pb_rma *m)
{
	(void)m;
}

void pb_rma_close(struct pb_rma *m)
{
	(void)m;
}

