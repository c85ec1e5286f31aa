/*
 * boot.c - the pbrun environment bootstrap, and the singleton fallback.
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

static int bad(const char *what, const char *val)
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

static int make_job_id(char *out, size_t len)
{
	unsigned char r[16];
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return PB_ESYS;
	for (size_t i = 0; i < sizeof(r) && 2 * i + 2 < len; i++)
		sprintf(out + 2 * i, "%02x", r[i]);
	return 0;
}

static int shm_dir_from_env(struct pb_boot *b)
{
	const char *d = getenv("PB_SHM_DIR");
	if (!d || !*d)
		d = "/dev/shm";
	if (strlen(d) >= sizeof(b->shm_dir))
		return bad("PB_SHM_DIR is too long", d);
	strcpy(b->shm_dir, d);
	return 0;
}

static int singleton(struct pb_boot *b)
{
	b->name = "singleton";
	b->rank = 0;
	b->size = 1;
	b->nnodes = 1;
	b->node_of = calloc(1, sizeof(int));
	if (!b->node_of)
		return PB_ENOMEM;
	return make_job_id(b->job_id, sizeof(b->job_id));
}

static int parse_node_map(struct pb_boot *b, const char *map)
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
			return bad("PB_NODE_MAP must list one node per rank",
				   map);
		b->node_of[r] = (int)v;
		if (v > maxnode)
			maxnode = (int)v;
		p = end + (*end == ',');
	}
	if (*p)
		return bad("PB_NODE_MAP lists more nodes than PB_SIZE", map);
	b->nnodes = maxnode + 1;
	/* every node 0..K-1 must hold a rank: segments are sized by it */
	for (int n = 0; n < b->nnodes; n++) {
		int found = 0;
		for (int r = 0; r < b->size && !found; r++)
			found = b->node_of[r] == n;
		if (!found)
			return bad("PB_NODE_MAP leaves a node without ranks",
				   map);
	}
	return 0;
}

int pb_boot_init(struct pb_boot *b)
{
	int rc;
	memset(b, 0, sizeof(*b));
	if ((rc = shm_dir_from_env(b)))
		return rc;
	const char *id = getenv("PB_JOB_ID");
	if (!id || !*id)
		return singleton(b);
	b->name = "pbrun";
	if (strlen(id) < 32 || strlen(id) >= sizeof(b->job_id) ||
	    strspn(id, "0123456789abcdef") != strlen(id))
		return bad("PB_JOB_ID must be at least 32 hex digits", id);
	strcpy(b->job_id, id);
	if (parse_int(getenv("PB_SIZE"), 1, 1 << 20, &b->size))
		return bad("PB_SIZE must be a positive number",
			   getenv("PB_SIZE"));
	if (parse_int(getenv("PB_RANK"), 0, b->size - 1, &b->rank))
		return bad("PB_RANK must be between 0 and PB_SIZE-1",
			   getenv("PB_RANK"));
	const char *map = getenv("PB_NODE_MAP");
	if (!map || !*map) {
		/* a plain "everyone on one node" is a fine default */
		b->node_of = calloc((size_t)b->size, sizeof(int));
		b->nnodes = 1;
		if (!b->node_of)
			return PB_ENOMEM;
	} else if ((rc = parse_node_map(b, map))) {
		return rc;
	}
	int pid;
	if (parse_int(getenv("PB_LAUNCHER_PID"), 1, 1 << 30, &pid) == 0)
		b->launcher = pid;
	return 0;
}

void pb_boot_fini(struct pb_boot *b)
{
	free(b->node_of);
	b->node_of = NULL;
}
