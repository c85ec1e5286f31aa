/*
 * fanout.c - one sender, several receivers, a tiny pool.
 *
 * usage: fanout M WINDOW SLOW_RANK SLOW_US
 *   rank 0 sends M messages to every other rank, round robin, keeping up
 *   to WINDOW isends in flight (then blocking sends for a second round);
 *   SLOW_RANK sleeps SLOW_US microseconds before each receive.
 *   Run with the receivers on the sender's node and on another node
 *   (--map 0,0,1,1,1) and a pool of a few blocks (PB_POOL_SIZE).
 *
 * Shows (c8, c10-c13, c16-c20, c26, c28): with a pool far smaller than
 * what is in flight, the sender waits for acknowledgments and reclaims
 * blocks from receivers that consumed them, never overwriting a payload a
 * receiver has not read: every receiver gets all its messages, in order,
 * intact, however slow one of them is. Sizes mix inline, one block, a
 * whole pool's worth and pieces beyond the cycle.
 */
#include <string.h>

#include "common.h"

static struct t_geom g;

static size_t size_of(int dst, int i)
{
	size_t s[] = {1, g.inline_max, g.block, g.block + 1, g.cycle,
		      g.cycle + 1, g.pool, 2 * g.pool + 1, 40, 3 * g.block};
	return s[(dst + i) % 10];
}

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int m = (int)t_arg(argc, argv, 1, 40);
	int window = (int)t_arg(argc, argv, 2, 16);
	int slow = (int)t_arg(argc, argv, 3, 2);
	long slow_us = (long)t_arg(argc, argv, 4, 2000);
	t_geom(&g);
	CHECKF(n >= 2 && window >= 1, "needs 2 ranks and a window");
	size_t maxlen = 2 * g.pool + 1;
	if (g.cycle + 1 > maxlen)
		maxlen = g.cycle + 1;
	if (3 * g.block > maxlen)
		maxlen = 3 * g.block;

	if (me == 0) {
		/* round 1: a window of isends; round 2: blocking sends */
		pb_req **req = t_malloc(sizeof(*req) * window);
		uint8_t **sb = t_malloc(sizeof(*sb) * window);
		for (int w = 0; w < window; w++) {
			req[w] = NULL;
			sb[w] = t_malloc(maxlen);
		}
		int slot = 0;
		for (int i = 0; i < m; i++)
			for (int d = 1; d < n; d++) {
				if (req[slot]) /* the oldest in flight */
					CHECK_OK(pb_wait(&req[slot], NULL));
				size_t len = size_of(d, i);
				t_msg_fill(sb[slot], len, 0, d, i % 5,
					   (uint64_t)i);
				CHECK_OK(pb_isend(job, d, i % 5, sb[slot], len,
						  &req[slot]));
				slot = (slot + 1) % window;
			}
		CHECK_OK(pb_waitall(window, req, NULL));
		for (int i = 0; i < m; i++)
			for (int d = 1; d < n; d++) {
				size_t len = size_of(d, i + 3);
				t_msg_fill(sb[0], len, 0, d, 7,
					   (uint64_t)(m + i));
				CHECK_OK(pb_send(job, d, 7, sb[0], len));
			}
		for (int w = 0; w < window; w++)
			free(sb[w]);
		free(sb);
		free(req);
	} else {
		uint8_t *buf = t_malloc(maxlen);
		for (int i = 0; i < 2 * m; i++) {
			if (me == slow)
				t_sleep_us(slow_us);
			pb_status st;
			int round2 = i >= m;
			int tag = round2 ? 7 : i % 5;
			/* every other receive with PB_ANY_TAG: order must
			 * hold either way */
			CHECK_OK(pb_recv(job, 0, i % 2 ? PB_ANY_TAG : tag, buf,
					 maxlen, &st));
			size_t len = round2 ? size_of(me, i - m + 3)
					    : size_of(me, i);
			CHECKF(st.source == 0 && st.tag == tag && st.len == len,
			       "message %d: tag %d len %zu, want tag %d len "
			       "%zu", i, st.tag, st.len, tag, len);
			T_MSG_VERIFY(buf, len, 0, me, tag, (uint64_t)i);
		}
		free(buf);
	}
	t_close(job, "fanout");
	return 0;
}
