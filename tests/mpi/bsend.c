/*
 * bsend.c - buffered sends: they return before the receiver has posted
 * anything, detach waits for them, and a buffer too small is an error.
 * Needs 2 ranks.
 */
#include "mpitest.h"

#define N 1000
#define MSGS 5

int main(int argc, char **argv)
{
	MPI_Status st;
	int go = 1;
	mt_init(&argc, &argv);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	int size = MSGS * (N * (int)sizeof(int) + MPI_BSEND_OVERHEAD);
	char *buf = malloc((size_t)size);

	for (int round = 0; round < 2; round++) {
		if (mt_rank == 0) {
			int data[N];
			MPI_Buffer_attach(buf, size);
			for (int m = 0; m < MSGS; m++) {
				for (int i = 0; i < N; i++)
					data[i] = round * 10000 + m * 1000 + i;
				int rc = MPI_Bsend(data, N, MPI_INT, 1, m,
						   MPI_COMM_WORLD);
				check(rc == MPI_SUCCESS, "bsend %d: %d", m, rc);
			}
			/* the buffer holds copies: the data may change */
			memset(data, 0, sizeof(data));
			MPI_Send(&go, 1, MPI_INT, 1, 100, MPI_COMM_WORLD);
			void *back;
			int bsize;
			MPI_Buffer_detach(&back, &bsize);
			say("round %d: detach gave the buffer back: %d, size %d",
			    round, back == (void *)buf, bsize == size);
		} else if (mt_rank == 1) {
			MPI_Recv(&go, 1, MPI_INT, 0, 100, MPI_COMM_WORLD, &st);
			long sum = 0;
			for (int m = MSGS - 1; m >= 0; m--) {
				int data[N];
				MPI_Recv(data, N, MPI_INT, 0, m, MPI_COMM_WORLD,
					 &st);
				check(data[7] == round * 10000 + m * 1000 + 7,
				      "round %d msg %d: %d", round, m, data[7]);
				for (int i = 0; i < N; i++)
					sum += data[i];
			}
			say("round %d: received %d buffered messages, sum %ld",
			    round, MSGS, sum);
		}
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* more than the buffer holds */
	if (mt_rank == 0) {
		int small = N * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
		static int data[2 * N];
		MPI_Buffer_attach(buf, small);
		int rc = MPI_Bsend(data, 2 * N, MPI_INT, 1, 1, MPI_COMM_WORLD);
		int c;
		MPI_Error_class(rc, &c);
		say("a Bsend that does not fit: %s",
		    c == MPI_ERR_BUFFER ? "MPI_ERR_BUFFER" : "another result");
		void *back;
		int bsize;
		MPI_Buffer_detach(&back, &bsize);
	}
	free(buf);
	return mt_finish();
}
