/*
 * nonblocking.c - isend/irecv windows, test, waitall, probe, cancel.
 *
 * usage: nonblocking ROUNDS
 *
 * Shows:
 *  - windows of 64 irecvs and 64 isends to the neighbours complete, by
 *    pb_test polling (half of them, in scattered order) and pb_waitall
 *    (the rest), each request freed and set to NULL when done; content,
 *    status source/tag/len all checked;
 *  - pb_wait on a NULL request completes at once with an empty status;
 *  - pb_probe then pb_recv with exactly the probed size; pb_iprobe finds
 *    nothing for an unsent tag and finds a sent message, leaving it in
 *    place (a second iprobe finds it again);
 *  - pb_cancel of an irecv nobody matches frees it (request set to NULL)
 *    and its buffer is never written, even when a message with that tag
 *    arrives later (which a new receive then gets); pb_cancel racing a
 *    matching message either cancels (the message stays receivable) or
 *    says PB_EAGAIN (and pb_wait delivers it): never both, never neither.
 */
#include <string.h>

#include "common.h"

#define W 64

static size_t wsize(int i)
{
	static const size_t s[] = {0, 8, 48, 49, 1000, 4096, 20000, 300000};
	return s[i % 8];
}

static void windows(pb_job *job, int round)
{
	int n = t_size, me = t_rank;
	int to = (me + 1) % n, from = (me + n - 1) % n;
	pb_req *rr[W], *sr[W];
	pb_status rst[W];
	uint8_t *rb[W], *sb[W];
	for (int i = 0; i < W; i++) {
		size_t len = wsize(i + round);
		rb[i] = t_malloc(len + 8);
		memset(rb[i], 0x77, len + 8);
		CHECK_OK(pb_irecv(job, from, i, rb[i], len + 8, &rr[i]));
		CHECK(rr[i] != NULL);
	}
	for (int i = W - 1; i >= 0; i--) { /* sent in reverse tag order */
		size_t len = wsize(i + round);
		sb[i] = t_malloc(len);
		t_msg_fill(sb[i], len, me, to, i, (uint64_t)round);
		CHECK_OK(pb_isend(job, to, i, sb[i], len, &sr[i]));
		CHECK(sr[i] != NULL);
	}
	/* even receives by pb_test polling, in a scattered order */
	int left = W / 2;
	while (left) {
		for (int k = 0; k < W / 2; k++) {
			int i = (2 * ((k * 13) % (W / 2)));
			if (!rr[i])
				continue;
			int done = -1;
			pb_status st;
			CHECK_OK(pb_test(&rr[i], &done, &st));
			CHECK(done == 0 || done == 1);
			if (!done) {
				CHECK(rr[i] != NULL);
				continue;
			}
			CHECK(rr[i] == NULL);
			rst[i] = st;
			left--;
		}
	}
	/* odd ones by waitall over the whole array (NULLs complete at once) */
	pb_status all[W];
	CHECK_OK(pb_waitall(W, rr, all));
	CHECK_OK(pb_waitall(W, sr, NULL));
	for (int i = 0; i < W; i++) {
		CHECK(rr[i] == NULL && sr[i] == NULL);
		pb_status *st = i % 2 ? &all[i] : &rst[i];
		size_t len = wsize(i + round);
		CHECKF(st->source == from && st->tag == i && st->len == len &&
			       st->error == 0,
		       "round %d req %d: source %d tag %d len %zu error %d", round,
		       i, st->source, st->tag, st->len, st->error);
		T_MSG_VERIFY(rb[i], len, from, me, i, (uint64_t)round);
		for (int k = 0; k < 8; k++)
			CHECK(rb[i][len + k] == 0x77);
		free(rb[i]);
		free(sb[i]);
	}
}

static void probes(pb_job *job)
{
	int n = t_size, me = t_rank;
	int to = (me + 1) % n, from = (me + n - 1) % n;
	int found = -1;
	pb_status st;
	/* nothing was sent with tag 500 */
	CHECK_OK(pb_iprobe(job, from, 500, &found, &st));
	CHECK(found == 0);

	size_t len = 12345 + (size_t)me * 1000;
	uint8_t *sb = t_malloc(len);
	t_msg_fill(sb, len, me, to, 501, 1);
	pb_req *sr;
	CHECK_OK(pb_isend(job, to, 501, sb, len, &sr));

	/* blocking probe: the size tells how much to allocate */
	memset(&st, 0, sizeof(st));
	CHECK_OK(pb_probe(job, from, 501, &st));
	size_t want = 12345 + (size_t)from * 1000;
	CHECKF(st.source == from && st.tag == 501 && st.len == want,
	       "probe: source %d tag %d len %zu, want len %zu", st.source,
	       st.tag, st.len, want);
	/* iprobe finds the same message, still in place */
	found = 0;
	pb_status st2;
	CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found, &st2));
	CHECK(found == 1 && st2.source == from && st2.tag == 501 &&
	      st2.len == want);
	uint8_t *rb = t_malloc(st.len);
	CHECK_OK(pb_recv(job, from, 501, rb, st.len, &st2));
	CHECK(st2.len == want && st2.error == 0);
	T_MSG_VERIFY(rb, want, from, me, 501, 1);
	CHECK_OK(pb_wait(&sr, NULL));
	free(rb);

	/* iprobe polling until a message shows up */
	CHECK_OK(pb_barrier(job));
	t_msg_fill(sb, 100, me, to, 502, 2);
	CHECK_OK(pb_send(job, to, 502, sb, 100));
	found = 0;
	double t0 = t_now();
	while (!found) {
		CHECK_OK(pb_iprobe(job, from, 502, &found, &st));
		CHECKF(t_now() - t0 < 30, "iprobe never found the message");
	}
	CHECK(st.len == 100 && st.source == from);
	uint8_t small[100];
	CHECK_OK(pb_recv(job, from, 502, small, sizeof(small), &st));
	T_MSG_VERIFY(small, 100, from, me, 502, 2);
	found = 1;
	CHECK_OK(pb_iprobe(job, from, 502, &found, &st));
	CHECK(found == 0); /* received: gone */
	free(sb);
}

static void cancels(pb_job *job)
{
	int n = t_size, me = t_rank;
	int to = (me + 1) % n, from = (me + n - 1) % n;
	uint8_t cbuf[256], buf[256];
	pb_status st;

	/* an irecv nothing matches yet: cancel frees it */
	memset(cbuf, 0x11, sizeof(cbuf));
	pb_req *rq = NULL;
	CHECK_OK(pb_irecv(job, from, 600, cbuf, sizeof(cbuf), &rq));
	CHECK(rq != NULL);
	CHECK_OK(pb_cancel(&rq));
	CHECK(rq == NULL);
	CHECK_OK(pb_barrier(job));
	/* now the message comes: it must not land in the cancelled buffer */
	t_msg_fill(buf, 200, me, to, 600, 3);
	CHECK_OK(pb_send(job, to, 600, buf, 200));
	memset(buf, 0, sizeof(buf));
	CHECK_OK(pb_recv(job, from, 600, buf, sizeof(buf), &st));
	CHECK(st.len == 200);
	T_MSG_VERIFY(buf, 200, from, me, 600, 3);
	for (size_t i = 0; i < sizeof(cbuf); i++)
		CHECKF(cbuf[i] == 0x11, "cancelled buffer written at %zu", i);
	/* a wildcard irecv cancelled: nothing of later traffic goes to it */
	CHECK_OK(pb_irecv(job, PB_ANY_SOURCE, PB_ANY_TAG, cbuf, sizeof(cbuf),
			  &rq));
	CHECK_OK(pb_cancel(&rq));
	CHECK(rq == NULL);

	/* cancel racing a message already sent: exactly one outcome */
	CHECK_OK(pb_barrier(job));
	CHECK_OK(pb_irecv(job, from, 601, cbuf, sizeof(cbuf), &rq));
	CHECK_OK(pb_barrier(job));
	t_msg_fill(buf, 64, me, to, 601, 4);
	CHECK_OK(pb_send(job, to, 601, buf, 64));
	CHECK_OK(pb_barrier(job)); /* it is in my ring now */
	for (int i = 0; i < 100; i++)
		CHECK_OK(pb_progress(job));
	int rc = pb_cancel(&rq);
	CHECKF(rc == 0 || rc == PB_EAGAIN, "cancel: %d (%s)", rc,
	       pb_strerror(rc));
	if (rc == PB_EAGAIN) {
		CHECK(rq != NULL);
		CHECK_OK(pb_wait(&rq, &st));
		CHECK(st.len == 64 && st.tag == 601);
		T_MSG_VERIFY(cbuf, 64, from, me, 601, 4);
	} else {
		CHECK(rq == NULL);
		memset(buf, 0, sizeof(buf));
		CHECK_OK(pb_recv(job, from, 601, buf, sizeof(buf), &st));
		CHECK(st.len == 64);
		T_MSG_VERIFY(buf, 64, from, me, 601, 4);
	}
	if (me == 0)
		printf("nonblocking: cancel after arrival gave %s\n",
		       rc ? "PB_EAGAIN" : "0");
}

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int rounds = (int)t_arg(argc, argv, 1, 4);
	CHECKF(t_size >= 2, "needs 2 ranks");

	/* a NULL request completes at once */
	pb_req *none = NULL;
	pb_status st;
	memset(&st, 0x5a, sizeof(st));
	CHECK_OK(pb_wait(&none, &st));
	CHECK(none == NULL && st.len == 0 && st.error == 0);
	int done = 0;
	CHECK_OK(pb_test(&none, &done, NULL));
	CHECK(done == 1);

	for (int r = 0; r < rounds; r++)
		windows(job, r);
	CHECK_OK(pb_barrier(job));
	probes(job);
	CHECK_OK(pb_barrier(job));
	cancels(job);
	CHECK_OK(pb_barrier(job));
	int found = 1;
	CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found, &st));
	CHECKF(!found, "stray message from %d tag %d", st.source, st.tag);
	t_close(job, "nonblocking");
	return 0;
}
