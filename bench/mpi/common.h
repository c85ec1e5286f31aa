/*
 * common.h - what the project's MPI micro-benchmarks share with each other
 * and, by construction, with pbbench: the same command line (--sizes,
 * --iters, --iters-large, --warmup, --warmup-large, --reps, --window), the
 * same sweep (sizes above 8 KiB use the large counts), medians over
 * repetitions, and the same CSV columns, so bench/compare reads every
 * contender the same way. Plain MPI-1 only.
 */
#ifndef BENCH_MPI_COMMON_H
#define BENCH_MPI_COMMON_H

#include <stddef.h>

#define LARGE 8192u  /* as pbbench and the OSU benchmarks */

struct opts {
	size_t *sizes;
	int nsizes;
	long iters, iters_large, warmup, warmup_large;
	int reps, window;
};

/* Parse argv with the given defaults; on a mistake print it and
 * MPI_Abort. */
void parse_opts(int argc, char **argv, struct opts *o, const char *sizes,
		long iters, long iters_large);
/* Buffer of at least n bytes, 4 KiB aligned, every page touched. */
void *alloc_touched(size_t n);
double median(double *v, int n);
double minv(const double *v, int n);
double maxv(const double *v, int n);
/* The CSV header (with '#' lines naming the program) and one row. */
void csv_header(const char *prog, const struct opts *o);
void csv_row(const char *mode, size_t size, long iters, int window,
	     int reps, const double *v, const char *unit);

#endif
