/*
 * test_pool.c - the sender's block bitmap (src/core/pool.c; c4, c8, c17).
 *
 * Shows: runs are allocated only from free blocks and inside the pool,
 * allocation fails (-1) exactly when no free run of that length exists
 * (exhaustion, fragmentation), frees of anything not fully allocated are
 * refused without changing the map, and word boundaries (1, 63, 64, 65,
 * 4096 blocks) are handled. A randomized model check compares thousands of
 * operations against a plain array.
 */
#include <stdint.h>
#include <string.h>

#include "core/pool.h"
#include "check.h"

/* Reference: is there a run of n free blocks in used[0..nb)? */
static int ref_has_run(const uint8_t *used, uint32_t nb, uint32_t n)
{
	uint32_t run = 0;
	for (uint32_t i = 0; i < nb; i++) {
		run = used[i] ? 0 : run + 1;
		if (run >= n)
			return 1;
	}
	return 0;
}

/* Does the pool agree with the reference on which blocks are allocated?
 * Probed through the API only: a block is free iff it cannot be freed. */
static uint32_t ref_free_count(const uint8_t *used, uint32_t nb)
{
	uint32_t f = 0;
	for (uint32_t i = 0; i < nb; i++)
		f += !used[i];
	return f;
}

static void test_basic(void)
{
	struct pb_pool p;
	REQUIRE(pb_pool_init(&p, 16) == 0);
	CHECK_EQ(p.nblocks, 16);
	CHECK_EQ(p.nfree, 16);

	CHECK_EQ(pb_pool_alloc(&p, 0), -1);  /* an empty run is a bug */
	CHECK_EQ(pb_pool_alloc(&p, 17), -1); /* more than the pool */
	CHECK_EQ(p.nfree, 16);

	int64_t a = pb_pool_alloc(&p, 5);
	int64_t b = pb_pool_alloc(&p, 11);
	CHECK(a >= 0 && a + 5 <= 16);
	CHECK(b >= 0 && b + 11 <= 16);
	CHECK(a + 5 <= b || b + 11 <= a); /* disjoint */
	CHECK_EQ(p.nfree, 0);
	CHECK_EQ(pb_pool_alloc(&p, 1), -1); /* exhausted */

	CHECK_EQ(pb_pool_free(&p, (uint32_t)a, 5), 0);
	CHECK_EQ(p.nfree, 5);
	CHECK_EQ(pb_pool_alloc(&p, 6), -1); /* only 5 free */
	int64_t c = pb_pool_alloc(&p, 5);
	CHECK_EQ(c, a); /* the only place it fits */
	CHECK_EQ(pb_pool_free(&p, (uint32_t)b, 11), 0);
	CHECK_EQ(pb_pool_free(&p, (uint32_t)c, 5), 0);
	CHECK_EQ(p.nfree, 16);
	/* everything back: the whole pool is one run again */
	CHECK_EQ(pb_pool_alloc(&p, 16), 0);
	CHECK_EQ(pb_pool_free(&p, 0, 16), 0);
	pb_pool_fini(&p);
	CHECK(p.bits == NULL);
}

static void test_bad_free(void)
{
	struct pb_pool p;
	REQUIRE(pb_pool_init(&p, 100) == 0);
	int64_t a = pb_pool_alloc(&p, 10);
	REQUIRE(a >= 0);
	uint32_t fa = (uint32_t)a;

	CHECK_EQ(pb_pool_free(&p, fa, 0), -1);        /* empty run */
	CHECK_EQ(pb_pool_free(&p, 100, 1), -1);       /* first out of range */
	CHECK_EQ(pb_pool_free(&p, UINT32_MAX, 1), -1);
	CHECK_EQ(pb_pool_free(&p, 99, 2), -1);        /* runs off the end */
	CHECK_EQ(pb_pool_free(&p, 1, UINT32_MAX), -1);/* first+n overflows */
	CHECK_EQ(pb_pool_free(&p, fa, 11), -1);       /* one block too many */
	if (fa > 0)
		CHECK_EQ(pb_pool_free(&p, fa - 1, 2), -1); /* starts free */
	CHECK_EQ(p.nfree, 90); /* refused frees changed nothing */

	/* partial frees of an allocated run are allowed (the engine frees
	 * what one indicator held); the rest stays allocated */
	CHECK_EQ(pb_pool_free(&p, fa, 4), 0);
	CHECK_EQ(p.nfree, 94);
	/* double free of the same part, and a range that overlaps it */
	CHECK_EQ(pb_pool_free(&p, fa, 4), -1);
	CHECK_EQ(pb_pool_free(&p, fa + 2, 4), -1);
	CHECK_EQ(p.nfree, 94);
	/* the refused overlap did not free blocks fa+4, fa+5 on the way */
	CHECK_EQ(pb_pool_free(&p, fa + 4, 6), 0);
	CHECK_EQ(pb_pool_free(&p, fa + 4, 6), -1);
	CHECK_EQ(p.nfree, 100);
	/* free of a never-allocated block */
	CHECK_EQ(pb_pool_free(&p, 50, 1), -1);
	CHECK_EQ(p.nfree, 100);
	pb_pool_fini(&p);
}

/* Enough free blocks in total, but no run long enough: -1 until a free
 * joins two holes. */
static void test_fragmentation(void)
{
	struct pb_pool p;
	REQUIRE(pb_pool_init(&p, 16) == 0);
	int64_t r[4];
	for (int i = 0; i < 4; i++) {
		r[i] = pb_pool_alloc(&p, 4);
		REQUIRE(r[i] >= 0);
	}
	/* four runs of four fill the pool; sort them by position */
	int64_t at[4] = {-1, -1, -1, -1};
	for (int i = 0; i < 4; i++) {
		REQUIRE(r[i] % 4 == 0);
		at[r[i] / 4] = r[i];
	}
	for (int i = 0; i < 4; i++)
		REQUIRE(at[i] == 4 * i);
	CHECK_EQ(pb_pool_free(&p, 4, 4), 0);
	CHECK_EQ(pb_pool_free(&p, 12, 4), 0);
	CHECK_EQ(p.nfree, 8);
	CHECK_EQ(pb_pool_alloc(&p, 5), -1); /* 8 free, longest run 4 */
	CHECK_EQ(pb_pool_alloc(&p, 8), -1);
	CHECK_EQ(p.nfree, 8);
	CHECK_EQ(pb_pool_free(&p, 8, 4), 0); /* 4..15 now one run */
	int64_t big = pb_pool_alloc(&p, 12);
	CHECK_EQ(big, 4);
	CHECK_EQ(pb_pool_alloc(&p, 1), -1);
	pb_pool_fini(&p);

	/* a hole straddling a 64-bit word boundary, in a large pool */
	REQUIRE(pb_pool_init(&p, 4096) == 0);
	CHECK_EQ(pb_pool_alloc(&p, 4096), 0);
	CHECK_EQ(pb_pool_free(&p, 60, 10), 0);     /* 60..69 */
	CHECK_EQ(pb_pool_free(&p, 1000, 9), 0);    /* 1000..1008 */
	CHECK_EQ(pb_pool_free(&p, 4090, 6), 0);    /* 4090..4095 */
	CHECK_EQ(pb_pool_alloc(&p, 11), -1);
	CHECK_EQ(pb_pool_alloc(&p, 10), 60);
	CHECK_EQ(pb_pool_alloc(&p, 9), 1000);
	CHECK_EQ(pb_pool_alloc(&p, 7), -1);
	CHECK_EQ(pb_pool_alloc(&p, 6), 4090);
	CHECK_EQ(p.nfree, 0);
	/* a hole made of two whole words plus bits on both sides */
	CHECK_EQ(pb_pool_free(&p, 120, 8 + 128 + 5), 0); /* 120..260 */
	CHECK_EQ(pb_pool_alloc(&p, 142), -1);
	CHECK_EQ(pb_pool_alloc(&p, 141), 120);
	pb_pool_fini(&p);

	/* a free last word that is only partly inside the pool must not
	 * count as 64 free blocks: 127 blocks, block 0 and 64..126 free is
	 * 64 free blocks but no run of 64 */
	REQUIRE(pb_pool_init(&p, 127) == 0);
	CHECK_EQ(pb_pool_alloc(&p, 64), 0);
	CHECK_EQ(pb_pool_free(&p, 0, 1), 0);
	CHECK_EQ(p.nfree, 64);
	CHECK_EQ(pb_pool_alloc(&p, 64), -1);
	CHECK_EQ(pb_pool_alloc(&p, 63), 64);
	CHECK_EQ(pb_pool_alloc(&p, 1), 0);
	CHECK_EQ(p.nfree, 0);
	pb_pool_fini(&p);
}

/* Next-fit must still find a run that lies before (or across) the place
 * where the last search ended. */
static void test_wrap(void)
{
	struct pb_pool p;
	REQUIRE(pb_pool_init(&p, 128) == 0);
	CHECK_EQ(pb_pool_alloc(&p, 100), 0);
	CHECK_EQ(pb_pool_alloc(&p, 20), 100); /* the search ends at 120 */
	CHECK_EQ(pb_pool_free(&p, 0, 100), 0);
	CHECK_EQ(pb_pool_alloc(&p, 10), 0);   /* 120..127 is too short */
	CHECK_EQ(pb_pool_free(&p, 0, 10), 0);
	CHECK_EQ(pb_pool_free(&p, 100, 20), 0);
	CHECK_EQ(p.nfree, 128);
	pb_pool_fini(&p);

	/* the only run long enough starts before the hint and ends after */
	REQUIRE(pb_pool_init(&p, 128) == 0);
	CHECK_EQ(pb_pool_alloc(&p, 120), 0);  /* the search ends at 120 */
	CHECK_EQ(pb_pool_free(&p, 110, 10), 0); /* free: 110..127 */
	CHECK_EQ(pb_pool_alloc(&p, 19), -1);
	CHECK_EQ(pb_pool_alloc(&p, 15), 110);
	CHECK_EQ(pb_pool_alloc(&p, 3), 125);
	CHECK_EQ(pb_pool_alloc(&p, 1), -1);
	CHECK_EQ(p.nfree, 0);
	pb_pool_fini(&p);
}

/* Pool sizes around the 64-bit word: every block is reachable, as single
 * blocks and as one run, and nothing beyond nblocks is ever handed out. */
static void test_sizes(void)
{
	static const uint32_t sizes[] = {1, 2, 63, 64, 65, 127, 128, 129, 4096};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t nb = sizes[s];
		struct pb_pool p;
		REQUIRE(pb_pool_init(&p, nb) == 0);
		uint8_t *seen = calloc(nb, 1);
		REQUIRE(seen);
		for (uint32_t i = 0; i < nb; i++) {
			int64_t b = pb_pool_alloc(&p, 1);
			CHECKF(b >= 0 && b < (int64_t)nb, "nblocks %u alloc %u "
			       "-> %lld", nb, i, (long long)b);
			if (b >= 0 && b < (int64_t)nb) {
				CHECKF(!seen[b], "nblocks %u block %lld twice",
				       nb, (long long)b);
				seen[b] = 1;
			}
		}
		CHECKF(pb_pool_alloc(&p, 1) == -1, "nblocks %u not full", nb);
		CHECK_EQ(p.nfree, 0);
		/* free in an odd order, then take it all as one run */
		for (uint32_t i = 0; i < nb; i += 2)
			CHECK_EQ(pb_pool_free(&p, i, 1), 0);
		for (uint32_t i = 1; i < nb; i += 2)
			CHECK_EQ(pb_pool_free(&p, i, 1), 0);
		CHECK_EQ(p.nfree, nb);
		CHECKF(pb_pool_alloc(&p, nb + 1) == -1, "nblocks %u", nb);
		CHECKF(pb_pool_alloc(&p, nb) == 0, "nblocks %u whole", nb);
		CHECK_EQ(pb_pool_free(&p, 0, nb), 0);
		/* the last block alone, then a run ending exactly at the end */
		if (nb >= 2) {
			CHECK_EQ(pb_pool_alloc(&p, nb - 1), 0);
			CHECK_EQ(pb_pool_alloc(&p, 1), nb - 1);
			CHECK_EQ(pb_pool_free(&p, 0, nb), 0);
			CHECK_EQ(pb_pool_alloc(&p, 1), 0);
			CHECK_EQ(pb_pool_alloc(&p, nb - 1), 1);
			CHECK_EQ(pb_pool_alloc(&p, 1), -1);
			CHECK_EQ(pb_pool_free(&p, 1, nb - 1), 0);
			CHECK_EQ(pb_pool_free(&p, 0, 1), 0);
		}
		CHECK_EQ(pb_pool_free(&p, nb, 1), -1);
		CHECK_EQ(p.nfree, nb);
		free(seen);
		pb_pool_fini(&p);
	}
}

struct run {
	uint32_t first, n;
};

/* Thousands of random allocations and frees, each compared with a plain
 * array: an allocation must fail exactly when the array has no free run of
 * that length, succeed only on free blocks, and nfree must match. */
static void model_check(uint32_t nb, int ops)
{
	struct pb_pool p;
	REQUIRE(pb_pool_init(&p, nb) == 0);
	uint8_t *used = calloc(nb, 1);
	struct run *runs = calloc(nb, sizeof(*runs));
	REQUIRE(used && runs);
	uint32_t nruns = 0;
	int fails = 0, allocs = 0;

	for (int op = 0; op < ops && check_failures == 0; op++) {
		uint64_t dice = check_below(100);
		if (dice < 50) {
			/* mostly small runs, sometimes up to the whole pool */
			uint32_t n = check_below(4) ? 1 + (uint32_t)check_below(
							     nb < 8 ? nb : 8)
						    : 1 + (uint32_t)check_below(nb);
			int64_t at = pb_pool_alloc(&p, n);
			int has = ref_has_run(used, nb, n);
			if (at < 0) {
				fails++;
				CHECKF(!has, "nblocks %u op %d: alloc(%u) "
				       "failed with a free run available", nb,
				       op, n);
				continue;
			}
			allocs++;
			CHECKF(at + n <= nb, "nblocks %u op %d: alloc(%u) -> "
			       "%lld beyond the pool", nb, op, n,
			       (long long)at);
			if (at + n > nb)
				break;
			for (uint32_t i = 0; i < n; i++) {
				CHECKF(!used[at + i], "nblocks %u op %d: "
				       "alloc(%u) -> %lld takes used block "
				       "%lld", nb, op, n, (long long)at,
				       (long long)at + i);
				used[at + i] = 1;
			}
			runs[nruns++] = (struct run){(uint32_t)at, n};
		} else if (dice < 90) {
			if (!nruns)
				continue;
			uint32_t k = (uint32_t)check_below(nruns);
			struct run r = runs[k];
			runs[k] = runs[--nruns];
			/* sometimes free a run in two parts, as a
			 * reclaim of two indicators would */
			if (r.n > 1 && check_below(4) == 0) {
				uint32_t cut = 1 + (uint32_t)check_below(r.n - 1);
				CHECK_EQ(pb_pool_free(&p, r.first + cut,
						      r.n - cut), 0);
				CHECK_EQ(pb_pool_free(&p, r.first, cut), 0);
			} else {
				CHECK_EQ(pb_pool_free(&p, r.first, r.n), 0);
			}
			memset(used + r.first, 0, r.n);
		} else {
			/* a bogus free: a range holding at least one free
			 * block must be refused and change nothing */
			uint32_t first = (uint32_t)check_below(nb);
			uint32_t n = 1 + (uint32_t)check_below(nb - first);
			int any_free = 0;
			for (uint32_t i = first; i < first + n; i++)
				any_free |= !used[i];
			if (any_free)
				CHECKF(pb_pool_free(&p, first, n) == -1,
				       "nblocks %u op %d: free(%u, %u) of a "
				       "range with free blocks accepted", nb,
				       op, first, n);
		}
		CHECKF(p.nfree == ref_free_count(used, nb), "nblocks %u op %d:"
		       " nfree %u, reference %u", nb, op, p.nfree,
		       ref_free_count(used, nb));
	}
	/* the model saw both outcomes, so both branches were exercised */
	CHECKF(allocs > 0 && (nb < 4 || fails > 0),
	       "nblocks %u: %d allocs, %d failed allocs", nb, allocs, fails);
	/* drain: everything comes back, the pool is whole again */
	while (nruns) {
		struct run r = runs[--nruns];
		CHECK_EQ(pb_pool_free(&p, r.first, r.n), 0);
	}
	CHECK_EQ(p.nfree, nb);
	CHECK_EQ(pb_pool_alloc(&p, nb), 0);
	free(runs);
	free(used);
	pb_pool_fini(&p);
}

int main(void)
{
	check_seed();
	test_basic();
	test_bad_free();
	test_fragmentation();
	test_wrap();
	test_sizes();
	static const uint32_t nbs[] = {1, 3, 7, 63, 64, 65, 127, 130, 191,
				       200, 4096};
	for (size_t i = 0; i < sizeof(nbs) / sizeof(nbs[0]); i++)
		model_check(nbs[i], nbs[i] == 4096 ? 20000 : 5000);
	return check_done("test_pool");
}
