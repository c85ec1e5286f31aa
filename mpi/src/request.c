/*
 * request.c - requests and progress: wait, test, free, cancel.
 *
 * Ordinary sends and receives are Postbox operations and nothing more; a
 * request adds what MPI needs around one: packing for types with holes,
 * the answer a synchronous send waits for (sync.c), the status in MPI's
 * terms. Every wait is a loop that tests its requests, handles control
 * messages and then spins, yields or sleeps as PB_WAIT says.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

struct pbmpi_global pbmpi_g;

/* ---- request objects and handles ---------------------------------------
 * Freed request objects are kept for reuse: Isend/Irecv in a loop then
 * cost no malloc of ours. */
#define REQ_CACHE 64
static struct pbmpi_req *req_cache[REQ_CACHE];
static int ncache;

static struct pbmpi_req **rtab; /* handle index -> request; [0] unused */
static int rcap;
static int *rfree, nrfree;      /* free handle indices */

static void urecv_unlink(struct pbmpi_req *r)
{
	if (r->rprev)
		r->rprev->rnext = r->rnext;
	else
		pbmpi_g.urecv_head = r->rnext;
	if (r->rnext)
		r->rnext->rprev = r->rprev;
	r->rnext = r->rprev = NULL;
	r->posted = 0;
}

struct pbmpi_req *pbmpi_req_new(int kind, struct pbmpi_comm *c)
{
	struct pbmpi_req *r =
		ncache ? req_cache[--ncache] : malloc(sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->handle_idx = -1;
	r->comm = c;
	c->refs++;
	return r;
}

void pbmpi_req_release(struct pbmpi_req *r)
{
	if (r->handle_idx > 0) {
		rtab[r->handle_idx] = NULL;
		rfree[nrfree++] = r->handle_idx;
	}
	if (r->posted)
		urecv_unlink(r);
	free(r->tmp);
	if (r->dt)
		pbmpi_dtype_unref(r->dt);
	pbmpi_comm_unref(r->comm);
	if (ncache < REQ_CACHE)
		req_cache[ncache++] = r;
	else
		free(r);
}

int pbmpi_req_handle(struct pbmpi_req *r, MPI_Request *out)
{
	if (!nrfree) {
		int ncap = rcap ? 2 * rcap : 64;
		if (ncap > 0xffffff)
			return MPI_ERR_INTERN;
		struct pbmpi_req **t = realloc(rtab, (size_t)ncap * sizeof(*t));
		if (!t)
			return MPI_ERR_INTERN;
		rtab = t;
		int *f = realloc(rfree, (size_t)ncap * sizeof(*f));
		if (!f)
			return MPI_ERR_INTERN;
		rfree = f;
		/* push high indices first so that low ones come out first */
		for (int i = ncap - 1; i >= (rcap ? rcap : 1); i--)
			rfree[nrfree++] = i;
		for (int i = rcap; i < ncap; i++)
			rtab[i] = NULL;
		rcap = ncap;
	}
	int i = rfree[--nrfree];
	rtab[i] = r;
	r->handle_idx = i;
	*out = (MPI_Request)((HK_REQ << 24) | (unsigned)i);
	return MPI_SUCCESS;
}

/* The request behind a user handle; *null set when it is
 * MPI_REQUEST_NULL. NULL for a bad handle. */
static struct pbmpi_req *req_get(MPI_Request h, int *null)
{
	*null = h == MPI_REQUEST_NULL;
	if (*null || H_KIND(h) != HK_REQ)
		return NULL;
	int i = H_INDEX(h);
	return i > 0 && i < rcap ? rtab[i] : NULL;
}

static void req_table_fini(void)
{
	for (int i = 0; i < ncache; i++)
		free(req_cache[i]);
	ncache = 0;
	free(rtab);
	free(rfree);
	rtab = NULL;
	rfree = NULL;
	rcap = nrfree = 0;
}

void pbmpi_status_empty(MPI_Status *st)
{
	st->MPI_SOURCE = MPI_ANY_SOURCE;
	st->MPI_TAG = MPI_ANY_TAG;
	st->MPI_ERROR = MPI_SUCCESS;
	st->pb_cancelled = 0;
	st->pb_count = 0;
}

/* ---- progress of one request ------------------------------------------ */

static void bchunk_release(struct pbmpi_bchunk *ch)
{
	struct pbmpi_bchunk **pp = &pbmpi_g.bchunks;
	while (*pp && *pp != ch)
		pp = &(*pp)->next;
	if (*pp)
		*pp = ch->next;
	free(ch);
	pbmpi_g.n_bsend--;
}

/* The Postbox operation of r finished with Postbox result rc. */
static void data_done(struct pbmpi_req *r, int rc, const pb_status *st)
{
	r->data_done = 1;
	r->err = pbmpi_err_pb(rc);
	if (r->kind == RQ_SEND) {
		pbmpi_status_empty(&r->st);
		r->st.MPI_ERROR = r->err;
		return;
	}
	if (r->posted)
		urecv_unlink(r);
	size_t got = st->len < r->bytes ? st->len : r->bytes;
	if (!rc || rc == PB_ETRUNC)
		pbmpi_cnt(st->source, r->ch, st->tag)->recvd++; /* sync.c */
	r->st.MPI_SOURCE = pbmpi_w2c(r->comm, st->source);
	r->st.MPI_TAG = st->tag;
	r->st.MPI_ERROR = r->err;
	r->st.pb_cancelled = 0;
	r->st.pb_count = got;
	if (r->tmp) {
		pbmpi_unpack(r->dt, r->tmp, got, r->count, r->ubuf);
		free(r->tmp);
		r->tmp = NULL;
	}
}

/* An announcement's Postbox send: 1 once it is done (or failed: the request then
 * fails with it). */
static int aux_done(struct pbmpi_req *r, pb_req **q)
{
	int done = 0;
	int rc = pb_test(q, &done, NULL);
	pbmpi_g.progressed = 1;
	if (done && rc && !r->err)
		r->err = pbmpi_err_pb(rc);
	return done || rc < 0;
}

int pbmpi_req_poll(struct pbmpi_req *r)
{
	if (r->complete)
		return 1;
	if (r->pr) {
		int done = 0;
		pb_status st;
		int rc = pb_test(&r->pr, &done, &st);
		pbmpi_g.progressed = 1;
		if (done) {
			data_done(r, rc, &st);
		} else if (rc < 0) {
			/* the job handle itself failed: nothing will move */
			r->pr = NULL;
			r->tmp = NULL; /* Postbox may still hold it: leak */
			memset(&st, 0, sizeof(st));
			data_done(r, rc, &st);
		}
	}
	if (r->n1 && aux_done(r, &r->n1))
		r->n1 = NULL;
	if (!r->data_done || r->n1)
		return 0;
	if (r->sync && !r->acked && !r->err)
		return 0;
	r->complete = 1;
	if (r->kind == RQ_SEND) {
		free(r->tmp);
		r->tmp = NULL;
		if (r->chunk) {
			bchunk_release(r->chunk);
			r->chunk = NULL;
		}
	}
	return 1;
}

void pbmpi_idle(unsigned *idle)
{
	unsigned n = ++*idle;
	if (n < pbmpi_g.spin || pbmpi_g.wait_mode == WAIT_SPIN) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		return;
	}
	if (pbmpi_g.wait_mode == WAIT_YIELD) {
		sched_yield();
		return;
	}
	/* the same back-off as Postbox's own waits: 1 us doubling to 1 ms,
	 * so an oversubscribed node is not eaten by idle ranks */
	unsigned over = n - pbmpi_g.spin;
	struct timespec t = {0, over < 10 ? 1000L << over : 1000000L};
	nanosleep(&t, NULL);
}

void pbmpi_req_wait(struct pbmpi_req *r)
{
	unsigned idle = 0;
	while (!pbmpi_req_poll(r)) {
		pbmpi_ctrl_poll();
		pbmpi_idle(&idle);
	}
	pbmpi_ctrl_maybe();
}

/* ---- starting operations ---------------------------------------------- */

int pbmpi_send_start(struct pbmpi_req *r)
{
	pb_job *j = pbmpi_g.job;
	struct pbmpi_cnt *e = pbmpi_cnt(r->peer, r->ch, r->tag);
	int rc;
	if (r->sync) {
		r->sync_id = ++pbmpi_g.next_sync_id;
		r->m1 = (struct pbmpi_ctrl){CM_ANNOUNCE, r->ch, r->tag, e->sent,
					    r->sync_id};
		rc = pb_isend_ch(j, r->peer, 0, CH_CTRL, &r->m1, sizeof(r->m1),
				 &r->n1);
		if (rc)
			goto fail;
	}
	rc = pb_isend_ch(j, r->peer, r->tag, r->ch, r->data, r->bytes, &r->pr);
	if (rc)
		goto fail;
	e->sent++;
	if (r->sync) {
		r->next = pbmpi_g.txs_head;
		pbmpi_g.txs_head = r;
	}
	return MPI_SUCCESS;
fail:
	/* an announcement without its message would never be answered,
	 * but nor would anyone wait for it: the error ends the request */
	r->err = pbmpi_err_pb(rc);
	r->data_done = 1;
	return r->err;
}

int pbmpi_recv_start(struct pbmpi_req *r)
{
	int rc = pb_irecv_ch(pbmpi_g.job, r->peer, r->tag, r->ch,
			     r->tmp ? r->tmp : r->ubuf, r->bytes, &r->pr);
	if (rc)
		return pbmpi_err_pb(rc);
	r->posted = 1;
	r->rprev = NULL;
	r->rnext = pbmpi_g.urecv_head;
	if (r->rnext)
		r->rnext->rprev = r;
	pbmpi_g.urecv_head = r;
	return MPI_SUCCESS;
}

/* While an announced message waits for its answer, receives that complete
 * inside any request must be seen to complete, so they are counted. */
static void urecv_poll(void)
{
	struct pbmpi_req *r = pbmpi_g.urecv_head, *next;
	for (; r; r = next) {
		next = r->rnext; /* r leaves the list when it completes */
		pbmpi_req_poll(r);
	}
}

static void bg_poll(void)
{
	struct pbmpi_req **pp = &pbmpi_g.bg_head;
	while (*pp) {
		struct pbmpi_req *r = *pp;
		if (!pbmpi_req_poll(r)) {
			pp = &r->bg_next;
			continue;
		}
		*pp = r->bg_next;
		pbmpi_req_release(r);
	}
}

void pbmpi_bg_add(struct pbmpi_req *r)
{
	r->bg = 1;
	r->bg_next = pbmpi_g.bg_head;
	pbmpi_g.bg_head = r;
}

void pbmpi_ctrl_poll(void)
{
	static int busy;
	struct pbmpi_global *g = &pbmpi_g;
	if (busy)
		return;
	busy = 1;
	for (;;) {
		/* cbuf.kind turns non-zero when Postbox matched the standing
		 * receive (it copies a message in as it matches it); every
		 * 256 polls the request is also tested the documented way,
		 * so control traffic cannot stall even if that changed */
		if (!g->cbuf.kind && (++g->ctrl_tick & 255))
			break;
		int done = 0;
		pb_status st;
		int rc = pb_test(&g->creq, &done, &st);
		g->progressed = 1;
		if (!done)
			break;
		struct pbmpi_ctrl m = g->cbuf;
		int r2 = pbmpi_ctrl_start();
		if (r2)
			pbmpi_fatal("cannot post the control receive",
				    pbmpi_err_pb(r2));
		if (rc == 0)
			pbmpi_ctrl_handle(&m, st.source);
	}
	if (g->rx_head) {
		urecv_poll();
		pbmpi_rx_resolve();
	}
	if (g->bg_head)
		bg_poll();
	/* a wait on things that have no Postbox request (an answer to an
	 * Issend) must still move messages */
	if (!g->progressed)
		pb_progress(g->job);
	g->progressed = 0;
	busy = 0;
}

void pbmpi_bsend_drain(void)
{
	unsigned idle = 0;
	while (pbmpi_g.n_bsend) {
		pbmpi_ctrl_poll();
		if (pbmpi_g.n_bsend)
			pbmpi_idle(&idle);
	}
}

/* Finalize: what the program freed or buffered must finish before the job
 * closes; receives it freed and never matched are taken back. */
void pbmpi_req_fini(void)
{
	unsigned idle = 0;
	for (struct pbmpi_req *r = pbmpi_g.bg_head; r; r = r->bg_next)
		if (r->kind == RQ_RECV && r->pr && !r->data_done &&
		    pb_cancel(&r->pr) == 0) {
			r->data_done = 1;
			r->cancelled = 1;
		}
	while (pbmpi_g.bg_head) {
		pbmpi_ctrl_poll();
		if (pbmpi_g.bg_head)
			pbmpi_idle(&idle);
	}
	req_table_fini();
}

/* ---- the user's view: wait, test, free, cancel ------------------------ */

/* Hand a complete request back: status, error code, handle to NULL. */
static int req_return(struct pbmpi_req *r, MPI_Request *h, MPI_Status *st)
{
	int err = r->err;
	if (st != MPI_STATUS_IGNORE) {
		*st = r->st;
		if (r->cancelled) {
			pbmpi_status_empty(st);
			st->pb_cancelled = 1;
		}
	}
	pbmpi_req_release(r);
	*h = MPI_REQUEST_NULL;
	return err;
}

int MPI_Wait(MPI_Request *request, MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Wait");
	int null;
	if (!request)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Wait");
	struct pbmpi_req *r = req_get(*request, &null);
	if (null) {
		if (status != MPI_STATUS_IGNORE)
			pbmpi_status_empty(status);
		return MPI_SUCCESS;
	}
	if (!r)
		return pbmpi_raise(NULL, MPI_ERR_REQUEST, "MPI_Wait");
	pbmpi_req_wait(r);
	struct pbmpi_comm *c = r->comm;
	c->refs++; /* outlive the request for the error handler */
	int err = req_return(r, request, status);
	err = pbmpi_raise(c, err, "MPI_Wait");
	pbmpi_comm_unref(c);
	return err;
}

/* Validate an array of handles: NULL ones are inactive. */
static int reqs_check(int n, MPI_Request *reqs, const char *fn)
{
	if (n < 0 || (n && !reqs))
		return pbmpi_raise(NULL, MPI_ERR_ARG, fn);
	for (int i = 0; i < n; i++) {
		int null;
		if (!req_get(reqs[i], &null) && !null)
			return pbmpi_raise(NULL, MPI_ERR_REQUEST, fn);
	}
	return MPI_SUCCESS;
}

/* Return every request of the array (all complete); MPI_ERR_IN_STATUS
 * when one failed, with each status saying which. */
static int return_all(int n, MPI_Request *reqs, MPI_Status *sts,
		      const char *fn)
{
	struct pbmpi_comm *ec = NULL;
	int any = 0;
	for (int i = 0; i < n; i++) {
		int null;
		struct pbmpi_req *r = req_get(reqs[i], &null);
		MPI_Status tmp, *st = sts == MPI_STATUSES_IGNORE ? &tmp : &sts[i];
		if (!r) {
			pbmpi_status_empty(st);
			continue;
		}
		if (r->err && !ec) {
			ec = r->comm;
			ec->refs++;
		}
		int err = req_return(r, &reqs[i], st);
		st->MPI_ERROR = err;
		any |= err != MPI_SUCCESS;
	}
	if (!any)
		return MPI_SUCCESS;
	int rc = pbmpi_raise(ec, MPI_ERR_IN_STATUS, fn);
	if (ec)
		pbmpi_comm_unref(ec);
	return rc;
}

int MPI_Waitall(int count, MPI_Request requests[], MPI_Status *statuses)
{
	PBMPI_CHECK_RUNNING("MPI_Waitall");
	int rc = reqs_check(count, requests, "MPI_Waitall");
	if (rc)
		return rc;
	unsigned idle = 0;
	for (int i = 0; i < count;) {
		int null;
		struct pbmpi_req *r = req_get(requests[i], &null);
		if (!r || pbmpi_req_poll(r)) {
			i++;
			continue;
		}
		/* poll the rest too: each pb_test moves everything */
		for (int k = i + 1; k < count; k++) {
			struct pbmpi_req *q = req_get(requests[k], &null);
			if (q)
				pbmpi_req_poll(q);
		}
		pbmpi_ctrl_poll();
		if (!pbmpi_req_poll(r))
			pbmpi_idle(&idle);
	}
	pbmpi_ctrl_maybe();
	return return_all(count, requests, statuses, "MPI_Waitall");
}

int MPI_Testall(int count, MPI_Request requests[], int *flag,
		MPI_Status *statuses)
{
	PBMPI_CHECK_RUNNING("MPI_Testall");
	int rc = reqs_check(count, requests, "MPI_Testall");
	if (rc)
		return rc;
	if (!flag)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Testall");
	int all = 1;
	for (int i = 0; i < count; i++) {
		int null;
		struct pbmpi_req *r = req_get(requests[i], &null);
		if (r && !pbmpi_req_poll(r))
			all = 0;
	}
	pbmpi_ctrl_poll();
	*flag = all;
	/* not all done: none is returned (those done stay done) */
	return all ? return_all(count, requests, statuses, "MPI_Testall")
		   : MPI_SUCCESS;
}

/* One pass over the array: the index of the first complete request, -1
 * if none, MPI_UNDEFINED when every handle is inactive. */
static int first_done(int n, MPI_Request *reqs)
{
	int active = 0;
	for (int i = 0; i < n; i++) {
		int null;
		struct pbmpi_req *r = req_get(reqs[i], &null);
		if (!r)
			continue;
		active = 1;
		if (pbmpi_req_poll(r))
			return i;
	}
	return active ? -1 : MPI_UNDEFINED;
}

static int return_one(MPI_Request *h, MPI_Status *status, const char *fn)
{
	int null;
	struct pbmpi_req *r = req_get(*h, &null);
	struct pbmpi_comm *c = r->comm;
	c->refs++;
	int err = req_return(r, h, status);
	err = pbmpi_raise(c, err, fn);
	pbmpi_comm_unref(c);
	return err;
}

int MPI_Waitany(int count, MPI_Request requests[], int *index,
		MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Waitany");
	int rc = reqs_check(count, requests, "MPI_Waitany");
	if (rc)
		return rc;
	if (!index)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Waitany");
	unsigned idle = 0;
	int i;
	while ((i = first_done(count, requests)) == -1) {
		pbmpi_ctrl_poll();
		pbmpi_idle(&idle);
	}
	pbmpi_ctrl_maybe();
	*index = i;
	if (i == MPI_UNDEFINED) {
		if (status != MPI_STATUS_IGNORE)
			pbmpi_status_empty(status);
		return MPI_SUCCESS;
	}
	return return_one(&requests[i], status, "MPI_Waitany");
}

int MPI_Testany(int count, MPI_Request requests[], int *index, int *flag,
		MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Testany");
	int rc = reqs_check(count, requests, "MPI_Testany");
	if (rc)
		return rc;
	if (!index || !flag)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Testany");
	int i = first_done(count, requests);
	if (i == -1) {
		pbmpi_ctrl_poll();
		i = first_done(count, requests);
	}
	if (i == -1) {
		*flag = 0;
		*index = MPI_UNDEFINED;
		return MPI_SUCCESS;
	}
	*flag = 1;
	*index = i;
	if (i == MPI_UNDEFINED) {
		if (status != MPI_STATUS_IGNORE)
			pbmpi_status_empty(status);
		return MPI_SUCCESS;
	}
	return return_one(&requests[i], status, "MPI_Testany");
}

/* Waitsome/Testsome: return every complete request of one pass. */
static int some(int n, MPI_Request *reqs, int *outcount, int *indices,
		MPI_Status *sts, int block, const char *fn)
{
	int rc = reqs_check(n, reqs, fn);
	if (rc)
		return rc;
	if (!outcount || (n && !indices))
		return pbmpi_raise(NULL, MPI_ERR_ARG, fn);
	unsigned idle = 0;
	for (;;) {
		int active = 0, k = 0;
		for (int i = 0; i < n; i++) {
			int null;
			struct pbmpi_req *r = req_get(reqs[i], &null);
			if (!r)
				continue;
			active = 1;
			if (pbmpi_req_poll(r))
				indices[k++] = i;
		}
		if (!active) {
			*outcount = MPI_UNDEFINED;
			return MPI_SUCCESS;
		}
		if (k || !block) {
			if (!k)
				pbmpi_ctrl_poll();
			pbmpi_ctrl_maybe();
			*outcount = k;
			struct pbmpi_comm *ec = NULL;
			int any = 0;
			for (int j = 0; j < k; j++) {
				int null;
				struct pbmpi_req *r =
					req_get(reqs[indices[j]], &null);
				MPI_Status tmp, *st = sts == MPI_STATUSES_IGNORE
							      ? &tmp
							      : &sts[j];
				if (r->err && !ec) {
					ec = r->comm;
					ec->refs++;
				}
				int err = req_return(r, &reqs[indices[j]], st);
				st->MPI_ERROR = err;
				any |= err != MPI_SUCCESS;
			}
			if (!any)
				return MPI_SUCCESS;
			rc = pbmpi_raise(ec, MPI_ERR_IN_STATUS, fn);
			if (ec)
				pbmpi_comm_unref(ec);
			return rc;
		}
		pbmpi_ctrl_poll();
		pbmpi_idle(&idle);
	}
}

int MPI_Waitsome(int incount, MPI_Request requests[], int *outcount,
		 int indices[], MPI_Status *statuses)
{
	PBMPI_CHECK_RUNNING("MPI_Waitsome");
	return some(incount, requests, outcount, indices, statuses, 1,
		    "MPI_Waitsome");
}

int MPI_Testsome(int incount, MPI_Request requests[], int *outcount,
		 int indices[], MPI_Status *statuses)
{
	PBMPI_CHECK_RUNNING("MPI_Testsome");
	return some(incount, requests, outcount, indices, statuses, 0,
		    "MPI_Testsome");
}

int MPI_Test(MPI_Request *request, int *flag, MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Test");
	int null;
	if (!request || !flag)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Test");
	struct pbmpi_req *r = req_get(*request, &null);
	if (null) {
		*flag = 1;
		if (status != MPI_STATUS_IGNORE)
			pbmpi_status_empty(status);
		return MPI_SUCCESS;
	}
	if (!r)
		return pbmpi_raise(NULL, MPI_ERR_REQUEST, "MPI_Test");
	if (!pbmpi_req_poll(r)) {
		pbmpi_ctrl_poll();
		if (!pbmpi_req_poll(r)) {
			*flag = 0;
			return MPI_SUCCESS;
		}
	}
	pbmpi_ctrl_maybe();
	*flag = 1;
	return return_one(request, status, "MPI_Test");
}

int MPI_Request_free(MPI_Request *request)
{
	PBMPI_CHECK_RUNNING("MPI_Request_free");
	int null;
	struct pbmpi_req *r = request ? req_get(*request, &null) : NULL;
	if (!r)
		return pbmpi_raise(NULL, MPI_ERR_REQUEST, "MPI_Request_free");
	*request = MPI_REQUEST_NULL;
	rtab[r->handle_idx] = NULL;
	rfree[nrfree++] = r->handle_idx;
	r->handle_idx = -1;
	if (pbmpi_req_poll(r))
		pbmpi_req_release(r);
	else
		pbmpi_bg_add(r); /* it goes on; finished in the background */
	return MPI_SUCCESS;
}

int MPI_Cancel(MPI_Request *request)
{
	PBMPI_CHECK_RUNNING("MPI_Cancel");
	int null;
	struct pbmpi_req *r = request ? req_get(*request, &null) : NULL;
	if (!r)
		return pbmpi_raise(NULL, MPI_ERR_REQUEST, "MPI_Cancel");
	if (r->complete)
		return MPI_SUCCESS;
	if (r->kind == RQ_RECV && r->pr && !r->data_done) {
		/* PB_EAGAIN: it matched already and completes normally */
		if (pb_cancel(&r->pr) == 0) {
			r->cancelled = 1;
			r->data_done = 1;
			if (r->posted)
				urecv_unlink(r);
			free(r->tmp);
			r->tmp = NULL;
		}
	}
	/* a send has gone out already and completes normally: the standard
	 * allows a cancel to fail that way */
	return MPI_SUCCESS;
}

int MPI_Test_cancelled(const MPI_Status *status, int *flag)
{
	PBMPI_CHECK_RUNNING("MPI_Test_cancelled");
	if (!status || status == MPI_STATUS_IGNORE || !flag)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Test_cancelled");
	*flag = status->pb_cancelled;
	return MPI_SUCCESS;
}
