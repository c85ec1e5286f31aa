/*
 * pbbench.h - what the parts of pbbench share: options, the benchmark run
 * state handed to each kernel, result rows and the helpers around them.
 *
 * pbbench uses only the public API (postbox.h): it measures the library as
 * an application sees it.
 */
#ifndef PBBENCH_H
#define PBBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "postbox.h"

/* Sizes above this run the "large" iteration counts, as in the OSU
 * micro-benchmarks, so that a sweep up to megabytes ends in reasonable time. */
#define PBB_LARGE 8192u
/* Largest message we accept on the command line. */
#define PBB_MAX_SIZE (1ull << 30)

/* Tags: data and acks apart from control messages, so that no control
 * message can ever match a data receive. */
enum { PBB_TAG_DATA = 1, PBB_TAG_ACK = 2, PBB_TAG_CTRL = 3 };

/* A received message was wrong (length, source, tag or bytes). */
#define PBB_ECHECK (-1000)

enum pbb_mode { PBB_LATENCY, PBB_BW, PBB_BIBW, PBB_RATE, PBB_MULTI,
		PBB_FLOOR };
enum pbb_format { PBB_TABLE, PBB_CSV, PBB_JSON };

struct pbb_opts {
	enum pbb_mode mode;
	size_t *sizes;           /* ascending, no duplicates */
	int nsizes;
	int sizes_given;         /* --sizes was on the command line */
	long iters, iters_large; /* timed iterations per repetition */
	long warmup, warmup_large;
	int window;              /* messages in flight (streaming modes) */
	int reps;                /* repetitions; the median is reported */
	int quick, check;
	int bind;                /* 1 on, 0 off, -1 auto: on if ranks <= cores */
	enum pbb_format format;
	int progress;            /* 1 on, 0 off, -1 auto: stderr is a tty */
	int floor;               /* measure the machine's floor first */
	const char *plot;        /* FILE.png or FILE.svg, or NULL */
};

/* What each mode is: its name, what it measures, its unit and defaults. */
struct pbb_run;
typedef int (*pbb_kernel)(struct pbb_run *r, size_t size, long iters,
			  uint64_t epoch, double *metric);
enum pbb_ref { PBB_REF_NONE, PBB_REF_LINE, PBB_REF_MEMCPY, PBB_REF_RATE };
struct pbb_modeinfo {
	enum pbb_mode mode;
	const char *name;
	const char *what;        /* one line for the header */
	const char *unit;        /* of the metric */
	int higher_better;       /* bandwidth and rate: 1; latency: 0 */
	int streaming;           /* uses --window */
	int all_ranks;           /* every rank works (multi), else 0 and 1 */
	const char *sizes;       /* default --sizes */
	long iters, iters_large; /* default iteration counts */
	enum pbb_ref ref;        /* which floor its results are compared to */
	pbb_kernel kernel;
};
const struct pbb_modeinfo *pbb_modeinfo(enum pbb_mode m);
const struct pbb_modeinfo *pbb_mode_byname(const char *name);

/* State of one rank during a benchmark. */
struct pbb_run {
	pb_job *job;
	const struct pbb_opts *o;
	int me, n;
	int peer;                /* partner rank, or -1 when idle */
	int driver;              /* 1 on the side that sends first and times */
	int pairs;               /* pairs working at once */
	size_t stride;           /* distance between window buffers */
	unsigned char *sbuf, *rbuf; /* window buffers in --check, else one */
	pb_req **reqs;           /* 2 * window */
	pb_status *sts;
};

/* One result line: one message size. */
struct pbb_row {
	size_t size;
	long iters;
	int window, reps;
	double med, min, max;    /* in the mode's unit */
	double ref;              /* the floor in the same unit; NAN if none */
};

/* The physical floor of this machine, measured by pbbench itself. */
struct pbb_floor {
	int measured;
	int core_a, core_b;      /* where the two threads ran */
	double line_ns;          /* cache line half round trip; NAN if n/a */
	double line_min_ns;
	int nsizes;
	size_t *sizes;
	double *memcpy_mbs;      /* single core memcpy, MB/s, per size */
	double *memcpy_min, *memcpy_max;
};

/* Where one rank ran. */
struct pbb_where {
	int rank, node;
	int core;                /* pinned core, or -1 when not bound */
	int cpu;                 /* sched_getcpu() after pinning */
};

/* A PB_* parameter and the value in effect. */
struct pbb_param {
	const char *name;
	const char *value;       /* from the environment, or "default" */
	int set;                 /* 1 when taken from the environment */
};
#define PBB_MAX_PARAMS 24

/* Everything the report states besides the rows. */
struct pbb_meta {
	const struct pbb_modeinfo *mi;
	const struct pbb_opts *o;
	int ranks, nodes;
	struct pbb_where *where; /* one per rank */
	int bound;               /* 0, PBB_PINNED_HERE or PBB_PINNED_BEFORE */
	int ncores;
	int nparams;
	struct pbb_param params[PBB_MAX_PARAMS];
	const struct pbb_floor *floor;
};

/* options.c */
int pbb_parse_options(int argc, char **argv, struct pbb_opts *o);
void pbb_usage(FILE *f);
/* sizes.c */
int pbb_parse_size(const char *s, uint64_t *out);
int pbb_parse_sizes(const char *spec, size_t **sizes, int *n);
int pbb_add_size(size_t **sizes, int *n, size_t s);
void pbb_format_size(size_t s, char *buf, size_t len);
/* envparams.c */
int pbb_params(struct pbb_param *p, int max);
uint64_t pbb_param_size(const char *name, uint64_t def);
void pbb_add_boundary_sizes(struct pbb_opts *o);
/* pin.c */
int pbb_ncores(void);
int pbb_core_nth(int i);
enum { PBB_PINNED_HERE = 1, PBB_PINNED_BEFORE = 2 };
int pbb_pin(int rank, int nranks, int want, struct pbb_where *w);
int pbb_other_cpu(int not);
int pbb_pin_thread_to(int core);
/* clock.c */
double pbb_now(void);
double pbb_median(double *v, int n);
double pbb_minv(const double *v, int n);
double pbb_maxv(const double *v, int n);
/* pattern.c */
uint64_t pbb_seed(uint64_t epoch, uint64_t iter, uint64_t k, int dir);
void pbb_fill(unsigned char *buf, size_t n, uint64_t seed);
void pbb_poison(unsigned char *buf, size_t n);
int pbb_expect(const struct pbb_run *r, const pb_status *st,
	       const unsigned char *buf, size_t size, uint64_t seed,
	       const char *what);
/* coord.c: control messages between ranks, out of the timed loops */
int pbb_idle_recv(pb_job *job, int src, void *buf, size_t len);
/* kernels: latency.c, bandwidth.c, rate.c, multi.c */
int pbb_latency(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
		double *metric);
int pbb_stream(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	       double *secs);
int pbb_bw(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	   double *metric);
int pbb_bibw(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	     double *metric);
int pbb_rate(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	     double *metric);
int pbb_multi(struct pbb_run *r, size_t size, long iters, uint64_t epoch,
	      double *metric);
/* floor.c */
int pbb_measure_floor(struct pbb_floor *f, int core_a, int core_b,
		      const size_t *sizes, int nsizes, int quick);
double pbb_floor_ref(const struct pbb_floor *f, enum pbb_ref ref,
		     size_t size);
/* progress.c */
void pbb_progress_init(int enabled);
void pbb_progress(const char *mode, size_t size, int idx, int n, int rep,
		  int reps);
void pbb_progress_clear(void);
/* report.c */
void pbb_report_begin(const struct pbb_meta *m);
void pbb_report_row(const struct pbb_meta *m, const struct pbb_row *row);
void pbb_report_end(const struct pbb_meta *m, const struct pbb_row *rows,
		    int nrows);
/* plot.c */
int pbb_have_gnuplot(void);
int pbb_plot(const char *file, const struct pbb_meta *m,
	     const struct pbb_row *rows, int nrows);

#endif /* PBBENCH_H */
