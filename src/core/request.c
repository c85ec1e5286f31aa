/*
 * request.c - the public point-to-point calls: argument checks, then the
 * send and receive engines. Blocking calls are the non-blocking ones on a
 * stack operation, so they allocate nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"

static int check_send(const pb_job *j, int dest, int tag, unsigned ch,
		      const void *buf, size_t len)
{
	int rc = pb_job_check(j);
	if (rc)
		return rc;
	if (dest < 0 || dest >= j->size || tag < 0 || (!buf && len) ||
	    ch > PB_CHANNEL_MAX)
		return PB_EINVAL;
	return 0;
}

static int check_recv(const pb_job *j, int source, int tag, unsigned ch,
		      const void *buf, size_t cap)
{
	int rc = pb_job_check(j);
	if (rc)
		return rc;
	if ((source != PB_ANY_SOURCE && (source < 0 || source >= j->size)) ||
	    (tag != PB_ANY_TAG && tag < 0) || (!buf && cap) ||
	    ch > PB_CHANNEL_MAX)
		return PB_EINVAL;
	return 0;
}

int pb_send(pb_job *j, int dest, int tag, const void *buf, size_t len)
{
	return pb_send_ch(j, dest, tag, 0, buf, len);
}

int pb_send_ch(pb_job *j, int dest, int tag, unsigned ch, const void *buf,
	       size_t len)
{
	struct pb_sendop op;
	int rc = check_send(j, dest, tag, ch, buf, len);
	if (rc)
		return rc;
	if ((rc = pb_tx_start(j, dest, (uint16_t)ch, tag, buf, len, &op)))
		return rc;
	if (op.done)
		return op.error;
	rc = pb_wait_send(j, &op, dest);
	if (!op.done)
		pb_tx_abandon(j, &op); /* the stack frame is going away */
	return rc;
}

int pb_recv(pb_job *j, int source, int tag, void *buf, size_t cap,
	    pb_status *st)
{
	return pb_recv_ch(j, source, tag, 0, buf, cap, st);
}

int pb_recv_ch(pb_job *j, int source, int tag, unsigned ch, void *buf,
	       size_t cap, pb_status *st)
{
	struct pb_recvop rop;
	int rc = check_recv(j, source, tag, ch, buf, cap);
	if (rc)
		return rc;
	pb_recv_start(j, source, (uint16_t)ch, tag, buf, cap, &rop);
	rc = pb_wait_recv(j, &rop);
	if (!rop.done) {
		/* failed while posted: take it back so nothing writes into
		 * a stack frame that is about to vanish */
		if (pb_match_cancel(j, &rop) != 0) {
			/* matched but incomplete: detach the message */
			for (int i = 0; i < j->nrx; i++)
				if (j->rx[i]->cur && j->rx[i]->cur->rop == &rop) {
					struct pb_msg *m = j->rx[i]->cur;
					m->rop = NULL;
					m->orphan = 1;
					m->buf = NULL;
					m->cap = 0;
				}
		}
		return rc;
	}
	if (st)
		*st = rop.st;
	return rc;
}

static struct pb_req *req_new(pb_job *j, int kind)
{
	struct pb_req *r = j->req_free;
	if (r)
		j->req_free = r->next_free;
	else if (!(r = malloc(sizeof(*r))))
		return NULL;
	r->kind = kind;
	r->job = j;
	r->next_free = NULL;
	return r;
}

static void req_free(struct pb_req *r)
{
	r->kind = 0; /* a stale handle used again fails the kind checks */
	r->next_free = r->job->req_free;
	r->job->req_free = r;
}

int pb_isend(pb_job *j, int dest, int tag, const void *buf, size_t len,
	     pb_req **req)
{
	return pb_isend_ch(j, dest, tag, 0, buf, len, req);
}

int pb_isend_ch(pb_job *j, int dest, int tag, unsigned ch, const void *buf,
		size_t len, pb_req **req)
{
	int rc = check_send(j, dest, tag, ch, buf, len);
	if (rc)
		return rc;
	if (!req)
		return PB_EINVAL;
	struct pb_req *r = req_new(j, PB_REQ_SEND);
	if (!r)
		return PB_ENOMEM;
	r->u.s.req = r;
	if ((rc = pb_tx_start(j, dest, (uint16_t)ch, tag, buf, len,
			      &r->u.s))) {
		req_free(r);
		return rc;
	}
	r->u.s.req = r;
	*req = r;
	return 0;
}

int pb_irecv(pb_job *j, int source, int tag, void *buf, size_t cap,
	     pb_req **req)
{
	return pb_irecv_ch(j, source, tag, 0, buf, cap, req);
}

int pb_irecv_ch(pb_job *j, int source, int tag, unsigned ch, void *buf,
		size_t cap, pb_req **req)
{
	int rc = check_recv(j, source, tag, ch, buf, cap);
	if (rc)
		return rc;
	if (!req)
		return PB_EINVAL;
	struct pb_req *r = req_new(j, PB_REQ_RECV);
	if (!r)
		return PB_ENOMEM;
	pb_recv_start(j, source, (uint16_t)ch, tag, buf, cap, &r->u.r);
	r->u.r.req = r;
	*req = r;
	return 0;
}

static int req_done(struct pb_req *r)
{
	return r->kind == PB_REQ_SEND ? r->u.s.done : r->u.r.done;
}

/* Fill the status, free the request, clear the caller's handle. */
static int req_finish(pb_req **req, pb_status *st)
{
	struct pb_req *r = *req;
	int rc;
	if (r->kind == PB_REQ_SEND) {
		rc = r->u.s.error;
		if (st)
			memset(st, 0, sizeof(*st));
	} else {
		rc = r->u.r.st.error;
		if (st)
			*st = r->u.r.st;
	}
	req_free(r);
	*req = NULL;
	return rc;
}

int pb_wait(pb_req **req, pb_status *st)
{
	if (!req)
		return PB_EINVAL;
	if (!*req) {
		if (st) {
			memset(st, 0, sizeof(*st));
			st->source = PB_ANY_SOURCE;
			st->tag = PB_ANY_TAG;
		}
		return 0;
	}
	struct pb_req *r = *req;
	int rc = pb_job_check(r->job);
	if (rc)
		return rc;
	if (!req_done(r)) {
		rc = r->kind == PB_REQ_SEND
			     ? pb_wait_send(r->job, &r->u.s, r->u.s.dest)
			     : pb_wait_recv(r->job, &r->u.r);
		if (!req_done(r))
			return rc; /* still pending: the request stays valid */
	}
	return req_finish(req, st);
}

int pb_waitall(int n, pb_req **reqs, pb_status *sts)
{
	int first = 0;
	if (n < 0 || (n && !reqs))
		return PB_EINVAL;
	for (int i = 0; i < n; i++) {
		int rc = pb_wait(&reqs[i], sts ? &sts[i] : NULL);
		if (rc && !first)
			first = rc;
	}
	return first;
}

int pb_test(pb_req **req, int *done, pb_status *st)
{
	if (!req || !done)
		return PB_EINVAL;
	*done = 0;
	if (!*req) {
		*done = 1;
		return pb_wait(req, st);
	}
	int rc = pb_job_check((*req)->job);
	if (rc)
		return rc;
	if (!req_done(*req)) {
		rc = pb_progress_once((*req)->job);
		if (rc < 0)
			return rc;
	}
	if (!req_done(*req))
		return 0;
	*done = 1;
	return req_finish(req, st);
}

int pb_cancel(pb_req **req)
{
	if (!req || !*req)
		return PB_EINVAL;
	struct pb_req *r = *req;
	int rc = pb_job_check(r->job);
	if (rc)
		return rc;
	if (r->kind != PB_REQ_RECV || r->u.r.done)
		return PB_EAGAIN;
	if ((rc = pb_match_cancel(r->job, &r->u.r)))
		return rc;
	req_free(r);
	*req = NULL;
	return 0;
}

int pb_iprobe(pb_job *j, int source, int tag, int *found, pb_status *st)
{
	return pb_iprobe_ch(j, source, tag, 0, found, st);
}

int pb_iprobe_ch(pb_job *j, int source, int tag, unsigned ch, int *found,
		 pb_status *st)
{
	int rc = check_recv(j, source, tag, ch, NULL, 0);
	if (rc)
		return rc;
	if (!found)
		return PB_EINVAL;
	*found = 0;
	if ((rc = pb_progress_once(j)) < 0)
		return rc;
	struct pb_msg *m = pb_unexp_find(j, source, (uint16_t)ch, tag, 0);
	if (!m)
		return 0;
	*found = 1;
	if (st) {
		st->source = m->source;
		st->tag = m->tag;
		st->len = m->total;
		st->error = 0;
	}
	return 0;
}

int pb_probe(pb_job *j, int source, int tag, pb_status *st)
{
	return pb_probe_ch(j, source, tag, 0, st);
}

int pb_probe_ch(pb_job *j, int source, int tag, unsigned ch, pb_status *st)
{
	struct pb_waiter w;
	int found, rc;
	pb_waiter_init(&w, source);
	for (;;) {
		if ((rc = pb_iprobe_ch(j, source, tag, ch, &found, st)) ||
		    found)
			return rc;
		if (source == PB_ANY_SOURCE && j->error)
			return j->error;
		if (source >= 0 && j->rx_sender[source] &&
		    j->rx_sender[source]->error)
			return j->rx_sender[source]->error;
		if ((rc = pb_waiter_idle(j, &w)))
			return rc;
	}
}

int pb_progress(pb_job *j)
{
	int rc = pb_job_check(j);
	if (rc)
		return rc;
	rc = pb_progress_once(j);
	if (j->error) {
		/* report a corruption once, to whoever asks first */
		rc = j->error;
		j->error = 0;
	}
	return rc < 0 ? rc : 0;
}
