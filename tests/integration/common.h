/*
 * common.h - what the integration programs share. They use the public API
 * only (postbox.h); this file adds checks that name the rank and line,
 * payload patterns that prove every byte arrived where it belongs, and
 * argument / environment helpers.
 *
 * A failed check prints "rank R: file:line: ..." on stderr and exits 1, so
 * pbrun ends the job and reports the failure.
 */
#ifndef PB_TEST_COMMON_H
#define PB_TEST_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "postbox.h"

extern int t_rank; /* this process's rank once t_open() ran, else -1 */
extern int t_size;

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			t_fail(__FILE__, __LINE__, "CHECK failed: %s", #cond); \
	} while (0)

#define CHECKF(cond, ...)                                                    \
	do {                                                                 \
		if (!(cond))                                                 \
			t_fail(__FILE__, __LINE__, __VA_ARGS__);             \
	} while (0)

/* A library call that must return want; prints both codes in words. */
#define CHECK_RC(expr, want)                                                 \
	do {                                                                 \
		int t_rc_ = (expr);                                          \
		int t_want_ = (want);                                        \
		if (t_rc_ != t_want_)                                        \
			t_fail(__FILE__, __LINE__,                           \
			       "%s returned %d (%s), want %d (%s)", #expr,  \
			       t_rc_, pb_strerror(t_rc_), t_want_,           \
			       pb_strerror(t_want_));                        \
	} while (0)
#define CHECK_OK(expr) CHECK_RC((expr), 0)

/* pb_open that must succeed; sets t_rank and t_size. */
pb_job *t_open(void);
/* pb_close that must succeed; prints "rank R: <name> OK" on rank 0. */
void t_close(pb_job *job, const char *name);

/* ---- payload patterns ------------------------------------------------ */

/* A seed from up to four numbers (ranks, tag, sequence, length...). */
uint64_t t_seed(uint64_t a, uint64_t b, uint64_t c, uint64_t d);
/* Fill len bytes with the pattern of seed; byte i depends on seed and i
 * only, so any part of a message can be checked on its own. */
void t_fill(void *buf, size_t len, uint64_t seed);
/* Offset of the first byte that differs from the pattern of seed, or
 * SIZE_MAX when all len bytes match. off is where buf starts within the
 * pattern (for checking a tail). */
size_t t_diff(const void *buf, size_t len, uint64_t seed, size_t off);
/* 64-bit checksum of a buffer (for reporting and for sending back). */
uint64_t t_sum(const void *buf, size_t len);

/* Messages that say who they are: a 40-byte header (when the message is
 * long enough) then the pattern of the header's fields. Shorter messages
 * carry the pattern only. */
struct t_hdr {
	uint32_t magic;
	int32_t src, dst, tag;
	uint64_t seq;
	uint64_t len;
	uint64_t sum; /* t_seed of the fields: catches a torn header */
};
#define T_HDR_MAGIC 0x70627431u
#define T_HDR_SIZE sizeof(struct t_hdr)

void t_msg_fill(void *buf, size_t len, int src, int dst, int tag,
		uint64_t seq);
/* Check a message against what it should be; on a mismatch fail with a
 * description (what, where). */
void t_msg_verify(const void *buf, size_t len, int src, int dst, int tag,
		  uint64_t seq, const char *file, int line);
#define T_MSG_VERIFY(buf, len, src, dst, tag, seq)                           \
	t_msg_verify((buf), (len), (src), (dst), (tag), (seq), __FILE__,     \
		     __LINE__)
/* Read the header of a message of len >= T_HDR_SIZE, checking magic and
 * sum; then the caller knows which message it is and verifies it. */
void t_msg_header(const void *buf, size_t len, struct t_hdr *h,
		  const char *file, int line);
#define T_MSG_HEADER(buf, len, h) t_msg_header((buf), (len), (h), __FILE__, \
					       __LINE__)

/* ---- arguments, environment, time ------------------------------------ */

/* argv[i] as a number (size suffixes K, M, G allowed) or def if absent. */
uint64_t t_arg(int argc, char **argv, int i, uint64_t def);
const char *t_arg_str(int argc, char **argv, int i, const char *def);
/* A PB_* size variable as the library reads it, or def when unset. */
uint64_t t_env_size(const char *var, uint64_t def);
/* Parse "a,b,c" sizes (suffixes allowed) into out; returns how many. */
int t_parse_list(const char *s, uint64_t *out, int max);

/* The geometry the library uses under the current environment, computed
 * from the documented defaults and PB_* variables (for choosing sizes
 * around the boundaries, not for checking the library's internals). */
struct t_geom {
	uint64_t inline_max, block, pool, cycle, slots;
};
void t_geom(struct t_geom *g);

double t_now(void);           /* CLOCK_MONOTONIC seconds (host-wide) */
void t_sleep_us(long us);
void *t_malloc(size_t n);     /* never NULL (fails the test) */
/* A small per-rank random generator, seeded from rank and a salt. */
uint64_t t_rand(uint64_t *state);

#endif
