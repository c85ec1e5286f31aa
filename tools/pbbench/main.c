/*
 * main.c - pbbench: micro-benchmarks of Postbox in the style of the OSU
 * micro-benchmarks, run under pbrun:
 *
 *   pbrun -n 2 [--nodes 2] pbbench latency|bw|bibw|rate|multi [options]
 *   pbbench floor
 *
 * The order of a run, the same on every rank:
 *   1. parse the command line (a mistake stops every rank before pb_open);
 *   2. pb_open, then pin to a core (--bind);
 *   3. every rank tells rank 0 where it runs; the others then idle;
 *   4. rank 0 measures the floor while nobody else uses a core;
 *   5. rank 0 says go; for each size: warmup, then repetitions, each a
 *      timed kernel; rank 0 reports the median with min and max;
 *   6. rank 0 reports, plots, and releases the others; all pb_close.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pbbench.h"

static int me = -1;

static void die(const char *what, int rc)
{
	fprintf(stderr, "pbbench: rank %d: %s: %s\n", me, what,
		pb_strerror(rc));
	exit(1);
}

/* Buffers for the largest size: one of each in timed runs (as OSU),
 * one per window slot with --check, 64-byte aligned like a cache line. */
static void alloc_buffers(struct pbb_run *r, size_t top)
{
	int slots = r->o->check ? r->o->window : 1;
	size_t stride = (top + 63) & ~(size_t)63;
	size_t total = stride * (size_t)slots + 64;
	r->stride = r->o->check ? stride : 0;
	if (posix_memalign((void **)&r->sbuf, 4096, total) ||
	    posix_memalign((void **)&r->rbuf, 4096, total)) {
		fprintf(stderr, "pbbench: rank %d: cannot allocate 2 x %zu "
			"bytes of buffers\n", me, total);
		exit(1);
	}
	/* touch every page now, not in the first timed iteration */
	memset(r->sbuf, 0x5a, total);
	memset(r->rbuf, 0x3c, total);
	r->reqs = calloc(2 * (size_t)r->o->window, sizeof *r->reqs);
	r->sts = calloc(2 * (size_t)r->o->window, sizeof *r->sts);
	if (!r->reqs || !r->sts) {
		fprintf(stderr, "pbbench: rank %d: out of memory\n", me);
		exit(1);
	}
}

/* Who works with whom: multi pairs i with i + n/2; the other modes use
 * ranks 0 and 1 and leave the rest idle. */
static void assign_pair(struct pbb_run *r, const struct pbb_modeinfo *mi)
{
	r->peer = -1;
	r->driver = 0;
	r->pairs = 1;
	if (mi->all_ranks) {
		int half = r->n / 2;
		r->pairs = half;
		r->driver = r->me < half;
		r->peer = r->driver ? r->me + half : r->me - half;
	} else if (r->me < 2) {
		r->driver = r->me == 0;
		r->peer = 1 - r->me;
	}
}

/* Step 3: rank 0 learns where every rank runs. */
static void gather_where(struct pbb_run *r, struct pbb_where *all)
{
	struct pbb_where w = all[r->me];
	if (r->me != 0) {
		int rc = pb_send(r->job, 0, PBB_TAG_CTRL, &w, sizeof w);
		if (rc)
			die("pb_send (where)", rc);
		return;
	}
	for (int src = 1; src < r->n; src++) {
		int rc = pb_recv(r->job, src, PBB_TAG_CTRL, &all[src],
				 sizeof all[src], NULL);
		if (rc)
			die("pb_recv (where)", rc);
		all[src].rank = src;
		all[src].node = pb_node(r->job, src);
	}
}

static void release(struct pbb_run *r)
{
	int go = 1;
	for (int dst = 1; dst < r->n; dst++) {
		int rc = pb_send(r->job, dst, PBB_TAG_CTRL, &go, sizeof go);
		if (rc)
			die("pb_send (go)", rc);
	}
}

static void wait_release(struct pbb_run *r)
{
	int go;
	int rc = pbb_idle_recv(r->job, 0, &go, sizeof go);
	if (rc)
		die("waiting for rank 0", rc);
}

/* Step 5 for one size: warmup, then the repetitions. */
static void run_size(struct pbb_run *r, const struct pbb_meta *m, int idx,
		     uint64_t *epoch, struct pbb_row *row)
{
	const struct pbb_opts *o = r->o;
	size_t size = o->sizes[idx];
	int large = size > PBB_LARGE;
	long iters = large ? o->iters_large : o->iters;
	long warm = large ? o->warmup_large : o->warmup;
	double v[o->reps > 0 ? o->reps : 1], dummy;
	int rc;

	if (r->me == 0)
		pbb_progress(m->mi->name, size, idx, o->nsizes, -1, o->reps);
	if (warm > 0 && (rc = m->mi->kernel(r, size, warm, (*epoch)++,
					    &dummy)))
		exit(1); /* the kernel said what went wrong */
	for (int k = 0; k < o->reps; k++) {
		if (r->me == 0)
			pbb_progress(m->mi->name, size, idx, o->nsizes, k,
				     o->reps);
		if ((rc = m->mi->kernel(r, size, iters, (*epoch)++, &v[k])))
			exit(1);
	}
	row->size = size;
	row->iters = iters;
	row->window = m->mi->streaming ? o->window : 1;
	row->reps = o->reps;
	row->med = pbb_median(v, o->reps);
	row->min = pbb_minv(v, o->reps);
	row->max = pbb_maxv(v, o->reps);
	row->ref = pbb_floor_ref(m->floor, m->mi->ref, size);
}

/* pbbench floor: rows are the memcpy figures. */
static int floor_rows(const struct pbb_floor *f, struct pbb_row *rows)
{
	for (int i = 0; i < f->nsizes; i++) {
		rows[i] = (struct pbb_row){ f->sizes[i], 0, 1, 0,
					    f->memcpy_mbs[i], f->memcpy_min[i],
					    f->memcpy_max[i], NAN };
	}
	return f->nsizes;
}

/* Step 4 on rank 0: the floor between the cores of ranks 0 and 1 (or two
 * distinct CPUs when they share one or are unbound). */
static void measure_floor(struct pbb_meta *m, struct pbb_floor *fl)
{
	const struct pbb_where *w = m->where;
	int a = w[0].core >= 0 ? w[0].core : w[0].cpu;
	int b = m->ranks > 1 && w[1].core >= 0 ? w[1].core : -1;
	if (b < 0 || b == a)
		b = pbb_other_cpu(a);
	if (pbb_measure_floor(fl, a, b, m->o->sizes, m->o->nsizes,
			      m->o->quick))
		fprintf(stderr, "pbbench: could not measure the floor; results "
				"are shown without it\n");
	m->floor = fl;
}

/* Step 5: every size in turn; rank 0 reports each row when it is done.
 * Returns the number of rows. */
static int sweep(struct pbb_run *r, const struct pbb_meta *m,
		 struct pbb_row *rows)
{
	uint64_t epoch = 1; /* the same sequence on both sides of a pair */
	alloc_buffers(r, r->o->sizes[r->o->nsizes - 1]);
	for (int i = 0; i < r->o->nsizes; i++) {
		run_size(r, m, i, &epoch, &rows[i]);
		if (r->me == 0)
			pbb_report_row(m, &rows[i]);
	}
	return r->o->nsizes;
}

/* Step 2 and the checks that need the job; exits on a misfit job. */
static void open_job(struct pbb_run *r, const struct pbb_modeinfo *mi)
{
	int rc = pb_open(&r->job);
	if (rc)
		die("pb_open", rc);
	r->me = me = pb_rank(r->job);
	r->n = pb_size(r->job);
	const char *why = NULL;
	if (mi->mode != PBB_FLOOR && r->n < 2)
		why = "needs 2 ranks or more: run it under 'pbrun -n 2'";
	else if (mi->all_ranks && r->n % 2)
		why = "pairs rank i with i+n/2: it needs an even number of "
		      "ranks";
	if (why) {
		fprintf(stderr, "pbbench: %s %s\n", mi->name, why);
		pb_close(r->job);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct pbb_opts o;
	int rc = pbb_parse_options(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (o.plot && !pbb_have_gnuplot()) {
		fprintf(stderr, "pbbench: --plot %s needs gnuplot, which is not "
			"installed (not found in PATH). Install it, e.g. on "
			"Debian: apt-get install gnuplot-nox\n", o.plot);
		return 2;
	}
	const struct pbb_modeinfo *mi = pbb_modeinfo(o.mode);
	struct pbb_run r = { .o = &o };
	open_job(&r, mi);

	struct pbb_where *where = calloc((size_t)r.n, sizeof *where);
	struct pbb_row *rows = calloc((size_t)o.nsizes + 1, sizeof *rows);
	if (!where || !rows)
		die("calloc", PB_ENOMEM);
	where[me].rank = me;
	where[me].node = pb_node(r.job, me);
	int bound = pbb_pin(me, r.n, o.bind, &where[me]);
	if (bound < 0) {
		fprintf(stderr, "pbbench: rank %d: sched_setaffinity failed; "
			"running unbound\n", me);
		bound = 0;
	}
	assign_pair(&r, mi);
	gather_where(&r, where);

	struct pbb_meta m = { .mi = mi, .o = &o, .ranks = r.n,
			      .nodes = pb_nodes(r.job), .where = where,
			      .bound = bound,
			      .ncores = (int)sysconf(_SC_NPROCESSORS_ONLN) };
	struct pbb_floor fl = { 0 };
	int nrows = 0;
	if (me == 0) {
		m.nparams = pbb_params(m.params, PBB_MAX_PARAMS);
		pbb_progress_init(o.progress);
		if (o.floor || mi->mode == PBB_FLOOR)
			measure_floor(&m, &fl);
		pbb_report_begin(&m);
		release(&r);
	} else {
		wait_release(&r);
	}

	if (mi->mode == PBB_FLOOR) {
		if (me == 0) {
			nrows = floor_rows(&fl, rows);
			for (int i = 0; i < nrows; i++)
				pbb_report_row(&m, &rows[i]);
		}
	} else if (r.peer >= 0) {
		nrows = sweep(&r, &m, rows);
	}

	/* The others wait, asleep, until rank 0 has reported and plotted. */
	if (me == 0) {
		pbb_report_end(&m, rows, nrows);
		if (o.plot && pbb_plot(o.plot, &m, rows, nrows))
			rc = 3;
		release(&r);
	} else {
		wait_release(&r);
	}
	int crc = pb_close(r.job);
	if (crc)
		die("pb_close", crc);
	return rc;
}
