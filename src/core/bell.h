/*
 * bell.h - the doorbell that lets a rank in PB_WAIT=sleep mode block in the
 * kernel instead of polling, and be woken by whoever publishes something
 * it waits for (an indicator in its ring, an ack in its ack block).
 *
 * Ordering (a Dekker pair, both sides seq_cst):
 *   sleeper: sleeping = 1; fence; poll again; futex_wait(bell, old)
 *   waker:   publish (release); fence; if sleeping: bell++, futex_wake
 * At least one side sees the other's store: either the sleeper's second
 * poll finds the new data, or the waker sees sleeping == 1 and changes
 * bell, which makes futex_wait return at once. No wakeup is lost; a
 * timeout bounds the sleep anyway so liveness checks still run.
 */
#ifndef PB_BELL_H
#define PB_BELL_H

#include "core/layout.h"

/* Ring e's bell if its owner sleeps. Only called in sleep mode, so the
 * fence costs nothing to jobs that spin. */
void pb_bell_ring(struct pb_dir_entry *e);
/* Block on my own bell for at most max_ns, after arming it; poll is
 * called once after arming and the sleep is skipped when it moved
 * anything. Returns what poll returned (or 0). */
int pb_bell_sleep(struct pb_dir_entry *me, long max_ns,
		  int (*poll)(void *), void *arg);

#endif
