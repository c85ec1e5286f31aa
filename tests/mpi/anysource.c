/*
 * anysource.c - matching by source and tag: MPI_ANY_SOURCE, MPI_ANY_TAG,
 * non-overtaking, a receive for a later tag overtaking an earlier one,
 * probes and MPI_Get_count, MPI_PROC_NULL. Needs 4 ranks.
 */
#include "mpitest.h"

struct got {
	int src, tag, val;
};

static int by_src_then_order(const void *a, const void *b)
{
	const struct got *x = a, *y = b;
	return x->src - y->src;
}

int main(int argc, char **argv)
{
	int n;
	MPI_Status st;
	mt_init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	if (n != 4) {
		say("needs 4 ranks");
		return mt_finish() + 1;
	}

	/* A: three senders, tags 10, 11, 12 each; first the 12s from any
	 * source, then the rest with both wildcards: per sender, 10 must
	 * come before 11 */
	if (mt_rank > 0) {
		for (int t = 10; t <= 12; t++) {
			int v = mt_rank * 100 + t;
			MPI_Send(&v, 1, MPI_INT, 0, t, MPI_COMM_WORLD);
		}
	} else {
		struct got g[9];
		int k = 0;
		for (int i = 0; i < 3; i++, k++) {
			MPI_Recv(&g[k].val, 1, MPI_INT, MPI_ANY_SOURCE, 12,
				 MPI_COMM_WORLD, &st);
			g[k].src = st.MPI_SOURCE;
			g[k].tag = st.MPI_TAG;
		}
		int last[4] = {0, 0, 0, 0};
		for (int i = 0; i < 6; i++, k++) {
			MPI_Recv(&g[k].val, 1, MPI_INT, MPI_ANY_SOURCE,
				 MPI_ANY_TAG, MPI_COMM_WORLD, &st);
			g[k].src = st.MPI_SOURCE;
			g[k].tag = st.MPI_TAG;
			check(g[k].tag > last[g[k].src],
			      "from %d: tag %d after %d", g[k].src, g[k].tag,
			      last[g[k].src]);
			last[g[k].src] = g[k].tag;
		}
		qsort(g, 3, sizeof(g[0]), by_src_then_order);
		for (int i = 0; i < 3; i++)
			say("A tag-12 receive: from %d tag %d value %d",
			    g[i].src, g[i].tag, g[i].val);
		for (int i = 3; i < 9; i++)
			check(g[i].val == g[i].src * 100 + g[i].tag,
			      "value %d from %d tag %d", g[i].val, g[i].src,
			      g[i].tag);
		say("A wildcard receives: 6, in order per sender");
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* B: non-overtaking with one tag, and with MPI_ANY_TAG */
	if (mt_rank == 1)
		for (int v = 0; v < 5; v++)
			MPI_Send(&v, 1, MPI_INT, 0, 7, MPI_COMM_WORLD);
	if (mt_rank == 2) {
		int tags[3] = {3, 1, 2};
		for (int i = 0; i < 3; i++)
			MPI_Send(&tags[i], 1, MPI_INT, 0, tags[i],
				 MPI_COMM_WORLD);
	}
	if (mt_rank == 0) {
		char line[128] = "B same tag:";
		for (int i = 0; i < 5; i++) {
			int v;
			MPI_Recv(&v, 1, MPI_INT, 1, 7, MPI_COMM_WORLD, &st);
			snprintf(line + strlen(line), 16, " %d", v);
		}
		say("%s", line);
		strcpy(line, "B any tag:");
		for (int i = 0; i < 3; i++) {
			int v;
			MPI_Recv(&v, 1, MPI_INT, 2, MPI_ANY_TAG, MPI_COMM_WORLD,
				 &st);
			snprintf(line + strlen(line), 32, " %d(tag %d)", v,
				 st.MPI_TAG);
		}
		say("%s", line);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* C: a receive for a later tag overtakes an earlier message */
	if (mt_rank == 1) {
		int a = 1, b = 2;
		MPI_Send(&a, 1, MPI_INT, 0, 1, MPI_COMM_WORLD);
		MPI_Send(&b, 1, MPI_INT, 0, 2, MPI_COMM_WORLD);
	} else if (mt_rank == 0) {
		int a, b;
		MPI_Recv(&b, 1, MPI_INT, 1, 2, MPI_COMM_WORLD, &st);
		MPI_Recv(&a, 1, MPI_INT, 1, 1, MPI_COMM_WORLD, &st);
		say("C overtaking: tag 2 gave %d, then tag 1 gave %d", b, a);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* D: probes; the count in ints and in doubles */
	if (mt_rank == 3) {
		int v[40];
		for (int i = 0; i < 40; i++)
			v[i] = i * i;
		MPI_Send(v, 40, MPI_INT, 0, 5, MPI_COMM_WORLD);
	} else if (mt_rank == 0) {
		int flag = 1, ci, cd;
		MPI_Iprobe(MPI_ANY_SOURCE, 99, MPI_COMM_WORLD, &flag, &st);
		say("D iprobe for a tag nobody sent: %d", flag);
		MPI_Probe(MPI_ANY_SOURCE, 5, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_INT, &ci);
		MPI_Get_count(&st, MPI_DOUBLE, &cd);
		say("D probe: from %d tag %d, %d ints, %d doubles",
		    st.MPI_SOURCE, st.MPI_TAG, ci, cd);
		do
			MPI_Iprobe(3, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
		while (!flag);
		int *v = malloc(sizeof(int) * (size_t)ci);
		MPI_Recv(v, ci, MPI_INT, st.MPI_SOURCE, st.MPI_TAG,
			 MPI_COMM_WORLD, &st);
		say("D received after probing: v[39] = %d", v[39]);
		free(v);
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* E: MPI_PROC_NULL */
	{
		int v = 5, c = -1;
		MPI_Request r;
		MPI_Send(&v, 1, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD);
		MPI_Recv(&v, 1, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_INT, &c);
		check(st.MPI_SOURCE == MPI_PROC_NULL &&
			      st.MPI_TAG == MPI_ANY_TAG && c == 0 && v == 5,
		      "recv from MPI_PROC_NULL: %d %d %d", st.MPI_SOURCE,
		      st.MPI_TAG, c);
		MPI_Irecv(&v, 1, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &r);
		MPI_Wait(&r, &st);
		check(st.MPI_SOURCE == MPI_PROC_NULL && r == MPI_REQUEST_NULL,
		      "irecv from MPI_PROC_NULL");
		MPI_Isend(&v, 1, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &r);
		MPI_Wait(&r, MPI_STATUS_IGNORE);
		say("E MPI_PROC_NULL: done");
	}
	return mt_finish();
}
