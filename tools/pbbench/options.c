/*
 * options.c - the command line of pbbench.
 *
 * Every rank parses the same command line before pb_open, so a mistake is
 * reported once per rank and nothing starts; pbrun then ends the job with
 * the status (2).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "pbbench.h"

void pbb_usage(FILE *f)
{
	fprintf(f,
"usage: pbrun -n 2 [--nodes 1|2] pbbench MODE [options]\n"
"       pbbench floor [options]\n"
"\n"
"MODE\n"
"  latency   ping-pong between ranks 0 and 1: half round trip (us)\n"
"  bw        streaming bandwidth 0 -> 1, window of isends + ack (MB/s)\n"
"  bibw      streaming bandwidth both ways at once (MB/s, sum)\n"
"  rate      small-message rate 0 -> 1, window of isends + ack (msg/s)\n"
"  multi     pairs (i, i+n/2) stream at once: aggregate MB/s (even n)\n"
"  floor     this machine's floor: one cache line bounced between two\n"
"            pinned threads (ns), single-core memcpy bandwidth (MB/s)\n"
"\n"
"Options\n"
"  --sizes LIST     sizes: A:B (A, powers of two, B) and/or exact sizes,\n"
"                   comma separated, K/M/G suffixes (default 0:4M;\n"
"                   rate 0:8K)\n"
"  --iters N        timed iterations per repetition (default: latency\n"
"                   10000, bw/bibw/multi 100, rate 1000)\n"
"  --iters-large N  the same for sizes above 8 KiB (default: iters/10;\n"
"                   bw, bibw, multi: iters/5)\n"
"  --warmup N       untimed iterations first (default iters/10, >= 1)\n"
"  --warmup-large N the same for sizes above 8 KiB\n"
"  --reps R         repetitions of each size; the median is reported,\n"
"                   with min and max (default 5)\n"
"  --window W       messages in flight in streaming modes (default 64)\n"
"  --quick          few iterations, one repetition, window 8: a smoke\n"
"                   test of every size, not a measurement\n"
"  --check          fill every message with a pattern and verify it on\n"
"                   arrival (length, source, tag, every byte); adds the\n"
"                   protocol boundary sizes when --sizes is not given\n"
"  --bind, --no-bind  pin rank r to core (r %% cores) with\n"
"                   sched_setaffinity (default: on when ranks <= cores)\n"
"  --csv, --json    machine-readable output instead of the table\n"
"  --plot FILE      also draw FILE.png or FILE.svg with gnuplot\n"
"  --no-floor       do not measure the floor before a benchmark\n"
"  --progress, --no-progress  progress line on stderr (default: when\n"
"                   stderr is a terminal)\n"
"  -h, --help       this text;  -V, --version  the version\n"
"\n"
"Results state the PB_* parameters in effect, iterations, window,\n"
"repetitions, the node of each rank and the core it ran on.\n");
}

static int get_long(const char *opt, const char *s, long lo, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo) {
		fprintf(stderr, "pbbench: %s '%s': expected an integer >= %ld\n",
			opt, s, lo);
		return -1;
	}
	*out = v;
	return 0;
}

enum { O_ITERS_LARGE = 256, O_WARMUP, O_WARMUP_LARGE, O_REPS, O_WINDOW,
       O_QUICK, O_CHECK, O_BIND, O_NOBIND, O_CSV, O_JSON, O_PLOT,
       O_NOFLOOR, O_PROGRESS, O_NOPROGRESS, O_SIZES, O_ITERS };

static const struct option longopts[] = {
	{ "sizes", required_argument, NULL, O_SIZES },
	{ "iters", required_argument, NULL, O_ITERS },
	{ "iters-large", required_argument, NULL, O_ITERS_LARGE },
	{ "warmup", required_argument, NULL, O_WARMUP },
	{ "warmup-large", required_argument, NULL, O_WARMUP_LARGE },
	{ "reps", required_argument, NULL, O_REPS },
	{ "window", required_argument, NULL, O_WINDOW },
	{ "quick", no_argument, NULL, O_QUICK },
	{ "check", no_argument, NULL, O_CHECK },
	{ "bind", no_argument, NULL, O_BIND },
	{ "no-bind", no_argument, NULL, O_NOBIND },
	{ "csv", no_argument, NULL, O_CSV },
	{ "json", no_argument, NULL, O_JSON },
	{ "plot", required_argument, NULL, O_PLOT },
	{ "no-floor", no_argument, NULL, O_NOFLOOR },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "no-progress", no_argument, NULL, O_NOPROGRESS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Fill in what the command line left unsaid, from the mode and --quick.
 * Large sizes keep the mode's ratio of small to large iterations (OSU:
 * 10 for latency, 5 for bandwidth), also under --iters and --quick. */
static void defaults(struct pbb_opts *o, const struct pbb_modeinfo *mi)
{
	long ratio = mi->iters_large > 0 ? mi->iters / mi->iters_large : 10;
	if (o->iters < 0)
		o->iters = o->quick ? 20 : mi->iters;
	if (o->iters_large < 0)
		o->iters_large = o->iters / ratio > 0 ? o->iters / ratio : 1;
	if (o->warmup < 0)
		o->warmup = o->iters / 10 > 0 ? o->iters / 10 : 1;
	if (o->warmup_large < 0)
		o->warmup_large = o->iters_large / 10 > 0 ? o->iters_large / 10
							  : 1;
	if (o->reps < 0)
		o->reps = o->quick ? 1 : 5;
	if (o->window < 0)
		o->window = o->quick ? 8 : 64;
}

/* Returns 0 to run, 1 when done (help, version), -1 on a bad command line. */
int pbb_parse_options(int argc, char **argv, struct pbb_opts *o)
{
	const char *sizes = NULL;
	long v;
	int c;

	memset(o, 0, sizeof *o);
	o->iters = o->iters_large = o->warmup = o->warmup_large = -1;
	o->reps = o->window = -1;
	o->bind = -1;
	o->progress = -1;
	o->floor = 1;
	o->format = PBB_TABLE;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case O_SIZES: sizes = optarg; break;
		case O_ITERS:
			if (get_long("--iters", optarg, 1, &o->iters))
				return -1;
			break;
		case O_ITERS_LARGE:
			if (get_long("--iters-large", optarg, 1, &o->iters_large))
				return -1;
			break;
		case O_WARMUP:
			if (get_long("--warmup", optarg, 0, &o->warmup))
				return -1;
			break;
		case O_WARMUP_LARGE:
			if (get_long("--warmup-large", optarg, 0,
				     &o->warmup_large))
				return -1;
			break;
		case O_REPS:
			if (get_long("--reps", optarg, 1, &v))
				return -1;
			o->reps = (int)(v > 1000 ? 1000 : v);
			break;
		case O_WINDOW:
			if (get_long("--window", optarg, 1, &v))
				return -1;
			if (v > 4096) {
				fprintf(stderr, "pbbench: --window %ld: at most "
						"4096\n", v);
				return -1;
			}
			o->window = (int)v;
			break;
		case O_QUICK: o->quick = 1; break;
		case O_CHECK: o->check = 1; break;
		case O_BIND: o->bind = 1; break;
		case O_NOBIND: o->bind = 0; break;
		case O_CSV: o->format = PBB_CSV; break;
		case O_JSON: o->format = PBB_JSON; break;
		case O_PLOT: o->plot = optarg; break;
		case O_NOFLOOR: o->floor = 0; break;
		case O_PROGRESS: o->progress = 1; break;
		case O_NOPROGRESS: o->progress = 0; break;
		case 'h': pbb_usage(stdout); return 1;
		case 'V': printf("pbbench (Postbox) %s\n", pb_version()); return 1;
		default:
			fprintf(stderr, "Try 'pbbench --help'\n");
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, optind >= argc ? "pbbench: which benchmark? "
						 "latency, bw, bibw, rate, "
						 "multi or floor\n"
					       : "pbbench: one MODE only\n");
		fprintf(stderr, "Try 'pbbench --help'\n");
		return -1;
	}
	const struct pbb_modeinfo *mi = pbb_mode_byname(argv[optind]);
	if (!mi) {
		fprintf(stderr, "pbbench: unknown mode '%s': expected latency, "
				"bw, bibw, rate, multi or floor\n", argv[optind]);
		return -1;
	}
	o->mode = mi->mode;
	if (o->plot) {
		const char *dot = strrchr(o->plot, '.');
		if (!dot || (strcmp(dot, ".png") && strcmp(dot, ".svg"))) {
			fprintf(stderr, "pbbench: --plot %s: the file name must "
					"end in .png or .svg\n", o->plot);
			return -1;
		}
	}
	o->sizes_given = sizes != NULL;
	if (pbb_parse_sizes(sizes ? sizes : mi->sizes, &o->sizes,
			    &o->nsizes)) {
		fprintf(stderr, "pbbench: --sizes '%s': expected sizes or "
				"ranges A:B (A <= B <= 1G) separated by commas, "
				"e.g. 0:4M or 1,48,49,4K\n", sizes);
		return -1;
	}
	if (o->check && !o->sizes_given)
		pbb_add_boundary_sizes(o);
	defaults(o, mi);
	return 0;
}
