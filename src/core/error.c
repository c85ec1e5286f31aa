/*
 * error.c - error codes in a user's words.
 */
#include "postbox.h"

const char *pb_strerror(int err)
{
	switch (err) {
	case PB_OK: return "success";
	case PB_EINVAL: return "invalid argument (bad rank, tag, size or pointer)";
	case PB_ENOMEM: return "out of memory";
	case PB_ETRUNC: return "message longer than the receive buffer: the "
			       "part that fits was delivered, the status "
			       "holds the full length";
	case PB_ECORRUPT: return "a shared segment holds an impossible value "
				 "(corrupted by a faulty or hostile process)";
	case PB_EPEER: return "a peer process is gone";
	case PB_ETIMEDOUT: return "timed out";
	case PB_ECLOSED: return "the job handle is closed";
	case PB_ENOSPC: return "not enough room for shared memory (see the "
			       "message on stderr for sizes and the directory)";
	case PB_ESYS: return "a system call failed";
	case PB_EBOOT: return "the launcher environment is missing or "
			      "inconsistent (start the program with pbrun, "
			      "mpirun or srun --mpi=pmix)";
	case PB_EPARAM: return "a PB_* environment parameter has a bad value "
			       "(the message on stderr names it)";
	case PB_EAGAIN: return "resource temporarily busy, try again";
	case PB_EPERM: return "a shared object belongs to another user or job";
	case PB_ERANGE: return "a size or count is outside what is supported";
	default: return "unknown error code";
	}
}
