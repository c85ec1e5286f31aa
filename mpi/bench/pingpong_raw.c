/*
 * pingpong_raw.c - 8-byte (or argv[2]-byte) ping-pong between ranks 0 and 1
 * on Postbox's own API: the baseline that pingpong_mpi.c is measured
 * against (the cost of the MPI layer). Prints the half round-trip in us.
 *
 * With one rank it sends to itself and receives, which times the calls
 * alone: no other process, no scheduler between the two halves, so the
 * figure holds still on a busy machine (docs/mpi.md, "Overhead").
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
	if (pb_size(job) == 1) {
		double best = 1e9;
		for (int rep = 0; rep < 10; rep++) {
			double t1 = now();
			for (int i = 0; i < iters; i++) {
				pb_send(job, 0, 1, buf, len);
				pb_recv(job, 0, 1, buf, len, NULL);
			}
			t1 = now() - t1;
			best = t1 < best ? t1 : best;
		}
		printf("raw %zu B to self: %.1f ns per send+recv (best of 10 x "
		       "%d)\n", len, best / iters * 1e9, iters);
		pb_close(job);
		return 0;
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
