/*
 * scribble.c - a rogue writer: maps a job's shared objects itself and
 * writes random bytes into them while the job runs. It needs no library:
 * only the file names (docs/layout.md) and the data segment header.
 *
 *   scribble DIR JOBID MODE SEED SECONDS PAUSE_US
 *
 * MODE says where:
 *   ring    the postbox rings of data segments (slot headers, seq words,
 *           inline payloads, pool references)
 *   pool    the buffer pools of data segments (payload bytes)
 *   ack     the ack blocks of ack segments (the consumed counters)
 *   header  data segment headers (a receiver that attaches later must
 *           refuse the segment)
 *   all     any of the above, at random
 * Each write is 1 to 8 random bytes at a random offset in the chosen area,
 * or a random 32/64-bit value at a word boundary; PAUSE_US between writes.
 * Runs until SECONDS passed or the job's files are gone. Prints how many
 * writes it made.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/layout.h"

static uint64_t st;

static uint64_t rnd(void)
{
	uint64_t z = (st += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* the job's data ('d') or ack ('a') segments */
static int list(const char *dir, const char *job, char kind, char names[][256],
		int max)
{
	char pre[128];
	int k = 0;
	snprintf(pre, sizeof(pre), "pb-%s-%c", job, kind);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) && k < max) {
		if (strncmp(e->d_name, pre, strlen(pre)))
			continue;
		snprintf(names[k++], 256, "%s", e->d_name);
	}
	closedir(d);
	return k;
}

static int job_alive(const char *dir, const char *job)
{
	char pre[128];
	int any = 0;
	snprintf(pre, sizeof(pre), "pb-%s-", job);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, pre, strlen(pre)))
			any = 1;
	closedir(d);
	return any;
}

static void hit(uint8_t *p, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return;
	uint64_t off = lo + rnd() % (hi - lo);
	switch (rnd() % 3) {
	case 0: { /* a few random bytes */
		size_t n = 1 + rnd() % 8;
		for (size_t i = 0; i < n && off + i < hi; i++)
			p[off + i] = (uint8_t)rnd();
		break;
	}
	case 1: /* a 32-bit word (a seq, a length, a block index) */
		off &= ~3ull;
		if (off >= lo && off + 4 <= hi) {
			uint32_t v = (uint32_t)rnd();
			memcpy(p + off, &v, 4);
		}
		break;
	default: /* a 64-bit word (an ack, a total) */
		off &= ~7ull;
		if (off >= lo && off + 8 <= hi) {
			uint64_t v = rnd() % 4 ? rnd() % 1000 : rnd();
			memcpy(p + off, &v, 8);
		}
		break;
	}
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: scribble DIR JOBID MODE SEED SECONDS "
				"PAUSE_US\n");
		return 2;
	}
	const char *dir = argv[1], *job = argv[2], *mode = argv[3];
	st = strtoull(argv[4], NULL, 0);
	double end = now() + atof(argv[5]);
	long pause_us = atol(argv[6]);
	static char names[256][256];
	unsigned long writes = 0;
	/* the job may not have started yet */
	while (now() < end && !job_alive(dir, job))
		usleep(1000);
	while (now() < end && job_alive(dir, job)) {
		const char *m = mode;
		if (!strcmp(mode, "all")) {
			static const char *ms[] = {"ring", "pool", "ack",
						   "header"};
			m = ms[rnd() % 4];
		}
		char kind = !strcmp(m, "ack") ? 'a' : 'd';
		int k = list(dir, job, kind, names, 256);
		if (k == 0) {
			usleep(1000);
			continue;
		}
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[rnd() % k]);
		int fd = open(path, O_RDWR | O_NOFOLLOW);
		if (fd < 0)
			continue;
		struct stat sb;
		if (fstat(fd, &sb) || sb.st_size < 256) {
			close(fd);
			continue;
		}
		uint64_t size = (uint64_t)sb.st_size;
		uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				  MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			continue;
		if (kind == 'a') {
			hit(p, 64, size); /* ack blocks follow a 64-byte header */
		} else {
			/* ring_off and pool_off of the header, clamped: they
			 * may have been scribbled too */
			uint64_t ro, po;
			memcpy(&ro, p + offsetof(struct pb_dseg_hdr, ring_off),
			       8);
			memcpy(&po, p + offsetof(struct pb_dseg_hdr, pool_off),
			       8);
			if (ro < 256 || ro > size)
				ro = 256;
			if (po < ro || po > size)
				po = ro;
			if (!strcmp(m, "ring"))
				hit(p, ro, po);
			else if (!strcmp(m, "pool"))
				hit(p, po, size);
			else
				hit(p, 0, 256);
		}
		munmap(p, size);
		writes++;
		if (pause_us)
			usleep((useconds_t)pause_us);
	}
	printf("scribble: %lu writes (%s)\n", writes, mode);
	return 0;
}
