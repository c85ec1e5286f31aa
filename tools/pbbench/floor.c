/*
 * floor.c - the physical floor of this machine, measured here and now, so
 * that a result can be read as "how far from what the hardware allows".
 *
 * Latency floor: one 64-byte line bounced between two threads pinned to
 * the two cores the ranks use: thread A stores an odd count and spins until
 * it reads the next even one, which thread B stores once it saw the odd.
 * Half a round trip is the least any one-way message between those cores
 * can take: the smallest Postbox message moves this line (the slot) once,
 * plus an ack line that travels the other way off the critical path.
 * The spin loops have no pause instruction: the floor is what the hardware
 * does, not what a polite poll loop does.
 *
 * Bandwidth floor: memcpy on one core, from and to the same buffers again
 * and again (hot in cache, as the benchmark's own buffers are), per size.
 * A pooled message is copied twice (into a pool block, out of it) on two
 * cores at once, so streaming can approach one memcpy, not exceed it by
 * much.
 */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pbbench.h"

struct bounce {
	_Alignas(64) _Atomic uint64_t line;
	char pad[64 - sizeof(uint64_t)];
	long rounds;            /* round trips the partner answers */
	int core;
	int pin_failed;
};

static void *partner(void *arg)
{
	struct bounce *b = arg;
	if (pbb_pin_thread_to(b->core))
		b->pin_failed = 1;
	for (long i = 0; i < b->rounds; i++) {
		uint64_t want = 2 * (uint64_t)i + 1;
		while (atomic_load_explicit(&b->line, memory_order_acquire) !=
		       want)
			;
		atomic_store_explicit(&b->line, want + 1,
				      memory_order_release);
	}
	return NULL;
}

/* Half round trips in ns, one per repetition, of N round trips each. */
static int bounce_line(int core_a, int core_b, long n, int reps,
		       double *ns)
{
	static struct bounce b; /* aligned by its type; one at a time */
	pthread_t t;
	long warm = n / 10 + 100;
	atomic_store(&b.line, 0);
	b.rounds = warm + n * reps;
	b.core = core_b;
	b.pin_failed = 0;
	if (pbb_pin_thread_to(core_a) ||
	    pthread_create(&t, NULL, partner, &b))
		return -1;
	uint64_t c = 0;
	for (int r = -1; r < reps; r++) {
		long rounds = r < 0 ? warm : n;
		double t0 = pbb_now();
		for (long i = 0; i < rounds; i++) {
			atomic_store_explicit(&b.line, ++c,
					      memory_order_release);
			while (atomic_load_explicit(&b.line,
						    memory_order_acquire) != c + 1)
				;
			c++;
		}
		if (r >= 0)
			ns[r] = (pbb_now() - t0) * 1e9 / (2.0 * (double)n);
	}
	pthread_join(t, NULL);
	return b.pin_failed ? -1 : 0;
}

/* memcpy MB/s at one size, one value per repetition. */
static void copy_rate(unsigned char *dst, const unsigned char *src,
		      size_t size, size_t target, int reps, double *mbs)
{
	long k = (long)(target / size);
	if (k < 4)
		k = 4;
	if (k > 200000) /* tiny sizes: the call itself is what we measure */
		k = 200000;
	for (int r = -1; r < reps; r++) {
		double t0 = pbb_now();
		for (long i = 0; i < k; i++) {
			memcpy(dst, src, size);
			/* the copy must happen every time: tell the compiler
			 * the buffers are read and written behind its back */
			__asm__ __volatile__("" : : "r"(dst), "r"(src)
					     : "memory");
		}
		double t = pbb_now() - t0;
		if (r >= 0)
			mbs[r] = (double)size * (double)k / t / 1e6;
	}
}

int pbb_measure_floor(struct pbb_floor *f, int core_a, int core_b,
		      const size_t *sizes, int nsizes, int quick)
{
	const int reps = quick ? 3 : 7;
	double v[7];
	cpu_set_t saved;
	int restore = !pthread_getaffinity_np(pthread_self(), sizeof saved,
					      &saved);

	memset(f, 0, sizeof *f);
	f->core_a = core_a;
	f->core_b = core_b;
	f->line_ns = f->line_min_ns = NAN;
	if (core_a != core_b &&
	    !bounce_line(core_a, core_b, quick ? 2000 : 20000, reps, v)) {
		f->line_ns = pbb_median(v, reps);
		f->line_min_ns = pbb_minv(v, reps);
	}
	/* bounce_line pinned this thread to core_a: memcpy runs there too */

	size_t top = 0;
	for (int i = 0; i < nsizes; i++)
		if (sizes[i] > top)
			top = sizes[i];
	f->sizes = calloc((size_t)nsizes + 1, sizeof *f->sizes);
	f->memcpy_mbs = calloc((size_t)nsizes + 1, sizeof(double));
	f->memcpy_min = calloc((size_t)nsizes + 1, sizeof(double));
	f->memcpy_max = calloc((size_t)nsizes + 1, sizeof(double));
	unsigned char *src = NULL, *dst = NULL;
	if (!f->sizes || !f->memcpy_mbs || !f->memcpy_min || !f->memcpy_max ||
	    posix_memalign((void **)&src, 4096, top + 64) ||
	    posix_memalign((void **)&dst, 4096, top + 64)) {
		free(src);
		return -1;
	}
	memset(src, 1, top + 64); /* fault the pages in before timing */
	memset(dst, 2, top + 64);
	for (int i = 0; i < nsizes; i++) {
		if (sizes[i] == 0)
			continue;
		copy_rate(dst, src, sizes[i], quick ? (4u << 20) : (32u << 20),
			  reps, v);
		int j = f->nsizes++;
		f->sizes[j] = sizes[i];
		f->memcpy_mbs[j] = pbb_median(v, reps);
		f->memcpy_min[j] = pbb_minv(v, reps);
		f->memcpy_max[j] = pbb_maxv(v, reps);
	}
	free(src);
	free(dst);
	/* an unbound rank must stay unbound for the benchmark itself */
	if (restore)
		pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
	f->measured = 1;
	return 0;
}

/* The floor for one result, in the result's unit; NAN when there is none. */
double pbb_floor_ref(const struct pbb_floor *f, enum pbb_ref ref,
		     size_t size)
{
	if (!f || !f->measured)
		return NAN;
	switch (ref) {
	case PBB_REF_LINE:
		return f->line_ns / 1000.0; /* us */
	case PBB_REF_RATE:
		return 1e9 / f->line_ns;    /* one line bounce per message */
	case PBB_REF_MEMCPY:
		for (int i = 0; i < f->nsizes; i++)
			if (f->sizes[i] == size)
				return f->memcpy_mbs[i];
		return NAN;
	case PBB_REF_NONE:
		break;
	}
	return NAN;
}
