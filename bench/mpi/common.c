/*
 * common.c - options, sizes, statistics and CSV for the MPI programs.
 * Kept apart from pbbench's code on purpose: these programs build with
 * nothing but an MPI compiler wrapper.
 */
#include <errno.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void bad(const char *what, const char *val)
{
	fprintf(stderr, "bad %s '%s'\n", what, val);
	MPI_Abort(MPI_COMM_WORLD, 2);
}

static size_t parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		bad("size", s);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end)
		bad("size", s);
	return (size_t)v;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static void add(struct opts *o, size_t s)
{
	for (int i = 0; i < o->nsizes; i++)
		if (o->sizes[i] == s)
			return;
	o->sizes = realloc(o->sizes, (size_t)(o->nsizes + 1) * sizeof(size_t));
	if (!o->sizes)
		MPI_Abort(MPI_COMM_WORLD, 1);
	o->sizes[o->nsizes++] = s;
}

/* "A:B" is A, the powers of two between, and B; "x,y" exact sizes. */
static void parse_sizes(struct opts *o, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	for (char *it = strtok_r(copy, ",", &save); it;
	     it = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(it, ':');
		if (!colon) {
			add(o, parse_size(it));
			continue;
		}
		*colon = '\0';
		size_t lo = parse_size(it), hi = parse_size(colon + 1);
		if (lo > hi)
			bad("range", spec);
		if (lo == 0)
			add(o, 0);
		size_t p = 1;
		while (p < lo)
			p <<= 1;
		for (; p <= hi; p <<= 1)
			add(o, p);
		add(o, lo);
		add(o, hi);
	}
	free(copy);
	qsort(o->sizes, (size_t)o->nsizes, sizeof(size_t), cmp_size);
}

static long parse_long(const char *opt, const char *s, long lo)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo)
		bad(opt, s);
	return v;
}

void parse_opts(int argc, char **argv, struct opts *o, const char *sizes,
		long iters, long iters_large)
{
	const char *spec = sizes;
	memset(o, 0, sizeof *o);
	o->iters = iters;
	o->iters_large = iters_large;
	o->warmup = o->warmup_large = -1;
	o->reps = 5;
	o->window = 64;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			bad("option (missing value)", a);
		if (!strcmp(a, "--sizes"))
			spec = v;
		else if (!strcmp(a, "--iters"))
			o->iters = parse_long(a, v, 1);
		else if (!strcmp(a, "--iters-large"))
			o->iters_large = parse_long(a, v, 1);
		else if (!strcmp(a, "--warmup"))
			o->warmup = parse_long(a, v, 0);
		else if (!strcmp(a, "--warmup-large"))
			o->warmup_large = parse_long(a, v, 0);
		else if (!strcmp(a, "--reps"))
			o->reps = (int)parse_long(a, v, 1);
		else if (!strcmp(a, "--window"))
			o->window = (int)parse_long(a, v, 1);
		else
			bad("option", a);
		i++;
	}
	/* warmup defaults as pbbench: a tenth of the timed iterations */
	if (o->warmup < 0)
		o->warmup = o->iters / 10 > 0 ? o->iters / 10 : 1;
	if (o->warmup_large < 0)
		o->warmup_large = o->iters_large / 10 > 0 ? o->iters_large / 10
							  : 1;
	parse_sizes(o, spec);
}

void *alloc_touched(size_t n)
{
	void *p = NULL;
	if (posix_memalign(&p, 4096, n + 64))
		MPI_Abort(MPI_COMM_WORLD, 1);
	memset(p, 0x5a, n + 64);
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	double *t = malloc((size_t)n * sizeof *t);
	memcpy(t, v, (size_t)n * sizeof *t);
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	double m = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	free(t);
	return m;
}

double minv(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

double maxv(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

void csv_header(const char *prog, const struct opts *o)
{
	char name[MPI_MAX_PROCESSOR_NAME];
	int len, ver, sub;
	MPI_Get_processor_name(name, &len);
	MPI_Get_version(&ver, &sub);
	printf("# %s (MPI %d.%d) on %s: iterations %ld (above 8K: %ld), "
	       "warmup %ld (%ld), %d repetitions, window %d\n", prog, ver, sub,
	       name, o->iters, o->iters_large, o->warmup, o->warmup_large,
	       o->reps, o->window);
	printf("mode,placement,size,iters,window,reps,median,min,max,unit,"
	       "floor,ratio\n");
	fflush(stdout);
}

void csv_row(const char *mode, size_t size, long iters, int window,
	     int reps, const double *v, const char *unit)
{
	double tmp[reps];
	memcpy(tmp, v, sizeof tmp);
	printf("%s,same-node,%zu,%ld,%d,%d,%.6g,%.6g,%.6g,%s,,\n", mode, size,
	       iters, window, reps, median(tmp, reps), minv(v, reps),
	       maxv(v, reps), unit);
	fflush(stdout);
}
