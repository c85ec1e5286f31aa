/*
 * hold.c - the victim side of the attack tests (attack.sh).
 *
 *   hold run READY RELEASE   every rank sends to every other rank (so every
 *                            data segment, ack segment and directory
 *                            exists), rank 0 creates READY, all wait until
 *                            RELEASE exists (an attacker has had its go
 *                            meanwhile), then exchange again, check every
 *                            byte, and pb_close
 *   hold squat-seg           run with 2 ranks on 2 nodes after another
 *                            user created the names of rank 0's data
 *                            segment on node 1 and of its ack segment: rank
 *                            0's send to rank 1 must fail with PB_EPERM
 *                            (never use the foreign files); the other
 *                            direction still works
 *   hold squat-dir           the same with node 1's directory: rank 1's
 *                            pb_open must fail with PB_EPERM
 */
#include <unistd.h>

#include "rel.h"

static void exchange(pb_job *job, int round)
{
	int n = pb_size(job), me = rel_rank;
	size_t len = 100000;
	uint8_t *s = malloc(len), *r = malloc(len);
	CHECK(s && r);
	for (int d = 1; d < n; d++) {
		int to = (me + d) % n, from = (me - d + n) % n;
		pb_req *q[2];
		pb_status st;
		rel_fill(s, me, to, (uint64_t)round, len);
		CHECK_RC(pb_irecv(job, from, round, r, len, &q[0]), 0);
		CHECK_RC(pb_isend(job, to, round, s, len, &q[1]), 0);
		CHECK_RC(pb_wait(&q[0], &st), 0);
		CHECK_RC(pb_wait(&q[1], NULL), 0);
		CHECK(st.len == len && rel_diff(r, from, me, round, len) < 0);
	}
	free(s);
	free(r);
}

int main(int argc, char **argv)
{
	pb_job *job;
	const char *mode = argc > 1 ? argv[1] : "";
	int rc = pb_open(&job);
	if (!strcmp(mode, "squat-dir")) {
		int rank = atoi(getenv("PB_RANK"));
		if (rank == 1) {
			CHECK_RC(rc, PB_EPERM);
			printf("rank 1: pb_open refused the foreign directory\n");
			return 0;
		}
		CHECK_RC(rc, 0);
		return 0; /* no pb_close: rank 1 never joined */
	}
	CHECK_RC(rc, 0);
	rel_rank = pb_rank(job);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "squat-seg")) {
		CHECK(pb_size(job) == 2 && pb_nodes(job) == 2);
		char c = 'x', got = 0;
		if (rel_rank == 0) {
			CHECK_RC(pb_send(job, 1, 1, &c, 1), PB_EPERM);
			CHECK_RC(pb_recv(job, 1, 2, &got, 1, NULL), 0);
			CHECK(got == 'y');
			printf("rank 0: the squatted segment was refused; rank "
			       "1's messages still arrive\n");
		} else {
			c = 'y';
			CHECK_RC(pb_send(job, 0, 2, &c, 1), 0);
			/* stay until rank 0 has taken it and is gone (it
			 * never sends to us): a sender that exits right after
			 * a send may lose the race against the receiver's
			 * liveness check */
			CHECK_RC(pb_recv(job, 0, 3, &got, 1, NULL), PB_EPEER);
		}
		return 0; /* no pb_close: the pair 0 -> 1 cannot carry it */
	}
	if (strcmp(mode, "run") || argc != 4) {
		fprintf(stderr, "usage: hold run READY RELEASE | squat-seg | "
				"squat-dir\n");
		return 2;
	}
	exchange(job, 1);
	CHECK_RC(pb_barrier(job), 0);
	if (rel_rank == 0) {
		FILE *f = fopen(argv[2], "w");
		CHECK(f && fclose(f) == 0);
	}
	/* bounded: the script creates RELEASE or the test fails */
	for (int i = 0; access(argv[3], F_OK) != 0; i++) {
		CHECK(i < 6000);
		usleep(10000);
	}
	exchange(job, 2);
	CHECK_RC(pb_close(job), 0);
	if (rel_rank == 0)
		printf("rank 0: traffic intact after the attack\n");
	return 0;
}
