#!/bin/sh
# mixwait.sh PROG ARGS...: run PROG with a PB_WAIT mode chosen by rank, so
# one job mixes ranks that spin, yield and sleep on the futex doorbell
# (rank % 4: 0 spin, 1 and 2 sleep, 3 yield). Used by the soak test.
case $(( ${PB_RANK:-0} % 4 )) in
0) PB_WAIT=spin ;;
1|2) PB_WAIT=sleep ;;
*) PB_WAIT=yield ;;
esac
export PB_WAIT
exec "$@"
