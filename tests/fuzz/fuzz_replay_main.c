/*
 * fuzz_replay_main.c - runs fuzz_rx over files without libFuzzer, so every
 * build (gcc, the sanitizer builds) replays the seed corpus and any crash
 * input saved from a fuzzing run.
 *
 *   fuzz_rx_replay [--expect-delivery] FILE|DIR...
 *
 * --expect-delivery: every input must complete at least one receive (for
 * the generated seeds: proves the harness still reaches the deep paths).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_rx.h"

static int expect, files, bad;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		bad++;
		return;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read\n", path);
		bad++;
		fclose(f);
		free(b);
		return;
	}
	fclose(f);
	unsigned long before = fuzz_completed;
	LLVMFuzzerTestOneInput(b, (size_t)n);
	free(b);
	files++;
	if (expect && fuzz_completed == before) {
		fprintf(stderr, "%s: no receive completed\n", path);
		bad++;
	}
}

static void run(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		bad++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	struct dirent **ents;
	int k = scandir(path, &ents, NULL, alphasort);
	for (int i = 0; i < k; i++) {
		if (ents[i]->d_name[0] != '.') {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", path, ents[i]->d_name);
			run_file(p);
		}
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--expect-delivery"))
			expect = 1;
		else
			run(argv[i]);
	}
	printf("fuzz_rx_replay: %d inputs, %lu receives completed, %d "
	       "problems\n", files, fuzz_completed, bad);
	return bad || !files ? 1 : 0;
}
