/*
 * rma.h - the medium between hosts: one-sided writes into memory another
 * process registered, and small control messages to set them up. The core
 * uses it for pairs on different nodes when PB_MEDIUM says so (ofi); shm
 * needs none of it, and a build without libfabric gets stubs that say so.
 *
 * Contracts:
 *   open     - An endpoint for rank `rank` of `size`; a peer that takes
 *              no operation for half of `timeout` seconds counts as lost
 *              (4 x `timeout` for one never reached yet). name/name_len: its
 *              address, for the caller to publish through the bootstrap.
 *              lookup(arg, peer, buf, &len) must fill the address peer
 *              published: 0, PB_EAGAIN (not yet: ask again later) or an
 *              error. PB_ENOSYS-like failures come back as PB_EBOOT with a
 *              message on stderr.
 *   reg      - Registers [base, base+size) so that peers may write into it
 *              (and so that it may be the source of our own writes, as some
 *              providers require). rk is what a peer needs to write there;
 *              keys are the provider's or 64 random bits, never guessable.
 *   write    - Copies len bytes from src (inside a registration of ours) to
 *              offset off of the peer's registration rk. Writes of one
 *              process to one peer land in the order they were issued
 *              (ordered by the provider, or fenced when ordered is set):
 *              that is what lets a seq word published after a payload mean
 *              the payload is there. src must stay untouched until the
 *              protocol knows the write landed (the peer acknowledged
 *              something published after it). Retries itself while the
 *              provider cannot take it (full queue, connecting), up to the
 *              timeout; PB_EPEER when the peer is lost. With
 *              PB_RMA_DELIVERED it completes only once placed, so a flush
 *              means landed.
 *   send     - A control message of at most PB_RMA_CTL_MAX bytes; copied.
 *   progress - Reaps completions, applies peers' incoming writes (software
 *              providers move target-side data only when the target asks),
 *              and hands each arrived control message to fn. Returns how
 *              many control messages it delivered.
 *   alive    - 0 once a write or message to peer failed (its process, or
 *              its host, is gone); PB_EAGAIN while its address is not
 *              published; otherwise 1, after sending it a probe (at most
 *              one in flight, every quarter timeout, at most 0.5 s apart)
 *              so that failure shows.
 *   flush    - Waits (bounded: 2 s) until our writes and messages left.
 *   close    - Flushes, then frees all.
 */
#ifndef PB_RMA_H
#define PB_RMA_H

#include <stddef.h>
#include <stdint.h>

#define PB_RMA_CTL_MAX 192
#define PB_RMA_NAME_MAX 128

struct pb_rma;
struct pb_rma_reg;

struct pb_rkey {
	uint64_t addr; /* what offsets are added to (0 or a virtual address) */
	uint64_t key;
};

typedef int (*pb_rma_lookup_fn)(void *arg, int peer, void *name,
				size_t *len);
typedef void (*pb_rma_ctl_fn)(void *arg, int from, const void *msg,
			      size_t len);

int pb_rma_open(struct pb_rma **out, int rank, int size, double timeout,
		pb_rma_lookup_fn lookup, void *arg, void *name,
		size_t *name_len);
int pb_rma_reg(struct pb_rma *m, void *base, uint64_t size,
	       struct pb_rma_reg **out, struct pb_rkey *rk);
void pb_rma_dereg(struct pb_rma *m, struct pb_rma_reg *g);
/* flags of pb_rma_write: complete only once placed at the target, so a
 * flush before close means landed (acks: nothing else proves they did) */
#define PB_RMA_DELIVERED 1u
/* flags of pb_rma_write: PB_EAGAIN at once when the provider cannot take
 * the write now, instead of retrying up to the timeout */
#define PB_RMA_TRY 2u

int pb_rma_write(struct pb_rma *m, int peer, struct pb_rma_reg *g,
		 const void *src, size_t len, const struct pb_rkey *rk,
		 uint64_t off, unsigned flags);
int pb_rma_send(struct pb_rma *m, int peer, const void *msg, size_t len);
int pb_rma_progress(struct pb_rma *m, pb_rma_ctl_fn fn, void *arg);
int pb_rma_alive(struct pb_rma *m, int peer);
void pb_rma_flush(struct pb_rma *m);
void pb_rma_close(struct pb_rma *m);

#endif
