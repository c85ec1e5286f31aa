/*
 * fuzz_rx.c - libFuzzer target: arbitrary bytes as a sender's data segment,
 * fed to the receiving code exactly as a receiver meets them.
 *
 * The receiver trusts nothing in a segment (DESIGN.md invariant 2): it
 * validates the header once (pb_dseg_check, from rx_attach in connect.c),
 * then polls its ring (pb_rx_poll in recv.c), parses each indicator
 * (pb_ind_parse in indicator.c), matches it against posted receives or
 * keeps it as unexpected (match.c), copies payloads out of the pool, puts
 * later pieces of a long message together, and acknowledges. This target
 * drives all of that on a fake one-receiver job in memory:
 *
 *   input = cfg (1 byte) | L (u32 LE) | segment (L bytes) | ops...
 *
 *   cfg    bits 0-1: rings in the segment - 1; bits 2-3: my ring
 *   segment copied to its own allocation of exactly L bytes, so any read
 *          past it is an AddressSanitizer error
 *   ops    what happens between and during polls: 0 poll, 1 post a receive
 *          (source/context/tag/capacity from the next bytes; the buffer is
 *          an allocation of exactly that capacity), 2 rogue write anywhere
 *          in the segment, 3 publish the expected seq in my next slot,
 *          4 rogue write into my next slot, 5 cancel the last receive,
 *          6 rogue write into the pool, 7 store any seq into my next slot
 *
 * Besides memory safety (ASan) and undefined behaviour (UBSan), it checks
 * what the receiver promises: a completed receive never claims more bytes
 * than it had room for without saying PB_ETRUNC, and after every poll the
 * ack block holds exactly the number of indicators consumed.
 *
 * The same file, compiled without libFuzzer and linked with
 * fuzz_replay_main.c, replays a corpus (ctest fuzz_rx_replay).
 */
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/indicator.h"
#include "fuzz_rx.h"

unsigned long fuzz_completed; /* receives completed, for the replay check */

#ifdef PB_FUZZ_QUIET
#include <stdio.h>
/* The library reports each corrupt sender on stderr, once per input: far
 * too much at thousands of inputs a second. Point the stdio stream
 * elsewhere; libFuzzer keeps its own copy of the old one and the
 * sanitizers write to fd 2 directly, so their reports still show. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FILE *null = fopen("/dev/null", "w");
	if (null)
		stderr = null;
	return 0;
}
#endif

struct rd {
	const uint8_t *p;
	size_t n;
};

static int take(struct rd *r, void *out, size_t k)
{
	if (r->n < k)
		return 0;
	memcpy(out, r->p, k);
	r->p += k;
	r->n -= k;
	return 1;
}

static uint8_t u8(struct rd *r)
{
	uint8_t v = 0;
	take(r, &v, 1);
	return v;
}

static uint16_t u16(struct rd *r)
{
	uint8_t b[2] = {0, 0};
	take(r, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t u32(struct rd *r)
{
	uint8_t b[4] = {0, 0, 0, 0};
	take(r, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* A rogue write of n bytes (from the input) at off within [lo, lo+len). */
static void scribble(struct rd *r, uint8_t *lo, uint64_t len, uint64_t off,
		     size_t n)
{
	if (!len)
		return;
	off %= len;
	if (n > len - off)
		n = (size_t)(len - off);
	if (n > r->n)
		n = r->n;
	memcpy(lo + off, r->p, n);
	r->p += n;
	r->n -= n;
}

#define MAXOPS 256
#define MAXRECV 32

struct posted {
	struct pb_recvop *rop;
	uint8_t *buf;
};

static void check_done(struct posted *p, int np)
{
	for (int i = 0; i < np; i++) {
		struct pb_recvop *o = p[i].rop;
		if (!o->done || !o->req)
			continue;
		o->req = NULL; /* counted once */
		fuzz_completed++;
		if (o->st.error == 0 && o->st.len > o->cap)
			abort(); /* more bytes than room, and no PB_ETRUNC */
		if (o->st.error == PB_ETRUNC && o->st.len <= o->cap)
			abort();
		if (o->st.error && o->st.error != PB_ETRUNC)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = {data, size};
	struct pb_dseg_layout l;

	/* the header checks alone, on raw bytes of any length */
	(void)pb_dseg_check(data, size, 1, 0, 1, &l);
	(void)pb_aseg_check(data, size, 0, 0, 1, 2);
	(void)pb_dir_check(data, size, 0, 2, 2);

	uint8_t cfg = u8(&r);
	uint32_t nrings = 1 + (cfg & 3), ring = (cfg >> 2 & 3) % nrings;
	uint32_t L = u32(&r);
	if (L > r.n || L < 64)
		return 0;
	uint8_t *seg = NULL;
	if (posix_memalign((void **)&seg, 64, L))
		return 0;
	memcpy(seg, r.p, L);
	r.p += L;
	r.n -= L;

	/* rx_attach: validate once, then work from the private snapshot */
	if (pb_dseg_check(seg, L, 1, 0, nrings, &l)) {
		free(seg);
		return 0;
	}

	/* a job of two ranks on one node: rank 1 sends, I (rank 0) receive */
	struct pb_job j;
	memset(&j, 0, sizeof(j));
	j.magic = PB_JOB_MAGIC;
	j.rank = 0;
	j.size = 2;
	j.nnodes = 1;
	j.par.wait_mode = PB_WAIT_YIELD;
	struct pb_dir_entry *me = NULL, *peer = NULL;
	if (posix_memalign((void **)&me, 64, pb_dir_entry_size(2)) ||
	    posix_memalign((void **)&peer, 64, pb_dir_entry_size(2)))
		abort();
	memset(me, 0, pb_dir_entry_size(2));
	memset(peer, 0, pb_dir_entry_size(2));
	j.my_entry = me; /* gen 0 == dir_seen: no new senders to attach */
	struct pb_ack_block ack;
	memset(&ack, 0, sizeof(ack));
	struct pb_rxconn x;
	memset(&x, 0, sizeof(x));
	x.sender = 1;
	x.l = l;
	x.base = seg;
	x.pool = seg + l.pool_off;
	x.ring = ring;
	x.next = 1;
	x.ack = &ack;
	x.peer = peer;
	struct pb_rxconn *rx_sender[2] = {NULL, &x}, *rx[1] = {&x};
	j.rx_sender = rx_sender;
	j.rx = rx;
	j.nrx = 1;

	struct posted p[MAXRECV];
	int np = 0;
	uint64_t pool_bytes = (uint64_t)l.nblocks * l.block_size;

	for (int op = 0; op < MAXOPS && r.n; op++) {
		uint8_t o = u8(&r);
		uint8_t *slot = pb_dseg_slot(seg, &l, ring, x.next);
		switch (o & 7) {
		case 0:
			(void)pb_rx_poll(&j);
			check_done(p, np);
			/* one ack per poll, the exact count consumed; a
			 * sender given up on is told with an impossible
			 * ack (pb_rx_refuse) */
			if (atomic_load(&ack.consumed) !=
			    (x.error ? UINT64_MAX : x.next - 1))
				abort();
			break;
		case 1: {
			uint8_t sel = u8(&r), tag = u8(&r);
			uint16_t cap = u16(&r);
			if (np == MAXRECV)
				break;
			struct pb_recvop *rop = calloc(1, sizeof(*rop));
			/* as pb_barrier does: no buffer for no bytes */
			uint8_t *buf = cap ? malloc(cap) : NULL;
			if (!rop || (cap && !buf))
				abort();
			pb_recv_start(&j, sel & 1 ? PB_ANY_SOURCE : 1,
				      sel & 2 ? PB_CTX_COLL : 0,
				      tag == 0xff ? PB_ANY_TAG : tag & 7, buf,
				      cap, rop);
			rop->req = (struct pb_req *)rop; /* "not yet counted" */
			p[np].rop = rop;
			p[np].buf = buf;
			np++;
			check_done(p, np);
			break;
		}
		case 2: {
			uint16_t off = u16(&r);
			scribble(&r, seg, L, off, u8(&r));
			break;
		}
		case 3:
			atomic_store_explicit(
				&((struct pb_slot_hdr *)slot)->seq,
				(uint32_t)x.next, memory_order_release);
			break;
		case 4: {
			uint8_t off = u8(&r);
			scribble(&r, slot, l.slot_size, off, u8(&r));
			break;
		}
		case 5:
			if (np && !p[np - 1].rop->done &&
			    pb_match_cancel(&j, p[np - 1].rop) == 0) {
				p[np - 1].rop->done = 2; /* cancelled */
				p[np - 1].rop->req = NULL;
			}
			break;
		case 6: {
			uint16_t off = u16(&r);
			scribble(&r, x.pool, pool_bytes, off, u8(&r));
			break;
		}
		case 7:
			atomic_store_explicit(
				&((struct pb_slot_hdr *)slot)->seq, u32(&r),
				memory_order_release);
			break;
		}
	}

	/* tear down as pb_conn_fini and release() do */
	for (int i = 0; i < np; i++)
		if (!p[i].rop->done)
			pb_match_cancel(&j, p[i].rop);
	if (x.cur && x.cur->rop)
		free(x.cur); /* matched, incomplete: not on the list */
	pb_msg_free_all(&j);
	for (int i = 0; i < np; i++) {
		free(p[i].buf);
		free(p[i].rop);
	}
	free(me);
	free(peer);
	free(seg);
	return 0;
}
