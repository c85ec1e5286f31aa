/*
 * order.c - per-pair ordering with mixed sizes and tags.
 *
 * usage: order M
 *   every rank sends M messages to every other rank, tags 0..2 mixed, sizes
 *   cycling through inline, one block, several blocks, a full cycle and
 *   several cycles (pieces).
 *
 * Shows (invariant 4): the i-th message received from a sender with a given
 * tag is the i-th that sender sent with that tag, whatever the sizes
 * (a small message sent after a big one never overtakes it) and whatever
 * order the receiver asks for tags in: tag 2 first, then tag 0, then the
 * rest with PB_ANY_TAG, which must come in overall send order.
 */
#include <string.h>

#include "common.h"

static struct t_geom g;

static size_t size_of(int src, int dst, int i)
{
	size_t s[] = {0,
		      1,
		      g.inline_max,
		      g.inline_max + 1,
		      g.block,
		      g.block * 3 + 5,
		      g.cycle,
		      g.cycle + 1,
		      2 * g.cycle + 77,
		      40};
	return s[(src * 3 + dst + i * 7) % 10];
}

static int tag_of(int src, int dst, int i)
{
	return (int)(t_seed((uint64_t)src, (uint64_t)dst, (uint64_t)i, 5) % 3);
}

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int m = (int)t_arg(argc, argv, 1, 30);
	t_geom(&g);
	size_t maxlen = 2 * g.cycle + 77;
	if (g.block * 3 + 5 > maxlen)
		maxlen = g.block * 3 + 5;

	/* all sends in flight, to every other rank, interleaved */
	int ns = (n - 1) * m;
	pb_req **req = t_malloc(sizeof(*req) * ns);
	uint8_t **sb = t_malloc(sizeof(*sb) * ns);
	int x = 0;
	for (int i = 0; i < m; i++)
		for (int dd = 1; dd < n; dd++) {
			int d = (me + dd) % n;
			size_t len = size_of(me, d, i);
			sb[x] = t_malloc(len);
			/* seq = index among messages to d: receivers check it */
			t_msg_fill(sb[x], len, me, d, tag_of(me, d, i),
				   (uint64_t)i);
			CHECK_OK(pb_isend(job, d, tag_of(me, d, i), sb[x], len,
					  &req[x]));
			x++;
		}

	uint8_t *buf = t_malloc(maxlen);
	uint8_t *taken = t_malloc((size_t)m);
	for (int ss = 1; ss < n; ss++) {
		int s = (me + n - ss) % n;
		memset(taken, 0, (size_t)m);
		/* tag 2, then tag 0, by explicit tag: the k-th received with
		 * tag t must be the k-th sent with tag t */
		static const int order_tags[] = {2, 0};
		for (int ot = 0; ot < 2; ot++) {
			int t = order_tags[ot];
			for (int i = 0; i < m; i++) {
				if (tag_of(s, me, i) != t)
					continue;
				pb_status st;
				CHECK_OK(pb_recv(job, s, t, buf, maxlen, &st));
				CHECKF(st.source == s && st.tag == t &&
					       st.len == size_of(s, me, i),
				       "from %d tag %d: got len %zu, want the "
				       "message %d of len %zu", s, t, st.len,
				       i, size_of(s, me, i));
				T_MSG_VERIFY(buf, st.len, s, me, t,
					     (uint64_t)i);
				taken[i] = 1;
			}
		}
		/* what is left (tag 1) with PB_ANY_TAG: in send order */
		for (int i = 0; i < m; i++) {
			if (taken[i])
				continue;
			pb_status st;
			CHECK_OK(pb_recv(job, s, PB_ANY_TAG, buf, maxlen, &st));
			CHECKF(st.tag == tag_of(s, me, i) &&
				       st.len == size_of(s, me, i),
			       "from %d any tag: got tag %d len %zu, want "
			       "message %d (tag %d len %zu)", s, st.tag, st.len,
			       i, tag_of(s, me, i), size_of(s, me, i));
			T_MSG_VERIFY(buf, st.len, s, me, st.tag, (uint64_t)i);
		}
	}
	CHECK_OK(pb_waitall(ns, req, NULL));
	for (int i = 0; i < ns; i++)
		free(sb[i]);
	CHECK_OK(pb_barrier(job));
	int found = 1;
	pb_status st;
	CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found, &st));
	CHECKF(!found, "a message too many from %d tag %d", st.source, st.tag);
	free(taken);
	free(buf);
	free(sb);
	free(req);
	t_close(job, "order");
	return 0;
}
