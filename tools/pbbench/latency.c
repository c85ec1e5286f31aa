/*
 * latency.c - ping-pong: the driver sends SIZE bytes, the partner answers
 * with SIZE bytes, ITERS times; the metric is the half round trip in us,
 * as in osu_latency. Blocking pb_send/pb_recv: what an application that
 * waits for each answer sees.
 */
#include "pbbench.h"

static int fail(const struct pbb_run *r, const char *call, int rc)
{
	fprintf(stderr, "pbbench: rank %d: %s: %s\n", r->me, call,
		pb_strerror(rc));
	return rc;
}

int pbb_latency(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
		double *metric)
{
	const int check = r->o->check;
	pb_status st;
	int rc;

	double t0 = pbb_now();
	for (long i = 0; i < iters; i++) {
		/* dir 0: driver -> partner, dir 1: the answer */
		uint64_t ping = pbb_seed(epoch, (uint64_t)i, 0, 0);
		uint64_t pong = pbb_seed(epoch, (uint64_t)i, 0, 1);
		if (r->driver) {
			if (check) {
				pbb_fill(r->sbuf, size, ping);
				pbb_poison(r->rbuf, size);
			}
			if ((rc = pb_send(r->job, r->peer, PBB_TAG_DATA,
					  r->sbuf, size)))
				return fail(r, "pb_send", rc);
			if ((rc = pb_recv(r->job, r->peer, PBB_TAG_DATA,
					  r->rbuf, size, &st)))
				return fail(r, "pb_recv", rc);
			if (check && (rc = pbb_expect(r, &st, r->rbuf, size,
						      pong, "answer")))
				return rc;
		} else {
			if (check)
				pbb_poison(r->rbuf, size);
			if ((rc = pb_recv(r->job, r->peer, PBB_TAG_DATA,
					  r->rbuf, size, &st)))
				return fail(r, "pb_recv", rc);
			if (check) {
				if ((rc = pbb_expect(r, &st, r->rbuf, size,
						     ping, "ping")))
					return rc;
				pbb_fill(r->sbuf, size, pong);
			}
			if ((rc = pb_send(r->job, r->peer, PBB_TAG_DATA,
					  r->sbuf, size)))
				return fail(r, "pb_send", rc);
		}
	}
	double t = pbb_now() - t0;
	*metric = t * 1e6 / (2.0 * (double)iters);
	return 0;
}
