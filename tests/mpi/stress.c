/*
 * stress.c - random traffic with every send mode (Send, Ssend, Bsend,
 * Isend, Issend) against every receive style (blocking or not, specific
 * or wildcard source and tag), on the world and on a split, checking
 * non-overtaking per (source, tag) and every payload. Who sends what to
 * whom is drawn from a seed every rank knows, so each rank knows how many
 * messages to expect, and the output (counts and checksums) is the same
 * on any correct MPI. Any number of ranks (4 in the tests).
 */
#include "mpitest.h"

#define ROUNDS 150
#define TAGS 3

static unsigned long long rng;
static unsigned next(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33);
}

struct msg {
	int src, tag, seq, len;
};

int main(int argc, char **argv)
{
	int n;
	mt_init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	MPI_Comm half;
	MPI_Comm_split(MPI_COMM_WORLD, mt_rank % 2, mt_rank, &half);
	int bsize = 64 * (4096 + MPI_BSEND_OVERHEAD);
	char *bbuf = malloc((size_t)bsize);
	MPI_Buffer_attach(bbuf, bsize);

	/* sent[d][t]: messages sent to world rank d with tag t so far;
	 * last[s][t]: sequence number last received from s with tag t */
	int *sent = calloc((size_t)n * TAGS * 2, sizeof(int));
	int *last = malloc((size_t)n * TAGS * 2 * sizeof(int));
	for (int i = 0; i < n * TAGS * 2; i++)
		last[i] = -1;
	long total = 0;
	unsigned long sum = 0;
	MPI_Request *rq = malloc(sizeof(MPI_Request) * 64);
	MPI_Request *sq = malloc(sizeof(MPI_Request) * 64);
	int (*rbuf)[1024] = malloc(sizeof(int[1024]) * 64);
	int (*sbuf)[1024] = malloc(sizeof(int[1024]) * 64);

	for (int round = 0; round < ROUNDS; round++) {
		MPI_Comm comm = round % 3 == 2 ? half : MPI_COMM_WORLD;
		int ci = comm == half, cn, cr;
		MPI_Comm_size(comm, &cn);
		MPI_Comm_rank(comm, &cr);
		/* the round's plan, the same on every rank: msgs[i] goes
		 * from plan_src[i] to plan_dst[i] (comm ranks) */
		rng = 12345u + (unsigned)round * 7919u;
		int nmsg = 0, plan_src[48], plan_dst[48], plan_tag[48],
		    plan_len[48], plan_mode[48];
		for (int s = 0; s < cn; s++) {
			int k = (int)(next() % 8);
			for (int i = 0; i < k; i++, nmsg++) {
				plan_src[nmsg] = s;
				plan_dst[nmsg] = (int)(next() % (unsigned)cn);
				plan_tag[nmsg] = (int)(next() % TAGS);
				plan_len[nmsg] = 4 + (int)(next() % 997); /* header: 4 ints */
				plan_mode[nmsg] = (int)(next() % 5);
			}
		}
		int recv_style = (int)(next() % 4);
		/* my receives: how many, and from whom (for specific ones) */
		int nr = 0, ns = 0, rsrc[48], rtag[48];
		for (int i = 0; i < nmsg; i++)
			if (plan_dst[i] == cr) {
				rsrc[nr] = plan_src[i];
				rtag[nr] = plan_tag[i];
				nr++;
			}
		/* 0, 1: post everything first (1: wildcards); 2, 3: send
		 * first, then blocking receives (3: wildcards) */
		int post_first = recv_style < 2, wild = recv_style & 1;
		if (post_first)
			for (int i = 0; i < nr; i++)
				MPI_Irecv(rbuf[i], 1024, MPI_INT,
					  wild ? MPI_ANY_SOURCE : rsrc[i],
					  wild ? MPI_ANY_TAG : rtag[i], comm,
					  &rq[i]);
		for (int i = 0; i < nmsg; i++) {
			if (plan_src[i] != cr)
				continue;
			int d = plan_dst[i], t = plan_tag[i], len = plan_len[i];
			int *b = sbuf[ns];
			int *cnt = &sent[(ci * n + d) * TAGS + t];
			b[0] = cr;
			b[1] = t;
			b[2] = (*cnt)++;
			b[3] = len;
			for (int k = 4; k < len; k++)
				b[k] = b[2] * 31 + k;
			/* a blocking send to a rank that receives only after
			 * its own sends may deadlock on any MPI (standard mode
			 * may wait for the match, synchronous mode must): those
			 * become Isend and Issend */
			int mode = plan_mode[i];
			if (mode <= 1 && !post_first)
				mode += 3;
			sq[ns] = MPI_REQUEST_NULL;
			switch (mode) {
			case 0: MPI_Send(b, len, MPI_INT, d, t, comm); break;
			case 1: MPI_Ssend(b, len, MPI_INT, d, t, comm); break;
			case 2: MPI_Bsend(b, len, MPI_INT, d, t, comm); break;
			case 3: MPI_Isend(b, len, MPI_INT, d, t, comm, &sq[ns]);
				break;
			default: MPI_Issend(b, len, MPI_INT, d, t, comm,
					    &sq[ns]);
				break;
			}
			ns++;
		}
		MPI_Status *st = malloc(sizeof(MPI_Status) * (size_t)(nr + 1));
		if (post_first) {
			MPI_Waitall(nr, rq, st);
		} else {
			for (int i = 0; i < nr; i++)
				MPI_Recv(rbuf[i], 1024, MPI_INT,
					 wild ? MPI_ANY_SOURCE : rsrc[i],
					 wild ? MPI_ANY_TAG : rtag[i], comm,
					 &st[i]);
		}
		for (int i = 0; i < nr; i++) {
			int *b = rbuf[i], c;
			MPI_Get_count(&st[i], MPI_INT, &c);
			check(b[0] == st[i].MPI_SOURCE && b[1] == st[i].MPI_TAG &&
				      b[3] == c,
			      "round %d: header %d %d %d %d, status %d %d %d",
			      round, b[0], b[1], b[2], b[3], st[i].MPI_SOURCE,
			      st[i].MPI_TAG, c);
			int *l = &last[(ci * n + b[0]) * TAGS + b[1]];
			check(b[2] > *l, "round %d: from %d tag %d seq %d after %d",
			      round, b[0], b[1], b[2], *l);
			*l = b[2];
			for (int k = 4; k < c; k++)
				check(b[k] == b[2] * 31 + k, "round %d: payload",
				      round);
			total++;
			sum = (sum * 131 + mt_sum(b, sizeof(int) * (size_t)c)) &
			      0xffffffffu;
		}
		free(st);
		MPI_Waitall(ns, sq, MPI_STATUSES_IGNORE);
		/* everyone has received all of this round: wildcard
		 * receives of the next cannot take a message of this one */
		MPI_Barrier(MPI_COMM_WORLD);
	}
	/* the per-rank order of receipt depends on wildcards: fold the sum
	 * over all ranks' totals instead of printing it */
	long all = 0;
	MPI_Allreduce(&total, &all, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
	say("received %ld messages; all ranks %ld", total, all);
	(void)sum;
	void *b;
	int bs;
	MPI_Buffer_detach(&b, &bs);
	MPI_Comm_free(&half);
	free(bbuf);
	free(sent);
	free(last);
	free(rq);
	free(sq);
	free(rbuf);
	free(sbuf);
	return mt_finish();
}
