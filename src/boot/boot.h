/*
 * boot.h - the bootstrap interface: who am I, how many are we, which rank
 * lives on which node, and where the job's shared objects go. The core
 * asks nothing else of a launcher.
 */
#ifndef PB_BOOT_H
#define PB_BOOT_H

#include <limits.h>
#include <sys/types.h>

struct pb_boot {
	const char *name;    /* "pbrun" or "singleton" */
	int rank, size, nnodes;
	int *node_of;        /* size entries */
	char job_id[65];     /* hex, unguessable: names the shared objects */
	char shm_dir[PATH_MAX];
	pid_t launcher;      /* pbrun's pid, 0 if none */
};

/* Fill b from the environment: pbrun's variables (docs/launch.md) when
 * PB_JOB_ID is set, else a singleton job of one rank. PB_EBOOT with a
 * message on stderr when the variables are inconsistent. */
int pb_boot_init(struct pb_boot *b);
void pb_boot_fini(struct pb_boot *b);

#endif
