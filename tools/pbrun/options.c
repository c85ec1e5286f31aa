/*
 * options.c: the command line. Parsed by hand rather than with getopt_long
 * because pbrun must stop at the program name (its arguments belong to the
 * ranks) and must accept the MPI-style single-dash `-np`.
 *
 * Every error names the option and the offending value and exits 2, so a
 * script can tell a bad command line from a failed job.
 */
#include "pbrun.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef PBRUN_VERSION
#define PBRUN_VERSION "unknown"
#endif

static const char usage_text[] =
    "Usage: pbrun [options] -n N prog [args...]\n"
    "       pbrun --cleanup JOBID|all [--shm-dir DIR]\n"
    "\n"
    "Start N ranks of prog as one Postbox job, forward their output, end the\n"
    "whole job when one rank fails, and remove the job's shared objects.\n"
    "\n"
    "Options:\n"
    "  -n N, -np N          number of ranks (required), 1..65536\n"
    "  --nodes K            emulate K nodes on this host (default 1; K <= N)\n"
    "  --map block|cyclic|LIST\n"
    "                       which node each rank is on. block (default): ranks\n"
    "                       [i*N/K, (i+1)*N/K) on node i. cyclic: rank r on node\n"
    "                       r mod K. LIST: the node of every rank, comma separated\n"
    "                       (e.g. 0,0,1,1); N entries, every node 0..K-1 used;\n"
    "                       without --nodes, K is the largest node + 1\n"
    "  --tag-output         prefix every output line with \"[rank] \"\n"
    "  --bind, --no-bind    pin rank r to the (r mod C)-th of the C cores pbrun\n"
    "                       may use, or not; default: pin when ranks <= cores.\n"
    "                       A pinned rank gets PB_BIND_CPU=<core>\n"
    "  --timeout SEC        end the job after SEC seconds (exit 124)\n"
    "  --shm-dir DIR        where the job's shared objects live\n"
    "                       (default $PB_SHM_DIR, else /dev/shm)\n"
    "  --netns              root only: run every node in a network namespace of\n"
    "                       its own (pb-<job id[0..12)>-<k>), with address\n"
    "                       10.A.B.<k+1>/24 on interface pbnet0, one end of a veth\n"
    "                       pair whose other end is on a bridge pbrun creates.\n"
    "                       Ranks also get FI_TCP_IFACE=pbnet0, PB_NETNS=1,\n"
    "                       PB_NODE_ADDR and PB_MEDIUM=ofi (unless set). At most\n"
    "                       254 nodes; all of it is removed when the job ends\n"
    "  --cleanup JOBID      remove the files pb-JOBID-* in the shm dir, and the\n"
    "                       job's --netns namespaces and links, and exit\n"
    "  --cleanup all        remove the files and --netns networks of every job\n"
    "                       whose pbrun is dead\n"
    "  -h, --help           show this help and exit\n"
    "  -V, --version        show the version and exit\n"
    "\n"
    "Every rank gets PB_JOB_ID, PB_RANK, PB_SIZE, PB_NODE_MAP, PB_SHM_DIR and\n"
    "PB_LAUNCHER_PID in its environment (docs/launch.md). Ranks run in their own\n"
    "process group; SIGINT, SIGTERM and SIGHUP sent to pbrun are forwarded.\n"
    "Rank 0 reads pbrun's stdin unless it is a terminal; the others read /dev/null.\n"
    "\n"
    "Exit status:\n"
    "  0        every rank exited 0\n"
    "  1-123    the status of the first rank that failed\n"
    "  124      --timeout expired\n"
    "  125      pbrun itself failed (fork, files, ...)\n"
    "  127      prog could not be executed\n"
    "  128+S    the first failing rank was killed by signal S,\n"
    "           or pbrun received signal S (INT, TERM, HUP)\n"
    "  2        bad command line\n";

void pbrun_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pbrun: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'pbrun --help' for more information.\n", stderr);
    exit(PBRUN_EXIT_USAGE);
}

/* A whole decimal number in [min, max]; strict so "4x" or " 4" is an error. */
static int parse_count(const char *opt, const char *text, int min, int max)
{
    const char *p = text;
    while (isdigit((unsigned char)*p))
        p++;
    if (p == text || *p != '\0')
        pbrun_usage_error("%s needs a whole number from %d to %d, not '%s'", opt, min, max, text);
    errno = 0;
    long v = strtol(text, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        pbrun_usage_error("%s needs a whole number from %d to %d, not '%s'", opt, min, max, text);
    return (int)v;
}

/* Seconds, fractions allowed (tests want 0.5). Upper bound keeps the deadline
 * arithmetic far from overflow while being longer than any real job. */
static double parse_seconds(const char *opt, const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!(isdigit((unsigned char)text[0]) || text[0] == '.') || *end != '\0' || errno ||
        !isfinite(v) || v <= 0 || v > 1e9)
        pbrun_usage_error("%s needs a number of seconds above 0 (at most 1e9), not '%s'", opt,
                          text);
    return v;
}

static bool is_job_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isdigit((unsigned char)s[n]) && !(s[n] >= 'a' && s[n] <= 'f'))
            return false;
    return n == PBRUN_JOBID_LEN;
}

/* The directory must exist now: finding out after the ranks started would
 * waste the launch and make every rank report the same error. The path is
 * made absolute so ranks that chdir() and the reaper (which chdirs to /)
 * still agree on it. */
static char *resolve_shm_dir(const char *dir, const char *source)
{
    char *abs = realpath(dir, NULL);
    struct stat st;
    if (!abs)
        pbrun_usage_error("%s '%s': %s", source, dir, strerror(errno));
    if (stat(abs, &st) < 0 || !S_ISDIR(st.st_mode))
        pbrun_usage_error("%s '%s': %s", source, dir, strerror(ENOTDIR));
    return abs;
}

enum opt_id { OPT_BIND, OPT_NOBIND, OPT_N, OPT_NODES, OPT_MAP, OPT_TAG, OPT_TIMEOUT, OPT_SHM, OPT_CLEANUP, OPT_HELP,
              OPT_VERSION, OPT_NETNS };

struct opt_spec {
    const char *name;
    enum opt_id id;
    bool takes_value;
};

static const struct opt_spec specs[] = {
    {"-n", OPT_N, true},           {"-np", OPT_N, true},         {"--np", OPT_N, true},
    {"--nodes", OPT_NODES, true},  {"--map", OPT_MAP, true},     {"--tag-output", OPT_TAG, false},
    {"--bind", OPT_BIND, false},   {"--no-bind", OPT_NOBIND, false},
    {"--timeout", OPT_TIMEOUT, true}, {"--shm-dir", OPT_SHM, true},
    {"--netns", OPT_NETNS, false},
    {"--cleanup", OPT_CLEANUP, true}, {"-h", OPT_HELP, false},   {"--help", OPT_HELP, false},
    {"-V", OPT_VERSION, false},    {"--version", OPT_VERSION, false},
};

/* Finds the spec for argv[*i] and its value (from "--opt=value", "-n4" or
 * the next argument), advancing *i past what it consumed. */
static const struct opt_spec *match(int argc, char **argv, int *i, const char **value)
{
    const char *arg = argv[*i];
    size_t namelen = strcspn(arg, "=");
    const char *attached = arg[namelen] == '=' ? arg + namelen + 1 : NULL;

    /* "-n4": the MPI habit of gluing the count to -n. */
    if (arg[1] == 'n' && isdigit((unsigned char)arg[2])) {
        *value = arg + 2;
        return &specs[0];
    }
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        const struct opt_spec *s = &specs[k];
        if (strlen(s->name) != namelen || strncmp(s->name, arg, namelen) != 0)
            continue;
        if (!s->takes_value) {
            if (attached)
                pbrun_usage_error("option '%s' takes no value", s->name);
            *value = NULL;
        } else if (attached) {
            *value = attached;
        } else if (*i + 1 < argc) {
            *value = argv[++*i];
        } else {
            pbrun_usage_error("option '%s' needs a value", s->name);
        }
        return s;
    }
    pbrun_usage_error("unknown option '%.*s'", (int)namelen, arg);
}

void pbrun_parse_options(int argc, char **argv, struct pbrun_opts *o)
{
    const char *shm_arg = NULL;
    const char *map = NULL;
    memset(o, 0, sizeof *o);
    o->bind = -1;

    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;  /* the program: everything from here on is the ranks' */
        const char *v;
        const struct opt_spec *s = match(argc, argv, &i, &v);
        switch (s->id) {
        case OPT_N:
            o->nranks = parse_count("-n", v, 1, PBRUN_MAX_RANKS);
            break;
        case OPT_NODES:
            o->nnodes = parse_count("--nodes", v, 1, PBRUN_MAX_RANKS);
            break;
        case OPT_MAP:
            map = v;
            break;
        case OPT_TAG:
            o->tag_output = true;
            break;
        case OPT_BIND:
            o->bind = 1;
            break;
        case OPT_NOBIND:
            o->bind = 0;
            break;
        case OPT_TIMEOUT:
            o->timeout = parse_seconds("--timeout", v);
            o->timeout_text = v;
            break;
        case OPT_SHM:
            shm_arg = v;
            break;
        case OPT_NETNS:
            o->netns = true;
            break;
        case OPT_CLEANUP:
            if (strcmp(v, "all") != 0 && !is_job_id(v))
                pbrun_usage_error("--cleanup needs 'all' or a job id of 32 lowercase hex "
                                  "digits, not '%s'", v);
            o->cleanup = v;
            break;
        case OPT_HELP:
            fputs(usage_text, stdout);
            exit(0);
        case OPT_VERSION:
            printf("pbrun (Postbox) %s\n", PBRUN_VERSION);
            exit(0);
        }
    }

    const char *env_dir = getenv("PB_SHM_DIR");
    if (shm_arg)
        o->shm_dir = resolve_shm_dir(shm_arg, "--shm-dir");
    else if (env_dir && *env_dir)
        o->shm_dir = resolve_shm_dir(env_dir, "PB_SHM_DIR");
    else
        o->shm_dir = resolve_shm_dir("/dev/shm", "shm dir");

    if (o->cleanup) {
        if (i < argc || o->nranks || o->netns)
            pbrun_usage_error("--cleanup runs no program; give it only --shm-dir");
        return;
    }
    if (!o->nranks)
        pbrun_usage_error("missing -n N, the number of ranks");
    if (i >= argc)
        pbrun_usage_error("no program to run");
    if (o->nnodes > o->nranks)
        pbrun_usage_error("--nodes %d is more than the %d ranks; every node needs a rank",
                          o->nnodes, o->nranks);
    o->map = map;
    o->node_map = pbrun_node_map(map, o->nranks, &o->nnodes);
    o->argv = argv + i;
    if (o->netns)
        pbrun_netns_check(o);
    pbrun_bind_plan(o);
}
