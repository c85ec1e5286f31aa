/*
 * corrupt_indicator.c - a receiver that meets an impossible indicator gets
 * PB_ECORRUPT from the call that met it, never a crash or a hang, and the
 * sender's close notices that its messages will never be acknowledged.
 *
 * Rank 0 sends one good message to rank 1, so rank 0's data segment on
 * rank 1's node exists. Rank 1 then plays a rogue writer: it maps that
 * segment itself and publishes, in its own ring, the next indicator with a
 * field chosen by argv[1] out of bounds, while rank 0 waits for its word
 * before sending anything else. Run with 2 ranks on 2 nodes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postbox.h"
#include "core/layout.h"

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "rank %d: %s:%d: check failed: %s\n", \
				me, __FILE__, __LINE__, #c);                  \
			exit(1);                                              \
		}                                                             \
	} while (0)

static int me;

static void scribble(const char *how, int sender, int node)
{
	char path[4096];
	const char *dir = getenv("PB_SHM_DIR") ? getenv("PB_SHM_DIR")
					       : "/dev/shm";
	snprintf(path, sizeof(path), "%s/pb-%s-d%d-n%d", dir,
		 getenv("PB_JOB_ID"), sender, node);
	int fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	uint8_t *b = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
			  MAP_SHARED, fd, 0);
	CHECK(b != MAP_FAILED);
	struct pb_dseg_hdr *h = (struct pb_dseg_hdr *)b;
	/* our ring is ring 0 (only rank on the node); indicator 2 is next */
	uint8_t *slot = b + h->ring_off + 1 * h->slot_size;
	struct pb_slot_hdr *sh = (struct pb_slot_hdr *)slot;
	struct pb_slot_pool *sp = (struct pb_slot_pool *)(slot + 16);
	sh->ctx = 0;
	sh->tag = 5;
	sh->rsvd = 0;
	if (!strcmp(how, "kind")) {
		sh->kind = 99;
		sh->len = 4;
	} else if (!strcmp(how, "inline-len")) {
		sh->kind = PB_IND_INLINE;
		sh->len = h->inline_max + 1;
	} else if (!strcmp(how, "block")) {
		sh->kind = PB_IND_POOL;
		sh->len = 100;
		sp->total = 100;
		sp->block = h->nblocks; /* one past the end */
		sp->nblocks = 1;
	} else if (!strcmp(how, "nblocks")) {
		sh->kind = PB_IND_POOL;
		sh->len = 100;
		sp->total = 100;
		sp->block = 1;
		sp->nblocks = 0xffffffffu; /* wraps block + nblocks */
	} else if (!strcmp(how, "piece")) {
		sh->kind = PB_IND_PIECE; /* no message in progress */
		sh->len = 100;
		sp->total = 0;
		sp->block = 0;
		sp->nblocks = 1;
	} else if (!strcmp(how, "total")) {
		sh->kind = PB_IND_POOL;
		sh->len = 100;
		sp->total = 50; /* shorter than the part carried */
		sp->block = 0;
		sp->nblocks = 1;
	} else {
		fprintf(stderr, "unknown corruption %s\n", how);
		exit(2);
	}
	__atomic_store_n(&sh->seq, 2u, __ATOMIC_RELEASE);
	munmap(b, (size_t)st.st_size);
	close(fd);
}

int main(int argc, char **argv)
{
	pb_job *job;
	char buf[256];
	pb_status st;
	if (argc < 2)
		return 2;
	CHECK(pb_open(&job) == 0);
	me = pb_rank(job);
	CHECK(pb_size(job) == 2 && pb_nodes(job) == 2);
	if (me == 0) {
		CHECK(pb_send(job, 1, 1, "hello", 5) == 0);
		/* send nothing more until rank 1 has met the rogue indicator:
		 * our next indicator would take its slot */
		CHECK(pb_recv(job, 1, 2, buf, sizeof(buf), &st) == 0);
		/* rank 1 never acknowledges the rogue indicator's successor
		 * chain; our close must come back with an error, not hang */
		int rc = pb_close(job);
		CHECK(rc == PB_EPEER || rc == PB_ECORRUPT);
		return 0;
	}
	CHECK(pb_recv(job, 0, 1, buf, sizeof(buf), &st) == 0);
	CHECK(st.len == 5 && !memcmp(buf, "hello", 5));
	scribble(argv[1], 0, 1);
	int rc = pb_recv(job, 0, 5, buf, sizeof(buf), &st);
	CHECK(rc == PB_ECORRUPT);
	/* asking again gives the same answer: the sender stays ignored */
	rc = pb_recv(job, 0, PB_ANY_TAG, buf, sizeof(buf), &st);
	CHECK(rc == PB_ECORRUPT);
	CHECK(strlen(pb_strerror(rc)) > 10);
	/* the other direction is unaffected */
	CHECK(pb_send(job, 0, 2, "go", 2) == 0);
	rc = pb_close(job);
	CHECK(rc != 0); /* the closing barrier cannot hear from rank 0 */
	printf("rank 1: corruption '%s' reported as %s\n", argv[1],
	       pb_strerror(PB_ECORRUPT));
	return 0;
}
