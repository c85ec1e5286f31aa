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

#endif
