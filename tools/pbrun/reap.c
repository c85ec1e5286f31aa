/*
 * reap.c: how ranks end and how the job ends with them.
 *
 * The first rank to fail decides pbrun's exit status and is the only one
 * reported: once the job is ending, the other ranks die of our own SIGTERM
 * or SIGKILL, and reporting those would bury the one message that matters.
 */
#include "pbrun.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sends sig to every rank still unreaped. The process group also reaches
 * what the ranks forked; a rank that left the group (setsid) is signalled
 * on its own. The group is signalled only while one of our unreaped ranks
 * is in it: that member pins the group id, so it cannot have been reused
 * by an unrelated process group. */
void pbrun_signal_ranks(struct pbrun_job *job, int sig)
{
    bool group = false;
    for (int r = 0; r < job->nstarted; r++) {
        const struct pbrun_rank *rk = &job->ranks[r];
        if (!rk->running)
            continue;
        if (job->pgid > 0 && getpgid(rk->pid) == job->pgid)
            group = true;
        else
            kill(rk->pid, sig);
    }
    if (group)
        kill(-job->pgid, sig);
}

void pbrun_end_job(struct pbrun_job *job, int sig, int code)
{
    if (job->ending)
        return;     /* the first reason to end is the one reported and returned */
    job->ending = true;
    job->exit_code = code;
    job->kill_at = pbrun_after(PBRUN_GRACE_MS / 1000.0);
    pbrun_signal_ranks(job, sig);
}

void pbrun_kill_now(struct pbrun_job *job)
{
    if (!job->ending)
        pbrun_end_job(job, SIGKILL, PBRUN_EXIT_INTERNAL);
    job->killed = true;
    pbrun_signal_ranks(job, SIGKILL);
}

static void rank_ended(struct pbrun_job *job, struct pbrun_rank *rk, int status)
{
    int rank = (int)(rk - job->ranks), code;

    rk->running = false;
    job->running--;
    if (job->ending)
        return;
    if (WIFEXITED(status)) {
        code = WEXITSTATUS(status);
        if (code == 0)
            return;
        fprintf(stderr, "pbrun: rank %d (pid %d) exited with status %d\n", rank, (int)rk->pid,
                code);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        code = 128 + sig;
        fprintf(stderr, "pbrun: rank %d (pid %d) killed by signal %d (%s)%s\n", rank,
                (int)rk->pid, sig, strsignal(sig), WCOREDUMP(status) ? ", core dumped" : "");
    } else {
        return;
    }
    if (job->running > 0)
        fprintf(stderr, "pbrun: terminating the %d other running rank(s)\n", job->running);
    pbrun_end_job(job, SIGTERM, code);
}

static struct pbrun_rank *find_rank(struct pbrun_job *job, pid_t pid)
{
    for (int r = 0; r < job->nstarted; r++)
        if (job->ranks[r].pid == pid && job->ranks[r].running)
            return &job->ranks[r];
    return NULL;
}

/* Collects exited children; with block set, waits until no rank runs. */
static void reap(struct pbrun_job *job, bool block)
{
    int status;
    while (job->running > 0 || !block) {
        pid_t pid = waitpid(-1, &status, block ? 0 : WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0)
            break;
        if (pid == job->reaper_pid) {
            job->reaper_pid = 0;
            fprintf(stderr, "pbrun: warning: the cleanup reaper (pid %d) ended early; "
                    "if pbrun is killed now, files may be left in %s\n", (int)pid,
                    job->opts->shm_dir);
            continue;
        }
        struct pbrun_rank *rk = find_rank(job, pid);
        if (rk)
            rank_ended(job, rk, status);
    }
}

void pbrun_reap(struct pbrun_job *job)
{
    reap(job, false);
}

void pbrun_reap_all(struct pbrun_job *job)
{
    reap(job, true);
}
