#!/bin/sh
# fakessh.sh - stands in for ssh as Open MPI's launch agent (plm_rsh_agent)
# so that mpirun believes it runs on several hosts: it drops ssh's options
# and the host name and runs the command (an orted) here. Each "host" gets
# its own orted and PMIx server, and the ranks see PMIx data naming two
# hosts, exactly as on a cluster; only /dev/shm is shared, as with pbrun's
# emulated nodes.
while [ $# -gt 0 ]; do
	case $1 in
	-*) shift ;;
	*) break ;;
	esac
done
shift # the host name
exec sh -c "$*"
