/*
 * outside.c - calls a function outside the subset (MPI_Type_indexed):
 * building it with pbcc must fail (no prototype, no symbol), never give
 * a program that runs wrong. tests/mpi registers the build as a test that
 * must fail.
 */
#include <mpi.h>

int main(int argc, char **argv)
{
	int bl[2] = {1, 1}, disp[2] = {0, 2};
	MPI_Datatype t;
	MPI_Init(&argc, &argv);
	MPI_Type_indexed(2, bl, disp, MPI_INT, &t);
	MPI_Finalize();
	return 0;
}
