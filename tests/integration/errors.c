/*
 * errors.c - every misuse gets the right negative code, and the job still
 * works afterwards.
 *
 * usage: errors
 *
 * Shows: bad ranks (negative, PB_ANY_SOURCE as a destination, >= size),
 * bad tags (negative; PB_ANY_TAG only where receiving), NULL buffers with
 * a length, NULL job / request / flag pointers, pb_node of a bad rank:
 * each returns PB_EINVAL and leaves no trace (no message sent, no
 * request). pb_strerror explains every code in a distinct non-empty text.
 * PB_TAG_MAX and zero-length NULL buffers are valid. After pb_close, the
 * handle answers PB_ECLOSED (pb_send, pb_rank, a second pb_close).
 */
#include <string.h>

#include "common.h"

#define EINV(expr) CHECK_RC((expr), PB_EINVAL)

int main(void)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int to = (me + 1) % n, from = (me + n - 1) % n;
	char buf[64] = "payload", rbuf[64];
	pb_req *req = (pb_req *)0x1; /* must not be touched on failure */
	pb_status st;
	int found;

	/* error texts */
	for (int e = 0; e >= -14; e--) {
		const char *s = pb_strerror(e);
		CHECKF(s && *s, "pb_strerror(%d) is empty", e);
		for (int f = 0; f > e; f--)
			CHECKF(strcmp(s, pb_strerror(f)) != 0,
			       "pb_strerror(%d) and (%d) say the same", e, f);
	}
	CHECK(pb_strerror(-1000) != NULL && pb_strerror(12345) != NULL);
	CHECK(pb_version() && pb_version()[0] == '0' + PB_VERSION_MAJOR);

	/* the job handle */
	EINV(pb_open(NULL));
	EINV(pb_rank(NULL));
	EINV(pb_size(NULL));
	EINV(pb_nodes(NULL));
	EINV(pb_node(NULL, 0));
	EINV(pb_node(job, -1));
	EINV(pb_node(job, n));
	EINV(pb_node(job, 1 << 30));
	CHECK(pb_node(job, n - 1) >= 0 && pb_node(job, n - 1) < pb_nodes(job));
	EINV(pb_send(NULL, to, 0, buf, 4));
	EINV(pb_recv(NULL, from, 0, buf, 4, &st));
	EINV(pb_isend(NULL, to, 0, buf, 4, &req));
	EINV(pb_irecv(NULL, from, 0, buf, 4, &req));
	EINV(pb_probe(NULL, from, 0, &st));
	EINV(pb_iprobe(NULL, from, 0, &found, &st));
	EINV(pb_barrier(NULL));
	EINV(pb_progress(NULL));
	EINV(pb_close(NULL));

	/* destinations and sources */
	EINV(pb_send(job, -1, 0, buf, 4));
	EINV(pb_send(job, -2, 0, buf, 4));
	EINV(pb_send(job, n, 0, buf, 4));
	EINV(pb_send(job, 1 << 30, 0, buf, 4));
	EINV(pb_isend(job, PB_ANY_SOURCE, 0, buf, 4, &req));
	EINV(pb_isend(job, n, 0, buf, 4, &req));
	EINV(pb_recv(job, -2, 0, buf, 4, &st));
	EINV(pb_recv(job, n, 0, buf, 4, &st));
	EINV(pb_irecv(job, n + 5, 0, buf, 4, &req));
	EINV(pb_probe(job, n, 0, &st));
	EINV(pb_iprobe(job, -7, 0, &found, &st));

	/* tags */
	EINV(pb_send(job, to, -1, buf, 4)); /* PB_ANY_TAG cannot be sent */
	EINV(pb_send(job, to, -2, buf, 4));
	EINV(pb_send(job, to, (int)0x80000000u, buf, 4));
	EINV(pb_isend(job, to, -5, buf, 4, &req));
	EINV(pb_recv(job, from, -2, buf, 4, &st));
	EINV(pb_irecv(job, from, -3, buf, 4, &req));
	EINV(pb_probe(job, from, -2, &st));
	EINV(pb_iprobe(job, from, -2, &found, &st));

	/* buffers and pointers */
	EINV(pb_send(job, to, 0, NULL, 1));
	EINV(pb_isend(job, to, 0, NULL, 100, &req));
	EINV(pb_recv(job, from, 0, NULL, 1, &st));
	EINV(pb_irecv(job, from, 0, NULL, 8, &req));
	EINV(pb_isend(job, to, 0, buf, 4, NULL));
	EINV(pb_irecv(job, from, 0, buf, 4, NULL));
	EINV(pb_iprobe(job, from, 0, NULL, &st));
	EINV(pb_wait(NULL, &st));
	EINV(pb_test(NULL, &found, &st));
	EINV(pb_cancel(NULL));
	EINV(pb_waitall(-1, &req, NULL));
	EINV(pb_waitall(1, NULL, NULL));
	CHECKF(req == (pb_req *)0x1, "a failed call wrote the request");
	req = NULL;
	int done;
	pb_req *r2 = NULL;
	CHECK_OK(pb_irecv(job, from, 77, rbuf, sizeof(rbuf), &r2));
	EINV(pb_test(&r2, NULL, &st));

	/* none of that sent anything: the first message each rank gets is
	 * the real one */
	CHECK_OK(pb_barrier(job));
	found = 1;
	CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found, &st));
	CHECKF(!found, "a failed call sent a message (from %d tag %d)",
	       st.source, st.tag);
	CHECK_OK(pb_barrier(job)); /* everyone looked before anyone sends */

	/* valid edge cases: the largest tag, empty messages with NULL */
	t_msg_fill(buf, 48, me, to, 77, 9);
	CHECK_OK(pb_send(job, to, 77, buf, 48));
	CHECK_OK(pb_wait(&r2, &st));
	CHECK(st.len == 48 && st.source == from && st.tag == 77);
	T_MSG_VERIFY(rbuf, 48, from, me, 77, 9);
	CHECK_OK(pb_send(job, to, PB_TAG_MAX, NULL, 0));
	CHECK_OK(pb_recv(job, from, PB_TAG_MAX, NULL, 0, &st));
	CHECK(st.len == 0 && st.tag == PB_TAG_MAX && st.source == from);
	CHECK_OK(pb_send(job, me, 5, "self", 4)); /* to myself */
	CHECK_OK(pb_recv(job, me, 5, buf, sizeof(buf), NULL));
	CHECK(memcmp(buf, "self", 4) == 0);
	CHECK_OK(pb_test(&req, &done, NULL)); /* NULL request: done */
	CHECK(done == 1);

	/* after pb_close: PB_ECLOSED, no crash */
	CHECK_OK(pb_close(job));
	CHECK_RC(pb_send(job, to, 0, buf, 4), PB_ECLOSED);
	CHECK_RC(pb_recv(job, from, 0, buf, 4, &st), PB_ECLOSED);
	CHECK_RC(pb_isend(job, to, 0, buf, 4, &req), PB_ECLOSED);
	CHECK_RC(pb_rank(job), PB_ECLOSED);
	CHECK_RC(pb_size(job), PB_ECLOSED);
	CHECK_RC(pb_barrier(job), PB_ECLOSED);
	CHECK_RC(pb_close(job), PB_ECLOSED);
	if (me == 0)
		printf("errors: OK (%d ranks)\n", n);
	return 0;
}
