/*
 * errors.c - error codes, their text, and the two error handlers.
 *
 * The codes a program compares against (MPI_ERR_TRUNCATE, ...) are
 * returned as the classes themselves. A failure that comes from Postbox
 * and has no MPI class of its own (a peer gone, no room in /dev/shm, ...)
 * gets a code of its own, PB_CODE_BASE + the Postbox code, so that
 * MPI_Error_string can tell the user what Postbox said; MPI_Error_class
 * maps it to a class.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define PB_CODE_BASE 64
#define PB_CODE_MAX (PB_CODE_BASE + 32)

static const char *const class_text[] = {
	[MPI_SUCCESS] = "MPI_SUCCESS: no error",
	[MPI_ERR_BUFFER] = "MPI_ERR_BUFFER: invalid buffer pointer, or "
			   "not enough room in the attached Bsend buffer",
	[MPI_ERR_COUNT] = "MPI_ERR_COUNT: invalid count argument",
	[MPI_ERR_TYPE] = "MPI_ERR_TYPE: invalid datatype (or one not "
			 "committed)",
	[MPI_ERR_TAG] = "MPI_ERR_TAG: invalid tag",
	[MPI_ERR_COMM] = "MPI_ERR_COMM: invalid communicator",
	[MPI_ERR_RANK] = "MPI_ERR_RANK: invalid rank",
	[MPI_ERR_ROOT] = "MPI_ERR_ROOT: invalid root",
	[MPI_ERR_GROUP] = "MPI_ERR_GROUP: invalid group",
	[MPI_ERR_OP] = "MPI_ERR_OP: invalid reduction operation, or one "
		       "that does not apply to this datatype",
	[MPI_ERR_TOPOLOGY] = "MPI_ERR_TOPOLOGY: invalid topology",
	[MPI_ERR_DIMS] = "MPI_ERR_DIMS: invalid dimension argument",
	[MPI_ERR_ARG] = "MPI_ERR_ARG: invalid argument",
	[MPI_ERR_UNKNOWN] = "MPI_ERR_UNKNOWN: unknown error",
	[MPI_ERR_TRUNCATE] = "MPI_ERR_TRUNCATE: message truncated: it was "
			     "longer than the receive buffer",
	[MPI_ERR_OTHER] = "MPI_ERR_OTHER: known error not in this list",
	[MPI_ERR_INTERN] = "MPI_ERR_INTERN: internal error",
	[MPI_ERR_IN_STATUS] = "MPI_ERR_IN_STATUS: error code is in status",
	[MPI_ERR_PENDING] = "MPI_ERR_PENDING: pending request",
	[MPI_ERR_REQUEST] = "MPI_ERR_REQUEST: invalid request",
};
#define NCLASS ((int)(sizeof(class_text) / sizeof(class_text[0])))

int pbmpi_err_pb_slow(int pberr)
{
	switch (pberr) {
	case PB_OK:
		return MPI_SUCCESS;
	case PB_ETRUNC:
		return MPI_ERR_TRUNCATE;
	case PB_EINVAL:
		return MPI_ERR_ARG;
	default:
		if (pberr < 0 && pberr > -32)
			return PB_CODE_BASE - pberr;
		return MPI_ERR_UNKNOWN;
	}
}

static int class_of(int code)
{
	if (code >= 0 && code < NCLASS)
		return code;
	if (code > PB_CODE_BASE && code < PB_CODE_MAX) {
		switch (PB_CODE_BASE - code) {
		case PB_EINVAL:
		case PB_EPARAM:
			return MPI_ERR_ARG;
		case PB_ENOMEM:
		case PB_ECORRUPT:
		case PB_EAGAIN:
			return MPI_ERR_INTERN;
		case PB_ERANGE:
			return MPI_ERR_COUNT;
		default:
			return MPI_ERR_OTHER;
		}
	}
	return -1;
}

int MPI_Error_class(int errorcode, int *errorclass)
{
	int c = class_of(errorcode);
	if (!errorclass)
		return MPI_ERR_ARG;
	if (c < 0)
		return MPI_ERR_ARG;
	*errorclass = c;
	return MPI_SUCCESS;
}

int MPI_Error_string(int errorcode, char *string, int *resultlen)
{
	if (!string || !resultlen)
		return MPI_ERR_ARG;
	int c = class_of(errorcode);
	if (c < 0)
		snprintf(string, MPI_MAX_ERROR_STRING, "unknown error code %d",
			 errorcode);
	else if (errorcode >= NCLASS)
		snprintf(string, MPI_MAX_ERROR_STRING, "%s (Postbox: %s)",
			 class_text[c], pb_strerror(PB_CODE_BASE - errorcode));
	else
		snprintf(string, MPI_MAX_ERROR_STRING, "%s", class_text[c]);
	*resultlen = (int)strlen(string);
	return c < 0 ? MPI_ERR_ARG : MPI_SUCCESS;
}

void pbmpi_abort_job(int code)
{
	/* Under pbrun a rank that exits non-zero ends the whole job (pbrun
	 * kills the others and removes every shared object), which is what
	 * MPI_Abort promises. _exit, not exit: atexit handlers of a program
	 * in an unknown state must not run, and pb_close would wait for
	 * ranks that may never come. A singleton job (no launcher) has no
	 * one to clean up after it, and no other rank to wait for: its
	 * pb_close removes its shared objects. */
	fflush(NULL);
	static int closing;
	if (pbmpi_g.job && pbmpi_g.size == 1 && !getenv("PB_JOB_ID") &&
	    !closing) {
		closing = 1;
		pb_close(pbmpi_g.job);
		pbmpi_g.job = NULL;
	}
	int status = code & 0xff;
	_exit(status ? status : 1);
}

void pbmpi_fatal(const char *what, int code)
{
	char text[MPI_MAX_ERROR_STRING];
	int len;
	MPI_Error_string(code, text, &len);
	fprintf(stderr, "pbmpi: rank %d: %s: %s\n", pbmpi_g.rank, what, text);
	pbmpi_abort_job(code);
}

int pbmpi_raise(struct pbmpi_comm *c, int code, const char *fn)
{
	if (code == MPI_SUCCESS)
		return code;
	MPI_Errhandler eh = MPI_ERRORS_ARE_FATAL;
	if (c)
		eh = c->eh;
	else if (pbmpi_g.state == ST_RUNNING)
		eh = pbmpi_comm_get(MPI_COMM_WORLD)->eh;
	if (eh == MPI_ERRORS_RETURN)
		return code;
	char text[MPI_MAX_ERROR_STRING];
	int len;
	MPI_Error_string(code, text, &len);
	fprintf(stderr, "pbmpi: rank %d: %s: %s (MPI_ERRORS_ARE_FATAL: "
		"aborting the job)\n", pbmpi_g.rank, fn, text);
	pbmpi_abort_job(code);
}

int pbmpi_not_running(const char *fn)
{
	fprintf(stderr, "pbmpi: %s called %s\n", fn,
		pbmpi_g.state == ST_BEFORE ? "before MPI_Init"
					   : "after MPI_Finalize");
	pbmpi_abort_job(MPI_ERR_OTHER);
}

/* An error handler is one of the two predefined ones: user-defined
 * handlers (MPI_Comm_create_errhandler) are not in the subset. */
int MPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
	PBMPI_CHECK_RUNNING("MPI_Comm_set_errhandler");
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	if (!c)
		return pbmpi_raise(NULL, MPI_ERR_COMM,
				   "MPI_Comm_set_errhandler");
	if (errhandler != MPI_ERRORS_ARE_FATAL &&
	    errhandler != MPI_ERRORS_RETURN)
		return pbmpi_raise(c, MPI_ERR_ARG, "MPI_Comm_set_errhandler");
	c->eh = errhandler;
	return MPI_SUCCESS;
}

int MPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
	PBMPI_CHECK_RUNNING("MPI_Comm_get_errhandler");
	struct pbmpi_comm *c = pbmpi_comm_get(comm);
	if (!c)
		return pbmpi_raise(NULL, MPI_ERR_COMM,
				   "MPI_Comm_get_errhandler");
	if (!errhandler)
		return pbmpi_raise(c, MPI_ERR_ARG, "MPI_Comm_get_errhandler");
	*errhandler = c->eh;
	return MPI_SUCCESS;
}

int MPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler)
{
	return MPI_Comm_set_errhandler(comm, errhandler);
}

int MPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler *errhandler)
{
	return MPI_Comm_get_errhandler(comm, errhandler);
}
