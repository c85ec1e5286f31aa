/*
 * boot.h - the bootstrap interface: who am I, how many are we, which rank
 * lives on which node, and where the job's shared objects go. The core
 * asks nothing else of a launcher, and never which bootstrap answered.
 */
#ifndef PB_BOOT_H
#define PB_BOOT_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct pb_boot {
	const char *name;    /* "pbrun", "pmix" or "singleton": for messages */
	int rank, size, nnodes;
	int *node_of;        /* size entries, nodes numbered 0..nnodes-1 */
	char job_id[65];     /* hex, unguessable: names the shared objects */
	char shm_dir[PATH_MAX];
	pid_t launcher;      /* pbrun's pid, 0 if none */
	int one_host;        /* every node shares this host's memory (pbrun's
				emulated nodes without --netns) */
	/* a bootstrap with its own key-value store (PMIx) sets these; the
	 * others publish through files in shm_dir */
	int (*put)(struct pb_boot *b, const char *key, const void *val,
		   size_t len);
	int (*get)(struct pb_boot *b, int rank, const char *key, void *val,
		   size_t *len);
	int (*fence)(struct pb_boot *b);
	char nspace[256];    /* PMIx namespace */
	char put_path[PATH_MAX]; /* the file our put made, removed at fini */
	/* set by a bootstrap that holds something until pb_boot_fini (the
	 * PMIx connection); NULL otherwise */
	void (*finish)(struct pb_boot *b);
};

/* Fill b from whoever started the process, first match wins:
 *   PB_JOB_ID set             -> pbrun's variables (docs/launch.md)
 *   PMIX_RANK/PMIX_NAMESPACE  -> PMIx (mpirun, srun --mpi=pmix), when the
 *                                library was built with it
 *   otherwise                 -> a singleton job of one rank
 * PB_EBOOT with a message on stderr when the launcher's data is missing or
 * inconsistent. Call pb_boot_fini after a failure too. */
int pb_boot_init(struct pb_boot *b);
void pb_boot_fini(struct pb_boot *b);

/* Small values ranks publish for one another (the ofi medium's endpoint
 * address). put: once per key and rank. fence: collective, after every
 * rank's put; then get finds every rank's value. get: 0 and *len set, or
 * PB_EAGAIN while rank has not published key yet (a caller keeps asking,
 * with its own liveness check), PB_ERANGE when it does not fit. */
int pb_boot_put(struct pb_boot *b, const char *key, const void *val,
		size_t len);
int pb_boot_fence(struct pb_boot *b);
int pb_boot_get(struct pb_boot *b, int rank, const char *key, void *val,
		size_t *len);

/* ---- shared by the bootstraps of src/boot only -------------------------- */

/* "postbox: launcher environment: what ("val")" on stderr; PB_EBOOT. */
int pb_boot_bad(const char *what, const char *val);
/* 32 lowercase hex digits from 128 bits of getrandom(); len >= 33. */
int pb_boot_make_job_id(char *out, size_t len);
/* 0 when id is fit to name shared objects: 32..64 lowercase hex digits. */
int pb_boot_check_job_id(const char *id);
/* Set node_of and nnodes from "n0,n1,..." (one node per rank, b->size
 * ranks, nodes 0..K-1 all used); src names where map came from in the
 * error message. */
int pb_boot_parse_node_map(struct pb_boot *b, const char *map,
			   const char *src);

#ifdef PB_HAVE_PMIX
/* The PMIx bootstrap (pmix.c). */
int pb_boot_pmix(struct pb_boot *b);
/* Number nodes 0..K-1 in order of first appearance in rank order: key[r]
 * names rank r's node (a host name, a node id). Every rank that sees the
 * same keys gets the same numbering. Fills node_of, returns K. */
int pb_boot_number_nodes(char *const *key, int size, int *node_of);
#endif

#endif
