/*
 * barrier.c - nobody leaves a barrier before everybody entered it.
 *
 * usage: barrier ROUNDS
 *
 * Each round every rank sleeps a random time (sometimes one rank much
 * longer), notes the time it enters pb_barrier and the time it leaves, on
 * the host-wide monotonic clock (all emulated nodes share it). At the end
 * rank 0 gathers all the times and checks, for every round, that the
 * earliest exit comes after the latest entry. User messages sent around
 * the barriers must not be taken by it: each round a rank also sends its
 * neighbour a message before entering, received after leaving.
 */
#include <string.h>

#include "common.h"

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int rounds = (int)t_arg(argc, argv, 1, 100);
	double *t = t_malloc(sizeof(double) * 2 * rounds);
	uint64_t rng = t_seed(0xba, (uint64_t)me, 0, 0);
	int to = (me + 1) % n, from = (me + n - 1) % n;

	for (int r = 0; r < rounds; r++) {
		long us = (long)(t_rand(&rng) % 500);
		/* every 10th round one rank arrives 20 ms late */
		if (r % 10 == 3 && me == (r / 10) % n)
			us = 20000;
		t_sleep_us(us);
		int v = r * 1000 + me;
		CHECK_OK(pb_send(job, to, r, &v, sizeof(v)));
		t[2 * r] = t_now();
		CHECK_OK(pb_barrier(job));
		t[2 * r + 1] = t_now();
		int got = -1;
		pb_status st;
		CHECK_OK(pb_recv(job, from, r, &got, sizeof(got), &st));
		CHECKF(got == r * 1000 + from && st.len == sizeof(got),
		       "round %d: user message %d, want %d", r, got,
		       r * 1000 + from);
	}

	if (me != 0) {
		CHECK_OK(pb_send(job, 0, 1 << 20, t,
				 sizeof(double) * 2 * rounds));
	} else {
		double *all = t_malloc(sizeof(double) * 2 * rounds * n);
		memcpy(all, t, sizeof(double) * 2 * rounds);
		for (int s = 1; s < n; s++) {
			pb_status st;
			CHECK_OK(pb_recv(job, s, 1 << 20,
					 all + (size_t)2 * rounds * s,
					 sizeof(double) * 2 * rounds, &st));
			CHECK(st.len == sizeof(double) * 2 * rounds);
		}
		double worst = 1e9;
		for (int r = 0; r < rounds; r++) {
			double last_in = 0, first_out = 1e300;
			int who_in = -1, who_out = -1;
			for (int s = 0; s < n; s++) {
				double in = all[(size_t)2 * rounds * s + 2 * r];
				double out =
					all[(size_t)2 * rounds * s + 2 * r + 1];
				if (in > last_in)
					last_in = in, who_in = s;
				if (out < first_out)
					first_out = out, who_out = s;
			}
			CHECKF(first_out >= last_in,
			       "round %d: rank %d left the barrier %.1f us "
			       "before rank %d entered it", r, who_out,
			       (last_in - first_out) * 1e6, who_in);
			if (first_out - last_in < worst)
				worst = first_out - last_in;
		}
		printf("barrier: %d rounds, closest exit %.1f us after the "
		       "last entry\n", rounds, worst * 1e6);
		free(all);
	}
	free(t);
	t_close(job, "barrier");
	return 0;
}
