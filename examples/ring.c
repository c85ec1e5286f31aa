/*
 * ring.c - a token travels LAPS times around the ring of ranks; each rank
 * adds its rank to it on the way. Then every rank passes a block of SIZE
 * bytes to its right neighbour at once, with non-blocking calls, and checks
 * what came from its left.
 *
 *   pbrun -n 4 --nodes 2 ./ring [LAPS [SIZE]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <postbox.h>

static int die(int me, const char *what, int rc)
{
	fprintf(stderr, "ring: rank %d: %s: %s\n", me, what, pb_strerror(rc));
	return 1;
}

int main(int argc, char **argv)
{
	long laps = argc > 1 ? strtol(argv[1], NULL, 0) : 100;
	size_t size = argc > 2 ? strtoul(argv[2], NULL, 0) : 100000;
	pb_job *job;
	int rc = pb_open(&job);
	if (rc)
		return die(-1, "pb_open", rc);
	int me = pb_rank(job), n = pb_size(job);
	int right = (me + 1) % n, left = (me + n - 1) % n;

	/* 1. the token: rank 0 starts each lap and checks the sum */
	uint64_t token = 0;
	for (long lap = 0; lap < laps; lap++) {
		if (me == 0) {
			if ((rc = pb_send(job, right, 1, &token, sizeof(token))) ||
			    (rc = pb_recv(job, left, 1, &token, sizeof(token),
					  NULL)))
				return die(me, "token", rc);
		} else {
			if ((rc = pb_recv(job, left, 1, &token, sizeof(token),
					  NULL)))
				return die(me, "token", rc);
			token += (uint64_t)me;
			if ((rc = pb_send(job, right, 1, &token, sizeof(token))))
				return die(me, "token", rc);
		}
	}
	uint64_t want = (uint64_t)laps * (uint64_t)n * (uint64_t)(n - 1) / 2;
	if (me == 0 && token != want) {
		fprintf(stderr, "ring: token is %llu, expected %llu\n",
			(unsigned long long)token, (unsigned long long)want);
		return 1;
	}

	/* 2. everyone shifts a block right at the same time */
	unsigned char *out = malloc(size + 1), *in = malloc(size + 1);
	if (!out || !in)
		return die(me, "malloc", PB_ENOMEM);
	for (size_t i = 0; i < size; i++)
		out[i] = (unsigned char)(i + (size_t)me);
	pb_req *req[2];
	pb_status st[2];
	if ((rc = pb_irecv(job, left, 2, in, size, &req[0])) ||
	    (rc = pb_isend(job, right, 2, out, size, &req[1])) ||
	    (rc = pb_waitall(2, req, st)))
		return die(me, "shift", rc);
	for (size_t i = 0; i < size; i++)
		if (in[i] != (unsigned char)(i + (size_t)left)) {
			fprintf(stderr, "ring: rank %d: byte %zu from rank %d "
				"is wrong\n", me, i, left);
			return 1;
		}
	if (st[0].len != size || st[0].source != left)
		return die(me, "shift status", PB_ECORRUPT);
	if ((rc = pb_barrier(job)))
		return die(me, "pb_barrier", rc);
	if (me == 0)
		printf("ring: %d ranks on %d nodes: %ld laps, token %llu; "
		       "%zu-byte blocks shifted right and verified\n",
		       n, pb_nodes(job), laps, (unsigned long long)token, size);
	free(out);
	free(in);
	if ((rc = pb_close(job)))
		return die(me, "pb_close", rc);
	return 0;
}
