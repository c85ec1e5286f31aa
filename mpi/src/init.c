/*
 * init.c - the MPI environment: start, stop, abort, clocks, names.
 *
 * MPI_Init is pb_open (wired up by pbrun's environment, or a singleton
 * job) plus this layer's state; MPI_Finalize finishes what the program
 * left running, synchronises, and pb_close removes the job's shared
 * objects.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* The waits of this layer are loops of its own (request.c), so they read
 * Postbox's waiting parameters themselves, with its defaults; pb_open has
 * already rejected bad values. */
static void wait_params(void)
{
	const char *w = getenv("PB_WAIT"), *s = getenv("PB_SPIN");
	pbmpi_g.wait_mode = WAIT_YIELD;
	if (w && !strcmp(w, "spin"))
		pbmpi_g.wait_mode = WAIT_SPIN;
	else if (w && !strcmp(w, "sleep"))
		pbmpi_g.wait_mode = WAIT_SLEEP;
	pbmpi_g.spin = 2000;
	if (s && *s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (!*end && v <= (1ul << 30))
			pbmpi_g.spin = (unsigned)v;
	}
}

static int start(const char *fn)
{
	if (pbmpi_g.state != ST_BEFORE) {
		fprintf(stderr, "pbmpi: %s: MPI is already %s\n", fn,
			pbmpi_g.state == ST_RUNNING ? "initialized"
						    : "finalized");
		pbmpi_abort_job(MPI_ERR_OTHER);
	}
	int rc = pb_open(&pbmpi_g.job);
	if (rc) {
		fprintf(stderr, "pbmpi: %s: cannot join the job: %s\n", fn,
			pb_strerror(rc));
		pbmpi_abort_job(pbmpi_err_pb(rc));
	}
	pbmpi_g.rank = pb_rank(pbmpi_g.job);
	pbmpi_g.size = pb_size(pbmpi_g.job);
	wait_params();
	pbmpi_dtype_init();
	if ((rc = pbmpi_comm_init()) != MPI_SUCCESS)
		pbmpi_fatal("cannot create MPI_COMM_WORLD", rc);
	if ((rc = pbmpi_ctrl_start()) != 0)
		pbmpi_fatal("cannot post the control receive",
			    pbmpi_err_pb(rc));
	pbmpi_g.state = ST_RUNNING;
	return MPI_SUCCESS;
}

int MPI_Init(int *argc, char ***argv)
{
	(void)argc; /* pbrun passes everything in the environment */
	(void)argv;
	pbmpi_g.thread_level = MPI_THREAD_SINGLE;
	return start("MPI_Init");
}

/* One thread at a time may use a Postbox job (postbox.h), so this layer
 * offers up to MPI_THREAD_SERIALIZED. */
int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
	(void)argc;
	(void)argv;
	int lvl = required < MPI_THREAD_SINGLE ? MPI_THREAD_SINGLE
		  : required > MPI_THREAD_SERIALIZED ? MPI_THREAD_SERIALIZED
						     : required;
	pbmpi_g.thread_level = lvl;
	int rc = start("MPI_Init_thread");
	if (provided)
		*provided = lvl;
	return rc;
}

int MPI_Query_thread(int *provided)
{
	PBMPI_CHECK_RUNNING("MPI_Query_thread");
	if (!provided)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Query_thread");
	*provided = pbmpi_g.thread_level;
	return MPI_SUCCESS;
}

int MPI_Finalize(void)
{
	PBMPI_CHECK_RUNNING("MPI_Finalize");
	struct pbmpi_comm *world = pbmpi_comm_get(MPI_COMM_WORLD);
	/* an attached buffer is detached implicitly: its messages go out */
	pbmpi_bsend_drain();
	/* A barrier of ours before pb_close's: its waits answer the
	 * synchronous sends of ranks still waiting for this one, which
	 * pb_close (inside Postbox) could not. After it, every rank is past
	 * its last communication call. */
	int rc = pbmpi_coll_barrier(world);
	pbmpi_req_fini();
	pbmpi_ctrl_poll();
	int rc2 = pbmpi_ctrl_stop();
	pbmpi_sync_fini();
	pbmpi_comm_fini();
	pbmpi_dtype_fini();
	int rc3 = pb_close(pbmpi_g.job);
	pbmpi_g.job = NULL;
	pbmpi_g.state = ST_AFTER;
	if (rc)
		return rc;
	rc = rc2 ? rc2 : rc3;
	if (rc) {
		fprintf(stderr, "pbmpi: rank %d: MPI_Finalize: %s\n",
			pbmpi_g.rank, pb_strerror(rc));
		return pbmpi_err_pb(rc);
	}
	return MPI_SUCCESS;
}

int MPI_Initialized(int *flag)
{
	if (!flag)
		return MPI_ERR_ARG;
	*flag = pbmpi_g.state != ST_BEFORE;
	return MPI_SUCCESS;
}

int MPI_Finalized(int *flag)
{
	if (!flag)
		return MPI_ERR_ARG;
	*flag = pbmpi_g.state == ST_AFTER;
	return MPI_SUCCESS;
}

int MPI_Abort(MPI_Comm comm, int errorcode)
{
	(void)comm; /* the whole job goes, whatever the communicator */
	fflush(NULL);
	fprintf(stderr, "pbmpi: rank %d: MPI_Abort(errorcode %d): ending the "
		"job\n", pbmpi_g.rank, errorcode);
	pbmpi_abort_job(errorcode);
}

double MPI_Wtime(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double MPI_Wtick(void)
{
	struct timespec t;
	if (clock_getres(CLOCK_MONOTONIC, &t) || (!t.tv_sec && !t.tv_nsec))
		return 1e-9;
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The host name; with emulated nodes (pbrun --nodes K, K > 1) also the
 * node, so that a program that groups ranks by processor name sees the
 * nodes Postbox sees. */
int MPI_Get_processor_name(char *name, int *resultlen)
{
	PBMPI_CHECK_RUNNING("MPI_Get_processor_name");
	if (!name || !resultlen)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Get_processor_name");
	char host[MPI_MAX_PROCESSOR_NAME];
	if (gethostname(host, sizeof(host)))
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = 0;
	if (pb_nodes(pbmpi_g.job) > 1)
		snprintf(name, MPI_MAX_PROCESSOR_NAME, "%.200s-node%d", host,
			 pb_node(pbmpi_g.job, pbmpi_g.rank));
	else
		snprintf(name, MPI_MAX_PROCESSOR_NAME, "%s", host);
	*resultlen = (int)strlen(name);
	return MPI_SUCCESS;
}

int MPI_Get_version(int *version, int *subversion)
{
	if (!version || !subversion)
		return MPI_ERR_ARG;
	*version = MPI_VERSION;
	*subversion = MPI_SUBVERSION;
	return MPI_SUCCESS;
}
