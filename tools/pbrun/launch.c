/*
 * launch.c: the job id, the ranks' environment, and fork/exec of the ranks.
 *
 * A failure inside a child between fork() and a successful exec() is sent
 * back through a pipe whose write end is O_CLOEXEC: a successful exec closes
 * it silently, a failure writes a record first. Reading that pipe to EOF
 * after all forks tells pbrun exactly which ranks could not start and why,
 * which an exit status of 127 alone could not (127 is also a legal status
 * of a program that did run).
 */
#include "pbrun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

/* What went wrong in a child before its program ran. Fits one atomic pipe
 * write (< PIPE_BUF), so records from several children never mix. */
struct start_failure {
    int32_t rank;
    int32_t err;        /* errno */
    int32_t step;       /* enum step */
};

enum step { STEP_EXEC, STEP_PGID, STEP_PDEATHSIG, STEP_PARENT_GONE, STEP_IO, STEP_ENV, STEP_NETNS };

static const char *const step_names[] = {
    [STEP_EXEC] = "exec", [STEP_PGID] = "setpgid", [STEP_PDEATHSIG] = "prctl(PR_SET_PDEATHSIG)",
    [STEP_PARENT_GONE] = "pbrun exited", [STEP_IO] = "stdio", [STEP_ENV] = "setenv",
    [STEP_NETNS] = "setns(CLONE_NEWNET)",
};

int pbrun_make_job_id(char id[PBRUN_JOBID_LEN + 1])
{
    unsigned char bits[PBRUN_JOBID_LEN / 2];
    size_t got = 0;
    while (got < sizeof bits) {
        ssize_t n = getrandom(bits + got, sizeof bits - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof bits; i++)
        sprintf(id + 2 * i, "%02x", bits[i]);
    return 0;
}

static int set_env_int(const char *name, long v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", v);
    return setenv(name, buf, 1);
}

/* The variables every rank shares go into pbrun's own environment once;
 * children inherit them and only PB_RANK is set per child. */
static int set_job_env(const struct pbrun_job *job)
{
    const struct pbrun_opts *o = job->opts;
    if (setenv("PB_JOB_ID", job->id, 1) || setenv("PB_NODE_MAP", o->node_map, 1) ||
        setenv("PB_SHM_DIR", o->shm_dir, 1) || set_env_int("PB_SIZE", o->nranks) ||
        set_env_int("PB_LAUNCHER_PID", getpid()))
        return -errno;
    return o->netns ? pbrun_netns_set_env() : 0;
}

static _Noreturn void child_fail(int fd, int rank, enum step step, int err)
{
    struct start_failure f = {rank, err, step};
    ssize_t ignored = write(fd, &f, sizeof f);
    (void)ignored;  /* nobody left to tell if even this fails */
    _exit(step == STEP_EXEC ? PBRUN_EXIT_NOEXEC : PBRUN_EXIT_INTERNAL);
}

/* Rank 0 keeps pbrun's stdin unless it is a terminal: the ranks are not in
 * the terminal's foreground process group, so reading it would stop them
 * with SIGTTIN and hang the job. Other ranks get /dev/null, as under mpirun,
 * so they never race rank 0 for input. */
static int child_stdin(int rank)
{
    if (rank == 0 && !isatty(STDIN_FILENO))
        return 0;
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0)
        return -1;
    if (fd != STDIN_FILENO) {
        if (dup2(fd, STDIN_FILENO) < 0)
            return -1;
        close(fd);
    }
    return 0;
}

static _Noreturn void child(struct pbrun_job *job, int rank, int report_fd, pid_t launcher)
{
    /* Join the job's group first: from here on a signal to the group
     * reaches this process (rank 0 founds the group with pgid 0). */
    if (setpgid(0, job->pgid) < 0)
        child_fail(report_fd, rank, STEP_PGID, errno);
    /* If pbrun dies, so do we. pbrun may already have died before prctl()
     * took effect; the getppid() check closes that race. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        child_fail(report_fd, rank, STEP_PDEATHSIG, errno);
    if (getppid() != launcher)
        child_fail(report_fd, rank, STEP_PARENT_GONE, 0);

    if (job->opts->tag_output)
        pbrun_output_child(&job->ranks[rank]);
    if (child_stdin(rank) < 0)
        child_fail(report_fd, rank, STEP_IO, errno);
    if (set_env_int("PB_RANK", rank) < 0)
        child_fail(report_fd, rank, STEP_ENV, errno);
    if (pbrun_bind_child(job->opts, rank) < 0)
        child_fail(report_fd, rank, STEP_ENV, errno);
    if (job->ns_fds && pbrun_netns_child(job, rank) < 0)
        child_fail(report_fd, rank, STEP_NETNS, errno);
    pbrun_signals_child(job);

    execvp(job->opts->argv[0], job->opts->argv);
    child_fail(report_fd, rank, STEP_EXEC, errno);
}

/* Reads the children's start-failure records to EOF and turns the first
 * into a message and an ending of the job. One message only: N copies of
 * the same error help nobody. */
static void collect_start_failures(struct pbrun_job *job, int fd)
{
    struct start_failure f, first;
    int failed = 0;
    for (;;) {
        ssize_t n = read(fd, &f, sizeof f);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof f)
            break;  /* EOF: every child has exec'd or died */
        if (!failed++)
            first = f;
    }
    close(fd);
    if (!failed)
        return;
    if (first.step == STEP_EXEC)
        fprintf(stderr, "pbrun: cannot run '%s': %s\n", job->opts->argv[0], strerror(first.err));
    else
        fprintf(stderr, "pbrun: cannot start rank %d: %s: %s\n", first.rank,
                step_names[first.step], first.err ? strerror(first.err) : "launcher gone");
    if (failed < job->nstarted)
        fprintf(stderr, "pbrun: terminating the %d rank(s) that did start\n",
                job->nstarted - failed);
    pbrun_end_job(job, SIGTERM, first.step == STEP_EXEC ? PBRUN_EXIT_NOEXEC : PBRUN_EXIT_INTERNAL);
}

static void launch_failed(struct pbrun_job *job, int rank, const char *what)
{
    fprintf(stderr, "pbrun: cannot start rank %d: %s: %s\n", rank, what, strerror(errno));
    if (job->running > 0)
        fprintf(stderr, "pbrun: terminating the %d rank(s) that did start\n", job->running);
    pbrun_end_job(job, SIGTERM, PBRUN_EXIT_INTERNAL);
}

void pbrun_launch(struct pbrun_job *job)
{
    const struct pbrun_opts *o = job->opts;
    pid_t launcher = getpid();
    int report[2];

    job->ranks = calloc((size_t)o->nranks, sizeof *job->ranks);
    if (!job->ranks) {
        perror("pbrun");
        pbrun_end_job(job, SIGTERM, PBRUN_EXIT_INTERNAL);
        return;
    }
    if (set_job_env(job) < 0) {
        launch_failed(job, 0, "setenv");
        return;
    }
    if (pipe2(report, O_CLOEXEC) < 0) {
        launch_failed(job, 0, "pipe");
        return;
    }

    for (int r = 0; r < o->nranks; r++) {
        struct pbrun_rank *rk = &job->ranks[r];
        rk->taglen = (size_t)snprintf(rk->tag, sizeof rk->tag, "[%d] ", r);
        if (o->tag_output && pbrun_output_pipes(rk) < 0) {
            launch_failed(job, r, "pipe");
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            pbrun_output_parent(rk);
            launch_failed(job, r, "fork");
            break;
        }
        if (pid == 0) {
            close(report[0]);
            child(job, r, report[1], launcher);
        }
        /* Set the group from this side too, so it holds before any kill()
         * of ours regardless of which process runs first. EACCES (the
         * child already exec'd) means the child did it itself. */
        if (r == 0) {
            job->pgid = pid;
            pbrun_reaper_set_pgid(job);
        }
        setpgid(pid, job->pgid);
        rk->pid = pid;
        rk->running = true;
        job->nstarted++;
        job->running++;
        if (o->tag_output)
            pbrun_output_parent(rk);
    }
    close(report[1]);
    collect_start_failures(job, report[0]);
}
