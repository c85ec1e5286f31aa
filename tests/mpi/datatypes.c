/*
 * datatypes.c - sizes and extents of the predefined types, vectors and
 * contiguous types sent and received in every combination, counts in
 * different types, value-index pairs on the wire. Needs 2 ranks.
 */
#include <stdbool.h>
#include <stdint.h>

#include "mpitest.h"

#define T(x) {x, #x}
static const struct {
	MPI_Datatype t;
	const char *name;
} types[] = {
	T(MPI_CHAR), T(MPI_SIGNED_CHAR), T(MPI_UNSIGNED_CHAR), T(MPI_BYTE),
	T(MPI_WCHAR), T(MPI_SHORT), T(MPI_UNSIGNED_SHORT), T(MPI_INT),
	T(MPI_UNSIGNED), T(MPI_LONG), T(MPI_UNSIGNED_LONG),
	T(MPI_LONG_LONG_INT), T(MPI_LONG_LONG), T(MPI_UNSIGNED_LONG_LONG),
	T(MPI_FLOAT), T(MPI_DOUBLE), T(MPI_LONG_DOUBLE), T(MPI_PACKED),
	T(MPI_INT8_T), T(MPI_INT16_T), T(MPI_INT32_T), T(MPI_INT64_T),
	T(MPI_UINT8_T), T(MPI_UINT16_T), T(MPI_UINT32_T), T(MPI_UINT64_T),
	T(MPI_C_BOOL), T(MPI_C_FLOAT_COMPLEX), T(MPI_C_DOUBLE_COMPLEX),
	T(MPI_C_LONG_DOUBLE_COMPLEX), T(MPI_AINT), T(MPI_FLOAT_INT),
	T(MPI_DOUBLE_INT), T(MPI_LONG_INT), T(MPI_2INT), T(MPI_SHORT_INT),
	T(MPI_LONG_DOUBLE_INT),
};

int main(int argc, char **argv)
{
	MPI_Status st;
	int count;
	mt_init(&argc, &argv);
	if (mt_rank == 0)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			int size;
			MPI_Aint lb, extent;
			MPI_Type_size(types[i].t, &size);
			MPI_Type_get_extent(types[i].t, &lb, &extent);
			say("%s: size %d, lb %ld, extent %ld", types[i].name,
			    size, (long)lb, (long)extent);
		}

	/* a column of 4 rows of a matrix 5 wide: vector(4, 1, 5) */
	MPI_Datatype col, pair2, colpairs;
	MPI_Type_vector(4, 1, 5, MPI_INT, &col);
	MPI_Type_commit(&col);
	MPI_Type_vector(3, 2, 4, MPI_DOUBLE, &pair2);
	MPI_Type_commit(&pair2);
	MPI_Type_contiguous(2, pair2, &colpairs); /* not committed yet */
	MPI_Type_commit(&colpairs);
	{
		int size;
		MPI_Aint lb, extent;
		MPI_Type_size(col, &size);
		MPI_Type_get_extent(col, &lb, &extent);
		if (mt_rank == 0)
			say("vector(4,1,5) of int: size %d, extent %ld", size,
			    (long)extent);
		MPI_Type_size(colpairs, &size);
		MPI_Type_get_extent(colpairs, &lb, &extent);
		if (mt_rank == 0)
			say("contiguous(2, vector(3,2,4) of double): size %d, "
			    "extent %ld", size, (long)extent);
	}

	int m[8][5]; /* two columns of extent 16 ints reach row 6 */
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 5; j++)
			m[i][j] = mt_rank == 0 ? i * 10 + j : -1;
	if (mt_rank == 0) {
		/* column 2 as a vector; received as 4 plain ints */
		MPI_Send(&m[0][2], 1, col, 1, 1, MPI_COMM_WORLD);
		/* 4 plain ints; received into column 3 */
		int plain[4] = {100, 101, 102, 103};
		MPI_Send(plain, 4, MPI_INT, 1, 2, MPI_COMM_WORLD);
		/* vector to vector, two of them (columns 0 and 1) */
		MPI_Send(&m[0][0], 2, col, 1, 3, MPI_COMM_WORLD);
	} else {
		int got[4];
		MPI_Recv(got, 4, MPI_INT, 0, 1, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_INT, &count);
		say("column as ints: %d %d %d %d (count %d)", got[0], got[1],
		    got[2], got[3], count);
		MPI_Get_count(&st, col, &count);
		say("the same message counted in columns: %d", count);
		MPI_Recv(&m[0][3], 1, col, 0, 2, MPI_COMM_WORLD, &st);
		say("ints into column 3: %d %d %d %d, neighbours %d %d",
		    m[0][3], m[1][3], m[2][3], m[3][3], m[0][2], m[0][4]);
		MPI_Recv(&m[0][0], 2, col, 0, 3, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, col, &count);
		say("two columns (extent of a column is 16 ints, so the second"
		    " starts at m[3][1]): m[0][0]=%d m[3][0]=%d m[3][1]=%d "
		    "count %d", m[0][0], m[3][0], m[3][1], count);
	}

	/* counts that do not divide */
	if (mt_rank == 0) {
		char b[10] = "abcdefghi";
		MPI_Send(b, 10, MPI_CHAR, 1, 4, MPI_COMM_WORLD);
	} else {
		char b[12];
		MPI_Recv(b, 12, MPI_CHAR, 0, 4, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_INT, &count);
		say("10 chars counted in ints: undefined %d",
		    count == MPI_UNDEFINED);
		MPI_Get_count(&st, MPI_SHORT, &count);
		say("10 chars counted in shorts: %d", count);
	}

	/* value-index pairs carry their padding nowhere */
	struct {
		double v;
		int i;
	} di[3] = {{1.5, 1}, {2.5, 2}, {3.5, 3}};
	struct {
		long double v;
		int i;
	} ldi[2] = {{0.25L, 7}, {0.75L, 8}};
	if (mt_rank == 0) {
		MPI_Send(di, 3, MPI_DOUBLE_INT, 1, 5, MPI_COMM_WORLD);
		MPI_Send(ldi, 2, MPI_LONG_DOUBLE_INT, 1, 6, MPI_COMM_WORLD);
	} else {
		memset(di, 0, sizeof(di));
		MPI_Recv(di, 3, MPI_DOUBLE_INT, 0, 5, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_BYTE, &count);
		say("3 double-int pairs: %g/%d %g/%d, %d bytes", di[0].v,
		    di[0].i, di[2].v, di[2].i, count);
		memset(ldi, 0, sizeof(ldi));
		MPI_Recv(ldi, 2, MPI_LONG_DOUBLE_INT, 0, 6, MPI_COMM_WORLD,
			 &st);
		MPI_Get_count(&st, MPI_LONG_DOUBLE_INT, &count);
		say("long double-int pairs: %g/%d %g/%d, count %d",
		    (double)ldi[0].v, ldi[0].i, (double)ldi[1].v, ldi[1].i,
		    count);
	}

	/* a vector of doubles both ways at once, in place */
	double d[2][12];
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 12; i++)
			d[k][i] = mt_rank * 100 + k * 12 + i;
	MPI_Sendrecv_replace(d, 1, colpairs, 1 - mt_rank, 7, 1 - mt_rank, 7,
			     MPI_COMM_WORLD, &st);
	say("exchanged pairs of doubles: %g %g %g | untouched %g %g | %g",
	    d[0][0], d[0][1], d[0][4], d[0][2], d[0][3], d[1][9]);

	/* packed bytes and a bool */
	bool flags[3] = {mt_rank == 0, true, false};
	MPI_Sendrecv_replace(flags, 3, MPI_C_BOOL, 1 - mt_rank, 8, 1 - mt_rank,
			     8, MPI_COMM_WORLD, &st);
	say("bools from the other: %d %d %d", flags[0], flags[1], flags[2]);

	MPI_Type_free(&colpairs);
	MPI_Type_free(&pair2);
	/* pair2 is gone but a type built from it lives on */
	MPI_Type_free(&col);
	say("types freed: %d", col == MPI_DATATYPE_NULL);
	return mt_finish();
}
