/*
 * ordering.h - the only place the core spells out memory ordering.
 *
 * Every shared word the protocol publishes is written with pb_publish*() (a
 * release store: all plain stores before it, payload and indicator fields,
 * are visible to whoever sees the new value) and read with pb_observe*()
 * (an acquire load: reads after it see everything published before the
 * value). No read-modify-write is used on the hot path.
 */
#ifndef PB_ORDERING_H
#define PB_ORDERING_H

#include <stdatomic.h>
#include <stdint.h>

static inline void pb_publish32(_Atomic uint32_t *p, uint32_t v)
{
	atomic_store_explicit(p, v, memory_order_release);
}

static inline uint32_t pb_observe32(_Atomic uint32_t *p)
{
	return atomic_load_explicit(p, memory_order_acquire);
}

static inline void pb_publish64(_Atomic uint64_t *p, uint64_t v)
{
	atomic_store_explicit(p, v, memory_order_release);
}

static inline uint64_t pb_observe64(_Atomic uint64_t *p)
{
	return atomic_load_explicit(p, memory_order_acquire);
}

/* A value only its single writer changes, read back by that writer. */
static inline uint64_t pb_peek64(_Atomic uint64_t *p)
{
	return atomic_load_explicit(p, memory_order_relaxed);
}

static inline void pb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

#endif
