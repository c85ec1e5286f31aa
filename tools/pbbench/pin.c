/*
 * pin.c - pinning ranks and threads to cores with sched_setaffinity.
 *
 * "Cores" are the CPUs this process may run on when it starts (taskset,
 * cgroup cpusets and a launcher's own binding all narrow that set), taken
 * in ascending order: rank r goes to the (r mod count)-th of them. A rank
 * that stays on one core keeps its cache lines and its timing stable; two
 * ranks on two cores is what the cache line floor assumes too.
 *
 * A rank that starts with a single allowed CPU was pinned already (pbrun
 * --bind, which is pbrun's default when the ranks fit, taskset, a batch
 * system): it stays there, and is reported as pinned by its launcher.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

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

/* want: 1 on, 0 off, -1 on when the ranks fit on the cores. Returns
 * PBB_PINNED_HERE, PBB_PINNED_BEFORE, 0 when not pinned, -1 when the kernel
 * refused. */
int pbb_pin(int rank, int nranks, int want, struct pbb_where *w)
{
	int bind = want < 0 ? nranks <= pbb_ncores() : want;
	w->core = -1;
	if (pbb_ncores() == 1) {
		w->core = pbb_core_nth(0);
		w->cpu = sched_getcpu();
		return PBB_PINNED_BEFORE;
	}
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
	return bind ? PBB_PINNED_HERE : 0;
}

/* A CPU of this machine other than `not`, for the second floor thread when
 * the ranks do not say which (one rank, or unbound ranks): any online CPU,
 * not only the allowed ones, since a launcher may have pinned us to one. */
int pbb_other_cpu(int not)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	for (int cpu = 0; cpu < n && cpu < CPU_SETSIZE; cpu++)
		if (cpu != not)
			return cpu;
	return not;
}

int pbb_pin_thread_to(int core)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(core, &one);
	return pthread_setaffinity_np(pthread_self(), sizeof one, &one);
}
