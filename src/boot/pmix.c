/*
 * pmix.c - the PMIx bootstrap: wiring up under a launcher that speaks PMIx
 * (Open MPI's mpirun, Slurm's srun --mpi=pmix, PRRTE's prterun).
 *
 * The launcher tells rank, size and where every rank runs; the one thing
 * it cannot give is the job id, the unguessable prefix of the job's shared
 * object names (invariant 8). Rank 0 draws it, numbers the nodes, and
 * publishes both through the PMIx key/value store; a fence makes them
 * visible to all. Every rank then holds the very same map, by
 * construction: no rank has to trust that its own view of the launcher's
 * data equals the others'.
 */
#define _GNU_SOURCE
/* Only builds that found PMIx compile this in (src/CMakeLists.txt); the
 * guard keeps builds that take every file of src/boot (tests/fuzz) whole
 * without PMIx's headers. */
#ifdef PB_HAVE_PMIX
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmix.h>

#include "postbox.h"
#include "boot/boot.h"

/* What rank 0 publishes; "pb." keeps the keys out of PMIx's own names. An
 * empty value says rank 0 failed (its message says why). */
#define PB_PMIX_JOBID_KEY "pb.jobid"  /* the job id, hex */
#define PB_PMIX_MAP_KEY "pb.nodemap"  /* node of each rank: "0,0,1,1" */

static int pmix_fail(const char *call, pmix_status_t st)
{
	fprintf(stderr, "postbox: PMIx bootstrap: %s failed: %s\n", call,
		PMIx_Error_string(st));
	return PB_EBOOT;
}

static void pmix_finish(struct pb_boot *b)
{
	(void)b;
	/* nothing to do if it fails: the job is over for this process */
	(void)PMIx_Finalize(NULL, 0);
}

/* Integer values come in whatever width the launcher chose. */
static int value_u32(const pmix_value_t *v, uint32_t *out)
{
	uint64_t x;
	switch (v->type) {
	case PMIX_UINT8: x = v->data.uint8; break;
	case PMIX_UINT16: x = v->data.uint16; break;
	case PMIX_UINT32: x = v->data.uint32; break;
	case PMIX_UINT64: x = v->data.uint64; break;
	case PMIX_SIZE: x = v->data.size; break;
	case PMIX_PROC_RANK: x = v->data.rank; break;
	case PMIX_INT:
		if (v->data.integer < 0)
			return -1;
		x = (uint64_t)v->data.integer;
		break;
	default:
		return -1;
	}
	if (x > UINT32_MAX)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

/* PMIx_Get with one boolean directive set: PMIX_OPTIONAL (look only in
 * what this process already holds) or PMIX_IMMEDIATE (the server answers
 * from what it holds). Either way a missing key comes back "not found" at
 * once, instead of being asked of the peer, for which we might wait
 * forever. */
static pmix_status_t get_now(const pmix_proc_t *p, const char *key,
			     const char *directive, pmix_value_t **v)
{
	pmix_info_t info;
	bool yes = true;
	PMIX_INFO_CONSTRUCT(&info);
	PMIX_INFO_LOAD(&info, directive, &yes, PMIX_BOOL);
	pmix_status_t st = PMIx_Get(p, key, &info, 1, v);
	PMIX_INFO_DESTRUCT(&info);
	return st;
}

static int job_size(const pmix_proc_t *me, int *size)
{
	pmix_proc_t job;
	pmix_value_t *v = NULL;
	uint32_t n;
	PMIX_PROC_LOAD(&job, me->nspace, PMIX_RANK_WILDCARD);
	pmix_status_t st = PMIx_Get(&job, PMIX_JOB_SIZE, NULL, 0, &v);
	if (st != PMIX_SUCCESS)
		return pmix_fail("PMIx_Get(PMIX_JOB_SIZE)", st);
	int bad = value_u32(v, &n) || n < 1 || n > (1u << 20);
	PMIX_VALUE_RELEASE(v);
	if (bad)
		return pb_boot_bad("PMIX_JOB_SIZE is not a size of 1..2^20",
				   "PMIx");
	*size = (int)n;
	return 0;
}

/* rank r's node as text, from key (PMIX_NODEID or PMIX_HOSTNAME); NULL
 * when the launcher does not say. */
static char *node_key_of(const char *nspace, int r, const char *key)
{
	pmix_proc_t p;
	pmix_value_t *v = NULL;
	char *out = NULL;
	uint32_t id;
	PMIX_PROC_LOAD(&p, nspace, (pmix_rank_t)r);
	/* job data: every rank got it from its server at PMIx_Init */
	if (get_now(&p, key, PMIX_OPTIONAL, &v) != PMIX_SUCCESS)
		return NULL;
	if (v->type == PMIX_STRING && v->data.string) {
		out = strdup(v->data.string);
	} else if (value_u32(v, &id) == 0) {
		char buf[16];
		snprintf(buf, sizeof(buf), "%u", (unsigned)id);
		out = strdup(buf);
	}
	PMIX_VALUE_RELEASE(v);
	return out;
}

static void free_keys(char **key, int size)
{
	for (int r = 0; r < size; r++)
		free(key[r]);
}

/* key[r] = rank r's node under one kind of key for every rank, so that
 * equal keys mean one node. The host name first: Open MPI 4.1 gives each
 * rank the PMIX_NODEID of the ranks on its own node only, but the host
 * name of all. 0 when every rank has one. */
static int node_keys(const char *nspace, int size, char **key)
{
	static const char *const kinds[] = {PMIX_HOSTNAME, PMIX_NODEID};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int r = 0;
		while (r < size && (key[r] = node_key_of(nspace, r, kinds[k])))
			r++;
		if (r == size)
			return 0;
		free_keys(key, r);
	}
	return -1;
}

struct keyed {
	const char *key;
	int rank;
};

static int by_key_then_rank(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

int pb_boot_number_nodes(char *const *key, int size, int *node_of)
{
	struct keyed *k = malloc((size_t)size * sizeof(*k));
	int *first = malloc((size_t)size * sizeof(*first));
	int nnodes = 0;
	if (!k || !first) {
		free(k);
		free(first);
		return PB_ENOMEM;
	}
	/* sorting groups the ranks of a node, lowest rank first: first[r]
	 * becomes the lowest rank on r's node, in n log n for big jobs */
	for (int r = 0; r < size; r++)
		k[r] = (struct keyed){key[r], r};
	qsort(k, (size_t)size, sizeof(*k), by_key_then_rank);
	for (int i = 0; i < size; i++) {
		int lead = (i > 0 && !strcmp(k[i].key, k[i - 1].key))
				   ? first[k[i - 1].rank]
				   : k[i].rank;
		first[k[i].rank] = lead;
	}
	/* number nodes as their lowest ranks come, in rank order: a rank's
	 * lowest peer is itself or was numbered before it */
	for (int r = 0; r < size; r++)
		node_of[r] = first[r] == r ? nnodes++ : node_of[first[r]];
	free(k);
	free(first);
	return nnodes;
}

/* Rank 0: node_of and nnodes from the launcher's placement. */
static int node_map(struct pb_boot *b, const char *nspace)
{
	char **key = calloc((size_t)b->size, sizeof(*key));
	int rc = 0;
	b->node_of = calloc((size_t)b->size, sizeof(int));
	if (!key || !b->node_of) {
		free(key);
		return PB_ENOMEM;
	}
	if (node_keys(nspace, b->size, key)) {
		free(key);
		return pb_boot_bad("the launcher gives neither PMIX_HOSTNAME nor "
				   "PMIX_NODEID for every rank", "PMIx");
	}
	int n = pb_boot_number_nodes(key, b->size, b->node_of);
	if (n < 0)
		rc = n;
	else
		b->nnodes = n;
	free_keys(key, b->size);
	free(key);
	return rc;
}

/* "n0,n1,...": the form pbrun's PB_NODE_MAP has, parsed by the same code. */
static char *format_map(const int *node_of, int size)
{
	size_t cap = (size_t)size * 12 + 1, len = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int r = 0; r < size; r++)
		len += (size_t)snprintf(s + len, cap - len, "%s%d",
					r ? "," : "", node_of[r]);
	return s;
}

static int put_string(const char *key, const char *val)
{
	pmix_value_t v;
	PMIX_VALUE_CONSTRUCT(&v);
	v.type = PMIX_STRING;
	v.data.string = (char *)val; /* Put copies it, and frees nothing */
	pmix_status_t st = PMIx_Put(PMIX_GLOBAL, key, &v);
	if (st != PMIX_SUCCESS)
		return pmix_fail("PMIx_Put", st);
	return 0;
}

/* Rank 0: draw the job id and number the nodes. */
static int plan_job(struct pb_boot *b, const char *nspace, char **map)
{
	int rc = pb_boot_make_job_id(b->job_id, sizeof(b->job_id));
	if (rc || (rc = node_map(b, nspace)))
		return rc;
	*map = format_map(b->node_of, b->size);
	return *map ? 0 : PB_ENOMEM;
}

/* Rank 0: publish the plan, or empty values when it failed, so that the
 * others fail too instead of waiting for a fence rank 0 never reaches. */
static int publish_plan(struct pb_boot *b, const char *nspace)
{
	char *map = NULL;
	int rc = plan_job(b, nspace, &map);
	int prc = put_string(PB_PMIX_JOBID_KEY, rc ? "" : b->job_id);
	if (!prc)
		prc = put_string(PB_PMIX_MAP_KEY, rc ? "" : map);
	free(map);
	if (!prc) {
		pmix_status_t st = PMIx_Commit();
		if (st != PMIX_SUCCESS)
			prc = pmix_fail("PMIx_Commit", st);
	}
	return rc ? rc : prc;
}

static int fence_all(const char *nspace)
{
	pmix_proc_t all;
	pmix_info_t info;
	bool yes = true;
	PMIX_PROC_LOAD(&all, nspace, PMIX_RANK_WILDCARD);
	PMIX_INFO_CONSTRUCT(&info);
	/* collected data is in every rank's local store after the fence:
	 * reading rank 0's plan is then a local lookup, not a request */
	PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &yes, PMIX_BOOL);
	pmix_status_t st = PMIx_Fence(&all, 1, &info, 1);
	PMIX_INFO_DESTRUCT(&info);
	return st == PMIX_SUCCESS ? 0 : pmix_fail("PMIx_Fence", st);
}

/* A string rank 0 published; *out is NULL-free and owned by the caller. */
static int get_string(const char *nspace, const char *key, char **out)
{
	pmix_proc_t zero;
	pmix_value_t *v = NULL;
	PMIX_PROC_LOAD(&zero, nspace, 0);
	/* after the fence it is here, or rank 0 failed to publish it */
	pmix_status_t st = get_now(&zero, key, PMIX_IMMEDIATE, &v);
	if (st != PMIX_SUCCESS)
		return pmix_fail("PMIx_Get of rank 0's plan", st);
	*out = v->type == PMIX_STRING && v->data.string
		       ? strdup(v->data.string)
		       : NULL;
	PMIX_VALUE_RELEASE(v);
	if (!*out)
		return pb_boot_bad("rank 0 published no string", key);
	return 0;
}

/* Every rank but 0: take rank 0's plan. */
static int fetch_plan(struct pb_boot *b, const char *nspace)
{
	char *id = NULL, *map = NULL;
	int rc = get_string(nspace, PB_PMIX_JOBID_KEY, &id);
	if (!rc)
		rc = get_string(nspace, PB_PMIX_MAP_KEY, &map);
	if (!rc && !*id)
		rc = pb_boot_bad("rank 0 could not set the job up (see its "
				 "message)", "PMIx");
	else if (!rc && pb_boot_check_job_id(id))
		rc = pb_boot_bad("rank 0 published a malformed job id", id);
	if (!rc) {
		strcpy(b->job_id, id);
		rc = pb_boot_parse_node_map(b, map, PB_PMIX_MAP_KEY);
	}
	free(id);
	free(map);
	return rc;
}

/* ---- key-value store for the medium (boot.h: put / fence / get) -------- */

static void pb_key(char *out, size_t n, const char *key)
{
	snprintf(out, n, "pb.kv.%s", key);
}

static int kv_put(struct pb_boot *b, const char *key, const void *val,
		  size_t len)
{
	char k[PMIX_MAX_KEYLEN + 1];
	pmix_value_t v;
	(void)b;
	pb_key(k, sizeof(k), key);
	PMIX_VALUE_CONSTRUCT(&v);
	v.type = PMIX_BYTE_OBJECT;
	v.data.bo.bytes = (char *)val; /* Put copies it */
	v.data.bo.size = len;
	pmix_status_t st = PMIx_Put(PMIX_GLOBAL, k, &v);
	if (st == PMIX_SUCCESS)
		st = PMIx_Commit();
	return st == PMIX_SUCCESS ? 0 : pmix_fail("PMIx_Put", st);
}

static int kv_fence(struct pb_boot *b)
{
	return fence_all(b->nspace);
}

static int kv_get(struct pb_boot *b, int rank, const char *key, void *val,
		  size_t *len)
{
	char k[PMIX_MAX_KEYLEN + 1];
	pmix_proc_t p;
	pmix_value_t *v = NULL;
	pb_key(k, sizeof(k), key);
	PMIX_PROC_LOAD(&p, b->nspace, (pmix_rank_t)rank);
	/* after the fence every rank's value is in our local store */
	pmix_status_t st = get_now(&p, k, PMIX_IMMEDIATE, &v);
	if (st != PMIX_SUCCESS)
		return pmix_fail("PMIx_Get of a peer's address", st);
	int rc = 0;
	if (v->type != PMIX_BYTE_OBJECT)
		rc = pb_boot_bad("a peer published something else", key);
	else if (v->data.bo.size > *len)
		rc = PB_ERANGE;
	else {
		memcpy(val, v->data.bo.bytes, v->data.bo.size);
		*len = v->data.bo.size;
	}
	PMIX_VALUE_RELEASE(v);
	return rc;
}

int pb_boot_pmix(struct pb_boot *b)
{
	pmix_proc_t me;
	int rc;
	b->name = "pmix";
	b->launcher = 0; /* no pbrun to watch; the launcher reaps us */
	pmix_status_t st = PMIx_Init(&me, NULL, 0);
	if (st != PMIX_SUCCESS) {
		fprintf(stderr, "postbox: PMIx bootstrap: PMIx_Init failed: "
				"%s. PMIX_RANK or PMIX_NAMESPACE is set, but "
				"no PMIx server answered: start the program "
				"with mpirun, srun --mpi=pmix or pbrun, or "
				"unset them to run a singleton\n",
			PMIx_Error_string(st));
		return PB_EBOOT;
	}
	b->finish = pmix_finish;
	b->put = kv_put;
	b->get = kv_get;
	b->fence = kv_fence;
	b->one_host = 0; /* nodes are hosts: what they share is the network */
	snprintf(b->nspace, sizeof(b->nspace), "%s", me.nspace);
	if ((rc = job_size(&me, &b->size)))
		return rc;
	if (me.rank >= (pmix_rank_t)b->size)
		return pb_boot_bad("PMIx rank is not below PMIX_JOB_SIZE",
				   "PMIx");
	b->rank = (int)me.rank;
	if (b->rank == 0) {
		rc = publish_plan(b, me.nspace);
		/* fence even after a failure: the others learn it from the
		 * empty plan instead of waiting for us forever */
		int frc = fence_all(me.nspace);
		return rc ? rc : frc;
	}
	if ((rc = fence_all(me.nspace)))
		return rc;
	return fetch_plan(b, me.nspace);
}

#endif /* PB_HAVE_PMIX */
