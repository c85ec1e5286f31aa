/*
 * kv.c - publishing small values for the other ranks. PMIx has a store of
 * its own; pbrun and singletons use one file per (key, rank) in the job's
 * shm directory, which every emulated node (network namespaces included)
 * shares. A file appears whole or not at all: written under a temporary
 * name, then link()ed into place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "postbox.h"
#include "boot/boot.h"

static int kv_path(const struct pb_boot *b, char *out, size_t n,
		   const char *key, int rank)
{
	int k = snprintf(out, n, "%s/pb-%s-k%s-%d", b->shm_dir, b->job_id,
			 key, rank);
	return k < 0 || (size_t)k >= n ? PB_ERANGE : 0;
}

static int file_put(struct pb_boot *b, const char *key, const void *val,
		    size_t len)
{
	char tmp[PATH_MAX + 16];
	if (kv_path(b, b->put_path, sizeof(b->put_path), key, b->rank)) {
		b->put_path[0] = 0;
		return pb_boot_bad("PB_SHM_DIR is too long", b->shm_dir);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", b->put_path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if (write(fd, val, len) != (ssize_t)len) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	int rc = link(tmp, b->put_path);
	unlink(tmp);
	if (rc == 0)
		return 0;
fail:
	fprintf(stderr, "postbox: publishing %s for rank %d in %s: %s\n", key,
		b->rank, b->shm_dir, strerror(errno));
	b->put_path[0] = 0;
	return PB_ESYS;
}

static int file_get(struct pb_boot *b, int rank, const char *key, void *val,
		    size_t *len)
{
	char path[PATH_MAX];
	if (kv_path(b, path, sizeof(path), key, rank))
		return PB_ERANGE;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? PB_EAGAIN : PB_ESYS;
	ssize_t n = read(fd, val, *len);
	char extra;
	int more = n >= 0 && (size_t)n == *len && read(fd, &extra, 1) == 1;
	close(fd);
	if (n < 0)
		return PB_ESYS;
	if (more)
		return PB_ERANGE;
	*len = (size_t)n;
	return 0;
}

int pb_boot_put(struct pb_boot *b, const char *key, const void *val,
		size_t len)
{
	return b->put ? b->put(b, key, val, len) : file_put(b, key, val, len);
}

int pb_boot_fence(struct pb_boot *b)
{
	/* files need none: a get that comes early says PB_EAGAIN */
	return b->fence ? b->fence(b) : 0;
}

int pb_boot_get(struct pb_boot *b, int rank, const char *key, void *val,
		size_t *len)
{
	return b->get ? b->get(b, rank, key, val, len)
		      : file_get(b, rank, key, val, len);
}
