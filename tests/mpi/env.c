/*
 * env.c - the environment: initialized/finalized flags, thread level,
 * clocks, names, versions, error handlers, MPI_COMM_SELF. Any number of
 * ranks (3 in the tests, each on an emulated node of its own with pbrun).
 */
#include "mpitest.h"

int main(int argc, char **argv)
{
	int flag = -1, provided = -1;
	MPI_Initialized(&flag);
	check(flag == 0, "initialized before MPI_Init: %d", flag);
	MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
	MPI_Comm_rank(MPI_COMM_WORLD, &mt_rank);
	MPI_Initialized(&flag);
	say("initialized %d, provided at least funneled %d", flag,
	    provided >= MPI_THREAD_FUNNELED);
	int q;
	MPI_Query_thread(&q);
	check(q == provided, "query thread %d, provided %d", q, provided);

	double t0 = MPI_Wtime(), tick = MPI_Wtick();
	usleep(20000);
	double t1 = MPI_Wtime();
	say("wtime moves: %d, wtick in (0, 0.01]: %d", t1 - t0 >= 0.015,
	    tick > 0 && tick <= 0.01);

	char name[MPI_MAX_PROCESSOR_NAME];
	int len = 0, v = 0, sv = -1;
	MPI_Get_processor_name(name, &len);
	MPI_Get_version(&v, &sv);
	say("processor name: %d chars, matches strlen %d; version >= 1: %d",
	    len > 0, len == (int)strlen(name), v >= 1 && sv >= 0);

	MPI_Errhandler eh;
	MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh);
	say("default handler is fatal: %d", eh == MPI_ERRORS_ARE_FATAL);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh);
	say("handler now returns: %d", eh == MPI_ERRORS_RETURN);
	int c = -1;
	MPI_Error_class(MPI_ERR_TRUNCATE, &c);
	say("class of MPI_ERR_TRUNCATE is itself: %d", c == MPI_ERR_TRUNCATE);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);

	/* MPI_COMM_SELF: one rank, messages to oneself, collectives */
	int sr = -1, ss = -1, x = mt_rank + 5, y = 0;
	MPI_Comm_rank(MPI_COMM_SELF, &sr);
	MPI_Comm_size(MPI_COMM_SELF, &ss);
	MPI_Request r;
	MPI_Status st;
	MPI_Isend(&x, 1, MPI_INT, 0, 3, MPI_COMM_SELF, &r);
	MPI_Recv(&y, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_SELF,
		 &st);
	MPI_Wait(&r, MPI_STATUS_IGNORE);
	say("self: rank %d of %d; sent myself %d from %d tag %d", sr, ss, y,
	    st.MPI_SOURCE, st.MPI_TAG);
	MPI_Allreduce(&x, &y, 1, MPI_INT, MPI_SUM, MPI_COMM_SELF);
	MPI_Comm d;
	MPI_Comm_dup(MPI_COMM_SELF, &d);
	MPI_Bcast(&y, 1, MPI_INT, 0, d);
	MPI_Barrier(d);
	MPI_Comm_free(&d);
	say("self allreduce %d", y);

	/* self and world traffic with the same tag do not mix */
	int w = -1;
	if (mt_rank == 0) {
		int a = 1, b = 2;
		MPI_Send(&a, 1, MPI_INT, 0, 9, MPI_COMM_SELF);
		MPI_Send(&b, 1, MPI_INT, 0, 9, MPI_COMM_WORLD);
		MPI_Recv(&w, 1, MPI_INT, MPI_ANY_SOURCE, 9, MPI_COMM_WORLD, &st);
		MPI_Recv(&a, 1, MPI_INT, 0, 9, MPI_COMM_SELF, &st);
		say("world gave %d, self gave %d", w, a);
	}

	MPI_Finalized(&flag);
	check(flag == 0, "finalized before MPI_Finalize: %d", flag);
	MPI_Finalize();
	MPI_Finalized(&flag);
	say("finalized %d", flag);
	return mt_failed;
}
