/* fail-write.c: an LD_PRELOAD library that makes writes and syncs to one
 * file fail, as a dying disk (EIO) or a full one (ENOSPC) would, for the
 * fault tests (tests/11x-fault-*.t). SQLite's own tests inject I/O errors
 * the same way, through a shim between it and the system.
 *
 * Environment:
 *   FAULT_PATH   a file is hit when its path (from /proc/self/fd) contains
 *                this text, e.g. "dsrmail.db" (also its -wal and -journal)
 *   FAULT_AFTER  how many calls on such files pass before they fail (0: the
 *                first fails); every later call fails too
 *   FAULT_ERRNO  EIO (default) or ENOSPC
 *   FAULT_OPS    "write" (write, pwrite, writev), "sync" (fsync,
 *                fdatasync) or "all" (default)
 *   FAULT_LOG    a file to append one line per failed call ("EIO pwrite64
 *                /path"), so a test knows the fault really happened
 * Without FAULT_PATH nothing is changed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static long calls;

/* The path of fd, into buffer (empty if unknown). */
static void
fd_path(int fd, char *buffer, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, buffer, size - 1);
	buffer[n > 0 ? n : 0] = '\0';
}

/* TRUE (and errno set, the failure logged) when this call on fd fails. */
static int
fault(int fd, const char *op, int is_sync)
{
	const char *match = getenv("FAULT_PATH");
	const char *ops = getenv("FAULT_OPS");
	const char *after = getenv("FAULT_AFTER");
	const char *name = getenv("FAULT_ERRNO");
	const char *log = getenv("FAULT_LOG");
	int code = name != NULL && strcmp(name, "ENOSPC") == 0 ? ENOSPC : EIO;
	char path[4096];

	if (match == NULL || *match == '\0')
		return 0;
	if (ops != NULL && strcmp(ops, "all") != 0 &&
	    strcmp(ops, is_sync ? "sync" : "write") != 0)
		return 0;
	fd_path(fd, path, sizeof path);
	if (strstr(path, match) == NULL)
		return 0;
	if (calls++ < (after != NULL ? atol(after) : 0))
		return 0;
	if (log != NULL) {
		int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (out >= 0) {
			dprintf(out, "%s %s %s\n", code == EIO ? "EIO" : "ENOSPC", op, path);
			close(out);
		}
	}
	errno = code;
	return 1;
}

typedef ssize_t (*write_func)(int, const void *, size_t);
typedef ssize_t (*pwrite_func)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_func)(int, const void *, size_t, off64_t);
typedef ssize_t (*writev_func)(int, const struct iovec *, int);
typedef int (*sync_func)(int);

/* The next definition of name (libc's). */
static void *
real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

ssize_t
write(int fd, const void *data, size_t size)
{
	static write_func next;

	if (next == NULL)
		next = (write_func)real("write");
	return fault(fd, "write", 0) ? -1 : next(fd, data, size);
}

ssize_t
pwrite(int fd, const void *data, size_t size, off_t at)
{
	static pwrite_func next;

	if (next == NULL)
		next = (pwrite_func)real("pwrite");
	return fault(fd, "pwrite", 0) ? -1 : next(fd, data, size, at);
}

ssize_t
pwrite64(int fd, const void *data, size_t size, off64_t at)
{
	static pwrite64_func next;

	if (next == NULL)
		next = (pwrite64_func)real("pwrite64");
	return fault(fd, "pwrite64", 0) ? -1 : next(fd, data, size, at);
}

ssize_t
writev(int fd, const struct iovec *iov, int count)
{
	static writev_func next;

	if (next == NULL)
		next = (writev_func)real("writev");
	return fault(fd, "writev", 0) ? -1 : next(fd, iov, count);
}

int
fsync(int fd)
{
	static sync_func next;

	if (next == NULL)
		next = (sync_func)real("fsync");
	return fault(fd, "fsync", 1) ? -1 : next(fd);
}

int
fdatasync(int fd)
{
	static sync_func next;

	if (next == NULL)
		next = (sync_func)real("fdatasync");
	return fault(fd, "fdatasync", 1) ? -1 : next(fd);
}
