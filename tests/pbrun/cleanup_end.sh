# Whatever way a job ends, the pb-<jobid>-* files its ranks made are gone
# when pbrun returns. Usage: cleanup_end.sh PBRUN RANKPROG MODE
. "$(dirname "$0")/lib.sh"
mode=$1
N=3
act=(touch seg touch seg2 ready "$T/ready")
case $mode in
normal)     run -n $N "$RANKPROG" "${act[@]}" exit 0; want=0 ;;
failure)    run -n $N "$RANKPROG" "${act[@]}" await "$T/ready" $N exit-if 1 5 sleep forever; want=5 ;;
rank-kill9) run -n $N "$RANKPROG" "${act[@]}" await "$T/ready" $N kill-if 2 9 sleep forever; want=137 ;;
timeout)    run --timeout 0.5 -n $N "$RANKPROG" "${act[@]}" sleep forever; want=124 ;;
tagged)     run --tag-output -n $N "$RANKPROG" "${act[@]}" lines 10 await "$T/ready" $N exit-if 0 9 exit 0; want=9 ;;
*) fail "unknown mode $mode" ;;
esac
expect_rc $want "$mode"
[ "$(wc -l <"$T/ready")" = $N ] || fail "$mode: not every rank made its files"
expect_shm_empty "$mode"
note "$mode: exit $RC, shm dir empty"
