/*
 * protocol.pml - a Promela model of Postbox's data path: postbox rings,
 * the shared buffer pool, cumulative acks, reclamation and cycle pieces.
 *
 * Checked with spin in CI for small bounds (ctest -L model; the script is
 * tests/reliability/check_model.sh; docs/reliability.md says how):
 *   - no message lost, duplicated or reordered per (sender, receiver) pair
 *     (asserts in Receiver: ids arrive 1, 2, ..., M, each exactly once, and
 *     every piece of a long message in order);
 *   - no pool block reused before the ack of the indicator that used it
 *     (assert in alloc: the receiver has moved past its previous owner;
 *     and the receiver finds in every block it reads the bytes the sender
 *     wrote for that very message and piece);
 *   - no deadlock (spin's invalid end states: every process must reach its
 *     end; the sender blocks only while no ack can change).
 * Seeded bugs (-DBUG_...) show the checks have teeth: each must fail.
 *
 * What is modelled: one sender s writing its data segment on node B, where
 * NR receivers live and share its pool (the pool is per (sender, node):
 * DESIGN.md, layout.md). The sender's work is a per-receiver FIFO of
 * messages (pb_sendop queues per txring) pushed in any interleaving across
 * receivers (pb_tx_progress walks the pending rings). Sizes are in pool
 * blocks: 0 = inline, up to CYCLE = one indicator (POOL), beyond = a POOL
 * part and PIECEs of PIECE blocks each (c22-c26).
 *
 * Memory order: spin interleaves whole statements, i.e. it assumes
 * sequential consistency. The C code needs only the message-passing
 * pattern: writes of blocks and slot fields, then a release store of seq
 * (pb_ind_put_*), seen by an acquire load of seq (pb_rx_poll); copies out,
 * then a release store of the ack (pb_rx_poll), seen by an acquire load
 * (ring_reclaim). For that pattern release/acquire gives exactly the
 * orders modelled here. What the model leaves out: corrupted or hostile
 * values (the fuzzer and tests/reliability cover those), peer death, the
 * doorbell, matching and unexpected messages (receiver-private), and the
 * 32-bit seq wrap (seqs here stay small).
 *
 * C function each step stands for:
 *   Sender   push()          pb_tx_push (send.c), one indicator
 *            slot room       slot_free (send.c)
 *            ring_reclaim()  ring_reclaim (send.c): read ack (acquire),
 *                            free the blocks of every acked indicator
 *            reclaim_node()  reclaim_node (send.c): ring_reclaim of every
 *                            receiver on the node, receiver-list order
 *            alloc()         pb_pool_alloc (pool.c)
 *            in_flight()     op_in_flight (send.c), the c26 wait
 *            publish         pb_ind_put_inline / pb_ind_put_pool
 *                            (indicator.c): fields, then seq (release)
 *            waiting         pb_wait_send / pb_tx_progress loop (wait.c)
 *   Receiver observe seq     pb_rx_poll (recv.c): acquire load of seq
 *            copy fields     pb_ind_parse (indicator.c)
 *            read blocks     deliver (recv.c): memcpy out of the pool
 *            next++          pb_rx_poll: x->next++
 *            publish ack     pb_rx_poll: once per poll, after the copies
 *                            (release store of consumed)
 */

#define NR 2      /* receivers on node B sharing the sender's pool */
#define K 2       /* slots per ring (PB_POSTBOXES) */
#define NB 3      /* blocks in the pool (PB_POOL_SIZE / PB_BLOCK_SIZE) */
#define CYCLE 2   /* cycle size in blocks (PB_CYCLE_SIZE) */
#define PIECE 1   /* piece size: half the cycle (txconn_get) */
#define M 3       /* messages per receiver */
#define NONE 255

#define INLINE 1
#define POOL 2
#define PIECEK 3

/* the plan both sides know: size in blocks of message i to receiver r */
byte size[NR * M];

/* ---- shared memory: the data segment and the ack blocks ---------------- */
typedef slot_t {
	byte seq;  /* flag word, published last */
	byte kind;
	byte id;   /* stands for tag/ctx/payload identity */
	byte blk;  /* first block */
	byte nblk; /* blocks of this indicator */
	byte total /* blocks of the whole message (POOL) */
};
slot_t ring[NR * K];  /* ring r, slot k at r*K + k */
byte pool[NB];        /* what the sender wrote into each block */
byte ack[NR];         /* ack block of receiver r: consumed seq */

/* ---- sender-private state (struct pb_txring, pb_txconn, pb_pool) ------- */
byte next_seq[NR];   /* seq of the next indicator, from 1 */
byte acked[NR];      /* ack last taken in */
byte held_blk[NR * K], held_n[NR * K]; /* blocks of unacked indicators */
bool used[NB];       /* pool bitmap */
byte cur[NR];        /* message being sent to r (index) */
byte off[NR];        /* blocks of it already written */
bool started[NR];
byte first_seq[NR];  /* seq of its first indicator */

/* ---- ghosts (not in the C code): what the checks look at ---------------- */
byte g_owner_r[NB], g_owner_seq[NB]; /* last indicator that used a block */
byte rnext[NR];                      /* receivers' next, after copies */

#define TAG(r, id, bi) ((r) * 32 + (id) * 4 + (bi) + 1)

/* ring_reclaim: take in r's ack and free the blocks it covers (c16-c18) */
inline ring_reclaim(rr)
{
#ifdef BUG_FREE_UNACKED
	c = next_seq[rr] - 1; /* as if everything sent were consumed */
#else
	c = ack[rr];
#endif
	/* the C code calls any other value corruption (PB_ECORRUPT) */
	assert(c >= acked[rr] && c < next_seq[rr]);
	s = acked[rr] + 1;
	do
	:: s <= c ->
		kk = rr * K + (s - 1) % K;
		i = held_blk[kk];
		do
		:: held_n[kk] > 0 -> assert(used[i]); used[i] = false;
		                     i++; held_n[kk]--
		:: else -> break
		od;
		s++
	:: else -> break
	od;
	acked[rr] = c
}

/* reclaim_node: every receiver of the node, in receiver-list order (c10,
 * c28); receivers holding no blocks are not on the list (c20, c30) but
 * reclaiming them too changes nothing */
inline reclaim_node()
{
	rr2 = 0;
	do
	:: rr2 < NR -> ring_reclaim(rr2); rr2++
	:: else -> break
	od
}

/* pb_pool_alloc: a run of n free blocks, or NONE */
inline alloc(n)
{
	b = NONE;
	i = 0;
	do
	:: i + n <= NB && b == NONE ->
		j = 0;
		do
		:: j < n && !used[i + j] -> j++
		:: else -> break
		od;
		if
		:: j == n -> b = i
		:: else -> i++
		fi
	:: else -> break
	od;
	if
	:: b != NONE ->
		j = 0;
		do
		:: j < n ->
			/* invariant 5: the indicator that last used this
			 * block was consumed (its copies are done) */
			assert(g_owner_seq[b + j] == 0 ||
			       rnext[g_owner_r[b + j]] > g_owner_seq[b + j]);
			used[b + j] = true;
			j++
		:: else -> break
		od
	:: else -> skip
	fi
}

/* op_in_flight: blocks of r's current message not yet acknowledged */
inline in_flight(rr)
{
	fl = 0;
	s = (first_seq[rr] > acked[rr] -> first_seq[rr] : acked[rr] + 1);
	do
	:: s < next_seq[rr] -> fl = fl + held_n[rr * K + (s - 1) % K]; s++
	:: else -> break
	od
}

/* pb_tx_push for receiver r: write at most one indicator; ok = written */
inline push(r)
{
	ok = false;
	/* slot_free: room in r's ring? else reclaim from its ack (c8) */
	if
	:: next_seq[r] - acked[r] > K -> ring_reclaim(r)
	:: else -> skip
	fi;
#ifdef BUG_NO_RING_ROOM
	if
	:: true ->
#else
	if
	:: next_seq[r] - acked[r] > K -> skip /* wait: ring full */
	:: else ->
#endif
		k = r * K + (next_seq[r] - 1) % K;
		sz = size[r * M + cur[r]];
		if
		:: sz == 0 ->
			/* c4, c5: inline, then publish (pb_ind_put_inline) */
			ring[k].kind = INLINE;
			ring[k].id = cur[r] + 1;
			ring[k].nblk = 0;
			ring[k].seq = next_seq[r];
			held_n[k] = 0;
			next_seq[r]++;
			cur[r]++;
			ok = true
		:: else ->
			/* c22-c24: whole within the cycle, else pieces */
			if
			:: !started[r] && sz <= CYCLE -> chunk = sz
			:: else ->
				chunk = (sz - off[r] < PIECE -> sz - off[r] : PIECE)
			fi;
			fl = 0;
			if
			:: started[r] ->
				/* c26: wait for our own memory */
				in_flight(r);
				if
				:: fl + chunk > CYCLE -> ring_reclaim(r); in_flight(r)
				:: else -> skip
				fi
			:: else -> skip
			fi;
			if
			:: fl + chunk > CYCLE -> skip /* wait */
			:: else ->
				/* c8: free pool memory? else c10-c13: reclaim
				 * from every receiver on the node, retry */
				alloc(chunk);
				if
				:: b == NONE ->
#ifdef BUG_OWN_RING_ONLY
					ring_reclaim(r);
#else
					reclaim_node();
#endif
					alloc(chunk)
				:: else -> skip
				fi;
				if
				:: b == NONE -> skip /* wait: pool full */
				:: else ->
					/* copy into the pool, then the
					 * indicator (pb_ind_put_pool) */
					j = 0;
					do
					:: j < chunk ->
						pool[b + j] = TAG(r, cur[r] + 1, off[r] + j);
						g_owner_r[b + j] = r;
						g_owner_seq[b + j] = next_seq[r];
						j++
					:: else -> break
					od;
					ring[k].kind = (started[r] -> PIECEK : POOL);
					ring[k].id = cur[r] + 1;
					ring[k].blk = b;
					ring[k].nblk = chunk;
					ring[k].total = sz;
					ring[k].seq = next_seq[r]; /* release */
					held_blk[k] = b;
					held_n[k] = chunk;
					if
					:: !started[r] -> started[r] = true;
					                 first_seq[r] = next_seq[r]
					:: else -> skip
					fi;
					next_seq[r]++;
					off[r] = off[r] + chunk;
					if
					:: off[r] == sz -> cur[r]++; off[r] = 0;
					                  started[r] = false
					:: else -> skip
					fi;
					ok = true
				fi
			fi
		fi
	fi
}

/* one step of the sender for receiver rr: pb_tx_push, then (when it could
 * not write) remember that rr is stuck until an ack moves */
inline step(rr)
{
	r = rr;
	push(r);
	if
	:: !ok ->
		if
		:: ack[0] != snap[0] || ack[1] != snap[1] ->
			stuck[0] = false; stuck[1] = false
		:: else -> skip
		fi;
		stuck[r] = true;
		snap[0] = ack[0]; snap[1] = ack[1]
	:: else -> skip
	fi;
	/* scratch values are dead now: forget them so they do not
	 * multiply the states */
	r = 0; k = 0; kk = 0; s = 0; c = 0; i = 0; j = 0;
	b = 0; sz = 0; chunk = 0; fl = 0; rr2 = 0; ok = false
}

proctype Sender()
{
	byte r, k, kk, s, c, i, j, b, sz, chunk, fl, rr2;
	bool ok;
	/* a receiver whose push found no room stays stuck until an ack
	 * moves: pushing it again before would do exactly the same. With
	 * every receiver that has work stuck and no ack moving, the sender
	 * blocks, as pb_wait_send does (spin then sees any deadlock). */
	bool stuck[NR];
	byte snap[NR];

	do
	:: cur[0] == M && cur[1] == M -> break
	/* pb_tx_progress: the pending rings, in any order */
	:: atomic { cur[0] < M && !stuck[0] -> step(0) }
	:: atomic { cur[1] < M && !stuck[1] -> step(1) }
	/* the wait ends: an ack moved */
	:: atomic {
		(ack[0] != snap[0] || ack[1] != snap[1]) ->
		stuck[0] = false; stuck[1] = false;
		snap[0] = ack[0]; snap[1] = ack[1]
	}
	od
}

/* pb_rx_poll for receiver me, and the receive that checks what it gets */
proctype Receiver(byte me)
{
	byte next = 1, published = 0, polled;
	byte kind, id, blk, nblk, total, bi, got;
	byte exp_id = 1;   /* the id the next new message must have */
	bool inmsg = false;

	do
	:: exp_id > M && published == next - 1 -> break
	/* one poll: consume what is there, at most one lap (K) */
	:: polled < K && ring[me * K + (next - 1) % K].seq == next ->
		/* acquire load of seq, pb_ind_parse's copy of the fields
		 * and the checks of the receive */
		d_step {
			kind = ring[me * K + (next - 1) % K].kind;
			id = ring[me * K + (next - 1) % K].id;
			blk = ring[me * K + (next - 1) % K].blk;
			nblk = ring[me * K + (next - 1) % K].nblk;
			total = ring[me * K + (next - 1) % K].total;
			if
			:: kind == INLINE ->
				/* no loss, no duplicate, in order */
				assert(!inmsg && id == exp_id &&
				       size[me * M + id - 1] == 0)
			:: kind == POOL ->
				assert(!inmsg && id == exp_id &&
				       total == size[me * M + id - 1]);
				got = 0
			:: kind == PIECEK ->
				assert(inmsg && id == exp_id)
			fi
		};
#ifdef BUG_ACK_BEFORE_COPY
		d_step { ack[me] = next; published = next };
#endif
		/* deliver: copy the blocks out (a sender reusing them
		 * early would show here), then x->next++ */
		d_step {
			bi = 0;
			do
			:: bi < nblk ->
				assert(pool[blk + bi] == TAG(me, id, got + bi));
				bi++
			:: else -> break
			od;
			if
			:: kind == INLINE -> exp_id++
			:: else ->
				inmsg = true;
				got = got + nblk;
				if
				:: got == total -> inmsg = false; exp_id++;
				                  got = 0
				:: else -> skip
				fi
			fi;
			next++;
			rnext[me] = next;
			polled++;
			kind = 0; id = 0; blk = 0; nblk = 0; total = 0; bi = 0
		}
	/* end of the poll: one ack, after the copies (release store) */
	:: d_step {
		polled > 0 &&
		(polled == K || ring[me * K + (next - 1) % K].seq != next) ->
		if
		:: next - 1 != published ->
			published = next - 1;
			ack[me] = published
		:: else -> skip
		fi;
		polled = 0
	}
	od
}

init
{
	atomic {
		/* the plan (r0: inline, 2 blocks, 3 blocks in pieces;
		 * r1: 1 block, 3 blocks in pieces, inline) */
		size[0] = 0; size[1] = 2; size[2] = 3;
		size[3] = 1; size[4] = 3; size[5] = 0;
		next_seq[0] = 1; next_seq[1] = 1;
		rnext[0] = 1; rnext[1] = 1;
		run Sender();
		run Receiver(0);
		run Receiver(1)
	}
}
