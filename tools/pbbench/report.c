/*
 * report.c - the three output formats: a table for people, CSV and JSON
 * for machines. All three state how the figures were obtained: mode,
 * iterations, window, repetitions, PB_* parameters in effect, the node and
 * core of every rank, and the floor they are compared with.
 *
 * The table and CSV print each row as soon as its size is done (a long
 * sweep shows progress); JSON is one document, written at the end.
 */
#include <math.h>
#include <string.h>

#include "pbbench.h"

/* "same-node", "cross-node" or "mixed": where the working pairs are. */
static const char *placement(const struct pbb_meta *m)
{
	int same = 0, cross = 0;
	if (m->mi->mode == PBB_FLOOR || m->ranks < 2)
		return "one-process";
	int pairs = m->mi->all_ranks ? m->ranks / 2 : 1;
	int half = m->mi->all_ranks ? m->ranks / 2 : 1;
	for (int i = 0; i < pairs; i++) {
		if (m->where[i].node == m->where[i + half].node)
			same++;
		else
			cross++;
	}
	return cross == 0 ? "same-node" : same == 0 ? "cross-node" : "mixed";
}

/* Decimals that suit the unit: us to the ns, MB/s to 0.1, msg/s whole. */
static const char *num_fmt(const char *unit)
{
	if (!strcmp(unit, "us"))
		return "%.3f";
	if (!strcmp(unit, "msg/s"))
		return "%.0f";
	return "%.1f";
}

static void print_num(FILE *f, int width, const char *unit, double v)
{
	char b[48];
	if (isnan(v))
		snprintf(b, sizeof b, "-");
	else
		snprintf(b, sizeof b, num_fmt(unit), v);
	fprintf(f, "%*s", width, b);
}

static const char *ref_name(enum pbb_ref r)
{
	switch (r) {
	case PBB_REF_LINE: return "cache line half round trip";
	case PBB_REF_RATE: return "1 / cache line half round trip";
	case PBB_REF_MEMCPY: return "single-core memcpy at that size";
	case PBB_REF_NONE: break;
	}
	return "none";
}

/* The header every text format shares, as '# ' comment lines. */
static void header(FILE *f, const struct pbb_meta *m)
{
	const struct pbb_opts *o = m->o;
	const struct pbb_modeinfo *mi = m->mi;
	fprintf(f, "# pbbench %s  %s: %s\n", pb_version(), mi->name, mi->what);
	if (mi->mode != PBB_FLOOR && m->ranks >= 2) {
		if (mi->all_ranks)
			fprintf(f, "# %d pairs (i, i+%d) at once, %s; %d ranks "
				"on %d node%s\n", m->ranks / 2, m->ranks / 2,
				placement(m), m->ranks, m->nodes,
				m->nodes > 1 ? "s" : "");
		else
			fprintf(f, "# ranks 0 -> 1: node %d -> node %d, %s "
				"(%d ranks on %d node%s%s)\n",
				m->where[0].node, m->where[1].node,
				placement(m), m->ranks, m->nodes,
				m->nodes > 1 ? "s" : "",
				m->nodes > 1 ? ", emulated on this host" : "");
	}
	fprintf(f, "# where:");
	for (int r = 0; r < m->ranks && r < 16; r++) {
		if (m->where[r].core >= 0)
			fprintf(f, " rank %d core %d;", r, m->where[r].core);
		else
			fprintf(f, " rank %d unbound (on cpu %d);", r,
				m->where[r].cpu);
	}
	fprintf(f, "%s %d CPUs online, pinning %s\n",
		m->ranks > 16 ? " ...;" : "", m->ncores,
		m->bound == PBB_PINNED_BEFORE
			? "done by the launcher (one CPU allowed at start)"
		: m->bound ? "on (sched_setaffinity, rank % cores)" : "off");
	if (mi->mode != PBB_FLOOR) {
		fprintf(f, "# iterations %ld (above 8K: %ld), warmup %ld (%ld), "
			"%d repetition%s: median shown with min and max",
			o->iters, o->iters_large, o->warmup, o->warmup_large,
			o->reps, o->reps > 1 ? "s" : "");
		if (mi->streaming)
			fprintf(f, "; window %d", o->window);
		fprintf(f, "%s%s\n", o->check ? "; --check: data verified" : "",
			o->quick ? "; --quick: a smoke test, not a measurement"
				 : "");
		int nset = 0;
		fprintf(f, "# PB_* parameters:");
		for (int i = 0; i < m->nparams; i++)
			if (m->params[i].set)
				fprintf(f, "%s %s=%s", nset++ ? "," : "",
					m->params[i].name, m->params[i].value);
		fprintf(f, "%s at their defaults (docs/parameters.md)\n",
			nset ? "; the others" : " all");
	}
	const struct pbb_floor *fl = m->floor;
	if (fl && fl->measured) {
		if (isnan(fl->line_ns))
			fprintf(f, "# floor: cache line bounce not measured (one "
				"core only)");
		else
			fprintf(f, "# floor: cache line bounced between cores %d "
				"and %d: %.1f ns half round trip (min %.1f)",
				fl->core_a, fl->core_b, fl->line_ns,
				fl->line_min_ns);
		fprintf(f, "; memcpy on core %d\n", fl->core_a);
		if (mi->ref != PBB_REF_NONE)
			fprintf(f, "# x floor = median / %s\n",
				ref_name(mi->ref));
	} else if (mi->mode != PBB_FLOOR) {
		fprintf(f, "# floor: not measured (--no-floor)\n");
	}
}

static void table_begin(const struct pbb_meta *m)
{
	header(stdout, m);
	if (m->mi->mode == PBB_FLOOR)
		printf("#%9s %12s %12s %12s\n", "size", "memcpy MB/s", "min",
		       "max");
	else
		printf("#%9s %8s %12s %12s %12s %12s %8s   (%s)\n", "size",
		       "iters", "median", "min", "max", "floor", "x floor",
		       m->mi->unit);
	fflush(stdout);
}

static void table_row(const struct pbb_meta *m, const struct pbb_row *r)
{
	const char *u = m->mi->unit;
	printf("%10zu", r->size);
	if (m->mi->mode != PBB_FLOOR)
		printf(" %8ld", r->iters);
	print_num(stdout, 13, u, r->med);
	print_num(stdout, 13, u, r->min);
	print_num(stdout, 13, u, r->max);
	if (m->mi->mode != PBB_FLOOR) {
		print_num(stdout, 13, u, r->ref);
		double x = r->med / r->ref;
		if (isnan(r->ref) || r->ref == 0)
			printf(" %8s", "-");
		else /* 3 significant digits are plenty for a ratio */
			printf(" %8.*f", x >= 100 ? 0 : x >= 10 ? 1 : 2, x);
	}
	printf("\n");
	fflush(stdout);
}

static void csv_num(double v)
{
	if (isnan(v))
		printf(",");
	else
		printf(",%.6g", v);
}

static void csv_begin(const struct pbb_meta *m)
{
	header(stdout, m);
	printf("mode,placement,size,iters,window,reps,median,min,max,unit,"
	       "floor,ratio\n");
	const struct pbb_floor *fl = m->floor;
	if (m->mi->mode == PBB_FLOOR && fl && fl->measured) {
		printf("floor-line,%s,64,0,1,%d", placement(m),
		       m->o->quick ? 3 : 7);
		csv_num(fl->line_ns);
		csv_num(fl->line_min_ns);
		csv_num(NAN);
		printf(",ns,,\n");
	}
	fflush(stdout);
}

static void csv_row(const struct pbb_meta *m, const struct pbb_row *r)
{
	printf("%s,%s,%zu,%ld,%d,%d", m->mi->mode == PBB_FLOOR
					      ? "floor-memcpy" : m->mi->name,
	       placement(m), r->size, r->iters, r->window, r->reps);
	csv_num(r->med);
	csv_num(r->min);
	csv_num(r->max);
	printf(",%s", m->mi->unit);
	csv_num(r->ref);
	csv_num(isnan(r->ref) || r->ref == 0 ? NAN : r->med / r->ref);
	printf("\n");
	fflush(stdout);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_num(double v)
{
	if (isnan(v) || isinf(v))
		printf("null");
	else
		printf("%.6g", v);
}

static void json_doc(const struct pbb_meta *m, const struct pbb_row *rows,
		     int n)
{
	const struct pbb_opts *o = m->o;
	printf("{\n  \"tool\": \"pbbench\", \"version\": ");
	json_str(pb_version());
	printf(",\n  \"mode\": ");
	json_str(m->mi->name);
	printf(", \"what\": ");
	json_str(m->mi->what);
	printf(", \"unit\": ");
	json_str(m->mi->unit);
	printf(",\n  \"ranks\": %d, \"nodes\": %d, \"placement\": \"%s\",\n",
	       m->ranks, m->nodes, placement(m));
	printf("  \"bind\": %s, \"cores\": %d, \"where\": [",
	       m->bound ? "true" : "false", m->ncores);
	for (int r = 0; r < m->ranks; r++)
		printf("%s{\"rank\": %d, \"node\": %d, \"core\": %d, "
		       "\"cpu\": %d}", r ? ", " : "", r, m->where[r].node,
		       m->where[r].core, m->where[r].cpu);
	printf("],\n  \"iters\": %ld, \"iters_large\": %ld, \"large_above\": "
	       "%u, \"warmup\": %ld, \"warmup_large\": %ld, \"reps\": %d, "
	       "\"window\": %d, \"check\": %s, \"quick\": %s,\n",
	       o->iters, o->iters_large, PBB_LARGE, o->warmup, o->warmup_large,
	       o->reps, o->window, o->check ? "true" : "false",
	       o->quick ? "true" : "false");
	printf("  \"params\": {");
	for (int i = 0; i < m->nparams; i++) {
		printf("%s", i ? ", " : "");
		json_str(m->params[i].name);
		printf(": {\"value\": ");
		json_str(m->params[i].value);
		printf(", \"from_env\": %s}", m->params[i].set ? "true"
							       : "false");
	}
	printf("},\n  \"floor\": ");
	const struct pbb_floor *fl = m->floor;
	if (fl && fl->measured) {
		printf("{\"line_ns\": ");
		json_num(fl->line_ns);
		printf(", \"line_min_ns\": ");
		json_num(fl->line_min_ns);
		printf(", \"cores\": [%d, %d], \"memcpy_mbs\": [", fl->core_a,
		       fl->core_b);
		for (int i = 0; i < fl->nsizes; i++) {
			printf("%s{\"size\": %zu, \"median\": ", i ? ", " : "",
			       fl->sizes[i]);
			json_num(fl->memcpy_mbs[i]);
			printf("}");
		}
		printf("], \"compared_as\": ");
		json_str(ref_name(m->mi->ref));
		printf("}");
	} else {
		printf("null");
	}
	printf(",\n  \"results\": [");
	for (int i = 0; i < n; i++) {
		const struct pbb_row *r = &rows[i];
		printf("%s\n    {\"size\": %zu, \"iters\": %ld, \"window\": %d, "
		       "\"reps\": %d, \"median\": ", i ? "," : "", r->size,
		       r->iters, r->window, r->reps);
		json_num(r->med);
		printf(", \"min\": ");
		json_num(r->min);
		printf(", \"max\": ");
		json_num(r->max);
		printf(", \"floor\": ");
		json_num(r->ref);
		printf(", \"ratio\": ");
		json_num(isnan(r->ref) || r->ref == 0 ? NAN : r->med / r->ref);
		printf("}");
	}
	printf("\n  ]\n}\n");
	fflush(stdout);
}

void pbb_report_begin(const struct pbb_meta *m)
{
	if (m->o->format == PBB_TABLE)
		table_begin(m);
	else if (m->o->format == PBB_CSV)
		csv_begin(m);
}

void pbb_report_row(const struct pbb_meta *m, const struct pbb_row *row)
{
	pbb_progress_clear(); /* the row goes where the progress line was */
	if (m->o->format == PBB_TABLE)
		table_row(m, row);
	else if (m->o->format == PBB_CSV)
		csv_row(m, row);
}

void pbb_report_end(const struct pbb_meta *m, const struct pbb_row *rows,
		    int nrows)
{
	pbb_progress_clear();
	if (m->o->format == PBB_JSON)
		json_doc(m, rows, nrows);
}
