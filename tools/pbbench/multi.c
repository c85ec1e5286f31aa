/*
 * multi.c - many pairs at once, as osu_mbw_mr: rank i (< n/2) streams to
 * rank i + n/2 with the one-way kernel while every other pair does the
 * same. A barrier starts and ends each repetition, so the time is the one
 * of the slowest pair and the figure is the aggregate bandwidth.
 */
#include "pbbench.h"

int pbb_multi(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	      double *metric)
{
	double t;
	int rc = pb_barrier(r->job);
	if (rc) {
		fprintf(stderr, "pbbench: rank %d: pb_barrier: %s\n", r->me,
			pb_strerror(rc));
		return rc;
	}
	double t0 = pbb_now();
	if ((rc = pbb_stream(r, size, iters, epoch, &t)))
		return rc;
	if ((rc = pb_barrier(r->job))) {
		fprintf(stderr, "pbbench: rank %d: pb_barrier: %s\n", r->me,
			pb_strerror(rc));
		return rc;
	}
	t = pbb_now() - t0;
	*metric = (double)r->pairs * (double)size * r->o->window *
		  (double)iters / t / 1e6;
	return 0;
}
