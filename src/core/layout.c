/*
 * layout.c - geometry of the shared objects and the checks a reader makes
 * before trusting one (invariant 2: everything read from a segment is
 * untrusted input).
 */
#include <string.h>

#include "postbox.h"
#include "core/layout.h"

#define PB_PAGE 4096u

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

int pb_dseg_plan(struct pb_dseg_layout *l, uint32_t nrings, uint32_t slots,
		 uint32_t inline_max, uint32_t block_size, uint64_t pool_size,
		 uint64_t cycle_size)
{
	if (nrings == 0 || !is_pow2(slots) || slots < 2 || slots > 65536)
		return PB_ERANGE;
	if (block_size < 64 || block_size % 64 || inline_max > 4096 - 16)
		return PB_ERANGE;
	if (pool_size < block_size || cycle_size < block_size ||
	    cycle_size > pool_size || pool_size / block_size > UINT32_MAX)
		return PB_ERANGE;
	memset(l, 0, sizeof(*l));
	l->nrings = nrings;
	l->slots = slots;
	/* a slot holds the 16-byte header and either the inline payload or a
	 * pool reference, rounded to whole cache lines */
	uint32_t body = inline_max > sizeof(struct pb_slot_pool)
				? inline_max
				: (uint32_t)sizeof(struct pb_slot_pool);
	l->slot_size = (uint32_t)round_up(PB_SLOT_BODY_OFF + body, 64);
	l->inline_max = l->slot_size - PB_SLOT_BODY_OFF;
	l->block_size = block_size;
	l->nblocks = (uint32_t)(pool_size / block_size);
	l->cycle_size = cycle_size / block_size * block_size;
	l->ring_off = sizeof(struct pb_dseg_hdr);
	uint64_t rings = (uint64_t)nrings * slots * l->slot_size;
	/* pool on its own page so payload copies start page aligned */
	l->pool_off = round_up(l->ring_off + rings, PB_PAGE);
	l->total_size = l->pool_off + (uint64_t)l->nblocks * block_size;
	return 0;
}

void pb_dseg_format(void *base, const struct pb_dseg_layout *l,
		    uint32_t sender, uint32_t node)
{
	struct pb_dseg_hdr *h = base;
	memset(h, 0, sizeof(*h));
	h->magic = PB_DSEG_MAGIC;
	h->version = PB_LAYOUT_VERSION;
	h->hdr_size = sizeof(*h);
	h->total_size = l->total_size;
	h->sender = sender;
	h->node = node;
	h->nrings = l->nrings;
	h->slots = l->slots;
	h->slot_size = l->slot_size;
	h->inline_max = l->inline_max;
	h->ring_off = l->ring_off;
	h->pool_off = l->pool_off;
	h->block_size = l->block_size;
	h->nblocks = l->nblocks;
	h->cycle_size = l->cycle_size;
}

int pb_dseg_check(const void *base, uint64_t map_size, uint32_t sender,
		  uint32_t node, uint32_t nrings, struct pb_dseg_layout *out)
{
	struct pb_dseg_hdr h;
	if (map_size < sizeof(h))
		return PB_ECORRUPT;
	/* one copy, then checks on the copy: the sender cannot change a field
	 * between our check and our use */
	memcpy(&h, base, sizeof(h));
	if (h.magic != PB_DSEG_MAGIC || h.version != PB_LAYOUT_VERSION ||
	    h.hdr_size != sizeof(h) || h.total_size != map_size ||
	    h.sender != sender || h.node != node || h.nrings != nrings)
		return PB_ECORRUPT;
	if (!is_pow2(h.slots) || h.slots < 2 || h.slots > 65536 ||
	    h.slot_size < 64 || h.slot_size % 64 || h.slot_size > 4096 ||
	    h.inline_max != h.slot_size - PB_SLOT_BODY_OFF)
		return PB_ECORRUPT;
	if (h.block_size < 64 || h.block_size % 64 || h.nblocks == 0 ||
	    h.cycle_size < h.block_size ||
	    h.cycle_size > (uint64_t)h.nblocks * h.block_size)
		return PB_ECORRUPT;
	uint64_t rings = (uint64_t)h.nrings * h.slots * h.slot_size;
	if (h.ring_off < sizeof(h) || h.ring_off % 64 ||
	    h.ring_off > map_size || rings > map_size - h.ring_off ||
	    h.pool_off < h.ring_off + rings || h.pool_off % 64 ||
	    h.pool_off > map_size ||
	    (uint64_t)h.nblocks * h.block_size > map_size - h.pool_off)
		return PB_ECORRUPT;
	out->nrings = h.nrings;
	out->slots = h.slots;
	out->slot_size = h.slot_size;
	out->inline_max = h.inline_max;
	out->block_size = h.block_size;
	out->nblocks = h.nblocks;
	out->ring_off = h.ring_off;
	out->pool_off = h.pool_off;
	out->total_size = h.total_size;
	out->cycle_size = h.cycle_size;
	return 0;
}

uint64_t pb_aseg_size(uint32_t m, uint32_t n)
{
	return sizeof(struct pb_aseg_hdr) +
	       (uint64_t)m * n * sizeof(struct pb_ack_block);
}

void pb_aseg_format(void *base, uint32_t node_a, uint32_t node_b, uint32_t m,
		    uint32_t n)
{
	struct pb_aseg_hdr *h = base;
	memset(h, 0, sizeof(*h));
	h->magic = PB_ASEG_MAGIC;
	h->version = PB_LAYOUT_VERSION;
	h->hdr_size = sizeof(*h);
	h->total_size = pb_aseg_size(m, n);
	h->node_a = node_a;
	h->node_b = node_b;
	h->m = m;
	h->n = n;
}

int pb_aseg_check(const void *base, uint64_t map_size, uint32_t node_a,
		  uint32_t node_b, uint32_t m, uint32_t n)
{
	struct pb_aseg_hdr h;
	if (map_size < sizeof(h))
		return PB_ECORRUPT;
	memcpy(&h, base, sizeof(h));
	if (h.magic != PB_ASEG_MAGIC || h.version != PB_LAYOUT_VERSION ||
	    h.hdr_size != sizeof(h) || h.node_a != node_a ||
	    h.node_b != node_b || h.m != m || h.n != n ||
	    h.total_size != pb_aseg_size(m, n) || h.total_size != map_size)
		return PB_ECORRUPT;
	return 0;
}

uint32_t pb_dir_entry_size(uint32_t nranks)
{
	return (uint32_t)round_up(sizeof(struct pb_dir_entry) + nranks, 64);
}

uint64_t pb_dir_size(uint32_t nlocal, uint32_t nranks)
{
	return sizeof(struct pb_dir_hdr) +
	       (uint64_t)nlocal * pb_dir_entry_size(nranks);
}

void pb_dir_format(void *base, uint32_t node, uint32_t nlocal,
		   uint32_t nranks)
{
	struct pb_dir_hdr *h = base;
	memset(h, 0, sizeof(*h));
	h->magic = PB_DIR_MAGIC;
	h->version = PB_LAYOUT_VERSION;
	h->hdr_size = sizeof(*h);
	h->total_size = pb_dir_size(nlocal, nranks);
	h->node = node;
	h->nlocal = nlocal;
	h->nranks = nranks;
	h->entry_size = pb_dir_entry_size(nranks);
}

int pb_dir_check(const void *base, uint64_t map_size, uint32_t node,
		 uint32_t nlocal, uint32_t nranks)
{
	struct pb_dir_hdr h;
	if (map_size < sizeof(h))
		return PB_ECORRUPT;
	memcpy(&h, base, sizeof(h));
	if (h.magic != PB_DIR_MAGIC || h.version != PB_LAYOUT_VERSION ||
	    h.hdr_size != sizeof(h) || h.node != node || h.nlocal != nlocal ||
	    h.nranks != nranks || h.entry_size != pb_dir_entry_size(nranks) ||
	    h.total_size != pb_dir_size(nlocal, nranks) ||
	    h.total_size != map_size)
		return PB_ECORRUPT;
	return 0;
}
