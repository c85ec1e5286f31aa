/*
 * alltoall.c - every rank sends K messages to every rank, itself included.
 *
 * usage: alltoall K SIZES
 *   message k from s to d has tag k and size SIZES[(s + d + k) % n].
 *
 * Shows: with all receives posted (irecv) and all sends in flight (isend)
 * at once, every message arrives exactly once, into the receive posted for
 * its (source, tag), with its own content: the status and the header name
 * the right source, destination, tag and sequence, the pattern is intact,
 * and receive buffers are not written past the message. Self-sends go
 * through the same path. Run twice to show nothing is left over.
 */
#include <string.h>

#include "common.h"

#define GUARD 16

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int k = (int)t_arg(argc, argv, 1, 8);
	uint64_t sizes[32];
	int nsizes = t_parse_list(t_arg_str(argc, argv, 2, "0,40,100,5000"),
				  sizes, 32);
	int total = n * k;
	pb_req **rreq = t_malloc(sizeof(*rreq) * total);
	pb_req **sreq = t_malloc(sizeof(*sreq) * total);
	pb_status *rst = t_malloc(sizeof(*rst) * total);
	uint8_t **rbuf = t_malloc(sizeof(*rbuf) * total);
	uint8_t **sbuf = t_malloc(sizeof(*sbuf) * total);

	for (int pass = 0; pass < 2; pass++) {
		/* receives first, for (source s, tag i) */
		for (int s = 0; s < n; s++)
			for (int i = 0; i < k; i++) {
				int x = s * k + i;
				size_t len = sizes[(s + me + i) % nsizes];
				rbuf[x] = t_malloc(len + GUARD);
				memset(rbuf[x], 0xa5, len + GUARD);
				CHECK_OK(pb_irecv(job, s, i, rbuf[x],
						  len + GUARD, &rreq[x]));
				CHECK(rreq[x] != NULL);
			}
		/* then every send, destinations interleaved */
		for (int i = 0; i < k; i++)
			for (int dd = 0; dd < n; dd++) {
				int d = (me + dd) % n;
				int x = d * k + i;
				size_t len = sizes[(me + d + i) % nsizes];
				sbuf[x] = t_malloc(len);
				t_msg_fill(sbuf[x], len, me, d, i,
					   (uint64_t)pass);
				CHECK_OK(pb_isend(job, d, i, sbuf[x], len,
						  &sreq[x]));
				CHECK(sreq[x] != NULL);
			}
		CHECK_OK(pb_waitall(total, rreq, rst));
		CHECK_OK(pb_waitall(total, sreq, NULL));
		for (int x = 0; x < total; x++)
			CHECK(rreq[x] == NULL && sreq[x] == NULL);
		for (int s = 0; s < n; s++)
			for (int i = 0; i < k; i++) {
				int x = s * k + i;
				size_t len = sizes[(s + me + i) % nsizes];
				CHECKF(rst[x].source == s && rst[x].tag == i &&
					       rst[x].len == len &&
					       rst[x].error == 0,
				       "pass %d from %d tag %d: status source "
				       "%d tag %d len %zu error %d (want len "
				       "%zu)",
				       pass, s, i, rst[x].source, rst[x].tag,
				       rst[x].len, rst[x].error, len);
				T_MSG_VERIFY(rbuf[x], len, s, me, i,
					     (uint64_t)pass);
				for (int g = 0; g < GUARD; g++)
					CHECKF(rbuf[x][len + g] == 0xa5,
					       "from %d tag %d: written past "
					       "the %zu-byte message", s, i,
					       len);
				free(rbuf[x]);
			}
		for (int x = 0; x < total; x++)
			free(sbuf[x]);
		/* nothing more may be pending for me */
		CHECK_OK(pb_barrier(job));
		int found = 1;
		pb_status st;
		CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found, &st));
		CHECKF(!found, "pass %d: a stray message from %d tag %d len %zu",
		       pass, st.source, st.tag, st.len);
		CHECK_OK(pb_barrier(job));
	}
	free(rreq);
	free(sreq);
	free(rst);
	free(rbuf);
	free(sbuf);
	t_close(job, "alltoall");
	return 0;
}
