/*
 * collectives.c - every collective, from every root where there is one,
 * and every predefined reduction on the types it applies to. Values are
 * small integers, so that floating-point results are exact whatever the
 * order of the reduction. At least 3 ranks (5 in the tests: not a power
 * of two).
 */
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>

#include "mpitest.h"

static int n;

/* One reduction: each rank contributes three elements derived from its
 * rank; all ranks get the result (Allreduce), printed by rank 0, then the
 * same through Reduce at the last rank, which must agree. */
#define RED(TYPE, MPITYPE, OP, FMT, CAST, V0)                                \
	do {                                                                 \
		TYPE in[3], out[3], out2[3];                                 \
		for (int i = 0; i < 3; i++)                                  \
			in[i] = (TYPE)(V0);                                  \
		MPI_Allreduce(in, out, 3, MPITYPE, OP, MPI_COMM_WORLD);      \
		memset(out2, 0, sizeof(out2));                               \
		MPI_Reduce(in, out2, 3, MPITYPE, OP, n - 1, MPI_COMM_WORLD); \
		if (mt_rank == n - 1)                                        \
			for (int i = 0; i < 3; i++)                          \
				check(out[i] == out2[i],                     \
				      "%s %s: reduce and allreduce differ",  \
				      #OP, #MPITYPE);                        \
		if (mt_rank == 0)                                            \
			say("%s %s: " FMT " " FMT " " FMT, #OP, #MPITYPE,    \
			    CAST(out[0]), CAST(out[1]), CAST(out[2]));       \
	} while (0)

#define ID(x) (x)

/* i and the rank make a value: distinct per element, small. */
#define V(i) (mt_rank + 1 + (i))
#define VBIT(i) ((1 << (mt_rank % 7)) | (i))
#define VLOG(i) ((mt_rank + (i)) % 3 == 0)

static void arith(void)
{
	RED(int, MPI_INT, MPI_SUM, "%d", ID, V(i));
	RED(int, MPI_INT, MPI_PROD, "%d", ID, V(i));
	RED(int, MPI_INT, MPI_MIN, "%d", ID, V(i) * (mt_rank % 2 ? -1 : 1));
	RED(int, MPI_INT, MPI_MAX, "%d", ID, V(i) * (mt_rank % 2 ? -1 : 1));
	RED(long, MPI_LONG, MPI_SUM, "%ld", ID, V(i) * 1000000000L);
	RED(long, MPI_LONG, MPI_MAX, "%ld", ID, V(i));
	RED(short, MPI_SHORT, MPI_SUM, "%d", ID, V(i));
	RED(short, MPI_SHORT, MPI_MIN, "%d", ID, -V(i));
	RED(unsigned, MPI_UNSIGNED, MPI_SUM, "%u", ID, V(i));
	RED(unsigned, MPI_UNSIGNED, MPI_PROD, "%u", ID, V(i));
	RED(unsigned short, MPI_UNSIGNED_SHORT, MPI_MAX, "%u", ID, V(i));
	RED(unsigned long, MPI_UNSIGNED_LONG, MPI_SUM, "%lu", ID, V(i));
	RED(long long, MPI_LONG_LONG, MPI_PROD, "%lld", ID, V(i) * 1000LL);
	RED(unsigned long long, MPI_UNSIGNED_LONG_LONG, MPI_MIN, "%llu", ID,
	    V(i));
	RED(signed char, MPI_SIGNED_CHAR, MPI_SUM, "%d", ID, V(i));
	RED(unsigned char, MPI_UNSIGNED_CHAR, MPI_MAX, "%d", ID, V(i) * 7);
	RED(int8_t, MPI_INT8_T, MPI_MIN, "%d", ID, -V(i));
	RED(int16_t, MPI_INT16_T, MPI_PROD, "%d", ID, V(i));
	RED(int32_t, MPI_INT32_T, MPI_SUM, "%d", ID, V(i));
	RED(int64_t, MPI_INT64_T, MPI_MAX, "%lld", (long long), V(i));
	RED(uint8_t, MPI_UINT8_T, MPI_SUM, "%u", (unsigned), V(i));
	RED(uint16_t, MPI_UINT16_T, MPI_MIN, "%u", (unsigned), V(i));
	RED(uint32_t, MPI_UINT32_T, MPI_PROD, "%u", (unsigned), V(i));
	RED(uint64_t, MPI_UINT64_T, MPI_SUM, "%llu", (unsigned long long),
	    V(i));
	RED(float, MPI_FLOAT, MPI_SUM, "%g", (double), V(i) * 0.5f);
	RED(float, MPI_FLOAT, MPI_PROD, "%g", (double), V(i));
	RED(float, MPI_FLOAT, MPI_MIN, "%g", (double), V(i) - 3.25f);
	RED(double, MPI_DOUBLE, MPI_SUM, "%g", ID, V(i) * 0.25);
	RED(double, MPI_DOUBLE, MPI_PROD, "%g", ID, V(i) * 0.5);
	RED(double, MPI_DOUBLE, MPI_MAX, "%g", ID, -V(i) * 1.5);
	RED(long double, MPI_LONG_DOUBLE, MPI_SUM, "%g", (double), V(i) * 2.0L);
	RED(long double, MPI_LONG_DOUBLE, MPI_MIN, "%g", (double), V(i) * 2.0L);
}

static void logical(void)
{
	RED(int, MPI_INT, MPI_LAND, "%d", ID, VLOG(i));
	RED(int, MPI_INT, MPI_LOR, "%d", ID, VLOG(i));
	RED(int, MPI_INT, MPI_LXOR, "%d", ID, VLOG(i));
	RED(long, MPI_LONG, MPI_LOR, "%ld", ID, VLOG(i) * 5);
	RED(unsigned char, MPI_UNSIGNED_CHAR, MPI_LXOR, "%d", ID, VLOG(i));
	RED(bool, MPI_C_BOOL, MPI_LAND, "%d", (int), VLOG(i));
	RED(bool, MPI_C_BOOL, MPI_LOR, "%d", (int), VLOG(i));
	RED(bool, MPI_C_BOOL, MPI_LXOR, "%d", (int), VLOG(i));
	RED(int, MPI_INT, MPI_BAND, "%d", ID, VBIT(i) | 0x70);
	RED(int, MPI_INT, MPI_BOR, "%d", ID, VBIT(i));
	RED(int, MPI_INT, MPI_BXOR, "%d", ID, VBIT(i));
	RED(unsigned, MPI_UNSIGNED, MPI_BXOR, "%u", ID, VBIT(i) * 3u);
	RED(unsigned char, MPI_BYTE, MPI_BOR, "%d", ID, VBIT(i));
	RED(unsigned char, MPI_BYTE, MPI_BAND, "%d", ID, VBIT(i) | 0xf0);
	RED(unsigned char, MPI_BYTE, MPI_BXOR, "%d", ID, VBIT(i));
	RED(uint64_t, MPI_UINT64_T, MPI_BOR, "%llx", (unsigned long long),
	    (uint64_t)VBIT(i) << 40);
}

/* Value-index pairs: values collide on purpose, so the smaller index must
 * win the tie. */
#define LOC(STRUCT, MPITYPE, OP, FMT, CAST)                                  \
	do {                                                                 \
		STRUCT in[2], out[2];                                        \
		in[0].v = (mt_rank * 7) % 4;                                 \
		in[0].i = mt_rank;                                           \
		in[1].v = -((mt_rank * 3) % 5);                              \
		in[1].i = 10 + mt_rank;                                      \
		MPI_Allreduce(in, out, 2, MPITYPE, OP, MPI_COMM_WORLD);      \
		if (mt_rank == 0)                                            \
			say("%s %s: (" FMT ", %d) (" FMT ", %d)", #OP,       \
			    #MPITYPE, CAST(out[0].v), out[0].i,              \
			    CAST(out[1].v), out[1].i);                       \
	} while (0)

struct fi { float v; int i; };
struct di { double v; int i; };
struct li { long v; int i; };
struct ii { int v; int i; };
struct si { short v; int i; };
struct ldi { long double v; int i; };

static void loc(void)
{
	LOC(struct fi, MPI_FLOAT_INT, MPI_MAXLOC, "%g", (double));
	LOC(struct fi, MPI_FLOAT_INT, MPI_MINLOC, "%g", (double));
	LOC(struct di, MPI_DOUBLE_INT, MPI_MAXLOC, "%g", ID);
	LOC(struct di, MPI_DOUBLE_INT, MPI_MINLOC, "%g", ID);
	LOC(struct li, MPI_LONG_INT, MPI_MAXLOC, "%ld", ID);
	LOC(struct ii, MPI_2INT, MPI_MINLOC, "%d", ID);
	LOC(struct ii, MPI_2INT, MPI_MAXLOC, "%d", ID);
	LOC(struct si, MPI_SHORT_INT, MPI_MINLOC, "%d", ID);
	LOC(struct ldi, MPI_LONG_DOUBLE_INT, MPI_MAXLOC, "%g", (double));
}

static void complex_ops(void)
{
	double complex in = (mt_rank + 1) + 1.0 * I * (mt_rank % 2), out = 0;
	MPI_Allreduce(&in, &out, 1, MPI_C_DOUBLE_COMPLEX, MPI_SUM,
		      MPI_COMM_WORLD);
	if (mt_rank == 0)
		say("MPI_SUM MPI_C_DOUBLE_COMPLEX: %g%+gi", creal(out),
		    cimag(out));
	float complex fin = (mt_rank % 2 ? I : 1), fout = 0;
	MPI_Allreduce(&fin, &fout, 1, MPI_C_FLOAT_COMPLEX, MPI_PROD,
		      MPI_COMM_WORLD);
	if (mt_rank == 0)
		say("MPI_PROD MPI_C_FLOAT_COMPLEX: %g%+gi", (double)crealf(fout),
		    (double)cimagf(fout));
}

static void in_place(void)
{
	int v[4];
	for (int i = 0; i < 4; i++)
		v[i] = mt_rank * 10 + i;
	MPI_Allreduce(MPI_IN_PLACE, v, 4, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	say("allreduce in place: %d %d %d %d", v[0], v[1], v[2], v[3]);
	double d = mt_rank + 0.5, r = -1;
	if (mt_rank == 2) {
		r = d;
		MPI_Reduce(MPI_IN_PLACE, &r, 1, MPI_DOUBLE, MPI_MAX, 2,
			   MPI_COMM_WORLD);
		say("reduce in place at root 2: %g", r);
	} else {
		MPI_Reduce(&d, NULL, 1, MPI_DOUBLE, MPI_MAX, 2, MPI_COMM_WORLD);
	}
}

static void bcast(void)
{
	for (int root = 0; root < n; root++) {
		int v[1000];
		for (int i = 0; i < 1000; i++)
			v[i] = mt_rank == root ? root * 1000 + i : -1;
		MPI_Bcast(v, 1000, MPI_INT, root, MPI_COMM_WORLD);
		check(v[0] == root * 1000 && v[999] == root * 1000 + 999,
		      "bcast from %d: %d %d", root, v[0], v[999]);
		char c = mt_rank == root ? (char)('a' + root) : '?';
		MPI_Bcast(&c, 1, MPI_CHAR, root, MPI_COMM_WORLD);
		say("bcast from %d: %d..%d '%c'", root, v[0], v[999], c);
	}
	/* an empty one, and a big one (several pieces) */
	MPI_Bcast(NULL, 0, MPI_INT, n > 1 ? 1 : 0, MPI_COMM_WORLD);
	size_t big = 600000;
	char *b = malloc(big);
	if (mt_rank == n - 1)
		mt_fill(b, big, 3);
	else
		memset(b, 0, big);
	MPI_Bcast(b, (int)big, MPI_BYTE, n - 1, MPI_COMM_WORLD);
	say("big bcast: sum %08lx", mt_sum(b, big));
	free(b);
}

static void gather_scatter(void)
{
	int *all = malloc(sizeof(int) * 3 * (size_t)n);
	for (int root = 0; root < n; root += 2) {
		int mine[3] = {mt_rank, mt_rank * mt_rank, -mt_rank};
		memset(all, 0xff, sizeof(int) * 3 * (size_t)n);
		MPI_Gather(mine, 3, MPI_INT, all, 3, MPI_INT, root,
			   MPI_COMM_WORLD);
		if (mt_rank == root) {
			char line[256] = "";
			for (int i = 0; i < 3 * n; i++)
				snprintf(line + strlen(line), 16, " %d", all[i]);
			say("gather at %d:%s", root, line);
		}
		int back[3] = {0};
		if (mt_rank == root)
			for (int i = 0; i < 3 * n; i++)
				all[i] = 100 * root + i;
		MPI_Scatter(all, 3, MPI_INT, back, 3, MPI_INT, root,
			    MPI_COMM_WORLD);
		say("scatter from %d: %d %d %d", root, back[0], back[1],
		    back[2]);
	}
	/* in place at the root */
	for (int i = 0; i < 3 * n; i++)
		all[i] = mt_rank == 1 ? -i : i + mt_rank;
	if (mt_rank == 1) {
		MPI_Gather(MPI_IN_PLACE, 3, MPI_INT, all, 3, MPI_INT, 1,
			   MPI_COMM_WORLD);
		say("gather in place at 1: %d %d %d | %d %d %d | %d", all[0],
		    all[1], all[2], all[3], all[4], all[5], all[3 * n - 1]);
		MPI_Scatter(all, 3, MPI_INT, MPI_IN_PLACE, 3, MPI_INT, 1,
			    MPI_COMM_WORLD);
	} else {
		MPI_Gather(all, 3, MPI_INT, NULL, 0, MPI_INT, 1, MPI_COMM_WORLD);
		int back[3];
		MPI_Scatter(NULL, 0, MPI_INT, back, 3, MPI_INT, 1,
			    MPI_COMM_WORLD);
		say("scatter in place from 1: %d %d %d", back[0], back[1],
		    back[2]);
	}
	free(all);
}

static void allgather_alltoall(void)
{
	long *all = malloc(sizeof(long) * 2 * (size_t)n);
	long mine[2] = {mt_rank * 3L, mt_rank * 3L + 1};
	MPI_Allgather(mine, 2, MPI_LONG, all, 2, MPI_LONG, MPI_COMM_WORLD);
	long s = 0;
	for (int i = 0; i < 2 * n; i++)
		s = s * 3 + all[i];
	say("allgather: %ld .. %ld, fold %ld", all[0], all[2 * n - 1], s);
	for (int i = 0; i < 2 * n; i++)
		all[i] = i / 2 == mt_rank ? 50 + i : -1;
	MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all, 2, MPI_LONG,
		      MPI_COMM_WORLD);
	say("allgather in place: %ld %ld .. %ld", all[0], all[1],
	    all[2 * n - 1]);
	free(all);

	int *out = malloc(sizeof(int) * 2 * (size_t)n);
	int *in = malloc(sizeof(int) * 2 * (size_t)n);
	for (int j = 0; j < n; j++) {
		out[2 * j] = mt_rank * 100 + j;
		out[2 * j + 1] = -(mt_rank * 100 + j);
	}
	MPI_Alltoall(out, 2, MPI_INT, in, 2, MPI_INT, MPI_COMM_WORLD);
	char line[256] = "";
	for (int j = 0; j < n; j++)
		snprintf(line + strlen(line), 24, " %d/%d", in[2 * j],
			 in[2 * j + 1]);
	say("alltoall:%s", line);
	MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, in, 2, MPI_INT,
		     MPI_COMM_WORLD);
	say("alltoall in place: back to %d %d .. %d", in[0], in[1],
	    in[2 * n - 1]);
	free(out);
	free(in);
}

/* (Reductions take predefined types only: the standard leaves derived
 * types to user-defined operations, and Open MPI refuses them.) */
static void derived(void)
{
	/* every other int of a row: a vector type in collectives */
	MPI_Datatype every2;
	MPI_Type_vector(3, 1, 2, MPI_INT, &every2);
	MPI_Type_commit(&every2);
	int row[5] = {mt_rank, -1, mt_rank + 1, -1, mt_rank + 2};
	int *all = malloc(sizeof(int) * 3 * (size_t)n);
	MPI_Gather(row, 1, every2, all, 3, MPI_INT, 0, MPI_COMM_WORLD);
	if (mt_rank == 0)
		say("gather of a vector: %d %d %d %d .. %d", all[0], all[1],
		    all[2], all[3], all[3 * n - 1]);
	int buf[5] = {0, 9, 0, 9, 0};
	if (mt_rank == 0)
		buf[0] = 7, buf[2] = 8, buf[4] = 9;
	MPI_Bcast(buf, 1, every2, 0, MPI_COMM_WORLD);
	say("bcast of a vector: %d %d %d %d %d", buf[0], buf[1], buf[2],
	    buf[3], buf[4]);
	MPI_Type_free(&every2);
	free(all);
}

int main(int argc, char **argv)
{
	mt_init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (n < 3) {
		say("needs at least 3 ranks");
		return mt_finish() + 1;
	}
	for (int i = 0; i < 20; i++)
		MPI_Barrier(MPI_COMM_WORLD);
	say("20 barriers");
	bcast();
	arith();
	logical();
	loc();
	complex_ops();
	in_place();
	gather_scatter();
	allgather_alltoall();
	derived();
	MPI_Barrier(MPI_COMM_WORLD);
	return mt_finish();
}
