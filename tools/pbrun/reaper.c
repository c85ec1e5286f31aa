/*
 * reaper.c: cleanup that survives `kill -9 pbrun`.
 *
 * pbrun forks the reaper before any rank. The reaper sits in its own
 * session (so terminal signals and group kills aimed at pbrun miss it),
 * ignores SIGINT/SIGTERM/SIGHUP, and blocks reading a pipe whose only write
 * end pbrun holds (O_CLOEXEC, and forked before the ranks, so no rank holds
 * it). The kernel closes that end however pbrun dies, so:
 *
 *   - pbrun ends normally: it removes the files itself, writes MSG_DONE and
 *     waits for the reaper to exit; the reaper never outlives pbrun;
 *   - pbrun is killed: the reaper reads EOF without MSG_DONE, kills the
 *     job's process group, waits until its members are dead, removes the
 *     job's network (--netns) and then pb-<jobid>-* from the shm dir.
 *
 * The ranks would die anyway of PR_SET_PDEATHSIG; killing the group also
 * catches what the ranks forked, and waiting for the deaths keeps a rank
 * that is inside open(O_CREAT) from recreating a file after the sweep.
 */
#include "pbrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MSG_PGID = 1, MSG_DONE = 2, MSG_HELPER = 3 };

struct reaper_msg {
    int32_t kind;
    int32_t value;
};

#define GROUP_WAIT_MS 2000  /* SIGKILL takes effect in microseconds; bound it anyway */

/* Is a live (not zombie) process still in group pgid? Zombies count as dead:
 * they cannot touch files any more, and an init that does not reap (some
 * containers) would otherwise keep us waiting for nothing. */
static bool group_alive(pid_t pgid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return kill(-pgid, 0) == 0;
    bool alive = false;
    struct dirent *e;
    while (!alive && (e = readdir(d))) {
        char buf[512];
        char state;
        int ppid, pgrp;
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        const char *p = pbrun_proc_stat(e->d_name, buf, sizeof buf);
        /* Fields 3-5: state, ppid, pgrp. */
        if (p && sscanf(p, " %c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == pgid &&
            state != 'Z' && state != 'X')
            alive = true;
    }
    closedir(d);
    return alive;
}

/* A helper (ip) dies with pbrun of PR_SET_PDEATHSIG; until it is dead it
 * may still be creating what we are about to remove. Not killed here: by
 * now its pid may have been reaped and reused. */
static bool helper_alive(pid_t pid)
{
    char id[16], buf[512];
    snprintf(id, sizeof id, "%d", (int)pid);
    const char *p = pbrun_proc_stat(id, buf, sizeof buf);
    char state;
    return p && sscanf(p, " %c", &state) == 1 && state != 'Z' && state != 'X';
}

static void pause_10ms(void)
{
    nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
}

static _Noreturn void reaper_main(int fd, int done_fd, const struct pbrun_job *job)
{
    (void)done_fd;  /* held open, never written: pbrun reads EOF when we exit */
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigaction(SIGINT, &ign, NULL);
    sigaction(SIGTERM, &ign, NULL);
    sigaction(SIGHUP, &ign, NULL);
    sigaction(SIGPIPE, &ign, NULL);
    sigprocmask(SIG_SETMASK, &job->orig_mask, NULL);
    setsid();
    prctl(PR_SET_NAME, "pbrun-reaper");
    close(job->sigfd);
    /* Let go of the terminal and of pbrun's stdout/stderr, so a pipeline
     * reading pbrun's output is not held open by the reaper. */
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    if (chdir("/") < 0) {
        /* only keeps a mount busy; harmless */
    }

    pid_t pgid = 0, helper = 0;
    struct reaper_msg m;
    for (;;) {
        ssize_t n = read(fd, &m, sizeof m);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof m)
            break;  /* EOF: pbrun is gone without saying it was done */
        if (m.kind == MSG_DONE)
            _exit(0);
        if (m.kind == MSG_PGID)
            pgid = m.value;
        if (m.kind == MSG_HELPER)
            helper = m.value;
    }

    if (pgid > 0) {
        kill(-pgid, SIGKILL);
        for (int ms = 0; ms < GROUP_WAIT_MS && group_alive(pgid); ms += 10)
            pause_10ms();
    }
    for (int ms = 0; helper > 0 && ms < GROUP_WAIT_MS && helper_alive(helper); ms += 10)
        pause_10ms();
    /* Network before files: the launcher marker, removed last, stays as
     * the record of a job whose cleanup was cut short. */
    if (job->opts->netns)
        pbrun_netns_remove(job->opts->ip, job->id, job->opts->nnodes, false);
    pbrun_remove_job_files(job->opts->shm_dir, job->id);
    _exit(0);
}

int pbrun_reaper_start(struct pbrun_job *job)
{
    int p[2], done[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        perror("pbrun: cannot start the reaper: pipe");
        return -1;
    }
    if (pipe2(done, O_CLOEXEC) < 0) {
        perror("pbrun: cannot start the reaper: pipe");
        close(p[0]);
        close(p[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("pbrun: cannot start the reaper: fork");
        close(p[0]);
        close(p[1]);
        close(done[0]);
        close(done[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[1]);
        close(done[0]);
        /* Fork once more and let the middle process exit: the reaper is
         * then no descendant of pbrun, so whoever kills pbrun's process
         * tree (ctest on a timeout, a batch system) does not kill the
         * one process meant to clean up after it. */
        pid_t g = fork();
        if (g != 0)
            _exit(g < 0 ? 1 : 0);
        reaper_main(p[0], done[1], job);
    }
    close(p[0]);
    close(done[1]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fputs("pbrun: cannot start the reaper: fork failed\n", stderr);
        close(p[1]);
        close(done[0]);
        return -1;
    }
    job->reaper_pid = 0;  /* not our child: its end shows as EOF on done */
    job->reaper_fd = p[1];
    job->reaper_done_fd = done[0];
    return 0;
}

static void send_msg(struct pbrun_job *job, int kind, int value)
{
    struct reaper_msg m = {kind, value};
    if (job->reaper_fd < 0)
        return;
    /* 8 bytes < PIPE_BUF: atomic. EPIPE (reaper gone) is reported by reap.c. */
    ssize_t ignored = write(job->reaper_fd, &m, sizeof m);
    (void)ignored;
}

void pbrun_reaper_set_pgid(struct pbrun_job *job)
{
    send_msg(job, MSG_PGID, job->pgid);
}

void pbrun_reaper_set_helper(struct pbrun_job *job, pid_t pid)
{
    send_msg(job, MSG_HELPER, pid);
}

void pbrun_reaper_stop(struct pbrun_job *job)
{
    send_msg(job, MSG_DONE, 0);
    if (job->reaper_fd >= 0)
        close(job->reaper_fd);
    job->reaper_fd = -1;
    /* wait until the reaper has exited (EOF), so it never outlives us */
    if (job->reaper_done_fd >= 0) {
        char c;
        while (read(job->reaper_done_fd, &c, 1) < 0 && errno == EINTR)
            ;
        close(job->reaper_done_fd);
        job->reaper_done_fd = -1;
    }
    job->reaper_pid = 0;
}
