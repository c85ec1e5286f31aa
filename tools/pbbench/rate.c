/*
 * rate.c - message rate: the one-way streaming kernel (window of isends,
 * then an ack), counted in messages per second rather than bytes, as
 * osu_mbw_mr does for one pair. Small messages measure the per-message
 * cost of the protocol: slot, flag, ack and matching, not the copies.
 */
#include "pbbench.h"

int pbb_rate(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	     double *metric)
{
	double t;
	int rc = pbb_stream(r, size, iters, epoch, &t);
	*metric = (double)r->o->window * (double)iters / t;
	return rc;
}
