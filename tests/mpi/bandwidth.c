/*
 * bandwidth.c - windows of Isend/Irecv between ranks 0 and 1, as a
 * bandwidth benchmark does it: receives posted before the data comes,
 * then (second half) data sent before the receives are posted. Checks
 * every byte; prints checksums, never rates.
 */
#include "mpitest.h"

#define WINDOW 16

static void window(int size, int rep, int late, char **bufs)
{
	MPI_Request req[WINDOW];
	int me = mt_rank, ack = 0;
	if (me == 1) {
		if (late) /* let the data arrive before anything is posted */
			MPI_Recv(&ack, 1, MPI_INT, 0, 999, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
		for (int w = 0; w < WINDOW; w++)
			MPI_Irecv(bufs[w], size, MPI_BYTE, 0, w, MPI_COMM_WORLD,
				  &req[w]);
		if (!late)
			MPI_Send(&ack, 1, MPI_INT, 0, 998, MPI_COMM_WORLD);
		MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
		unsigned long sum = 0;
		for (int w = 0; w < WINDOW; w++) {
			char *want = malloc((size_t)size + 1);
			mt_fill(want, (size_t)size, (unsigned)(rep * WINDOW + w));
			check(!memcmp(want, bufs[w], (size_t)size),
			      "size %d rep %d msg %d: data differ", size, rep, w);
			sum += mt_sum(bufs[w], (size_t)size);
			free(want);
		}
		MPI_Send(&ack, 1, MPI_INT, 0, 997, MPI_COMM_WORLD);
		if (rep == 0)
			say("size %d %s: window of %d, sum %08lx", size,
			    late ? "unexpected" : "posted", WINDOW,
			    sum & 0xffffffffu);
	} else if (me == 0) {
		if (!late)
			MPI_Recv(&ack, 1, MPI_INT, 1, 998, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
		for (int w = 0; w < WINDOW; w++) {
			mt_fill(bufs[w], (size_t)size, (unsigned)(rep * WINDOW + w));
			MPI_Isend(bufs[w], size, MPI_BYTE, 1, w, MPI_COMM_WORLD,
				  &req[w]);
		}
		if (late)
			MPI_Send(&ack, 1, MPI_INT, 1, 999, MPI_COMM_WORLD);
		MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
		MPI_Recv(&ack, 1, MPI_INT, 1, 997, MPI_COMM_WORLD,
			 MPI_STATUS_IGNORE);
	}
}

int main(int argc, char **argv)
{
	static const int sizes[] = {8, 4096, 65536, 262145};
	mt_init(&argc, &argv);
	char *bufs[WINDOW];
	for (int w = 0; w < WINDOW; w++)
		bufs[w] = malloc(262145);
	for (int late = 0; late < 2; late++)
		for (int k = 0; k < 4; k++)
			for (int rep = 0; rep < 3; rep++)
				window(sizes[k], rep, late, bufs);
	for (int w = 0; w < WINDOW; w++)
		free(bufs[w]);
	return mt_finish();
}
