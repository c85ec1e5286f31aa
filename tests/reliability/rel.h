/*
 * rel.h - what the reliability test programs share: checks that name the
 * rank and line, and payload patterns (byte i of message idx from src to dst
 * depends only on those four numbers, so any part can be checked alone).
 */
#ifndef PB_REL_H
#define PB_REL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postbox.h"

static int rel_rank = -1;

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "rank %d: %s:%d: check failed: %s\n", \
				rel_rank, __FILE__, __LINE__, #c);            \
			exit(1);                                              \
		}                                                             \
	} while (0)

/* A call that must return want; names both codes in words. */
#define CHECK_RC(expr, want)                                                  \
	do {                                                                  \
		int rc_ = (expr), want_ = (want);                             \
		if (rc_ != want_) {                                           \
			fprintf(stderr,                                       \
				"rank %d: %s:%d: %s returned %d (%s), want "  \
				"%d (%s)\n",                                  \
				rel_rank, __FILE__, __LINE__, #expr, rc_,     \
				pb_strerror(rc_), want_, pb_strerror(want_)); \
			exit(1);                                              \
		}                                                             \
	} while (0)

static inline uint64_t rel_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rel_rng(uint64_t *s)
{
	return rel_mix(*s += 0x9e3779b97f4a7c15ull);
}

static inline uint8_t rel_byte(int src, int dst, uint64_t idx, size_t i)
{
	uint64_t h = rel_mix(((uint64_t)src << 48) ^ ((uint64_t)dst << 32) ^
			     (idx * 0x100000001b3ull) ^ (i >> 6));
	return (uint8_t)(h >> ((i & 7) * 8)) ^ (uint8_t)i;
}

static inline void rel_fill(uint8_t *b, int src, int dst, uint64_t idx,
			    size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = rel_byte(src, dst, idx, i);
}

/* Offset of the first wrong byte, or -1. */
static inline long rel_diff(const uint8_t *b, int src, int dst, uint64_t idx,
			    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != rel_byte(src, dst, idx, i))
			return (long)i;
	return -1;
}

static inline double rel_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#endif
