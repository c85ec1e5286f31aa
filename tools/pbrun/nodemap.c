/*
 * nodemap.c: turns --nodes/--map into PB_NODE_MAP ("0,0,1,1"), the node of
 * every rank in rank order. The contract (docs/launch.md) promises the
 * library that nodes are numbered 0..K-1 and that each has a rank, so every
 * map is checked here rather than left for the ranks to trip over.
 */
#include "pbrun.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses "1,0,1,0" into node[]; exits with a usage error naming the rank. */
static void parse_list(const char *text, int nranks, int *node)
{
    const char *p = text;
    for (int r = 0; r < nranks; r++) {
        const char *start = p;
        long v = 0;
        while (isdigit((unsigned char)*p)) {
            v = v * 10 + (*p - '0');
            if (v > PBRUN_MAX_RANKS)
                break;
            p++;
        }
        if (p == start || v >= PBRUN_MAX_RANKS)
            pbrun_usage_error("--map: bad node for rank %d in '%s' (want a node number)", r,
                              text);
        node[r] = (int)v;
        if (r + 1 < nranks) {
            if (*p == '\0')
                pbrun_usage_error("--map lists %d nodes but -n is %d", r + 1, nranks);
            if (*p != ',')
                pbrun_usage_error("--map: unexpected '%s' in '%s'", p, text);
            p++;
        }
    }
    if (*p == ',')
        pbrun_usage_error("--map lists more than %d nodes but -n is %d", nranks, nranks);
    if (*p != '\0')
        pbrun_usage_error("--map: unexpected '%s' in '%s'", p, text);
}

char *pbrun_node_map(const char *map, int nranks, int *nnodes)
{
    int k = *nnodes;
    int *node = calloc((size_t)nranks, sizeof *node);
    if (!node) {
        perror("pbrun");
        exit(PBRUN_EXIT_INTERNAL);
    }

    if (!map || strcmp(map, "block") == 0) {
        if (!k)
            k = 1;
        /* Node i gets [i*N/K, (i+1)*N/K): sizes differ by at most one. */
        for (int i = 0; i < k; i++)
            for (long long r = (long long)i * nranks / k; r < (long long)(i + 1) * nranks / k; r++)
                node[r] = i;
    } else if (strcmp(map, "cyclic") == 0) {
        if (!k)
            k = 1;
        for (int r = 0; r < nranks; r++)
            node[r] = r % k;
    } else {
        parse_list(map, nranks, node);
        int max = 0;
        for (int r = 0; r < nranks; r++)
            if (node[r] > max)
                max = node[r];
        if (!k)
            k = max + 1;    /* "--map 0,0,1,1" alone means two nodes */
        else if (max >= k)
            pbrun_usage_error("--map puts a rank on node %d, but --nodes %d numbers nodes 0..%d",
                              max, k, k - 1);
        char *used = calloc((size_t)k, 1);
        if (!used) {
            perror("pbrun");
            exit(PBRUN_EXIT_INTERNAL);
        }
        for (int r = 0; r < nranks; r++)
            used[node[r]] = 1;
        for (int i = 0; i < k; i++)
            if (!used[i])
                pbrun_usage_error("--map puts no rank on node %d; every node 0..%d needs one", i,
                                  k - 1);
        free(used);
    }

    /* Up to 5 digits and a comma per rank, plus the terminator. */
    char *text = malloc((size_t)nranks * 6 + 1);
    if (!text) {
        perror("pbrun");
        exit(PBRUN_EXIT_INTERNAL);
    }
    size_t len = 0;
    for (int r = 0; r < nranks; r++)
        len += (size_t)sprintf(text + len, r ? ",%d" : "%d", node[r]);
    free(node);
    *nnodes = k;
    return text;
}
