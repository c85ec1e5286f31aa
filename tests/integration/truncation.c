/*
 * truncation.c - receive buffers smaller than the message.
 *
 * usage: truncation [MAXSIZE]
 *   rank 0 sends to the last rank (another node under --nodes 2) messages
 *   of several sizes up to MAXSIZE (default 1M); the last rank receives
 *   each into a buffer too small.
 *
 * Shows: pb_recv returns PB_ETRUNC, exactly cap bytes are delivered (the
 * first cap bytes of the message, nothing written after them), st.len is
 * the real length and st.error PB_ETRUNC; the same through irecv + wait
 * and irecv + test; cap 0 with a NULL buffer works; a message that
 * arrived (wholly, or only its first pieces) before the small receive was
 * posted is truncated the same way; pb_waitall over a truncated receive
 * and a whole one returns PB_ETRUNC with both completed; the rest of a
 * truncated multi-piece message is drained, so the next message on the
 * same pair (same tag even) arrives whole and intact.
 */
#include <string.h>

#include "common.h"

#define GUARD 64

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int me = t_rank;
	struct t_geom g;
	t_geom(&g);
	CHECKF(t_size >= 2, "needs 2 ranks");
	size_t max = (size_t)t_arg(argc, argv, 1, 1 << 20);
	size_t all[] = {10, g.inline_max, g.inline_max + 1, 5000,
			g.cycle + 1, 2 * g.cycle + 3, 1 << 20};
	size_t sizes[7];
	int nsz = 0;
	for (int i = 0; i < 7; i++)
		if (all[i] <= max)
			sizes[nsz++] = all[i];
	enum { BY_RECV, BY_WAIT, BY_TEST, ZERO_CAP, UNEXP_FULL, UNEXP_PART,
	       WAITALL, NWAYS };
	if (max < 1000)
		max = 1000; /* the buffer also takes the 777-byte follow-ups */
	uint8_t *buf = t_malloc(max + GUARD);
	int peer = me == 0 ? t_size - 1 : 0;
	if (me != 0 && me != t_size - 1) {
		t_close(job, "truncation");
		return 0;
	}

	for (int i = 0; i < nsz; i++)
		for (int way = 0; way < NWAYS; way++) {
			size_t len = sizes[i];
			int tag = 3; /* same tag all along: order matters */
			uint64_t seq = (uint64_t)(i * NWAYS + way);
			if (me == 0) {
				t_msg_fill(buf, len, 0, peer, tag, seq);
				CHECK_OK(pb_send(job, peer, tag, buf, len));
				/* and a whole message right behind it */
				t_msg_fill(buf, 777, 0, peer, tag, seq + 1000);
				CHECK_OK(pb_send(job, peer, tag, buf, 777));
				continue;
			}
			size_t cap = way == ZERO_CAP ? 0 : len / 2 + 1;
			if (way == BY_RECV && i % 2)
				cap = len - 1; /* one byte short */
			pb_status st;
			pb_req *rq = NULL;
			int rc;
			memset(buf, 0xcd, max + GUARD);
			uint8_t *dst = way == ZERO_CAP ? NULL : buf;
			if (way == UNEXP_FULL || way == UNEXP_PART) {
				/* let it arrive with no receive posted: the
				 * library keeps it (or its first pieces) as
				 * unexpected, then the small receive claims it */
				int found = 0;
				double t0 = t_now();
				while (!found) {
					CHECK_OK(pb_iprobe(job, 0, tag, &found,
							   &st));
					CHECK(t_now() - t0 < 30);
				}
				CHECK(st.len == len);
				while (way == UNEXP_FULL && t_now() - t0 < 0.05)
					CHECK_OK(pb_progress(job));
			}
			if (way == WAITALL) {
				/* the truncated one and the whole one behind it
				 * in one waitall: PB_ETRUNC, both completed */
				pb_req *rr[2];
				pb_status sts[2];
				static uint8_t next[1000];
				CHECK_OK(pb_irecv(job, 0, tag, dst, cap, &rr[0]));
				CHECK_OK(pb_irecv(job, 0, tag, next,
						  sizeof(next), &rr[1]));
				rc = pb_waitall(2, rr, sts);
				CHECKF(rc == PB_ETRUNC, "waitall: %d (%s)", rc,
				       pb_strerror(rc));
				CHECK(rr[0] == NULL && rr[1] == NULL);
				CHECK(sts[1].error == 0 && sts[1].len == 777);
				T_MSG_VERIFY(next, 777, 0, me, tag, seq + 1000);
				st = sts[0];
			} else if (way == BY_WAIT || way == BY_TEST) {
				CHECK_OK(pb_irecv(job, 0, tag, dst, cap, &rq));
				if (way == BY_WAIT) {
					rc = pb_wait(&rq, &st);
				} else {
					int done = 0;
					do
						rc = pb_test(&rq, &done, &st);
					while (!done && rc == 0);
					CHECK(done);
				}
				CHECK(rq == NULL);
			} else {
				rc = pb_recv(job, 0, tag, dst, cap, &st);
			}
			CHECKF(rc == PB_ETRUNC, "size %zu cap %zu way %d: rc %d "
			       "(%s), want PB_ETRUNC", len, cap, way, rc,
			       pb_strerror(rc));
			CHECKF(st.len == len && st.error == PB_ETRUNC &&
				       st.source == 0 && st.tag == tag,
			       "size %zu cap %zu: status len %zu error %d "
			       "source %d tag %d", len, cap, st.len, st.error,
			       st.source, st.tag);
			/* the first cap bytes are the message's */
			uint8_t *whole = t_malloc(len);
			t_msg_fill(whole, len, 0, me, tag, seq);
			CHECKF(memcmp(buf, whole, cap) == 0, "size %zu: the "
			       "%zu delivered bytes differ", len, cap);
			free(whole);
			for (size_t k = cap; k < cap + GUARD; k++)
				CHECKF(buf[k] == 0xcd, "size %zu cap %zu: byte "
				       "%zu written", len, cap, k);
			if (way == WAITALL)
				continue; /* the next one came with waitall */
			/* the message behind it is whole */
			memset(buf, 0, 1000);
			CHECK_OK(pb_recv(job, 0, tag, buf, 1000, &st));
			CHECKF(st.len == 777 && st.error == 0,
			       "after a truncated %zu: next len %zu error %d",
			       len, st.len, st.error);
			T_MSG_VERIFY(buf, 777, 0, me, tag, seq + 1000);
		}
	free(buf);
	t_close(job, "truncation");
	return 0;
}
