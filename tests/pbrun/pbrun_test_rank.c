/*
 * pbrun_test_rank: a stand-in rank for the pbrun tests. It does not link
 * libpostbox: pbrun's contract is the environment and the shm dir, so a
 * plain program that reads PB_* and makes pb-<jobid>-* files is a faithful
 * rank for testing the launcher.
 *
 * Usage: pbrun_test_rank ACTION... , actions run in order:
 *   env               print "rank=R size=S map=M job=J shm=D launcher=L ppid=P"
 *   ready FILE        append "R PID" to FILE (tells the test this rank is up)
 *   await FILE N      wait (at most 10 s) until FILE has N lines: all ranks ready
 *   touch NAME        create $PB_SHM_DIR/pb-$PB_JOB_ID-NAME-R (like a segment)
 *   lines K           K lines "rank R out I" to stdout and "rank R err I" to
 *                     stderr, each written in two pieces, then an unterminated
 *                     "rank R tail" on stdout
 *   exit-if R CODE    exit CODE if this is rank R
 *   kill-if R SIG     raise SIG if this is rank R
 *   ignore-term       ignore SIGTERM
 *   leave-group       move to a process group of its own (rank 0, the job
 *                     group's leader, cannot and stays)
 *   on-signal FILE    on SIGINT/SIGTERM/SIGHUP append "R SIG" to FILE, exit 0
 *   fds               print "rank R fds:" and every open fd above 2
 *   stdin             print "rank R stdin N" with the byte count read from stdin
 *   sleep SEC         sleep SEC seconds; "forever" sleeps until a signal
 *   exit CODE         exit CODE
 * Exits 90 when the environment or an action is wrong.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int rank = -1;
static const char *signal_file;

static _Noreturn void die(const char *what)
{
    fprintf(stderr, "pbrun_test_rank: %s: %s\n", what, errno ? strerror(errno) : "bad");
    exit(90);
}

static const char *need_env(const char *name)
{
    const char *v = getenv(name);
    if (!v) {
        errno = 0;
        die(name);
    }
    return v;
}

/* One write() per record: O_APPEND makes concurrent ranks' lines whole. */
static void append_line(const char *file, const char *line)
{
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line))
        die(file);
    close(fd);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("write");
        p += w;
        n -= (size_t)w;
    }
}

static void on_signal(int sig)
{
    char line[64];
    snprintf(line, sizeof line, "%d %d\n", rank, sig);
    int fd = open(signal_file, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd >= 0) {
        ssize_t ignored = write(fd, line, strlen(line));
        (void)ignored;
        close(fd);
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    char line[8192];
    rank = atoi(need_env("PB_RANK"));

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *arg1 = i + 1 < argc ? argv[i + 1] : NULL;
        const char *arg2 = i + 2 < argc ? argv[i + 2] : NULL;
        errno = 0;

        if (!strcmp(a, "env")) {
            snprintf(line, sizeof line, "rank=%s size=%s map=%s job=%s shm=%s launcher=%s ppid=%d\n",
                     need_env("PB_RANK"), need_env("PB_SIZE"), need_env("PB_NODE_MAP"),
                     need_env("PB_JOB_ID"), need_env("PB_SHM_DIR"), need_env("PB_LAUNCHER_PID"),
                     (int)getppid());
            write_all(1, line, strlen(line));
        } else if (!strcmp(a, "ready") && arg1) {
            snprintf(line, sizeof line, "%d %d\n", rank, (int)getpid());
            append_line(arg1, line);
            i++;
        } else if (!strcmp(a, "await") && arg1 && arg2) {
            /* Lets a test fail a rank only once every rank is up, instead
             * of guessing with a sleep that a loaded machine outlasts. */
            for (int tries = 0;; tries++) {
                int lines = 0;
                FILE *f = fopen(arg1, "r");
                for (int c; f && (c = getc(f)) != EOF;)
                    lines += c == '\n';
                if (f)
                    fclose(f);
                if (lines >= atoi(arg2))
                    break;
                if (tries == 1000) {
                    errno = ETIMEDOUT;
                    die(arg1);
                }
                nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
            }
            i += 2;
        } else if (!strcmp(a, "touch") && arg1) {
            snprintf(line, sizeof line, "%s/pb-%s-%s-%d", need_env("PB_SHM_DIR"),
                     need_env("PB_JOB_ID"), arg1, rank);
            int fd = open(line, O_WRONLY | O_CREAT | O_EXCL, 0600);
            if (fd < 0)
                die(line);
            close(fd);
            i++;
        } else if (!strcmp(a, "lines") && arg1) {
            long k = atol(arg1);
            for (long j = 0; j < k; j++) {
                int n = snprintf(line, sizeof line, "rank %d out %ld\n", rank, j);
                write_all(1, line, (size_t)n / 2);  /* split: pbrun must rejoin */
                write_all(1, line + n / 2, (size_t)(n - n / 2));
                n = snprintf(line, sizeof line, "rank %d err %ld\n", rank, j);
                write_all(2, line, (size_t)n / 2);
                write_all(2, line + n / 2, (size_t)(n - n / 2));
            }
            int n = snprintf(line, sizeof line, "rank %d tail", rank);
            write_all(1, line, (size_t)n);
            i++;
        } else if (!strcmp(a, "exit-if") && arg1 && arg2) {
            if (atoi(arg1) == rank)
                exit(atoi(arg2));
            i += 2;
        } else if (!strcmp(a, "kill-if") && arg1 && arg2) {
            if (atoi(arg1) == rank)
                raise(atoi(arg2));
            i += 2;
        } else if (!strcmp(a, "leave-group")) {
            if (getpgrp() != getpid() && setpgid(0, 0) < 0)
                die("setpgid");
        } else if (!strcmp(a, "ignore-term")) {
            signal(SIGTERM, SIG_IGN);
        } else if (!strcmp(a, "on-signal") && arg1) {
            signal_file = arg1;
            signal(SIGINT, on_signal);
            signal(SIGTERM, on_signal);
            signal(SIGHUP, on_signal);
            i++;
        } else if (!strcmp(a, "fds")) {
            DIR *d = opendir("/proc/self/fd");
            if (!d)
                die("/proc/self/fd");
            int n = snprintf(line, sizeof line, "rank %d fds:", rank);
            struct dirent *e;
            while ((e = readdir(d))) {
                int fd = atoi(e->d_name);
                if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
                    n += snprintf(line + n, sizeof line - (size_t)n, " %d", fd);
            }
            closedir(d);
            line[n++] = '\n';
            write_all(1, line, (size_t)n);
        } else if (!strcmp(a, "stdin")) {
            long total = 0;
            ssize_t n;
            while ((n = read(0, line, sizeof line)) > 0)
                total += n;
            n = snprintf(line, sizeof line, "rank %d stdin %ld\n", rank, total);
            write_all(1, line, (size_t)n);
        } else if (!strcmp(a, "sleep") && arg1) {
            if (!strcmp(arg1, "forever")) {
                for (;;)
                    pause();
            }
            double s = atof(arg1);
            struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
            while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
            i++;
        } else if (!strcmp(a, "exit") && arg1) {
            exit(atoi(arg1));
        } else {
            errno = 0;
            die(a);
        }
    }
    return 0;
}
