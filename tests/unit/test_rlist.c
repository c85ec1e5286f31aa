/*
 * test_rlist.c - the sender's receiver list (src/core/rlist.c; c7, c10,
 * c18-c21, c27-c30).
 *
 * Shows: receivers are kept in the order the sender last sent to them
 * (c27), each with the count of pool blocks it holds (c18, c19, c29); a
 * receiver leaves the list when its count reaches zero (c20, c30) and a
 * send of zero blocks to an unlisted receiver does not list it; the
 * foreach_safe walk survives removing the current entry; a randomized run
 * matches a plain reference model.
 */
#include <string.h>

#include "core/rlist.h"
#include "check.h"

#define MAXN 16

/* Compare the list, walked both ways, with the expected ranks in order.
 * Also checks len, the linked flags and the blocks counts. */
static int expect_order(const struct pb_rlist *l, const int *ranks, int n,
			int line)
{
	int ok = 1;
	const struct pb_rlist_node *it = l->head.next;
	int i = 0;
	for (; it != &l->head && i <= n; it = it->next, i++) {
		if (i == n || it->rank != ranks[i] || !it->linked ||
		    it->blocks == 0 || it->next->prev != it)
			ok = 0;
	}
	if (i != n || (uint32_t)n != l->len)
		ok = 0;
	/* backwards too: prev links are what unlink relies on */
	it = l->head.prev;
	for (i = n - 1; ok && i >= 0; i--, it = it->prev)
		if (it == &l->head || it->rank != ranks[i])
			ok = 0;
	if (ok && it != &l->head)
		ok = 0;
	if (!ok) {
		check_failures++;
		fprintf(stderr, "%s:%d: list order wrong; expected [", __FILE__,
			line);
		for (i = 0; i < n; i++)
			fprintf(stderr, " %d", ranks[i]);
		fprintf(stderr, " ] (len %d), got [", n);
		int guard = 0;
		for (it = l->head.next; it != &l->head && guard++ < 64;
		     it = it->next)
			fprintf(stderr, " %d/%u", it->rank, it->blocks);
		fprintf(stderr, " ] (len %u)\n", l->len);
	}
	return ok;
}

#define EXPECT(l, ...)                                                       \
	do {                                                                 \
		const int exp_[] = {__VA_ARGS__};                            \
		expect_order((l), exp_, (int)(sizeof(exp_) / sizeof(int)),   \
			     __LINE__);                                      \
	} while (0)
#define EXPECT_EMPTY(l) expect_order((l), NULL, 0, __LINE__)

static void test_order_and_counts(void)
{
	struct pb_rlist l;
	struct pb_rlist_node n[5];
	pb_rlist_init(&l);
	EXPECT_EMPTY(&l);
	for (int i = 0; i < 5; i++) {
		pb_rlist_node_init(&n[i], 10 + i, i % 2);
		CHECK_EQ(n[i].rank, 10 + i);
		CHECK_EQ(n[i].node, i % 2);
		CHECK_EQ(n[i].blocks, 0);
		CHECK_EQ(n[i].linked, 0);
	}

	/* c7, c27: listed in the order of sending */
	pb_rlist_sent(&l, &n[0], 2);
	pb_rlist_sent(&l, &n[1], 1);
	pb_rlist_sent(&l, &n[2], 3);
	EXPECT(&l, 10, 11, 12);
	CHECK_EQ(n[0].blocks, 2);
	CHECK_EQ(n[1].blocks, 1);
	CHECK_EQ(n[2].blocks, 3);

	/* sending again moves a receiver to the end, blocks add up (c18,
	 * c19, c29) */
	pb_rlist_sent(&l, &n[0], 4);
	EXPECT(&l, 11, 12, 10);
	CHECK_EQ(n[0].blocks, 6);

	/* the most recent stays the most recent */
	pb_rlist_sent(&l, &n[0], 1);
	EXPECT(&l, 11, 12, 10);
	CHECK_EQ(n[0].blocks, 7);

	/* a send of zero blocks (inline message) to a listed receiver still
	 * makes it the most recent: the order is that of communication */
	pb_rlist_sent(&l, &n[1], 0);
	EXPECT(&l, 12, 10, 11);
	CHECK_EQ(n[1].blocks, 1);

	/* a send of zero blocks to an unlisted receiver does not list it
	 * (c30: it consumes no block) */
	pb_rlist_sent(&l, &n[3], 0);
	EXPECT(&l, 12, 10, 11);
	CHECK_EQ(n[3].linked, 0);
	CHECK_EQ(n[3].blocks, 0);
	/* its first block does */
	pb_rlist_sent(&l, &n[3], 1);
	EXPECT(&l, 12, 10, 11, 13);

	/* released: count goes down (c18), stays listed in place while > 0 */
	CHECK_EQ(pb_rlist_released(&l, &n[0], 3), 4);
	EXPECT(&l, 12, 10, 11, 13);
	CHECK_EQ(pb_rlist_released(&l, &n[2], 1), 2);
	EXPECT(&l, 12, 10, 11, 13);

	/* at zero it leaves the list (c20, c30) */
	CHECK_EQ(pb_rlist_released(&l, &n[2], 2), 0);
	EXPECT(&l, 10, 11, 13);
	CHECK_EQ(n[2].linked, 0);
	CHECK_EQ(n[2].blocks, 0);
	/* the middle, then the tail, then the head */
	CHECK_EQ(pb_rlist_released(&l, &n[1], 1), 0);
	EXPECT(&l, 10, 13);
	CHECK_EQ(pb_rlist_released(&l, &n[3], 1), 0);
	EXPECT(&l, 10);

	/* releasing more than held clamps at zero and unlists */
	CHECK_EQ(pb_rlist_released(&l, &n[0], 100), 0);
	EXPECT_EMPTY(&l);
	CHECK_EQ(n[0].linked, 0);

	/* releasing from an unlisted receiver with nothing is harmless */
	CHECK_EQ(pb_rlist_released(&l, &n[4], 5), 0);
	CHECK_EQ(pb_rlist_released(&l, &n[4], 0), 0);
	EXPECT_EMPTY(&l);

	/* a receiver that left can come back, at the end */
	pb_rlist_sent(&l, &n[4], 2);
	pb_rlist_sent(&l, &n[2], 1);
	pb_rlist_sent(&l, &n[0], 1);
	EXPECT(&l, 14, 12, 10);
	CHECK_EQ(n[2].blocks, 1);
	CHECK_EQ(n[0].blocks, 1);

	/* released of 0 blocks changes nothing */
	CHECK_EQ(pb_rlist_released(&l, &n[2], 0), 1);
	EXPECT(&l, 14, 12, 10);
}

/* Reclaim walks the list and releases entries while walking (c10, c28). */
static void test_foreach_safe(void)
{
	struct pb_rlist l;
	struct pb_rlist_node n[10], *it, *tmp;
	pb_rlist_init(&l);
	for (int i = 0; i < 10; i++) {
		pb_rlist_node_init(&n[i], i, i % 3);
		pb_rlist_sent(&l, &n[i], 1 + (uint32_t)i);
	}
	EXPECT(&l, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

	/* release everything of node 0's receivers while walking (c28:
	 * reclaim only looks at one node) */
	int visited[10] = {0}, count = 0;
	pb_rlist_foreach_safe(&l, it, tmp)
	{
		visited[it->rank]++;
		count++;
		if (it->node == 0)
			CHECK_EQ(pb_rlist_released(&l, it, it->blocks), 0);
	}
	CHECK_EQ(count, 10);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(visited[i], 1);
	EXPECT(&l, 1, 2, 4, 5, 7, 8);

	/* partial releases keep entries; removing the last entry while on it
	 * ends the walk cleanly */
	count = 0;
	pb_rlist_foreach_safe(&l, it, tmp)
	{
		count++;
		pb_rlist_released(&l, it, it->rank == 8 ? it->blocks : 1);
	}
	CHECK_EQ(count, 6);
	EXPECT(&l, 1, 2, 4, 5, 7);
	CHECK_EQ(n[1].blocks, 1);
	CHECK_EQ(n[2].blocks, 2);
	CHECK_EQ(n[7].blocks, 7);

	/* empty the whole list while walking */
	count = 0;
	pb_rlist_foreach_safe(&l, it, tmp)
	{
		count++;
		pb_rlist_released(&l, it, UINT32_MAX);
	}
	CHECK_EQ(count, 5);
	EXPECT_EMPTY(&l);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(n[i].linked, 0);

	/* a walk over an empty list does nothing */
	count = 0;
	pb_rlist_foreach_safe(&l, it, tmp) count++;
	CHECK_EQ(count, 0);
}

/* Random sends and releases against a reference: an array of ranks in
 * order of last send, with counts. */
static void model_check(int ops)
{
	struct pb_rlist l;
	struct pb_rlist_node n[MAXN];
	uint32_t blocks[MAXN] = {0};
	int order[MAXN], norder = 0; /* reference list */
	pb_rlist_init(&l);
	for (int i = 0; i < MAXN; i++)
		pb_rlist_node_init(&n[i], i, i % 4);

	for (int op = 0; op < ops && check_failures == 0; op++) {
		int k = (int)check_below(MAXN);
		uint32_t nb = (uint32_t)check_below(5); /* 0..4 */
		int pos = -1;
		for (int i = 0; i < norder; i++)
			if (order[i] == k)
				pos = i;
		if (check_below(2)) {
			pb_rlist_sent(&l, &n[k], nb);
			blocks[k] += nb;
			if (pos >= 0) {
				memmove(order + pos, order + pos + 1,
					(size_t)(norder - pos - 1) *
						sizeof(int));
				norder--;
			}
			if (blocks[k])
				order[norder++] = k;
		} else {
			uint32_t left = pb_rlist_released(&l, &n[k], nb);
			blocks[k] = nb >= blocks[k] ? 0 : blocks[k] - nb;
			CHECK_EQ(left, blocks[k]);
			if (!blocks[k] && pos >= 0) {
				memmove(order + pos, order + pos + 1,
					(size_t)(norder - pos - 1) *
						sizeof(int));
				norder--;
			}
		}
		if (!expect_order(&l, order, norder, __LINE__))
			fprintf(stderr, "  after op %d on rank %d (%u)\n", op,
				k, nb);
		for (int i = 0; i < MAXN; i++) {
			CHECKF(n[i].blocks == blocks[i],
			       "op %d rank %d: blocks %u, reference %u", op, i,
			       n[i].blocks, blocks[i]);
			CHECKF(n[i].linked == (blocks[i] > 0),
			       "op %d rank %d: linked %d with %u blocks", op, i,
			       n[i].linked, blocks[i]);
		}
	}
}

int main(void)
{
	check_seed();
	test_order_and_counts();
	test_foreach_safe();
	model_check(20000);
	return check_done("test_rlist");
}
