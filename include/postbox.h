/*
 * postbox.h - the one public header of libpostbox.
 *
 * Postbox passes messages between the ranks of a parallel job. Every sender
 * owns a data segment on each node it talks to, writes payloads there and
 * announces each message through a postbox ring that only its receiver
 * polls; receivers acknowledge into the sender's node and the sender
 * recycles its memory from those acknowledgments.
 *
 * Conventions
 *   - Every function that can fail returns 0 (or a non-negative value) on
 *     success and a negative PB_E... code on failure; pb_strerror() explains
 *     a code in words a user can act on.
 *   - A pb_job is used by one thread at a time (like MPI_THREAD_FUNNELED /
 *     SERIALIZED): the library takes no locks.
 *   - Messages between one sender and one receiver are received in the order
 *     they were sent, among those that match the receive.
 */
#ifndef POSTBOX_H
#define POSTBOX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PB_VERSION_MAJOR 0
#define PB_VERSION_MINOR 1
#define PB_VERSION_PATCH 0

/* Error codes: always negative. */
enum {
	PB_OK = 0,
	PB_EINVAL = -1,    /* a bad argument (rank, tag, NULL pointer, ...) */
	PB_ENOMEM = -2,    /* out of private memory */
	PB_ETRUNC = -3,    /* receive buffer too small: what fits was delivered */
	PB_ECORRUPT = -4,  /* a shared segment held an impossible value */
	PB_EPEER = -5,     /* a peer process is gone */
	PB_ETIMEDOUT = -6, /* a bounded wait ran out of time */
	PB_ECLOSED = -7,   /* the job handle was already closed */
	PB_ENOSPC = -8,    /* not enough room where shared memory lives */
	PB_ESYS = -9,      /* a system call failed (see errno text on stderr) */
	PB_EBOOT = -10,    /* the launcher environment is missing or wrong */
	PB_EPARAM = -11,   /* a PB_* environment parameter has a bad value */
	PB_EAGAIN = -12,   /* resource busy, try again (internal, never returned
			      by a blocking call) */
	PB_EPERM = -13,    /* a shared object belongs to someone else */
	PB_ERANGE = -14,   /* a size or count outside what is supported */
};

#define PB_ANY_SOURCE (-1)
#define PB_ANY_TAG (-1)
/* Largest user tag; tags are 0..PB_TAG_MAX. */
#define PB_TAG_MAX 0x7fffffff

typedef struct pb_job pb_job; /* opaque: one per process */
typedef struct pb_req pb_req; /* opaque: one outstanding isend/irecv */

typedef struct pb_status {
	int source;  /* rank that sent the message */
	int tag;     /* its tag */
	size_t len;  /* its full length in bytes, even when truncated */
	int error;   /* 0, or PB_ETRUNC / other code for this message */
} pb_status;

/* Library version as "MAJOR.MINOR.PATCH". */
const char *pb_version(void);
/* Text for an error code; never NULL. */
const char *pb_strerror(int err);

/* Wire up from the environment (pbrun now; a singleton job of one rank
 * when no launcher is found). Reads the PB_* parameters; a bad one fails
 * with PB_EPARAM and a message naming the variable on stderr. */
int pb_open(pb_job **job);
/* Complete every outstanding send, synchronise with the other ranks, then
 * remove this rank's shared objects and free the handle. The handle must
 * not be used afterwards. Collective: every rank must call it. */
int pb_close(pb_job *job);

int pb_rank(const pb_job *job);             /* this rank, or PB_EINVAL */
int pb_size(const pb_job *job);             /* number of ranks */
int pb_nodes(const pb_job *job);            /* number of nodes */
int pb_node(const pb_job *job, int rank);   /* node of a rank */

/* Blocking send: returns when buf may be reused. */
int pb_send(pb_job *job, int dest, int tag, const void *buf, size_t len);
/* Blocking receive of the first message matching source and tag
 * (PB_ANY_SOURCE, PB_ANY_TAG allowed). st may be NULL. Returns 0, or
 * PB_ETRUNC when the message was longer than cap (cap bytes delivered,
 * st->len tells the real length). */
int pb_recv(pb_job *job, int source, int tag, void *buf, size_t cap,
	    pb_status *st);

/* Non-blocking forms. *req is set on success; complete it with pb_wait or
 * pb_test, which free it and set *req to NULL. */
int pb_isend(pb_job *job, int dest, int tag, const void *buf, size_t len,
	     pb_req **req);
int pb_irecv(pb_job *job, int source, int tag, void *buf, size_t cap,
	     pb_req **req);
/* Wait for one request; returns its result (0, PB_ETRUNC, ...). A NULL
 * *req completes at once with an empty status. */
int pb_wait(pb_req **req, pb_status *st);
/* Wait for n requests; returns 0 or the first error met; sts may be NULL. */
int pb_waitall(int n, pb_req **reqs, pb_status *sts);
/* *done = 1 and the result when complete (request freed), else *done = 0
 * and 0. */
int pb_test(pb_req **req, int *done, pb_status *st);
/* Cancel a receive that has not matched yet: returns 0 and frees it, or
 * PB_EAGAIN if it already matched (complete it with pb_wait). */
int pb_cancel(pb_req **req);

/* Channels. Every message travels on a channel 0..PB_CHANNEL_MAX; the
 * calls above use channel 0. A receive or probe matches only messages of
 * its own channel, so layers built on Postbox (an MPI communicator, a
 * library inside an application) keep their traffic apart even from
 * PB_ANY_SOURCE / PB_ANY_TAG receives on other channels. */
#define PB_CHANNEL_MAX 65534u
int pb_send_ch(pb_job *job, int dest, int tag, unsigned channel,
	       const void *buf, size_t len);
int pb_recv_ch(pb_job *job, int source, int tag, unsigned channel, void *buf,
	       size_t cap, pb_status *st);
int pb_isend_ch(pb_job *job, int dest, int tag, unsigned channel,
		const void *buf, size_t len, pb_req **req);
int pb_irecv_ch(pb_job *job, int source, int tag, unsigned channel,
		void *buf, size_t cap, pb_req **req);
int pb_probe_ch(pb_job *job, int source, int tag, unsigned channel,
		pb_status *st);
int pb_iprobe_ch(pb_job *job, int source, int tag, unsigned channel,
		 int *found, pb_status *st);

/* Blocking probe: status of the first matching message, left in place. */
int pb_probe(pb_job *job, int source, int tag, pb_status *st);
/* Non-blocking probe: *found = 1 and st filled when there is one. */
int pb_iprobe(pb_job *job, int source, int tag, int *found, pb_status *st);

/* Block until every rank has entered the barrier. */
int pb_barrier(pb_job *job);
/* Move pending messages forward without blocking; returns 0 or an error
 * met while doing so. */
int pb_progress(pb_job *job);

#ifdef __cplusplus
}
#endif
#endif /* POSTBOX_H */
