/*
 * boot.c - choosing a bootstrap; the pbrun environment bootstrap and the
 * singleton fallback. The PMIx bootstrap lives in pmix.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "postbox.h"
#include "boot/boot.h"

int pb_boot_bad(const char *what, const char *val)
{
	fprintf(stderr, "postbox: launcher environment: %s (\"%s\")\n", what,
		val ? val : "unset");
	return PB_EBOOT;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int pb_boot_make_job_id(char *out, size_t len)
{
	unsigned char r[16];
	if (len < 2 * sizeof(r) + 1)
		return PB_EINVAL;
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return PB_ESYS;
	for (size_t i = 0; i < sizeof(r); i++)
		sprintf(out + 2 * i, "%02x", r[i]);
	return 0;
}

int pb_boot_check_job_id(const char *id)
{
	size_t n = strlen(id);
	/* at least 128 bits, and nothing that could leave the shm dir */
	if (n < 32 || n > 64 || strspn(id, "0123456789abcdef") != n)
		return -1;
	return 0;
}

static int shm_dir_from_env(struct pb_boot *b)
{
	const char *d = getenv("PB_SHM_DIR");
	if (!d || !*d)
		d = "/dev/shm";
	if (strlen(d) >= sizeof(b->shm_dir))
		return pb_boot_bad("PB_SHM_DIR is too long", d);
	strcpy(b->shm_dir, d);
	return 0;
}

static int is_set(const char *var)
{
	const char *v = getenv(var);
	return v && *v;
}

static int singleton(struct pb_boot *b)
{
	b->name = "singleton";
	b->rank = 0;
	b->size = 1;
	b->nnodes = 1;
	b->one_host = 1;
	b->node_of = calloc(1, sizeof(int));
	if (!b->node_of)
		return PB_ENOMEM;
	return pb_boot_make_job_id(b->job_id, sizeof(b->job_id));
}

/* PB_EBOOT naming the source of a bad node map (a variable, a key). */
static int bad_map(const char *src, const char *why, const char *map)
{
	char what[128];
	snprintf(what, sizeof(what), "%s %s", src, why);
	return pb_boot_bad(what, map);
}

int pb_boot_parse_node_map(struct pb_boot *b, const char *map,
			   const char *src)
{
	const char *p = map;
	int maxnode = -1;
	b->node_of = calloc((size_t)b->size, sizeof(int));
	if (!b->node_of)
		return PB_ENOMEM;
	for (int r = 0; r < b->size; r++) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (errno || end == p || v < 0 || v >= b->size ||
		    (*end != ',' && *end != '\0') ||
		    (*end == '\0' && r != b->size - 1))
			return bad_map(src, "must list one node per rank", map);
		b->node_of[r] = (int)v;
		if (v > maxnode)
			maxnode = (int)v;
		p = end + (*end == ',');
	}
	if (*p)
		return bad_map(src, "lists more nodes than ranks", map);
	b->nnodes = maxnode + 1;
	/* every node 0..K-1 must hold a rank: segments are sized by it */
	char *used = calloc((size_t)b->nnodes, 1);
	int unused = b->nnodes;
	if (!used)
		return PB_ENOMEM;
	for (int r = 0; r < b->size; r++) {
		if (!used[b->node_of[r]]) {
			used[b->node_of[r]] = 1;
			unused--;
		}
	}
	free(used);
	if (unused)
		return bad_map(src, "leaves a node without ranks", map);
	return 0;
}

static int pbrun_env(struct pb_boot *b, const char *id)
{
	int rc;
	b->name = "pbrun";
	if (pb_boot_check_job_id(id))
		return pb_boot_bad("PB_JOB_ID must be 32 to 64 hex digits", id);
	strcpy(b->job_id, id);
	if (parse_int(getenv("PB_SIZE"), 1, 1 << 20, &b->size))
		return pb_boot_bad("PB_SIZE must be a positive number",
				   getenv("PB_SIZE"));
	if (parse_int(getenv("PB_RANK"), 0, b->size - 1, &b->rank))
		return pb_boot_bad("PB_RANK must be between 0 and PB_SIZE-1",
				   getenv("PB_RANK"));
	const char *map = getenv("PB_NODE_MAP");
	if (!map || !*map) {
		/* a plain "everyone on one node" is a fine default */
		b->node_of = calloc((size_t)b->size, sizeof(int));
		b->nnodes = 1;
		if (!b->node_of)
			return PB_ENOMEM;
	} else if ((rc = pb_boot_parse_node_map(b, map, "PB_NODE_MAP"))) {
		return rc;
	}
	/* emulated nodes share this host, unless pbrun put each in a
	 * network namespace of its own to stand for a host */
	b->one_host = !is_set("PB_NETNS");
	int pid;
	if (parse_int(getenv("PB_LAUNCHER_PID"), 1, 1 << 30, &pid) == 0)
		b->launcher = pid;
	return 0;
}


/* A PMIx launcher (mpirun, srun --mpi=pmix) exports these to every
 * process it starts. */
static int under_pmix(void)
{
	return is_set("PMIX_RANK") || is_set("PMIX_NAMESPACE");
}

int pb_boot_init(struct pb_boot *b)
{
	int rc;
	memset(b, 0, sizeof(*b));
	if ((rc = shm_dir_from_env(b)))
		return rc;
	/* pbrun first: its variables are explicit, and a job that pbrun
	 * starts inside an allocation may inherit PMIx variables too */
	const char *id = getenv("PB_JOB_ID");
	if (id && *id)
		return pbrun_env(b, id);
	if (under_pmix()) {
#ifdef PB_HAVE_PMIX
		return pb_boot_pmix(b);
#else
		/* every rank would be rank 0 of 1: say why */
		fprintf(stderr, "postbox: started by a PMIx launcher, but this "
				"libpostbox was built without PMIx "
				"(PB_WITH_PMIX): running as a singleton\n");
#endif
	}
	return singleton(b);
}

void pb_boot_fini(struct pb_boot *b)
{
	if (b->put_path[0])
		unlink(b->put_path);
	b->put_path[0] = 0;
	if (b->finish)
		b->finish(b);
	b->finish = NULL;
	free(b->node_of);
	b->node_of = NULL;
}
