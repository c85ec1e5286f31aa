/*
 * internal.h - private state of libpbmpi, the MPI face of Postbox.
 *
 * How MPI maps onto Postbox (docs/mpi.md says it at length):
 *   - Every communicator owns a context id, agreed by its members when it
 *     is made, and two Postbox channels derived from it: one for the
 *     user's point-to-point traffic and one, hidden, for collectives. A
 *     receive matches only its own channel, so messages never cross
 *     communicators and collectives never meet a user's MPI_ANY_TAG.
 *   - Source, tag and order are Postbox's own matching: MPI_Send is
 *     pb_send_ch, MPI_Recv is pb_recv_ch, with no header of ours and no
 *     copy, which is what keeps the layer cheap.
 *   - What Postbox has no word for travels on one more hidden channel,
 *     CH_CTRL: the notices and acknowledgments of synchronous sends.
 */
#ifndef PBMPI_INTERNAL_H
#define PBMPI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <postbox.h>

/* libpbmpi is built with -fvisibility=hidden: what mpi.h declares is the
 * library's interface, everything else stays inside it, which also spares
 * the hot paths the indirections of symbols that could be interposed. */
#pragma GCC visibility push(default)
#include "mpi.h"
#pragma GCC visibility pop
/* and declarations below are of hidden symbols: direct references, no GOT */
#pragma GCC visibility push(hidden)

#if defined(__GNUC__)
#define PB_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PB_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define PB_UNLIKELY(x) (x)
#define PB_LIKELY(x) (x)
#endif

/* ---- handles ---------------------------------------------------------- */
/* A handle is kind << 24 | index (see mpi.h). */
#define H_KIND(h) (((unsigned)(h) >> 24) & 0xffu)
#define H_INDEX(h) ((int)((unsigned)(h) & 0xffffffu))
enum {
	HK_COMM = 0x44,
	HK_TYPE = 0x4c,
	HK_OP = 0x58,
	HK_REQ = 0x2c,
	HK_EH = 0x54,
};

/* ---- channels --------------------------------------------------------- */
/* Channel 0 stays free for programs that also use postbox.h directly. */
#define CH_CTRL 1u
#define CH_P2P(cid) (2u + 2u * (unsigned)(cid))
#define CH_COLL(cid) (3u + 2u * (unsigned)(cid))
/* Context ids: 2048 fit the channel space many times over, and a mask of
 * them (256 bytes) is what members AND together to agree on a free one. */
#define PBMPI_NCTX 2048
#define PBMPI_CTX_WORDS (PBMPI_NCTX / 32)

/* ---- datatypes -------------------------------------------------------- */
/* Index of each predefined type, the low bits of its handle. It doubles as
 * the element kind that reductions work on. */
enum {
	EK_NONE = 0,
	EK_CHAR = 1, EK_SCHAR, EK_UCHAR, EK_BYTE, EK_WCHAR, EK_SHORT,
	EK_USHORT, EK_INT, EK_UINT, EK_LONG, EK_ULONG, EK_LLONG, EK_ULLONG,
	EK_FLOAT, EK_DOUBLE, EK_LDOUBLE, EK_PACKED, EK_I8, EK_I16, EK_I32,
	EK_I64, EK_U8, EK_U16, EK_U32, EK_U64, EK_BOOL, EK_CFLOAT,
	EK_CDOUBLE, EK_CLDOUBLE, EK_AINT, EK_FLOAT_INT, EK_DOUBLE_INT,
	EK_LONG_INT, EK_2INT, EK_SHORT_INT, EK_LDOUBLE_INT,
	EK_COUNT
};
/* Derived types live at handle indices from here on. */
#define DT_DERIVED_BASE 64

struct pbmpi_blk {
	ptrdiff_t off; /* from the element's start */
	size_t len;
};

/* A type is flattened to the byte runs of one element: what a message
 * carries is those runs, packed, count times (the "type signature" bytes,
 * never the holes). */
struct pbmpi_dtype {
	size_t size;            /* packed bytes per element */
	ptrdiff_t lb, extent;   /* in memory */
	int contig;             /* count elements are one run of count*size */
	int nblk;
	struct pbmpi_blk *blk;  /* [nblk], merged, in typemap order */
	int elem;               /* EK_* every element is made of */
	int committed, predefined;
	int fast;               /* contig && committed: no packing, no checks */
	int refs;               /* its handle, plus pending operations */
	int handle_idx;         /* -1 once MPI_Type_free released it */
};

extern struct pbmpi_dtype pbmpi_predef[EK_COUNT];
struct pbmpi_dtype *pbmpi_dtype_get_derived(MPI_Datatype h);
/* The type behind a handle, or NULL; predefined ones without a call. */
static inline struct pbmpi_dtype *pbmpi_dtype_get(MPI_Datatype h)
{
	unsigned i = (unsigned)h - ((unsigned)HK_TYPE << 24);
	if (i - 1u < (unsigned)EK_COUNT - 1u)
		return &pbmpi_predef[i];
	return pbmpi_dtype_get_derived(h);
}
/* For the latency paths: the size of each predefined contiguous type, 0
 * for the others ([0] stands for every handle that is not one). */
extern uint32_t pbmpi_fast_size[EK_COUNT];
static inline size_t pbmpi_dtype_fast_size(MPI_Datatype h)
{
	unsigned i = (unsigned)h - ((unsigned)HK_TYPE << 24);
	return pbmpi_fast_size[i < EK_COUNT ? i : 0];
}
void pbmpi_dtype_ref(struct pbmpi_dtype *t);
void pbmpi_dtype_unref(struct pbmpi_dtype *t);
void pbmpi_dtype_init(void);
void pbmpi_dtype_fini(void);
/* Copy count elements of type t at src into packed form at dst. */
void pbmpi_pack(const struct pbmpi_dtype *t, const void *src, int count,
		void *dst);
/* The reverse, of at most bytes packed bytes (a truncated message). */
void pbmpi_unpack(const struct pbmpi_dtype *t, const void *src,
		  size_t bytes, int count, void *dst);
/* Packed size of one element kind. */
size_t pbmpi_elem_size(int ek);

/* ---- operations ------------------------------------------------------- */
/* MPI_SUCCESS, or MPI_ERR_OP when op does not apply to elements of ek. */
int pbmpi_op_check(MPI_Op op, int ek);
/* inout[i] = in[i] op inout[i] over the n packed elements of kind ek. */
void pbmpi_op_apply(MPI_Op op, int ek, const void *in, void *inout,
		    size_t n);

/* ---- communicators ---------------------------------------------------- */
struct pbmpi_comm {
	int cid;
	unsigned ch, cch;       /* point-to-point and collective channels */
	int rank, size;
	int *c2w;               /* [size] comm rank -> job rank; NULL: same */
	int *w2c;               /* [job size] job rank -> comm rank or -1 */
	MPI_Errhandler eh;
	int refs;               /* its handle, plus pending requests */
	int handle_idx;         /* -1 once freed */
};

static inline int pbmpi_c2w(const struct pbmpi_comm *c, int r)
{
	return c->c2w ? c->c2w[r] : r;
}
static inline int pbmpi_w2c(const struct pbmpi_comm *c, int w)
{
	return c->w2c ? c->w2c[w] : w;
}

extern struct pbmpi_comm **pbmpi_ctab; /* by handle index; NULL: free */
extern unsigned pbmpi_ccap;
/* The communicator behind a handle, or NULL. */
static inline struct pbmpi_comm *pbmpi_comm_get(MPI_Comm h)
{
	unsigned i = (unsigned)h - ((unsigned)HK_COMM << 24);
	return i < pbmpi_ccap ? pbmpi_ctab[i] : NULL;
}
void pbmpi_comm_unref(struct pbmpi_comm *c);
int pbmpi_comm_init(void);
void pbmpi_comm_fini(void);

/* ---- synchronous sends (sync.c) ---------------------------------------- */
enum { CM_ANNOUNCE = 1, CM_ACK = 2 };
struct pbmpi_ctrl {
	uint32_t kind;  /* CM_*; 0 means the receive buffer is still empty */
	uint32_t ch;    /* channel of the synchronous message */
	int32_t tag;    /* its tag */
	uint32_t seq;   /* ANNOUNCE: messages with its envelope sent before */
	uint64_t id;    /* the sender's number for it */
};

/* Messages counted per envelope (peer, channel, tag) and direction: how
 * many this rank sent to peer, how many it received from peer. Counts are
 * uint32 and compared modulo 2^32. ch == 0 marks an empty slot (channel 0
 * is never an MPI channel). */
struct pbmpi_cnt {
	int peer;
	int tag;
	uint32_t ch;
	uint32_t sent, recvd;
};
extern struct pbmpi_cnt *pbmpi_cnt_last;
struct pbmpi_cnt *pbmpi_cnt_find(int peer, unsigned ch, int tag);
/* The counters of an envelope; the last one used is one compare away,
 * which is what a ping-pong or a stream to one peer costs. */
static inline struct pbmpi_cnt *pbmpi_cnt(int peer, unsigned ch, int tag)
{
	struct pbmpi_cnt *e = pbmpi_cnt_last;
	if (e && e->peer == peer && e->tag == tag && e->ch == ch)
		return e;
	return pbmpi_cnt_find(peer, ch, tag);
}
/* A communicator with this channel starts: its counts start from 0. */
void pbmpi_cnt_reset(unsigned ch);
void pbmpi_sync_fini(void);

/* ---- requests --------------------------------------------------------- */
enum { RQ_SEND = 1, RQ_RECV = 2 };

struct pbmpi_req {
	int kind;
	int handle_idx;          /* -1 for a request with no user handle */
	unsigned char sync;      /* Issend: complete only once acknowledged */
	unsigned char acked;
	unsigned char data_done; /* the Postbox operation has completed */
	unsigned char complete;
	unsigned char bg;        /* on the background list */
	unsigned char cancelled;
	unsigned char posted;    /* on the list of posted receives */
	pb_req *pr;              /* the Postbox operation carrying the data */
	pb_req *n1;              /* its announcement (synchronous sends) */
	struct pbmpi_ctrl m1;
	struct pbmpi_comm *comm;
	int peer;                /* job rank, or PB_ANY_SOURCE */
	int tag;
	unsigned ch;
	void *ubuf;              /* user buffer (receives) */
	int count;
	struct pbmpi_dtype *dt;
	void *tmp;               /* packed copy, when the type has holes */
	const void *data;        /* what goes on the wire (sends) */
	size_t bytes;            /* wire bytes (send) or capacity (recv) */
	uint64_t sync_id;
	struct pbmpi_bchunk *chunk; /* MPI_Bsend: its piece of the buffer */
	struct pbmpi_req *next;  /* Issends waiting for their answer */
	struct pbmpi_req *rnext, *rprev; /* posted receives */
	struct pbmpi_req *bg_next;
	int err;                 /* MPI error code of the operation */
	MPI_Status st;
};

struct pbmpi_bchunk {
	size_t off, len;
	struct pbmpi_bchunk *next;
};

struct pbmpi_rxsync; /* a synchronous message announced to this rank */

/* ---- global state ----------------------------------------------------- */
enum { ST_BEFORE = 0, ST_RUNNING = 1, ST_AFTER = 2 };
enum { WAIT_SPIN = 0, WAIT_YIELD = 1, WAIT_SLEEP = 2 };

struct pbmpi_global {
	int state;
	pb_job *job;
	int rank, size;
	int thread_level;
	int wait_mode;
	unsigned spin;

	/* the standing receive on CH_CTRL; cbuf.kind != 0 says it matched */
	struct pbmpi_ctrl cbuf;
	pb_req *creq;
	unsigned ctrl_tick;

	struct pbmpi_rxsync *rx_head;   /* announced to me, not answered */
	struct pbmpi_req *txs_head;     /* my Issends not yet answered */
	struct pbmpi_req *bg_head;      /* freed or buffered, still running */
	/* point-to-point receive requests posted and not complete: while
	 * there is none, a blocking receive may wait inside Postbox (see
	 * pbmpi_recv_fast_ok) */
	struct pbmpi_req *urecv_head;
	uint64_t next_sync_id;
	int progressed;                 /* a Postbox call made progress */

	/* MPI_Buffer_attach */
	char *bbuf;
	size_t bsize;
	struct pbmpi_bchunk *bchunks;
	int n_bsend;

	uint32_t ctx_free[PBMPI_CTX_WORDS]; /* bit set: context id free */
};

extern struct pbmpi_global pbmpi_g;

/* ---- errors ----------------------------------------------------------- */
/* MPI error code for a Postbox error code. */
int pbmpi_err_pb_slow(int pberr);
static inline int pbmpi_err_pb(int pberr)
{
	return pberr ? pbmpi_err_pb_slow(pberr) : MPI_SUCCESS;
}
/* Hand an error to the communicator's handler: abort (after a message
 * naming fn) under MPI_ERRORS_ARE_FATAL, else return code. c may be NULL:
 * MPI_COMM_WORLD's handler then decides. */
int pbmpi_raise(struct pbmpi_comm *c, int code, const char *fn);
/* Calls before MPI_Init or after MPI_Finalize are fatal. */
int pbmpi_not_running(const char *fn);
#define PBMPI_CHECK_RUNNING(fn)                                            \
	do {                                                               \
		if (PB_UNLIKELY(pbmpi_g.state != ST_RUNNING))              \
			return pbmpi_not_running(fn);                      \
	} while (0)
void pbmpi_abort_job(int code) __attribute__((noreturn));
/* Progress itself failed (no call to blame, no handler to ask): say what
 * and end the job. */
void pbmpi_fatal(const char *what, int code) __attribute__((noreturn));

/* ---- progress (request.c) --------------------------------------------- */
/* Can a blocking receive wait inside Postbox (pb_recv_ch) right now?
 * Only when no control message waits to be handled and no posted receive
 * request could match a synchronous message behind our back (sync.c
 * explains why that is enough). */
static inline int pbmpi_recv_fast_ok(void)
{
	return !pbmpi_g.cbuf.kind && !pbmpi_g.urecv_head;
}
/* Handle control messages, answer announced synchronous messages that
 * have been received, reap background requests; moves Postbox if nothing
 * else did. */
void pbmpi_ctrl_poll(void);
/* Is there control work (a control message, an announcement to answer,
 * a background request)? */
static inline int pbmpi_attention(void)
{
	return pbmpi_g.cbuf.kind || pbmpi_g.rx_head || pbmpi_g.bg_head;
}
static inline void pbmpi_ctrl_maybe(void)
{
	if (PB_UNLIKELY(pbmpi_attention()))
		pbmpi_ctrl_poll();
}
int pbmpi_ctrl_start(void);
int pbmpi_ctrl_stop(void);
/* MPI_Finalize: finish background requests, free the request tables. */
void pbmpi_req_fini(void);
/* One fruitless turn of a wait loop: spin, yield or sleep (PB_WAIT). */
void pbmpi_idle(unsigned *idle);

struct pbmpi_req *pbmpi_req_new(int kind, struct pbmpi_comm *c);
/* Free a request that the user will not see again. */
void pbmpi_req_release(struct pbmpi_req *r);
/* Move r forward without blocking; 1 once it is complete. */
int pbmpi_req_poll(struct pbmpi_req *r);
/* Wait until r is complete (progressing everything else meanwhile). */
void pbmpi_req_wait(struct pbmpi_req *r);
/* Start a send request (a synchronous one with its announcement). MPI
 * error code; a failure is also left in the request. */
int pbmpi_send_start(struct pbmpi_req *r);
/* sync.c: handle one control message from src. */
void pbmpi_ctrl_handle(const struct pbmpi_ctrl *m, int src);
/* sync.c: answer every announced message whose receive has completed. */
void pbmpi_rx_resolve(void);
/* Post a receive request. MPI error code. */
int pbmpi_recv_start(struct pbmpi_req *r);
int pbmpi_req_handle(struct pbmpi_req *r, MPI_Request *out);
void pbmpi_bg_add(struct pbmpi_req *r);
/* Wait until no buffered send is running (MPI_Buffer_detach). */
void pbmpi_bsend_drain(void);

/* Build the send (or receive) request of an MPI call; *out NULL with
 * MPI_SUCCESS for MPI_PROC_NULL. */
int pbmpi_make_send(const void *buf, int count, MPI_Datatype dt, int dest,
		    int tag, MPI_Comm comm, int sync, struct pbmpi_req **out,
		    struct pbmpi_comm **cout);
int pbmpi_make_recv(void *buf, int count, MPI_Datatype dt, int source,
		    int tag, MPI_Comm comm, struct pbmpi_req **out,
		    struct pbmpi_comm **cout);
void pbmpi_status_empty(MPI_Status *st);

/* ---- collectives (coll.c), for comm.c --------------------------------- */
int pbmpi_coll_barrier(struct pbmpi_comm *c);
int pbmpi_coll_bcast(struct pbmpi_comm *c, void *buf, int count,
		     struct pbmpi_dtype *t, int root);
int pbmpi_coll_allreduce(struct pbmpi_comm *c, const void *sbuf, void *rbuf,
			 int count, struct pbmpi_dtype *t, MPI_Op op);
int pbmpi_coll_allgather(struct pbmpi_comm *c, const void *sbuf, int scount,
			 struct pbmpi_dtype *st, void *rbuf, int rcount,
			 struct pbmpi_dtype *rt);

#pragma GCC visibility pop

#endif
