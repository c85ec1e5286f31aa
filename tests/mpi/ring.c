/*
 * ring.c - a token around the ring of all ranks; then a shift with
 * MPI_Sendrecv and one with MPI_Sendrecv_replace.
 */
#include "mpitest.h"

int main(int argc, char **argv)
{
	int n, token = 0;
	mt_init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	int right = (mt_rank + 1) % n, left = (mt_rank + n - 1) % n;
	for (int lap = 0; lap < 10; lap++) {
		if (mt_rank == 0) {
			token += 1;
			MPI_Send(&token, 1, MPI_INT, right, lap, MPI_COMM_WORLD);
			MPI_Recv(&token, 1, MPI_INT, left, lap, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
		} else {
			MPI_Recv(&token, 1, MPI_INT, left, lap, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
			token += mt_rank + 1;
			MPI_Send(&token, 1, MPI_INT, right, lap, MPI_COMM_WORLD);
		}
	}
	if (mt_rank == 0)
		say("token after 10 laps: %d", token);

	int out[3] = {mt_rank, mt_rank * 10, mt_rank * 100}, in[3] = {-1};
	MPI_Status st;
	MPI_Sendrecv(out, 3, MPI_INT, right, 5, in, 3, MPI_INT, left, 5,
		     MPI_COMM_WORLD, &st);
	say("sendrecv got %d %d %d from %d tag %d", in[0], in[1], in[2],
	    st.MPI_SOURCE, st.MPI_TAG);

	double v[2000];
	for (int i = 0; i < 2000; i++)
		v[i] = mt_rank + i * 0.25;
	MPI_Sendrecv_replace(v, 2000, MPI_DOUBLE, right, 6, left, 6,
			     MPI_COMM_WORLD, &st);
	int count;
	MPI_Get_count(&st, MPI_DOUBLE, &count);
	say("replace got v[0]=%g v[1999]=%g count %d from %d", v[0], v[1999],
	    count, st.MPI_SOURCE);

	/* both directions at once with a wildcard source */
	MPI_Sendrecv(&mt_rank, 1, MPI_INT, left, 7, &token, 1, MPI_INT,
		     MPI_ANY_SOURCE, 7, MPI_COMM_WORLD, &st);
	say("reverse got %d from %d", token, st.MPI_SOURCE);
	return mt_finish();
}
