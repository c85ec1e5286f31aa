/*
 * bw.c - MPI streaming bandwidth, the same kernel as `pbbench bw`: MB/s (10^6
 * bytes per second) of WINDOW messages per iteration, median over
 * repetitions.
 *
 *   mpirun -np 2 bw [--sizes 0:4M] [--iters 100] [--iters-large 20]
 *                  [--window 64] [--warmup N] [--reps 5]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "stream.h"

int main(int argc, char **argv)
{
	struct opts o;
	int me, n;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &me);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (n != 2) {
		if (me == 0)
			fprintf(stderr, "bw: needs exactly 2 ranks\n");
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	parse_opts(argc, argv, &o, "0:4M", 100, 20);
	size_t top = o.sizes[o.nsizes - 1];
	char *sbuf = alloc_touched(top), *rbuf = alloc_touched(top);
	MPI_Request *reqs = malloc((size_t)o.window * sizeof *reqs);
	MPI_Status *sts = malloc((size_t)o.window * sizeof *sts);
	double *v = malloc((size_t)o.reps * sizeof *v);
	if (me == 0)
		csv_header("mpi bw", &o);
	for (int s = 0; s < o.nsizes; s++) {
		size_t size = o.sizes[s];
		int large = size > LARGE;
		long iters = large ? o.iters_large : o.iters;
		long warm = large ? o.warmup_large : o.warmup;
		if (warm > 0)
			stream(me, sbuf, rbuf, size, warm, o.window, reqs,
			       sts);
		for (int k = 0; k < o.reps; k++) {
			double t = stream(me, sbuf, rbuf, size, iters,
					  o.window, reqs, sts);
			v[k] = (double)size * o.window * (double)iters / t / 1e6;
		}
		if (me == 0)
			csv_row("bw", size, iters, o.window, o.reps, v,
				"MB/s");
	}
	MPI_Finalize();
	return 0;
}
