/*
 * loop.c: the job's one event loop. Signals arrive through a signalfd
 * instead of handlers, so SIGCHLD, SIGINT/SIGTERM/SIGHUP/SIGTSTP, the
 * output pipes and the two deadlines (--timeout, and the SIGTERM -> SIGKILL
 * grace) are all waited for in one poll() with no async-signal-safety
 * puzzles and no lost wakeups.
 */
#include "pbrun.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Dispositions pbrun changes for itself and gives back to the ranks. */
static struct sigaction orig_pipe, orig_chld;

static sigset_t job_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTSTP);
    return set;
}

int pbrun_signals_setup(struct pbrun_job *job)
{
    sigset_t set = job_signals();
    struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};

    /* SIGCHLD ignored by whoever started pbrun would make the kernel reap
     * the ranks itself and waitpid() would never see their status. */
    sigaction(SIGCHLD, &dfl, &orig_chld);
    /* A closed stdout must be an EPIPE that output.c handles, not death. */
    sigaction(SIGPIPE, &ign, &orig_pipe);
    /* Blocked before the first fork, so nothing arrives before the loop
     * is ready for it; the signalfd then queues it. */
    if (sigprocmask(SIG_BLOCK, &set, &job->orig_mask) < 0) {
        perror("pbrun: sigprocmask");
        return -1;
    }
    job->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (job->sigfd < 0) {
        perror("pbrun: signalfd");
        return -1;
    }
    return 0;
}

/* In a child before exec: the ranks get the signal state pbrun was given
 * (a blocked mask and ignored SIGPIPE survive exec and would break them). */
void pbrun_signals_child(const struct pbrun_job *job)
{
    sigaction(SIGPIPE, &orig_pipe, NULL);
    sigaction(SIGCHLD, &orig_chld, NULL);
    sigprocmask(SIG_SETMASK, &job->orig_mask, NULL);
}

/* Monotonic: a wall-clock step must not fire or delay a deadline. */
struct timespec pbrun_after(double seconds)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    time_t whole = (time_t)seconds;
    t.tv_sec += whole;
    t.tv_nsec += (long)((seconds - (double)whole) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* Milliseconds until t, rounded up so poll() never wakes just before it. */
static int ms_until(struct timespec t, struct timespec now)
{
    long long ns = (t.tv_sec - now.tv_sec) * 1000000000LL + (t.tv_nsec - now.tv_nsec);
    if (ns <= 0)
        return 0;
    long long ms = (ns + 999999) / 1000000;
    return ms > 1000000000 ? 1000000000 : (int)ms;
}

static void handle_signals(struct pbrun_job *job)
{
    struct signalfd_siginfo si;
    bool child = false;
    while (read(job->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD) {
            child = true;   /* coalesced: one record may stand for many exits */
        } else if (sig == SIGTSTP) {
            /* Ctrl-Z stops only the terminal's foreground group, which the
             * ranks are not in: stop them, then ourselves; carry on (and
             * continue them) when the shell sends SIGCONT on fg/bg. */
            pbrun_signal_ranks(job, SIGSTOP);
            raise(SIGSTOP);
            pbrun_signal_ranks(job, SIGCONT);
        } else if (!job->ending) {
            fprintf(stderr, "pbrun: received signal %d (%s); forwarding it to the ranks\n", sig,
                    strsignal(sig));
            pbrun_end_job(job, sig, 128 + sig);
        } else if (!job->killed) {
            /* Asked twice: the user does not want to wait out the grace. */
            fprintf(stderr, "pbrun: received signal %d (%s) again; killing the ranks\n", sig,
                    strsignal(sig));
            pbrun_kill_now(job);
        }
    }
    if (child)
        pbrun_reap(job);
}

void pbrun_loop(struct pbrun_job *job)
{
    const struct pbrun_opts *o = job->opts;
    struct timespec deadline = pbrun_after(o->timeout);
    struct pollfd *fds = calloc(1 + 2 * (size_t)job->nstarted, sizeof *fds);

    if (!fds) {
        perror("pbrun");
        pbrun_kill_now(job);
        pbrun_reap_all(job);
        return;
    }
    while (job->running > 0) {
        struct timespec now = pbrun_after(0);
        int wait_ms = -1;

        if (!job->ending && o->timeout) {
            if (ms_until(deadline, now) == 0) {
                fprintf(stderr, "pbrun: job timed out after %s s\n", o->timeout_text);
                fprintf(stderr, "pbrun: terminating %d running rank(s)\n", job->running);
                pbrun_end_job(job, SIGTERM, PBRUN_EXIT_TIMEOUT);
            } else {
                wait_ms = ms_until(deadline, now);
            }
        }
        if (job->ending && !job->killed) {
            if (ms_until(job->kill_at, now) == 0) {
                fprintf(stderr, "pbrun: %d rank(s) still running %d ms after the signal; "
                        "sending SIGKILL\n", job->running, PBRUN_GRACE_MS);
                pbrun_kill_now(job);
            } else {
                wait_ms = ms_until(job->kill_at, now);
            }
        }

        fds[0] = (struct pollfd){.fd = job->sigfd, .events = POLLIN};
        int n = o->tag_output ? pbrun_output_pollfds(job, fds + 1) : 0;
        if (poll(fds, 1 + (nfds_t)n, wait_ms) < 0) {
            if (errno == EINTR)
                continue;
            perror("pbrun: poll");
            pbrun_kill_now(job);
            pbrun_reap_all(job);
            break;
        }
        if (fds[0].revents)
            handle_signals(job);
        if (n)
            pbrun_output_ready(job, fds + 1, n);
    }
    if (o->tag_output)
        pbrun_output_finish(job);
    free(fds);
}
