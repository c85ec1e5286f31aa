/*
 * unexpected.c - messages that arrive before any receive is posted.
 *
 * usage: unexpected M SLEEP_MS MODE
 *   every rank but 0 sends M messages to rank 0, tags 0..M-1, sizes from
 *   inline to several cycles; MODE "isend" starts them all at once,
 *   "send" sends them one by one with blocking sends. Rank 0 sleeps
 *   SLEEP_MS first, then receives source by source (last rank first), tag
 *   by tag in reverse order (M-1 first).
 *
 * Shows: a receiver that is not listening does not lose or corrupt what
 * was sent meanwhile; to reach the last tag first the library must take
 * every earlier message off the ring into its unexpected queue (including
 * multi-piece ones, whose later pieces keep arriving) and hand each out
 * intact to the receive that finally matches it. A blocking send of a
 * large message to a sleeping receiver returns once the receiver wakes.
 */
#include <string.h>

#include "common.h"

static struct t_geom g;

static size_t size_of(int src, int i)
{
	size_t s[] = {0, 5, g.inline_max, g.inline_max + 1, g.block * 2,
		      g.cycle, 3 * g.cycle + 11, 100, 40, g.block - 1};
	return s[(src + i) % 10];
}

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int m = (int)t_arg(argc, argv, 1, 30);
	long sleep_ms = (long)t_arg(argc, argv, 2, 500);
	const char *mode = t_arg_str(argc, argv, 3, "isend");
	int blocking = !strcmp(mode, "send");
	t_geom(&g);
	CHECKF(n >= 2, "needs 2 ranks");
	size_t maxlen = 3 * g.cycle + 11;

	if (me != 0) {
		pb_req **req = t_malloc(sizeof(*req) * m);
		uint8_t **sb = t_malloc(sizeof(*sb) * m);
		for (int i = 0; i < m; i++) {
			size_t len = size_of(me, i);
			sb[i] = t_malloc(len);
			t_msg_fill(sb[i], len, me, 0, i, (uint64_t)i);
			if (blocking)
				CHECK_OK(pb_send(job, 0, i, sb[i], len));
			else
				CHECK_OK(pb_isend(job, 0, i, sb[i], len,
						  &req[i]));
		}
		if (!blocking)
			CHECK_OK(pb_waitall(m, req, NULL));
		for (int i = 0; i < m; i++)
			free(sb[i]);
		free(sb);
		free(req);
	} else {
		t_sleep_us(sleep_ms * 1000);
		uint8_t *buf = t_malloc(maxlen + 16);
		for (int s = n - 1; s >= 1; s--)
			for (int i = m - 1; i >= 0; i--) {
				pb_status st;
				size_t len = size_of(s, i);
				memset(buf, 0x33, len + 16);
				CHECK_OK(pb_recv(job, s, i, buf, maxlen + 16,
						 &st));
				CHECKF(st.source == s && st.tag == i &&
					       st.len == len,
				       "from %d tag %d: source %d tag %d len "
				       "%zu, want len %zu", s, i, st.source,
				       st.tag, st.len, len);
				T_MSG_VERIFY(buf, len, s, 0, i, (uint64_t)i);
				for (int k = 0; k < 16; k++)
					CHECK(buf[len + k] == 0x33);
			}
		int found = 1;
		pb_status st;
		CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found,
				   &st));
		CHECKF(!found, "a message too many from %d tag %d", st.source,
		       st.tag);
		free(buf);
	}
	t_close(job, "unexpected");
	return 0;
}
