/*
 * pbrun.h: what the files of the pbrun launcher share. Private to pbrun.
 *
 * pbrun talks to libpostbox only through the environment and the shared
 * memory directory (docs/launch.md), so nothing here comes from
 * include/postbox.h and pbrun does not link the library.
 *
 * Files and their one job each:
 *   main.c     the order of a job's life: id, marker, reaper, launch, loop, cleanup
 *   options.c  the command line and the usage text
 *   nodemap.c  --nodes/--map into the PB_NODE_MAP text
 *   launch.c   job id, environment, fork/exec of the ranks
 *   output.c   --tag-output: per-rank pipes and line prefixing
 *   loop.c     signals and deadlines: the one poll() loop of the job
 *   reap.c     ranks' ends, failure reports, ending the job, exit status
 *   cleanup.c  removing pb-<jobid>-* files, the launcher marker, --cleanup
 *   reaper.c   the process that cleans up if pbrun itself is killed
 *   bind.c     --bind: which core each rank is pinned to
 *   netns.c    --netns: the job's namespaces, bridge and veths, and ranks entering them
 *   ipcmd.c    running ip(8) in batch mode, removing network objects
 *   netsweep.c --cleanup of network objects left by dead --netns jobs
 */
#ifndef PBRUN_H
#define PBRUN_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define PBRUN_JOBID_LEN 32      /* 128 random bits as lowercase hex */
#define PBRUN_MAX_RANKS 65536   /* one host; beyond this fork and fd limits bite first */
#define PBRUN_GRACE_MS 2000     /* SIGTERM -> SIGKILL delay when ending a job */

/* --netns names (docs/pbrun.md). Interface names have at most 15 chars. */
#define PBRUN_NET_TAG 12        /* job id hex digits in namespace and bridge names */
#define PBRUN_VETH_TAG 8        /* ... in host veth names: pbv<8>-<node> is 15 at node 253 */
#define PBRUN_NETNS_MAX_NODES 254   /* one /24 per job: node k is host k+1 */
#define PBRUN_NETNS_DIR "/run/netns"    /* where ip(8) names namespaces */
#define PBRUN_NETNS_IFACE "pbnet0"  /* each node's end of its veth pair */

/* pbrun's own exit codes; a rank's status passes through unchanged. */
enum {
    PBRUN_EXIT_USAGE = 2,       /* bad command line */
    PBRUN_EXIT_TIMEOUT = 124,   /* --timeout expired (as timeout(1)) */
    PBRUN_EXIT_INTERNAL = 125,  /* pbrun itself failed (as env(1), timeout(1)) */
    PBRUN_EXIT_NOEXEC = 127,    /* prog could not be executed */
};

struct pbrun_opts {
    int nranks;                 /* -n; 0 until given */
    int nnodes;                 /* --nodes; 0 = not given (1, or inferred from a LIST) */
    const char *map;            /* --map text; NULL = block */
    char *node_map;             /* PB_NODE_MAP text built from -n, --nodes, --map */
    bool tag_output;            /* --tag-output */
    double timeout;             /* --timeout in seconds; 0 = none */
    const char *timeout_text;   /* --timeout as typed, so the message echoes the user */
    char *shm_dir;              /* absolute, resolved: --shm-dir, $PB_SHM_DIR or /dev/shm */
    const char *cleanup;        /* --cleanup JOBID|all; NULL = run a job */
    int bind;                   /* --bind 1, --no-bind 0, -1 = on when ranks <= cores */
    int *cpus;                  /* with binding: the cores pbrun may use, in order */
    int ncpus;
    bool netns;                 /* --netns: a network namespace per node */
    char *ip;                   /* with --netns: absolute path of ip(8) */
    char **argv;                /* prog and its arguments, NULL terminated */
};

/* One output stream (stdout or stderr) of one rank under --tag-output. */
struct pbrun_stream {
    int fd;                     /* pbrun's read end; -1 once closed */
    int child_fd;               /* the rank's write end; open only around fork() */
    int dest;                   /* 1 or 2: where the prefixed lines go */
    char *pend;                 /* bytes of the line not yet complete */
    size_t len, cap;
    bool midline;               /* the current line was already partly written (too long) */
};

struct pbrun_rank {
    pid_t pid;                  /* 0 if never started */
    bool running;               /* started and not yet reaped by waitpid() */
    char tag[16];               /* "[rank] " */
    size_t taglen;
    struct pbrun_stream out, err;
};

struct pbrun_job {
    const struct pbrun_opts *opts;
    char id[PBRUN_JOBID_LEN + 1];
    struct pbrun_rank *ranks;   /* opts->nranks entries */
    int nstarted;               /* ranks forked so far */
    int running;                /* ranks not yet reaped */
    pid_t pgid;                 /* the job's process group (rank 0's pid) */
    int sigfd;                  /* signalfd for SIGCHLD, SIGINT, SIGTERM, SIGHUP */
    sigset_t orig_mask;         /* signal mask to give back to children */

    /* Ending: once set, the job only winds down. */
    bool ending;
    bool killed;                /* SIGKILL already sent */
    int exit_code;              /* first failure's code; 0 while all is well */
    struct timespec kill_at;    /* when SIGTERM turns into SIGKILL */

    pid_t reaper_pid;           /* 0 if none (or it was reaped) */
    int reaper_fd;              /* write end of the reaper's pipe; only pbrun holds it */
    int reaper_done_fd;         /* read end of a pipe the reaper holds open until it exits */
    bool out_broken[3];         /* [1], [2]: stdout/stderr refused writes (EPIPE) */

    int *ns_fds;                /* --netns: each node's namespace, O_CLOEXEC; NULL without */
    int *rank_node;             /* --netns: the node of each rank */
};

/* options.c */
void pbrun_parse_options(int argc, char **argv, struct pbrun_opts *o);
void pbrun_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* nodemap.c: returns the PB_NODE_MAP text; exits with a usage error on a bad map. */
char *pbrun_node_map(const char *map, int nranks, int *nnodes);

/* launch.c */
int pbrun_make_job_id(char id[PBRUN_JOBID_LEN + 1]);
void pbrun_launch(struct pbrun_job *job);

/* output.c */
int pbrun_output_pipes(struct pbrun_rank *r);
void pbrun_output_child(struct pbrun_rank *r);
void pbrun_output_parent(struct pbrun_rank *r);
int pbrun_output_pollfds(struct pbrun_job *job, struct pollfd *fds);
void pbrun_output_ready(struct pbrun_job *job, const struct pollfd *fds, int n);
void pbrun_output_finish(struct pbrun_job *job);

/* loop.c */
int pbrun_signals_setup(struct pbrun_job *job);
void pbrun_signals_child(const struct pbrun_job *job);
void pbrun_loop(struct pbrun_job *job);
struct timespec pbrun_after(double seconds);

/* reap.c */
void pbrun_reap(struct pbrun_job *job);
void pbrun_reap_all(struct pbrun_job *job);
void pbrun_signal_ranks(struct pbrun_job *job, int sig);
void pbrun_end_job(struct pbrun_job *job, int sig, int code);
void pbrun_kill_now(struct pbrun_job *job);

/* cleanup.c */
enum pbrun_launcher { LAUNCHER_ALIVE, LAUNCHER_DEAD, LAUNCHER_UNKNOWN, LAUNCHER_NO_MARKER };
int pbrun_remove_job_files(const char *dir, const char *id);
/* "<pid> <start time> <pid namespace>" of this process, as in the marker. */
int pbrun_launcher_record(char *buf, size_t size);
/* Whether the launcher such a record describes still runs. */
enum pbrun_launcher pbrun_launcher_judge(const char *text, int *pid);
int pbrun_marker_create(const char *dir, const char *id);
int pbrun_cleanup_command(const struct pbrun_opts *o);
/* Reads /proc/<pid>/stat into buf; returns the text after the command name
 * (starting with " <state>"), or NULL if the process is gone. */
const char *pbrun_proc_stat(const char *pid, char *buf, size_t size);

/* bind.c: decides binding once (before fork); in a child, pins it. */
void pbrun_bind_plan(struct pbrun_opts *o);
int pbrun_bind_child(const struct pbrun_opts *o, int rank);

/* reaper.c */
int pbrun_reaper_start(struct pbrun_job *job);
void pbrun_reaper_set_pgid(struct pbrun_job *job);
void pbrun_reaper_stop(struct pbrun_job *job);
/* A helper process (ip) pbrun waits for; 0 when done. Killed with pbrun. */
void pbrun_reaper_set_helper(struct pbrun_job *job, pid_t pid);

/* netns.c */
void pbrun_netns_check(struct pbrun_opts *o);   /* usage errors: root, nodes, ip */
char *pbrun_find_ip(void);                      /* absolute path of ip(8), or NULL */
void pbrun_netns_name(char *buf, size_t size, const char *id, int node);
void pbrun_bridge_name(char *buf, size_t size, const char *id);
void pbrun_veth_name(char *buf, size_t size, const char *id, int node);
int pbrun_netns_setup(struct pbrun_job *job);   /* -1: said why, removed what it made */
int pbrun_netns_set_env(void);                  /* the variables every rank shares; -errno */
int pbrun_netns_child(const struct pbrun_job *job, int rank);  /* -1 + errno */
int pbrun_netns_teardown(struct pbrun_job *job, bool report);  /* objects left */
int pbrun_netns_remove(const char *ip, const char *id, int nnodes, bool report);

/* ipcmd.c */
enum { PBRUN_IP_FORCE = 1, PBRUN_IP_QUIET = 2 };
int pbrun_ip_batch(const char *ip, const char *ns, int flags, const char *script,
                   struct pbrun_job *job);
struct pbrun_netobj {
    bool is_ns;                 /* a named network namespace, else a link */
    char name[64];
};
int pbrun_ip_remove(const char *ip, const struct pbrun_netobj *objs, int n, bool report);
bool pbrun_netobj_exists(const struct pbrun_netobj *o);

/* netsweep.c: --cleanup JOBID|all for network objects; 0 or 1 (failed) */
int pbrun_netns_sweep(const struct pbrun_opts *o);

#endif
