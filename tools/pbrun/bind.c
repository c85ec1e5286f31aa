/*
 * bind.c: --bind pins each rank to one core. A rank that migrates loses its
 * cache and, with busy-polling neighbours, its core; pinned, a benchmark
 * measures the protocol rather than the scheduler. Pinning more ranks than
 * cores would stack them on shared cores for no gain, so the default pins
 * only when every rank can have a core of its own.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "pbrun.h"

void pbrun_bind_plan(struct pbrun_opts *o)
{
    cpu_set_t set;
    o->ncpus = 0;
    if (o->bind == 0 || sched_getaffinity(0, sizeof set, &set) != 0) {
        o->bind = 0;
        return;
    }
    int n = CPU_COUNT(&set);
    if (o->bind < 0)
        o->bind = o->nranks <= n;
    if (!o->bind)
        return;
    o->cpus = malloc(sizeof(int) * (size_t)n);
    if (!o->cpus) {
        o->bind = 0;
        return;
    }
    /* only the cores pbrun itself may use: inside a cpuset or under
     * taskset, ranks stay within it */
    for (int c = 0; c < CPU_SETSIZE && o->ncpus < n; c++)
        if (CPU_ISSET(c, &set))
            o->cpus[o->ncpus++] = c;
}

int pbrun_bind_child(const struct pbrun_opts *o, int rank)
{
    if (!o->bind || o->ncpus == 0)
        return 0;
    int cpu = o->cpus[rank % o->ncpus];
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        return -1;
    char buf[16];
    snprintf(buf, sizeof buf, "%d", cpu);
    return setenv("PB_BIND_CPU", buf, 1);
}
