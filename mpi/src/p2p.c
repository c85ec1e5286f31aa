/*
 * p2p.c - the point-to-point calls.
 *
 * MPI_Send and MPI_Recv of contiguous data are one Postbox call each on
 * the communicator's channel, with the user's buffer (MPI_Recv only while
 * no receive request is posted, see sync.c), plus one counter each: that
 * is the whole cost of the MPI layer on the latency path. Everything else
 * builds a request and waits on it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int check_tag(int tag, int wild)
{
	return tag >= 0 || (wild && tag == MPI_ANY_TAG);
}

/* Everything a send or receive call checks; the comm is returned even on
 * error so that its handler decides. */
static int check_common(MPI_Comm comm, int count, MPI_Datatype dt,
			struct pbmpi_comm **cout, struct pbmpi_dtype **tout)
{
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	*cout = c;
	if (!c)
		return MPI_ERR_COMM;
	if (count < 0)
		return MPI_ERR_COUNT;
	struct pbmpi_dtype *t = pbmpi_dtype_get(dt);
	if (!t || !t->committed)
		return MPI_ERR_TYPE;
	*tout = t;
	return MPI_SUCCESS;
}

/* A request that is complete from the start: MPI_PROC_NULL. */
static struct pbmpi_req *req_proc_null(int kind, struct pbmpi_comm *c)
{
	struct pbmpi_req *r = pbmpi_req_new(kind, c);
	if (!r)
		return NULL;
	r->data_done = r->complete = 1;
	pbmpi_status_empty(&r->st);
	if (kind == RQ_RECV)
		r->st.MPI_SOURCE = MPI_PROC_NULL;
	return r;
}

int pbmpi_make_send(const void *buf, int count, MPI_Datatype dt, int dest,
		    int tag, MPI_Comm comm, int sync, struct pbmpi_req **out,
		    struct pbmpi_comm **cout)
{
	struct pbmpi_dtype *t = NULL;
	int rc = check_common(comm, count, dt, cout, &t);
	struct pbmpi_comm *c = *cout;
	*out = NULL;
	if (rc)
		return rc;
	if (dest == MPI_PROC_NULL)
		return MPI_SUCCESS;
	if (dest < 0 || dest >= c->size)
		return MPI_ERR_RANK;
	if (!check_tag(tag, 0))
		return MPI_ERR_TAG;
	size_t bytes = (size_t)count * t->size;
	if (!buf && bytes)
		return MPI_ERR_BUFFER;
	struct pbmpi_req *r = pbmpi_req_new(RQ_SEND, c);
	if (!r)
		return MPI_ERR_INTERN;
	r->peer = pbmpi_c2w(c, dest);
	r->tag = tag;
	r->ch = c->ch;
	r->sync = (unsigned char)sync;
	r->bytes = bytes;
	r->data = buf;
	if (!t->contig && bytes) {
		/* packed now: the user may reuse buf as soon as a buffered
		 * send returns, and the wire carries no holes */
		r->tmp = malloc(bytes);
		if (!r->tmp) {
			pbmpi_req_release(r);
			return MPI_ERR_INTERN;
		}
		pbmpi_pack(t, buf, count, r->tmp);
		r->data = r->tmp;
	}
	*out = r;
	return MPI_SUCCESS;
}

int pbmpi_make_recv(void *buf, int count, MPI_Datatype dt, int source,
		    int tag, MPI_Comm comm, struct pbmpi_req **out,
		    struct pbmpi_comm **cout)
{
	struct pbmpi_dtype *t = NULL;
	int rc = check_common(comm, count, dt, cout, &t);
	struct pbmpi_comm *c = *cout;
	*out = NULL;
	if (rc)
		return rc;
	if (source == MPI_PROC_NULL)
		return MPI_SUCCESS;
	if (source != MPI_ANY_SOURCE && (source < 0 || source >= c->size))
		return MPI_ERR_RANK;
	if (!check_tag(tag, 1))
		return MPI_ERR_TAG;
	size_t bytes = (size_t)count * t->size;
	if (!buf && bytes)
		return MPI_ERR_BUFFER;
	struct pbmpi_req *r = pbmpi_req_new(RQ_RECV, c);
	if (!r)
		return MPI_ERR_INTERN;
	r->peer = source == MPI_ANY_SOURCE ? PB_ANY_SOURCE
					   : pbmpi_c2w(c, source);
	r->tag = tag == MPI_ANY_TAG ? PB_ANY_TAG : tag;
	r->ch = c->ch;
	r->ubuf = buf;
	r->count = count;
	r->bytes = bytes;
	if (!t->contig && bytes) {
		r->tmp = malloc(bytes);
		if (!r->tmp) {
			pbmpi_req_release(r);
			return MPI_ERR_INTERN;
		}
		r->dt = t;
		pbmpi_dtype_ref(t); /* unpacked at completion */
	}
	*out = r;
	return MPI_SUCCESS;
}

/* Wait for a request the user never sees, return its error, free it. */
static int finish(struct pbmpi_req *r, MPI_Status *status)
{
	pbmpi_req_wait(r);
	int err = r->err;
	if (status != MPI_STATUS_IGNORE)
		*status = r->st;
	pbmpi_req_release(r);
	return err;
}

static void status_proc_null(MPI_Status *status)
{
	if (status == MPI_STATUS_IGNORE)
		return;
	pbmpi_status_empty(status);
	status->MPI_SOURCE = MPI_PROC_NULL;
}

/* ---- blocking sends --------------------------------------------------- */

static int send_slow(const void *buf, int count, MPI_Datatype dt, int dest,
		     int tag, MPI_Comm comm, int sync, const char *fn)
{
	struct pbmpi_req *r;
	struct pbmpi_comm *c;
	int rc = pbmpi_make_send(buf, count, dt, dest, tag, comm, sync, &r, &c);
	if (rc || !r)
		return pbmpi_raise(c, rc, fn);
	c->refs++; /* for the handler, after the request is gone */
	pbmpi_send_start(r); /* a failure is left in r */
	rc = finish(r, MPI_STATUS_IGNORE);
	rc = pbmpi_raise(c, rc, fn);
	pbmpi_comm_unref(c);
	return rc;
}

/* Everything but the latency path: out of line and marked cold, so that
 * MPI_Send itself keeps few registers to save and no slow code between
 * its tests and the Postbox call. */
static __attribute__((noinline, cold)) int
send_other(const void *buf, int count, MPI_Datatype dt, int dest, int tag,
	   MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Send");
	pbmpi_ctrl_maybe();
	return send_slow(buf, count, dt, dest, tag, comm, 0, "MPI_Send");
}

static __attribute__((noinline, cold)) int
send_failed(struct pbmpi_comm *c, int rc, const void *buf, int count)
{
	/* Postbox checks the buffer: MPI has a class of its own for it */
	int err = rc == PB_EINVAL && !buf && count ? MPI_ERR_BUFFER
						  : pbmpi_err_pb(rc);
	return pbmpi_raise(c, err, "MPI_Send");
}

int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest,
	     int tag, MPI_Comm comm)
{
	/* Before MPI_Init and after MPI_Finalize no communicator exists,
	 * so c is NULL there and the checks happen in send_other. */
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	size_t size = pbmpi_dtype_fast_size(datatype);
	/* the latency path: every test here is one compare, and what the
	 * receiver waits for is the Postbox call; the count comes after.
	 * (A send has no control work to do first: what an announcement
	 * needs is done by the receives.) Derived and pair types, and
	 * MPI_PROC_NULL, take the general path. */
	if (PB_LIKELY(c && size && (count | tag) >= 0 &&
		      (unsigned)dest < (unsigned)c->size)) {
		/* standard mode: buffered by Postbox when it fits, else as
		 * the receiver consumes; either way no answer is needed */
		int w = pbmpi_c2w(c, dest);
		int rc = pb_send_ch(pbmpi_g.job, w, tag, c->ch, buf,
				    (size_t)count * size);
		if (PB_UNLIKELY(rc))
			return send_failed(c, rc, buf, count);
		pbmpi_cnt(w, c->ch, tag)->sent++;
		return MPI_SUCCESS;
	}
	return send_other(buf, count, datatype, dest, tag, comm);
}

/* Ready mode: the standard lets it be a standard send, and a standard
 * send never fails for want of a posted receive here. */
int MPI_Rsend(const void *buf, int count, MPI_Datatype datatype, int dest,
	      int tag, MPI_Comm comm)
{
	return MPI_Send(buf, count, datatype, dest, tag, comm);
}

int MPI_Ssend(const void *buf, int count, MPI_Datatype datatype, int dest,
	      int tag, MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Ssend");
	return send_slow(buf, count, datatype, dest, tag, comm, 1,
			 "MPI_Ssend");
}

/* ---- buffered sends --------------------------------------------------- */

int MPI_Buffer_attach(void *buffer, int size)
{
	PBMPI_CHECK_RUNNING("MPI_Buffer_attach");
	if (pbmpi_g.bbuf)
		return pbmpi_raise(NULL, MPI_ERR_BUFFER, "MPI_Buffer_attach");
	if (size < 0 || (!buffer && size))
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Buffer_attach");
	pbmpi_g.bbuf = buffer;
	pbmpi_g.bsize = (size_t)size;
	return MPI_SUCCESS;
}

int MPI_Buffer_detach(void *buffer_addr, int *size)
{
	PBMPI_CHECK_RUNNING("MPI_Buffer_detach");
	if (!buffer_addr || !size)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Buffer_detach");
	/* the standard: detach blocks until every buffered message is gone */
	pbmpi_bsend_drain();
	*(void **)buffer_addr = pbmpi_g.bbuf;
	*size = (int)pbmpi_g.bsize;
	pbmpi_g.bbuf = NULL;
	pbmpi_g.bsize = 0;
	return MPI_SUCCESS;
}

/* First fit in the attached buffer: room for len bytes plus the
 * overhead the standard tells users to provide, at 16-byte alignment. */
static struct pbmpi_bchunk *bchunk_alloc(size_t len)
{
	size_t need = len + MPI_BSEND_OVERHEAD, at = 0;
	struct pbmpi_bchunk **pp = &pbmpi_g.bchunks;
	for (;; pp = &(*pp)->next) {
		size_t end = *pp ? (*pp)->off : pbmpi_g.bsize;
		if (end >= at && end - at >= need)
			break;
		if (!*pp)
			return NULL;
		at = ((*pp)->off + (*pp)->len + 15) & ~(size_t)15;
	}
	struct pbmpi_bchunk *ch = malloc(sizeof(*ch));
	if (!ch)
		return NULL;
	ch->off = at;
	ch->len = need;
	ch->next = *pp;
	*pp = ch;
	pbmpi_g.n_bsend++;
	return ch;
}

int MPI_Bsend(const void *buf, int count, MPI_Datatype datatype, int dest,
	      int tag, MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Bsend");
	struct pbmpi_req *r;
	struct pbmpi_comm *c;
	int rc = pbmpi_make_send(buf, count, datatype, dest, tag, comm, 0, &r,
				 &c);
	if (rc || !r)
		return pbmpi_raise(c, rc, "MPI_Bsend");
	if (pbmpi_g.n_bsend)
		pbmpi_ctrl_poll(); /* reclaim what went out already */
	struct pbmpi_bchunk *ch = bchunk_alloc(r->bytes);
	if (!ch) {
		pbmpi_req_release(r);
		return pbmpi_raise(c, MPI_ERR_BUFFER, "MPI_Bsend");
	}
	char *dst = pbmpi_g.bbuf + ch->off;
	if (r->bytes)
		memcpy(dst, r->data, r->bytes);
	free(r->tmp);
	r->tmp = NULL;
	r->data = dst;
	r->chunk = ch;
	pbmpi_send_start(r);
	pbmpi_bg_add(r); /* completes on its own; detach waits for it */
	return MPI_SUCCESS;
}

/* ---- blocking receive ------------------------------------------------- */

static void status_from_pb(MPI_Status *status, const struct pbmpi_comm *c,
			   const pb_status *st, size_t cap, int err)
{
	if (status == MPI_STATUS_IGNORE)
		return;
	status->MPI_SOURCE = pbmpi_w2c(c, st->source);
	status->MPI_TAG = st->tag;
	status->MPI_ERROR = err;
	status->pb_cancelled = 0;
	status->pb_count = st->len < cap ? st->len : cap;
}

static __attribute__((noinline, cold)) int
recv_other(void *buf, int count, MPI_Datatype datatype, int source, int tag,
	   MPI_Comm comm, MPI_Status *status);

static __attribute__((noinline, cold)) int
recv_failed(struct pbmpi_comm *c, int rc, const pb_status *st, size_t cap,
	    MPI_Status *status, void *buf, struct pbmpi_cnt *pre)
{
	int err = pbmpi_err_pb(rc);
	if (rc == PB_ETRUNC) {
		/* matched: what fits was delivered, and it counts */
		status_from_pb(status, c, st, cap, err);
		if (!pre)
			pbmpi_cnt(st->source, c->ch, st->tag)->recvd++;
		pbmpi_ctrl_maybe();
	} else {
		if (pre) /* nothing was received: take the count back */
			pbmpi_cnt(pre->peer, pre->ch, pre->tag)->recvd--;
		if (rc == PB_EINVAL && !buf && cap)
			err = MPI_ERR_BUFFER;
	}
	return pbmpi_raise(c, err, "MPI_Recv");
}

int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source,
	     int tag, MPI_Comm comm, MPI_Status *status)
{
	struct pbmpi_comm *c = pbmpi_comm_get(comm); /* NULL unless running */
	size_t size = pbmpi_dtype_fast_size(datatype);
	/* the latency path: wait inside Postbox, straight into buf */
	if (PB_LIKELY(c && size && count >= 0 && tag >= MPI_ANY_TAG &&
		      ((unsigned)source < (unsigned)c->size ||
		       source == MPI_ANY_SOURCE) &&
		      pbmpi_recv_fast_ok())) {
		size_t cap = (size_t)count * size;
		pb_status st;
		int w = PB_ANY_SOURCE;
		struct pbmpi_cnt *pre = NULL;
		if (source != MPI_ANY_SOURCE) {
			w = pbmpi_c2w(c, source);
			if (tag != MPI_ANY_TAG) {
				/* the envelope is known: count it now, while
				 * waiting costs nothing, not once the message
				 * is here and the sender waits for the answer
				 * (nothing reads the count in between) */
				pre = pbmpi_cnt(w, c->ch, tag);
				pre->recvd++;
			}
		}
		/* with the envelope known and the status ignored, Postbox
		 * need not hand one back */
		pb_status *stp = pre && status == MPI_STATUS_IGNORE ? NULL : &st;
		int rc = pb_recv_ch(pbmpi_g.job, w, tag, c->ch, buf, cap, stp);
		if (PB_UNLIKELY(rc)) {
			if (!stp) { /* a status for what the error path needs */
				st.source = w;
				st.tag = tag;
				st.len = cap + (rc == PB_ETRUNC);
			}
			return recv_failed(c, rc, &st, cap, status, buf, pre);
		}
		if (stp) {
			status_from_pb(status, c, &st, cap, MPI_SUCCESS);
			if (!pre)
				pbmpi_cnt(st.source, c->ch, st.tag)->recvd++;
		}
		/* an announcement that came in before this message may
		 * concern it: answer before returning */
		pbmpi_ctrl_maybe();
		return MPI_SUCCESS;
	}
	return recv_other(buf, count, datatype, source, tag, comm, status);
}

static int recv_other(void *buf, int count, MPI_Datatype datatype,
		      int source, int tag, MPI_Comm comm, MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Recv");
	struct pbmpi_comm *c;
	struct pbmpi_req *r;
	int rc = pbmpi_make_recv(buf, count, datatype, source, tag, comm, &r,
				 &c);
	if (rc)
		return pbmpi_raise(c, rc, "MPI_Recv");
	if (!r) {
		status_proc_null(status);
		return MPI_SUCCESS;
	}
	c->refs++;
	rc = pbmpi_recv_start(r);
	if (rc)
		pbmpi_req_release(r);
	else
		rc = finish(r, status);
	rc = pbmpi_raise(c, rc, "MPI_Recv");
	pbmpi_comm_unref(c);
	return rc;
}

/* ---- non-blocking ----------------------------------------------------- */

static int isend(const void *buf, int count, MPI_Datatype dt, int dest,
		 int tag, MPI_Comm comm, int sync, MPI_Request *request,
		 const char *fn)
{
	struct pbmpi_req *r;
	struct pbmpi_comm *c;
	int rc = pbmpi_make_send(buf, count, dt, dest, tag, comm, sync, &r, &c);
	if (!rc && !request)
		rc = MPI_ERR_ARG;
	if (!rc && !r && !(r = req_proc_null(RQ_SEND, c)))
		rc = MPI_ERR_INTERN;
	if (rc) {
		if (r)
			pbmpi_req_release(r);
		return pbmpi_raise(c, rc, fn);
	}
	if (!r->complete)
		pbmpi_send_start(r); /* a failure shows in the request */
	rc = pbmpi_req_handle(r, request);
	if (rc) {
		pbmpi_bg_add(r);
		return pbmpi_raise(c, rc, fn);
	}
	return MPI_SUCCESS;
}

int MPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest,
	      int tag, MPI_Comm comm, MPI_Request *request)
{
	PBMPI_CHECK_RUNNING("MPI_Isend");
	pbmpi_ctrl_maybe();
	return isend(buf, count, datatype, dest, tag, comm, 0, request,
		     "MPI_Isend");
}

int MPI_Issend(const void *buf, int count, MPI_Datatype datatype, int dest,
	       int tag, MPI_Comm comm, MPI_Request *request)
{
	PBMPI_CHECK_RUNNING("MPI_Issend");
	pbmpi_ctrl_maybe();
	return isend(buf, count, datatype, dest, tag, comm, 1, request,
		     "MPI_Issend");
}

int MPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source,
	      int tag, MPI_Comm comm, MPI_Request *request)
{
	PBMPI_CHECK_RUNNING("MPI_Irecv");
	pbmpi_ctrl_maybe();
	struct pbmpi_req *r;
	struct pbmpi_comm *c;
	int rc = pbmpi_make_recv(buf, count, datatype, source, tag, comm, &r,
				 &c);
	if (!rc && !request)
		rc = MPI_ERR_ARG;
	if (!rc && !r && !(r = req_proc_null(RQ_RECV, c)))
		rc = MPI_ERR_INTERN;
	if (!rc && !r->complete)
		rc = pbmpi_recv_start(r);
	if (!rc)
		rc = pbmpi_req_handle(r, request);
	if (rc) {
		if (r) {
			if (r->pr && pb_cancel(&r->pr) != 0)
				pbmpi_bg_add(r); /* matched: let it finish */
			else
				pbmpi_req_release(r);
		}
		return pbmpi_raise(c, rc, "MPI_Irecv");
	}
	return MPI_SUCCESS;
}

/* ---- send and receive together ---------------------------------------- */

/* Wait for a receive and a send (either may be NULL); the receive is
 * posted first so that the two ranks of an exchange never both hold
 * their message as unexpected. */
static int pair_wait(struct pbmpi_req *rr, struct pbmpi_req *rs,
		     MPI_Status *status)
{
	unsigned idle = 0;
	for (;;) {
		int a = !rr || pbmpi_req_poll(rr);
		int b = !rs || pbmpi_req_poll(rs);
		if (a && b)
			break;
		pbmpi_ctrl_poll();
		pbmpi_idle(&idle);
	}
	pbmpi_ctrl_maybe();
	int err = MPI_SUCCESS;
	if (rs) {
		err = rs->err;
		pbmpi_req_release(rs);
	}
	if (rr) {
		if (!err)
			err = rr->err;
		if (status != MPI_STATUS_IGNORE)
			*status = rr->st;
		pbmpi_req_release(rr);
	} else {
		status_proc_null(status);
	}
	return err;
}

/* The common end of MPI_Sendrecv and MPI_Sendrecv_replace, once both
 * requests are made (rc: how that went): start the receive, then the send,
 * and wait for both; on any failure release what exists and raise. */
static int pair_run(struct pbmpi_req *rr, struct pbmpi_req *rs,
		    struct pbmpi_comm *c, int rc, MPI_Status *status,
		    const char *name)
{
	if (!rc && rr && (rc = pbmpi_recv_start(rr)))
		pbmpi_req_release(rr), rr = NULL;
	if (rc) {
		if (rr)
			pbmpi_req_release(rr);
		if (rs)
			pbmpi_req_release(rs);
		return pbmpi_raise(c, rc, name);
	}
	if (rs)
		pbmpi_send_start(rs);
	c->refs++;
	rc = pbmpi_raise(c, pair_wait(rr, rs, status), name);
	pbmpi_comm_unref(c);
	return rc;
}

int MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
		 int dest, int sendtag, void *recvbuf, int recvcount,
		 MPI_Datatype recvtype, int source, int recvtag,
		 MPI_Comm comm, MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Sendrecv");
	pbmpi_ctrl_maybe();
	struct pbmpi_req *rr = NULL, *rs = NULL;
	struct pbmpi_comm *c;
	int rc = pbmpi_make_recv(recvbuf, recvcount, recvtype, source, recvtag,
				 comm, &rr, &c);
	if (!rc)
		rc = pbmpi_make_send(sendbuf, sendcount, sendtype, dest,
				     sendtag, comm, 0, &rs, &c);
	return pair_run(rr, rs, c, rc, status, "MPI_Sendrecv");
}

int MPI_Sendrecv_replace(void *buf, int count, MPI_Datatype datatype,
			 int dest, int sendtag, int source, int recvtag,
			 MPI_Comm comm, MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Sendrecv_replace");
	pbmpi_ctrl_maybe();
	struct pbmpi_req *rr = NULL, *rs = NULL;
	struct pbmpi_comm *c;
	int rc = pbmpi_make_send(buf, count, datatype, dest, sendtag, comm, 0,
				 &rs, &c);
	if (!rc && rs && !rs->tmp && rs->bytes) {
		/* the receive overwrites buf: send from a copy */
		rs->tmp = malloc(rs->bytes);
		if (!rs->tmp)
			rc = MPI_ERR_INTERN;
		else
			rs->data = memcpy(rs->tmp, buf, rs->bytes);
	}
	if (!rc)
		rc = pbmpi_make_recv(buf, count, datatype, source, recvtag,
				     comm, &rr, &c);
	return pair_run(rr, rs, c, rc, status, "MPI_Sendrecv_replace");
}

/* ---- probes ----------------------------------------------------------- */

static int probe_args(int source, int tag, MPI_Comm comm,
		      struct pbmpi_comm **cout, int *w)
{
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	*cout = c;
	if (!c)
		return MPI_ERR_COMM;
	if (source != MPI_ANY_SOURCE && source != MPI_PROC_NULL &&
	    (source < 0 || source >= c->size))
		return MPI_ERR_RANK;
	if (!check_tag(tag, 1))
		return MPI_ERR_TAG;
	*w = source == MPI_ANY_SOURCE ? PB_ANY_SOURCE
	     : source == MPI_PROC_NULL ? -1
				       : pbmpi_c2w(c, source);
	return MPI_SUCCESS;
}

int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag,
	       MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Iprobe");
	struct pbmpi_comm *c;
	int w = 0, rc = probe_args(source, tag, comm, &c, &w);
	if (!rc && !flag)
		rc = MPI_ERR_ARG;
	if (rc)
		return pbmpi_raise(c, rc, "MPI_Iprobe");
	if (source == MPI_PROC_NULL) {
		*flag = 1;
		status_proc_null(status);
		return MPI_SUCCESS;
	}
	pbmpi_ctrl_maybe();
	pb_status st;
	rc = pb_iprobe_ch(pbmpi_g.job, w, tag, c->ch, flag, &st);
	if (rc)
		return pbmpi_raise(c, pbmpi_err_pb(rc), "MPI_Iprobe");
	if (*flag)
		status_from_pb(status, c, &st, SIZE_MAX, MPI_SUCCESS);
	return MPI_SUCCESS;
}

int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
	PBMPI_CHECK_RUNNING("MPI_Probe");
	struct pbmpi_comm *c;
	int w = 0, rc = probe_args(source, tag, comm, &c, &w);
	if (rc)
		return pbmpi_raise(c, rc, "MPI_Probe");
	if (source == MPI_PROC_NULL) {
		status_proc_null(status);
		return MPI_SUCCESS;
	}
	/* a loop of ours, not pb_probe_ch: a synchronous sender may be
	 * waiting for an answer from this rank meanwhile */
	unsigned idle = 0;
	for (;;) {
		int found = 0;
		pb_status st;
		pbmpi_ctrl_maybe();
		rc = pb_iprobe_ch(pbmpi_g.job, w, tag, c->ch, &found, &st);
		if (rc)
			return pbmpi_raise(c, pbmpi_err_pb(rc), "MPI_Probe");
		if (found) {
			status_from_pb(status, c, &st, SIZE_MAX, MPI_SUCCESS);
			return MPI_SUCCESS;
		}
		pbmpi_g.progressed = 1;
		pbmpi_ctrl_poll();
		pbmpi_idle(&idle);
	}
}
