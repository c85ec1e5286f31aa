/*
 * demo.c - the README's main job: every rank sends every other rank one
 * message of each size class (inline, pool, pieces beyond the cycle size),
 * checks every byte it receives, and rank 0 reports what moved where.
 *
 *   pbrun -n 4 --nodes 2 ./demo
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postbox.h"

static void fill(unsigned char *b, size_t n, int from, int to, size_t sz)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 31 + (size_t)from * 7 + (size_t)to * 13 + sz);
}

static int die(const char *what, int rc)
{
	fprintf(stderr, "demo: %s: %s\n", what, pb_strerror(rc));
	return 1;
}

int main(void)
{
	static const size_t sizes[] = {0, 8, 48, 4096, 100000, 3 << 20};
	const int nsizes = sizeof(sizes) / sizeof(sizes[0]);
	pb_job *job;
	int rc = pb_open(&job);
	if (rc)
		return die("pb_open", rc);
	int me = pb_rank(job), n = pb_size(job);
	size_t maxsz = sizes[nsizes - 1];
	unsigned char *out = malloc(maxsz), *in = malloc(maxsz),
		      *want = malloc(maxsz);
	size_t bytes = 0, msgs = 0;

	for (int s = 0; s < nsizes; s++) {
		size_t sz = sizes[s];
		/* everyone posts its receives first, then sends: a shift
		 * pattern so every pair talks once per size */
		for (int d = 1; d < n; d++) {
			int to = (me + d) % n, from = (me - d + n) % n;
			pb_req *rq;
			pb_status st;
			fill(out, sz, me, to, sz);
			if ((rc = pb_irecv(job, from, s, in, maxsz, &rq)))
				return die("pb_irecv", rc);
			if ((rc = pb_send(job, to, s, out, sz)))
				return die("pb_send", rc);
			if ((rc = pb_wait(&rq, &st)))
				return die("pb_wait", rc);
			fill(want, sz, from, me, sz);
			if (st.len != sz || st.source != from ||
			    memcmp(in, want, sz)) {
				fprintf(stderr, "demo: rank %d: bad message "
						"from %d of %zu bytes\n",
					me, from, sz);
				return 1;
			}
			bytes += sz;
			msgs++;
		}
	}
	if ((rc = pb_barrier(job)))
		return die("pb_barrier", rc);
	printf("rank %d of %d on node %d of %d: received and verified %zu "
	       "messages, %zu bytes\n",
	       me, n, pb_node(job, me), pb_nodes(job), msgs, bytes);
	free(out);
	free(in);
	free(want);
	if ((rc = pb_close(job)))
		return die("pb_close", rc);
	return 0;
}
