/*
 * gen_corpus.c - writes the seed corpus of fuzz_rx: small, valid data
 * segments built with the sender's own code (pb_dseg_plan/format,
 * pb_ind_put_inline/pool), with indicators published in them and a script
 * of receives and polls that takes them in (format in fuzz_rx.c).
 *
 *   gen_corpus DIR        (tests/fuzz/corpus/ holds its output)
 *
 * The geometry is the smallest the checks allow: 4 slots of 64 bytes per
 * ring, a pool of 8 blocks of 64 bytes, a cycle of 4 blocks; the pool
 * follows the rings directly (the checks want 64-byte alignment only), so
 * a seed is about 1 KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/indicator.h"
#include "fuzz_rx.h"

static uint8_t out[16384];
static size_t len;
static uint8_t seg[8192] __attribute__((aligned(64)));
static struct pb_dseg_layout l;
static uint32_t ring;

static void emit(const void *p, size_t n)
{
	if (len + n > sizeof(out))
		abort();
	memcpy(out + len, p, n);
	len += n;
}

static void u8(uint8_t v) { emit(&v, 1); }

static void u16(uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	emit(b, 2);
}

static void u32(uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			(uint8_t)(v >> 24)};
	emit(b, 4);
}

/* A segment of nrings rings; I am ring me. */
static void begin(uint32_t nrings, uint32_t me)
{
	memset(seg, 0, sizeof(seg));
	if (pb_dseg_plan(&l, nrings, 4, 48, 64, 512, 256))
		abort();
	l.pool_off = l.ring_off + (uint64_t)nrings * l.slots * l.slot_size;
	l.total_size = l.pool_off + (uint64_t)l.nblocks * l.block_size;
	pb_dseg_format(seg, &l, 1, 0);
	ring = me;
}

static uint8_t *slot(uint64_t seq)
{
	return pb_dseg_slot(seg, &l, ring, seq);
}

static uint8_t *block(uint32_t b)
{
	return seg + l.pool_off + (uint64_t)b * l.block_size;
}

static void fill(uint8_t *p, size_t n, int salt)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + salt);
}

/* The segment is done: write cfg, L and its bytes; ops follow. */
static void seal(void)
{
	len = 0;
	u8((uint8_t)((l.nrings - 1) | ring << 2));
	u32((uint32_t)l.total_size);
	emit(seg, l.total_size);
}

static void inline_msg(uint64_t seq, uint16_t ctx, int32_t tag, uint32_t n)
{
	uint8_t d[64];
	fill(d, n, (int)seq);
	pb_ind_put_inline(slot(seq), ctx, tag, d, n, (uint32_t)seq);
}

static void pool_msg(uint64_t seq, uint8_t kind, int32_t tag, uint32_t n,
		     uint64_t total, uint32_t blk)
{
	uint32_t nb = (n + l.block_size - 1) / l.block_size;
	fill(block(blk), n, (int)seq);
	pb_ind_put_pool(slot(seq), kind, 0, tag, n, total, blk, nb,
			(uint32_t)seq);
}

static void op_poll(void) { u8(FZ_POLL); }

/* src < 0: any source; tag < 0: any tag */
static void op_post(int any_src, int coll, int tag, uint16_t cap)
{
	u8(FZ_POST);
	u8((uint8_t)((any_src ? 1 : 0) | (coll ? 2 : 0)));
	u8(tag < 0 ? 0xff : (uint8_t)tag);
	u16(cap);
}

/* Write the next slot (the one of seq next) as the sender would, through
 * the input: a rogue write of the whole indicator, then the publish. */
static void op_late_inline(uint64_t seq, int32_t tag, uint32_t n)
{
	uint8_t scratch[64] __attribute__((aligned(64))) = {0};
	uint8_t d[64];
	fill(d, n, (int)seq);
	pb_ind_put_inline(scratch, 0, tag, d, n, 0);
	u8(FZ_SLOTWRITE);
	u8(0);
	u8((uint8_t)(16 + n));
	emit(scratch, 16 + n);
	u8(FZ_PUBLISH);
}

static void op_late_pool(uint8_t kind, int32_t tag, uint32_t n,
			 uint64_t total, uint32_t blk)
{
	uint8_t scratch[64] __attribute__((aligned(64))) = {0};
	uint32_t nb = (n + l.block_size - 1) / l.block_size;
	pb_ind_put_pool(scratch, kind, 0, tag, n, total, blk, nb, 0);
	u8(FZ_SLOTWRITE);
	u8(0);
	u8(32);
	emit(scratch, 32);
	u8(FZ_PUBLISH);
}

static void save(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f || fwrite(out, 1, len, f) != len || fclose(f)) {
		perror(p);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	const char *dir = argv[1];

	/* inline messages: matched when posted first, unexpected otherwise */
	begin(1, 0);
	inline_msg(1, 0, 1, 0);
	inline_msg(2, 0, 2, 10);
	inline_msg(3, 0, 3, 48);
	seal();
	op_post(0, 0, 1, 64);
	op_poll();
	op_post(1, 0, -1, 64);
	op_post(1, 0, -1, 8); /* truncated */
	op_poll();
	save(dir, "valid-inline");

	/* one message in pool blocks, then an inline one */
	begin(1, 0);
	pool_msg(1, PB_IND_POOL, 4, 200, 200, 2);
	inline_msg(2, 0, 5, 20);
	seal();
	op_poll();
	op_post(0, 0, 4, 300);
	op_post(0, 0, -1, 16);
	op_poll();
	save(dir, "valid-pool");

	/* beyond the cycle: a POOL part and two PIECEs, received truncated */
	begin(1, 0);
	pool_msg(1, PB_IND_POOL, 6, 256, 600, 0);
	pool_msg(2, PB_IND_PIECE, 6, 256, 0, 4);
	pool_msg(3, PB_IND_PIECE, 6, 88, 0, 0);
	seal();
	op_post(0, 0, 6, 100);
	op_poll();
	save(dir, "valid-pieces");

	/* pieces arriving while unexpected, claimed half way, the last piece
	 * published later */
	begin(1, 0);
	pool_msg(1, PB_IND_POOL, 7, 256, 600, 0);
	pool_msg(2, PB_IND_PIECE, 7, 256, 0, 4);
	seal();
	op_poll();
	op_post(1, 0, 7, 1000);
	op_late_pool(PB_IND_PIECE, 7, 88, 0, 0);
	op_poll();
	save(dir, "valid-pieces-late");

	/* more indicators than slots: the ring wraps */
	begin(1, 0);
	for (uint64_t s = 1; s <= 4; s++)
		inline_msg(s, 0, 1, (uint32_t)(s * 9));
	seal();
	for (int i = 0; i < 7; i++)
		op_post(0, 0, 1, 64);
	op_poll();
	op_late_inline(5, 1, 33); /* the ops write the slot of x.next: */
	op_poll();                /* poll before the next one */
	op_late_inline(6, 1, 0);
	op_poll();
	op_late_inline(7, 1, 48);
	op_poll();
	save(dir, "valid-wrap");

	/* two rings, mine is the second; the library's own context */
	begin(2, 1);
	inline_msg(1, PB_CTX_COLL, 0, 0);
	inline_msg(2, 0, 3, 12);
	seal();
	op_post(0, 1, 0, 0);
	op_post(0, 0, 3, 12);
	op_poll();
	save(dir, "valid-2rings");

	/* a good message, then a rogue writer moves the next one's blocks
	 * out of the pool (the receiver must say PB_ECORRUPT, not read) */
	begin(1, 0);
	inline_msg(1, 0, 1, 5);
	seal();
	op_post(0, 0, 1, 64);
	op_poll();
	op_late_pool(PB_IND_POOL, 2, 100, 100, 1);
	u8(FZ_SLOTWRITE);
	u8(24);
	u8(4);
	u32(7); /* block 7 + 2 blocks > 8 */
	op_post(0, 0, -1, 200);
	op_poll();
	op_poll();
	save(dir, "valid-then-rogue");
	return 0;
}
