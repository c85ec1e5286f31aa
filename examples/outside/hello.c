/*
 * hello.c - a program of someone else's project, built against an
 * installed Postbox (pkg-config: Makefile; CMake: CMakeLists.txt).
 *
 *   pbrun -n 2 --nodes 2 ./hello
 *
 * Every rank tells rank 0 where it runs; rank 0 prints one line per rank,
 * then the library version it runs with and the header version it was
 * compiled with.
 */
#include <stdio.h>

#include <postbox.h>

struct where {
	int rank, node;
};

static int die(const char *what, int rc)
{
	fprintf(stderr, "hello: %s: %s\n", what, pb_strerror(rc));
	return 1;
}

int main(void)
{
	pb_job *job;
	int rc = pb_open(&job);
	if (rc)
		return die("pb_open", rc);
	int me = pb_rank(job), n = pb_size(job);
	struct where w = {me, pb_node(job, me)};

	if (me != 0) {
		if ((rc = pb_send(job, 0, 0, &w, sizeof(w))))
			return die("pb_send", rc);
	} else {
		printf("hello: rank 0 on node %d\n", w.node);
		for (int r = 1; r < n; r++) {
			pb_status st;
			if ((rc = pb_recv(job, r, 0, &w, sizeof(w), &st)))
				return die("pb_recv", rc);
			printf("hello: rank %d on node %d\n", w.rank, w.node);
		}
		printf("hello: %d ranks on %d nodes, libpostbox %s, compiled "
		       "with postbox.h %d.%d.%d\n", n, pb_nodes(job),
		       pb_version(), PB_VERSION_MAJOR, PB_VERSION_MINOR,
		       PB_VERSION_PATCH);
	}
	if ((rc = pb_close(job)))
		return die("pb_close", rc);
	return 0;
}
