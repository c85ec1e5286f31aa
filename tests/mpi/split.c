/*
 * split.c - communicators: split (with keys that reverse the order, and
 * MPI_UNDEFINED), dup, free, many create/free cycles (context ids come
 * back), and messages that must not cross communicators. Needs 6 ranks.
 */
#include "mpitest.h"

int main(int argc, char **argv)
{
	int n;
	MPI_Status st;
	mt_init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (n != 6) {
		say("needs 6 ranks");
		return mt_finish() + 1;
	}

	/* even and odd ranks, in reverse order */
	MPI_Comm half;
	int hr, hs, sum;
	MPI_Comm_split(MPI_COMM_WORLD, mt_rank % 2, -mt_rank, &half);
	MPI_Comm_rank(half, &hr);
	MPI_Comm_size(half, &hs);
	MPI_Allreduce(&mt_rank, &sum, 1, MPI_INT, MPI_SUM, half);
	say("half %d: rank %d of %d, sum of world ranks %d", mt_rank % 2, hr,
	    hs, sum);

	/* point to point inside it: everyone to its rank 0, any source */
	if (hr == 0) {
		int from[3] = {0};
		for (int i = 1; i < hs; i++) {
			int v;
			MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 3, half, &st);
			check(v == st.MPI_SOURCE * 1000 + mt_rank % 2,
			      "value %d from %d", v, st.MPI_SOURCE);
			from[st.MPI_SOURCE] = 1;
		}
		say("half %d: heard from sub ranks 1 and 2: %d %d", mt_rank % 2,
		    from[1], from[2]);
	} else {
		int v = hr * 1000 + mt_rank % 2;
		MPI_Send(&v, 1, MPI_INT, 0, 3, half);
	}

	/* a dup and the world, same tag, wildcard receives: no crossing */
	MPI_Comm dup;
	MPI_Comm_dup(MPI_COMM_WORLD, &dup);
	if (mt_rank == 0) {
		int a = 111, b = 222;
		MPI_Send(&a, 1, MPI_INT, 1, 5, dup);
		MPI_Send(&b, 1, MPI_INT, 1, 5, MPI_COMM_WORLD);
	} else if (mt_rank == 1) {
		int a, b;
		MPI_Recv(&b, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG,
			 MPI_COMM_WORLD, &st);
		MPI_Recv(&a, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &st);
		say("world gave %d, dup gave %d", b, a);
	}
	/* collectives on the dup and on the world interleaved */
	int x = mt_rank + 1, y = 0, z = 0;
	MPI_Allreduce(&x, &y, 1, MPI_INT, MPI_PROD, dup);
	MPI_Allreduce(&x, &z, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	say("prod on dup %d, max on world %d", y, z);

	/* some ranks in no communicator at all */
	MPI_Comm some;
	MPI_Comm_split(MPI_COMM_WORLD, mt_rank < 4 ? 7 : MPI_UNDEFINED,
		       mt_rank, &some);
	if (some == MPI_COMM_NULL) {
		say("not in the split of 4");
	} else {
		int sr, ss, b = mt_rank == 3 ? 77 : 0;
		MPI_Comm_rank(some, &sr);
		MPI_Comm_size(some, &ss);
		MPI_Bcast(&b, 1, MPI_INT, 3, some);
		say("in the split of %d as %d, bcast from 3 gave %d", ss, sr, b);
		MPI_Comm_free(&some);
		check(some == MPI_COMM_NULL, "free did not null the handle");
	}

	/* many communicators made and freed: ids must come back */
	for (int i = 0; i < 300; i++) {
		MPI_Comm c;
		int v = i, r = 0;
		MPI_Comm_split(MPI_COMM_WORLD, mt_rank / 2, 0, &c);
		MPI_Allreduce(&v, &r, 1, MPI_INT, MPI_SUM, c);
		check(r == 2 * i, "cycle %d: %d", i, r);
		MPI_Comm_free(&c);
	}
	say("300 split/free cycles done");

	/* a split of a split, pairs talking on it */
	MPI_Comm pair;
	MPI_Comm_split(half, hr == 2 ? 1 : 0, 0, &pair);
	int pr, ps;
	MPI_Comm_rank(pair, &pr);
	MPI_Comm_size(pair, &ps);
	if (ps == 2) {
		int v = mt_rank, w = -1;
		MPI_Sendrecv(&v, 1, MPI_INT, 1 - pr, 0, &w, 1, MPI_INT, 1 - pr,
			     0, pair, &st);
		say("pair rank %d: partner is world rank %d", pr, w);
	} else {
		say("alone in a pair of %d", ps);
	}

	/* MPI_Comm_dup keeps the error handler */
	MPI_Errhandler eh;
	MPI_Comm d2;
	MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN);
	MPI_Comm_dup(dup, &d2);
	MPI_Comm_get_errhandler(d2, &eh);
	say("dup of a dup returns errors: %d", eh == MPI_ERRORS_RETURN);
	MPI_Comm_free(&d2);
	MPI_Comm_free(&pair);
	MPI_Comm_free(&dup);
	MPI_Comm_free(&half);
	return mt_finish();
}
