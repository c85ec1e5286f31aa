/*
 * rlist.c - an intrusive list in communication order with block counts.
 */
#include "core/rlist.h"

void pb_rlist_init(struct pb_rlist *l)
{
	l->head.prev = l->head.next = &l->head;
	l->len = 0;
}

void pb_rlist_node_init(struct pb_rlist_node *n, int rank, int node)
{
	n->prev = n->next = n;
	n->rank = rank;
	n->node = node;
	n->blocks = 0;
	n->linked = 0;
}

static void unlink_node(struct pb_rlist *l, struct pb_rlist_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
	n->linked = 0;
	l->len--;
}

void pb_rlist_sent(struct pb_rlist *l, struct pb_rlist_node *n,
		   uint32_t nblocks)
{
	n->blocks += nblocks;
	if (n->linked) {
		if (n->next == &l->head)
			return; /* already the most recent */
		unlink_node(l, n);
	} else if (n->blocks == 0) {
		return; /* holds nothing: not worth a place on the list (c30) */
	}
	n->prev = l->head.prev;
	n->next = &l->head;
	l->head.prev->next = n;
	l->head.prev = n;
	n->linked = 1;
	l->len++;
}

uint32_t pb_rlist_released(struct pb_rlist *l, struct pb_rlist_node *n,
			   uint32_t nblocks)
{
	n->blocks = nblocks >= n->blocks ? 0 : n->blocks - nblocks;
	if (n->blocks == 0 && n->linked)
		unlink_node(l, n);
	return n->blocks;
}
