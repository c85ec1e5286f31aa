/*
 * sizes.c - every size around every boundary, checksummed.
 *
 * usage: sizes MAXSIZE
 *   the boundaries come from the geometry under the current PB_*
 *   variables (inline room, block, cycle, pool); MAXSIZE caps the list of
 *   large sizes (1 MiB, 4 MiB, 16 MiB, 64 MiB).
 *
 * Shows: each rank sends every size to the next rank and receives every
 * size from the previous one; each message arrives complete and intact
 * (pattern of its size and sequence), the status length is exact, and the
 * receive buffer, larger than the message, is not written past it. Each
 * size is sent twice: once received by a posted irecv, once by a blocking
 * recv after the message arrived unexpectedly.
 */
#include <string.h>

#include "common.h"

#define GUARD 64

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	uint64_t maxsize = t_arg(argc, argv, 1, 64 << 20);
	struct t_geom g;
	t_geom(&g);
	uint64_t c = g.cycle, b = g.block, in = g.inline_max;
	uint64_t list[] = {0, 1, 2, 7, 8, 15, 16, 17, 40,
			   47, 48, 49, 63, 64, 65,
			   in - 1, in, in + 1,
			   b - 1, b, b + 1, 2 * b - 1, 2 * b, 2 * b + 1,
			   c - 1, c, c + 1, 2 * c - 1, 2 * c, 2 * c + 1,
			   3 * c + b + 1,
			   g.pool - 1, g.pool, g.pool + 1, 2 * g.pool + 3,
			   1 << 20, 4 << 20, 16 << 20, 64 << 20};
	int nl = 0;
	uint64_t sz[64];
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (list[i] <= maxsize)
			sz[nl++] = list[i];
	uint64_t max = 0;
	for (int i = 0; i < nl; i++)
		max = sz[i] > max ? sz[i] : max;

	int to = (me + 1) % n, from = (me + n - 1) % n;
	uint8_t *sbuf = t_malloc(max);
	uint8_t *rbuf = t_malloc(max + GUARD);
	for (int i = 0; i < nl; i++) {
		size_t len = sz[i];
		for (int way = 0; way < 2; way++) {
			int tag = 2 * i + way;
			pb_req *rr = NULL, *sr = NULL;
			pb_status st;
			memset(rbuf, 0x5c, len + GUARD);
			t_msg_fill(sbuf, len, me, to, tag, (uint64_t)i);
			if (way == 0) {
				/* receive posted before the send starts */
				CHECK_OK(pb_irecv(job, from, tag, rbuf,
						  len + GUARD, &rr));
				CHECK_OK(pb_barrier(job));
				CHECK_OK(pb_isend(job, to, tag, sbuf, len,
						  &sr));
				CHECK_OK(pb_wait(&rr, &st));
			} else {
				/* send started (and progressed through the
				 * barrier) before the receive is posted */
				CHECK_OK(pb_isend(job, to, tag, sbuf, len,
						  &sr));
				CHECK_OK(pb_barrier(job));
				CHECK_OK(pb_recv(job, from, tag, rbuf,
						 len + GUARD, &st));
			}
			CHECK_OK(pb_wait(&sr, NULL));
			CHECK(rr == NULL && sr == NULL);
			CHECKF(st.source == from && st.tag == tag &&
				       st.len == len && st.error == 0,
			       "size %zu: status source %d tag %d len %zu "
			       "error %d", len, st.source, st.tag, st.len,
			       st.error);
			T_MSG_VERIFY(rbuf, len, from, me, tag, (uint64_t)i);
			for (int k = 0; k < GUARD; k++)
				CHECKF(rbuf[len + k] == 0x5c, "size %zu: byte "
				       "%zu past the message written", len,
				       len + k);
		}
	}
	if (me == 0)
		printf("sizes: %d sizes up to %llu (inline %llu, block %llu, "
		       "cycle %llu, pool %llu)\n", nl,
		       (unsigned long long)max, (unsigned long long)in,
		       (unsigned long long)b, (unsigned long long)c,
		       (unsigned long long)g.pool);
	free(sbuf);
	free(rbuf);
	t_close(job, "sizes");
	return 0;
}
