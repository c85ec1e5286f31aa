/*
 * check.h - the few macros the unit tests share. No framework: a test is a
 * main() that runs its checks, prints every failure as file:line with the
 * values involved, and exits 0 when none failed, 1 otherwise.
 */
#ifndef PB_UNIT_CHECK_H
#define PB_UNIT_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

/* A condition that must hold; the test goes on after a failure so one run
 * reports every broken behaviour, but stops printing after 50. */
#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			if (check_failures++ < 50)                           \
				fprintf(stderr, "%s:%d: CHECK failed: %s\n", \
					__FILE__, __LINE__, #cond);          \
		}                                                            \
	} while (0)

/* Two integers that must be equal; prints both. */
#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long check_a_ = (long long)(a);                         \
		long long check_b_ = (long long)(b);                         \
		if (check_a_ != check_b_) {                                  \
			if (check_failures++ < 50)                           \
				fprintf(stderr,                              \
					"%s:%d: CHECK_EQ failed: %s == %s "  \
					"(%lld != %lld)\n",                  \
					__FILE__, __LINE__, #a, #b, check_a_, \
					check_b_);                           \
		}                                                            \
	} while (0)

/* Like CHECK, with a printf-style explanation (loop indices, seeds...). */
#define CHECKF(cond, ...)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			if (check_failures++ < 50) {                         \
				fprintf(stderr, "%s:%d: CHECK failed: %s: ", \
					__FILE__, __LINE__, #cond);          \
				fprintf(stderr, __VA_ARGS__);                \
				fputc('\n', stderr);                         \
			}                                                    \
		}                                                            \
	} while (0)

/* A condition the rest of the test depends on: fail and stop now. */
#define REQUIRE(cond)                                                        \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: REQUIRE failed: %s\n",       \
				__FILE__, __LINE__, #cond);                  \
			exit(1);                                             \
		}                                                            \
	} while (0)

/* End of main(): the verdict. */
static inline int check_done(const char *name)
{
	if (check_failures) {
		fprintf(stderr, "%s: %d check(s) FAILED\n", name,
			check_failures);
		return 1;
	}
	printf("%s: all checks passed\n", name);
	return 0;
}

/* A small, seedable generator (xorshift64*) so a failing random run can be
 * replayed: every randomized test prints its seed and takes one from
 * PB_TEST_SEED when set. */
static uint64_t check_rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t check_seed(void)
{
	const char *s = getenv("PB_TEST_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 0x5eed1234abcdull;
	check_rng_state = seed ? seed : 1;
	printf("seed %" PRIu64 " (set PB_TEST_SEED to replay)\n", seed);
	return seed;
}

static inline uint64_t check_rand(void)
{
	uint64_t x = check_rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	check_rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform-ish in [0, n); n > 0. */
static inline uint64_t check_below(uint64_t n)
{
	return check_rand() % n;
}

#endif
