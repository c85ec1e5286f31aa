/*
 * cleanup.c - what a job leaves in its shm dir.
 *
 * usage: cleanup normal|abort|kill9 MARKDIR
 *   MARKDIR: an empty directory the ranks use to meet outside the library.
 *
 * normal: rank 0 notes the job's files before anyone opens the library
 *   (the launcher's own), the ranks exchange pool-sized messages across
 *   nodes, rank 0 checks the job's shared objects are there, private
 *   (mode 0600, owned by this user), then every rank closes; once all have
 *   closed, rank 0 checks pb_close removed every object the library made
 *   (invariant 8), before pbrun's own cleanup runs.
 * abort / kill9: the last rank dies (abort() / SIGKILL) in the middle of
 *   traffic while the others wait on it; cleanup.sh then checks pbrun
 *   fails the job and nothing is left.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static const char *shm_dir(void)
{
	const char *d = getenv("PB_SHM_DIR");
	return d && *d ? d : "/dev/shm";
}

/* Names of the job's files (pb-<job id>-*) in the shm dir, one string
 * "name\n..." sorted as readdir gives them; count in *n. */
static char *job_files(int *n, int check_private)
{
	const char *id = getenv("PB_JOB_ID");
	CHECKF(id && *id, "no PB_JOB_ID: run under pbrun");
	char prefix[128];
	snprintf(prefix, sizeof(prefix), "pb-%s-", id);
	DIR *d = opendir(shm_dir());
	CHECKF(d, "cannot open %s", shm_dir());
	size_t cap = 4096, used = 0;
	char *list = t_malloc(cap);
	list[0] = 0;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		if (check_private) {
			struct stat sb;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", shm_dir(),
				 e->d_name);
			if (stat(path, &sb) == 0) {
				CHECKF((sb.st_mode & 0777) == 0600,
				       "%s has mode %o, want 0600", e->d_name,
				       sb.st_mode & 0777);
				CHECKF(sb.st_uid == getuid(),
				       "%s belongs to uid %d", e->d_name,
				       (int)sb.st_uid);
			}
		}
		size_t l = strlen(e->d_name);
		if (used + l + 2 > cap) {
			cap = 2 * (used + l + 2);
			list = realloc(list, cap);
			CHECK(list);
		}
		memcpy(list + used, e->d_name, l);
		used += l;
		list[used++] = '\n';
		list[used] = 0;
		(*n)++;
	}
	closedir(d);
	return list;
}

/* Is every line of a also a line of b? */
static int subset(const char *a, const char *b)
{
	for (const char *p = a; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = (size_t)(nl - p) + 1;
		int found = 0;
		for (const char *q = b; *q && !found;) {
			const char *qn = strchr(q, '\n');
			found = (size_t)(qn - q) + 1 == l && !memcmp(p, q, l);
			q = qn + 1;
		}
		if (!found)
			return 0;
		p = nl + 1;
	}
	return 1;
}

/* A meeting point outside the library: create MARKDIR/<what>.<rank>, then
 * wait until all ranks have. */
static void meet(const char *dir, const char *what, int rank, int size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.%d", dir, what, rank);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	CHECKF(fd >= 0, "cannot create %s", path);
	close(fd);
	double t0 = t_now();
	for (int r = 0; r < size; r++) {
		snprintf(path, sizeof(path), "%s/%s.%d", dir, what, r);
		while (access(path, F_OK)) {
			CHECKF(t_now() - t0 < 30, "rank %d never reached %s", r,
			       what);
			t_sleep_us(1000);
		}
	}
}

static int env_int(const char *v)
{
	const char *s = getenv(v);
	CHECKF(s, "%s not set: run under pbrun", v);
	return atoi(s);
}

int main(int argc, char **argv)
{
	const char *mode = t_arg_str(argc, argv, 1, "normal");
	const char *mark = t_arg_str(argc, argv, 2, NULL);
	CHECKF(mark, "usage: cleanup MODE MARKDIR");
	int rank = env_int("PB_RANK"), size = env_int("PB_SIZE");
	t_rank = rank;

	/* before anyone opens: whatever the job has now is the launcher's */
	meet(mark, "start", rank, size);
	int nbefore = 0;
	char *before = rank == 0 ? job_files(&nbefore, 0) : NULL;
	meet(mark, "noted", rank, size);

	pb_job *job = t_open();
	int n = t_size, me = t_rank;
	int to = (me + 1) % n, from = (me + n - 1) % n;
	size_t len = 100000;
	uint8_t *sb = t_malloc(len), *rb = t_malloc(len);
	int msgs = 20;
	for (int i = 0; i < msgs; i++) {
		if (strcmp(mode, "normal") && me == n - 1 && i == msgs / 2) {
			fprintf(stderr, "rank %d: dying (%s) on purpose\n", me,
				mode);
			fflush(stderr);
			if (!strcmp(mode, "abort"))
				abort();
			raise(SIGKILL);
		}
		pb_req *rq;
		pb_status st;
		t_msg_fill(sb, len - (size_t)i, me, to, i, 0);
		CHECK_OK(pb_isend(job, to, i, sb, len - (size_t)i, &rq));
		CHECK_OK(pb_recv(job, from, i, rb, len, &st));
		T_MSG_VERIFY(rb, len - (size_t)i, from, me, i, 0);
		CHECK_OK(pb_wait(&rq, NULL));
	}
	CHECK_OK(pb_barrier(job));
	if (me == 0) {
		int nduring;
		free(job_files(&nduring, 1));
		CHECKF(nduring > nbefore, "no shared object of the job in %s "
		       "during the job", shm_dir());
		printf("cleanup: %d objects in %s during the job, all 0600\n",
		       nduring - nbefore, shm_dir());
	}
	CHECK_OK(pb_barrier(job));
	CHECK_OK(pb_close(job));
	meet(mark, "closed", rank, size);
	if (rank == 0) {
		int nafter;
		char *after = job_files(&nafter, 0);
		CHECKF(subset(after, before),
		       "after every rank's pb_close the shm dir still holds:\n"
		       "%sbefore pb_open it held:\n%s", after, before);
		printf("cleanup: pb_close removed every object\n");
		free(after);
		free(before);
	}
	free(sb);
	free(rb);
	return 0;
}
