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
 *  2. ANY_SOURCE + a given tag: every sender sends tags j and 500+j
 *     interleaved; rank 0 asks for tag m-1 down to 0, then 500+m-1 down to
 *     500: each receive gets a message with exactly that tag, one from
 *     every sender, although messages with other tags arrived first.
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
		return j;
	if (phase == 4)
		return 500 + j;
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
			/* phase 2 sends, for each j, tag j then tag 500+j */
			int per = phase == 2 ? 2 : 1;
			int cnt = m * per;
			pb_req **req = t_malloc(sizeof(*req) * cnt);
			uint8_t **sb = t_malloc(sizeof(*sb) * cnt);
			for (int x = 0; x < cnt; x++) {
				int j = x / per, alt = x % per;
				int ph = phase + 2 * alt; /* 4 = phase 2's tag 500+j */
				size_t len = size_of(me, ph, j);
				int tag = tag_of(me, ph, j);
				sb[x] = t_malloc(len);
				t_msg_fill(sb[x], len, me, 0, tag,
					   (uint64_t)(ph * 100000 + j));
				CHECK_OK(pb_isend(job, 0, tag, sb[x], len,
						  &req[x]));
			}
			CHECK_OK(pb_waitall(cnt, req, NULL));
			for (int x = 0; x < cnt; x++)
				free(sb[x]);
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

	/* phase 2: by tag, any source, newest tag first: all tags j, then
	 * all tags 500+j; each receive must get exactly its tag although
	 * older messages with other tags (from every source) come first */
	int *seen = t_malloc(sizeof(int) * n);
	for (int ph = 2; ph <= 4; ph += 2)
		for (int j = m - 1; j >= 0; j--) {
			int tag = tag_of(0, ph, j);
			memset(seen, 0, sizeof(int) * n);
			for (int c = 0; c < n - 1; c++) {
				CHECK_OK(pb_recv(job, PB_ANY_SOURCE, tag, buf,
						 MAXLEN, &st));
				CHECKF(st.tag == tag, "asked for tag %d, got %d",
				       tag, st.tag);
				CHECK(st.source >= 1 && st.source < n);
				CHECKF(!seen[st.source]++, "tag %d twice from %d",
				       tag, st.source);
				CHECK(st.len == size_of(st.source, ph, j));
				T_MSG_VERIFY(buf, st.len, st.source, 0, st.tag,
					     (uint64_t)(ph * 100000 + j));
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
