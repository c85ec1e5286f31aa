/*
 * segments.c - which shared objects exist, when, and what they hold:
 * lazy, simplex connections (c31, c34, c35, c39, c40, c41), one data
 * segment per (sender, node) reused for every rank of that node (c1, c6,
 * c14), ack segments of m sections x n blocks written by the receivers
 * (c32, c33, c36-c38).
 *
 * Run as 5 ranks with --map 0,0,1,1,2 and a private --shm-dir. Only rank
 * 0 starts traffic; every other rank sends only when told, and closes
 * (which talks to everyone) only after rank 0's last check, so at each
 * check the set of objects is exactly known.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postbox.h"
#include "core/layout.h"

static int me;

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "rank %d: %s:%d: check failed: %s\n", \
				me, __FILE__, __LINE__, #c);                  \
			exit(1);                                              \
		}                                                             \
	} while (0)

static const char *dir(void)
{
	const char *d = getenv("PB_SHM_DIR");
	return d ? d : "/dev/shm";
}

static void path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/pb-%s-%s", dir(), getenv("PB_JOB_ID"), name);
}

static int exists(const char *name)
{
	char p[4096];
	path(p, sizeof(p), name);
	return access(p, F_OK) == 0;
}

/* Objects of this job whose name starts with prefix ("d", "a", "d0-"). */
static int count(const char *prefix)
{
	char want[256];
	int n = 0;
	snprintf(want, sizeof(want), "pb-%s-%s", getenv("PB_JOB_ID"), prefix);
	DIR *d = opendir(dir());
	CHECK(d);
	struct dirent *e;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, want, strlen(want)) == 0;
	closedir(d);
	return n;
}

static void show(void)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "ls %s >&2", dir());
	if (system(cmd)) {
	}
}

static void *map(const char *name, size_t *size)
{
	char p[4096];
	struct stat st;
	path(p, sizeof(p), name);
	int fd = open(p, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK((st.st_mode & 0777) == 0600); /* private to the job's user */
	void *b = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(b != MAP_FAILED);
	close(fd);
	*size = (size_t)st.st_size;
	return b;
}

int main(void)
{
	pb_job *job;
	char b[8];
	CHECK(pb_open(&job) == 0);
	me = pb_rank(job);
	CHECK(pb_size(job) == 5 && pb_nodes(job) == 3);
	CHECK(pb_node(job, 1) == 0 && pb_node(job, 3) == 1 &&
	      pb_node(job, 4) == 2);

	if (me == 0) {
		/* nothing sent yet: no data or ack segment anywhere */
		if (count("d") || count("a"))
			show();
		CHECK(count("d") == 0 && count("a") == 0);
		/* c31, c34: the first send creates my data segment on node 1
		 * and the ack segment on my node, and nothing else */
		CHECK(pb_send(job, 2, 1, "x", 1) == 0);
		CHECK(exists("d0-n1") && exists("a0-1"));
		if (count("d") != 1 || count("a") != 1)
			show();
		CHECK(count("d") == 1 && count("a") == 1);
		/* only now may rank 2 answer (same connection: no object) */
		CHECK(pb_send(job, 2, 8, "", 0) == 0);
		/* wait for rank 2's answer (it checked its side) */
		CHECK(pb_recv(job, 2, 2, b, sizeof(b), NULL) == 0);
		/* c39: now each node of the pair has an ack segment */
		CHECK(exists("d2-n0") && exists("a1-0"));
		/* c6, c14: a second receiver on node 1 uses the same data
		 * segment, through its own postbox ring */
		CHECK(pb_send(job, 3, 3, "y", 1) == 0);
		CHECK(count("d0-") == 1);
		/* c41: a third node gets a segment of its own */
		CHECK(pb_send(job, 4, 4, "z", 1) == 0);
		CHECK(exists("d0-n2") && exists("a0-2") && count("d0-") == 2);

		/* the data segment on node 1: one ring per rank of node 1 */
		size_t sz;
		struct pb_dseg_hdr *h = map("d0-n1", &sz);
		CHECK(h->magic == PB_DSEG_MAGIC && h->sender == 0 &&
		      h->node == 1 && h->nrings == 2 && h->total_size == sz);
		/* c36, c37: the ack segment (node 0, node 1) has m = 2
		 * sections (ranks of node 0) of n = 2 blocks (ranks of
		 * node 1) */
		struct pb_aseg_hdr *a = map("a0-1", &sz);
		CHECK(a->m == 2 && a->n == 2 && sz == 64 + 2 * 2 * 64);
		/* c32, c33, c38: ranks 2 and 3 wrote how many they consumed into
		 * my section, block = their index on node 1; rank 1's
		 * section stays untouched */
		struct pb_ack_block *k0 = pb_aseg_block(a, 2, 0, 0);
		struct pb_ack_block *k1 = pb_aseg_block(a, 2, 0, 1);
		for (int i = 0; i < 2000000 &&
				(atomic_load(&k0->consumed) < 2 ||
				 atomic_load(&k1->consumed) < 1);
		     i++)
			usleep(1);
		CHECK(atomic_load(&k0->consumed) == 2); /* rank 2: tags 1, 8 */
		CHECK(atomic_load(&k1->consumed) == 1); /* rank 3: tag 3 */
		CHECK(atomic_load(&pb_aseg_block(a, 2, 1, 0)->consumed) == 0);
		CHECK(atomic_load(&pb_aseg_block(a, 2, 1, 1)->consumed) == 0);
		printf("segments: lazy, simplex, per-node and per-pair objects "
		       "as claimed\n");
		/* only now may the others close (closing talks to all) */
		for (int r = 1; r < 5; r++)
			CHECK(pb_send(job, r, 9, "", 0) == 0);
	} else if (me == 2) {
		CHECK(pb_recv(job, 0, 1, b, sizeof(b), NULL) == 0);
		/* c35: the ack segment I answer into exists; c40: receiving
		 * created no data segment of mine */
		CHECK(exists("a0-1") && count("d2-") == 0);
		CHECK(pb_recv(job, 0, 8, NULL, 0, NULL) == 0);
		CHECK(pb_send(job, 0, 2, "r", 1) == 0);
	} else if (me == 3) {
		CHECK(pb_recv(job, 0, 3, b, sizeof(b), NULL) == 0);
	} else if (me == 4) {
		CHECK(pb_recv(job, 0, 4, b, sizeof(b), NULL) == 0);
	}
	if (me != 0)
		CHECK(pb_recv(job, 0, 9, NULL, 0, NULL) == 0);
	CHECK(pb_close(job) == 0);
	return 0;
}
