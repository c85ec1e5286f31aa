/*
 * bw.c - MPI streaming bandwidth, the same kernel as `pbbench bw`: MB/s (10^6
 * bytes per second) of WINDOW messages per iteration, median over
 * repetitions.
 *
 *   mpirun -np 2 bw [--sizes 0:4M] [--iters 100] [--iters-large 20]
 *                  [--window 64] [--warmup N] [--reps 5]
 */
#include "stream.h"

int main(int argc, char **argv)
{
	return stream_main(argc, argv, "bw", "0:4M", 100, 20, 1, 1e6, "MB/s");
}
