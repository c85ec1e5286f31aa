/*
 * wait.c - progress and waiting. Blocking calls loop on one progress step
 * (incoming rings, then queued sends); when a step moves nothing they spin,
 * yield or sleep as PB_WAIT says, and every so often check that the peer
 * they depend on is still alive. Liveness costs nothing on the hot path:
 * it is looked at only after many fruitless polls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "core/bell.h"
#include "core/engine.h"
#include "core/ordering.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int pb_progress_once(struct pb_job *j)
{
	int a = pb_rx_poll(j);
	int b = j->pend ? pb_tx_progress(j) : 0;
	/* acks to other hosts deferred by pb_rx_poll are paid at the first
	 * poll that finds nothing new, whoever polls (a wait loop, pb_test,
	 * pb_progress): by then the caller's own sends, a reply, went out */
	if (!(a + b) && j->acks_owed)
		pb_rx_ack_owed(j);
	return a + b;
}

static int poll_once(void *arg)
{
	return pb_progress_once(arg);
}

void pb_waiter_init(struct pb_waiter *w, int peer)
{
	w->idle = 0;
	w->next_check = 0;
	w->since = 0;
	w->peer = peer;
}

/* A rank is alive while its process exists and it has not closed. One
 * that never opened the job counts as alive for PB_NEVER_OPENED_GRACE
 * times PB_PEER_TIMEOUT of waiting on it (since = when the wait began),
 * then as lost: it may have died before pb_open, and nothing else would
 * ever tell. The grace is longer than for a known process because a rank
 * that is merely slow to start (a loaded or oversubscribed host) must not
 * be taken for dead. */
int pb_peer_alive(struct pb_job *j, int rank, double since)
{
	if (pb_remote(j, rank)) {
		/* another host: its pid means nothing here and its
		 * directory is not ours to map; the medium knows whether
		 * it can still reach it (a refused or reset connection),
		 * and one that never published its address gets the grace
		 * of a rank that never opened */
		int a = pb_rma_alive(j->rma, rank);
		if (a == PB_EAGAIN)
			return now() - since <
			       PB_NEVER_OPENED_GRACE * j->par.peer_timeout;
		return a == 1;
	}
	struct pb_dir_entry *e = pb_dir_entry_of(j, rank);
	if (!e)
		return 1; /* cannot tell: let the caller keep waiting */
	uint32_t st = atomic_load_explicit(&e->state, memory_order_acquire);
	uint32_t pid = atomic_load_explicit(&e->pid, memory_order_relaxed);
	if (st == PB_RANK_NONE)
		return now() - since < PB_NEVER_OPENED_GRACE * j->par.peer_timeout;
	if (st == PB_RANK_CLOSED)
		return 0;
	if (pid && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return 0;
	return 1;
}

/* For PB_ANY_SOURCE: some other rank (or this one) can still send. */
static int any_peer_alive(struct pb_job *j, double since)
{
	if (j->size == 1)
		return 1; /* a singleton may send to itself */
	for (int r = 0; r < j->size; r++)
		if (r != j->rank && pb_peer_alive(j, r, since))
			return 1;
	return 0;
}

int pb_waiter_idle(struct pb_job *j, struct pb_waiter *w)
{
	w->idle++;
	if (w->idle < j->par.spin || j->par.wait_mode == PB_WAIT_SPIN) {
		pb_cpu_relax();
	} else if (j->par.wait_mode == PB_WAIT_YIELD) {
		sched_yield();
	} else {
		/* block in the kernel until a peer rings: an idle rank stops
		 * stealing the core an oversubscribed peer needs. The
		 * timeout only bounds how late liveness checks run. */
		/* peers on other hosts cannot ring our bell: with them we
		 * nap a millisecond at a time instead of sleeping until rung
		 * (docs/ofi.md) */
		long ns = j->rma ? 1000 * 1000L : 100 * 1000 * 1000L;
		if (pb_bell_sleep(j->my_entry, ns, poll_once, j) != 0) {
			/* something moved (maybe what we wait for): let the
			 * caller look before judging anyone dead */
			w->idle = 0;
			return 0;
		}
		/* a sleep is long: check life each time; a 1 ms nap is not */
		if (!j->rma)
			w->next_check = 0;
		goto check;
	}
	if ((w->idle & 1023) != 0)
		return 0;
check:;
	double t = now();
	if (!w->since)
		w->since = t;
	if (t < w->next_check)
		return 0;
	w->next_check = t + 0.1;
	/* a sender may be waiting on acks we gave (see pb_rx_reassert) */
	pb_rx_reassert(j);
	/* our launcher died: the job is over. Asked of the launcher itself,
	 * not of getppid(): a rank may run under a wrapper (sh -c, perf) */
	if (j->boot.launcher && kill(j->boot.launcher, 0) != 0 &&
	    errno == ESRCH)
		return PB_EPEER;
	/* sends may wait for pool blocks a dead receiver will never give
	 * back, whoever this wait is for */
	if (j->pend && pb_tx_reap_dead(j, w->since) > 0)
		return 0;
	if (w->peer == PB_ANY_SOURCE && !any_peer_alive(j, w->since)) {
		if (pb_progress_once(j) > 0)
			return 0;
		return PB_EPEER; /* nobody is left who could send */
	}
	if (w->peer >= 0 && w->peer != j->rank &&
	    !pb_peer_alive(j, w->peer, w->since)) {
		/* a peer publishes its last acks and messages before it
		 * closes or dies: one more poll catches what it left, and
		 * the caller re-checks its condition before giving up */
		if (pb_progress_once(j) > 0)
			return 0;
		return PB_EPEER;
	}
	return 0;
}

int pb_wait_turn(struct pb_job *j, struct pb_waiter *w)
{
	if (pb_progress_once(j) > 0) {
		w->idle = 0;
		return 0;
	}
	return pb_waiter_idle(j, w);
}

int pb_wait_send(struct pb_job *j, struct pb_sendop *op, int dest)
{
	struct pb_waiter w;
	pb_waiter_init(&w, dest);
	while (!op->done) {
		int rc = pb_wait_turn(j, &w);
		if (rc)
			return rc;
	}
	return op->error;
}

int pb_wait_recv(struct pb_job *j, struct pb_recvop *rop)
{
	struct pb_waiter w;
	pb_waiter_init(&w, rop->source);
	while (!rop->done) {
		int n = pb_progress_once(j);
		if (rop->done)
			break;
		if (n > 0) {
			w.idle = 0;
			continue;
		}
		/* a broken sender cannot complete this receive */
		if (rop->source >= 0 && j->rx_sender[rop->source] &&
		    j->rx_sender[rop->source]->error)
			return j->rx_sender[rop->source]->error;
		if (rop->source == PB_ANY_SOURCE && j->error)
			return j->error;
		int rc = pb_waiter_idle(j, &w);
		if (rc)
			return rc;
	}
	return rop->st.error;
}
