/*
 * job.c - opening and closing a job, and what a rank may ask about it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/engine.h"

#define PB_STR2(x) #x
#define PB_STR(x) PB_STR2(x)

const char *pb_version(void)
{
	return PB_STR(PB_VERSION_MAJOR) "." PB_STR(PB_VERSION_MINOR) "." PB_STR(
		PB_VERSION_PATCH);
}

int pb_job_check(const struct pb_job *j)
{
	if (!j)
		return PB_EINVAL;
	if (j->magic == PB_JOB_CLOSED)
		return PB_ECLOSED;
	return j->magic == PB_JOB_MAGIC ? 0 : PB_EINVAL;
}

static int topology(struct pb_job *j)
{
	j->local = calloc((size_t)j->size, sizeof(int));
	j->nlocal = calloc((size_t)j->nnodes, sizeof(int));
	j->leader = malloc((size_t)j->nnodes * sizeof(int));
	if (!j->local || !j->nlocal || !j->leader)
		return PB_ENOMEM;
	for (int n = 0; n < j->nnodes; n++)
		j->leader[n] = -1;
	for (int r = 0; r < j->size; r++) {
		int n = j->boot.node_of[r];
		j->local[r] = j->nlocal[n]++;
		if (j->leader[n] < 0)
			j->leader[n] = r;
	}
	return 0;
}

static void release(struct pb_job *j, int unlink_shared)
{
	pb_conn_fini(j, unlink_shared);
	pb_conn_rma_close(j);
	while (j->req_free) {
		struct pb_req *r = j->req_free;
		j->req_free = r->next_free;
		free(r);
	}
	pb_msg_free_all(j);
	if (j->med.ops)
		j->med.ops->fini(&j->med);
	free(j->local);
	free(j->nlocal);
	free(j->leader);
	pb_boot_fini(&j->boot);
}

int pb_open(pb_job **out)
{
	char err[256];
	int rc;
	if (!out)
		return PB_EINVAL;
	*out = NULL;
	struct pb_job *j = calloc(1, sizeof(*j));
	if (!j)
		return PB_ENOMEM;
	if ((rc = pb_params_load(&j->par, err, sizeof(err)))) {
		fprintf(stderr, "postbox: %s\n", err);
		free(j);
		return rc;
	}
	if ((rc = pb_boot_init(&j->boot)))
		goto fail;
	j->rank = j->boot.rank;
	j->size = j->boot.size;
	j->nnodes = j->boot.nnodes;
	j->node = j->boot.node_of[j->rank];
	j->sleepy = j->par.wait_mode == PB_WAIT_SLEEP;
	j->pid = (uint32_t)getpid();
	/* Yama's ptrace_scope 1 lets a process read only its descendants;
	 * ranks are siblings, so let any of our own user's processes read
	 * us (the same user could attach a debugger anyway). Without Yama
	 * this fails harmlessly. */
	if (j->par.cma != PB_CMA_OFF)
		(void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	if ((rc = topology(j)))
		goto fail;
	if ((rc = pb_shm_open(&j->med, j->boot.shm_dir, j->boot.job_id)))
		goto fail;
	j->magic = PB_JOB_MAGIC;
	if ((rc = pb_conn_init(j)))
		goto fail;
	if ((rc = pb_conn_rma_open(j)))
		goto fail;
	*out = j;
	return 0;
fail:
	j->magic = 0;
	release(j, 0);
	free(j);
	return rc;
}

/* Wait until every indicator this rank wrote was consumed. */
static int flush(struct pb_job *j)
{
	struct pb_waiter w;
	int err = 0, dest;
	pb_waiter_init(&w, -2); /* set to the rank we wait on below */
	while (!pb_tx_drained(j, &err, &dest)) {
		if (pb_progress_once(j) > 0)
			continue;
		w.peer = dest; /* the liveness check follows who we wait on */
		int rc = pb_waiter_idle(j, &w);
		if (!rc)
			continue;
		/* its last ack may have landed just before it closed: give
		 * up on that peer only if we still wait on it, and go on
		 * draining the others */
		int dead = dest;
		if (!pb_tx_drained(j, &err, &dest) && dest == dead) {
			j->tx_rank[dead]->error = rc;
			if (!err)
				err = rc;
		}
	}
	return err;
}

int pb_close(pb_job *j)
{
	int rc = pb_job_check(j);
	if (rc)
		return rc;
	/* Two rounds of barrier and flush: after the first, nobody sends
	 * user messages and all of mine were consumed; after the second,
	 * every rank has also finished the first barrier, so no one will
	 * attach a segment again and the names can go (invariant 8). */
	j->closing = 1;
	rc = pb_barrier_ctx(j);
	/* flush even when the barrier failed: removing a data segment whose
	 * messages a live receiver has not attached yet would lose them.
	 * flush ends for every pair: drained, or its peer dead, closed or
	 * refusing us. */
	int fl = flush(j);
	if (!rc)
		rc = fl;
	if (!rc)
		rc = pb_barrier_ctx(j);
	fl = flush(j);
	if (!rc)
		rc = fl;
	release(j, 1);
	/* keep a small tombstone so a later call says PB_ECLOSED instead
	 * of touching freed memory */
	memset(j, 0, sizeof(*j));
	j->magic = PB_JOB_CLOSED;
	return rc;
}

int pb_rank(const pb_job *j)
{
	int rc = pb_job_check(j);
	return rc ? rc : j->rank;
}

int pb_size(const pb_job *j)
{
	int rc = pb_job_check(j);
	return rc ? rc : j->size;
}

int pb_nodes(const pb_job *j)
{
	int rc = pb_job_check(j);
	return rc ? rc : j->nnodes;
}

int pb_node(const pb_job *j, int rank)
{
	int rc = pb_job_check(j);
	if (rc)
		return rc;
	if (rank < 0 || rank >= j->size)
		return PB_EINVAL;
	return j->boot.node_of[rank];
}
