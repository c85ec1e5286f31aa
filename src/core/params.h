/*
 * params.h - tunables read from the environment, with documented defaults
 * (docs/parameters.md). A bad value is an error naming the variable.
 */
#ifndef PB_PARAMS_H
#define PB_PARAMS_H

#include <stddef.h>
#include <stdint.h>

enum pb_wait_mode { PB_WAIT_SPIN, PB_WAIT_YIELD, PB_WAIT_SLEEP };

struct pb_params {
	uint32_t slots;        /* PB_POSTBOXES: slots per ring */
	uint32_t inline_max;   /* PB_INLINE: bytes carried in a slot */
	uint32_t block_size;   /* PB_BLOCK_SIZE */
	uint64_t pool_size;    /* PB_POOL_SIZE: per (sender, node) segment */
	uint64_t cycle_size;   /* PB_CYCLE_SIZE */
	int wait_mode;         /* PB_WAIT: spin | yield | sleep */
	uint32_t spin;         /* PB_SPIN: polls before yielding/sleeping */
	double peer_timeout;   /* PB_PEER_TIMEOUT: seconds */
	int cma;               /* PB_CMA: off | on | fallback */
	uint64_t cma_min;      /* PB_CMA_MIN: smallest message read in place */
	int medium;            /* PB_MEDIUM: auto | shm | ofi, between nodes */
};

/* What carries a pair on different nodes: auto takes shm when the
 * bootstrap says all nodes share one host (pbrun's emulated nodes), ofi
 * otherwise. Within a node it is always shm. */
enum pb_medium_mode { PB_MEDIUM_AUTO, PB_MEDIUM_SHM, PB_MEDIUM_OFI };

enum pb_cma_mode { PB_CMA_OFF, PB_CMA_ON, PB_CMA_FALLBACK };

#define PB_DEF_POSTBOXES 64u
#define PB_DEF_INLINE 112u
#define PB_DEF_BLOCK_SIZE 4096u
#define PB_DEF_POOL_SIZE (1024u * 1024u)
#define PB_DEF_CYCLE_SIZE (256u * 1024u)
#define PB_DEF_SPIN 2000u
#define PB_DEF_PEER_TIMEOUT 5.0
#define PB_DEF_CMA_MIN (64u * 1024u)
/* A rank that never reached pb_open is given this many peer timeouts. */
#define PB_NEVER_OPENED_GRACE 4

/* Fill p from the environment. On a bad value returns PB_EPARAM and writes
 * a sentence naming the variable, the value and what is allowed to err. */
int pb_params_load(struct pb_params *p, char *err, size_t errlen);

/* Parse a size with an optional K, M or G suffix (powers of 1024).
 * 0 or -1. */
int pb_parse_size(const char *s, uint64_t *out);

#endif
