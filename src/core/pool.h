/*
 * pool.h - the sender's private map of one buffer pool (c4, c8, c17).
 *
 * The pool itself lives in the data segment on the receivers' node; this
 * bitmap, kept by the sender, says which blocks are allocated. A message
 * takes a run of consecutive blocks so its payload is one contiguous range
 * the receiver copies in one go.
 */
#ifndef PB_POOL_H
#define PB_POOL_H

#include <stdint.h>

struct pb_pool {
	uint32_t nblocks;
	uint32_t nfree;
	uint32_t hint;    /* word where the last search ended: next-fit */
	uint64_t *bits;   /* 1 = allocated */
};

int pb_pool_init(struct pb_pool *p, uint32_t nblocks);
void pb_pool_fini(struct pb_pool *p);
/* First run of n free blocks, marked allocated; its index, or -1 when
 * there is no such run (the caller then reclaims, c10/c11). */
int64_t pb_pool_alloc(struct pb_pool *p, uint32_t n);
/* Return a run; a run not fully allocated is a bug and returns -1. */
int pb_pool_free(struct pb_pool *p, uint32_t first, uint32_t n);

#endif
