/*
 * netns.c: --netns puts every emulated node in a network namespace of its
 * own, so that traffic between nodes crosses a real network stack (veth,
 * bridge, TCP/IP) as it would between hosts, while /dev/shm stays shared
 * (the mount namespace is untouched) for the bootstrap's files.
 *
 * For job id J and nodes 0..K-1 (docs/pbrun.md):
 *   bridge          pbb<J[0..12)>, in pbrun's namespace, no address; its
 *                   alias holds "pbrun <J> <launcher record>" so that
 *                   --cleanup all can tell a dead job's network from a live one
 *   namespace k     pb-<J[0..12)>-<k>   (/run/netns/..., made by ip netns add)
 *   veth pair k     pbv<J[0..8)>-<k> on the bridge, and pbnet0 inside namespace k
 *   address of k    10.<J byte 0>.<J byte 1>.<k+1>/24 on pbnet0
 * Creation order is bridge, then per node namespace and veth; removal is
 * the reverse, bridge last: whoever sees a namespace also finds its bridge
 * and record, and a namespace without a bridge is a leftover.
 *
 * Each rank enters its node's namespace with setns() between fork and exec,
 * through a descriptor pbrun opened once per node.
 */
#include "pbrun.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* linux/capability.h numbers; the header drags in kernel types we need not. */
#define CAP_NET_ADMIN_BIT 12
#define CAP_SYS_ADMIN_BIT 21

void pbrun_netns_name(char *buf, size_t size, const char *id, int node)
{
    snprintf(buf, size, "pb-%.*s-%d", PBRUN_NET_TAG, id, node);
}

void pbrun_bridge_name(char *buf, size_t size, const char *id)
{
    snprintf(buf, size, "pbb%.*s", PBRUN_NET_TAG, id);
}

void pbrun_veth_name(char *buf, size_t size, const char *id, int node)
{
    snprintf(buf, size, "pbv%.*s-%d", PBRUN_VETH_TAG, id, node);
}

/* 10.A.B.(node+1): A.B from the job id, so concurrent jobs almost always
 * get different subnets. Even when they coincide nothing clashes: each
 * job has its own bridge, and pbrun's namespace gets no address or route. */
static void node_addr(char *buf, size_t size, const char *id, int node)
{
    unsigned a, b;
    sscanf(id, "%2x%2x", &a, &b);
    snprintf(buf, size, "10.%u.%u.%d", a, b, node + 1);
}

/* Effective capabilities from /proc, rather than euid 0: root in a
 * container without CAP_SYS_ADMIN cannot create namespaces either. */
static bool has_caps(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    unsigned long long eff = 0;
    bool found = false;
    if (!f)
        return geteuid() == 0;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "CapEff: %llx", &eff) == 1;
    fclose(f);
    if (!found)
        return geteuid() == 0;
    return (eff >> CAP_SYS_ADMIN_BIT & 1) && (eff >> CAP_NET_ADMIN_BIT & 1);
}

/* ip lives in /sbin or /usr/sbin, which a user's PATH (or sudo's) may lack. */
char *pbrun_find_ip(void)
{
    const char *path = getenv("PATH");
    char *dirs = NULL;
    if (asprintf(&dirs, "%s:/usr/sbin:/sbin:/usr/bin:/bin", path ? path : "") < 0)
        return NULL;
    char *save = NULL, *found = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *cand;
        struct stat st;
        if (*d != '/' || asprintf(&cand, "%s/ip", d) < 0)
            continue;   /* relative PATH entries would change meaning after chdir */
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(dirs);
    return found;
}

void pbrun_netns_check(struct pbrun_opts *o)
{
    if (!has_caps())
        pbrun_usage_error("--netns needs root: creating network namespaces, veths and a "
                          "bridge takes CAP_SYS_ADMIN and CAP_NET_ADMIN, which pbrun lacks "
                          "(uid %d)", (int)geteuid());
    if (o->nnodes > PBRUN_NETNS_MAX_NODES)
        pbrun_usage_error("--netns handles at most %d nodes (one /24 subnet per job), "
                          "not --nodes %d", PBRUN_NETNS_MAX_NODES, o->nnodes);
    o->ip = pbrun_find_ip();
    if (!o->ip)
        pbrun_usage_error("--netns needs the ip command (iproute2), found neither in PATH "
                          "nor in /usr/sbin or /sbin");
}

static bool taken(bool is_ns, const char *name)
{
    struct pbrun_netobj o = {.is_ns = is_ns};
    snprintf(o.name, sizeof o.name, "%s", name);
    if (!pbrun_netobj_exists(&o))
        return false;
    fprintf(stderr, "pbrun: --netns: %s %s already exists; not touching it\n",
            is_ns ? "network namespace" : "link", name);
    return true;
}

/* Our names must be free: removing what "we" made after a clash would
 * remove another job's objects. Two jobs clash only if their ids share
 * the first 8 hex digits. */
static int check_free(const struct pbrun_job *job)
{
    char name[64];
    pbrun_bridge_name(name, sizeof name, job->id);
    if (taken(false, name))
        return -1;
    for (int k = 0; k < job->opts->nnodes; k++) {
        pbrun_netns_name(name, sizeof name, job->id, k);
        if (taken(true, name))
            return -1;
        pbrun_veth_name(name, sizeof name, job->id, k);
        if (taken(false, name))
            return -1;
    }
    return 0;
}

static char *root_script(const struct pbrun_job *job)
{
    char br[32], ns[64], veth[32], rec[96];
    char *script = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&script, &size);
    if (!f)
        return NULL;
    pbrun_bridge_name(br, sizeof br, job->id);
    pbrun_launcher_record(rec, sizeof rec);
    fprintf(f, "link add name %s type bridge\n", br);
    fprintf(f, "link set dev %s alias \"pbrun %s %s\"\n", br, job->id, rec);
    fprintf(f, "link set dev %s up\n", br);
    for (int k = 0; k < job->opts->nnodes; k++) {
        pbrun_netns_name(ns, sizeof ns, job->id, k);
        pbrun_veth_name(veth, sizeof veth, job->id, k);
        /* The peer is born inside the namespace: no moment in which a
         * pbnet0 sits in pbrun's own namespace. */
        fprintf(f, "netns add %s\n", ns);
        fprintf(f, "link add name %s type veth peer name " PBRUN_NETNS_IFACE " netns %s\n",
                veth, ns);
        fprintf(f, "link set dev %s master %s up\n", veth, br);
    }
    if (fclose(f) != 0) {
        free(script);
        return NULL;
    }
    return script;
}

static int setup_node(struct pbrun_job *job, int k)
{
    char ns[64], addr[32], script[256];
    pbrun_netns_name(ns, sizeof ns, job->id, k);
    node_addr(addr, sizeof addr, job->id, k);
    snprintf(script, sizeof script,
             "addr add %s/24 dev " PBRUN_NETNS_IFACE "\n"
             "link set dev lo up\n"
             "link set dev " PBRUN_NETNS_IFACE " up\n", addr);
    int rc = pbrun_ip_batch(job->opts->ip, ns, 0, script, job);
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "pbrun: --netns: cannot run %s: %s\n", job->opts->ip, strerror(-rc));
        else
            fprintf(stderr, "pbrun: --netns: configuring " PBRUN_NETNS_IFACE
                    " (%s) in namespace %s failed: ip exited with status %d\n", addr, ns, rc);
        return -1;
    }
    char path[128];
    snprintf(path, sizeof path, PBRUN_NETNS_DIR "/%s", ns);
    job->ns_fds[k] = open(path, O_RDONLY | O_CLOEXEC);
    if (job->ns_fds[k] < 0) {
        fprintf(stderr, "pbrun: --netns: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* PB_NODE_MAP back into numbers, once, so a child finds its node in O(1). */
static int parse_rank_nodes(struct pbrun_job *job)
{
    const struct pbrun_opts *o = job->opts;
    job->rank_node = calloc((size_t)o->nranks, sizeof *job->rank_node);
    if (!job->rank_node)
        return -1;
    const char *p = o->node_map;
    for (int r = 0; r < o->nranks; r++) {
        char *end;
        job->rank_node[r] = (int)strtol(p, &end, 10);
        p = *end ? end + 1 : end;
    }
    return 0;
}

int pbrun_netns_setup(struct pbrun_job *job)
{
    const struct pbrun_opts *o = job->opts;
    if (check_free(job) < 0)
        return -1;
    job->ns_fds = malloc((size_t)o->nnodes * sizeof *job->ns_fds);
    char *script = root_script(job);
    if (!job->ns_fds || !script || parse_rank_nodes(job) < 0) {
        fprintf(stderr, "pbrun: --netns: out of memory\n");
        free(script);
        free(job->ns_fds);
        job->ns_fds = NULL;
        return -1;
    }
    for (int k = 0; k < o->nnodes; k++)
        job->ns_fds[k] = -1;

    int rc = pbrun_ip_batch(o->ip, NULL, 0, script, job);
    free(script);
    if (rc < 0)
        fprintf(stderr, "pbrun: --netns: cannot run %s: %s\n", o->ip, strerror(-rc));
    else if (rc > 0)
        fprintf(stderr, "pbrun: --netns: creating the bridge, namespaces and veths failed: "
                "ip exited with status %d\n", rc);
    for (int k = 0; rc == 0 && k < o->nnodes; k++)
        rc = setup_node(job, k);
    if (rc == 0)
        return 0;

    fprintf(stderr, "pbrun: --netns: removing what was created; no rank was started\n");
    pbrun_netns_teardown(job, true);
    return -1;
}

int pbrun_netns_set_env(void)
{
    /* libfabric's tcp provider binds to this interface; it is the only
     * one besides lo in a node's namespace. */
    if (setenv("FI_TCP_IFACE", PBRUN_NETNS_IFACE, 1) || setenv("PB_NETNS", "1", 1))
        return -errno;
    /* shm across namespaces would work but bypass the network: the point
     * of --netns is the network path. The user's choice still wins. */
    return setenv("PB_MEDIUM", "ofi", 0) ? -errno : 0;
}

int pbrun_netns_child(const struct pbrun_job *job, int rank)
{
    char addr[32];
    int node = job->rank_node[rank];
    if (setns(job->ns_fds[node], CLONE_NEWNET) < 0)
        return -1;
    node_addr(addr, sizeof addr, job->id, node);
    return setenv("PB_NODE_ADDR", addr, 1);
}

/* Every object of job id over nnodes nodes, in removal order. */
int pbrun_netns_remove(const char *ip, const char *id, int nnodes, bool report)
{
    struct pbrun_netobj *objs = calloc(2 * (size_t)nnodes + 1, sizeof *objs);
    int n = 0;
    if (!objs)
        return -ENOMEM;
    /* veths first: deleting one end removes both at once, even while some
     * stray process keeps its namespace alive after the name is gone. */
    for (int k = 0; k < nnodes; k++)
        pbrun_veth_name(objs[n++].name, sizeof objs->name, id, k);
    for (int k = 0; k < nnodes; k++) {
        objs[n].is_ns = true;
        pbrun_netns_name(objs[n++].name, sizeof objs->name, id, k);
    }
    pbrun_bridge_name(objs[n++].name, sizeof objs->name, id);
    int left = pbrun_ip_remove(ip, objs, n, report);
    free(objs);
    return left;
}

/* Called once no rank runs (or none was started). Our descriptors go
 * first: they would keep the namespaces alive after their names are gone. */
int pbrun_netns_teardown(struct pbrun_job *job, bool report)
{
    const struct pbrun_opts *o = job->opts;
    for (int k = 0; job->ns_fds && k < o->nnodes; k++)
        if (job->ns_fds[k] >= 0)
            close(job->ns_fds[k]);
    free(job->ns_fds);
    free(job->rank_node);
    job->ns_fds = NULL;
    job->rank_node = NULL;
    int left = pbrun_netns_remove(o->ip, job->id, o->nnodes, report);
    if (left != 0 && report)
        fprintf(stderr, "pbrun: --netns: the job's network is not entirely removed; "
                "'pbrun --cleanup %s' tries again\n", job->id);
    return left;
}
