/*
 * rlist.h - the sender's receiver list (c7, c10, c18-c21, c27-c30).
 *
 * One entry per receiver that still holds blocks of this sender's pools,
 * kept in the order the sender last sent to them (oldest first), each with
 * the number of pool blocks it holds. Reclaiming walks it from the oldest
 * entry, so the receivers most likely to have acknowledged are asked first.
 */
#ifndef PB_RLIST_H
#define PB_RLIST_H

#include <stdint.h>

struct pb_rlist_node {
	struct pb_rlist_node *prev, *next;
	int rank;        /* the receiver */
	int node;        /* its node: reclaim only looks at one node (c28) */
	uint32_t blocks; /* pool blocks it holds (c18, c19, c29) */
	int linked;      /* on the list: blocks > 0 (c20, c30) */
};

struct pb_rlist {
	struct pb_rlist_node head; /* sentinel: head.next is the oldest */
	uint32_t len;
};

void pb_rlist_init(struct pb_rlist *l);
void pb_rlist_node_init(struct pb_rlist_node *n, int rank, int node);
/* The sender just sent to n using nblocks more blocks (maybe 0): n moves to
 * the end as the most recent (c27) and, holding blocks, is listed (c7). */
void pb_rlist_sent(struct pb_rlist *l, struct pb_rlist_node *n,
		   uint32_t nblocks);
/* nblocks of n were reclaimed (c18); at zero n leaves the list (c20).
 * Returns the blocks n still holds. */
uint32_t pb_rlist_released(struct pb_rlist *l, struct pb_rlist_node *n,
			   uint32_t nblocks);

#define pb_rlist_foreach_safe(l, it, tmp)                                     \
	for ((it) = (l)->head.next, (tmp) = (it)->next; (it) != &(l)->head;  \
	     (it) = (tmp), (tmp) = (it)->next)

#endif
