/*
 * medium.h - how bytes reach memory on a node. The core sees a medium only
 * through this ops struct; a medium knows nothing of postboxes.
 *
 * A region is a named shared object of one job. Names given to a medium are
 * short suffixes ("d3-n1"); the medium makes them private to the job.
 *
 * Contracts (every member):
 *   create  - Makes an object of exactly `size` bytes, runs init(base, arg)
 *             on it while nobody else can see it, and only then publishes it
 *             under `name`, so no process ever maps a short or half-written
 *             object. Returns 0 and the mapped region; PB_EAGAIN when another
 *             process published that name first (the caller then attaches);
 *             PB_ENOSPC (with a message on stderr saying how much was needed
 *             and where) when the backing store is too small. Blocks only in
 *             system calls; takes no locks.
 *   attach  - Maps an existing object. PB_EAGAIN when no such object is
 *             published (yet); PB_EPERM when it belongs to another user or
 *             has other permissions than the medium creates.
 *   detach  - Unmaps; the region handle is freed. Never fails.
 *   unlink  - Removes the name (mappings stay valid). 0, or 0 when the name
 *             was already gone.
 *   fini    - Frees the medium itself; regions must be detached first.
 *
 * For shm every region is directly addressable (base != NULL) and the core
 * reads and writes it with plain loads/stores plus the orderings of
 * core/ordering.h. A medium whose memory is not addressable from this
 * process (RMA) will add write and publish members here.
 */
#ifndef PB_MEDIUM_H
#define PB_MEDIUM_H

#include <stddef.h>
#include <stdint.h>

struct pb_region {
	void *base;    /* local mapping */
	uint64_t size; /* bytes mapped */
	void *priv;    /* medium's own */
};

typedef int (*pb_region_init_fn)(void *base, uint64_t size, void *arg);

struct pb_medium;

struct pb_medium_ops {
	const char *name;
	int (*create)(struct pb_medium *m, const char *name, uint64_t size,
		      pb_region_init_fn init, void *arg,
		      struct pb_region **out);
	int (*attach)(struct pb_medium *m, const char *name,
		      struct pb_region **out);
	void (*detach)(struct pb_medium *m, struct pb_region *r);
	int (*unlink)(struct pb_medium *m, const char *name);
	void (*fini)(struct pb_medium *m);
};

struct pb_medium {
	const struct pb_medium_ops *ops;
	void *priv;
};

/* shm: objects are files "pb-<job_id>-<name>" in dir (tmpfs). */
int pb_shm_open(struct pb_medium *m, const char *dir, const char *job_id);

#endif
