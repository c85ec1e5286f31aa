/*
 * ipcmd.c: running ip(8), and removing network objects with it.
 *
 * pbrun drives iproute2 rather than speaking netlink itself: `ip netns add`
 * already knows how to make a namespace outlive its creator (a bind mount
 * under /run/netns, on a mount it makes shared), and `ip -batch -` turns a
 * whole setup into one process. Scripts go in through a pipe, never through
 * a shell, so no name is ever parsed twice.
 *
 * ip inherits pbrun's blocked job signals (so a Ctrl-C meant for the job
 * cannot cut a setup or teardown in half) and, when pbrun runs it,
 * PR_SET_PDEATHSIG: an ip that outlived a killed pbrun could create a
 * namespace after the reaper has removed the job's.
 */
#include "pbrun.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static _Noreturn void ip_child(const char *ip, const char *ns, int flags, int in, pid_t parent,
                               bool pdeath)
{
    if (pdeath && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent))
        _exit(126);
    if (dup2(in, STDIN_FILENO) < 0)
        _exit(126);
    /* ip writes nothing on success; whatever it says is an error, and
     * pbrun's stdout belongs to the ranks' output. */
    int out = STDERR_FILENO;
    if (flags & PBRUN_IP_QUIET)
        out = open("/dev/null", O_WRONLY);
    if (out < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
        _exit(126);

    const char *argv[8];
    int argc = 0;
    argv[argc++] = "ip";
    if (ns) {
        argv[argc++] = "-n";
        argv[argc++] = ns;
    }
    if (flags & PBRUN_IP_FORCE)
        argv[argc++] = "-force";    /* go on past a failed line: removal is best effort */
    argv[argc++] = "-batch";
    argv[argc++] = "-";
    argv[argc] = NULL;
    execv(ip, (char *const *)argv);
    dprintf(STDERR_FILENO, "pbrun: cannot run %s: %s\n", ip, strerror(errno));
    _exit(127);
}

/* Runs `ip [-n ns] [-force] -batch -` with script on its stdin. Returns
 * ip's exit status (0 = every line worked; 128+S if killed by signal S), or
 * -errno if it could not be started. With job, the reaper is told ip's pid
 * while pbrun waits for it. */
int pbrun_ip_batch(const char *ip, const char *ns, int flags, const char *script,
                   struct pbrun_job *job)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(p[0]);
        close(p[1]);
        return -err;
    }
    if (pid == 0)
        ip_child(ip, ns, flags, p[0], parent, job != NULL);
    close(p[0]);
    if (job)
        pbrun_reaper_set_helper(job, pid);

    /* SIGPIPE is ignored in pbrun and its reaper: an ip that died early
     * gives EPIPE here, and its status below says why. */
    size_t len = strlen(script), done = 0;
    while (done < len) {
        ssize_t n = write(p[1], script + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(p[1]);

    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            st = 0x7f00;    /* as if it exited 127: cannot be ours to judge */
            break;
        }
    }
    if (job)
        pbrun_reaper_set_helper(job, 0);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

bool pbrun_netobj_exists(const struct pbrun_netobj *o)
{
    if (o->is_ns) {
        char path[128];
        snprintf(path, sizeof path, PBRUN_NETNS_DIR "/%s", o->name);
        return access(path, F_OK) == 0;
    }
    /* In our own network namespace, which is where pbrun makes its links. */
    return if_nametoindex(o->name) != 0;
}

/* Removes objs in the order given (veths before namespaces before the
 * bridge, so the bridge, which carries the launcher record, goes last).
 * Lines for objects already gone fail harmlessly, so ip runs with -force
 * and its words are dropped; what counts is what still exists afterwards.
 * Returns how many objects are left (each named on stderr with report), or
 * -errno if ip could not run. */
int pbrun_ip_remove(const char *ip, const struct pbrun_netobj *objs, int n, bool report)
{
    char *script = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&script, &size);
    if (!f)
        return -errno;
    for (int i = 0; i < n; i++)
        fprintf(f, objs[i].is_ns ? "netns del %s\n" : "link del dev %s\n", objs[i].name);
    if (fclose(f) != 0) {
        free(script);
        return -ENOMEM;
    }
    int rc = pbrun_ip_batch(ip, NULL, PBRUN_IP_FORCE | PBRUN_IP_QUIET, script, NULL);
    free(script);
    if (rc < 0) {
        if (report)
            fprintf(stderr, "pbrun: cannot run %s: %s\n", ip, strerror(-rc));
        return rc;
    }
    int left = 0;
    for (int i = 0; i < n; i++) {
        if (!pbrun_netobj_exists(&objs[i]))
            continue;
        left++;
        if (report)
            fprintf(stderr, "pbrun: could not remove %s %s\n",
                    objs[i].is_ns ? "network namespace" : "link", objs[i].name);
    }
    return left;
}
