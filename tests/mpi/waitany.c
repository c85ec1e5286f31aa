/*
 * waitany.c - MPI_Waitany, MPI_Waitsome, MPI_Testall, MPI_Testany,
 * MPI_Testsome, with inactive (null) requests among active ones. Rank 0
 * lets the senders go one at a time, so what completes when is known.
 * Needs 4 ranks.
 */
#include "mpitest.h"

static void go(int to)
{
	int g = 1;
	MPI_Send(&g, 1, MPI_INT, to, 99, MPI_COMM_WORLD);
}

static void sender(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		int g, v = mt_rank * 10 + i;
		MPI_Recv(&g, 1, MPI_INT, 0, 99, MPI_COMM_WORLD,
			 MPI_STATUS_IGNORE);
		/* synchronous: once it returns, rank 0's receive has matched */
		MPI_Ssend(&v, 1, MPI_INT, 0, i, MPI_COMM_WORLD);
	}
}

int main(int argc, char **argv)
{
	int n;
	mt_init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (n != 4) {
		say("needs 4 ranks");
		return mt_finish() + 1;
	}
	if (mt_rank != 0) {
		sender(5);
		return mt_finish();
	}
	MPI_Request r[5];
	MPI_Status st, sts[5];
	int v[5], idx, flag, out, ind[5];

	/* round 0, Waitany: in the order 3, 1, 2; slot 0 and 4 are null */
	r[0] = r[4] = MPI_REQUEST_NULL;
	for (int s = 1; s <= 3; s++)
		MPI_Irecv(&v[s], 1, MPI_INT, s, 0, MPI_COMM_WORLD, &r[s]);
	const int order[3] = {3, 1, 2};
	for (int k = 0; k < 3; k++) {
		go(order[k]);
		MPI_Waitany(5, r, &idx, &st);
		say("waitany: index %d value %d source %d", idx, v[idx],
		    st.MPI_SOURCE);
	}
	MPI_Waitany(5, r, &idx, &st);
	say("waitany with only null requests: undefined %d",
	    idx == MPI_UNDEFINED);

	/* round 1, Testall: false while rank 3 has not sent */
	for (int s = 1; s <= 3; s++)
		MPI_Irecv(&v[s], 1, MPI_INT, s, 1, MPI_COMM_WORLD, &r[s]);
	go(1);
	go(2);
	int early = 0;
	for (int i = 0; i < 200; i++) {
		MPI_Testall(5, r, &flag, sts);
		early |= flag;
	}
	go(3);
	do
		MPI_Testall(5, r, &flag, sts);
	while (!flag);
	say("testall: true before the last send %d; then %d %d %d", early,
	    v[1], v[2], v[3]);

	/* round 2, Waitsome: everything, whatever the batches */
	for (int s = 1; s <= 3; s++) {
		MPI_Irecv(&v[s], 1, MPI_INT, s, 2, MPI_COMM_WORLD, &r[s]);
		go(s);
	}
	int seen = 0, calls = 0;
	for (;;) {
		MPI_Waitsome(5, r, &out, ind, sts);
		if (out == MPI_UNDEFINED)
			break;
		calls++;
		for (int k = 0; k < out; k++) {
			check(sts[k].MPI_SOURCE == ind[k],
			      "waitsome index %d source %d", ind[k],
			      sts[k].MPI_SOURCE);
			seen |= 1 << ind[k];
		}
	}
	say("waitsome: saw slots mask %x in 1..3 calls: %d", seen,
	    calls >= 1 && calls <= 3);

	/* round 3, Testany and Testsome */
	for (int s = 1; s <= 3; s++)
		MPI_Irecv(&v[s], 1, MPI_INT, s, 3, MPI_COMM_WORLD, &r[s]);
	MPI_Testany(5, r, &idx, &flag, &st);
	say("testany before any send: flag %d index undefined %d", flag,
	    idx == MPI_UNDEFINED);
	go(2);
	do
		MPI_Testany(5, r, &idx, &flag, &st);
	while (!flag);
	say("testany: index %d value %d", idx, v[idx]);
	go(1);
	go(3);
	seen = 0;
	while (seen != 0xa) {
		MPI_Testsome(5, r, &out, ind, sts);
		check(out != MPI_UNDEFINED, "testsome: no active request");
		for (int k = 0; k < out; k++)
			seen |= 1 << ind[k];
	}
	MPI_Testsome(5, r, &out, ind, sts);
	say("testsome: got slots 1 and 3, then undefined %d",
	    out == MPI_UNDEFINED);

	/* round 4, Waitall with nulls in between */
	for (int s = 1; s <= 3; s++) {
		MPI_Irecv(&v[s], 1, MPI_INT, s, 4, MPI_COMM_WORLD, &r[s]);
		go(s);
	}
	MPI_Waitall(5, r, sts);
	say("waitall: %d %d %d, null slots report source %d", v[1], v[2],
	    v[3], sts[0].MPI_SOURCE == MPI_ANY_SOURCE);
	return mt_finish();
}
