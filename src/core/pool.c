/*
 * pool.c - next-fit search for a run of free blocks in a bitmap.
 */
#include <stdlib.h>

#include "postbox.h"
#include "core/pool.h"

static int test_bit(const struct pb_pool *p, uint32_t i)
{
	return (p->bits[i >> 6] >> (i & 63)) & 1;
}

int pb_pool_init(struct pb_pool *p, uint32_t nblocks)
{
	p->nblocks = nblocks;
	p->nfree = nblocks;
	p->hint = 0;
	p->bits = calloc((nblocks + 63) / 64 + 1, sizeof(uint64_t));
	return p->bits ? 0 : PB_ENOMEM;
}

void pb_pool_fini(struct pb_pool *p)
{
	free(p->bits);
	p->bits = NULL;
}

static void set_run(struct pb_pool *p, uint32_t first, uint32_t n, int on)
{
	for (uint32_t i = first; i < first + n; i++) {
		uint64_t m = 1ull << (i & 63);
		if (on)
			p->bits[i >> 6] |= m;
		else
			p->bits[i >> 6] &= ~m;
	}
}

/* Length of the free run starting at i, capped at want. Skips whole free
 * words so a large pool is scanned a word at a time. */
static uint32_t free_run(const struct pb_pool *p, uint32_t i, uint32_t want)
{
	uint32_t n = 0;
	while (n < want && i + n < p->nblocks) {
		uint32_t k = i + n;
		if ((k & 63) == 0 && p->bits[k >> 6] == 0 &&
		    k + 64 <= p->nblocks) {
			n += 64;
			continue;
		}
		if (test_bit(p, k))
			break;
		n++;
	}
	return n < want ? n : want;
}

static int64_t search(struct pb_pool *p, uint32_t from, uint32_t to,
		      uint32_t n)
{
	uint32_t i = from;
	while (i + n <= to) {
		if (p->bits[i >> 6] == ~0ull && (i & 63) == 0) {
			i += 64;
			continue;
		}
		uint32_t r = free_run(p, i, n);
		if (r >= n)
			return i;
		i += r + 1; /* skip the run and the allocated block after it */
	}
	return -1;
}

int64_t pb_pool_alloc(struct pb_pool *p, uint32_t n)
{
	if (n == 0 || n > p->nfree)
		return -1;
	/* next-fit: start where the last allocation ended so a stream of
	 * messages walks the pool like a ring and frees come back in order */
	uint32_t start = p->hint < p->nblocks ? p->hint : 0;
	int64_t at = search(p, start, p->nblocks, n);
	if (at < 0)
		at = search(p, 0, start + n - 1 < p->nblocks ? start + n - 1
							     : p->nblocks, n);
	if (at < 0)
		return -1;
	set_run(p, (uint32_t)at, n, 1);
	p->nfree -= n;
	p->hint = (uint32_t)at + n;
	return at;
}

int pb_pool_free(struct pb_pool *p, uint32_t first, uint32_t n)
{
	if (n == 0 || first >= p->nblocks || n > p->nblocks - first)
		return -1;
	for (uint32_t i = first; i < first + n; i++)
		if (!test_bit(p, i))
			return -1;
	set_run(p, first, n, 0);
	p->nfree += n;
	return 0;
}
