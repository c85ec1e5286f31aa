/*
 * stream.h - the one-way streaming kernel of bw.c and rate.c, the same as
 * pbbench's: per iteration rank 0 posts WINDOW MPI_Isends from one buffer
 * and waits for them, rank 1 posts WINDOW MPI_Irecvs into one buffer,
 * waits, and answers with a 4-byte ack (as osu_bw and osu_mbw_mr).
 * Statuses are collected, as osu_bw does (and gcc 12 warns wrongly about
 * MPICH's MPI_STATUSES_IGNORE). Returns the seconds taken on this rank.
 */
#ifndef BENCH_MPI_STREAM_H
#define BENCH_MPI_STREAM_H

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static double stream(int me, char *sbuf, char *rbuf, size_t size,
		     long iters, int window, MPI_Request *reqs,
		     MPI_Status *sts)
{
	char ack[4] = { 0 };
	int peer = 1 - me;
	double t0 = MPI_Wtime();
	for (long i = 0; i < iters; i++) {
		if (me == 0) {
			for (int k = 0; k < window; k++)
				MPI_Isend(sbuf, (int)size, MPI_CHAR, peer, 1,
					  MPI_COMM_WORLD, &reqs[k]);
			MPI_Waitall(window, reqs, sts);
			MPI_Recv(ack, 4, MPI_CHAR, peer, 2, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
		} else {
			for (int k = 0; k < window; k++)
				MPI_Irecv(rbuf, (int)size, MPI_CHAR, peer, 1,
					  MPI_COMM_WORLD, &reqs[k]);
			MPI_Waitall(window, reqs, sts);
			MPI_Send(ack, 4, MPI_CHAR, peer, 2, MPI_COMM_WORLD);
		}
	}
	return MPI_Wtime() - t0;
}

/* The whole of bw.c and rate.c: they differ only in their name, default
 * sizes and iterations, and the figure made of one run (bytes or messages
 * per second, scaled by div, printed with unit). */
static int stream_main(int argc, char **argv, const char *name,
		       const char *sizes, long iters_def, long iters_large_def,
		       int per_byte, double div, const char *unit)
{
	struct opts o;
	int me, n;
	char title[32];
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &me);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (n != 2) {
		if (me == 0)
			fprintf(stderr, "%s: needs exactly 2 ranks\n", name);
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	parse_opts(argc, argv, &o, sizes, iters_def, iters_large_def);
	size_t top = o.sizes[o.nsizes - 1];
	char *sbuf = alloc_touched(top), *rbuf = alloc_touched(top);
	MPI_Request *reqs = malloc((size_t)o.window * sizeof *reqs);
	MPI_Status *sts = malloc((size_t)o.window * sizeof *sts);
	double *v = malloc((size_t)o.reps * sizeof *v);
	snprintf(title, sizeof title, "mpi %s", name);
	if (me == 0)
		csv_header(title, &o);
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
			double per = per_byte ? (double)size : 1.0;
			v[k] = per * o.window * (double)iters / t / div;
		}
		if (me == 0)
			csv_row(name, size, iters, o.window, o.reps, v, unit);
	}
	MPI_Finalize();
	return 0;
}

#endif
