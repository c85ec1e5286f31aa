/*
 * pingpong.c - ranks 0 and 1 bounce messages of every size class (empty,
 * inline, one pool run, several cycle pieces) and check every byte.
 */
#include "mpitest.h"

int main(int argc, char **argv)
{
	static const int sizes[] = {0, 1, 8, 48, 49, 1000, 4096, 65536,
				    300000, 1048579};
	const int nsizes = (int)(sizeof(sizes) / sizeof(sizes[0]));
	const int max = 1048579, rounds = 5;
	mt_init(&argc, &argv);
	char *a = malloc(max), *b = malloc(max);
	for (int k = 0; k < nsizes; k++) {
		int s = sizes[k];
		for (int it = 0; it < rounds; it++) {
			MPI_Status st;
			int count;
			if (mt_rank == 0) {
				mt_fill(a, (size_t)s, (unsigned)(k * 10 + it));
				memset(b, 0, (size_t)s);
				MPI_Send(a, s, MPI_BYTE, 1, it, MPI_COMM_WORLD);
				MPI_Recv(b, s, MPI_BYTE, 1, it, MPI_COMM_WORLD,
					 &st);
				MPI_Get_count(&st, MPI_BYTE, &count);
				check(count == s && st.MPI_SOURCE == 1 &&
					      st.MPI_TAG == it,
				      "size %d: status %d %d %d", s, count,
				      st.MPI_SOURCE, st.MPI_TAG);
				check(!memcmp(a, b, (size_t)s),
				      "size %d round %d: data differ", s, it);
			} else if (mt_rank == 1) {
				MPI_Recv(b, s, MPI_BYTE, 0, it, MPI_COMM_WORLD,
					 &st);
				MPI_Get_count(&st, MPI_BYTE, &count);
				check(count == s, "size %d: got %d", s, count);
				MPI_Send(b, s, MPI_BYTE, 0, it, MPI_COMM_WORLD);
			}
		}
		if (mt_rank == 0)
			say("size %d: %d round trips, sum %08lx", s, rounds,
			    mt_sum(b, (size_t)s));
	}
	/* doubles, so that the count is in elements */
	double d[100];
	for (int i = 0; i < 100; i++)
		d[i] = mt_rank == 0 ? i * 0.5 : -1;
	if (mt_rank == 0) {
		MPI_Send(d, 100, MPI_DOUBLE, 1, 42, MPI_COMM_WORLD);
	} else if (mt_rank == 1) {
		MPI_Status st;
		int count;
		MPI_Recv(d, 100, MPI_DOUBLE, 0, 42, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_DOUBLE, &count);
		say("doubles: count %d, d[99] = %g", count, d[99]);
	}
	free(a);
	free(b);
	return mt_finish();
}
