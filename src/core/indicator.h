/*
 * indicator.h - writing and parsing the indicator a slot holds (c2, c9, c17).
 */
#ifndef PB_INDICATOR_H
#define PB_INDICATOR_H

#include <stdint.h>

#include "core/layout.h"

/* A parsed, validated indicator: the receiver works from this private copy. */
struct pb_ind {
	uint8_t kind;     /* enum pb_ind_kind */
	uint16_t ctx;
	int32_t tag;
	uint32_t len;     /* bytes this indicator carries */
	uint64_t total;   /* whole message length (INLINE, POOL) */
	uint32_t block;   /* POOL, PIECE: first block */
	uint32_t nblocks; /* POOL, PIECE: blocks used */
	const uint8_t *payload; /* where the len bytes are (slot or pool) */
	uint64_t addr;    /* CMA: the sender's buffer */
	uint32_t pid;     /* CMA: the sender's process */
};

/* Parse the slot whose seq the caller has already observed (acquire).
 * pool is the segment's pool base. 0 or PB_ECORRUPT. */
int pb_ind_parse(const uint8_t *slot, const struct pb_dseg_layout *l,
		 const uint8_t *pool, struct pb_ind *out);

/* Fill an INLINE indicator and its payload, then publish seq (release). */
void pb_ind_put_inline(uint8_t *slot, uint16_t ctx, int32_t tag,
		       const void *data, uint32_t len, uint32_t seq);
/* Fill a POOL or PIECE indicator (payload already copied into the pool),
 * then publish seq (release). */
void pb_ind_put_pool(uint8_t *slot, uint8_t kind, uint16_t ctx, int32_t tag,
		     uint32_t len, uint64_t total, uint32_t block,
		     uint32_t nblocks, uint32_t seq);

/* Fill a CMA indicator (nothing in the pool), then publish seq. */
void pb_ind_put_cma(uint8_t *slot, uint16_t ctx, int32_t tag, uint64_t total,
		    const void *addr, uint32_t pid, uint32_t seq);

#endif
