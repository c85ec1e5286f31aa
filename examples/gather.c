/*
 * gather.c - many-to-one: every rank but 0 sends rank 0 one large message
 * at once, and rank 0 takes them all into one buffer, each at its sender's
 * offset, then checks every byte.
 *
 *   pbrun -n 5 --nodes 2 ./gather [SIZE]      (SIZE default 8M)
 *
 * A message beyond the cycle size (PB_CYCLE_SIZE, 256 KiB by default)
 * goes in pieces that reuse the same pool memory, so each sender holds at
 * most the cycle size of its pool on node 0 however large SIZE is, and the
 * senders on one node share nothing: each has its own data segment there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <postbox.h>

static int die(int me, const char *what, int rc)
{
	fprintf(stderr, "gather: rank %d: %s: %s\n", me, what, pb_strerror(rc));
	return 1;
}

static unsigned char pattern(int rank, size_t i)
{
	return (unsigned char)((i >> 12) * 7 + i * 13 + (size_t)rank * 31);
}

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 0) : 8u << 20;
	pb_job *job;
	int rc = pb_open(&job);
	if (rc)
		return die(-1, "pb_open", rc);
	int me = pb_rank(job), n = pb_size(job);

	if (me != 0) {
		unsigned char *out = malloc(size ? size : 1);
		if (!out)
			return die(me, "malloc", PB_ENOMEM);
		for (size_t i = 0; i < size; i++)
			out[i] = pattern(me, i);
		if ((rc = pb_send(job, 0, 0, out, size)))
			return die(me, "pb_send", rc);
		free(out);
	} else {
		size_t total = size * (size_t)(n > 1 ? n - 1 : 1);
		unsigned char *all = malloc(total ? total : 1);
		pb_req **req = calloc((size_t)n, sizeof(*req));
		pb_status *st = calloc((size_t)n, sizeof(*st));
		struct timespec t0, t1;
		if (!all || !req || !st)
			return die(me, "malloc", PB_ENOMEM);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		/* one receive per sender, all posted before any arrives */
		for (int r = 1; r < n; r++)
			if ((rc = pb_irecv(job, r, 0, all + (size_t)(r - 1) * size,
					   size, &req[r - 1])))
				return die(me, "pb_irecv", rc);
		if ((rc = pb_waitall(n - 1, req, st)))
			return die(me, "pb_waitall", rc);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		for (int r = 1; r < n; r++) {
			const unsigned char *p = all + (size_t)(r - 1) * size;
			if (st[r - 1].len != size || st[r - 1].source != r)
				return die(me, "status", PB_ECORRUPT);
			for (size_t i = 0; i < size; i++)
				if (p[i] != pattern(r, i)) {
					fprintf(stderr, "gather: byte %zu from rank "
						"%d is wrong\n", i, r);
					return 1;
				}
		}
		double s = (double)(t1.tv_sec - t0.tv_sec) +
			   1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
		printf("gather: %d messages of %zu bytes into rank 0 on node "
		       "%d, verified; %.0f MB/s\n",
		       n - 1, size, pb_node(job, 0),
		       s > 0 ? (double)(size * (size_t)(n - 1)) / s / 1e6 : 0.0);
		free(all);
		free(req);
		free(st);
	}
	if ((rc = pb_close(job)))
		return die(me, "pb_close", rc);
	return 0;
}
