/*
 * ring.c - a token goes around the ranks, ROUNDS times.
 *
 * usage: ring ROUNDS SIZES
 *   SIZES: comma separated token sizes (K, M suffixes), one per round in
 *   turn.
 *
 * Shows: blocking send/recv between neighbours, within and across nodes,
 * for every size given. Each hop adds its rank+1 to a counter carried in
 * the token's first 8 bytes and rewrites the rest with the pattern of that
 * hop, so a stale, misplaced or mixed-up token is caught at the next rank;
 * status source, tag and length are checked on every hop, and the bytes
 * after the token in the receive buffer must stay untouched. First, every
 * rank checks pb_nodes / pb_node against the node map pbrun handed out
 * (PB_NODE_MAP, docs/launch.md).
 */
#include <string.h>

#include "common.h"

static uint64_t counter_after(int r, int h, int n)
{
	/* every full round adds 1+2+...+n, hop h of this one 1+...+(h+1) */
	return (uint64_t)r * n * (n + 1) / 2 + (uint64_t)(h + 1) * (h + 2) / 2;
}

static void make_token(uint8_t *buf, size_t len, int r, int h, uint64_t c)
{
	t_fill(buf, len, t_seed(0x51, (uint64_t)r, (uint64_t)h, len));
	if (len >= 8)
		memcpy(buf, &c, 8);
}

static void check_token(const uint8_t *buf, size_t len, int r, int h, int n)
{
	size_t off = len >= 8 ? 8 : 0;
	size_t d = t_diff(buf + off, len - off,
			  t_seed(0x51, (uint64_t)r, (uint64_t)h, len), off);
	CHECKF(d == SIZE_MAX, "round %d hop %d: byte %zu of %zu differs", r,
	       h, off + d, len);
	if (len >= 8) {
		uint64_t c;
		memcpy(&c, buf, 8);
		CHECKF(c == counter_after(r, h, n),
		       "round %d hop %d: counter %llu, want %llu", r, h,
		       (unsigned long long)c,
		       (unsigned long long)counter_after(r, h, n));
	}
}

/* pb_node and pb_nodes agree with the launcher's map. */
static void check_topology(pb_job *job)
{
	const char *map = getenv("PB_NODE_MAP");
	if (!map || !*map)
		return;
	int maxnode = -1;
	const char *p = map;
	for (int r = 0; r < t_size; r++) {
		char *end;
		long node = strtol(p, &end, 10);
		CHECKF(end != p, "PB_NODE_MAP '%s' too short", map);
		CHECKF(pb_node(job, r) == node, "pb_node(%d) = %d, the map "
		       "says %ld", r, pb_node(job, r), node);
		maxnode = node > maxnode ? (int)node : maxnode;
		p = *end == ',' ? end + 1 : end;
	}
	CHECKF(pb_nodes(job) == maxnode + 1, "pb_nodes %d, the map has %d",
	       pb_nodes(job), maxnode + 1);
}

int main(int argc, char **argv)
{
	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	CHECKF(n >= 2, "ring needs 2 ranks or more");
	check_topology(job);
	int rounds = (int)t_arg(argc, argv, 1, 10);
	uint64_t sizes[32];
	int nsizes = t_parse_list(t_arg_str(argc, argv, 2, "0,1,8,100,5000"),
				  sizes, 32);
	uint64_t max = 0;
	for (int i = 0; i < nsizes; i++)
		max = sizes[i] > max ? sizes[i] : max;
	uint8_t *buf = t_malloc(max + 64);
	int left = (me + n - 1) % n, right = (me + 1) % n;
	uint64_t carried = 0; /* counter of the last token received */

	for (int r = 0; r < rounds; r++) {
		size_t len = sizes[r % nsizes];
		/* hop h goes from rank h to rank h+1; rank 0 opens a round
		 * with hop 0 and closes it by receiving hop n-1 */
		for (int step = 0; step < 2; step++) {
			int sending = (me == 0) == (step == 0);
			if (sending) {
				make_token(buf, len, r, me, carried + me + 1);
				CHECK_OK(pb_send(job, right, r, buf, len));
				continue;
			}
			int h = left; /* the hop that arrives here */
			pb_status st;
			memset(buf, 0xee, len + 64);
			CHECK_OK(pb_recv(job, left, r, buf, len + 64, &st));
			CHECKF(st.source == left && st.tag == r &&
				       st.len == len && st.error == 0,
			       "round %d: status source %d tag %d len %zu "
			       "error %d, want %d %d %zu 0",
			       r, st.source, st.tag, st.len, st.error, left, r,
			       len);
			check_token(buf, len, r, h, n);
			for (size_t i = len; i < len + 64; i++)
				CHECKF(buf[i] == 0xee, "round %d: byte %zu past "
				       "the %zu-byte token written", r, i, len);
			carried = counter_after(r, h, n);
		}
	}
	free(buf);
	t_close(job, "ring");
	return 0;
}
