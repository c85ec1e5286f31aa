/*
 * rate.c - MPI message rate, the same kernel as `pbbench rate`: messages per
 * second, median over repetitions.
 *
 *   mpirun -np 2 rate [--sizes 0:8K] [--iters 1000] [--iters-large 100]
 *                  [--window 64] [--warmup N] [--reps 5]
 */
#include "stream.h"

int main(int argc, char **argv)
{
	return stream_main(argc, argv, "rate", "0:8K", 1000, 100, 0, 1.0,
			   "msg/s");
}
