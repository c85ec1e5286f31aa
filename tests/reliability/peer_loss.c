/*
 * peer_loss.c - a rank dies (SIGKILL) and the survivors' calls that depend
 * on it return PB_EPEER, while the calls that do not depend on it still
 * work. Run with 3 ranks under rlaunch (which, unlike pbrun, lets the
 * survivors run on): rank 2 dies, ranks 0 and 1 survive.
 *
 *   peer_loss recv-large       rank 2 dies in the middle of a message far
 *                              beyond the cycle size to rank 0: some pieces
 *                              are in rank 0's node, the rest never comes
 *   peer_loss recv-random SEED rank 2 streams messages of random sizes to
 *                              rank 0 and a timer kills it at a random
 *                              moment (mid-message, mid-piece, mid-copy);
 *                              every message rank 0 got before is intact
 *   peer_loss send-ring        rank 0 sends small messages to rank 2, which
 *                              never receives and dies: rank 0 blocks on the
 *                              full ring and gets PB_EPEER
 *   peer_loss send-pool        the same with messages that need the pool:
 *                              blocked on a full pool, then PB_EPEER, also
 *                              through pb_isend + pb_wait
 *   peer_loss send-pool-shared send-pool, then rank 0 sends pool-sized and
 *                              larger messages to rank 1, which lives on
 *                              the dead rank's node and so shares rank 0's
 *                              pool there with it
 *   peer_loss before-open      rank 2 dies before pb_open; rank 0's receive
 *                              from it must still end with PB_EPEER
 *
 * In every case ranks 0 and 1 then exchange messages of every size class in
 * both directions, and their pb_close (whose barrier needs rank 2) returns
 * PB_EPEER instead of hanging.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include "rel.h"

#define BIG (4u << 20)

static pb_job *job;

static void die_now(void)
{
	fflush(NULL);
	raise(SIGKILL);
	for (;;)
		pause();
}

static void on_alarm(int sig)
{
	(void)sig;
	raise(SIGKILL); /* wherever the rank was: mid-copy, mid-piece... */
}

/* Ranks 0 and 1 still talk: every size class, both ways, every byte. */
static void survivors(void)
{
	static const size_t sizes[] = {0, 1, 40, 64, 4096, 70000, 262144,
				       300000, 2u << 20};
	size_t ns = sizeof(sizes) / sizeof(sizes[0]);
	uint8_t *s = malloc(2u << 20), *r = malloc(2u << 20);
	int peer = 1 - rel_rank;
	CHECK(s && r);
	for (int round = 0; round < 3; round++)
		for (size_t k = 0; k < ns; k++) {
			uint64_t idx = round * 100 + k;
			pb_status st;
			rel_fill(s, rel_rank, peer, idx, sizes[k]);
			if (rel_rank == 0) {
				CHECK_RC(pb_send(job, peer, 7, s, sizes[k]), 0);
				CHECK_RC(pb_recv(job, peer, 7, r, 2u << 20,
						 &st), 0);
			} else {
				CHECK_RC(pb_recv(job, peer, 7, r, 2u << 20,
						 &st), 0);
				CHECK_RC(pb_send(job, peer, 7, s, sizes[k]), 0);
			}
			CHECK(st.source == peer && st.len == sizes[k]);
			CHECK(rel_diff(r, peer, rel_rank, idx, sizes[k]) < 0);
		}
	/* and a non-blocking exchange */
	pb_req *q[2];
	rel_fill(s, rel_rank, peer, 999, 100000);
	CHECK_RC(pb_irecv(job, peer, 8, r, 2u << 20, &q[0]), 0);
	CHECK_RC(pb_isend(job, peer, 8, s, 100000, &q[1]), 0);
	CHECK_RC(pb_waitall(2, q, NULL), 0);
	CHECK(rel_diff(r, peer, rel_rank, 999, 100000) < 0);
	free(s);
	free(r);
	printf("rank %d: survivors still exchange messages\n", rel_rank);
}

static void finish(void)
{
	if (rel_rank < 2) {
		survivors();
		/* the closing barrier needs rank 2: an error, not a hang */
		int rc = pb_close(job);
		if (rc != PB_EPEER) {
			fprintf(stderr, "rank %d: pb_close returned %d (%s), "
					"want PB_EPEER\n",
				rel_rank, rc, pb_strerror(rc));
			exit(1);
		}
	}
	exit(0);
}

static size_t stream_size(uint64_t *s)
{
	uint64_t r = rel_rng(s) % 100;
	size_t lim = r < 30 ? 48 : r < 60 ? 8192 : r < 85 ? 262144 : 1u << 20;
	return (size_t)(rel_rng(s) % (lim + 1));
}

static void recv_random(uint64_t seed)
{
	if (rel_rank == 2) {
		/* die between 1 and 300 ms from now, at whatever point the
		 * stream is */
		uint64_t s = seed;
		long us = 1000 + (long)(rel_rng(&s) % 300000);
		struct itimerval it = {{0, 0}, {us / 1000000, us % 1000000}};
		uint8_t *b = malloc(1u << 20);
		CHECK(b);
		signal(SIGALRM, on_alarm);
		CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
		uint64_t st = seed * 31 + 1;
		for (uint64_t i = 0;; i++) {
			size_t len = stream_size(&st);
			rel_fill(b, 2, 0, i, len);
			int rc = pb_send(job, 0, (int)(i % 1000), b, len);
			if (rc) {
				fprintf(stderr, "rank 2: send %llu: %s\n",
					(unsigned long long)i, pb_strerror(rc));
				exit(1);
			}
		}
	}
	if (rel_rank == 0) {
		uint8_t *b = malloc(1u << 20);
		uint64_t st = seed * 31 + 1, i;
		size_t bytes = 0;
		int rc;
		CHECK(b);
		for (i = 0;; i++) {
			pb_status s;
			size_t len = stream_size(&st);
			rc = pb_recv(job, 2, PB_ANY_TAG, b, 1u << 20, &s);
			if (rc)
				break;
			CHECK(s.source == 2 && s.tag == (int)(i % 1000));
			CHECK(s.len == len);
			long at = rel_diff(b, 2, 0, i, len);
			if (at >= 0) {
				fprintf(stderr, "rank 0: message %llu from 2: "
						"byte %ld of %zu wrong\n",
					(unsigned long long)i, at, len);
				exit(1);
			}
			bytes += len;
		}
		CHECK_RC(rc, PB_EPEER);
		printf("rank 0: %llu intact messages (%zu bytes) from rank 2, "
		       "then PB_EPEER\n",
		       (unsigned long long)i, bytes);
	}
	finish();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "before-open")) {
		/* no pb_open at all: the rank dies while peers may already
		 * wait for it */
		if (atoi(getenv("PB_RANK") ? getenv("PB_RANK") : "0") == 2)
			die_now();
	}
	CHECK_RC(pb_open(&job), 0);
	rel_rank = pb_rank(job);
	CHECK(pb_size(job) == 3);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(mode, "before-open")) {
		if (rel_rank == 0) {
			char c;
			CHECK_RC(pb_recv(job, 2, 1, &c, 1, NULL), PB_EPEER);
			printf("rank 0: receive from a rank that died before "
			       "pb_open: PB_EPEER\n");
		}
		finish();
	}
	/* everyone is open before anyone dies (except in before-open) */
	CHECK_RC(pb_barrier(job), 0);

	if (!strcmp(mode, "recv-large")) {
		if (rel_rank == 2) {
			uint8_t *b = malloc(BIG);
			pb_req *q;
			CHECK(b);
			rel_fill(b, 2, 0, 1, BIG);
			/* isend writes the first cycle's pieces at once, then
			 * would wait for acks: die holding the pool blocks,
			 * with the message half told */
			CHECK_RC(pb_isend(job, 0, 1, b, BIG, &q), 0);
			die_now();
		}
		if (rel_rank == 0) {
			uint8_t *b = malloc(BIG);
			pb_status st;
			CHECK(b);
			double t = rel_now();
			CHECK_RC(pb_recv(job, 2, 1, b, BIG, &st), PB_EPEER);
			printf("rank 0: receive of a half-sent message: "
			       "PB_EPEER after %.3f s\n",
			       rel_now() - t);
			/* asking again: the same answer, no hang */
			CHECK_RC(pb_recv(job, 2, PB_ANY_TAG, b, BIG, &st),
				 PB_EPEER);
			CHECK_RC(pb_probe(job, 2, PB_ANY_TAG, &st), PB_EPEER);
			free(b);
		}
		finish();
	}
	if (!strcmp(mode, "recv-random")) {
		recv_random(argc > 2 ? strtoull(argv[2], NULL, 0) : 1);
	}
	if (!strcmp(mode, "send-ring") || !strcmp(mode, "send-pool") ||
	    !strcmp(mode, "send-pool-shared")) {
		int small = !strcmp(mode, "send-ring");
		size_t len = small ? 8 : 65536;
		if (rel_rank == 2)
			die_now(); /* never receives anything */
		if (rel_rank == 0) {
			uint8_t *b = calloc(1, 1u << 20);
			int rc = 0, i;
			CHECK(b);
			double t = rel_now();
			for (i = 0; i < 100000; i++)
				if ((rc = pb_send(job, 2, 1, b, len)))
					break;
			CHECK_RC(rc, PB_EPEER);
			printf("rank 0: %d sends to the dead rank fitted, the "
			       "next got PB_EPEER after %.3f s\n",
			       i, rel_now() - t);
			if (!small) {
				/* a peer known dead may fail the isend
				 * itself, or its wait */
				pb_req *q;
				int rs = pb_isend(job, 2, 1, b, len, &q);
				if (rs == 0)
					CHECK_RC(pb_wait(&q, NULL), PB_EPEER);
				else
					CHECK_RC(rs, PB_EPEER);
			}
			if (!strcmp(mode, "send-pool-shared")) {
				/* rank 1 is alive; only the dead rank holds
				 * blocks of this pool */
				for (int k = 0; k < 40; k++) {
					size_t l = k % 2 ? 65536 : 1u << 20;
					rel_fill(b, 0, 1, k, l);
					CHECK_RC(pb_send(job, 1, 2, b, l), 0);
				}
				printf("rank 0: the pool shared with the dead "
				       "rank still serves rank 1\n");
			}
			free(b);
		}
		if (rel_rank == 1 && !strcmp(mode, "send-pool-shared")) {
			uint8_t *b = malloc(1u << 20);
			CHECK(b);
			for (int k = 0; k < 40; k++) {
				size_t l = k % 2 ? 65536 : 1u << 20;
				pb_status st;
				CHECK_RC(pb_recv(job, 0, 2, b, 1u << 20, &st),
					 0);
				CHECK(st.len == l);
				CHECK(rel_diff(b, 0, 1, k, l) < 0);
			}
			free(b);
		}
		finish();
	}
	fprintf(stderr, "usage: peer_loss recv-large|recv-random SEED|"
			"send-ring|send-pool|send-pool-shared|before-open\n");
	return 2;
}
