/*
 * params.c - PB_* parameters as pb_open sees them.
 *
 * usage: params fail   pb_open must fail with PB_EPARAM (a bad PB_* value
 *                      is in the environment); prints "params: refused"
 *        params ok     pb_open must succeed; ranks then exchange a few
 *                      messages of every class to show the parameters work
 *
 * Driven by params.sh, which sets the variables, runs this directly and
 * under pbrun, and checks stderr names the variable.
 */
#include <string.h>

#include "common.h"

int main(int argc, char **argv)
{
	const char *mode = t_arg_str(argc, argv, 1, "ok");
	if (!strcmp(mode, "fail")) {
		pb_job *job = (pb_job *)0x1;
		int rc = pb_open(&job);
		CHECK_RC(rc, PB_EPARAM);
		CHECKF(job == NULL, "failed pb_open left a handle");
		printf("params: refused: %s\n", pb_strerror(rc));
		return 0;
	}
	pb_job *job = t_open();
	struct t_geom g;
	t_geom(&g);
	int n = t_size, me = t_rank;
	size_t sizes[] = {0, g.inline_max, g.inline_max + 1, g.block + 1,
			  g.cycle * 2 + 1};
	size_t max = g.cycle * 2 + 1;
	uint8_t *sb = t_malloc(max), *rb = t_malloc(max);
	for (int i = 0; i < 5; i++) {
		pb_req *rq;
		pb_status st;
		t_msg_fill(sb, sizes[i], me, (me + 1) % n, i, 0);
		CHECK_OK(pb_isend(job, (me + 1) % n, i, sb, sizes[i], &rq));
		CHECK_OK(pb_recv(job, (me + n - 1) % n, i, rb, max, &st));
		CHECK(st.len == sizes[i]);
		T_MSG_VERIFY(rb, sizes[i], (me + n - 1) % n, me, i, 0);
		CHECK_OK(pb_wait(&rq, NULL));
	}
	free(sb);
	free(rb);
	t_close(job, "params");
	return 0;
}
