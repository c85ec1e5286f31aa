/*
 * test_layout.c - geometry and validation of the shared objects
 * (src/core/layout.c; c1, c8, c14, c31-c39; invariant 2).
 *
 * Shows: pb_dseg_plan rounds slots to cache lines, puts the pool on its own
 * page and refuses out-of-range parameters; a formatted header passes
 * pb_dseg_check and yields the planned layout; every corrupted header field
 * (one at a time) and every mismatch with what the reader expects is
 * refused with PB_ECORRUPT; random corruptions that are accepted never let
 * rings or pool reach outside the mapping. The same for ack segments and
 * node directories.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "postbox.h"
#include "core/layout.h"
#include "check.h"

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* ---- pb_dseg_plan ------------------------------------------------------ */

static void test_plan_defaults(void)
{
	struct pb_dseg_layout l;
	/* the documented defaults: 64 slots, 48 inline bytes, 4 KiB blocks,
	 * 1 MiB pool, 256 KiB cycle; a node of 4 ranks */
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 48, 4096, 1 << 20, 256 << 10), 0);
	CHECK_EQ(l.nrings, 4);
	CHECK_EQ(l.slots, 64);
	CHECK_EQ(l.slot_size, 64);
	CHECK_EQ(l.inline_max, 48);
	CHECK_EQ(l.block_size, 4096);
	CHECK_EQ(l.nblocks, 256);
	CHECK_EQ(l.cycle_size, 256 << 10);
	CHECK_EQ(l.ring_off, sizeof(struct pb_dseg_hdr));
	/* 256 + 4*64*64 = 16640, rounded up to the page: 20480 */
	CHECK_EQ(l.pool_off, 20480);
	CHECK_EQ(l.total_size, 20480 + (1 << 20));
}

/* A slot holds 16 header bytes and max(inline, 16) body bytes, rounded up
 * to whole cache lines; whatever the rounding leaves is inline room. */
static void test_plan_slot_rounding(void)
{
	static const struct {
		uint32_t inl, slot;
	} t[] = {{0, 64},    {1, 64},     {16, 64},    {47, 64},
		 {48, 64},   {49, 128},   {112, 128},  {113, 192},
		 {240, 256}, {241, 320},  {1000, 1024}, {4079, 4096},
		 {4080, 4096}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pb_dseg_layout l;
		int rc = pb_dseg_plan(&l, 2, 16, t[i].inl, 256, 4096, 1024);
		CHECKF(rc == 0, "inline %u: rc %d", t[i].inl, rc);
		if (rc)
			continue;
		CHECKF(l.slot_size == t[i].slot, "inline %u: slot %u, want %u",
		       t[i].inl, l.slot_size, t[i].slot);
		CHECKF(l.inline_max == l.slot_size - 16 &&
			       l.inline_max >= t[i].inl,
		       "inline %u: inline_max %u", t[i].inl, l.inline_max);
	}
	/* every inline size: rounding properties */
	for (uint32_t inl = 0; inl <= 4080; inl++) {
		struct pb_dseg_layout l;
		if (pb_dseg_plan(&l, 1, 2, inl, 64, 64, 64)) {
			CHECKF(0, "inline %u refused", inl);
			continue;
		}
		uint32_t body = inl > 16 ? inl : 16;
		CHECKF(l.slot_size % 64 == 0 && l.slot_size >= 16 + body &&
			       l.slot_size < 16 + body + 64,
		       "inline %u: slot %u", inl, l.slot_size);
	}
}

static void test_plan_geometry(void)
{
	/* pool page aligned and right after the rings, for many shapes */
	static const uint32_t nrings[] = {1, 2, 3, 7, 64, 1000};
	static const uint32_t slots[] = {2, 4, 16, 64, 1024, 65536};
	static const uint32_t inl[] = {0, 48, 100, 4080};
	static const uint32_t bs[] = {64, 128, 192, 256, 4096, 65536};
	for (size_t a = 0; a < 6; a++)
		for (size_t b = 0; b < 6; b++)
			for (size_t c = 0; c < 4; c++)
				for (size_t d = 0; d < 6; d++) {
			struct pb_dseg_layout l;
			uint64_t pool = (uint64_t)bs[d] * 10 + 7;
			uint64_t cyc = (uint64_t)bs[d] * 3 + 5;
			int rc = pb_dseg_plan(&l, nrings[a], slots[b], inl[c],
					      bs[d], pool, cyc);
			CHECKF(rc == 0, "plan(%u,%u,%u,%u) rc %d", nrings[a],
			       slots[b], inl[c], bs[d], rc);
			if (rc)
				continue;
			uint64_t rings = (uint64_t)l.nrings * l.slots *
					 l.slot_size;
			CHECK(l.ring_off >= sizeof(struct pb_dseg_hdr));
			CHECK(l.ring_off % 64 == 0);
			CHECKF(l.pool_off % 4096 == 0, "pool_off %llu",
			       (unsigned long long)l.pool_off);
			CHECK(l.pool_off >= l.ring_off + rings);
			CHECK(l.pool_off < l.ring_off + rings + 4096);
			/* the pool is whole blocks, what is left over dropped */
			CHECK_EQ(l.nblocks, 10);
			/* the cycle is whole blocks too */
			CHECK_EQ(l.cycle_size, 3ull * bs[d]);
			CHECK_EQ(l.total_size,
				 l.pool_off + (uint64_t)l.nblocks * bs[d]);
		}
	/* edges that are allowed */
	struct pb_dseg_layout l;
	CHECK_EQ(pb_dseg_plan(&l, 1, 2, 0, 64, 64, 64), 0);
	CHECK_EQ(l.nblocks, 1);
	CHECK_EQ(pb_dseg_plan(&l, 1, 65536, 48, 4096, 8192, 8192), 0);
	CHECK_EQ(pb_dseg_plan(&l, 1, 2, 4080, 4096, 4096, 4096), 0);
	CHECK_EQ(l.slot_size, 4096);
}

static void test_plan_ranges(void)
{
	struct pb_dseg_layout l;
	const uint64_t K = 1024;
	/* nrings */
	CHECK_EQ(pb_dseg_plan(&l, 0, 64, 48, 4096, K * K, 256 * K), PB_ERANGE);
	/* slots: a power of two in [2, 65536] */
	static const uint32_t bad_slots[] = {0, 1, 3, 6, 63, 100, 65535,
					     131072, 0x80000000u, UINT32_MAX};
	for (size_t i = 0; i < sizeof(bad_slots) / sizeof(bad_slots[0]); i++)
		CHECKF(pb_dseg_plan(&l, 4, bad_slots[i], 48, 4096, K * K,
				    256 * K) == PB_ERANGE,
		       "slots %u accepted", bad_slots[i]);
	/* block size: a multiple of 64, at least 64 */
	static const uint32_t bad_bs[] = {0, 1, 32, 63, 65, 100, 4095, 4097};
	for (size_t i = 0; i < sizeof(bad_bs) / sizeof(bad_bs[0]); i++)
		CHECKF(pb_dseg_plan(&l, 4, 64, 48, bad_bs[i], K * K,
				    256 * K) == PB_ERANGE,
		       "block size %u accepted", bad_bs[i]);
	/* inline: the slot must stay within 4 KiB */
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 4081, 4096, K * K, 256 * K),
		 PB_ERANGE);
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, UINT32_MAX, 4096, K * K, 256 * K),
		 PB_ERANGE);
	/* pool smaller than a block, cycle smaller than a block, cycle
	 * larger than the pool */
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 48, 4096, 4095, 4096), PB_ERANGE);
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 48, 4096, 0, 0), PB_ERANGE);
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 48, 4096, K * K, 4095), PB_ERANGE);
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 48, 4096, K * K, K * K + 1),
		 PB_ERANGE);
	/* more blocks than a 32-bit block index can name */
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 48, 64, 64ull << 32, 4096),
		 PB_ERANGE);
	CHECK_EQ(pb_dseg_plan(&l, 4, 64, 48, 64, (64ull << 32) - 64, 4096), 0);
}

/* ---- data segment header: format, check, corruption ------------------- */

struct field {
	const char *name;
	size_t off, size;
};

#define F(s, f) {#f, offsetof(struct s, f), sizeof(((struct s *)0)->f)}

static const struct field dseg_fields[] = {
	F(pb_dseg_hdr, magic),      F(pb_dseg_hdr, version),
	F(pb_dseg_hdr, hdr_size),   F(pb_dseg_hdr, total_size),
	F(pb_dseg_hdr, sender),     F(pb_dseg_hdr, node),
	F(pb_dseg_hdr, nrings),     F(pb_dseg_hdr, slots),
	F(pb_dseg_hdr, slot_size),  F(pb_dseg_hdr, inline_max),
	F(pb_dseg_hdr, ring_off),   F(pb_dseg_hdr, pool_off),
	F(pb_dseg_hdr, block_size), F(pb_dseg_hdr, nblocks),
	F(pb_dseg_hdr, cycle_size),
};
#define NDSEG_FIELDS (sizeof(dseg_fields) / sizeof(dseg_fields[0]))

static uint64_t get_field(const void *base, const struct field *f)
{
	uint64_t v = 0;
	if (f->size == 8)
		memcpy(&v, (const uint8_t *)base + f->off, 8);
	else {
		uint32_t w;
		memcpy(&w, (const uint8_t *)base + f->off, 4);
		v = w;
	}
	return v;
}

static void set_field(void *base, const struct field *f, uint64_t v)
{
	if (f->size == 8)
		memcpy((uint8_t *)base + f->off, &v, 8);
	else {
		uint32_t w = (uint32_t)v;
		memcpy((uint8_t *)base + f->off, &w, 4);
	}
}

static const struct field *field_named(const struct field *fs, size_t n,
				       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fs[i].name, name))
			return &fs[i];
	REQUIRE(!"no such field");
	return NULL;
}

/* A formatted data segment of a small geometry. */
struct seg {
	struct pb_dseg_layout l;
	uint8_t *base;
	uint8_t hdr[256]; /* pristine copy */
};

static void seg_make(struct seg *s, uint32_t nrings, uint32_t slots,
		     uint32_t inl, uint32_t bs, uint64_t pool, uint64_t cyc,
		     uint32_t sender, uint32_t node)
{
	REQUIRE(pb_dseg_plan(&s->l, nrings, slots, inl, bs, pool, cyc) == 0);
	s->base = aligned_alloc(4096, (s->l.total_size + 4095) / 4096 * 4096);
	REQUIRE(s->base);
	memset(s->base, 0xa5, s->l.total_size);
	pb_dseg_format(s->base, &s->l, sender, node);
	memcpy(s->hdr, s->base, 256);
}

static void seg_restore(struct seg *s)
{
	memcpy(s->base, s->hdr, 256);
}

static int layouts_equal(const struct pb_dseg_layout *a,
			 const struct pb_dseg_layout *b)
{
	return a->nrings == b->nrings && a->slots == b->slots &&
	       a->slot_size == b->slot_size && a->inline_max == b->inline_max &&
	       a->block_size == b->block_size && a->nblocks == b->nblocks &&
	       a->ring_off == b->ring_off && a->pool_off == b->pool_off &&
	       a->total_size == b->total_size && a->cycle_size == b->cycle_size;
}

static void test_dseg_roundtrip(void)
{
	struct seg s;
	seg_make(&s, 4, 64, 48, 4096, 1 << 20, 256 << 10, 3, 1);
	const struct pb_dseg_hdr *h = (const void *)s.base;
	CHECK_EQ(h->magic, PB_DSEG_MAGIC);
	CHECK_EQ(h->version, PB_LAYOUT_VERSION);
	CHECK_EQ(h->hdr_size, 256);
	CHECK_EQ(h->sender, 3);
	CHECK_EQ(h->node, 1);
	/* the padding is zeroed, not left as whatever the memory held */
	for (size_t i = 0; i < sizeof(h->pad); i++)
		CHECKF(h->pad[i] == 0, "pad[%zu] = %u", i, h->pad[i]);

	struct pb_dseg_layout out;
	memset(&out, 0xff, sizeof(out));
	CHECK_EQ(pb_dseg_check(s.base, s.l.total_size, 3, 1, 4, &out), 0);
	CHECK(layouts_equal(&out, &s.l));

	/* every slot address of every ring lies in the ring area, slot of
	 * seq 1 and seq K+1 coincide (the ring wraps), rings do not overlap */
	for (uint32_t r = 0; r < 4; r++) {
		uint8_t *first = pb_dseg_slot(s.base, &out, r, 1);
		CHECK(first == s.base + out.ring_off +
				       (uint64_t)r * 64 * out.slot_size);
		CHECK(pb_dseg_slot(s.base, &out, r, 1 + 64) == first);
		CHECK(pb_dseg_slot(s.base, &out, r, 1 + 64 * 1000) == first);
		for (uint64_t seq = 1; seq <= 200; seq++) {
			uint8_t *p = pb_dseg_slot(s.base, &out, r, seq);
			CHECK(p >= s.base + out.ring_off &&
			      p + out.slot_size <= s.base + out.pool_off);
			CHECK((p - first) / out.slot_size ==
			      (int64_t)((seq - 1) % 64));
		}
	}
	free(s.base);

	/* a second geometry: many rings, big slots, tiny blocks */
	seg_make(&s, 7, 8, 300, 64, 64 * 33, 64 * 5, 0, 0);
	CHECK_EQ(pb_dseg_check(s.base, s.l.total_size, 0, 0, 7, &out), 0);
	CHECK(layouts_equal(&out, &s.l));
	free(s.base);
}

/* What a reader relies on after a successful check: every ring slot and
 * every pool block lies inside the mapping, and the fields agree. */
static int layout_fits(const struct pb_dseg_layout *o, uint32_t nrings,
		       uint64_t size)
{
	uint64_t rings = (uint64_t)o->nrings * o->slots * o->slot_size;
	return o->nrings == nrings && is_pow2(o->slots) && o->slots >= 2 &&
	       o->slot_size >= 64 && o->slot_size % 64 == 0 &&
	       o->inline_max + 16 <= o->slot_size && o->ring_off >= 256 &&
	       o->ring_off + rings <= o->pool_off && o->block_size >= 64 &&
	       o->nblocks >= 1 &&
	       o->pool_off + (uint64_t)o->nblocks * o->block_size <= size &&
	       o->cycle_size >= o->block_size &&
	       o->cycle_size <= (uint64_t)o->nblocks * o->block_size &&
	       o->total_size == size;
}

/* Header corruption, one field at a time: each must be refused. */
static void test_dseg_corrupt_fields(void)
{
	struct seg s;
	struct pb_dseg_layout out;
	/* 4 rings x 64 slots x 64 B = 16 KiB of rings, pool at 20480, 256
	 * blocks of 4 KiB, cycle 64 blocks */
	seg_make(&s, 4, 64, 48, 4096, 1 << 20, 256 << 10, 3, 1);
	const uint64_t size = s.l.total_size;
	static const struct {
		const char *field;
		uint64_t value;
	} bad[] = {
		{"magic", 0},
		{"magic", PB_DSEG_MAGIC + 1},
		{"magic", PB_ASEG_MAGIC},
		{"version", 0},
		{"version", PB_LAYOUT_VERSION + 1},
		{"hdr_size", 0},
		{"hdr_size", 255},
		{"hdr_size", 257},
		{"total_size", 0},
		{"total_size", (1 << 20) + 20480 - 64},
		{"total_size", (1 << 20) + 20480 + 4096},
		{"total_size", UINT64_MAX},
		{"sender", 2},
		{"sender", 4},
		{"sender", UINT32_MAX},
		{"node", 0},
		{"node", 2},
		{"nrings", 3},
		{"nrings", 5},
		{"nrings", 0},
		{"slots", 0},
		{"slots", 1},
		{"slots", 63},
		{"slots", 65},
		{"slots", 96},
		{"slots", 128},  /* power of two, but rings overlap the pool */
		{"slots", 131072},
		{"slots", 0x80000000u},
		{"slot_size", 0},
		{"slot_size", 32},
		{"slot_size", 65},
		{"slot_size", 100},
		{"slot_size", 128}, /* inline_max no longer matches */
		{"slot_size", 8192},
		{"inline_max", 0},
		{"inline_max", 47},
		{"inline_max", 49},
		{"inline_max", 64},
		{"inline_max", UINT32_MAX},
		{"ring_off", 0},
		{"ring_off", 64},
		{"ring_off", 255},
		{"ring_off", 257},
		{"ring_off", 4160}, /* rings run into the pool */
		{"ring_off", (1 << 20) + 20480},
		{"ring_off", UINT64_MAX - 63},
		{"pool_off", 0},
		{"pool_off", 256},
		{"pool_off", 16384}, /* inside the rings */
		{"pool_off", 20481},
		{"pool_off", 20480 + 64}, /* pool then runs past the end */
		{"pool_off", (1 << 20) + 20480},
		{"pool_off", UINT64_MAX - 4095},
		{"block_size", 0},
		{"block_size", 32},
		{"block_size", 100},
		{"block_size", 4097},
		{"block_size", 8192}, /* pool twice the mapping */
		{"block_size", 0x80000000u},
		{"nblocks", 0},
		{"nblocks", 257},
		{"nblocks", UINT32_MAX},
		{"cycle_size", 0},
		{"cycle_size", 4095},
		{"cycle_size", (1 << 20) + 4096},
		{"cycle_size", UINT64_MAX},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct field *f =
			field_named(dseg_fields, NDSEG_FIELDS, bad[i].field);
		seg_restore(&s);
		set_field(s.base, f, bad[i].value);
		int rc = pb_dseg_check(s.base, size, 3, 1, 4, &out);
		CHECKF(rc == PB_ECORRUPT, "%s = %llu accepted (rc %d)",
		       bad[i].field, (unsigned long long)bad[i].value, rc);
	}
	/* and each field flipped bit by bit: refused, except where the flip
	 * leaves a legal shape (rings moved within the room before the pool,
	 * a different cycle size), which must then fit the mapping */
	for (size_t i = 0; i < NDSEG_FIELDS; i++) {
		for (unsigned bit = 0; bit < 8 * dseg_fields[i].size; bit++) {
			seg_restore(&s);
			uint64_t v = get_field(s.base, &dseg_fields[i]);
			set_field(s.base, &dseg_fields[i], v ^ (1ull << bit));
			int rc = pb_dseg_check(s.base, size, 3, 1, 4, &out);
			int legal = !strcmp(dseg_fields[i].name, "ring_off") ||
				    !strcmp(dseg_fields[i].name, "cycle_size");
			if (rc == 0 && legal) {
				CHECKF(layout_fits(&out, 4, size),
				       "%s bit %u: accepted layout escapes",
				       dseg_fields[i].name, bit);
				continue;
			}
			CHECKF(rc == PB_ECORRUPT,
			       "%s bit %u flipped accepted (rc %d)",
			       dseg_fields[i].name, bit, rc);
		}
	}
	seg_restore(&s);
	/* the reader's expectations: another sender, node or ring count */
	CHECK_EQ(pb_dseg_check(s.base, size, 3, 1, 4, &out), 0);
	CHECK_EQ(pb_dseg_check(s.base, size, 2, 1, 4, &out), PB_ECORRUPT);
	CHECK_EQ(pb_dseg_check(s.base, size, 3, 0, 4, &out), PB_ECORRUPT);
	CHECK_EQ(pb_dseg_check(s.base, size, 3, 1, 3, &out), PB_ECORRUPT);
	CHECK_EQ(pb_dseg_check(s.base, size, 3, 1, 5, &out), PB_ECORRUPT);
	/* the mapping must be exactly the size the header announces */
	CHECK_EQ(pb_dseg_check(s.base, size - 1, 3, 1, 4, &out), PB_ECORRUPT);
	CHECK_EQ(pb_dseg_check(s.base, size - 4096, 3, 1, 4, &out),
		 PB_ECORRUPT);
	CHECK_EQ(pb_dseg_check(s.base, size + 4096, 3, 1, 4, &out),
		 PB_ECORRUPT);
	CHECK_EQ(pb_dseg_check(s.base, 0, 3, 1, 4, &out), PB_ECORRUPT);
	/* a mapping smaller than a header is refused before it is read
	 * (a sanitizer build would catch the read) */
	uint8_t *tiny = malloc(100);
	REQUIRE(tiny);
	memcpy(tiny, s.base, 100);
	CHECK_EQ(pb_dseg_check(tiny, 100, 3, 1, 4, &out), PB_ECORRUPT);
	free(tiny);
	free(s.base);
}

/* Random corruption of 1 to 4 fields with nasty values: whatever the check
 * accepts must keep every ring slot and the pool inside the mapping. */
static void test_dseg_fuzz(void)
{
	struct seg s;
	struct pb_dseg_layout out;
	seg_make(&s, 3, 16, 100, 256, 256 * 40, 256 * 8, 5, 2);
	const uint64_t size = s.l.total_size;
	int accepted = 0;
	for (int iter = 0; iter < 200000 && check_failures == 0; iter++) {
		seg_restore(&s);
		int nf = 1 + (int)check_below(4);
		for (int k = 0; k < nf; k++) {
			const struct field *f =
				&dseg_fields[check_below(NDSEG_FIELDS)];
			uint64_t v = get_field(s.base, f);
			switch (check_below(8)) {
			case 0: v = check_rand(); break;
			case 1: v = check_below(8192); break;
			case 2: v += check_below(129) - 64; break;
			case 3: v = (v & ~63ull) + 64 * (check_below(9) - 4);
				break;
			case 4: v = 1ull << check_below(64); break;
			case 5: v = size - check_below(3) * 64; break;
			case 6: v = UINT64_MAX - check_below(4096); break;
			default: v ^= 1ull << check_below(8 * f->size); break;
			}
			set_field(s.base, f, v);
		}
		memset(&out, 0, sizeof(out));
		int rc = pb_dseg_check(s.base, size, 5, 2, 3, &out);
		CHECKF(rc == 0 || rc == PB_ECORRUPT, "iter %d rc %d", iter, rc);
		if (rc)
			continue;
		accepted++;
		CHECKF(layout_fits(&out, 3, size),
		       "iter %d: accepted layout escapes the mapping: rings "
		       "%u x %u x %u at %llu, pool %u x %u at %llu, cycle "
		       "%llu, size %llu",
		       iter, out.nrings, out.slots, out.slot_size,
		       (unsigned long long)out.ring_off, out.nblocks,
		       out.block_size, (unsigned long long)out.pool_off,
		       (unsigned long long)out.cycle_size,
		       (unsigned long long)size);
	}
	/* the pristine header is accepted, so the loop must have seen some
	 * harmless mutations too (e.g. a value rewritten with itself) */
	CHECK(accepted > 0);
	free(s.base);
}

/* ---- ack segment -------------------------------------------------------- */

static const struct field aseg_fields[] = {
	F(pb_aseg_hdr, magic),  F(pb_aseg_hdr, version),
	F(pb_aseg_hdr, hdr_size), F(pb_aseg_hdr, total_size),
	F(pb_aseg_hdr, node_a), F(pb_aseg_hdr, node_b),
	F(pb_aseg_hdr, m),      F(pb_aseg_hdr, n),
};

static void test_aseg(void)
{
	CHECK_EQ(pb_aseg_size(1, 1), 64 + 64);
	CHECK_EQ(pb_aseg_size(4, 3), 64 + 12 * 64);
	CHECK_EQ(pb_aseg_size(1000, 1000), 64 + 64000000ull);

	const uint32_t m = 4, n = 3;
	uint64_t size = pb_aseg_size(m, n);
	uint8_t *base = aligned_alloc(64, size);
	uint8_t pristine[64];
	REQUIRE(base);
	memset(base, 0x5a, size);
	pb_aseg_format(base, 1, 2, m, n);
	memcpy(pristine, base, 64);
	const struct pb_aseg_hdr *h = (const void *)base;
	CHECK_EQ(h->magic, PB_ASEG_MAGIC);
	CHECK_EQ(h->total_size, size);
	for (size_t i = 0; i < sizeof(h->pad); i++)
		CHECK_EQ(h->pad[i], 0);
	CHECK_EQ(pb_aseg_check(base, size, 1, 2, m, n), 0);

	/* c36, c37: m sections of n blocks, one cache line each, disjoint,
	 * all after the header and inside the object */
	uint8_t *seen = calloc(size / 64, 1);
	REQUIRE(seen);
	for (uint32_t i = 0; i < m; i++)
		for (uint32_t j = 0; j < n; j++) {
			uint8_t *b = (uint8_t *)pb_aseg_block(base, n, i, j);
			CHECK(b >= base + 64 && b + 64 <= base + size);
			CHECK((b - base) % 64 == 0);
			CHECKF(!seen[(b - base) / 64], "block %u,%u shared", i,
			       j);
			seen[(b - base) / 64] = 1;
		}
	free(seen);

	/* what the reader expects */
	CHECK_EQ(pb_aseg_check(base, size, 0, 2, m, n), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, size, 1, 1, m, n), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, size, 2, 1, m, n), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, size, 1, 2, m + 1, n), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, size, 1, 2, m, n - 1), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, size, 1, 2, n, m), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, size - 64, 1, 2, m, n), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, size + 64, 1, 2, m, n), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, 63, 1, 2, m, n), PB_ECORRUPT);
	CHECK_EQ(pb_aseg_check(base, 0, 1, 2, m, n), PB_ECORRUPT);

	/* every field, every bit */
	for (size_t f = 0; f < sizeof(aseg_fields) / sizeof(aseg_fields[0]);
	     f++)
		for (unsigned bit = 0; bit < 8 * aseg_fields[f].size; bit++) {
			memcpy(base, pristine, 64);
			uint64_t v = get_field(base, &aseg_fields[f]);
			set_field(base, &aseg_fields[f], v ^ (1ull << bit));
			int rc = pb_aseg_check(base, size, 1, 2, m, n);
			CHECKF(rc == PB_ECORRUPT, "aseg %s bit %u accepted",
			       aseg_fields[f].name, bit);
		}
	/* a header and a mapping that agree with each other but not with
	 * m x n blocks */
	memcpy(base, pristine, 64);
	set_field(base, &aseg_fields[3], size - 64);
	CHECK_EQ(pb_aseg_check(base, size - 64, 1, 2, m, n), PB_ECORRUPT);
	/* m and n swapped consistently in the header (same total size) */
	memcpy(base, pristine, 64);
	set_field(base, &aseg_fields[6], n);
	set_field(base, &aseg_fields[7], m);
	CHECK_EQ(pb_aseg_check(base, size, 1, 2, m, n), PB_ECORRUPT);
	free(base);
}

/* ---- node directory ------------------------------------------------------ */

static const struct field dir_fields[] = {
	F(pb_dir_hdr, magic),      F(pb_dir_hdr, version),
	F(pb_dir_hdr, hdr_size),   F(pb_dir_hdr, total_size),
	F(pb_dir_hdr, node),       F(pb_dir_hdr, nlocal),
	F(pb_dir_hdr, nranks),     F(pb_dir_hdr, entry_size),
};

static void test_dir(void)
{
	/* an entry: 64-byte head, then one flag per rank, padded to 64 */
	CHECK_EQ(pb_dir_entry_size(1), 128);
	CHECK_EQ(pb_dir_entry_size(64), 128);
	CHECK_EQ(pb_dir_entry_size(65), 192);
	CHECK_EQ(pb_dir_entry_size(1000), 64 + 1024);
	CHECK_EQ(pb_dir_size(4, 8), 64 + 4 * 128);
	for (uint32_t nr = 1; nr < 300; nr++) {
		uint32_t es = pb_dir_entry_size(nr);
		CHECKF(es % 64 == 0 && es >= 64 + nr && es < 64 + nr + 64,
		       "nranks %u: entry %u", nr, es);
	}

	const uint32_t nlocal = 3, nranks = 70;
	uint64_t size = pb_dir_size(nlocal, nranks);
	uint32_t es = pb_dir_entry_size(nranks);
	uint8_t *base = aligned_alloc(64, size);
	uint8_t pristine[64];
	REQUIRE(base);
	memset(base, 0x77, size);
	pb_dir_format(base, 1, nlocal, nranks);
	memcpy(pristine, base, 64);
	const struct pb_dir_hdr *h = (const void *)base;
	CHECK_EQ(h->magic, PB_DIR_MAGIC);
	CHECK_EQ(h->entry_size, es);
	CHECK_EQ(h->total_size, size);
	CHECK_EQ(pb_dir_check(base, size, 1, nlocal, nranks), 0);

	/* entries: disjoint, aligned, each holding nranks sender flags */
	for (uint32_t j = 0; j < nlocal; j++) {
		struct pb_dir_entry *e = pb_dir_entry(base, j, es);
		uint8_t *p = (uint8_t *)e;
		CHECK(p == base + 64 + (uint64_t)j * es);
		CHECK((p - base) % 64 == 0);
		CHECK((uint8_t *)&e->senders[nranks - 1] < p + es);
		CHECK(p + es <= base + size);
	}

	CHECK_EQ(pb_dir_check(base, size, 0, nlocal, nranks), PB_ECORRUPT);
	CHECK_EQ(pb_dir_check(base, size, 1, nlocal + 1, nranks), PB_ECORRUPT);
	CHECK_EQ(pb_dir_check(base, size, 1, nlocal, nranks - 1), PB_ECORRUPT);
	CHECK_EQ(pb_dir_check(base, size - 64, 1, nlocal, nranks),
		 PB_ECORRUPT);
	CHECK_EQ(pb_dir_check(base, size + 64, 1, nlocal, nranks),
		 PB_ECORRUPT);
	CHECK_EQ(pb_dir_check(base, 32, 1, nlocal, nranks), PB_ECORRUPT);
	for (size_t f = 0; f < sizeof(dir_fields) / sizeof(dir_fields[0]); f++)
		for (unsigned bit = 0; bit < 8 * dir_fields[f].size; bit++) {
			memcpy(base, pristine, 64);
			uint64_t v = get_field(base, &dir_fields[f]);
			set_field(base, &dir_fields[f], v ^ (1ull << bit));
			int rc = pb_dir_check(base, size, 1, nlocal, nranks);
			CHECKF(rc == PB_ECORRUPT, "dir %s bit %u accepted",
			       dir_fields[f].name, bit);
		}
	free(base);
}

int main(void)
{
	check_seed();
	test_plan_defaults();
	test_plan_slot_rounding();
	test_plan_geometry();
	test_plan_ranges();
	test_dseg_roundtrip();
	test_dseg_corrupt_fields();
	test_dseg_fuzz();
	test_aseg();
	test_dir();
	return check_done("test_layout");
}
