/*
 * bell.c - futex doorbell (see bell.h for the ordering argument).
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/bell.h"

void pb_bell_ring(struct pb_dir_entry *e)
{
	if (!e)
		return; /* a peer on another host: it naps instead (wait.c) */
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&e->sleeping, memory_order_seq_cst))
		return;
	atomic_fetch_add_explicit(&e->bell, 1, memory_order_seq_cst);
	/* shared futex (no FUTEX_PRIVATE_FLAG): the word lives in a segment
	 * mapped by several processes */
	syscall(SYS_futex, &e->bell, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int pb_bell_sleep(struct pb_dir_entry *me, long max_ns,
		  int (*poll)(void *), void *arg)
{
	uint32_t old = atomic_load_explicit(&me->bell, memory_order_seq_cst);
	atomic_store_explicit(&me->sleeping, 1, memory_order_seq_cst);
	atomic_thread_fence(memory_order_seq_cst);
	int moved = poll(arg);
	if (moved == 0) {
		struct timespec t = {max_ns / 1000000000L,
				     max_ns % 1000000000L};
		syscall(SYS_futex, &me->bell, FUTEX_WAIT, old, &t, NULL, 0);
	}
	atomic_store_explicit(&me->sleeping, 0, memory_order_relaxed);
	return moved;
}
