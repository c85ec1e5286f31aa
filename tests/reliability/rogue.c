/*
 * rogue.c - traffic that a rogue writer (scribble.c) corrupts while it
 * flows. Every rank sends to every other rank, round after round, messages
 * of random sizes (inline, pool, beyond the cycle size), and receives with
 * specific sources (no PB_ANY_SOURCE: a wait must depend on a rank that can
 * be seen to die).
 *
 *   rogue ROUNDS SEED
 *
 * The test is that no rank crashes and none hangs: every call either works
 * or returns PB_ECORRUPT (an impossible value seen) or PB_EPEER (a rank it
 * depends on is gone). A rank meeting either stops at once without
 * pb_close, so the ranks that wait on it see it die; so does a rank that
 * finished (see the end of main). Wrong bytes that pass
 * every check (a scribble inside a payload, a plausible length) cannot be
 * told from data: they are counted, not failed; so is PB_ETRUNC (a
 * plausible but larger length). Any other error code fails the rank.
 * Prints "rank R: outcome ..." in every case.
 */
#include "rel.h"

#define PER 3          /* messages per pair and round */
#define MAXLEN 300000

static int n;
static unsigned long wrong_bytes, truncated, msgs;

static size_t pick(uint64_t *s)
{
	uint64_t r = rel_rng(s) % 10;
	size_t lim = r < 4 ? 100 : r < 7 ? 8192 : MAXLEN;
	return (size_t)(rel_rng(s) % (lim + 1));
}

/* what sender src sends to dst in round rd, message k */
static size_t plan(uint64_t seed, int rd, int src, int dst, int k)
{
	uint64_t s = seed ^ rel_mix((uint64_t)rd << 40 | (uint64_t)src << 20 |
				    (uint64_t)dst << 4 | (uint64_t)k);
	return pick(&s);
}

static void stop(int rc, int rd)
{
	printf("rank %d: outcome %s in round %d (%lu messages, %lu with "
	       "wrong bytes, %lu truncated)\n",
	       rel_rank, pb_strerror(rc), rd, msgs, wrong_bytes, truncated);
	fflush(stdout);
	if (rc == PB_ECORRUPT || rc == PB_EPEER)
		exit(0);
	exit(1);
}

int main(int argc, char **argv)
{
	pb_job *job;
	if (argc < 3)
		return 2;
	int rounds = atoi(argv[1]);
	uint64_t seed = strtoull(argv[2], NULL, 0);
	int rc = pb_open(&job);
	if (rc == PB_ECORRUPT || rc == PB_EPEER || rc == PB_EPERM) {
		printf("rank ?: outcome %s at pb_open\n", pb_strerror(rc));
		return rc == PB_EPERM ? 1 : 0;
	}
	CHECK_RC(rc, 0);
	rel_rank = pb_rank(job);
	n = pb_size(job);
	setvbuf(stdout, NULL, _IOLBF, 0);
	int me = rel_rank, npeer = n - 1;
	pb_req **rq = calloc((size_t)npeer * PER, sizeof(*rq));
	pb_req **sq = calloc((size_t)npeer * PER, sizeof(*sq));
	uint8_t **rb = calloc((size_t)npeer * PER, sizeof(*rb));
	uint8_t **sb = calloc((size_t)npeer * PER, sizeof(*sb));
	CHECK(rq && sq && rb && sb);
	for (int i = 0; i < npeer * PER; i++) {
		rb[i] = malloc(MAXLEN);
		sb[i] = malloc(MAXLEN);
		CHECK(rb[i] && sb[i]);
	}
	for (int rd = 0; rd < rounds; rd++) {
		int i = 0;
		for (int p = 0; p < n; p++)
			for (int k = 0; p != me && k < PER; k++, i++)
				if ((rc = pb_irecv(job, p, PB_ANY_TAG, rb[i],
						   MAXLEN, &rq[i])))
					stop(rc, rd);
		i = 0;
		for (int p = 0; p < n; p++)
			for (int k = 0; p != me && k < PER; k++, i++) {
				size_t len = plan(seed, rd, me, p, k);
				rel_fill(sb[i], me, p, (uint64_t)rd * PER + k,
					 len);
				if ((rc = pb_isend(job, p, k, sb[i], len,
						   &sq[i])))
					stop(rc, rd);
			}
		i = 0;
		for (int p = 0; p < n; p++)
			for (int k = 0; p != me && k < PER; k++, i++) {
				pb_status st;
				rc = pb_wait(&rq[i], &st);
				if (rc == PB_ETRUNC) {
					truncated++;
					continue;
				}
				if (rc)
					stop(rc, rd);
				msgs++;
				size_t len = plan(seed, rd, p, me, k);
				if (st.len != len || st.tag != k ||
				    rel_diff(rb[i], p, me,
					     (uint64_t)rd * PER + k, len) >= 0)
					wrong_bytes++;
			}
		for (i = 0; i < npeer * PER; i++)
			if ((rc = pb_wait(&sq[i], NULL)))
				stop(rc, rd);
	}
	/* no pb_close: a scribble can turn an indicator into another
	 * plausible one (another channel), and a peer still waiting for the
	 * original would then wait for us in the closing barrier as we wait
	 * for it. Exiting lets it see us gone (PB_EPEER); rlaunch removes the
	 * files. */
	printf("rank %d: outcome completed (%lu messages, %lu with wrong "
	       "bytes, %lu truncated)\n",
	       me, msgs, wrong_bytes, truncated);
	return 0;
}
