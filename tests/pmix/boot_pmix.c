/*
 * boot_pmix.c - white-box check of the PMIx bootstrap under mpirun.
 *
 * Every rank runs pb_boot_init and prints one line,
 *   "boot: job=<id> nodes=<K> map=<node of each rank>"
 * which boot.sh requires to be the same on every rank (one job id, one
 * node map), and checks on its own what it can: the bootstrap is PMIx,
 * rank and size agree with what Open MPI exports, the map numbers nodes
 * 0..K-1, and the job id can name shared objects.
 *
 * Usage: boot_pmix [EXPECTED_MAP]   e.g. "0,0,1,1"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postbox.h"
#include "boot/boot.h"

static int failed;

#define EXPECT(cond)                                                         \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "boot_pmix: %s:%d: %s\n", __FILE__,  \
				__LINE__, #cond);                            \
			failed = 1;                                          \
		}                                                            \
	} while (0)

/* Open MPI's own idea of rank and size, when it exports it; -1 if not. */
static int ompi_env(const char *var)
{
	const char *v = getenv(var);
	return v ? atoi(v) : -1;
}

static void format_map(const struct pb_boot *b, char *out, size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	for (int r = 0; r < b->size && n < len; r++)
		n += (size_t)snprintf(out + n, len - n, "%s%d", r ? "," : "",
				      b->node_of[r]);
}

static void check_map(const struct pb_boot *b)
{
	int seen_max = -1;
	for (int r = 0; r < b->size; r++) {
		EXPECT(b->node_of[r] >= 0 && b->node_of[r] < b->nnodes);
		/* numbered by first appearance in rank order */
		EXPECT(b->node_of[r] <= seen_max + 1);
		if (b->node_of[r] > seen_max)
			seen_max = b->node_of[r];
	}
	EXPECT(seen_max == b->nnodes - 1);
}

int main(int argc, char **argv)
{
	struct pb_boot b;
	char map[4096];
	int rc = pb_boot_init(&b);
	if (rc) {
		fprintf(stderr, "boot_pmix: pb_boot_init: %s\n",
			pb_strerror(rc));
		pb_boot_fini(&b);
		return 1;
	}
	EXPECT(b.name && strcmp(b.name, "pmix") == 0);
	EXPECT(b.launcher == 0);
	EXPECT(pb_boot_check_job_id(b.job_id) == 0);
	EXPECT(b.shm_dir[0] == '/');
	if (ompi_env("OMPI_COMM_WORLD_SIZE") >= 0)
		EXPECT(b.size == ompi_env("OMPI_COMM_WORLD_SIZE"));
	if (ompi_env("OMPI_COMM_WORLD_RANK") >= 0)
		EXPECT(b.rank == ompi_env("OMPI_COMM_WORLD_RANK"));
	check_map(&b);
	format_map(&b, map, sizeof(map));
	if (argc > 1)
		EXPECT(strcmp(map, argv[1]) == 0);
	printf("boot: job=%s nodes=%d map=%s\n", b.job_id, b.nnodes, map);
	fflush(stdout);
	pb_boot_fini(&b);
	EXPECT(b.node_of == NULL && b.finish == NULL);
	return failed;
}
