/*
 * output.c: --tag-output. Each rank writes stdout and stderr into its own
 * pipes; pbrun reads them (non-blocking, from the poll loop) and writes
 * only whole lines, each prefixed with "[rank] ", to its own stdout or
 * stderr.
 *
 * Why lines never interleave: pbrun is the only writer of the prefixed
 * stream, it is single-threaded, and it hands complete lines to one write()
 * per batch (blocking fd, signals blocked, so the write is never cut short).
 * The one exception is a line longer than LINE_MAX: rather than buffer
 * without bound, its head is written early and the line continues later,
 * so only such giant lines can be split by another rank's output.
 *
 * Why no byte is lost: a rank's data is in its pipe before it exits, and
 * after the last rank is reaped pbrun drains every pipe before flushing the
 * unterminated last lines (to which it adds the missing newline).
 */
#include "pbrun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 65536
#define LINE_MAX_BYTES (1 << 20)
#define DRAIN_READS 64  /* bound the final drain against a straggler that keeps writing */

static char *scratch;
static size_t scratch_cap;

static int make_pipe(struct pbrun_stream *s, int dest)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    /* Non-blocking on pbrun's end only (the two ends are separate open file
     * descriptions), so a rank's own writes keep their usual blocking. */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    *s = (struct pbrun_stream){.fd = p[0], .child_fd = p[1], .dest = dest};
    return 0;
}

int pbrun_output_pipes(struct pbrun_rank *r)
{
    if (make_pipe(&r->out, STDOUT_FILENO) < 0)
        return -1;
    if (make_pipe(&r->err, STDERR_FILENO) < 0) {
        close(r->out.fd);
        close(r->out.child_fd);
        r->out.fd = r->out.child_fd = -1;
        return -1;
    }
    return 0;
}

/* In the child: the pipes become its stdout and stderr. dup2() clears
 * O_CLOEXEC on the copies; the originals close at exec. */
void pbrun_output_child(struct pbrun_rank *r)
{
    dup2(r->out.child_fd, STDOUT_FILENO);
    dup2(r->err.child_fd, STDERR_FILENO);
}

/* In pbrun after fork(): drop the rank's ends at once, so EOF means the
 * rank (and whatever it forked) closed them, and later ranks never even
 * transiently hold them. */
void pbrun_output_parent(struct pbrun_rank *r)
{
    struct pbrun_stream *ss[2] = {&r->out, &r->err};
    for (int i = 0; i < 2; i++)
        if (ss[i]->child_fd >= 0) {
            close(ss[i]->child_fd);
            ss[i]->child_fd = -1;
        }
}

static void close_stream(struct pbrun_stream *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->pend);
    s->pend = NULL;
    s->len = s->cap = 0;
}

/* Once pbrun's stdout (or stderr) refuses data, e.g. `pbrun ... | head`,
 * stop reading the ranks' pipes for it: the ranks then get EPIPE/SIGPIPE
 * exactly as if they had written to the closed stream themselves. */
static void dest_broken(struct pbrun_job *job, int dest)
{
    job->out_broken[dest] = true;
    for (int r = 0; r < job->nstarted; r++) {
        if (job->ranks[r].out.dest == dest)
            close_stream(&job->ranks[r].out);
        if (job->ranks[r].err.dest == dest)
            close_stream(&job->ranks[r].err);
    }
}

static void write_dest(struct pbrun_job *job, int dest, const char *buf, size_t len)
{
    while (len > 0 && !job->out_broken[dest]) {
        ssize_t n = write(dest, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = errno;
            if (err != EPIPE && dest != STDERR_FILENO)
                fprintf(stderr, "pbrun: cannot write ranks' output: %s\n", strerror(err));
            dest_broken(job, dest);
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static char *scratch_reserve(size_t need)
{
    if (need > scratch_cap) {
        char *p = realloc(scratch, need);
        if (!p)
            return NULL;
        scratch = p;
        scratch_cap = need;
    }
    return scratch;
}

/* Writes pend[0, len) -- whole lines, except for a final forced piece --
 * with a tag before each line that starts here. */
static void emit(struct pbrun_job *job, const struct pbrun_rank *rk, struct pbrun_stream *s,
                 size_t len, bool add_newline)
{
    /* Tags needed: one per newline, plus one for an unterminated tail. */
    size_t lines = 1;
    for (const char *p = s->pend; (p = memchr(p, '\n', len - (size_t)(p - s->pend))); p++)
        lines++;
    char *out = scratch_reserve(len + lines * rk->taglen + 1);
    if (!out) {
        /* No memory for the tagged copy: better untagged than lost. */
        write_dest(job, s->dest, s->pend, len);
        return;
    }
    size_t o = 0;
    const char *p = s->pend, *end = s->pend + len;
    while (p < end) {
        if (!s->midline) {
            memcpy(out + o, rk->tag, rk->taglen);
            o += rk->taglen;
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        memcpy(out + o, p, n);
        o += n;
        p += n;
        s->midline = !nl;
    }
    if (add_newline) {
        out[o++] = '\n';
        s->midline = false;
    }
    write_dest(job, s->dest, out, o);
}

/* Writes out the whole lines in pend (and a too-long line's head), keeps
 * the unfinished rest for the next read. */
static void emit_lines(struct pbrun_job *job, const struct pbrun_rank *rk, struct pbrun_stream *s)
{
    const char *last = memrchr(s->pend, '\n', s->len);
    size_t upto = last ? (size_t)(last - s->pend) + 1 : 0;
    if (!last && s->len >= LINE_MAX_BYTES)
        upto = s->len;
    if (!upto)
        return;
    emit(job, rk, s, upto, false);
    if (s->pend) {  /* emit() may have closed the stream (broken dest) */
        memmove(s->pend, s->pend + upto, s->len - upto);
        s->len -= upto;
    }
}

/* Flushes the unterminated tail of a stream and closes it. */
static void finish_stream(struct pbrun_job *job, const struct pbrun_rank *rk,
                          struct pbrun_stream *s)
{
    if (s->fd >= 0 && (s->len > 0 || s->midline))
        emit(job, rk, s, s->len, true);
    close_stream(s);
}

/* One read; returns false at EOF or on error (stream finished). */
static bool read_stream(struct pbrun_job *job, const struct pbrun_rank *rk, struct pbrun_stream *s)
{
    if (s->fd < 0)
        return false;
    if (s->cap - s->len < READ_CHUNK) {
        char *p = realloc(s->pend, s->len + READ_CHUNK);
        if (!p) {
            fprintf(stderr, "pbrun: out of memory buffering output of rank %d\n",
                    (int)(rk - job->ranks));
            finish_stream(job, rk, s);
            return false;
        }
        s->pend = p;
        s->cap = s->len + READ_CHUNK;
    }
    ssize_t n = read(s->fd, s->pend + s->len, s->cap - s->len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    if (n <= 0) {
        finish_stream(job, rk, s);
        return false;
    }
    s->len += (size_t)n;
    emit_lines(job, rk, s);
    return s->fd >= 0;
}

/* Layout: fds[2r] is rank r's stdout pipe, fds[2r+1] its stderr pipe;
 * closed streams keep their slot with fd -1, which poll() skips. */
int pbrun_output_pollfds(struct pbrun_job *job, struct pollfd *fds)
{
    for (int r = 0; r < job->nstarted; r++) {
        fds[2 * r] = (struct pollfd){.fd = job->ranks[r].out.fd, .events = POLLIN};
        fds[2 * r + 1] = (struct pollfd){.fd = job->ranks[r].err.fd, .events = POLLIN};
    }
    return 2 * job->nstarted;
}

void pbrun_output_ready(struct pbrun_job *job, const struct pollfd *fds, int n)
{
    for (int i = 0; i < n; i++) {
        if (!fds[i].revents || fds[i].fd < 0)
            continue;
        struct pbrun_rank *rk = &job->ranks[i / 2];
        struct pbrun_stream *s = i % 2 ? &rk->err : &rk->out;
        if (s->fd == fds[i].fd)     /* not closed meanwhile by dest_broken() */
            read_stream(job, rk, s);
    }
}

void pbrun_output_finish(struct pbrun_job *job)
{
    for (int r = 0; r < job->nstarted; r++) {
        struct pbrun_rank *rk = &job->ranks[r];
        struct pbrun_stream *ss[2] = {&rk->out, &rk->err};
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < DRAIN_READS && read_stream(job, rk, ss[i]); k++)
                ;
            finish_stream(job, rk, ss[i]);
        }
    }
    free(scratch);
    scratch = NULL;
    scratch_cap = 0;
}
