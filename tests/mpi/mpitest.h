/*
 * mpitest.h - output helpers for the MPI test programs.
 *
 * Each program is plain MPI (it builds with pbcc and with Open MPI's
 * mpicc) and prints deterministic lines "RANK: text". Every line goes out
 * in one write(), so lines of different ranks never mix, whatever the
 * launcher does with the streams; run.sh sorts the lines by rank (a
 * stable sort keeps each rank's order) and compares them with
 * expected/NAME.out. Nothing printed may depend on the implementation:
 * no error strings, no error code numbers, no timings.
 */
#ifndef MPITEST_H
#define MPITEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

static int mt_rank = -1;
static int mt_failed;

static inline void mt_line(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%d: %s", mt_rank, prefix);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, (size_t)n) < 0)
		mt_failed = 1;
}

/* A line of the expected output. */
__attribute__((format(printf, 1, 2))) static inline void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mt_line("", fmt, ap);
	va_end(ap);
}

/* A check: silent when it holds, a FAIL line (which no expected output
 * has) and a non-zero exit when it does not. */
__attribute__((format(printf, 2, 3))) static inline void check(int ok,
							const char *fmt, ...)
{
	if (ok)
		return;
	va_list ap;
	va_start(ap, fmt);
	mt_line("FAIL ", fmt, ap);
	va_end(ap);
	mt_failed = 1;
}

static inline void mt_init(int *argc, char ***argv)
{
	MPI_Init(argc, argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &mt_rank);
}

static inline int mt_finish(void)
{
	MPI_Finalize();
	return mt_failed;
}

/* An order-dependent checksum of bytes. */
static inline unsigned long mt_sum(const void *p, size_t n)
{
	const unsigned char *b = p;
	unsigned long h = 1469598103u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u & 0xffffffffu;
	return h;
}

/* Deterministic bytes for message i of a test. */
static inline void mt_fill(void *p, size_t n, unsigned seed)
{
	unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)((i * 131u + seed * 7u + (i >> 8)) & 0xff);
}

#endif
