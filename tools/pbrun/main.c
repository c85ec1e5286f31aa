/*
 * main.c: the order of a job's life. Each step depends on the one before:
 *
 *  1. signals are blocked (signalfd) before any child exists, so no SIGCHLD
 *     or SIGINT can slip between fork() and the loop;
 *  2. the launcher marker is written before any rank can create a file, so
 *     `--cleanup all` always finds out whether a job's launcher is alive;
 *  3. the reaper is forked before the ranks and before any rank pipe exists,
 *     so it holds neither rank output pipes (which would hide their EOF) nor
 *     anything a rank could inherit;
 *  4. with --netns, the network is made after the reaper exists (it removes
 *     it if pbrun dies half way) and before the ranks, which enter it;
 *  5. the job's network and files are removed only once every rank has been
 *     reaped, and the reaper is dismissed only after that, so there is no
 *     moment in which nobody is responsible for them.
 */
#include "pbrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run_job(const struct pbrun_opts *o)
{
    struct pbrun_job job;
    memset(&job, 0, sizeof job);
    job.opts = o;
    job.reaper_fd = -1;
    job.reaper_done_fd = -1;
    job.sigfd = -1;

    int err = pbrun_make_job_id(job.id);
    if (err) {
        fprintf(stderr, "pbrun: cannot make a job id: getrandom: %s\n", strerror(-err));
        return PBRUN_EXIT_INTERNAL;
    }
    if (pbrun_signals_setup(&job) < 0)
        return PBRUN_EXIT_INTERNAL;

    err = pbrun_marker_create(o->shm_dir, job.id);
    if (err) {
        fprintf(stderr, "pbrun: cannot create pb-%s-launcher in %s: %s\n", job.id, o->shm_dir,
                strerror(-err));
        return PBRUN_EXIT_INTERNAL;
    }
    if (pbrun_reaper_start(&job) < 0) {
        pbrun_remove_job_files(o->shm_dir, job.id);
        return PBRUN_EXIT_INTERNAL;
    }

    if (o->netns && pbrun_netns_setup(&job) < 0) {
        pbrun_remove_job_files(o->shm_dir, job.id);
        pbrun_reaper_stop(&job);
        return PBRUN_EXIT_INTERNAL;
    }

    pbrun_launch(&job);         /* failures here set job.ending and exit_code */
    pbrun_loop(&job);           /* returns once every started rank is reaped */

    if (o->netns)
        pbrun_netns_teardown(&job, true);
    pbrun_remove_job_files(o->shm_dir, job.id);
    pbrun_reaper_stop(&job);
    return job.exit_code;
}

int main(int argc, char **argv)
{
    struct pbrun_opts o;
    pbrun_parse_options(argc, argv, &o);    /* exits itself for --help, --version, errors */
    if (o.cleanup)
        return pbrun_cleanup_command(&o);
    return run_job(&o);
}
