/*
 * envparams.c - the PB_* parameters in effect, as the library reads them
 * at pb_open (docs/parameters.md), so that every result says what it was
 * measured with. Values are reported as found; the library itself rejects
 * bad ones. A parameter left unset is reported as "default", not as a
 * number: the public API does not tell the library's defaults, and a copy
 * of them here would silently go stale when they are retuned.
 */
#include <stdlib.h>
#include <string.h>

#include "pbbench.h"

extern char **environ;

/* The library's tunables (docs/parameters.md). */
static const char *const known[] = {
	"PB_POSTBOXES", "PB_INLINE", "PB_BLOCK_SIZE", "PB_POOL_SIZE",
	"PB_CYCLE_SIZE", "PB_WAIT", "PB_SPIN", "PB_PEER_TIMEOUT",
};
#define NKNOWN (int)(sizeof known / sizeof known[0])

/* Set by the launcher for every job (docs/launch.md): not tunables. */
static int is_launch_var(const char *name, size_t len)
{
	static const char *const launch[] = { "PB_JOB_ID", "PB_RANK",
		"PB_SIZE", "PB_NODE_MAP", "PB_SHM_DIR", "PB_LAUNCHER_PID",
		"PB_BIND_CPU" };
	for (size_t i = 0; i < sizeof launch / sizeof launch[0]; i++)
		if (strlen(launch[i]) == len && !strncmp(launch[i], name, len))
			return 1;
	return 0;
}

int pbb_params(struct pbb_param *p, int max)
{
	int n = 0;
	for (int i = 0; i < NKNOWN && n < max; i++, n++) {
		const char *v = getenv(known[i]);
		p[n].name = known[i];
		p[n].set = v && *v;
		p[n].value = p[n].set ? v : "default";
	}
	/* Any other PB_* variable may be a parameter newer than this list:
	 * show it rather than hide what a run was made with. */
	for (char **e = environ; *e && n < max; e++) {
		const char *eq = strchr(*e, '=');
		if (strncmp(*e, "PB_", 3) || !eq)
			continue;
		size_t len = (size_t)(eq - *e);
		int dup = is_launch_var(*e, len);
		for (int i = 0; i < NKNOWN && !dup; i++)
			dup = strlen(known[i]) == len &&
			      !strncmp(known[i], *e, len);
		if (dup)
			continue;
		char *name = strndup(*e, len); /* lives as long as the run */
		if (!name)
			break;
		p[n].name = name;
		p[n].value = eq + 1;
		p[n].set = 1;
		n++;
	}
	return n;
}

uint64_t pbb_param_size(const char *name, uint64_t def)
{
	uint64_t v;
	const char *s = getenv(name);
	return s && *s && !pbb_parse_size(s, &v) ? v : def;
}

/* With --check, also exercise the sizes where the protocol changes its
 * way of carrying a message: the last inline size and the first pooled
 * one, one block and a bit, one cycle and a bit (the first size sent in
 * pieces). Unset parameters: the inline limits of slots of one and two
 * cache lines (48, 112) and the documented block and cycle sizes, so the
 * boundaries stay covered whichever the library picks. */
void pbb_add_boundary_sizes(struct pbb_opts *o)
{
	size_t top = o->sizes[o->nsizes - 1];
	uint64_t b[16];
	int n = 0;
	if (getenv("PB_INLINE") && *getenv("PB_INLINE")) {
		/* the slot is 16 header bytes + inline, in whole 64-byte
		 * lines, and the inline limit grows to fill it */
		uint64_t in = pbb_param_size("PB_INLINE", 48);
		b[n++] = ((16 + in + 63) / 64) * 64 - 16;
	} else {
		b[n++] = 48;
		b[n++] = 112;
	}
	for (int i = 0, m = n; i < m; i++)
		b[n++] = b[i] + 1;
	uint64_t blk = pbb_param_size("PB_BLOCK_SIZE", 4096);
	uint64_t cyc = pbb_param_size("PB_CYCLE_SIZE", 256 * 1024);
	b[n++] = blk - 1;
	b[n++] = blk + 1;
	b[n++] = cyc / 2 + 1;   /* half a cycle: the piece size, plus one */
	b[n++] = cyc - 1;
	b[n++] = cyc + 1;
	b[n++] = 3 * cyc + 7;   /* several pieces, the last one short */
	for (int i = 0; i < n; i++)
		if (b[i] <= top)
			pbb_add_size(&o->sizes, &o->nsizes, (size_t)b[i]);
}
