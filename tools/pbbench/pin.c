/*
 * pin.c - pinning ranks and threads to cores with sched_setaffinity.
 *
 * "Cores" are the CPUs this process may run on when it starts (taskset,
 * cgroup cpusets and a launcher's own binding all narrow that set), taken
 * in ascending order: rank r goes to the (r mod count)-th of them. A rank
 * that stays on one core keeps its cache lines and its timing stable; two
 * ranks on two cores is what the cache line floor assumes too.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "pbbench.h"

static cpu_set_t initial;
static int have_initial;

static void load_initial(void)
{
	if (have_initial)
		return;
	if (sched_getaffinity(0, sizeof initial, &initial)) {
		CPU_ZERO(&initial);
		CPU_SET(0, &initial);
	}
	have_initial = 1;
}

int pbb_ncores(void)
{
	load_initial();
	return CPU_COUNT(&initial);
}

/* The i-th allowed core (i taken modulo their number). */
int pbb_core_nth(int i)
{
	int n = pbb_ncores(), k = 0;
	i %= n;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &initial) && k++ == i)
			return cpu;
	return 0;
}

/* want: 1 on, 0 off, -1 on when the ranks fit on the cores. Returns 1 when
 * pinned, 0 when not, -1 when the kernel refused. */
int pbb_pin(int rank, int nranks, int want, struct pbb_where *w)
{
	int bind = want < 0 ? nranks <= pbb_ncores() : want;
	w->core = -1;
	if (bind) {
		cpu_set_t one;
		int core = pbb_core_nth(rank);
		CPU_ZERO(&one);
		CPU_SET(core, &one);
		if (sched_setaffinity(0, sizeof one, &one))
			return -1;
		w->core = core;
	}
	w->cpu = sched_getcpu();
	return bind;
}

int pbb_pin_thread_to(int core)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(core, &one);
	return pthread_setaffinity_np(pthread_self(), sizeof one, &one);
}
