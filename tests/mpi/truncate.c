/*
 * truncate.c - errors returned instead of fatal (MPI_ERRORS_RETURN):
 * MPI_ERR_TRUNCATE from MPI_Recv, MPI_Wait and MPI_Waitall (as
 * MPI_ERR_IN_STATUS), argument errors by class, and the job still works
 * afterwards. Needs 2 ranks.
 */
#include "mpitest.h"

static const char *cls(int code)
{
	int c;
	if (code == MPI_SUCCESS)
		return "MPI_SUCCESS";
	MPI_Error_class(code, &c);
	switch (c) {
	case MPI_ERR_TRUNCATE: return "MPI_ERR_TRUNCATE";
	case MPI_ERR_IN_STATUS: return "MPI_ERR_IN_STATUS";
	case MPI_ERR_RANK: return "MPI_ERR_RANK";
	case MPI_ERR_TAG: return "MPI_ERR_TAG";
	case MPI_ERR_COUNT: return "MPI_ERR_COUNT";
	case MPI_ERR_TYPE: return "MPI_ERR_TYPE";
	case MPI_ERR_ROOT: return "MPI_ERR_ROOT";
	case MPI_ERR_OP: return "MPI_ERR_OP";
	default: return "another class";
	}
}

int main(int argc, char **argv)
{
	MPI_Status st, sts[2];
	MPI_Request r[2];
	int rc, big[10], small[5] = {0};
	mt_init(&argc, &argv);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	for (int i = 0; i < 10; i++)
		big[i] = i + 1;

	if (mt_rank == 0) {
		MPI_Send(big, 10, MPI_INT, 1, 1, MPI_COMM_WORLD);
		MPI_Send(big, 10, MPI_INT, 1, 2, MPI_COMM_WORLD);
		MPI_Send(big, 2, MPI_INT, 1, 3, MPI_COMM_WORLD);
		MPI_Send(big, 10, MPI_INT, 1, 4, MPI_COMM_WORLD);
	} else if (mt_rank == 1) {
		rc = MPI_Recv(small, 5, MPI_INT, 0, 1, MPI_COMM_WORLD, &st);
		say("recv of 10 ints into 5: %s, source %d tag %d, first %d",
		    cls(rc), st.MPI_SOURCE, st.MPI_TAG, small[0]);
		MPI_Irecv(small, 3, MPI_INT, 0, 2, MPI_COMM_WORLD, &r[0]);
		rc = MPI_Wait(&r[0], &st);
		say("irecv of 10 ints into 3, wait: %s", cls(rc));
		int ok[5];
		MPI_Irecv(ok, 5, MPI_INT, 0, 3, MPI_COMM_WORLD, &r[0]);
		MPI_Irecv(small, 1, MPI_INT, 0, 4, MPI_COMM_WORLD, &r[1]);
		rc = MPI_Waitall(2, r, sts);
		say("waitall, second truncated: %s; statuses %s %s", cls(rc),
		    cls(sts[0].MPI_ERROR), cls(sts[1].MPI_ERROR));
		int c;
		MPI_Get_count(&sts[0], MPI_INT, &c);
		say("the good one: %d ints, %d %d", c, ok[0], ok[1]);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* argument errors, returned and named by class */
	if (mt_rank == 0) {
		rc = MPI_Send(big, 1, MPI_INT, 99, 0, MPI_COMM_WORLD);
		say("send to rank 99: %s", cls(rc));
		rc = MPI_Send(big, 1, MPI_INT, 1, -5, MPI_COMM_WORLD);
		say("send with tag -5: %s", cls(rc));
		rc = MPI_Send(big, -1, MPI_INT, 1, 0, MPI_COMM_WORLD);
		say("send of -1 ints: %s", cls(rc));
		rc = MPI_Bcast(big, 1, MPI_INT, 7, MPI_COMM_WORLD);
		say("bcast from root 7: %s", cls(rc));
	}
	MPI_Barrier(MPI_COMM_WORLD);
	{
		float f = 1;
		rc = MPI_Allreduce(MPI_IN_PLACE, &f, 1, MPI_FLOAT, MPI_BAND,
				   MPI_COMM_WORLD);
		say("MPI_BAND on floats: %s", cls(rc));
	}

	/* texts exist (their words are the implementation's) */
	char text[MPI_MAX_ERROR_STRING];
	int len = 0;
	MPI_Error_string(MPI_ERR_TRUNCATE, text, &len);
	check(len > 0 && (int)strlen(text) == len, "error string length %d",
	      len);

	/* and everything still works */
	int v = mt_rank, w = -1;
	MPI_Sendrecv(&v, 1, MPI_INT, 1 - mt_rank, 9, &w, 1, MPI_INT,
		     1 - mt_rank, 9, MPI_COMM_WORLD, &st);
	say("after the errors, exchange gave %d", w);
	return mt_finish();
}
