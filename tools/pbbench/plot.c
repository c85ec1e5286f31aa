/*
 * plot.c - --plot FILE.png|svg: the results, with their floor, drawn by
 * gnuplot (fed through a pipe, data inline). gnuplot is looked for before
 * the run starts, so that a missing one costs a message, not a
 * measurement.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pbbench.h"

int pbb_have_gnuplot(void)
{
	const char *path = getenv("PATH");
	char dir[4096];
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		struct stat st;
		snprintf(dir, sizeof dir, "%.*s/gnuplot", (int)len, path);
		if (!stat(dir, &st) && S_ISREG(st.st_mode) &&
		    !access(dir, X_OK))
			return 1;
		path += len + (path[len] == ':');
	}
	return 0;
}

/* A gnuplot single-quoted string: a quote is written twice. */
static void gp_quoted(FILE *g, const char *s)
{
	fputc('\'', g);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', g);
		fputc(*s, g);
	}
	fputc('\'', g);
}

static const char *ylabel(const struct pbb_modeinfo *mi)
{
	switch (mi->mode) {
	case PBB_LATENCY: return "half round trip (us)";
	case PBB_RATE: return "messages per second";
	case PBB_BIBW: return "bandwidth, both ways (MB/s)";
	case PBB_MULTI: return "aggregate bandwidth (MB/s)";
	default: return "bandwidth (MB/s)";
	}
}

static const char *reflabel(const struct pbb_modeinfo *mi)
{
	switch (mi->ref) {
	case PBB_REF_LINE: return "floor: cache line half round trip";
	case PBB_REF_RATE: return "floor: 1 / cache line half round trip";
	case PBB_REF_MEMCPY: return "floor: single-core memcpy";
	default: return "";
	}
}

int pbb_plot(const char *file, const struct pbb_meta *m,
	     const struct pbb_row *rows, int nrows)
{
	const struct pbb_modeinfo *mi = m->mi;
	int svg = !strcmp(strrchr(file, '.'), ".svg");
	int have_ref = 0, npts = 0;
	FILE *g = popen("gnuplot", "w");
	if (!g) {
		fprintf(stderr, "pbbench: cannot run gnuplot for --plot %s\n",
			file);
		return -1;
	}
	if (svg)
		fprintf(g, "set terminal svg size 900,560 dynamic enhanced "
			   "font 'sans,12' background rgb 'white'\n");
	else
		fprintf(g, "set terminal pngcairo size 900,560 enhanced "
			   "font 'sans,11' background rgb 'white'\n");
	fprintf(g, "set output ");
	gp_quoted(g, file);
	/* sizes on a log scale: 0 has no place there and is left out */
	fprintf(g, "\n$d << EOD\n");
	for (int i = 0; i < nrows; i++) {
		const struct pbb_row *r = &rows[i];
		if (r->size == 0 || isnan(r->med))
			continue;
		npts++;
		fprintf(g, "%zu %.9g %.9g %.9g ", r->size, r->med, r->min,
			r->max);
		if (isnan(r->ref))
			fprintf(g, "NaN\n");
		else {
			fprintf(g, "%.9g\n", r->ref);
			have_ref = 1;
		}
	}
	fprintf(g, "EOD\n");
	char title[256];
	snprintf(title, sizeof title, "pbbench %s: %s, %d ranks, %d node%s%s",
		 mi->name, mi->what, m->ranks, m->nodes,
		 m->nodes > 1 ? "s" : "", m->bound ? ", pinned" : "");
	fprintf(g, "set title ");
	gp_quoted(g, title);
	fprintf(g, " noenhanced\nset xlabel 'message size (bytes)'\n"
		   "set ylabel '%s'\nset logscale x 2\nset logscale y 10\n"
		   "set format x '%%.0b%%B'\nset format y '%%.0s%%c'\n"
		   "set grid\n"
		   "set key left top box opaque\n", ylabel(mi));
	if (npts == 0) {
		/* nothing to draw on log axes: say so in the picture */
		fprintf(g, "unset logscale\nset label 'no sizes above 0' at "
			   "graph 0.5,0.5 center\nplot [0:1] [0:1] NaN "
			   "notitle\n");
	} else {
		fprintf(g, "plot $d using 1:2:3:4 with yerrorlines lw 2 pt 7 "
			   "ps 0.6 title 'Postbox (median, min-max)'");
		if (have_ref) {
			fprintf(g, ", $d using 1:5 with lines dt 2 lw 2 "
				   "title ");
			gp_quoted(g, reflabel(mi));
		}
		fprintf(g, "\n");
	}
	fprintf(g, "unset output\n");
	int st = pclose(g);
	if (st != 0) {
		fprintf(stderr, "pbbench: gnuplot failed to draw %s (status "
			"%d)\n", file, st);
		return -1;
	}
	return 0;
}
