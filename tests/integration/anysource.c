/*
 * anysource.c - rank 0 receives from PB_ANY_SOURCE / PB_ANY_TAG.
 *
 * usage: anysource M
 *   every other rank sends M messages of varied sizes (each with a header
 *   naming source, tag, sequence and length) in three phases.
 *
 * Shows:
 *  1. ANY_SOURCE + ANY_TAG: each status names the source, tag and length
 *     the payload header says, every message is delivered once, and per
 *     source the sequence numbers come in order (per-pair order among
 *     messages matching the receive).
 *  2. ANY_SOURCE + a given tag, tags taken in reverse order: each receive
 *     gets a message with that tag, one from every sender.
 *  3. a given source + ANY_TAG, sources taken in reverse order: all of
 *     that source's messages, in the order sent.
 */
#include <string.h>

#include "common.h"

static const size_t sizes[] = {40, 47, 48, 49, 100, 4095, 4097, 70000,
			       300000};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define MAXLEN 300000

static size_t size_of(int src, int phase, int j)
{
	return sizes[(src * 7 + phase * 3 + j) % NSIZES];
}

static int tag_of(int src, int phase, int j)
{
	if (phase == 2)
		return 1000 + j;
	return (src * 31 + j * 17) % 97; /* many tags, repeated */
}

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int m = (int)t_arg(argc, argv, 1, 20);
	CHECKF(n >= 2, "needs 2 ranks or more");
	uint8_t *buf = t_malloc(MAXLEN);

	if (me != 0) {
		for (int phase = 1; phase <= 3; phase++) {
			pb_req **req = t_malloc(sizeof(*req) * m);
			uint8_t **sb = t_malloc(sizeof(*sb) * m);
			for (int j = 0; j < m; j++) {
				size_t len = size_of(me, phase, j);
				int tag = tag_of(me, phase, j);
				sb[j] = t_malloc(len);
				t_msg_fill(sb[j], len, me, 0, tag,
					   (uint64_t)(phase * 100000 + j));
				CHECK_OK(pb_isend(job, 0, tag, sb[j], len,
						  &req[j]));
			}
			CHECK_OK(pb_waitall(m, req, NULL));
			for (int j = 0; j < m; j++)
				free(sb[j]);
			free(sb);
			free(req);
			/* phases apart, so phase 1's wildcard receives cannot
			 * take phase 2's messages */
			CHECK_OK(pb_barrier(job));
		}
		free(buf);
		t_close(job, "anysource");
		return 0;
	}

	int *next = t_malloc(sizeof(int) * n);
	/* phase 1 */
	memset(next, 0, sizeof(int) * n);
	for (int got = 0; got < (n - 1) * m; got++) {
		pb_status st;
		memset(buf, 0, 64);
		CHECK_OK(pb_recv(job, PB_ANY_SOURCE, PB_ANY_TAG, buf, MAXLEN,
				 &st));
		struct t_hdr h;
		T_MSG_HEADER(buf, st.len, &h);
		CHECKF(st.source == h.src && st.tag == h.tag &&
			       st.len == h.len && h.dst == 0 && st.error == 0,
		       "status source %d tag %d len %zu, header src %d tag %d "
		       "len %llu", st.source, st.tag, st.len, h.src, h.tag,
		       (unsigned long long)h.len);
		CHECK(st.source >= 1 && st.source < n);
		int j = next[st.source]++;
		CHECKF(h.seq == (uint64_t)(100000 + j),
		       "from %d: message seq %llu, want %d (order or loss)",
		       st.source, (unsigned long long)h.seq, 100000 + j);
		CHECK(st.len == size_of(st.source, 1, j));
		CHECK(st.tag == tag_of(st.source, 1, j));
		T_MSG_VERIFY(buf, st.len, st.source, 0, st.tag, h.seq);
	}
	for (int s = 1; s < n; s++)
		CHECK(next[s] == m);
	int found = 1;
	pb_status st;
	CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found, &st));
	CHECKF(!found, "phase 1: a message too many (from %d tag %d)",
	       st.source, st.tag);
	CHECK_OK(pb_barrier(job));

	/* phase 2: by tag, newest tag first, any source */
	int *seen = t_malloc(sizeof(int) * n);
	for (int j = m - 1; j >= 0; j--) {
		memset(seen, 0, sizeof(int) * n);
		for (int c = 0; c < n - 1; c++) {
			CHECK_OK(pb_recv(job, PB_ANY_SOURCE, 1000 + j, buf,
					 MAXLEN, &st));
			CHECK(st.tag == 1000 + j);
			CHECK(st.source >= 1 && st.source < n);
			CHECKF(!seen[st.source]++, "tag %d twice from %d",
			       1000 + j, st.source);
			CHECK(st.len == size_of(st.source, 2, j));
			T_MSG_VERIFY(buf, st.len, st.source, 0, st.tag,
				     (uint64_t)(200000 + j));
		}
	}
	CHECK_OK(pb_barrier(job));

	/* phase 3: by source, last source first, any tag, in send order */
	for (int s = n - 1; s >= 1; s--)
		for (int j = 0; j < m; j++) {
			CHECK_OK(pb_recv(job, s, PB_ANY_TAG, buf, MAXLEN, &st));
			CHECK(st.source == s);
			CHECKF(st.tag == tag_of(s, 3, j) &&
				       st.len == size_of(s, 3, j),
			       "from %d message %d: tag %d len %zu, want tag %d "
			       "len %zu", s, j, st.tag, st.len, tag_of(s, 3, j),
			       size_of(s, 3, j));
			T_MSG_VERIFY(buf, st.len, s, 0, st.tag,
				     (uint64_t)(300000 + j));
		}
	CHECK_OK(pb_iprobe(job, PB_ANY_SOURCE, PB_ANY_TAG, &found, &st));
	CHECK(!found);
	CHECK_OK(pb_barrier(job));
	free(seen);
	free(next);
	free(buf);
	t_close(job, "anysource");
	return 0;
}
