/*
 * progress.c - one line on stderr that says where a long run is, rewritten
 * in place with \r. Only on a terminal: in a pipe or a file it would be
 * noise between the results.
 */
#include <stdio.h>
#include <unistd.h>

#include "pbbench.h"

static int on;
static int shown;

void pbb_progress_init(int enabled)
{
	on = enabled < 0 ? isatty(STDERR_FILENO) : enabled;
}

void pbb_progress(const char *mode, size_t size, int idx, int n, int rep,
		  int reps)
{
	char sz[32];
	if (!on)
		return;
	pbb_format_size(size, sz, sizeof sz);
	/* \033[K clears what a longer previous line left */
	if (rep < 0)
		fprintf(stderr, "\rpbbench %s: size %s (%d/%d), warmup\033[K",
			mode, sz, idx + 1, n);
	else
		fprintf(stderr, "\rpbbench %s: size %s (%d/%d), repetition "
			"%d/%d\033[K", mode, sz, idx + 1, n, rep + 1, reps);
	fflush(stderr);
	shown = 1;
}

void pbb_progress_clear(void)
{
	if (on && shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		shown = 0;
	}
}
