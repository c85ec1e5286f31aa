/*
 * random_traffic.c - every rank sends messages of random sizes and tags to
 * random ranks (itself included) while receiving with PB_ANY_SOURCE and
 * PB_ANY_TAG, and checks every byte, every length, and per-pair order.
 *
 * All ranks draw the whole job's plan from one seeded generator, so each
 * receiver knows exactly which messages each sender will send it and in
 * which order; nothing travels out of band.
 *
 *   random_traffic MSGS MAXSIZE SEED [SECONDS]
 * With SECONDS, repeats rounds with new seeds until that much time passed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postbox.h"

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "rank %d: %s:%d: check failed: %s\n", \
				me, __FILE__, __LINE__, #c);                  \
			exit(1);                                              \
		}                                                             \
	} while (0)

static int me;

struct plan {
	int dest, tag;
	size_t size;
};

static uint64_t rng(uint64_t *s)
{
	/* splitmix64: same sequence on every rank */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t pick_size(uint64_t *s, size_t maxsize)
{
	uint64_t r = rng(s) % 100;
	size_t lim = r < 40 ? 64 : r < 70 ? 8192 : r < 90 ? 300000 : maxsize;
	if (lim > maxsize)
		lim = maxsize;
	return (size_t)(rng(s) % (lim + 1));
}

static uint8_t byte_at(int src, int dst, int idx, size_t i)
{
	uint64_t h = ((uint64_t)src * 1000003u + (uint64_t)dst * 7919u +
		      (uint64_t)idx * 104729u) ^ (i * 0x9e3779b1u);
	return (uint8_t)(h ^ (h >> 13) ^ (i >> 8));
}

static void fill(uint8_t *b, int src, int dst, int idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = byte_at(src, dst, idx, i);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	pb_job *job;
	if (argc < 4) {
		fprintf(stderr, "usage: %s MSGS MAXSIZE SEED [SECONDS]\n",
			argv[0]);
		return 2;
	}
	int msgs = atoi(argv[1]);
	size_t maxsize = strtoull(argv[2], NULL, 0);
	uint64_t seed = strtoull(argv[3], NULL, 0);
	double seconds = argc > 4 ? atof(argv[4]) : 0;
	CHECK(pb_open(&job) == 0);
	me = pb_rank(job);
	int n = pb_size(job);
	double t_end = now() + seconds;
	unsigned long long total_msgs = 0, total_bytes = 0;
	int round = 0;

	uint8_t *rbuf = malloc(maxsize + 1);
	CHECK(rbuf);
	do {
		/* the plan of every sender */
		struct plan *p = calloc((size_t)n * msgs, sizeof(*p));
		int *expect = calloc((size_t)n, sizeof(int)); /* to me */
		int *next = calloc((size_t)n, sizeof(int));   /* seen from s */
		int **order = calloc((size_t)n, sizeof(int *));
		CHECK(p && expect && next && order);
		for (int s = 0; s < n; s++) {
			uint64_t st = seed + (uint64_t)round * 7777 + s;
			order[s] = calloc((size_t)msgs, sizeof(int));
			for (int i = 0; i < msgs; i++) {
				struct plan *q = &p[(size_t)s * msgs + i];
				q->dest = (int)(rng(&st) % (uint64_t)n);
				q->tag = (int)(rng(&st) % 5);
				q->size = pick_size(&st, maxsize);
				if (q->dest == me)
					order[s][expect[s]++] = i;
			}
		}
		int to_recv = 0;
		for (int s = 0; s < n; s++)
			to_recv += expect[s];

		/* send with a window of isends; drain arrivals in between */
		enum { W = 16 };
		pb_req *win[W] = {0};
		uint8_t *sbuf[W];
		for (int w = 0; w < W; w++)
			sbuf[w] = malloc(maxsize + 1);
		int got = 0;
		for (int i = 0; i <= msgs; i++) {
			int flag = 1;
			while (flag && got < to_recv) {
				pb_status st;
				CHECK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG,
						&flag, &st) == 0);
				if (!flag)
					break;
				int s = st.source;
				CHECK(next[s] < expect[s]);
				int idx = order[s][next[s]];
				struct plan *q = &p[(size_t)s * msgs + idx];
				CHECK(st.len == q->size);
				pb_status st2;
				CHECK(pb_recv(job, s, st.tag, rbuf, maxsize,
					      &st2) == 0);
				/* the first message from s with this tag must
				 * be the next one s sent me: per-pair order
				 * holds across tags since we take the oldest */
				CHECK(st2.tag == q->tag && st2.len == q->size);
				for (size_t k = 0; k < q->size; k++)
					if (rbuf[k] != byte_at(s, me, idx, k)) {
						fprintf(stderr,
							"rank %d: byte %zu of "
							"msg %d from %d "
							"(size %zu) wrong\n",
							me, k, idx, s, q->size);
						exit(1);
					}
				next[s]++;
				got++;
				total_bytes += q->size;
			}
			if (i == msgs)
				break;
			struct plan *q = &p[(size_t)me * msgs + i];
			int w = i % W;
			if (win[w])
				CHECK(pb_wait(&win[w], NULL) == 0);
			fill(sbuf[w], me, q->dest, i, q->size);
			CHECK(pb_isend(job, q->dest, q->tag, sbuf[w], q->size,
				       &win[w]) == 0);
		}
		CHECK(pb_waitall(W, win, NULL) == 0);
		/* whatever is still due */
		while (got < to_recv) {
			pb_status st;
			CHECK(pb_probe(job, PB_ANY_SOURCE, PB_ANY_TAG, &st) ==
			      0);
			int s = st.source;
			CHECK(next[s] < expect[s]);
			int idx = order[s][next[s]];
			struct plan *q = &p[(size_t)s * msgs + idx];
			CHECK(pb_recv(job, s, st.tag, rbuf, maxsize, &st) == 0);
			CHECK(st.tag == q->tag && st.len == q->size);
			for (size_t k = 0; k < q->size; k++)
				CHECK(rbuf[k] == byte_at(s, me, idx, k));
			next[s]++;
			got++;
			total_bytes += q->size;
		}
		total_msgs += (unsigned long long)got;
		CHECK(pb_barrier(job) == 0);
		for (int s = 0; s < n; s++)
			free(order[s]);
		for (int w = 0; w < W; w++)
			free(sbuf[w]);
		free(order);
		free(p);
		free(expect);
		free(next);
		round++;
		/* everyone must agree whether to go on: rank 0 decides */
		int go = seconds > 0 && now() < t_end;
		if (me == 0)
			for (int d = 1; d < n; d++)
				CHECK(pb_send(job, d, 99, &go, sizeof(go)) == 0);
		else
			CHECK(pb_recv(job, 0, 99, &go, sizeof(go), NULL) == 0);
		if (!go)
			break;
	} while (1);
	printf("rank %d: verified %llu messages, %llu bytes in %d rounds\n",
	       me, total_msgs, total_bytes, round);
	free(rbuf);
	int rc = pb_close(job);
	if (rc)
		fprintf(stderr, "rank %d: pb_close: %s\n", me, pb_strerror(rc));
	CHECK(rc == 0);
	return 0;
}
