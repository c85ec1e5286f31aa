/*
 * cleanup.c: the job's files in the shm dir.
 *
 * Every shared object of a job is named pb-<jobid>-* (docs/launch.md), so
 * removing a job is removing that prefix. pbrun adds one file of its own,
 * the launcher marker pb-<jobid>-launcher, holding
 *     "<pid> <start time> <pid namespace>\n"
 * of the pbrun that runs the job. `--cleanup all` reads it to decide
 * whether a job is dead: the pid alone is not enough (pids are reused), so
 * the start time from /proc/<pid>/stat must match too, and a marker from
 * another pid namespace (a container sharing /dev/shm) cannot be judged at
 * all and is left alone. The same record, on the bridge of a --netns job,
 * tells netsweep.c whether that job's network is a leftover.
 */
#include "pbrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER_SUFFIX "launcher"

/* True if name is pb-<id>-something. */
static bool is_job_file(const char *name, const char *id)
{
    return strncmp(name, "pb-", 3) == 0 && strncmp(name + 3, id, PBRUN_JOBID_LEN) == 0 &&
           name[3 + PBRUN_JOBID_LEN] == '-';
}

static void marker_name(char *buf, size_t size, const char *id)
{
    snprintf(buf, size, "pb-%s-" MARKER_SUFFIX, id);
}

/* Returns how many files were removed, or -errno. The marker goes last: if
 * this is interrupted, what is left still says whose it is and whether its
 * launcher lives, so `--cleanup all` can finish the job. */
int pbrun_remove_job_files(const char *dir, const char *id)
{
    char marker[64];
    int removed = 0, err = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    marker_name(marker, sizeof marker, id);

    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_job_file(e->d_name, id) || strcmp(e->d_name, marker) == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
        else if (errno != ENOENT)   /* ENOENT: the reaper or a rank beat us to it */
            err = -errno;
    }
    if (unlinkat(dirfd(d), marker, 0) == 0)
        removed++;
    else if (errno != ENOENT)
        err = -errno;
    closedir(d);
    return err ? err : removed;
}

const char *pbrun_proc_stat(const char *pid, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    /* The command name (field 2) may hold spaces and ')'; fields after the
     * last ')' are plain numbers and letters. */
    char *p = strrchr(buf, ')');
    return p ? p + 1 : NULL;
}

/* Field 22 of /proc/<pid>/stat (clock ticks since boot); 0 if unknown. */
static unsigned long long start_time(pid_t pid)
{
    char id[16], buf[1024];
    snprintf(id, sizeof id, "%d", (int)pid);
    const char *p = pbrun_proc_stat(id, buf, sizeof buf);
    if (!p)
        return 0;
    for (int field = 3; field < 22; field++) {  /* p is just before field 3 */
        p += strspn(p, " ");
        p += strcspn(p, " ");
    }
    return strtoull(p, NULL, 10);
}

static unsigned long long pid_namespace(void)
{
    struct stat st;
    return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

int pbrun_launcher_record(char *buf, size_t size)
{
    return snprintf(buf, size, "%d %llu %llu", (int)getpid(), start_time(getpid()),
                    pid_namespace());
}

int pbrun_marker_create(const char *dir, const char *id)
{
    char path[PATH_MAX], name[64], text[96];
    marker_name(name, sizeof name, id);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return -ENAMETOOLONG;
    int len = pbrun_launcher_record(text, sizeof text - 1);
    text[len++] = '\n';
    /* O_EXCL: a fresh 128-bit id cannot collide, so an existing file means
     * something is badly wrong and we must not adopt it. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, text, (size_t)len);
    int err = n == len ? 0 : (n < 0 ? -errno : -EIO);
    close(fd);
    if (err)
        unlink(path);
    return err;
}

enum pbrun_launcher pbrun_launcher_judge(const char *text, int *pid_out)
{
    int pid;
    unsigned long long started, ns;
    *pid_out = 0;
    if (sscanf(text, "%d %llu %llu", &pid, &started, &ns) != 3 || pid <= 0)
        return LAUNCHER_UNKNOWN;
    *pid_out = pid;
    if (ns != pid_namespace())
        return LAUNCHER_UNKNOWN;
    if (kill(pid, 0) < 0 && errno == ESRCH)
        return LAUNCHER_DEAD;
    unsigned long long now_started = start_time(pid);
    if (started && now_started && started != now_started)
        return LAUNCHER_DEAD;   /* the pid now belongs to another process */
    return LAUNCHER_ALIVE;
}

static enum pbrun_launcher launcher_state(const char *dir, const char *id, int *pid_out)
{
    char path[PATH_MAX], name[64], text[96];
    marker_name(name, sizeof name, id);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    *pid_out = 0;

    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? LAUNCHER_NO_MARKER : LAUNCHER_UNKNOWN;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    /* Unreadable or half written (its launcher is writing it right now):
     * not proof of death, so keep the job. */
    if (n <= 0)
        return LAUNCHER_UNKNOWN;
    text[n] = '\0';
    return pbrun_launcher_judge(text, pid_out);
}

static bool is_hex_id(const char *s)
{
    for (int i = 0; i < PBRUN_JOBID_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* The distinct job ids among pb-<id>-* names in dir. */
static int list_jobs(const char *dir, char (**ids)[PBRUN_JOBID_LEN + 1], int *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    int n = 0, cap = 0;
    char(*v)[PBRUN_JOBID_LEN + 1] = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (strncmp(name, "pb-", 3) != 0 || strlen(name) <= 3 + PBRUN_JOBID_LEN ||
            !is_hex_id(name + 3) || name[3 + PBRUN_JOBID_LEN] != '-')
            continue;
        bool seen = false;
        for (int i = 0; i < n && !seen; i++)
            seen = strncmp(v[i], name + 3, PBRUN_JOBID_LEN) == 0;
        if (seen)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            void *p = realloc(v, (size_t)cap * sizeof *v);
            if (!p) {
                free(v);
                closedir(d);
                return -ENOMEM;
            }
            v = p;
        }
        memcpy(v[n], name + 3, PBRUN_JOBID_LEN);
        v[n++][PBRUN_JOBID_LEN] = '\0';
    }
    closedir(d);
    *ids = v;
    *count = n;
    return 0;
}

static int remove_and_report(const char *dir, const char *id, const char *why)
{
    int n = pbrun_remove_job_files(dir, id);
    if (n < 0) {
        fprintf(stderr, "pbrun: cannot remove the files of job %s in %s: %s\n", id, dir,
                strerror(-n));
        return 1;
    }
    printf("pbrun: removed %d file(s) of job %s from %s%s\n", n, id, dir, why);
    return 0;
}

int pbrun_cleanup_command(const struct pbrun_opts *o)
{
    const char *dir = o->shm_dir;
    int pid;

    if (strcmp(o->cleanup, "all") != 0) {
        /* Named explicitly: the user decides. Still say so if it looks alive. */
        if (launcher_state(dir, o->cleanup, &pid) == LAUNCHER_ALIVE)
            fprintf(stderr, "pbrun: warning: job %s still has a running launcher (pid %d)\n",
                    o->cleanup, pid);
        int rc = remove_and_report(dir, o->cleanup, "");
        return rc | pbrun_netns_sweep(o);
    }

    char(*ids)[PBRUN_JOBID_LEN + 1] = NULL;
    int count = 0, rc = 0;
    int err = list_jobs(dir, &ids, &count);
    if (err) {
        fprintf(stderr, "pbrun: cannot list %s: %s\n", dir, strerror(-err));
        return 1;
    }
    for (int i = 0; i < count; i++) {
        char why[64];
        switch (launcher_state(dir, ids[i], &pid)) {
        case LAUNCHER_DEAD:
            snprintf(why, sizeof why, " (its launcher, pid %d, is gone)", pid);
            rc |= remove_and_report(dir, ids[i], why);
            break;
        case LAUNCHER_ALIVE:
            printf("pbrun: kept job %s: its launcher (pid %d) is running\n", ids[i], pid);
            break;
        case LAUNCHER_UNKNOWN:
            printf("pbrun: kept job %s: cannot tell whether its launcher lives; "
                   "use --cleanup %s if it is dead\n", ids[i], ids[i]);
            break;
        case LAUNCHER_NO_MARKER:
            printf("pbrun: kept job %s: it has no launcher record (not started by pbrun?); "
                   "use --cleanup %s if it is dead\n", ids[i], ids[i]);
            break;
        }
    }
    if (count == 0)
        printf("pbrun: no job files in %s\n", dir);
    free(ids);
    /* --netns networks are judged by their own record: they do not depend
     * on which shm dir their job used. */
    return rc | pbrun_netns_sweep(o);
}
