/*
 * pingpong_raw.c - 8-byte (or argv[2]-byte) ping-pong between ranks 0 and 1
 * on Postbox's own API: the baseline that pingpong_mpi.c is measured
 * against (the cost of the MPI layer). Prints the half round-trip in us.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <postbox.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	pb_job *job;
	int iters = argc > 1 ? atoi(argv[1]) : 100000;
	size_t len = argc > 2 ? (size_t)atol(argv[2]) : 8;
	char buf[65536] = {0};
	if (len > sizeof(buf) || pb_open(&job))
		return 1;
	int me = pb_rank(job), warm = iters / 10;
	double t0 = 0;
	if (pb_size(job) < 2) {
		fprintf(stderr, "pingpong_raw: needs 2 ranks\n");
		return 1;
	}
	pb_barrier(job);
	for (int i = 0; i < iters + warm; i++) {
		if (i == warm)
			t0 = now();
		if (me == 0) {
			pb_send(job, 1, 1, buf, len);
			pb_recv(job, 1, 1, buf, len, NULL);
		} else if (me == 1) {
			pb_recv(job, 0, 1, buf, len, NULL);
			pb_send(job, 0, 1, buf, len);
		}
	}
	double t = now() - t0;
	if (me == 0)
		printf("raw %zu B: %.3f us half round trip (%d iterations)\n",
		       len, t / iters / 2 * 1e6, iters);
	pb_close(job);
	return 0;
}
