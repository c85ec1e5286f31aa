/*
 * indicator.c - one place that knows how an indicator is laid out in a slot.
 */
#include <string.h>

#include "postbox.h"
#include "core/indicator.h"
#include "core/ordering.h"

int pb_ind_parse(const uint8_t *slot, const struct pb_dseg_layout *l,
		 const uint8_t *pool, struct pb_ind *out)
{
	struct pb_slot_hdr h;
	struct pb_slot_pool p;

	/* copy first, check the copy, use the copy: a rogue writer changing the
	 * slot under us can then only make us deliver wrong bytes, never read
	 * out of bounds */
	memcpy(&h, slot, sizeof(h));
	out->kind = h.kind;
	out->ctx = h.ctx;
	out->tag = h.tag;
	out->len = h.len;
	out->block = out->nblocks = 0;
	switch (h.kind) {
	case PB_IND_INLINE:
		if (h.len > l->inline_max || h.rsvd)
			return PB_ECORRUPT;
		out->total = h.len;
		out->payload = slot + PB_SLOT_BODY_OFF;
		return 0;
	case PB_IND_POOL:
	case PB_IND_PIECE:
		memcpy(&p, slot + PB_SLOT_BODY_OFF, sizeof(p));
		if (h.rsvd || p.nblocks == 0 || p.block >= l->nblocks ||
		    p.nblocks > l->nblocks - p.block ||
		    (uint64_t)p.nblocks * l->block_size > l->cycle_size ||
		    h.len > (uint64_t)p.nblocks * l->block_size ||
		    h.len <= (uint64_t)(p.nblocks - 1) * l->block_size)
			return PB_ECORRUPT;
		if (h.kind == PB_IND_POOL && p.total < h.len)
			return PB_ECORRUPT;
		out->total = h.kind == PB_IND_POOL ? p.total : 0;
		out->block = p.block;
		out->nblocks = p.nblocks;
		out->payload = pool + (uint64_t)p.block * l->block_size;
		return 0;
	case PB_IND_CMA: {
		struct pb_slot_cma c;
		memcpy(&c, slot + PB_SLOT_BODY_OFF, sizeof(c));
		/* the bytes are read with process_vm_readv, which checks the
		 * address itself: a bad one is an error, never our fault */
		if (h.rsvd || h.len != 0 || c.pid == 0 || c.rsvd)
			return PB_ECORRUPT;
		out->total = c.total;
		out->addr = c.addr;
		out->pid = c.pid;
		out->payload = NULL;
		return 0;
	}
	default:
		return PB_ECORRUPT;
	}
}

static void put_hdr(uint8_t *slot, uint8_t kind, uint16_t ctx, int32_t tag,
		    uint32_t len)
{
	struct pb_slot_hdr *h = (struct pb_slot_hdr *)slot;
	h->kind = kind;
	h->rsvd = 0;
	h->ctx = ctx;
	h->tag = tag;
	h->len = len;
}

void pb_ind_put_inline(uint8_t *slot, uint16_t ctx, int32_t tag,
		       const void *data, uint32_t len, uint32_t seq)
{
	put_hdr(slot, PB_IND_INLINE, ctx, tag, len);
	if (len)
		memcpy(slot + PB_SLOT_BODY_OFF, data, len);
	/* release: header and payload above are visible before seq (inv. 1) */
	pb_publish32(&((struct pb_slot_hdr *)slot)->seq, seq);
}

void pb_ind_put_cma(uint8_t *slot, uint16_t ctx, int32_t tag, uint64_t total,
		    const void *addr, uint32_t pid, uint32_t seq)
{
	struct pb_slot_cma c = {.total = total,
				.addr = (uint64_t)(uintptr_t)addr,
				.pid = pid};
	put_hdr(slot, PB_IND_CMA, ctx, tag, 0);
	memcpy(slot + PB_SLOT_BODY_OFF, &c, sizeof(c));
	/* release: as for the other kinds (invariant 1) */
	pb_publish32(&((struct pb_slot_hdr *)slot)->seq, seq);
}

void pb_ind_put_pool(uint8_t *slot, uint8_t kind, uint16_t ctx, int32_t tag,
		     uint32_t len, uint64_t total, uint32_t block,
		     uint32_t nblocks, uint32_t seq)
{
	struct pb_slot_pool p = {.total = total, .block = block,
				 .nblocks = nblocks};
	put_hdr(slot, kind, ctx, tag, len);
	memcpy(slot + PB_SLOT_BODY_OFF, &p, sizeof(p));
	/* release: the pool bytes copied by the caller and the fields above
	 * are visible before seq (invariant 1) */
	pb_publish32(&((struct pb_slot_hdr *)slot)->seq, seq);
}
