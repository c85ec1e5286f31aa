/*
 * bigmsg.c - one very large message through a small pool.
 *
 * usage: bigmsg SIZE [REPS] [WAYS]
 *   rank 0 sends SIZE bytes to the last rank (another node when run with
 *   --nodes 2), which checks every byte and answers with its checksum;
 *   with WAYS 2 (the default) the same size then goes back the other way,
 *   received into a buffer posted with irecv. Run with PB_POOL_SIZE=64K
 *   PB_CYCLE_SIZE=16K.
 *
 * Shows (c22-c26): a message thousands of times the cycle size goes in
 * pieces that reuse the same pool memory, arrives complete and in order
 * (a piece delivered twice, skipped or swapped breaks the pattern at a
 * known offset), and the checksums agree on both sides.
 */
#include <string.h>

#include "common.h"

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	size_t size = (size_t)t_arg(argc, argv, 1, 256 << 20);
	int reps = (int)t_arg(argc, argv, 2, 1);
	int ways = (int)t_arg(argc, argv, 3, 2);
	int peer = me == 0 ? n - 1 : 0;
	CHECKF(n >= 2, "needs 2 ranks");
	if (me != 0 && me != n - 1) {
		t_close(job, "bigmsg");
		return 0;
	}
	uint8_t *buf = t_malloc(size);
	uint64_t seed = t_seed(0xb16, size, 0, 0);
	double t0 = t_now();
	for (int r = 0; r < reps; r++) {
		for (int dir = 0; dir < ways; dir++) {
			int sender = dir == 0 ? 0 : n - 1;
			uint64_t s = seed + (uint64_t)(2 * r + dir);
			pb_status st;
			if (me == sender) {
				t_fill(buf, size, s);
				uint64_t mine = t_sum(buf, size), theirs = 0;
				CHECK_OK(pb_send(job, peer, 1, buf, size));
				CHECK_OK(pb_recv(job, peer, 2, &theirs,
						 sizeof(theirs), &st));
				CHECK(st.len == sizeof(theirs));
				CHECKF(mine == theirs, "checksum %016llx sent, "
				       "%016llx received",
				       (unsigned long long)mine,
				       (unsigned long long)theirs);
			} else {
				pb_req *rq = NULL;
				memset(buf, 0, size);
				if (dir)
					CHECK_OK(pb_irecv(job, peer, 1, buf,
							  size, &rq));
				if (dir)
					CHECK_OK(pb_wait(&rq, &st));
				else
					CHECK_OK(pb_recv(job, peer, 1, buf,
							 size, &st));
				CHECKF(st.len == size && st.source == peer,
				       "len %zu from %d", st.len, st.source);
				size_t d = t_diff(buf, size, s, 0);
				CHECKF(d == SIZE_MAX, "byte %zu of %zu differs "
				       "(piece of the cycle size it lies in "
				       "is wrong)", d, size);
				uint64_t sum = t_sum(buf, size);
				CHECK_OK(pb_send(job, peer, 2, &sum,
						 sizeof(sum)));
			}
		}
	}
	if (me == 0)
		printf("bigmsg: %d x %d x %zu bytes in %.2f s\n", reps, ways,
		       size, t_now() - t0);
	free(buf);
	t_close(job, "bigmsg");
	return 0;
}
