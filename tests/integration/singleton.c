/*
 * singleton.c - a program started without pbrun is rank 0 of 1.
 *
 * usage: singleton   (run directly, with no PB_JOB_ID in the environment)
 *
 * Shows: pb_open without a launcher gives rank 0, size 1, one node; the
 * rank can send to itself (blocking small messages, isend+recv for large
 * ones that need the pool and pieces) and receive them intact, probe and
 * barrier work alone, and pb_close leaves no shared object behind (checked
 * by singleton.sh in a private PB_SHM_DIR).
 */
#include <string.h>

#include "common.h"

int main(void)
{
	pb_job *job = t_open();
	CHECK(t_rank == 0 && t_size == 1);
	CHECK(pb_nodes(job) == 1 && pb_node(job, 0) == 0);
	CHECK_RC(pb_node(job, 1), PB_EINVAL);
	CHECK_RC(pb_send(job, 1, 0, "x", 1), PB_EINVAL);
	struct t_geom g;
	t_geom(&g);
	size_t sizes[] = {0, 1, g.inline_max, g.inline_max + 1, g.block,
			  g.cycle + 1, 3 * g.cycle + 5, 8 << 20};
	size_t max = 8 << 20;
	uint8_t *sb = t_malloc(max), *rb = t_malloc(max);
	for (int i = 0; i < 8; i++) {
		size_t len = sizes[i];
		pb_status st;
		t_msg_fill(sb, len, 0, 0, i, 1);
		if (len <= g.inline_max) {
			CHECK_OK(pb_send(job, 0, i, sb, len));
		} else {
			pb_req *rq;
			CHECK_OK(pb_isend(job, 0, i, sb, len, &rq));
			CHECK_OK(pb_probe(job, 0, i, &st));
			CHECK(st.len == len && st.source == 0);
			CHECK_OK(pb_recv(job, 0, i, rb, max, &st));
			CHECK_OK(pb_wait(&rq, NULL));
			CHECK(st.len == len);
			T_MSG_VERIFY(rb, len, 0, 0, i, 1);
			continue;
		}
		CHECK_OK(pb_recv(job, PB_ANY_SOURCE, PB_ANY_TAG, rb, max, &st));
		CHECK(st.len == len && st.tag == i && st.source == 0);
		T_MSG_VERIFY(rb, len, 0, 0, i, 1);
	}
	CHECK_OK(pb_barrier(job));
	free(sb);
	free(rb);
	t_close(job, "singleton");
	return 0;
}
