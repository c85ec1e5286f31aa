/*
 * coll.c - collectives: simple, correct algorithms over point-to-point on
 * the communicator's hidden collective channel.
 *
 * Every message of a collective travels on the channel CH_COLL(cid), from
 * one named rank to another, so it can meet neither a user receive (not
 * even MPI_ANY_SOURCE/MPI_ANY_TAG: another channel) nor a message of
 * another communicator. Successive collectives on one communicator need
 * no sequence number: all members call them in the same order and Postbox
 * keeps each pair's messages in order. Data travels packed (datatype.c),
 * so reductions work on plain arrays of one element kind.
 *
 *   Barrier    dissemination: ceil(log2 n) rounds
 *   Bcast      binomial tree from the root
 *   Reduce     binomial tree to the root (the predefined ops commute)
 *   Allreduce  Reduce to rank 0, then Bcast
 *   Gather, Scatter   the root talks to each rank, receives posted first
 *   Allgather  Gather to rank 0, then Bcast
 *   Alltoall   every pair once, receives posted first
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
	TAG_BARRIER = 0x100, /* + round */
	TAG_BCAST = 0x200,
	TAG_REDUCE = 0x201,
	TAG_GATHER = 0x202,
	TAG_SCATTER = 0x203,
	TAG_ALLTOALL = 0x204,
};

static int c_send(struct pbmpi_comm *c, int peer, int tag, const void *buf,
		  size_t n)
{
	return pbmpi_err_pb(pb_send_ch(pbmpi_g.job, pbmpi_c2w(c, peer), tag,
				       c->cch, buf, n));
}

/* Wait for n Postbox requests (NULL ones are done); the first error. */
static int wait_pbs(int n, pb_req **q)
{
	unsigned idle = 0;
	int err = 0;
	for (;;) {
		int left = 0;
		for (int i = 0; i < n; i++) {
			if (!q[i])
				continue;
			int done = 0;
			int rc = pb_test(&q[i], &done, NULL);
			if (!done && rc < 0)
				q[i] = NULL; /* the job handle failed */
			if ((done || rc < 0) && rc && !err)
				err = rc;
			if (!done && rc >= 0)
				left++;
		}
		pbmpi_g.progressed = 1;
		if (!left)
			break;
		pbmpi_ctrl_poll();
		pbmpi_idle(&idle);
	}
	pbmpi_ctrl_maybe();
	return pbmpi_err_pb(err);
}

static int c_irecv(struct pbmpi_comm *c, int peer, int tag, void *buf,
		   size_t n, pb_req **q)
{
	return pbmpi_err_pb(pb_irecv_ch(pbmpi_g.job, pbmpi_c2w(c, peer), tag,
					c->cch, buf, n, q));
}

static int c_recv(struct pbmpi_comm *c, int peer, int tag, void *buf,
		  size_t n)
{
	if (pbmpi_recv_fast_ok()) {
		int rc = pb_recv_ch(pbmpi_g.job, pbmpi_c2w(c, peer), tag,
				    c->cch, buf, n, NULL);
		pbmpi_ctrl_maybe();
		return pbmpi_err_pb(rc);
	}
	pb_req *q;
	int rc = c_irecv(c, peer, tag, buf, n, &q);
	return rc ? rc : wait_pbs(1, &q);
}

int pbmpi_coll_barrier(struct pbmpi_comm *c)
{
	int n = c->size, me = c->rank, rc = 0;
	/* round k: tell me+2^k, hear from me-2^k; zero-byte messages travel
	 * inline, so the send never waits */
	for (int k = 0, d = 1; d < n && !rc; k++, d <<= 1) {
		rc = c_send(c, (me + d) % n, TAG_BARRIER + k, NULL, 0);
		if (!rc)
			rc = c_recv(c, (me - d + n) % n, TAG_BARRIER + k, NULL,
				    0);
	}
	return rc;
}

int pbmpi_coll_bcast(struct pbmpi_comm *c, void *buf, int count,
		     struct pbmpi_dtype *t, int root)
{
	size_t n = (size_t)count * t->size;
	void *p = buf, *tmp = NULL;
	int size = c->size, rc = 0;
	if (!t->contig && n) {
		if (!(tmp = malloc(n)))
			return MPI_ERR_INTERN;
		if (c->rank == root)
			pbmpi_pack(t, buf, count, tmp);
		p = tmp;
	}
	int vr = (c->rank - root + size) % size, mask = 1;
	for (; mask < size; mask <<= 1)
		if (vr & mask) {
			rc = c_recv(c, (vr - mask + root) % size, TAG_BCAST, p,
				    n);
			break;
		}
	for (mask >>= 1; mask > 0 && !rc; mask >>= 1)
		if (vr + mask < size)
			rc = c_send(c, (vr + mask + root) % size, TAG_BCAST, p,
				    n);
	if (tmp) {
		if (c->rank != root && !rc)
			pbmpi_unpack(t, tmp, n, count, buf);
		free(tmp);
	}
	return rc;
}

static int coll_reduce(struct pbmpi_comm *c, const void *sbuf, void *rbuf,
		       int count, struct pbmpi_dtype *t, MPI_Op op, int root)
{
	size_t n = (size_t)count * t->size;
	size_t esz = pbmpi_elem_size(t->elem);
	size_t nelem = esz ? n / esz : 0;
	int size = c->size, rc = 0;
	char *acc = malloc(n ? n : 1), *in = malloc(n ? n : 1);
	if (!acc || !in) {
		free(acc);
		free(in);
		return MPI_ERR_INTERN;
	}
	pbmpi_pack(t, sbuf == MPI_IN_PLACE ? rbuf : sbuf, count, acc);
	int vr = (c->rank - root + size) % size;
	for (int mask = 1; mask < size && !rc; mask <<= 1) {
		if (vr & mask) {
			/* my subtree is folded in: pass it to the parent */
			rc = c_send(c, ((vr & ~mask) + root) % size, TAG_REDUCE,
				    acc, n);
			break;
		}
		if ((vr | mask) < size) {
			rc = c_recv(c, ((vr | mask) + root) % size, TAG_REDUCE,
				    in, n);
			if (!rc)
				pbmpi_op_apply(op, t->elem, in, acc, nelem);
		}
	}
	if (c->rank == root && !rc)
		pbmpi_unpack(t, acc, n, count, rbuf);
	free(acc);
	free(in);
	return rc;
}

int pbmpi_coll_allreduce(struct pbmpi_comm *c, const void *sbuf, void *rbuf,
			 int count, struct pbmpi_dtype *t, MPI_Op op)
{
	int rc = coll_reduce(c, sbuf, rbuf, count, t, op, 0);
	return rc ? rc : pbmpi_coll_bcast(c, rbuf, count, t, 0);
}

/* The root receives rcount elements of rt from every rank into its slot
 * of rbuf; sbuf == MPI_IN_PLACE at the root: its own slot is in place. */
static int coll_gather(struct pbmpi_comm *c, const void *sbuf, int scount,
		       struct pbmpi_dtype *st, void *rbuf, int rcount,
		       struct pbmpi_dtype *rt, int root)
{
	if (c->rank != root) {
		size_t n = (size_t)scount * st->size;
		if (st->contig || !n)
			return c_send(c, root, TAG_GATHER, sbuf, n);
		char *tmp = malloc(n);
		if (!tmp)
			return MPI_ERR_INTERN;
		pbmpi_pack(st, sbuf, scount, tmp);
		int rc = c_send(c, root, TAG_GATHER, tmp, n);
		free(tmp);
		return rc;
	}
	int size = c->size, rc = 0;
	size_t rn = (size_t)rcount * rt->size;
	ptrdiff_t slot = (ptrdiff_t)rcount * rt->extent;
	pb_req **q = calloc((size_t)size, sizeof(*q));
	char *tmp = NULL;
	if (!rt->contig && rn)
		tmp = malloc(rn * (size_t)size);
	if (!q || (!rt->contig && rn && !tmp)) {
		free(q);
		return MPI_ERR_INTERN;
	}
	for (int i = 0; i < size && !rc; i++) {
		if (i == root)
			continue;
		void *dst = tmp ? tmp + rn * (size_t)i : (char *)rbuf + slot * i;
		rc = c_irecv(c, i, TAG_GATHER, dst, rn, &q[i]);
	}
	if (!rc && sbuf != MPI_IN_PLACE) {
		size_t sn = (size_t)scount * st->size;
		char *own = malloc(sn ? sn : 1);
		if (!own) {
			rc = MPI_ERR_INTERN;
		} else {
			pbmpi_pack(st, sbuf, scount, own);
			pbmpi_unpack(rt, own, sn < rn ? sn : rn, rcount,
				     (char *)rbuf + slot * root);
			free(own);
			if (sn > rn)
				rc = MPI_ERR_TRUNCATE;
		}
	}
	int rc2 = wait_pbs(size, q); /* never leave receives posted */
	if (!rc)
		rc = rc2;
	if (tmp && !rc)
		for (int i = 0; i < size; i++)
			if (i != root)
				pbmpi_unpack(rt, tmp + rn * (size_t)i, rn,
					     rcount, (char *)rbuf + slot * i);
	free(tmp);
	free(q);
	return rc;
}

static int coll_scatter(struct pbmpi_comm *c, const void *sbuf, int scount,
			struct pbmpi_dtype *st, void *rbuf, int rcount,
			struct pbmpi_dtype *rt, int root)
{
	size_t rn = (size_t)rcount * rt->size;
	if (c->rank != root) {
		if (rt->contig || !rn)
			return c_recv(c, root, TAG_SCATTER, rbuf, rn);
		char *tmp = malloc(rn);
		if (!tmp)
			return MPI_ERR_INTERN;
		int rc = c_recv(c, root, TAG_SCATTER, tmp, rn);
		if (!rc)
			pbmpi_unpack(rt, tmp, rn, rcount, rbuf);
		free(tmp);
		return rc;
	}
	size_t sn = (size_t)scount * st->size;
	ptrdiff_t slot = (ptrdiff_t)scount * st->extent;
	char *tmp = NULL;
	int rc = 0;
	if (!st->contig && sn && !(tmp = malloc(sn)))
		return MPI_ERR_INTERN;
	for (int i = 0; i < c->size && !rc; i++) {
		const char *src = (const char *)sbuf + slot * i;
		if (tmp) {
			pbmpi_pack(st, src, scount, tmp);
			src = tmp;
		}
		if (i != root) {
			rc = c_send(c, i, TAG_SCATTER, src, sn);
		} else if (rbuf != MPI_IN_PLACE) {
			pbmpi_unpack(rt, src, sn < rn ? sn : rn, rcount, rbuf);
			if (sn > rn)
				rc = MPI_ERR_TRUNCATE;
		}
	}
	free(tmp);
	return rc;
}

int pbmpi_coll_allgather(struct pbmpi_comm *c, const void *sbuf, int scount,
			 struct pbmpi_dtype *st, void *rbuf, int rcount,
			 struct pbmpi_dtype *rt)
{
	ptrdiff_t slot = (ptrdiff_t)rcount * rt->extent;
	if (sbuf == MPI_IN_PLACE && c->rank != 0) {
		/* my contribution already sits in my slot of rbuf */
		sbuf = (char *)rbuf + slot * c->rank;
		scount = rcount;
		st = rt;
	}
	int rc = coll_gather(c, sbuf, scount, st, rbuf, rcount, rt, 0);
	if (rc)
		return rc;
	/* every slot, as one run of size*rcount elements of rt */
	return pbmpi_coll_bcast(c, rbuf, rcount * c->size, rt, 0);
}

static int coll_alltoall(struct pbmpi_comm *c, const void *sbuf, int scount,
			 struct pbmpi_dtype *st, void *rbuf, int rcount,
			 struct pbmpi_dtype *rt)
{
	int size = c->size, me = c->rank, rc = 0;
	size_t rn = (size_t)rcount * rt->size;
	ptrdiff_t rslot = (ptrdiff_t)rcount * rt->extent;
	char *inplace = NULL, *rtmp = NULL, *stmp = NULL;
	pb_req **q = calloc((size_t)size, sizeof(*q));
	if (!q)
		return MPI_ERR_INTERN;
	if (sbuf == MPI_IN_PLACE) {
		/* what goes out is what rbuf holds now: keep a packed copy */
		inplace = malloc(rn * (size_t)size + 1);
		if (!inplace) {
			free(q);
			return MPI_ERR_INTERN;
		}
		pbmpi_pack(rt, rbuf, rcount * size, inplace);
	}
	size_t sn = inplace ? rn : (size_t)scount * st->size;
	ptrdiff_t sslot = inplace ? (ptrdiff_t)rn : (ptrdiff_t)scount * st->extent;
	if ((!rt->contig && rn && !(rtmp = malloc(rn * (size_t)size))) ||
	    (!inplace && !st->contig && sn && !(stmp = malloc(sn)))) {
		rc = MPI_ERR_INTERN;
		goto out;
	}
	for (int k = 1; k < size && !rc; k++) {
		int i = (me - k + size) % size;
		void *dst = rtmp ? rtmp + rn * (size_t)i : (char *)rbuf + rslot * i;
		rc = c_irecv(c, i, TAG_ALLTOALL, dst, rn, &q[i]);
	}
	/* to me+1, me+2, ...: not everyone at rank 0 at once */
	for (int k = 0; k < size && !rc; k++) {
		int i = (me + k) % size;
		const char *src = inplace ? inplace + sslot * i
					  : (const char *)sbuf + sslot * i;
		if (stmp) {
			pbmpi_pack(st, src, scount, stmp);
			src = stmp;
		}
		if (i != me) {
			rc = c_send(c, i, TAG_ALLTOALL, src, sn);
			continue;
		}
		void *dst = rtmp ? rtmp + rn * (size_t)i : (char *)rbuf + rslot * i;
		if (rtmp)
			memcpy(dst, src, sn < rn ? sn : rn);
		else
			pbmpi_unpack(rt, src, sn < rn ? sn : rn, rcount, dst);
		if (sn > rn)
			rc = MPI_ERR_TRUNCATE;
	}
	int rc2 = wait_pbs(size, q);
	if (!rc)
		rc = rc2;
	if (rtmp && !rc)
		for (int i = 0; i < size; i++)
			pbmpi_unpack(rt, rtmp + rn * (size_t)i, rn, rcount,
				     (char *)rbuf + rslot * i);
out:
	free(inplace);
	free(rtmp);
	free(stmp);
	free(q);
	return rc;
}

/* ---- the public calls: check, then run -------------------------------- */

static int coll_args(MPI_Comm comm, struct pbmpi_comm **c)
{
	*c = pbmpi_comm_get(comm);
	return *c ? MPI_SUCCESS : MPI_ERR_COMM;
}

static int type_args(int count, MPI_Datatype dt, struct pbmpi_dtype **t)
{
	if (count < 0)
		return MPI_ERR_COUNT;
	*t = pbmpi_dtype_get(dt);
	return *t && (*t)->committed ? MPI_SUCCESS : MPI_ERR_TYPE;
}

static int buf_args(const void *buf, int count, const struct pbmpi_dtype *t)
{
	return buf || !count || !t->size ? MPI_SUCCESS : MPI_ERR_BUFFER;
}

int MPI_Barrier(MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Barrier");
	struct pbmpi_comm *c;
	int rc = coll_args(comm, &c);
	if (!rc)
		rc = pbmpi_coll_barrier(c);
	return pbmpi_raise(c, rc, "MPI_Barrier");
}

int MPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root,
	      MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Bcast");
	struct pbmpi_comm *c;
	struct pbmpi_dtype *t = NULL;
	int rc = coll_args(comm, &c);
	if (!rc)
		rc = type_args(count, datatype, &t);
	if (!rc && (root < 0 || root >= c->size))
		rc = MPI_ERR_ROOT;
	if (!rc)
		rc = buf_args(buffer, count, t);
	if (!rc)
		rc = pbmpi_coll_bcast(c, buffer, count, t, root);
	return pbmpi_raise(c, rc, "MPI_Bcast");
}

static int reduce_args(const void *sendbuf, void *recvbuf, int count,
		       MPI_Datatype datatype, MPI_Op op, int recv_here,
		       struct pbmpi_dtype **t)
{
	int rc = type_args(count, datatype, t);
	if (!rc)
		rc = pbmpi_op_check(op, (*t)->elem);
	if (!rc && sendbuf != MPI_IN_PLACE)
		rc = buf_args(sendbuf, count, *t);
	if (!rc && (recv_here || sendbuf == MPI_IN_PLACE))
		rc = buf_args(recvbuf == MPI_IN_PLACE ? NULL : recvbuf, count,
			      *t);
	return rc;
}

int MPI_Reduce(const void *sendbuf, void *recvbuf, int count,
	       MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Reduce");
	struct pbmpi_comm *c;
	struct pbmpi_dtype *t = NULL;
	int rc = coll_args(comm, &c);
	if (!rc && (root < 0 || root >= c->size))
		rc = MPI_ERR_ROOT;
	if (!rc && sendbuf == MPI_IN_PLACE && c->rank != root)
		rc = MPI_ERR_BUFFER; /* only the root may reduce in place */
	if (!rc)
		rc = reduce_args(sendbuf, recvbuf, count, datatype, op,
				 c->rank == root, &t);
	if (!rc)
		rc = coll_reduce(c, sendbuf, recvbuf, count, t, op, root);
	return pbmpi_raise(c, rc, "MPI_Reduce");
}

int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count,
		  MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Allreduce");
	struct pbmpi_comm *c;
	struct pbmpi_dtype *t = NULL;
	int rc = coll_args(comm, &c);
	if (!rc)
		rc = reduce_args(sendbuf, recvbuf, count, datatype, op, 1, &t);
	if (!rc)
		rc = pbmpi_coll_allreduce(c, sendbuf, recvbuf, count, t, op);
	return pbmpi_raise(c, rc, "MPI_Allreduce");
}

/* The checks shared by the calls with a send and a receive side; a side
 * that is not used on this rank is not looked at (the standard says its
 * arguments are significant only where used). */
static int two_sided(int scount, MPI_Datatype stype, int rcount,
		     MPI_Datatype rtype, int send_used, int recv_used,
		     struct pbmpi_dtype **st, struct pbmpi_dtype **rt)
{
	int rc = MPI_SUCCESS;
	if (send_used)
		rc = type_args(scount, stype, st);
	if (!rc && recv_used)
		rc = type_args(rcount, rtype, rt);
	return rc;
}

int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
	       void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
	       MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Gather");
	struct pbmpi_comm *c;
	struct pbmpi_dtype *st = NULL, *rt = NULL;
	int rc = coll_args(comm, &c);
	if (!rc && (root < 0 || root >= c->size))
		rc = MPI_ERR_ROOT;
	if (!rc) {
		int me_root = c->rank == root;
		rc = two_sided(sendcount, sendtype, recvcount, recvtype,
			       sendbuf != MPI_IN_PLACE, me_root, &st, &rt);
		if (!rc && sendbuf == MPI_IN_PLACE && !me_root)
			rc = MPI_ERR_BUFFER;
		if (!rc && st)
			rc = buf_args(sendbuf, sendcount, st);
		if (!rc && me_root)
			rc = buf_args(recvbuf, recvcount, rt);
	}
	if (!rc)
		rc = coll_gather(c, sendbuf, sendcount, st, recvbuf, recvcount,
				 rt, root);
	return pbmpi_raise(c, rc, "MPI_Gather");
}

int MPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
		void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
		MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Scatter");
	struct pbmpi_comm *c;
	struct pbmpi_dtype *st = NULL, *rt = NULL;
	int rc = coll_args(comm, &c);
	if (!rc && (root < 0 || root >= c->size))
		rc = MPI_ERR_ROOT;
	if (!rc) {
		int me_root = c->rank == root;
		rc = two_sided(sendcount, sendtype, recvcount, recvtype,
			       me_root, recvbuf != MPI_IN_PLACE, &st, &rt);
		if (!rc && recvbuf == MPI_IN_PLACE && !me_root)
			rc = MPI_ERR_BUFFER;
		if (!rc && me_root)
			rc = buf_args(sendbuf, sendcount, st);
		if (!rc && rt)
			rc = buf_args(recvbuf, recvcount, rt);
		if (!rc && !rt) /* in place at the root: nothing received */
			rt = st, recvcount = sendcount;
	}
	if (!rc)
		rc = coll_scatter(c, sendbuf, sendcount, st, recvbuf, recvcount,
				  rt, root);
	return pbmpi_raise(c, rc, "MPI_Scatter");
}

/* The arguments of MPI_Allgather and MPI_Alltoall: every rank sends and
 * receives, MPI_IN_PLACE allowed for the send side (then *st is NULL). */
static int all_args(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
		    void *recvbuf, int recvcount, MPI_Datatype recvtype,
		    MPI_Comm comm, struct pbmpi_comm **c,
		    struct pbmpi_dtype **st, struct pbmpi_dtype **rt)
{
	int rc = coll_args(comm, c);
	if (!rc)
		rc = two_sided(sendcount, sendtype, recvcount, recvtype,
			       sendbuf != MPI_IN_PLACE, 1, st, rt);
	if (!rc && *st)
		rc = buf_args(sendbuf, sendcount, *st);
	if (!rc)
		rc = buf_args(recvbuf, recvcount, *rt);
	return rc;
}

int MPI_Allgather(const void *sendbuf, int sendcount,
		  MPI_Datatype sendtype, void *recvbuf, int recvcount,
		  MPI_Datatype recvtype, MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Allgather");
	struct pbmpi_comm *c;
	struct pbmpi_dtype *st = NULL, *rt = NULL;
	int rc = all_args(sendbuf, sendcount, sendtype, recvbuf, recvcount,
			  recvtype, comm, &c, &st, &rt);
	if (!rc)
		rc = pbmpi_coll_allgather(c, sendbuf, sendcount, st, recvbuf,
					  recvcount, rt);
	return pbmpi_raise(c, rc, "MPI_Allgather");
}

int MPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
		 void *recvbuf, int recvcount, MPI_Datatype recvtype,
		 MPI_Comm comm)
{
	PBMPI_CHECK_RUNNING("MPI_Alltoall");
	struct pbmpi_comm *c;
	struct pbmpi_dtype *st = NULL, *rt = NULL;
	int rc = all_args(sendbuf, sendcount, sendtype, recvbuf, recvcount,
			  recvtype, comm, &c, &st, &rt);
	if (!rc)
		rc = coll_alltoall(c, sendbuf, sendcount, st, recvbuf,
				   recvcount, rt);
	return pbmpi_raise(c, rc, "MPI_Alltoall");
}
