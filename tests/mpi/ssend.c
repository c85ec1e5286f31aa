/*
 * ssend.c - synchronous sends complete only once the receive is matched,
 * and change nothing else: order with other sends, overtaking by tag, a
 * receive posted long before, a send to oneself. Needs 2 ranks.
 */
#include "mpitest.h"

static void pause_s(double s)
{
	double t = MPI_Wtime();
	while (MPI_Wtime() - t < s)
		usleep(1000);
}

int main(int argc, char **argv)
{
	MPI_Request r, rs[3];
	MPI_Status st;
	int v = 0, w = 0, flag;
	mt_init(&argc, &argv);
	int peer = 1 - mt_rank;

	/* 1: an Issend stays incomplete while the receiver has not posted */
	if (mt_rank == 0) {
		v = 17;
		MPI_Issend(&v, 1, MPI_INT, 1, 1, MPI_COMM_WORLD, &r);
		int done = 0;
		for (int i = 0; i < 50; i++) {
			MPI_Test(&r, &flag, MPI_STATUS_IGNORE);
			done |= flag;
			pause_s(0.004);
		}
		say("1 issend complete before the receive was posted: %d", done);
		MPI_Send(&v, 1, MPI_INT, 1, 2, MPI_COMM_WORLD); /* go */
		if (!done)
			MPI_Wait(&r, MPI_STATUS_IGNORE);
		say("1 issend complete after: yes");
	} else {
		MPI_Recv(&w, 1, MPI_INT, 0, 2, MPI_COMM_WORLD, &st);
		MPI_Recv(&w, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, &st);
		say("1 got %d", w);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* 2: a blocking Ssend waits for a late receiver */
	if (mt_rank == 0) {
		double t = MPI_Wtime();
		MPI_Ssend(&v, 1, MPI_INT, 1, 3, MPI_COMM_WORLD);
		say("2 ssend waited for the receiver: %d",
		    MPI_Wtime() - t > 0.1);
	} else {
		pause_s(0.3);
		MPI_Recv(&w, 1, MPI_INT, 0, 3, MPI_COMM_WORLD, &st);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* 3: order: Issend, then Isend with its envelope, then another tag:
	 * wildcard receives see them in the order sent */
	if (mt_rank == 0) {
		int a = 1, b = 2, c = 3;
		MPI_Issend(&a, 1, MPI_INT, 1, 5, MPI_COMM_WORLD, &rs[0]);
		MPI_Isend(&b, 1, MPI_INT, 1, 5, MPI_COMM_WORLD, &rs[1]);
		MPI_Isend(&c, 1, MPI_INT, 1, 6, MPI_COMM_WORLD, &rs[2]);
		MPI_Waitall(3, rs, MPI_STATUSES_IGNORE);
	} else {
		char line[64] = "3 any-tag order:";
		pause_s(0.05);
		for (int i = 0; i < 3; i++) {
			MPI_Recv(&w, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD,
				 &st);
			snprintf(line + strlen(line), 20, " %d(tag %d)", w,
				 st.MPI_TAG);
		}
		say("%s", line);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* 4: the receiver takes a later tag first: the Issend must not hold
	 * the other message back */
	if (mt_rank == 0) {
		int a = 10, b = 20;
		MPI_Issend(&a, 1, MPI_INT, 1, 1, MPI_COMM_WORLD, &rs[0]);
		MPI_Isend(&b, 1, MPI_INT, 1, 2, MPI_COMM_WORLD, &rs[1]);
		MPI_Waitall(2, rs, MPI_STATUSES_IGNORE);
	} else {
		int a, b;
		MPI_Recv(&b, 1, MPI_INT, 0, 2, MPI_COMM_WORLD, &st);
		MPI_Recv(&a, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, &st);
		say("4 tag 2 first: %d, then tag 1: %d", b, a);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* 5: a receive posted early matches the Ssend; the receiver then
	 * waits for a message the sender sends only after its Ssend */
	if (mt_rank == 0) {
		int a = 5, b = 6;
		MPI_Ssend(&a, 1, MPI_INT, 1, 1, MPI_COMM_WORLD);
		MPI_Send(&b, 1, MPI_INT, 1, 2, MPI_COMM_WORLD);
	} else {
		int a = 0, b = 0;
		MPI_Irecv(&a, 1, MPI_INT, MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, &r);
		MPI_Recv(&b, 1, MPI_INT, 0, 2, MPI_COMM_WORLD, &st);
		MPI_Wait(&r, &st);
		say("5 posted early: %d, then %d", a, b);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* 6: big and empty synchronous messages, and several of one
	 * envelope in a row */
	{
		int n = 300000;
		char *big = malloc((size_t)n);
		if (mt_rank == 0) {
			mt_fill(big, (size_t)n, 6);
			MPI_Ssend(big, n, MPI_BYTE, 1, 7, MPI_COMM_WORLD);
			MPI_Ssend(NULL, 0, MPI_BYTE, 1, 8, MPI_COMM_WORLD);
			for (int i = 0; i < 20; i++)
				MPI_Ssend(&i, 1, MPI_INT, 1, 9, MPI_COMM_WORLD);
		} else {
			memset(big, 0, (size_t)n);
			MPI_Recv(big, n, MPI_BYTE, 0, 7, MPI_COMM_WORLD, &st);
			MPI_Recv(NULL, 0, MPI_BYTE, 0, 8, MPI_COMM_WORLD, &st);
			int sum = 0;
			for (int i = 0; i < 20; i++) {
				MPI_Recv(&w, 1, MPI_INT, 0, 9, MPI_COMM_WORLD,
					 &st);
				sum += w;
			}
			say("6 big sum %08lx, empty from %d, 20 in a row sum %d",
			    mt_sum(big, (size_t)n), st.MPI_SOURCE, sum);
		}
		free(big);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* 7: to oneself */
	v = 70 + mt_rank;
	MPI_Issend(&v, 1, MPI_INT, mt_rank, 4, MPI_COMM_WORLD, &r);
	MPI_Recv(&w, 1, MPI_INT, mt_rank, 4, MPI_COMM_WORLD, &st);
	MPI_Wait(&r, MPI_STATUS_IGNORE);
	say("7 to myself: %d", w);

	/* 8: both ways at once, wildcard receives posted first */
	MPI_Irecv(&w, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD,
		  &r);
	MPI_Ssend(&v, 1, MPI_INT, peer, 11, MPI_COMM_WORLD);
	MPI_Wait(&r, &st);
	say("8 crossed Ssends: got %d tag %d", w, st.MPI_TAG);
	return mt_finish();
}
