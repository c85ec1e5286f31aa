/*
 * abort.c - MPI_Abort from one rank ends the whole job with its error
 * code, even while another rank waits for a message that never comes.
 * Needs 2 ranks; the test expects the launcher to fail.
 */
#include "mpitest.h"

int main(int argc, char **argv)
{
	mt_init(&argc, &argv);
	if (mt_rank == 1) {
		say("aborting with code 3");
		MPI_Abort(MPI_COMM_WORLD, 3);
	}
	int v;
	MPI_Recv(&v, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	say("not reached");
	return mt_finish();
}
