/*
 * pingpong_mpi.c - the ping-pong of pingpong_raw.c, through mpi.h: same
 * sizes, same iterations, same output, so the two figures differ only by
 * the cost of the MPI layer. Plain MPI: it builds with any mpicc. With
 * one rank, to itself, as pingpong_raw.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	MPI_Init(&argc, &argv);
	int iters = argc > 1 ? atoi(argv[1]) : 100000;
	int len = argc > 2 ? atoi(argv[2]) : 8;
	int me, n, warm = iters / 10;
	double t0 = 0;
	MPI_Comm_rank(MPI_COMM_WORLD, &me);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (len < 0 || len > (int)sizeof(buf)) {
		fprintf(stderr, "pingpong_mpi: 0..65536 B\n");
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	if (n == 1) {
		double best = 1e9;
		for (int rep = 0; rep < 10; rep++) {
			double t1 = MPI_Wtime();
			for (int i = 0; i < iters; i++) {
				MPI_Send(buf, len, MPI_BYTE, 0, 1,
					 MPI_COMM_WORLD);
				MPI_Recv(buf, len, MPI_BYTE, 0, 1,
					 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			}
			t1 = MPI_Wtime() - t1;
			best = t1 < best ? t1 : best;
		}
		printf("mpi %d B to self: %.1f ns per send+recv (best of 10 x "
		       "%d)\n", len, best / iters * 1e9, iters);
		MPI_Finalize();
		return 0;
	}
	MPI_Barrier(MPI_COMM_WORLD);
	for (int i = 0; i < iters + warm; i++) {
		if (i == warm)
			t0 = MPI_Wtime();
		if (me == 0) {
			MPI_Send(buf, len, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
			MPI_Recv(buf, len, MPI_BYTE, 1, 1, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
		} else if (me == 1) {
			MPI_Recv(buf, len, MPI_BYTE, 0, 1, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
			MPI_Send(buf, len, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
		}
	}
	double t = MPI_Wtime() - t0;
	if (me == 0)
		printf("mpi %d B: %.3f us half round trip (%d iterations)\n",
		       len, t / iters / 2 * 1e6, iters);
	MPI_Finalize();
	return 0;
}
