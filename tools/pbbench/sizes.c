/*
 * sizes.c - message size lists: "0:4M" (0, then powers of two up to 4 MiB),
 * "48,49,4097" (exact sizes), or both mixed; suffixes K, M, G (of 1024).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pbbench.h"

int pbb_parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	default: break;
	}
	if (mul > 1 && *end == 'i' && end[1] == 'B')
		end += 2;                /* KiB */
	else if (mul > 1 && *end == 'B')
		end++;                   /* KB */
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Insert s keeping the list sorted and free of duplicates. */
int pbb_add_size(size_t **sizes, int *n, size_t s)
{
	for (int i = 0; i < *n; i++)
		if ((*sizes)[i] == s)
			return 0;
	size_t *v = realloc(*sizes, (size_t)(*n + 1) * sizeof **sizes);
	if (!v)
		return -1;
	v[(*n)++] = s;
	qsort(v, (size_t)*n, sizeof *v, cmp_size);
	*sizes = v;
	return 0;
}

static int add_range(size_t **sizes, int *n, uint64_t lo, uint64_t hi)
{
	if (lo == 0 && pbb_add_size(sizes, n, 0))
		return -1;
	/* Powers of two from the first one >= lo: the OSU sweep. */
	uint64_t p = 1;
	while (p < lo)
		p <<= 1;
	for (; p <= hi; p <<= 1)
		if (pbb_add_size(sizes, n, (size_t)p))
			return -1;
	/* Both ends are always measured, powers of two or not. */
	if (pbb_add_size(sizes, n, (size_t)lo) ||
	    pbb_add_size(sizes, n, (size_t)hi))
		return -1;
	return 0;
}

int pbb_parse_sizes(const char *spec, size_t **sizes, int *n)
{
	char *copy = strdup(spec), *save = NULL;
	int rc = 0;
	if (!copy)
		return -1;
	for (char *item = strtok_r(copy, ",", &save); item && !rc;
	     item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		uint64_t lo, hi;
		if (colon) {
			*colon = '\0';
			if (pbb_parse_size(item, &lo) ||
			    pbb_parse_size(colon + 1, &hi) || lo > hi ||
			    hi > PBB_MAX_SIZE)
				rc = -1;
			else
				rc = add_range(sizes, n, lo, hi);
		} else if (pbb_parse_size(item, &lo) || lo > PBB_MAX_SIZE) {
			rc = -1;
		} else {
			rc = pbb_add_size(sizes, n, (size_t)lo);
		}
	}
	free(copy);
	if (!rc && *n == 0)
		rc = -1;
	return rc;
}

/* 4096 -> "4K", 4097 -> "4097": short where exact. */
void pbb_format_size(size_t s, char *buf, size_t len)
{
	if (s >= (1u << 30) && s % (1u << 30) == 0)
		snprintf(buf, len, "%zuG", s >> 30);
	else if (s >= (1u << 20) && s % (1u << 20) == 0)
		snprintf(buf, len, "%zuM", s >> 20);
	else if (s >= 1024 && s % 1024 == 0)
		snprintf(buf, len, "%zuK", s >> 10);
	else
		snprintf(buf, len, "%zu", s);
}
