/*
 * cancel.c - MPI_Cancel of receives (one that can never match, one that
 * matched already), MPI_Test_cancelled, MPI_Request_free. Needs 2 ranks.
 */
#include "mpitest.h"

int main(int argc, char **argv)
{
	MPI_Request r;
	MPI_Status st;
	int v = -1, flag = -1;
	mt_init(&argc, &argv);

	/* nobody sends tag 77: the cancel succeeds */
	MPI_Irecv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 77, MPI_COMM_WORLD, &r);
	MPI_Cancel(&r);
	MPI_Wait(&r, &st);
	MPI_Test_cancelled(&st, &flag);
	say("unmatched receive cancelled: %d, request null: %d", flag,
	    r == MPI_REQUEST_NULL);

	/* cancelled with MPI_Test instead of MPI_Wait */
	MPI_Irecv(&v, 1, MPI_INT, 1 - mt_rank, 78, MPI_COMM_WORLD, &r);
	MPI_Cancel(&r);
	int done = 0;
	while (!done)
		MPI_Test(&r, &done, &st);
	MPI_Test_cancelled(&st, &flag);
	say("cancel then test: cancelled %d", flag);

	/* a receive that matched (the Ssend returned) cannot be cancelled */
	if (mt_rank == 0) {
		MPI_Irecv(&v, 1, MPI_INT, 1, 3, MPI_COMM_WORLD, &r);
		MPI_Barrier(MPI_COMM_WORLD);
		MPI_Recv(&flag, 1, MPI_INT, 1, 4, MPI_COMM_WORLD, &st);
		MPI_Cancel(&r);
		MPI_Wait(&r, &st);
		MPI_Test_cancelled(&st, &flag);
		say("matched receive cancelled: %d, value %d, from %d", flag, v,
		    st.MPI_SOURCE);
	} else {
		int x = 33, y = 1;
		MPI_Barrier(MPI_COMM_WORLD);
		MPI_Ssend(&x, 1, MPI_INT, 0, 3, MPI_COMM_WORLD);
		MPI_Send(&y, 1, MPI_INT, 0, 4, MPI_COMM_WORLD);
	}

	/* a freed send still goes out; a freed receive still lands */
	if (mt_rank == 0) {
		static int big[50000];
		for (int i = 0; i < 50000; i++)
			big[i] = i;
		MPI_Isend(big, 50000, MPI_INT, 1, 5, MPI_COMM_WORLD, &r);
		MPI_Request_free(&r);
		say("freed send: request null %d", r == MPI_REQUEST_NULL);
		MPI_Recv(&v, 1, MPI_INT, 1, 6, MPI_COMM_WORLD, &st);
	} else {
		static int big[50000];
		MPI_Recv(big, 50000, MPI_INT, 0, 5, MPI_COMM_WORLD, &st);
		say("freed send arrived: last %d", big[49999]);
		MPI_Send(&v, 1, MPI_INT, 0, 6, MPI_COMM_WORLD);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* freeing a request that is complete already */
	MPI_Isend(&v, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &r);
	MPI_Request_free(&r);
	say("freed a complete request: %d", r == MPI_REQUEST_NULL);
	return mt_finish();
}
