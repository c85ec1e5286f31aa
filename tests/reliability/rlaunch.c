/*
 * rlaunch.c - a tiny launcher for reliability tests.
 *
 * pbrun ends the whole job as soon as one rank fails, which is what users
 * want and exactly what a peer-loss test must avoid: here the survivors of
 * a killed rank have to go on and show that their calls return PB_EPEER and
 * that traffic between them still works. rlaunch sets the environment of
 * docs/launch.md for each rank (PB_JOB_ID, PB_RANK, PB_SIZE, PB_NODE_MAP,
 * PB_SHM_DIR, PB_LAUNCHER_PID), starts them, reaps every rank as soon as it
 * ends (a zombie would still look alive to kill(pid, 0)), lets the others
 * run on, and removes the job's files afterwards.
 *
 *   rlaunch -n N [--nodes K | --map LIST] [--shm-dir DIR] [--job-id HEX]
 *           [--timeout SEC] [--expect-signal RANK:SIG]... [--kill RANK:MS]...
 *           [--env RANK:VAR=VALUE]... [--expect-clean] [--quiet]
 *           [--] prog args...
 *
 *   --nodes K          block map as pbrun's (ranks [i*N/K, (i+1)*N/K) on i)
 *   --map LIST         node of every rank, comma separated
 *   --shm-dir DIR      default: a private directory made under /dev/shm for
 *                      this run and removed at the end
 *   --job-id HEX       default: 32 random hex digits (getrandom)
 *   --timeout SEC      SIGKILL every rank after SEC s, exit 124 (default 60);
 *                      first prints each one's stack when gdb is there
 *   --expect-signal R:G  rank R must die of signal G (e.g. it kills itself)
 *   --kill R:MS        send SIGKILL to rank R MS milliseconds after start
 *                      (implies --expect-signal R:9 unless R exits first:
 *                      then its status must be 0)
 *   --env R:VAR=VALUE  set VAR for rank R only (R may be '*')
 *   --expect-clean     when every rank exited 0, fail (exit 3) if any file
 *                      of the job is left in the shm dir: pb_close must have
 *                      removed them all
 *
 * Exit status: 0 when every rank ended as expected (status 0, or the
 * expected signal), 1 otherwise, 124 on timeout, 3 for leftovers, 2 for a
 * bad command line. Whatever happens, the job's files are removed and a
 * private shm dir is deleted.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXR 256

static int n = 0, nodes = 1;
static int node_of[MAXR];
static int expect_sig[MAXR];
static long kill_ms[MAXR];
static pid_t pid[MAXR];
static int status[MAXR], ended[MAXR];
static char shm_dir[4096], job[80];
static int private_dir, quiet;

struct envset {
	int rank; /* -1: every rank */
	char *kv;
};
static struct envset envs[64];
static int nenv;

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "rlaunch: %s%s%s\n", msg, arg ? ": " : "",
		arg ? arg : "");
	exit(2);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int rank_arg(const char *s, char **end)
{
	long r = strtol(s, end, 10);
	if (*end == s || r < 0 || r >= MAXR)
		die("bad rank in", s);
	return (int)r;
}

/* Remove pb-<job>-* from the shm dir; returns how many were there. With
 * list set, names them on stderr first. */
static int clean(int list)
{
	char pre[128];
	int count = 0;
	snprintf(pre, sizeof(pre), "pb-%s-", job);
	DIR *d = opendir(shm_dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, pre, strlen(pre)))
			continue;
		count++;
		if (list)
			fprintf(stderr, "rlaunch: left in %s: %s\n", shm_dir,
				e->d_name);
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", shm_dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return count;
}

static void remove_private_dir(void)
{
	if (!private_dir)
		return;
	/* anything else a test put there goes too */
	DIR *d = opendir(shm_dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char path[8192];
			snprintf(path, sizeof(path), "%s/%s", shm_dir,
				 e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(shm_dir);
}

static void reap(int i, int st)
{
	ended[i] = 1;
	status[i] = st;
	if (quiet)
		return;
	if (WIFSIGNALED(st))
		fprintf(stderr, "rlaunch: rank %d killed by signal %d\n", i,
			WTERMSIG(st));
	else if (WEXITSTATUS(st))
		fprintf(stderr, "rlaunch: rank %d exited with status %d\n", i,
			WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	double timeout = 60;
	int expect_clean = 0, a;
	const char *map = NULL;
	char *end;

	for (int i = 0; i < MAXR; i++)
		kill_ms[i] = -1;
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		const char *o = argv[a];
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;
		if (!strcmp(o, "--")) {
			a++;
			break;
		}
		if (!strcmp(o, "--expect-clean")) {
			expect_clean = 1;
			continue;
		}
		if (!strcmp(o, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (!v)
			die("missing value for", o);
		a++;
		if (!strcmp(o, "-n")) {
			n = atoi(v);
			if (n < 1 || n > MAXR)
				die("bad -n", v);
		} else if (!strcmp(o, "--nodes")) {
			nodes = atoi(v);
		} else if (!strcmp(o, "--map")) {
			map = v;
		} else if (!strcmp(o, "--shm-dir")) {
			snprintf(shm_dir, sizeof(shm_dir), "%s", v);
		} else if (!strcmp(o, "--job-id")) {
			snprintf(job, sizeof(job), "%s", v);
		} else if (!strcmp(o, "--timeout")) {
			timeout = atof(v);
		} else if (!strcmp(o, "--expect-signal")) {
			int r = rank_arg(v, &end);
			if (*end != ':')
				die("expected RANK:SIG, got", v);
			expect_sig[r] = atoi(end + 1);
		} else if (!strcmp(o, "--kill")) {
			int r = rank_arg(v, &end);
			if (*end != ':')
				die("expected RANK:MS, got", v);
			kill_ms[r] = atol(end + 1);
		} else if (!strcmp(o, "--env")) {
			if (nenv == 64)
				die("too many --env", v);
			if (v[0] == '*' && v[1] == ':') {
				envs[nenv].rank = -1;
				end = (char *)v + 1;
			} else {
				envs[nenv].rank = rank_arg(v, &end);
			}
			if (*end != ':' || !strchr(end, '='))
				die("expected RANK:VAR=VALUE, got", v);
			envs[nenv++].kv = end + 1;
		} else {
			die("unknown option", o);
		}
	}
	if (a >= argc || n < 1)
		die("usage: rlaunch -n N [options] [--] prog args...", NULL);
	/* the node map, as docs/launch.md wants it */
	if (map) {
		const char *p = map;
		nodes = 0;
		for (int r = 0; r < n; r++) {
			long v = strtol(p, &end, 10);
			if (end == p || v < 0 || v >= n)
				die("bad --map", map);
			node_of[r] = (int)v;
			if (v + 1 > nodes)
				nodes = (int)v + 1;
			p = *end == ',' ? end + 1 : end;
		}
		if (*p)
			die("--map has more entries than ranks", map);
	} else {
		if (nodes < 1 || nodes > n)
			die("bad --nodes", NULL);
		for (int i = 0; i < nodes; i++)
			for (int r = i * n / nodes; r < (i + 1) * n / nodes; r++)
				node_of[r] = i;
	}
	if (!job[0]) {
		unsigned char rnd[16];
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			die("getrandom failed", NULL);
		for (int i = 0; i < 16; i++)
			sprintf(job + 2 * i, "%02x", rnd[i]);
	}
	if (!shm_dir[0]) {
		snprintf(shm_dir, sizeof(shm_dir), "/dev/shm/pbrel.XXXXXX");
		if (!mkdtemp(shm_dir))
			die("cannot make a directory under /dev/shm",
			    strerror(errno));
		private_dir = 1;
	}
	char maps[MAXR * 8] = "", num[32];
	for (int r = 0; r < n; r++) {
		snprintf(num, sizeof(num), r ? ",%d" : "%d", node_of[r]);
		strcat(maps, num);
	}
	/* SIGCHLD is taken with sigtimedwait, so a rank is reaped the moment
	 * it ends */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	pid_t me = getpid();
	double t0 = now();
	for (int r = 0; r < n; r++) {
		pid[r] = fork();
		if (pid[r] < 0) {
			perror("rlaunch: fork");
			for (int k = 0; k < r; k++)
				kill(pid[k], SIGKILL);
			clean(0);
			remove_private_dir();
			return 1;
		}
		if (pid[r] == 0) {
			char v[32];
			sigprocmask(SIG_UNBLOCK, &chld, NULL);
			/* a rank never outlives its launcher */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != me)
				_exit(127);
			setenv("PB_JOB_ID", job, 1);
			snprintf(v, sizeof(v), "%d", r);
			setenv("PB_RANK", v, 1);
			snprintf(v, sizeof(v), "%d", n);
			setenv("PB_SIZE", v, 1);
			setenv("PB_NODE_MAP", maps, 1);
			setenv("PB_SHM_DIR", shm_dir, 1);
			snprintf(v, sizeof(v), "%d", (int)me);
			setenv("PB_LAUNCHER_PID", v, 1);
			for (int e = 0; e < nenv; e++)
				if (envs[e].rank < 0 || envs[e].rank == r)
					putenv(envs[e].kv);
			execvp(argv[a], argv + a);
			fprintf(stderr, "rlaunch: cannot run %s: %s\n", argv[a],
				strerror(errno));
			_exit(127);
		}
	}
	int left = n, timed_out = 0;
	while (left > 0) {
		double t = now() - t0;
		if (t >= timeout) {
			timed_out = 1;
			break;
		}
		/* the next deadline: a --kill or the timeout */
		double next = timeout;
		for (int r = 0; r < n; r++) {
			if (kill_ms[r] < 0 || ended[r])
				continue;
			double at = kill_ms[r] / 1000.0;
			if (at <= t) {
				if (!quiet)
					fprintf(stderr,
						"rlaunch: killing rank %d "
						"(SIGKILL) after %ld ms\n",
						r, kill_ms[r]);
				kill(pid[r], SIGKILL);
				expect_sig[r] = SIGKILL;
				kill_ms[r] = -1;
			} else if (at < next) {
				next = at;
			}
		}
		double wait = next - t;
		if (wait < 0)
			wait = 0;
		struct timespec ts = {(time_t)wait,
				      (long)((wait - (time_t)wait) * 1e9)};
		sigtimedwait(&chld, NULL, &ts);
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			for (int r = 0; r < n; r++)
				if (pid[r] == p && !ended[r]) {
					reap(r, st);
					left--;
				}
	}
	int rc = 0;
	if (timed_out) {
		fprintf(stderr, "rlaunch: timed out after %g s; still running:",
			timeout);
		for (int r = 0; r < n; r++)
			if (!ended[r])
				fprintf(stderr, " rank %d", r);
		fprintf(stderr, "\n");
		/* where each one hangs, when gdb is there: a hang found in CI
		 * should say where it was */
		for (int r = 0; r < n; r++) {
			char cmd[256];
			if (ended[r])
				continue;
			snprintf(cmd, sizeof(cmd),
				 "command -v gdb >/dev/null 2>&1 && "
				 "timeout 20 gdb -p %d -batch -ex bt 2>/dev/null "
				 "| grep '^#' | head -12 | sed 's/^/rlaunch: "
				 "rank %d: /' >&2",
				 (int)pid[r], r);
			if (system(cmd) < 0)
				break;
		}
		for (int r = 0; r < n; r++)
			if (!ended[r])
				kill(pid[r], SIGKILL);
		while (waitpid(-1, NULL, 0) > 0)
			;
		rc = 124;
	} else {
		int all_zero = 1;
		for (int r = 0; r < n; r++) {
			int st = status[r];
			int ok;
			if (expect_sig[r])
				/* a rank told to be killed may also have
				 * finished first: then it must have passed */
				ok = (WIFSIGNALED(st) &&
				      WTERMSIG(st) == expect_sig[r]) ||
				     (WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
				      kill_ms[r] >= 0);
			else
				ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
				all_zero = 0;
			if (!ok) {
				fprintf(stderr,
					"rlaunch: rank %d did not end as "
					"expected\n", r);
				rc = 1;
			}
		}
		if (!rc && all_zero && expect_clean && clean(1)) {
			fprintf(stderr, "rlaunch: the job ended normally but "
					"left files behind\n");
			rc = 3;
		}
	}
	clean(0);
	remove_private_dir();
	return rc;
}
