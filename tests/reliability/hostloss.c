/*
 * hostloss.c - a host vanishes. Under pbrun --netns every node is a
 * network namespace; the test script kills every process of node 1's at
 * once, as a host that loses power. The ranks of node 0 must each see
 * PB_EPEER from a receive that waits on a rank of node 1, within the peer
 * timeout, and still exchange messages among themselves.
 *
 *   hostloss READY_FILE
 *
 * Every rank first exchanges a message with every other one (so the
 * connections between hosts exist and carry data), then ranks of node 1
 * append "pid" lines to READY_FILE and sleep; ranks of node 0 append
 * "wait" lines, then receive from the first rank of node 1. SIGTERM is
 * ignored: pbrun ends the survivors only after its grace, by which time
 * they must have printed their outcome.
 */
#include <signal.h>
#include <unistd.h>

#include "rel.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void mark(const char *path, const char *what)
{
	FILE *f = fopen(path, "a");
	CHECK(f);
	fprintf(f, "%s %d\n", what, (int)getpid());
	fclose(f);
}

int main(int argc, char **argv)
{
	pb_job *job;
	if (argc < 2)
		return 2;
	signal(SIGTERM, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK_RC(pb_open(&job), 0);
	int me = rel_rank = pb_rank(job), n = pb_size(job);
	int victim = -1, other0 = -1;
	for (int r = 0; r < n; r++) {
		if (pb_node(job, r) == 1 && victim < 0)
			victim = r;
		if (pb_node(job, r) == 0 && r != me && other0 < 0)
			other0 = r;
	}
	CHECK(victim >= 0);
	/* everyone with everyone, both ways, a pool-sized message too */
	static uint8_t big[200000], in[200000];
	for (int r = 0; r < n; r++) {
		if (r == me)
			continue;
		pb_req *s, *q;
		pb_status st;
		CHECK_RC(pb_irecv(job, r, 1, in, sizeof(in), &q), 0);
		CHECK_RC(pb_isend(job, r, 1, big, sizeof(big), &s), 0);
		CHECK_RC(pb_wait(&q, &st), 0);
		CHECK_RC(pb_wait(&s, NULL), 0);
		CHECK(st.len == sizeof(big));
	}
	CHECK_RC(pb_barrier(job), 0);
	if (pb_node(job, me) == 1) {
		mark(argv[1], "pid");
		for (;;)
			pause();
	}
	mark(argv[1], "wait");
	double t0 = now();
	int rc = pb_recv(job, victim, 2, in, sizeof(in), NULL);
	printf("rank %d: receive from rank %d on the lost host: %s after "
	       "%.1f s\n",
	       me, victim, pb_strerror(rc), now() - t0);
	CHECK_RC(rc, PB_EPEER);
	if (other0 >= 0) {
		/* the ranks of my own host still talk */
		pb_req *q;
		CHECK_RC(pb_irecv(job, other0, 3, in, 8, &q), 0);
		CHECK_RC(pb_send(job, other0, 3, big, 8), 0);
		CHECK_RC(pb_wait(&q, NULL), 0);
		printf("rank %d: survivors still exchange messages\n", me);
	}
	/* no pb_close: its barrier would wait for the dead */
	return 0;
}
