/*
 * shm.c - the shm medium: regions are files in a tmpfs directory
 * (/dev/shm by default), which is what shm_open() uses underneath; working
 * with paths lets us publish an object atomically with link().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "postbox.h"
#include "medium/medium.h"

struct shm_medium {
	char dir[PATH_MAX];
	char job[64];
};

static int path_of(const struct shm_medium *s, const char *name, char *out,
		   size_t len)
{
	int n = snprintf(out, len, "%s/pb-%s-%s", s->dir, s->job, name);
	return n > 0 && (size_t)n < len ? 0 : PB_EINVAL;
}

static int map_fd(int fd, uint64_t size, struct pb_region **out)
{
	struct pb_region *r = calloc(1, sizeof(*r));
	if (!r)
		return PB_ENOMEM;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		free(r);
		return errno == ENOMEM ? PB_ENOMEM : PB_ESYS;
	}
	r->base = p;
	r->size = size;
	*out = r;
	return 0;
}

/* Refuse early, with numbers, when the tmpfs cannot hold the object: a
 * full /dev/shm otherwise shows up later as SIGBUS in some other rank. */
static int check_room(const struct shm_medium *s, uint64_t size)
{
	struct statvfs v;
	if (statvfs(s->dir, &v) != 0)
		return 0; /* cannot tell; fallocate below still protects us */
	uint64_t avail = (uint64_t)v.f_bavail * v.f_frsize;
	if (avail < size) {
		fprintf(stderr,
			"postbox: not enough room in %s: a segment needs %llu "
			"bytes, %llu are free (enlarge %s or lower "
			"PB_POOL_SIZE)\n",
			s->dir, (unsigned long long)size,
			(unsigned long long)avail, s->dir);
		return PB_ENOSPC;
	}
	return 0;
}

static int shm_create(struct pb_medium *m, const char *name, uint64_t size,
		      pb_region_init_fn init, void *arg,
		      struct pb_region **out)
{
	struct shm_medium *s = m->priv;
	char final[PATH_MAX], tmp[PATH_MAX];
	uint64_t rnd;
	int rc, fd;

	if ((rc = path_of(s, name, final, sizeof(final))))
		return rc;
	if (access(final, F_OK) == 0)
		return PB_EAGAIN;
	if ((rc = check_room(s, size)))
		return rc;
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint64_t)getpid() << 20 ^ (uint64_t)(uintptr_t)&rnd;
	/* the temporary name carries the job prefix so pbrun's cleanup finds
	 * it if we die before publishing */
	char sfx[32];
	snprintf(sfx, sizeof(sfx), "tmp-%016llx", (unsigned long long)rnd);
	if ((rc = path_of(s, sfx, tmp, sizeof(tmp))))
		return rc;
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return errno == ENOSPC ? PB_ENOSPC : PB_ESYS;
	(void)fchmod(fd, 0600); /* whatever the umask: attach checks 0600 */
	/* allocate every page now: a lazily backed tmpfs file would SIGBUS
	 * whoever touches a page the filesystem can no longer supply */
	rc = posix_fallocate(fd, 0, (off_t)size);
	if (rc) {
		if (rc == ENOSPC)
			fprintf(stderr,
				"postbox: %s is full: could not reserve %llu "
				"bytes for a segment\n",
				s->dir, (unsigned long long)size);
		close(fd);
		unlink(tmp);
		return rc == ENOSPC ? PB_ENOSPC : PB_ESYS;
	}
	rc = map_fd(fd, size, out);
	close(fd);
	if (rc) {
		unlink(tmp);
		return rc;
	}
	if (init && (rc = init((*out)->base, size, arg))) {
		munmap((*out)->base, size);
		free(*out);
		unlink(tmp);
		return rc;
	}
	/* link() publishes atomically and fails if the name exists: exactly
	 * one creator wins, losers attach the winner's object */
	if (link(tmp, final) != 0) {
		int e = errno;
		unlink(tmp);
		munmap((*out)->base, size);
		free(*out);
		*out = NULL;
		return e == EEXIST ? PB_EAGAIN : PB_ESYS;
	}
	unlink(tmp);
	return 0;
}

static int shm_attach(struct pb_medium *m, const char *name,
		      struct pb_region **out)
{
	struct shm_medium *s = m->priv;
	char path[PATH_MAX];
	struct stat st;
	int rc, fd;

	if ((rc = path_of(s, name, path, sizeof(path))))
		return rc;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? PB_EAGAIN
		       : errno == EACCES ? PB_EPERM
					 : PB_ESYS;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return PB_ESYS;
	}
	/* only our own, private, regular files: anything else was not made by
	 * this job */
	if (st.st_uid != geteuid() || (st.st_mode & 0777) != 0600 ||
	    !S_ISREG(st.st_mode)) {
		close(fd);
		return PB_EPERM;
	}
	if (st.st_size <= 0) {
		close(fd);
		return PB_ECORRUPT;
	}
	rc = map_fd(fd, (uint64_t)st.st_size, out);
	close(fd);
	return rc;
}

static void shm_detach(struct pb_medium *m, struct pb_region *r)
{
	(void)m;
	if (!r)
		return;
	munmap(r->base, r->size);
	free(r);
}

static int shm_unlink_name(struct pb_medium *m, const char *name)
{
	struct shm_medium *s = m->priv;
	char path[PATH_MAX];
	int rc;
	if ((rc = path_of(s, name, path, sizeof(path))))
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return PB_ESYS;
	return 0;
}

static void shm_fini(struct pb_medium *m)
{
	free(m->priv);
	m->priv = NULL;
}

static const struct pb_medium_ops shm_ops = {
	.name = "shm",
	.create = shm_create,
	.attach = shm_attach,
	.detach = shm_detach,
	.unlink = shm_unlink_name,
	.fini = shm_fini,
};

int pb_shm_open(struct pb_medium *m, const char *dir, const char *job_id)
{
	struct shm_medium *s = calloc(1, sizeof(*s));
	if (!s)
		return PB_ENOMEM;
	if (strlen(dir) >= sizeof(s->dir) || strlen(job_id) >= sizeof(s->job)) {
		free(s);
		return PB_EINVAL;
	}
	strcpy(s->dir, dir);
	strcpy(s->job, job_id);
	m->ops = &shm_ops;
	m->priv = s;
	return 0;
}
