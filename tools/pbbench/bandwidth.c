/*
 * bandwidth.c - streaming kernels, as osu_bw and osu_bibw.
 *
 * One way (pbb_stream): per iteration the driver posts WINDOW isends and
 * waits for them, the partner posts WINDOW irecvs, waits, and answers with
 * a 4-byte ack; the ack keeps the sender from running ahead of the
 * receiver by more than one window, so the figure is a sustained rate.
 * Both ways (pbb_bibw): each side posts WINDOW irecvs and WINDOW isends
 * and waits for all of them.
 *
 * Buffers: as OSU, every message of a window uses the same send buffer and
 * the same receive buffer; with --check each slot of the window has its
 * own (r->stride apart) so that each message can be verified.
 */
#include "pbbench.h"

static int fail(const struct pbb_run *r, const char *call, int rc)
{
	fprintf(stderr, "pbbench: rank %d: %s: %s\n", r->me, call,
		pb_strerror(rc));
	return rc;
}

static unsigned char *slot(const struct pbb_run *r, unsigned char *base,
			   int k)
{
	return base + (size_t)k * r->stride;
}

static int post_sends(struct pbb_run *r, size_t size, long i, uint64_t epoch,
		      int dir, pb_req **reqs)
{
	const int w = r->o->window;
	for (int k = 0; k < w; k++) {
		unsigned char *b = slot(r, r->sbuf, k);
		if (r->o->check)
			pbb_fill(b, size,
				 pbb_seed(epoch, (uint64_t)i, (uint64_t)k, dir));
		int rc = pb_isend(r->job, r->peer, PBB_TAG_DATA, b, size,
				  &reqs[k]);
		if (rc)
			return fail(r, "pb_isend", rc);
	}
	return 0;
}

static int post_recvs(struct pbb_run *r, size_t size, pb_req **reqs)
{
	const int w = r->o->window;
	for (int k = 0; k < w; k++) {
		unsigned char *b = slot(r, r->rbuf, k);
		if (r->o->check)
			pbb_poison(b, size);
		int rc = pb_irecv(r->job, r->peer, PBB_TAG_DATA, b, size,
				  &reqs[k]);
		if (rc)
			return fail(r, "pb_irecv", rc);
	}
	return 0;
}

static int check_recvs(struct pbb_run *r, size_t size, long i,
		       uint64_t epoch, int dir, const pb_status *sts)
{
	for (int k = 0; k < r->o->window; k++) {
		int rc = pbb_expect(r, &sts[k], slot(r, r->rbuf, k), size,
				    pbb_seed(epoch, (uint64_t)i, (uint64_t)k,
					     dir),
				    "window message");
		if (rc)
			return rc;
	}
	return 0;
}

int pbb_stream(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	       double *secs)
{
	const int w = r->o->window;
	unsigned char ack[4] = { 0 };
	pb_status st;
	int rc;

	double t0 = pbb_now();
	for (long i = 0; i < iters; i++) {
		if (r->driver) {
			if ((rc = post_sends(r, size, i, epoch, 0, r->reqs)))
				return rc;
			if ((rc = pb_waitall(w, r->reqs, NULL)))
				return fail(r, "pb_waitall", rc);
			if ((rc = pb_recv(r->job, r->peer, PBB_TAG_ACK, ack,
					  sizeof ack, &st)))
				return fail(r, "pb_recv (ack)", rc);
		} else {
			if ((rc = post_recvs(r, size, r->reqs)))
				return rc;
			if ((rc = pb_waitall(w, r->reqs, r->sts)))
				return fail(r, "pb_waitall", rc);
			if (r->o->check &&
			    (rc = check_recvs(r, size, i, epoch, 0, r->sts)))
				return rc;
			if ((rc = pb_send(r->job, r->peer, PBB_TAG_ACK, ack,
					  sizeof ack)))
				return fail(r, "pb_send (ack)", rc);
		}
	}
	*secs = pbb_now() - t0;
	return 0;
}

int pbb_bw(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	   double *metric)
{
	double t;
	int rc = pbb_stream(r, size, iters, epoch, &t);
	*metric = (double)size * r->o->window * (double)iters / t / 1e6;
	return rc;
}

int pbb_bibw(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	     double *metric)
{
	const int w = r->o->window;
	/* each side sends in its own direction */
	const int out = r->driver ? 0 : 1, in = 1 - out;
	int rc;

	double t0 = pbb_now();
	for (long i = 0; i < iters; i++) {
		/* receives first, so that no message waits unexpected */
		if ((rc = post_recvs(r, size, r->reqs)) ||
		    (rc = post_sends(r, size, i, epoch, out, r->reqs + w)))
			return rc;
		if ((rc = pb_waitall(2 * w, r->reqs, r->sts)))
			return fail(r, "pb_waitall", rc);
		if (r->o->check &&
		    (rc = check_recvs(r, size, i, epoch, in, r->sts)))
			return rc;
	}
	double t = pbb_now() - t0;
	*metric = 2.0 * (double)size * w * (double)iters / t / 1e6;
	return 0;
}
