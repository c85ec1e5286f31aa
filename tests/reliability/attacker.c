/*
 * attacker.c - what a process of another user tries against a job
 * (attack.sh runs it as an unprivileged user).
 *
 *   attacker probe DIR JOBID       open every pb-JOBID-* file read-only,
 *                                  read-write, read-write with O_TRUNC;
 *                                  each must fail (EACCES). Exit 0 when all
 *                                  failed, 1 when any open succeeded, 3
 *                                  when there was nothing to try
 *   attacker join DIR JOBID SIZE MAP  pb_open with the job's environment,
 *                                  as rank 0: the library must refuse
 *                                  (PB_EPERM), not join. Exit 0 if so
 *   attacker squat DIR JOBID NAME...  create pb-JOBID-NAME files, mode
 *                                  0666, with a made-up header, before the
 *                                  job does (a job must refuse them)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postbox.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: attacker probe|join|squat DIR JOBID ...\n");
		return 2;
	}
	const char *what = argv[1], *dir = argv[2], *job = argv[3];
	char pre[128], path[8192];
	snprintf(pre, sizeof(pre), "pb-%s-", job);
	printf("attacker: uid %d\n", (int)geteuid());
	if (!strcmp(what, "probe")) {
		int tried = 0, opened = 0;
		DIR *d = opendir(dir);
		if (!d) {
			perror(dir);
			return 1;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, pre, strlen(pre)))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			static const int how[] = {O_RDONLY, O_RDWR,
						  O_RDWR | O_TRUNC};
			for (int i = 0; i < 3; i++) {
				int fd = open(path, how[i] | O_NOFOLLOW);
				tried++;
				if (fd >= 0) {
					printf("attacker: OPENED %s (flags %d)\n",
					       e->d_name, how[i]);
					opened++;
					close(fd);
				} else if (errno != EACCES) {
					printf("attacker: %s: %s\n", e->d_name,
					       strerror(errno));
				}
			}
		}
		closedir(d);
		printf("attacker: %d attempts on the job's files, %d "
		       "succeeded\n", tried, opened);
		return opened ? 1 : tried ? 0 : 3;
	}
	if (!strcmp(what, "join") && argc == 6) {
		setenv("PB_JOB_ID", job, 1);
		setenv("PB_SHM_DIR", dir, 1);
		setenv("PB_RANK", "0", 1);
		setenv("PB_SIZE", argv[4], 1);
		setenv("PB_NODE_MAP", argv[5], 1);
		unsetenv("PB_LAUNCHER_PID");
		pb_job *j;
		int rc = pb_open(&j);
		printf("attacker: pb_open as rank 0 of the job: %d (%s)\n", rc,
		       pb_strerror(rc));
		if (rc == 0) {
			pb_close(j);
			return 1;
		}
		return rc == PB_EPERM ? 0 : 1;
	}
	if (!strcmp(what, "squat")) {
		for (int i = 4; i < argc; i++) {
			snprintf(path, sizeof(path), "%s/%s%s", dir, pre,
				 argv[i]);
			int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0666);
			if (fd < 0) {
				perror(path);
				return 1;
			}
			fchmod(fd, 0666);
			/* big enough to look like anything; zeros but for a
			 * few words */
			if (ftruncate(fd, 1 << 20) != 0) {
				perror("ftruncate");
				return 1;
			}
			close(fd);
			printf("attacker: squatted %s%s\n", pre, argv[i]);
		}
		return 0;
	}
	fprintf(stderr, "attacker: bad arguments\n");
	return 2;
}
