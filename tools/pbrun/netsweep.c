/*
 * netsweep.c: `--cleanup` for the network objects of --netns jobs (names
 * in netns.c), which live outside the shm dir and so need a sweep of their
 * own.
 *
 * Whether a job is dead is read from its bridge: the alias holds
 * "pbrun <job id> <pid> <start time> <pid namespace>", the same launcher
 * record as the shm marker. The bridge is made before and removed after
 * every namespace and veth of its job, so:
 *   - a bridge whose launcher is dead: remove it, its namespaces and veths;
 *   - a bridge whose launcher lives, or cannot be judged: keep them all;
 *   - a namespace or veth with no bridge of its job: a teardown was cut
 *     short (its launcher and reaper died in it), so remove it.
 * Namespaces and veths are listed before bridges: a job that starts
 * between the two lists has a bridge in the second, so its fresh
 * namespace is never taken for a leftover.
 */
#include "pbrun.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct found {
    struct pbrun_netobj *v;
    int n, cap;
};

static bool hex_run(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
            return false;
    return true;
}

static bool digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* pb-<12 hex>-<node> */
static bool is_our_ns(const char *name)
{
    return strncmp(name, "pb-", 3) == 0 && strlen(name) > 3 + PBRUN_NET_TAG + 1 &&
           hex_run(name + 3, PBRUN_NET_TAG) && name[3 + PBRUN_NET_TAG] == '-' &&
           digits(name + 4 + PBRUN_NET_TAG);
}

/* pbv<8 hex>-<node> */
static bool is_our_veth(const char *name)
{
    return strncmp(name, "pbv", 3) == 0 && strlen(name) > 3 + PBRUN_VETH_TAG + 1 &&
           hex_run(name + 3, PBRUN_VETH_TAG) && name[3 + PBRUN_VETH_TAG] == '-' &&
           digits(name + 4 + PBRUN_VETH_TAG);
}

/* pbb<12 hex> */
static bool is_our_bridge(const char *name)
{
    return strncmp(name, "pbb", 3) == 0 && strlen(name) == 3 + PBRUN_NET_TAG &&
           hex_run(name + 3, PBRUN_NET_TAG);
}

/* The job tag (the hex after the 3-character prefix) of an object. */
static const char *tag_of(const struct pbrun_netobj *o)
{
    return o->name + 3;
}

static int add(struct found *f, bool is_ns, const char *name)
{
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 16;
        void *p = realloc(f->v, (size_t)cap * sizeof *f->v);
        if (!p)
            return -ENOMEM;
        f->v = p;
        f->cap = cap;
    }
    struct pbrun_netobj *o = &f->v[f->n++];
    o->is_ns = is_ns;
    snprintf(o->name, sizeof o->name, "%s", name);
    return 0;
}

/* Our namespaces and veths now, then our bridges (see the top). A missing
 * /run/netns just means no namespace was ever named on this host. */
static int list_objects(struct found *ns, struct found *veth, struct found *br)
{
    DIR *d = opendir(PBRUN_NETNS_DIR);
    if (!d && errno != ENOENT)
        return -errno;
    for (struct dirent *e; d && (e = readdir(d));)
        if (is_our_ns(e->d_name) && add(ns, true, e->d_name) < 0) {
            closedir(d);
            return -ENOMEM;
        }
    if (d)
        closedir(d);

    for (int pass = 0; pass < 2; pass++) {
        struct if_nameindex *ifs = if_nameindex();
        if (!ifs)
            return -errno;
        int err = 0;
        for (struct if_nameindex *i = ifs; i->if_index && !err; i++) {
            if (pass == 0 && is_our_veth(i->if_name))
                err = add(veth, false, i->if_name);
            if (pass == 1 && is_our_bridge(i->if_name))
                err = add(br, false, i->if_name);
        }
        if_freenameindex(ifs);
        if (err)
            return err;
    }
    return 0;
}

/* The bridge's alias: "pbrun <job id> <launcher record>". Copies the job
 * id into id (empty if unreadable) and judges the launcher. */
static enum pbrun_launcher bridge_state(const char *bridge, char id[PBRUN_JOBID_LEN + 1],
                                        int *pid)
{
    char path[128], text[256];
    snprintf(path, sizeof path, "/sys/class/net/%s/ifalias", bridge);
    id[0] = '\0';
    *pid = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return LAUNCHER_UNKNOWN;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return LAUNCHER_NO_MARKER;  /* the moment between creating and naming it */
    text[n] = '\0';
    int used = 0;
    if (sscanf(text, "pbrun %32[0-9a-f] %n", id, &used) != 1 || used == 0 ||
        strlen(id) != PBRUN_JOBID_LEN || strncmp(id, bridge + 3, PBRUN_NET_TAG) != 0) {
        id[0] = '\0';
        return LAUNCHER_NO_MARKER;
    }
    return pbrun_launcher_judge(text + used, pid);
}

/* Moves the objects of f whose tag starts with tag (taglen chars) to out. */
static int take(struct found *f, const char *tag, int taglen, struct found *out)
{
    int kept = 0;
    for (int i = 0; i < f->n; i++) {
        if (strncmp(tag_of(&f->v[i]), tag, (size_t)taglen) == 0) {
            if (add(out, f->v[i].is_ns, f->v[i].name) < 0)
                return -ENOMEM;
        } else {
            f->v[kept++] = f->v[i];
        }
    }
    f->n = kept;
    return 0;
}

static const char *ip_path(void)
{
    static char *ip;
    if (!ip)
        ip = pbrun_find_ip();
    return ip;
}

/* Removes objs (veths, namespaces, then the bridge, as given); says what
 * it did with what. Returns 0 or 1. */
static int remove_objs(struct found *objs, const char *what, const char *why)
{
    if (objs->n == 0)
        return 0;
    const char *ip = ip_path();
    if (!ip) {
        fprintf(stderr, "pbrun: cannot remove the network of %s: no ip command (iproute2) "
                "in PATH, /usr/sbin or /sbin\n", what);
        return 1;
    }
    int left = pbrun_ip_remove(ip, objs->v, objs->n, true);
    if (left != 0) {
        fprintf(stderr, "pbrun: could not remove all of the network of %s%s\n", what,
                geteuid() ? " (not root?)" : "");
        return 1;
    }
    printf("pbrun: removed %d network namespace(s) and link(s) of %s%s\n", objs->n, what, why);
    return 0;
}

static int sweep_job(const char *id)
{
    struct found ns = {0}, veth = {0}, br = {0}, mine = {0};
    int rc = 0, err = list_objects(&ns, &veth, &br);
    if (!err)
        err = take(&veth, id, PBRUN_VETH_TAG, &mine);
    if (!err)
        err = take(&ns, id, PBRUN_NET_TAG, &mine);
    if (!err)
        err = take(&br, id, PBRUN_NET_TAG, &mine);
    if (err) {
        fprintf(stderr, "pbrun: cannot list network namespaces and links: %s\n", strerror(-err));
        rc = 1;
    } else {
        char what[64];
        snprintf(what, sizeof what, "job %s", id);
        rc = remove_objs(&mine, what, "");
    }
    free(ns.v);
    free(veth.v);
    free(br.v);
    free(mine.v);
    return rc;
}

static int sweep_dead(void)
{
    struct found ns = {0}, veth = {0}, br = {0}, keep = {0}, job = {0};
    int rc = 0, err = list_objects(&ns, &veth, &br);

    for (int i = 0; !err && i < br.n; i++) {
        char id[PBRUN_JOBID_LEN + 1], what[96], why[64];
        int pid;
        const char *tag = tag_of(&br.v[i]);
        enum pbrun_launcher st = bridge_state(br.v[i].name, id, &pid);
        job.n = 0;
        /* Kept or not, a job's namespaces and veths are no orphans. */
        err = take(&veth, tag, PBRUN_VETH_TAG, st == LAUNCHER_DEAD ? &job : &keep);
        if (!err)
            err = take(&ns, tag, PBRUN_NET_TAG, st == LAUNCHER_DEAD ? &job : &keep);
        if (err)
            break;
        snprintf(what, sizeof what, "job %s", id[0] ? id : tag);
        switch (st) {
        case LAUNCHER_DEAD:
            snprintf(why, sizeof why, " (its launcher, pid %d, is gone)", pid);
            err = add(&job, false, br.v[i].name);
            if (!err)
                rc |= remove_objs(&job, what, why);
            break;
        case LAUNCHER_ALIVE:
            printf("pbrun: kept the network of %s (bridge %s): its launcher (pid %d) is "
                   "running\n", what, br.v[i].name, pid);
            break;
        default:
            printf("pbrun: kept the network of %s (bridge %s): cannot tell whether its "
                   "launcher lives; %s%s if it is dead\n", what, br.v[i].name,
                   id[0] ? "use --cleanup " : "remove it with 'ip link del' and 'ip netns del'",
                   id[0] ? id : "");
            break;
        }
    }
    if (!err && ns.n + veth.n > 0) {
        /* No bridge left for these: leftovers of an interrupted teardown. */
        job.n = 0;
        for (int i = 0; !err && i < veth.n; i++)
            err = add(&job, false, veth.v[i].name);
        for (int i = 0; !err && i < ns.n; i++)
            err = add(&job, true, ns.v[i].name);
        if (!err)
            rc |= remove_objs(&job, "jobs that no longer have a bridge",
                              " (their teardown was cut short)");
    }
    if (err) {
        fprintf(stderr, "pbrun: cannot list network namespaces and links: %s\n", strerror(-err));
        rc = 1;
    }
    free(ns.v);
    free(veth.v);
    free(br.v);
    free(keep.v);
    free(job.v);
    return rc;
}

int pbrun_netns_sweep(const struct pbrun_opts *o)
{
    return strcmp(o->cleanup, "all") == 0 ? sweep_dead() : sweep_job(o->cleanup);
}
