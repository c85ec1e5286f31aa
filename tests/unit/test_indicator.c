/*
 * test_indicator.c - what a slot announces (src/core/indicator.c; c2, c9,
 * c17; invariants 1 and 2).
 *
 * Shows: an indicator written with pb_ind_put_inline / pb_ind_put_pool
 * parses back to the same fields with the payload where it was put, the
 * sequence word published last; pb_ind_parse refuses every impossible
 * indicator (bad kind, inline too long, block out of range, zero blocks,
 * block+nblocks past the pool or wrapping, a length that does not need
 * exactly nblocks blocks, more blocks than the cycle, a POOL total shorter
 * than its part); and random slot contents never make it accept a payload
 * outside the slot or the pool, with its verdict matching a reference
 * written from the layout rules.
 */
#include <string.h>
#include <sys/mman.h>

#include "postbox.h"
#include "core/indicator.h"
#include "check.h"

/* A data segment's layout plus a slot and a pool allocated at exactly
 * their sizes, so a sanitizer build catches any read beyond them. */
struct env {
	struct pb_dseg_layout l;
	uint8_t *slot;
	uint8_t *pool;
};

static void env_make(struct env *e, uint32_t inl, uint32_t bs, uint32_t nb,
		     uint32_t cycle_blocks)
{
	REQUIRE(pb_dseg_plan(&e->l, 2, 8, inl, bs, (uint64_t)bs * nb,
			     (uint64_t)bs * cycle_blocks) == 0);
	e->slot = malloc(e->l.slot_size);
	e->pool = malloc((size_t)e->l.nblocks * e->l.block_size);
	REQUIRE(e->slot && e->pool);
	memset(e->slot, 0, e->l.slot_size);
	memset(e->pool, 0x3c, (size_t)e->l.nblocks * e->l.block_size);
}

static void env_free(struct env *e)
{
	free(e->slot);
	free(e->pool);
}

static uint32_t slot_seq(const uint8_t *slot)
{
	return atomic_load(&((struct pb_slot_hdr *)slot)->seq);
}

/* Write a raw POOL/PIECE indicator, bypassing put_pool's arguments. */
static void raw_pool(uint8_t *slot, uint8_t kind, uint8_t rsvd, int32_t tag,
		     uint32_t len, uint64_t total, uint32_t block,
		     uint32_t nblocks)
{
	struct pb_slot_hdr *h = (struct pb_slot_hdr *)slot;
	struct pb_slot_pool p = {.total = total, .block = block,
				 .nblocks = nblocks};
	h->kind = kind;
	h->rsvd = rsvd;
	h->ctx = 0;
	h->tag = tag;
	h->len = len;
	memcpy(slot + PB_SLOT_BODY_OFF, &p, sizeof(p));
}

static void test_inline_roundtrip(void)
{
	struct env e;
	env_make(&e, 48, 256, 16, 4);
	REQUIRE(e.l.inline_max == 48);
	uint8_t data[64];
	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(0xc3 ^ (i * 7));
	static const uint32_t lens[] = {0, 1, 15, 16, 17, 47, 48};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint32_t len = lens[i];
		memset(e.slot, 0xee, e.l.slot_size);
		pb_ind_put_inline(e.slot, (uint16_t)(7 + i), -5 - (int)i, data,
				  len, 1000 + (uint32_t)i);
		CHECK_EQ(slot_seq(e.slot), 1000 + i);
		struct pb_ind ind;
		memset(&ind, 0xab, sizeof(ind));
		int rc = pb_ind_parse(e.slot, &e.l, e.pool, &ind);
		CHECKF(rc == 0, "inline len %u rc %d", len, rc);
		if (rc)
			continue;
		CHECK_EQ(ind.kind, PB_IND_INLINE);
		CHECK_EQ(ind.ctx, 7 + i);
		CHECK_EQ(ind.tag, -5 - (int)i);
		CHECK_EQ(ind.len, len);
		CHECK_EQ(ind.total, len);
		CHECK(ind.payload == e.slot + PB_SLOT_BODY_OFF);
		CHECKF(memcmp(ind.payload, data, len) == 0, "inline len %u "
		       "payload differs", len);
	}
	/* tag extremes and the largest ctx survive */
	pb_ind_put_inline(e.slot, 0xffff, PB_TAG_MAX, data, 3, UINT32_MAX);
	struct pb_ind ind;
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	CHECK_EQ(ind.tag, PB_TAG_MAX);
	CHECK_EQ(ind.ctx, 0xffff);
	CHECK_EQ(slot_seq(e.slot), UINT32_MAX);
	env_free(&e);

	/* a bigger slot carries more inline */
	env_make(&e, 100, 256, 16, 4);
	REQUIRE(e.l.inline_max == 112);
	uint8_t big[112];
	for (int i = 0; i < 112; i++)
		big[i] = (uint8_t)i;
	pb_ind_put_inline(e.slot, 0, 1, big, 112, 1);
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	CHECK_EQ(ind.len, 112);
	CHECK(memcmp(ind.payload, big, 112) == 0);
	env_free(&e);
}

static void test_pool_roundtrip(void)
{
	struct env e;
	env_make(&e, 48, 256, 16, 4); /* 16 blocks of 256, cycle 4 blocks */
	static const struct {
		uint32_t len, block, nblocks;
		uint64_t total;
	} t[] = {
		{1, 0, 1, 1},        {49, 3, 1, 49},       {256, 15, 1, 256},
		{257, 0, 2, 100000}, {512, 14, 2, 512},    {513, 5, 3, 513},
		{1024, 12, 4, 1024}, {769, 0, 4, 1ull << 40},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (int kind = PB_IND_POOL; kind <= PB_IND_PIECE; kind++) {
			uint64_t total = kind == PB_IND_POOL ? t[i].total : 0;
			memset(e.slot, 0x11, e.l.slot_size);
			pb_ind_put_pool(e.slot, (uint8_t)kind, 1, 42 + (int)i,
					t[i].len, total, t[i].block,
					t[i].nblocks, 7 + (uint32_t)i);
			CHECK_EQ(slot_seq(e.slot), 7 + i);
			struct pb_ind ind;
			int rc = pb_ind_parse(e.slot, &e.l, e.pool, &ind);
			CHECKF(rc == 0, "kind %d case %zu rc %d", kind, i, rc);
			if (rc)
				continue;
			CHECK_EQ(ind.kind, kind);
			CHECK_EQ(ind.ctx, 1);
			CHECK_EQ(ind.tag, 42 + (int)i);
			CHECK_EQ(ind.len, t[i].len);
			CHECK_EQ(ind.total, total);
			CHECK_EQ(ind.block, t[i].block);
			CHECK_EQ(ind.nblocks, t[i].nblocks);
			CHECK(ind.payload ==
			      e.pool + (uint64_t)t[i].block * 256);
		}
	}
	env_free(&e);
}

static void expect_corrupt(struct env *e, const char *what, int line)
{
	struct pb_ind ind;
	int rc = pb_ind_parse(e->slot, &e->l, e->pool, &ind);
	if (rc != PB_ECORRUPT) {
		check_failures++;
		fprintf(stderr, "%s:%d: parse accepted %s (rc %d)\n", __FILE__,
			line, what, rc);
	}
}
#define CORRUPT(e, what) expect_corrupt((e), (what), __LINE__)

static void test_rejects(void)
{
	struct env e;
	struct pb_slot_hdr *h;
	env_make(&e, 48, 256, 16, 4); /* 16 blocks of 256, cycle 1024 */
	h = (struct pb_slot_hdr *)e.slot;
	uint8_t data[48] = {0};

	/* kinds */
	static const uint8_t bad_kinds[] = {0, 4, 5, 0x81, 0xff};
	for (size_t i = 0; i < sizeof(bad_kinds); i++) {
		pb_ind_put_inline(e.slot, 0, 0, data, 4, 1);
		h->kind = bad_kinds[i];
		CORRUPT(&e, "a bad kind");
		raw_pool(e.slot, bad_kinds[i], 0, 0, 100, 100, 0, 1);
		CORRUPT(&e, "a bad kind with a valid pool body");
	}
	/* inline longer than the slot can hold */
	pb_ind_put_inline(e.slot, 0, 0, data, 48, 1);
	h->len = 49;
	CORRUPT(&e, "inline len inline_max+1");
	h->len = 64;
	CORRUPT(&e, "inline len = slot size");
	h->len = UINT32_MAX;
	CORRUPT(&e, "inline len UINT32_MAX");
	h->len = 0x80000000u;
	CORRUPT(&e, "inline len 2^31");
	h->len = 48;
	h->rsvd = 1;
	CORRUPT(&e, "inline with rsvd set");

	/* block out of range */
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 100, 16, 1);
	CORRUPT(&e, "block = nblocks");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 100, UINT32_MAX, 1);
	CORRUPT(&e, "block UINT32_MAX");
	raw_pool(e.slot, PB_IND_PIECE, 0, 0, 100, 0, 1000, 1);
	CORRUPT(&e, "piece block 1000");
	/* zero blocks */
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 0, 0, 0, 0);
	CORRUPT(&e, "nblocks 0, len 0");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 100, 0, 0);
	CORRUPT(&e, "nblocks 0, len 100");
	/* past the end of the pool, and wrapping around 2^32 */
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 300, 300, 15, 2);
	CORRUPT(&e, "block 15 + 2 blocks > 16");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 1000, 1000, 13, 4);
	CORRUPT(&e, "block 13 + 4 blocks > 16");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 100, 1, UINT32_MAX);
	CORRUPT(&e, "block 1 + UINT32_MAX blocks (wraps to 0)");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 100, 2, UINT32_MAX - 1);
	CORRUPT(&e, "block 2 + 2^32-2 blocks (wraps to 0)");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 256, 256, 0x80000000u,
		 0x80000000u);
	CORRUPT(&e, "block 2^31 + 2^31 blocks");
	/* the length must need exactly nblocks blocks */
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 0, 0, 0, 1);
	CORRUPT(&e, "len 0 in one block");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 257, 257, 0, 1);
	CORRUPT(&e, "len 257 in one block of 256");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 256, 256, 0, 2);
	CORRUPT(&e, "len 256 in two blocks");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 1, 1, 0, 4);
	CORRUPT(&e, "len 1 in four blocks");
	raw_pool(e.slot, PB_IND_PIECE, 0, 0, 1025, 0, 0, 4);
	CORRUPT(&e, "piece len 1025 in four blocks");
	raw_pool(e.slot, PB_IND_PIECE, 0, 0, UINT32_MAX, 0, 0, 4);
	CORRUPT(&e, "piece len UINT32_MAX in four blocks");
	/* more blocks than the cycle allows (4 of 256 = 1024) */
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 1200, 1200, 0, 5);
	CORRUPT(&e, "5 blocks > cycle of 4");
	raw_pool(e.slot, PB_IND_PIECE, 0, 0, 16 * 256, 0, 0, 16);
	CORRUPT(&e, "piece of the whole pool > cycle");
	/* a POOL indicator announces a total at least its own part */
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 99, 0, 1);
	CORRUPT(&e, "total < len");
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 0, 0, 1);
	CORRUPT(&e, "total 0 < len");
	/* rsvd must be zero */
	raw_pool(e.slot, PB_IND_POOL, 1, 0, 100, 100, 0, 1);
	CORRUPT(&e, "pool with rsvd set");

	/* the neighbours of each refusal are accepted (so the refusals
	 * above are about the one bad field) */
	struct pb_ind ind;
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 256, 256, 15, 1);
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 1024, 1024, 12, 4);
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 257, 257, 0, 2);
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	raw_pool(e.slot, PB_IND_POOL, 0, 0, 100, 100, 0, 1);
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	raw_pool(e.slot, PB_IND_PIECE, 0, 0, 100, 0, 0, 1);
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	pb_ind_put_inline(e.slot, 0, 0, data, 48, 1);
	CHECK_EQ(pb_ind_parse(e.slot, &e.l, e.pool, &ind), 0);
	env_free(&e);
}

/* Pools beyond 4 GiB (PB_POOL_SIZE allows 64 GiB): block offsets must be
 * computed in 64 bits. The pool is only reserved, never touched. */
static void test_large_pool(void)
{
	struct pb_dseg_layout l;
	const uint64_t bs = 1u << 20, nb = 8192; /* 8 GiB */
	REQUIRE(pb_dseg_plan(&l, 1, 2, 48, (uint32_t)bs, bs * nb, 4 * bs) ==
		0);
	uint8_t *pool = mmap(NULL, bs * nb, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pool == MAP_FAILED) {
		printf("skipping the 8 GiB pool check: no address space\n");
		return;
	}
	uint8_t slot[64];
	static const uint32_t blocks[] = {4095, 4096, 4097, 5000, 8188};
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		struct pb_ind ind;
		pb_ind_put_pool(slot, PB_IND_POOL, 0, 1, (uint32_t)(3 * bs + 1),
				3 * bs + 1, blocks[i], 4, 1);
		CHECK_EQ(pb_ind_parse(slot, &l, pool, &ind), 0);
		CHECKF(ind.payload == pool + blocks[i] * bs,
		       "block %u: payload at pool + %lld, want %llu", blocks[i],
		       (long long)(ind.payload - pool),
		       (unsigned long long)(blocks[i] * bs));
	}
	pb_ind_put_pool(slot, PB_IND_POOL, 0, 1, (uint32_t)(3 * bs + 1),
			3 * bs + 1, 8189, 4, 1); /* one block past the end */
	struct pb_ind ind;
	CHECK_EQ(pb_ind_parse(slot, &l, pool, &ind), PB_ECORRUPT);
	munmap(pool, bs * nb);
}

/* The rules, written again from layout.h, independently of indicator.c. */
static int ref_valid(const uint8_t *slot, const struct pb_dseg_layout *l)
{
	struct pb_slot_hdr h;
	struct pb_slot_pool p;
	memcpy(&h, slot, sizeof(h));
	memcpy(&p, slot + 16, sizeof(p));
	if (h.rsvd)
		return 0;
	if (h.kind == PB_IND_INLINE)
		return h.len <= l->inline_max;
	if (h.kind != PB_IND_POOL && h.kind != PB_IND_PIECE)
		return 0;
	uint64_t bs = l->block_size;
	if (p.nblocks == 0 || (uint64_t)p.block + p.nblocks > l->nblocks ||
	    p.nblocks * bs > l->cycle_size)
		return 0;
	if (h.len <= (p.nblocks - 1) * bs || h.len > p.nblocks * bs)
		return 0;
	if (h.kind == PB_IND_POOL && p.total < h.len)
		return 0;
	return 1;
}

/* Random slot contents, biased towards almost-valid indicators: parse must
 * agree with the reference, and whatever it accepts must lie inside the
 * slot or the pool. */
static void fuzz(uint32_t inl, uint32_t bs, uint32_t nb, uint32_t cb,
		 int iters)
{
	struct env e;
	env_make(&e, inl, bs, nb, cb);
	const struct pb_dseg_layout *l = &e.l;
	const uint8_t *pool_end = e.pool + (uint64_t)l->nblocks * bs;
	int ok = 0, bad = 0;
	for (int it = 0; it < iters && check_failures < 10; it++) {
		for (uint32_t i = 0; i < l->slot_size; i += 8) {
			uint64_t r = check_rand();
			memcpy(e.slot + i, &r, 8);
		}
		struct pb_slot_hdr *h = (struct pb_slot_hdr *)e.slot;
		struct pb_slot_pool p;
		memcpy(&p, e.slot + 16, sizeof(p));
		uint64_t d = check_below(16);
		if (d < 12) {
			/* plausible: a real kind, rsvd mostly 0, small numbers
			 * near the boundaries */
			h->kind = (uint8_t)(1 + check_below(3));
			if (check_below(8))
				h->rsvd = 0;
			p.nblocks = (uint32_t)check_below(l->nblocks + 3);
			if (check_below(16) == 0)
				p.nblocks = UINT32_MAX - (uint32_t)check_below(3);
			p.block = (uint32_t)check_below(l->nblocks + 2);
			if (check_below(16) == 0)
				p.block = UINT32_MAX - (uint32_t)check_below(3);
			uint64_t base = p.nblocks ? (uint64_t)(p.nblocks - 1) *
							    bs
						  : 0;
			if (h->kind == PB_IND_INLINE)
				h->len = (uint32_t)check_below(l->inline_max + 3);
			else
				h->len = (uint32_t)(base + check_below(bs + 2));
			p.total = check_below(4) ? h->len + check_below(3)
						 : check_below(h->len + 2);
			memcpy(e.slot + 16, &p, sizeof(p));
		} else if (d < 14) {
			h->kind = (uint8_t)(1 + check_below(3));
		}
		struct pb_ind ind;
		memset(&ind, 0, sizeof(ind));
		int rc = pb_ind_parse(e.slot, l, e.pool, &ind);
		int want = ref_valid(e.slot, l);
		CHECKF(rc == 0 || rc == PB_ECORRUPT, "iter %d rc %d", it, rc);
		CHECKF((rc == 0) == want,
		       "iter %d: parse %s what the reference %s: kind %u rsvd "
		       "%u len %u block %u nblocks %u total %llu", it,
		       rc ? "refused" : "accepted",
		       want ? "accepts" : "refuses", h->kind, h->rsvd, h->len,
		       p.block, p.nblocks, (unsigned long long)p.total);
		if (rc) {
			bad++;
			continue;
		}
		ok++;
		if (ind.kind == PB_IND_INLINE) {
			CHECKF(ind.payload >= e.slot + 16 &&
				       ind.payload + ind.len <=
					       e.slot + l->slot_size,
			       "iter %d: inline payload outside the slot", it);
		} else {
			CHECKF(ind.payload >= e.pool &&
				       ind.payload + ind.len <= pool_end &&
				       ind.payload +
						       (uint64_t)ind.nblocks * bs <=
					       pool_end &&
				       (ind.payload - e.pool) % bs == 0,
			       "iter %d: pool payload outside the pool", it);
			CHECK(ind.len <= l->cycle_size);
		}
		/* touch every byte the parse hands out: a sanitizer catches
		 * any byte outside the two allocations */
		volatile uint8_t sum = 0;
		for (uint32_t i = 0; i < ind.len; i++)
			sum += ind.payload[i];
		(void)sum;
	}
	CHECKF(ok > iters / 20 && bad > iters / 20,
	       "fuzz not exercising both outcomes: %d ok, %d refused", ok, bad);
	env_free(&e);
}

int main(void)
{
	check_seed();
	test_inline_roundtrip();
	test_pool_roundtrip();
	test_rejects();
	test_large_pool();
	fuzz(48, 256, 16, 4, 200000);
	fuzz(100, 64, 1, 1, 100000);
	fuzz(0, 4096, 64, 64, 100000);
	fuzz(4080, 128, 300, 7, 50000);
	return check_done("test_indicator");
}
