/*
 * pingpong.c - ranks 0 and 1 bounce one message back and forth and report
 * the half round trip; any other rank only joins and leaves the job.
 *
 *   pbrun -n 2 --nodes 2 ./pingpong [SIZE [ITERATIONS]]
 *
 * With --nodes 2 the message crosses nodes: rank 0 writes into its data
 * segment on node 1 and rank 1 into its own on node 0. A SIZE up to the
 * inline limit (112 bytes by default) travels inside the postbox slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <postbox.h>

static int die(const char *what, int rc)
{
	fprintf(stderr, "pingpong: %s: %s\n", what, pb_strerror(rc));
	return 1;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 0) : 8;
	long iters = argc > 2 ? strtol(argv[2], NULL, 0) : 10000;
	pb_job *job;
	int rc = pb_open(&job);
	if (rc)
		return die("pb_open", rc);
	int me = pb_rank(job);
	if (pb_size(job) < 2) {
		fprintf(stderr, "pingpong: needs 2 ranks: pbrun -n 2 %s\n",
			argv[0]);
		pb_close(job);
		return 2;
	}
	if (me < 2 && iters > 0) {
		int peer = 1 - me;
		unsigned char *buf = calloc(1, size ? size : 1);
		pb_status st;
		double t0 = 0;
		if (!buf)
			return die("calloc", PB_ENOMEM);
		/* iteration -1 is a warmup: it also makes the connections */
		for (long i = -1; i < iters; i++) {
			if (i == 0)
				t0 = now();
			if (me == 0) {
				buf[0] = (unsigned char)i;
				if ((rc = pb_send(job, peer, 0, buf, size)) ||
				    (rc = pb_recv(job, peer, 0, buf, size, &st)))
					return die("rank 0", rc);
			} else {
				if ((rc = pb_recv(job, peer, 0, buf, size, &st)) ||
				    (rc = pb_send(job, peer, 0, buf, size)))
					return die("rank 1", rc);
			}
			if (st.len != size || (size && buf[0] != (unsigned char)i)) {
				fprintf(stderr, "pingpong: rank %d: bad message "
					"in round %ld\n", me, i);
				return 1;
			}
		}
		double us = (now() - t0) / (double)iters / 2 * 1e6;
		if (me == 0)
			printf("pingpong: %zu bytes between node %d and node %d: "
			       "%.2f us half round trip (%ld round trips)\n",
			       size, pb_node(job, 0), pb_node(job, 1), us, iters);
		free(buf);
	}
	if ((rc = pb_close(job)))
		return die("pb_close", rc);
	return 0;
}
