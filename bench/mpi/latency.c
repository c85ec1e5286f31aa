/*
 * latency.c - MPI ping-pong, the same kernel as `pbbench latency`: rank 0
 * sends SIZE bytes with MPI_Send, rank 1 answers with SIZE bytes; the
 * metric is half the round trip in us, median over repetitions.
 *
 *   mpirun -np 2 latency [--sizes 0:4M] [--iters 10000] [--iters-large N]
 *                        [--warmup N] [--reps 5]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static double pingpong(int me, char *sbuf, char *rbuf, size_t size,
		       long iters)
{
	int peer = 1 - me;
	double t0 = MPI_Wtime();
	for (long i = 0; i < iters; i++) {
		if (me == 0) {
			MPI_Send(sbuf, (int)size, MPI_CHAR, peer, 1,
				 MPI_COMM_WORLD);
			MPI_Recv(rbuf, (int)size, MPI_CHAR, peer, 1,
				 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else {
			MPI_Recv(rbuf, (int)size, MPI_CHAR, peer, 1,
				 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			MPI_Send(sbuf, (int)size, MPI_CHAR, peer, 1,
				 MPI_COMM_WORLD);
		}
	}
	return (MPI_Wtime() - t0) * 1e6 / (2.0 * (double)iters);
}

int main(int argc, char **argv)
{
	struct opts o;
	int me, n;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &me);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (n != 2) {
		if (me == 0)
			fprintf(stderr, "latency: needs exactly 2 ranks\n");
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	parse_opts(argc, argv, &o, "0:4M", 10000, 1000);
	size_t top = o.sizes[o.nsizes - 1];
	char *sbuf = alloc_touched(top), *rbuf = alloc_touched(top);
	double *v = malloc((size_t)o.reps * sizeof *v);
	if (me == 0)
		csv_header("mpi latency", &o);
	for (int s = 0; s < o.nsizes; s++) {
		size_t size = o.sizes[s];
		int large = size > LARGE;
		long iters = large ? o.iters_large : o.iters;
		long warm = large ? o.warmup_large : o.warmup;
		if (warm > 0)
			pingpong(me, sbuf, rbuf, size, warm);
		for (int k = 0; k < o.reps; k++)
			v[k] = pingpong(me, sbuf, rbuf, size, iters);
		if (me == 0)
			csv_row("latency", size, iters, 1, o.reps, v, "us");
	}
	MPI_Finalize();
	return 0;
}
