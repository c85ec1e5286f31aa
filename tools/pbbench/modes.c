/*
 * modes.c - the benchmarks pbbench knows, with their defaults.
 *
 * Iteration counts follow the OSU micro-benchmarks (latency 10000 / 1000
 * above 8 KiB; bandwidth 100 / 20 with a window of 64), so that figures
 * can be compared with what people already know. The message rate runs
 * ten times longer windows-wise: its messages are tiny and a repetition
 * must last long enough for the clock.
 */
#include <string.h>

#include "pbbench.h"

static const struct pbb_modeinfo modes[] = {
	{ PBB_LATENCY, "latency",
	  "ping-pong, half round trip (blocking send/recv)", "us", 0, 0, 0,
	  "0:4M", 10000, 1000, PBB_REF_LINE, pbb_latency },
	{ PBB_BW, "bw",
	  "streaming bandwidth, one way: window of isends, then a 4-byte ack",
	  "MB/s", 1, 1, 0, "0:4M", 100, 20, PBB_REF_MEMCPY, pbb_bw },
	{ PBB_BIBW, "bibw",
	  "streaming bandwidth, both ways at once: windows of irecv+isend",
	  "MB/s", 1, 1, 0, "0:4M", 100, 20, PBB_REF_MEMCPY, pbb_bibw },
	{ PBB_RATE, "rate",
	  "message rate, one way: window of isends, then a 4-byte ack",
	  "msg/s", 1, 1, 0, "0:8K", 1000, 100, PBB_REF_RATE, pbb_rate },
	{ PBB_MULTI, "multi",
	  "all pairs (i, i+n/2) streaming at once: aggregate bandwidth",
	  "MB/s", 1, 1, 1, "0:4M", 100, 20, PBB_REF_MEMCPY, pbb_multi },
	{ PBB_FLOOR, "floor",
	  "machine floor: cache line bounced between two cores, memcpy on one",
	  "MB/s", 1, 0, 0, "1:4M", 0, 0, PBB_REF_NONE, NULL },
};

const struct pbb_modeinfo *pbb_modeinfo(enum pbb_mode m)
{
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (modes[i].mode == m)
			return &modes[i];
	return NULL;
}

const struct pbb_modeinfo *pbb_mode_byname(const char *name)
{
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (!strcmp(modes[i].name, name))
			return &modes[i];
	return NULL;
}
