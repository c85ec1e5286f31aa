/*
 * collective.c - the barrier, on the library's own matching context so
 * user receives (even PB_ANY_SOURCE/PB_ANY_TAG) never see its messages.
 */
#include "core/engine.h"

/* Dissemination barrier: in round k rank i sends to i+2^k and receives
 * from i-2^k; after ceil(log2 n) rounds everyone has heard, indirectly,
 * from everyone. The round number is the tag; per-pair order keeps
 * successive barriers apart. */
int pb_barrier_ctx(struct pb_job *j)
{
	int n = j->size, me = j->rank, rc;
	for (int k = 0, d = 1; d < n; k++, d <<= 1) {
		struct pb_sendop op;
		struct pb_recvop rop;
		int to = (me + d) % n, from = (me - d + n) % n;
		pb_recv_start(j, from, PB_CTX_COLL, k, NULL, 0, &rop);
		if ((rc = pb_tx_start(j, to, PB_CTX_COLL, k, NULL, 0, &op)))
			goto out;
		if (!op.done && (rc = pb_wait_send(j, &op, to))) {
			pb_tx_abandon(j, &op);
			goto out;
		}
		if ((rc = pb_wait_recv(j, &rop)))
			goto out;
		continue;
out:
		pb_match_cancel(j, &rop);
		return rc;
	}
	return 0;
}

int pb_barrier(pb_job *j)
{
	int rc = pb_job_check(j);
	return rc ? rc : pb_barrier_ctx(j);
}
