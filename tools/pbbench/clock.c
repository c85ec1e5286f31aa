/*
 * clock.c - time and the statistics of repetitions.
 *
 * Medians, not means: one descheduling or a page fault in a repetition
 * moves a mean a lot and a median not at all.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pbbench.h"

double pbb_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of n values; v is left unchanged. */
double pbb_median(double *v, int n)
{
	double tmp[n > 0 ? n : 1];
	if (n <= 0)
		return 0;
	memcpy(tmp, v, (size_t)n * sizeof *v);
	qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

double pbb_minv(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

double pbb_maxv(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}
