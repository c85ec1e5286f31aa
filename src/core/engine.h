/*
 * engine.h - private state of the core protocol engine.
 *
 * Sender side, per destination node B: a txconn (my data segment on B, the
 * bitmap of its pool, the ack segment on my node where B's ranks answer).
 * Per destination rank: a txring (my postbox ring for it, its sequence
 * counters, the blocks its unacknowledged messages hold, its place on the
 * receiver list, and the sends queued behind a full ring or pool).
 *
 * Receiver side, per sender that announced itself: an rxconn (its data
 * segment on my node, my ring in it, my ack block on its node).
 */
#ifndef PB_ENGINE_H
#define PB_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "postbox.h"
#include "boot/boot.h"
#include "core/layout.h"
#include "core/params.h"
#include "core/pool.h"
#include "core/rlist.h"
#include "medium/medium.h"
#include "medium/rma.h"

/* Matching contexts: a user channel c travels as ctx c; the library's own
 * traffic uses a context no channel can name, so it never meets a user
 * receive, not even one with PB_ANY_SOURCE and PB_ANY_TAG. */
enum { PB_CTX_COLL = 0xffff };

struct pb_held {
	uint32_t block, nblocks; /* blocks an indicator's payload holds */
};

struct pb_sendop {
	struct pb_sendop *next; /* FIFO of its txring */
	struct pb_req *req;     /* owning request, NULL for a blocking send */
	const uint8_t *buf;
	size_t len;
	size_t off;             /* bytes already written to the pool */
	uint64_t first_seq;     /* seq of its first indicator, once started */
	int dest;
	int32_t tag;
	uint16_t ctx;
	uint8_t started, done;
	uint8_t cma_wait;       /* CMA indicator out: done when it is acked */
	int error;
};

struct pb_txconn {
	int node;                  /* B */
	struct pb_region *seg;     /* my data segment on B */
	uint8_t *base;
	struct pb_dseg_layout l;
	struct pb_pool pool;       /* which blocks of it are in use */
	struct pb_region *aseg;    /* ack segment (my node, B) */
	uint32_t piece;            /* bytes per piece beyond the cycle size */
	/* B is another host (ofi): base is a private copy of the segment,
	 * the source of the RMA writes that fill the real one on B, and
	 * reused only when acks prove those writes landed */
	int remote;
	struct pb_rma_reg *shadow_reg;
	struct pb_rma_reg *aseg_reg; /* receivers of B write acks through it */
	struct pb_rkey aseg_rk;
};

struct pb_txring {
	struct pb_rlist_node rl;   /* receiver list entry: rank, node, blocks */
	struct pb_txconn *conn;
	uint32_t ring;             /* the receiver's index on its node */
	uint64_t next_seq;         /* seq of the next indicator (from 1) */
	uint64_t acked;            /* consumed count last read and reclaimed */
	struct pb_held *held;      /* [slots]: by (seq-1) mod K */
	struct pb_ack_block *ack;  /* where the receiver answers */
	struct pb_dir_entry *peer; /* receiver's entry: its doorbell */
	struct pb_sendop *q_head, *q_tail; /* sends waiting for room */
	struct pb_txring *pend_next;       /* on job->pend when queued */
	int pend_linked;
	int no_cma;                /* the receiver cannot read our memory */
	int error;                 /* sticky: corrupt ack */
	/* remote only: the receiver's registration of the segment on B */
	struct pb_rkey rk;
	int connected;             /* its answer to our request arrived */
};

/* A message that arrived (or is arriving) and was not matched when its
 * first indicator was read, or a matched one still arriving in pieces. */
#define PB_MSG_SMALL 128

struct pb_msg {
	struct pb_msg *next;       /* unexpected list, or job->msg_free */
	struct pb_recvop *rop;     /* matched receive, or NULL */
	uint8_t *buf;              /* destination: rop's buffer or own copy */
	size_t cap;                /* bytes buf can take */
	size_t total, got;
	int source;
	int32_t tag;
	uint16_t ctx;
	uint8_t complete;
	uint8_t heap;              /* buf was malloc'ed by us */
	size_t alloc;              /* heap: bytes allocated so far (<= cap) */
	uint8_t orphan;            /* its receive gave up: drop the rest */
	/* small unexpected messages wait here: no allocation per message */
	uint8_t small[PB_MSG_SMALL];
};

struct pb_recvop {
	struct pb_recvop *next;    /* posted list */
	struct pb_req *req;
	void *buf;
	size_t cap;
	int source;
	int32_t tag;
	uint16_t ctx;
	uint8_t done;
	pb_status st;
};

struct pb_rxconn {
	int sender;
	struct pb_region *seg;     /* sender's data segment on my node */
	struct pb_dseg_layout l;   /* validated snapshot of its header */
	uint8_t *base, *pool;
	uint32_t ring;             /* my index on my node */
	uint64_t next;             /* seq I expect next */
	uint64_t published;        /* last value written to my ack block */
	struct pb_ack_block *ack;  /* in the ack segment on the sender's node */
	struct pb_dir_entry *peer; /* sender's entry: its doorbell */
	struct pb_msg *cur;        /* message whose pieces are arriving */
	int error;                 /* sticky: PB_ECORRUPT */
	int refused;               /* the sender was told (poisoned ack) */
	int no_cma;                /* we told the sender we cannot read it */
	/* the sender is on another host (ofi): ack is a private copy of my
	 * ack block, sent with an RMA write to ack_rk + ack_off */
	int remote;
	struct pb_rma_reg *seg_reg; /* my mapping, the target of its writes */
	struct pb_rkey seg_rk;
	struct pb_rkey ack_rk;
	uint64_t ack_off;
	uint32_t odd;              /* polls in a row that saw a torn seq */
	uint32_t pool_unacked;     /* pool blocks consumed, not acked yet */
};

enum pb_req_kind { PB_REQ_SEND = 1, PB_REQ_RECV = 2 };

struct pb_req {
	int kind;
	struct pb_job *job;
	struct pb_req *next_free; /* on job->req_free once completed */
	union {
		struct pb_sendop s;
		struct pb_recvop r;
	} u;
};

#define PB_JOB_MAGIC 0x706f7374626f78ull
#define PB_JOB_CLOSED 0x636c6f736564ull

struct pb_job {
	uint64_t magic;
	struct pb_boot boot;
	struct pb_params par;
	struct pb_medium med;
	int rank, size, node, nnodes;
	int sleepy;        /* PB_WAIT=sleep: ring doorbells after publishing */
	uint32_t pid;      /* ours, for CMA indicators */
	int *local;        /* [size]: index of a rank on its node */
	int *nlocal;       /* [nnodes]: ranks per node */
	int *leader;       /* [nnodes]: lowest rank of each node */

	/* sender side */
	struct pb_txconn **tx_node;  /* [nnodes], lazily */
	struct pb_txring **tx_rank;  /* [size], lazily */
	struct pb_rlist rlist;       /* receivers holding my blocks */
	struct pb_txring *pend;      /* rings with queued sends */

	/* receiver side */
	struct pb_region **dir;      /* [nnodes] directories, lazily */
	struct pb_region **aseg_in;  /* [nnodes] ack seg (that node, mine) */
	struct pb_dir_entry *my_entry;
	uint64_t dir_seen;           /* gen last scanned */
	struct pb_rxconn **rx_sender;/* [size] */
	struct pb_rxconn **rx;       /* the ones to poll */
	int nrx;

	/* matching */
	struct pb_recvop *posted_head, *posted_tail;
	struct pb_msg *unexp_head, *unexp_tail;

	/* between hosts (ofi): NULL when every pair goes through shm */
	struct pb_rma *rma;
	uint8_t *ack_shadow;         /* [size] ack blocks I send from */
	struct pb_rma_reg *ack_shadow_reg;

	int closing;                 /* in pb_close: peers may be gone */
	int acks_owed;               /* remote acks deferred (recv.c) */
	int error;                   /* first corruption met, reported once */
	struct pb_req *req_free;     /* recycled requests: no malloc per isend */
	struct pb_msg *msg_free;     /* recycled arrival records */
};

/* connect.c */
int pb_conn_init(struct pb_job *j);
void pb_conn_fini(struct pb_job *j, int unlink_shared);
int pb_txring_get(struct pb_job *j, int dest, struct pb_txring **out);
int pb_dir_poll(struct pb_job *j);
/* Is rank on another host, reached through the rma medium? */
static inline int pb_remote(const struct pb_job *j, int rank)
{
	return j->rma && j->boot.node_of[rank] != j->node;
}
/* Open the rma medium when pairs between nodes need it (job.c calls it
 * after pb_conn_init); close it last. */
int pb_conn_rma_open(struct pb_job *j);
void pb_conn_rma_close(struct pb_job *j);
/* Drive the rma medium: peers' writes land, connection requests and
 * answers are handled. */
int pb_conn_rma_poll(struct pb_job *j);
struct pb_dir_entry *pb_dir_entry_of(struct pb_job *j, int rank);

/* send.c */
/* Write as much of op as ring and pool allow: 1 when all written, 0 when
 * it must wait for acknowledgments, or an error. */
int pb_tx_push(struct pb_job *j, struct pb_txring *r, struct pb_sendop *op);
void pb_tx_enqueue(struct pb_job *j, struct pb_txring *r,
		   struct pb_sendop *op);
int pb_tx_progress(struct pb_job *j);
int pb_tx_start(struct pb_job *j, int dest, uint16_t ctx, int32_t tag,
		const void *buf, size_t len, struct pb_sendop *op);
/* Give back the pool blocks of receivers that died (they will never
 * acknowledge) and fail further sends to them; the count of receivers
 * reaped. */
int pb_tx_reap_dead(struct pb_job *j, double since);
/* Take a queued op back (its wait failed): nothing will touch it again. */
void pb_tx_abandon(struct pb_job *j, struct pb_sendop *op);
/* 1 when every indicator I wrote was acknowledged; else 0 and the rank
 * still holding some back. */
int pb_tx_drained(struct pb_job *j, int *err, int *waiting_on);

/* recv.c */
int pb_rx_poll(struct pb_job *j);
/* Tell a sender we gave up on it: an ack no sender can have earned, so
 * its next look at the ack block fails with PB_ECORRUPT instead of
 * waiting forever for acknowledgments. */
void pb_rx_refuse(struct pb_job *j, struct pb_rxconn *x);
void pb_rx_reassert(struct pb_job *j);
/* Tell x's sender that everything up to v was consumed (c39). */
void pb_rx_ack(struct pb_job *j, struct pb_rxconn *x, uint64_t v);
/* Send the acks to other hosts that pb_rx_poll deferred: the first poll
 * that finds nothing calls it, after the caller's reply went out. */
void pb_rx_ack_owed(struct pb_job *j);

/* match.c */
struct pb_recvop *pb_match_posted(struct pb_job *j, int source,
				  uint16_t ctx, int32_t tag);
void pb_match_post(struct pb_job *j, struct pb_recvop *rop);
int pb_match_cancel(struct pb_job *j, struct pb_recvop *rop);
struct pb_msg *pb_msg_new(struct pb_job *j);
/* Give m a buffer of its own for total bytes, allocated as they arrive:
 * a sender announcing a huge total costs us nothing until it sends the
 * bytes. 0 or PB_ENOMEM. */
int pb_msg_keep(struct pb_msg *m, size_t total);
/* Make room for the first upto bytes (upto <= cap). 0 or PB_ENOMEM. */
int pb_msg_room(struct pb_msg *m, size_t upto);
void pb_msg_free(struct pb_job *j, struct pb_msg *m);
void pb_msg_free_all(struct pb_job *j);
void pb_unexp_add(struct pb_job *j, struct pb_msg *m);
struct pb_msg *pb_unexp_find(struct pb_job *j, int source, uint16_t ctx,
			     int32_t tag, int remove);
void pb_recv_complete(struct pb_recvop *rop, int source, int32_t tag,
		      size_t total);
/* Take an arrived message for a new receive; may complete it at once. */
void pb_msg_claim(struct pb_job *j, struct pb_msg *m,
		  struct pb_recvop *rop);
int pb_recv_start(struct pb_job *j, int source, uint16_t ctx, int32_t tag,
		  void *buf, size_t cap, struct pb_recvop *rop);

/* wait.c */
/* Make progress once: the number of things that moved, or an error. */
int pb_progress_once(struct pb_job *j);
struct pb_waiter {
	uint32_t idle;
	double next_check;
	double since;    /* when the wait began looking at liveness */
	int peer;        /* rank the wait depends on; PB_ANY_SOURCE: any rank;
			    below that: none */
};
void pb_waiter_init(struct pb_waiter *w, int peer);
/* After a fruitless poll: spin, yield or sleep per PB_WAIT; every so often
 * checks that the peer is alive. 0, or PB_EPEER. */
int pb_waiter_idle(struct pb_job *j, struct pb_waiter *w);
/* One turn of a wait loop: poll once, and when nothing moved, idle as
 * pb_waiter_idle does. 0 to go on, or the error that ends the wait. */
int pb_wait_turn(struct pb_job *j, struct pb_waiter *w);
int pb_peer_alive(struct pb_job *j, int rank, double since);
int pb_wait_send(struct pb_job *j, struct pb_sendop *op, int dest);
int pb_wait_recv(struct pb_job *j, struct pb_recvop *rop);

/* collective.c */
int pb_barrier_ctx(struct pb_job *j);

/* job.c */
int pb_job_check(const struct pb_job *j);

#endif
