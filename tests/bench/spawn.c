/* spawn.c: run one command and print what the benchmarks compare:
 * "wall_ms user_ms sys_ms maxrss_kb status". The benchmarks compile it
 * (tests/lib-bench.sh) rather than measure from Python: a child forked
 * from a large process carries that process's peak resident set in its
 * ru_maxrss even after exec, and this one is small.
 *
 *   spawn [-i STDIN] [-o STDOUT] [-e STDERR] -- COMMAND [ARGS...] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Open path onto fd in the child, or exit 127. */
static void
redirect(const char *path, int fd, int flags)
{
	int opened;

	if (path == NULL)
		path = "/dev/null";
	opened = open(path, flags, 0600);
	if (opened < 0 || dup2(opened, fd) < 0) {
		perror(path);
		_exit(127);
	}
	close(opened);
}

/* Milliseconds of a timeval. */
static double
ms(struct timeval t)
{
	return t.tv_sec * 1000.0 + t.tv_usec / 1000.0;
}

int
main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *err = NULL;
	struct timespec start, end;
	struct rusage usage;
	int i, status;
	pid_t pid;

	for (i = 1; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2) {
		if (strcmp(argv[i], "-i") == 0)
			in = argv[i + 1];
		else if (strcmp(argv[i], "-o") == 0)
			out = argv[i + 1];
		else if (strcmp(argv[i], "-e") == 0)
			err = argv[i + 1];
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: spawn [-i IN] [-o OUT] [-e ERR] -- COMMAND...\n");
		return 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	if ((pid = fork()) == 0) {
		redirect(in, 0, O_RDONLY);
		redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
		redirect(err, 2, O_WRONLY | O_CREAT | O_TRUNC);
		execvp(argv[i + 1], argv + i + 1);
		perror(argv[i + 1]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &usage) < 0) {
		perror("spawn");
		return 70;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	printf("%.2f %.2f %.2f %ld %d\n", (end.tv_sec - start.tv_sec) * 1000.0 +
	    (end.tv_nsec - start.tv_nsec) / 1e6, ms(usage.ru_utime),
	    ms(usage.ru_stime), usage.ru_maxrss, WIFEXITED(status) ?
	    WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
