/*
 * connect.h - what connect.c (pairs within a host) shares with
 * connect_rma.c (pairs between hosts): segment names and create-or-attach.
 */
#ifndef PB_CONNECT_H
#define PB_CONNECT_H

#include "core/engine.h"

/* "d<sender>-n<node>": sender's data segment on node. */
void pb_conn_name_dseg(char *b, size_t n, int sender, int node);

/* Create name or, when someone else published it first, attach it. */
int pb_conn_ensure(struct pb_job *j, const char *name, uint64_t size,
		   pb_region_init_fn init, void *arg, struct pb_region **out);

/* Ack segment (node_a, node_b): on node_a, written by node_b's ranks;
 * created by whichever side comes first, validated either way. */
int pb_conn_aseg_get(struct pb_job *j, int node_a, int node_b,
		     struct pb_region **out);

/* init for a data segment: formats its header (pb_region_init_fn). */
struct pb_dseg_init {
	const struct pb_dseg_layout *l;
	uint32_t sender, node;
};
int pb_conn_init_dseg(void *base, uint64_t size, void *arg);

/* connect_rma.c: the remote halves of txconn_get, pb_txring_get and the
 * teardown, used by connect.c when the node is another host. */
int pb_rtx_conn_init(struct pb_job *j, struct pb_txconn *c);
void pb_rtx_conn_fini(struct pb_job *j, struct pb_txconn *c);
int pb_rtx_connect(struct pb_job *j, struct pb_txring *r, int dest);
void pb_rrx_fini(struct pb_job *j, struct pb_rxconn *x, int unlink_shared);

#endif
