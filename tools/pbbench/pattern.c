/*
 * pattern.c - the --check mode: every message carries bytes derived from
 * (epoch, iteration, window slot, direction), so a message that arrives
 * truncated, twice, out of order, from the wrong pair or with a stale byte
 * anywhere cannot pass for the expected one.
 */
#include <string.h>

#include "pbbench.h"

static uint64_t mix(uint64_t z)
{
	/* splitmix64 finaliser: every input bit reaches every output bit */
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t pbb_seed(uint64_t epoch, uint64_t iter, uint64_t k, int dir)
{
	return mix(epoch ^ mix(iter ^ mix((k << 1) | (uint64_t)(dir & 1))));
}

/* Word i of a pattern. Cheap enough (a multiply chain per 8 bytes) to
 * fill megabytes per iteration of a --check run. */
static uint64_t word(uint64_t seed, size_t i)
{
	uint64_t z = seed + (uint64_t)i * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ull;
	return z ^ (z >> 29);
}

void pbb_fill(unsigned char *buf, size_t n, uint64_t seed)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w = word(seed, i / 8);
		memcpy(buf + i, &w, 8);
	}
	if (i < n) {
		uint64_t w = word(seed, i / 8);
		memcpy(buf + i, &w, n - i);
	}
}

/* Before a receive, so that bytes the library failed to write show up. */
void pbb_poison(unsigned char *buf, size_t n)
{
	memset(buf, 0xa5, n);
}

/* Offset of the first wrong byte, or n; *want gets the expected byte. */
static size_t first_bad(const unsigned char *buf, size_t n, uint64_t seed,
			unsigned char *want)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = word(seed, i / 8);
		size_t len = n - i < 8 ? n - i : 8;
		const unsigned char *e = (const unsigned char *)&w;
		if (!memcmp(buf + i, e, len))
			continue;
		for (size_t j = 0; j < len; j++)
			if (buf[i + j] != e[j]) {
				*want = e[j];
				return i + j;
			}
	}
	return n;
}

int pbb_expect(const struct pbb_run *r, const pb_status *st,
	       const unsigned char *buf, size_t size, uint64_t seed,
	       const char *what)
{
	if (st->error || st->len != size || st->source != r->peer ||
	    st->tag != PBB_TAG_DATA) {
		fprintf(stderr, "pbbench: rank %d: check failed for %s of %zu "
			"bytes: got source %d tag %d length %zu error %d (%s)\n",
			r->me, what, size, st->source, st->tag, st->len,
			st->error, pb_strerror(st->error));
		return PBB_ECHECK;
	}
	unsigned char want = 0;
	size_t bad = first_bad(buf, size, seed, &want);
	if (bad < size) {
		fprintf(stderr, "pbbench: rank %d: check failed for %s of %zu "
			"bytes from rank %d: byte %zu is 0x%02x, expected "
			"0x%02x\n", r->me, what, size, r->peer, bad, buf[bad],
			want);
		return PBB_ECHECK;
	}
	return 0;
}
