/*
 * huge_message.c - one message far larger than the pool (default 4 GiB + 3
 * bytes through a 1 MiB pool with a 256 KiB cycle) arrives whole and in
 * order: the cycle-size pieces reuse the same pool memory (c22-c26).
 *
 *   huge_message BYTES
 * Rank 0 sends to the last rank (on another node when there are two).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "postbox.h"

static uint64_t word_at(size_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

int main(int argc, char **argv)
{
	pb_job *job;
	pb_status st;
	if (argc < 2)
		return 2;
	size_t len = strtoull(argv[1], NULL, 0);
	if (pb_open(&job))
		return 1;
	int me = pb_rank(job), last = pb_size(job) - 1;
	/* anonymous mappings, so untouched pages cost nothing until used */
	uint8_t *b = mmap(NULL, len + 8, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	size_t words = len / 8;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (me == 0) {
		for (size_t i = 0; i < words; i++)
			((uint64_t *)b)[i] = word_at(i);
		memset(b + words * 8, 0xa5, len - words * 8);
		if (pb_send(job, last, 1, b, len))
			return 1;
	} else if (me == last) {
		int rc = pb_recv(job, 0, 1, b, len, &st);
		if (rc || st.len != len || st.source != 0) {
			fprintf(stderr, "recv: %s, len %zu\n", pb_strerror(rc),
				st.len);
			return 1;
		}
		for (size_t i = 0; i < words; i++)
			if (((uint64_t *)b)[i] != word_at(i)) {
				fprintf(stderr, "word %zu of %zu wrong\n", i,
					words);
				return 1;
			}
		for (size_t i = words * 8; i < len; i++)
			if (b[i] != 0xa5) {
				fprintf(stderr, "tail byte %zu wrong\n", i);
				return 1;
			}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("received and verified %zu bytes from node %d on node "
		       "%d in %.1f s\n",
		       len, pb_node(job, 0), pb_node(job, me),
		       (double)(t1.tv_sec - t0.tv_sec) +
			       1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	}
	munmap(b, len + 8);
	return pb_close(job) ? 1 : 0;
}
