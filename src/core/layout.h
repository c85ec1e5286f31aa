/*
 * layout.h - every structure that lives in shared memory, declared once.
 *
 * docs/layout.md draws these. Three kinds of shared object exist per job:
 *
 *   data segment  pb-<job>-d<sender>-n<node>   on node <node>, written only by
 *                 <sender>: header, one postbox ring per rank of <node>,
 *                 buffer pool (claims c1, c8, c14, c31).
 *   ack segment   pb-<job>-a<A>-<B>            on node A, written by the
 *                 ranks of node B: m sections (ranks of A) x n ack blocks
 *                 (ranks of B) (claims c31-c39).
 *   directory     pb-<job>-n<node>             on node <node>: one entry per
 *                 rank of the node, where senders announce themselves so a
 *                 receiver polls only the senders that talk to it.
 *
 * Objects are addressed by offsets only: each process maps them elsewhere.
 * Every field a reader takes from shared memory is validated before use
 * (layout.c); after attaching, a reader works from a private snapshot of
 * the header so a later scribble cannot move its bounds.
 */
#ifndef PB_LAYOUT_H
#define PB_LAYOUT_H

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define PB_CACHELINE 64
#define PB_LAYOUT_VERSION 1u

#define PB_DSEG_MAGIC 0x314745534250ull /* "PBSEG1" */
#define PB_ASEG_MAGIC 0x314b434150ull   /* "PACK1"  */
#define PB_DIR_MAGIC 0x31524944ull      /* "DIR1"   */

/* ---- data segment ---------------------------------------------------- */

/* Header: written by the sender before the segment is published under its
 * name (so every field is final when any receiver can map it); read-only
 * afterwards. Receivers validate it with pb_dseg_check(). */
struct pb_dseg_hdr {
	uint64_t magic;      /* PB_DSEG_MAGIC */
	uint32_t version;    /* PB_LAYOUT_VERSION */
	uint32_t hdr_size;   /* sizeof(struct pb_dseg_hdr) */
	uint64_t total_size; /* bytes of the whole object */
	uint32_t sender;     /* rank that owns and writes the segment */
	uint32_t node;       /* node the segment lives on */
	uint32_t nrings;     /* one ring per rank of that node (c1, c14) */
	uint32_t slots;      /* K: slots per ring, a power of two */
	uint32_t slot_size;  /* bytes per slot, a multiple of 64 */
	uint32_t inline_max; /* payload bytes that fit in a slot */
	uint64_t ring_off;   /* offset of ring 0; ring j at ring_off + j*K*slot */
	uint64_t pool_off;   /* offset of block 0 of the buffer pool */
	uint32_t block_size; /* bytes per pool block, a multiple of 64 */
	uint32_t nblocks;    /* blocks in the pool */
	uint64_t cycle_size; /* most pool bytes one message holds at once */
	/* bit j: the sender gave up on ring j (its acks made no sense), so
	 * that receiver must stop waiting for it. w: sender (release), r:
	 * receiver while idle (acquire). Rings beyond 1024 have no bit */
	_Atomic uint64_t gave_up[16];
	uint8_t pad[256 - 80 - 128];
};
static_assert(sizeof(struct pb_dseg_hdr) == 256, "dseg header is 4 lines");

/* Indicator kinds (what a slot announces). */
enum pb_ind_kind {
	PB_IND_INLINE = 1, /* whole message in the slot (c4, c5) */
	PB_IND_POOL = 2,   /* first (maybe only) part in pool blocks (c2, c9) */
	PB_IND_PIECE = 3,  /* a later piece of a message beyond the cycle size
			      (c22-c24) */
	PB_IND_CMA = 4,    /* same host, large: the receiver reads the bytes
			      straight from the sender's memory (one copy);
			      PIECEs follow only if it cannot */
};

/* The first 16 bytes of every slot. The sender fills every field and the
 * payload with plain stores, then publishes seq with a release store; the
 * receiver loads seq with acquire and reads the rest only when seq is the
 * one it expects. Slots are never cleared: seq keeps growing, so an old lap
 * can never look new (the UCX owner-bit idea, with a full counter). */
struct pb_slot_hdr {
	_Atomic uint32_t seq; /* w: sender (release, last); r: receiver (acq) */
	uint8_t kind;         /* enum pb_ind_kind */
	uint8_t rsvd;         /* 0 */
	uint16_t ctx;         /* matching context: user traffic or internal */
	int32_t tag;          /* the message tag (POOL/INLINE) */
	uint32_t len;         /* payload bytes this indicator carries */
};
static_assert(sizeof(struct pb_slot_hdr) == 16, "slot header is 16 bytes");

/* Body of a POOL or PIECE indicator: where the bytes lie (c2, c9, c17). */
struct pb_slot_pool {
	uint64_t total;   /* whole message length (POOL); 0 for PIECE */
	uint32_t block;   /* first pool block holding the bytes */
	uint32_t nblocks; /* consecutive blocks used */
};
static_assert(sizeof(struct pb_slot_pool) == 16, "pool body is 16 bytes");

/* Body of a CMA indicator: where the sender's buffer is. */
struct pb_slot_cma {
	uint64_t total; /* message length */
	uint64_t addr;  /* the buffer in the sender's address space */
	uint32_t pid;   /* the sender's process */
	uint32_t rsvd;
};
static_assert(sizeof(struct pb_slot_cma) == 24, "cma body is 24 bytes");

#define PB_SLOT_BODY_OFF 16

/* ---- ack segment ------------------------------------------------------ */

/* Header written by whoever creates the ack segment, before publishing. */
struct pb_aseg_hdr {
	uint64_t magic;      /* PB_ASEG_MAGIC */
	uint32_t version;
	uint32_t hdr_size;   /* sizeof(struct pb_aseg_hdr) */
	uint64_t total_size;
	uint32_t node_a;     /* node the segment lives on (the senders') */
	uint32_t node_b;     /* node of the receivers that write into it */
	uint32_t m;          /* sections: ranks of node A (c36) */
	uint32_t n;          /* ack blocks per section: ranks of node B (c37) */
	uint8_t pad[64 - 40];
};
static_assert(sizeof(struct pb_aseg_hdr) == 64, "aseg header is one line");

/* One ack block: receiver r (j-th rank of B) -> sender s (i-th rank of A),
 * at section i, block j. Only r writes it (release), only s reads it
 * (acquire). One cache line each so acks of different pairs never share a
 * line. */
struct pb_ack_block {
	_Atomic uint64_t consumed; /* seq of the last indicator r consumed */
	/* 1 once r could not read a CMA message (no ptrace rights): written
	 * (relaxed) before the consumed value that covers that message, so
	 * the sender's acquire of consumed also shows it */
	_Atomic uint32_t no_cma;
	uint32_t rsvd;
	/* between hosts only: pb_ack_check(consumed), written by the same
	 * RMA write. A provider may place a write's bytes in any order, so a
	 * sender that finds the two disagree saw a write half placed and
	 * looks again; within a host the release store is whole and this
	 * stays 0, unread */
	uint64_t check;
	uint64_t pad[5];
};
static_assert(sizeof(struct pb_ack_block) == PB_CACHELINE, "ack block");
/* Bytes of an ack block an RMA ack writes: consumed, no_cma, check. */
#define PB_ACK_WIRE 24

static inline uint64_t pb_ack_check(uint64_t v)
{
	/* a bijective mix: a value torn between two writes matches the
	 * torn check of the same write only by a 2^-64 accident */
	v ^= 0x706f7374626f78ull;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
	return v ^ (v >> 31);
}

/* ---- node directory ---------------------------------------------------- */

struct pb_dir_hdr {
	uint64_t magic;      /* PB_DIR_MAGIC */
	uint32_t version;
	uint32_t hdr_size;
	uint64_t total_size;
	uint32_t node;
	uint32_t nlocal;     /* ranks on this node */
	uint32_t nranks;     /* ranks in the job */
	uint32_t entry_size; /* bytes per entry, a multiple of 64 */
	uint8_t pad[64 - 40];
};
static_assert(sizeof(struct pb_dir_hdr) == 64, "dir header is one line");

/* Entry of the j-th rank of the node. Senders announce themselves by
 * storing 1 into senders[s] and then bumping gen with a release RMW (at
 * connection time only, never per message); the receiver re-reads the
 * flags only when gen (acquire) changed, so discovery costs it one load per
 * poll however many ranks the job has. */
struct pb_dir_entry {
	_Atomic uint64_t gen;   /* w: any sender (fetch_add release); r: owner */
	_Atomic uint32_t pid;   /* w: owner at open; r: peers checking life */
	_Atomic uint32_t state; /* w: owner: PB_RANK_{OPEN,CLOSED} */
	_Atomic uint32_t sleeping; /* w: owner (seq_cst) before it sleeps;
				      r: whoever just published for it */
	_Atomic uint32_t bell;  /* futex word: bumped by a waker (seq_cst),
				   waited on by the owner */
	uint8_t pad[64 - 24];
	_Atomic uint8_t senders[]; /* nranks flags, padded to 64 */
};
static_assert(sizeof(struct pb_dir_entry) == 64, "dir entry head");

enum { PB_RANK_NONE = 0, PB_RANK_OPEN = 1, PB_RANK_CLOSED = 2 };

/* ---- geometry and validation (layout.c) -------------------------------- */

/* The layout a data segment is built with, or a reader's validated copy. */
struct pb_dseg_layout {
	uint32_t nrings, slots, slot_size, inline_max;
	uint32_t block_size, nblocks;
	uint64_t ring_off, pool_off, total_size, cycle_size;
};

/* Compute a data segment's layout; 0 or PB_ERANGE. */
int pb_dseg_plan(struct pb_dseg_layout *l, uint32_t nrings, uint32_t slots,
		 uint32_t inline_max, uint32_t block_size, uint64_t pool_size,
		 uint64_t cycle_size);
/* Write the header of a fresh segment. */
void pb_dseg_format(void *base, const struct pb_dseg_layout *l,
		    uint32_t sender, uint32_t node);
/* Validate a mapped segment of map_size bytes expected to belong to sender
 * and live on node with nrings rings; fill the private snapshot.
 * 0 or PB_ECORRUPT. */
int pb_dseg_check(const void *base, uint64_t map_size, uint32_t sender,
		  uint32_t node, uint32_t nrings, struct pb_dseg_layout *out);

static inline uint8_t *pb_dseg_slot(uint8_t *base,
				    const struct pb_dseg_layout *l,
				    uint32_t ring, uint64_t seq)
{
	/* seq starts at 1; slot index is (seq-1) mod K, K a power of two */
	uint64_t idx = (seq - 1) & (l->slots - 1);
	return base + l->ring_off +
	       ((uint64_t)ring * l->slots + idx) * l->slot_size;
}

uint64_t pb_aseg_size(uint32_t m, uint32_t n);
void pb_aseg_format(void *base, uint32_t node_a, uint32_t node_b, uint32_t m,
		    uint32_t n);
int pb_aseg_check(const void *base, uint64_t map_size, uint32_t node_a,
		  uint32_t node_b, uint32_t m, uint32_t n);
static inline struct pb_ack_block *pb_aseg_block(void *base, uint32_t n,
						 uint32_t i, uint32_t j)
{
	return (struct pb_ack_block *)((uint8_t *)base +
				       sizeof(struct pb_aseg_hdr)) +
	       (uint64_t)i * n + j;
}

uint32_t pb_dir_entry_size(uint32_t nranks);
uint64_t pb_dir_size(uint32_t nlocal, uint32_t nranks);
void pb_dir_format(void *base, uint32_t node, uint32_t nlocal,
		   uint32_t nranks);
int pb_dir_check(const void *base, uint64_t map_size, uint32_t node,
		 uint32_t nlocal, uint32_t nranks);
static inline struct pb_dir_entry *pb_dir_entry(void *base, uint32_t j,
						uint32_t esize)
{
	return (struct pb_dir_entry *)((uint8_t *)base +
				       sizeof(struct pb_dir_hdr) +
				       (uint64_t)j * esize);
}

#endif
