/*
 * coord.c - control messages outside the timed loops.
 *
 * A rank that has nothing to do for a while (the partner of rank 0 while
 * it measures the floor, ranks beyond the pair) waits by probing and
 * sleeping 200 us, not in a blocking receive: a blocking receive spins
 * and yields, and would take the very core the floor or the pair is
 * being measured on.
 */
#include <time.h>

#include "pbbench.h"

int pbb_idle_recv(pb_job *job, int src, void *buf, size_t len)
{
	const struct timespec nap = { 0, 200 * 1000 };
	for (;;) {
		int found = 0;
		int rc = pb_iprobe(job, src, PBB_TAG_CTRL, &found, NULL);
		if (rc)
			return rc;
		if (found)
			return pb_recv(job, src, PBB_TAG_CTRL, buf, len, NULL);
		nanosleep(&nap, NULL);
	}
}
