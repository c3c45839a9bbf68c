/* front.c: the program installed as `dsrmail`, small so that it starts
 * fast. For `dsrmail deliver` with [deliver] socket set and `dsrmail serve`
 * listening there, it hands the mail to the service (mail/handoff.h) and
 * ends as deliver would: the service's exit status, its stdout (the
 * request ids) and stderr. For every other command, and for deliver when
 * no service answers or the service refuses, it runs the whole program,
 * dsrmail-main (found as base/module.c finds modules: next to this program,
 * else where `make install` puts the parts), with the same arguments and
 * the standard input untouched: nothing is read before a service said OK.
 *
 * Once the mail has started to go to the service, any failure (the service
 * dies, hangs beyond [deliver] timeout) is exit 75: the mail system keeps
 * the mail and tries again, and a copy the service did store is known by
 * its Message-ID then. It links GLib and base/ alone. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "base/module.h"
#include "mail/handoff.h"

#define FRONT_PROGRAM "dsrmail-main"
#define FRONT_REPLY_MAX (4 * 1024 * 1024)

/* Run the whole program in this process's place. Returns only when it
 * cannot: exit 75 for deliver (the mail system keeps the mail), else 70. */
static int
front_run_program(char **argv, gboolean deliver)
{
	g_autofree char *path = module_path(FRONT_PROGRAM);

	execv(path, argv);
	fprintf(stderr, "dsrmail: cannot run %s, the rest of dsrmail: %s; install "
	    "dsrmail again (make install puts it in its lib/dsrmail)%s\n", path,
	    g_strerror(errno), deliver ? "; the mail was not stored and stays with "
	    "the mail system, which will try again (exit 75)" : "");
	return deliver ? EX_TEMPFAIL : EX_SOFTWARE;
}

/* Connect to the service and have the greeting accepted. The socket, or -1
 * (logged at -v): deliver runs in process then. */
static int
front_connect(const struct config *config)
{
	g_autoptr(GError) error = NULL;
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	struct timeval timeout = { 0 };
	char answer[HANDOFF_LINE_MAX];
	size_t got = 0;
	int fd;

	if (strlen(config->deliver_socket) >= sizeof address.sun_path)
		return -1;   /* dsrmail serve says why */
	strcpy(address.sun_path, config->deliver_socket);
	timeout.tv_sec = (time_t)MAX(config->deliver_timeout.seconds +
	    config->deliver_timeout.months * 31 * 86400, 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
		log_info("deliver: no dsrmail serve at %s (%s); delivering in process",
		    config->deliver_socket, g_strerror(errno));
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
	if (handoff_send_hello(fd, config->file, &error) < 0) {
		log_info("deliver: %s; delivering in process", error->message);
		goto fail;
	}
	while (got < sizeof answer - 1 && memchr(answer, '\n', got) == NULL) {
		ssize_t n = recv(fd, answer + got, sizeof answer - 1 - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_info("deliver: dsrmail serve at %s did not answer (%s); "
			    "delivering in process", config->deliver_socket,
			    n == 0 ? "it closed the connection" : g_strerror(errno));
			goto fail;
		}
		got += (size_t)n;
	}
	answer[got] = '\0';
	if (strcmp(answer, "OK\n") == 0) {
		log_info("deliver: handing the mail to dsrmail serve at %s",
		    config->deliver_socket);
		return fd;
	}
	g_strchomp(answer);
	log_info("deliver: dsrmail serve at %s refused: %s; delivering in process",
	    config->deliver_socket, g_str_has_prefix(answer, "REFUSED ") ?
	    answer + strlen("REFUSED ") : "an answer it should not give");
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Stream standard input to the service in chunks of up to 64 KB, then
 * the end (a small mail and its end in one write). */
static int
front_send_mail(int fd, GError **error)
{
	char buffer[65536];

	for (;;) {
		gsize filled = 0;
		gboolean end = FALSE;

		while (filled < sizeof buffer && !end) {
			ssize_t got = read(STDIN_FILENO, buffer + filled,
			    sizeof buffer - filled);

			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "reading "
				    "the mail from standard input: %s", g_strerror(errno));
				return -1;
			}
			if (got == 0)
				end = TRUE;
			filled += (gsize)got;
		}
		if (handoff_send_chunk(fd, buffer, filled, end, error) < 0)
			return -1;
		if (end)
			return 0;
	}
}

/* Write bytes (maybe none) to a stream and flush it. 0, or -1. */
static int
front_write(GBytes *bytes, FILE *stream)
{
	gsize size = g_bytes_get_size(bytes);

	if (size > 0 && fwrite(g_bytes_get_data(bytes, NULL), 1, size, stream) != size)
		return -1;
	return fflush(stream) == 0 ? 0 : -1;
}

/* Read the verdict whole and pass it on: stdout, stderr, the status. */
static int
front_verdict(int fd, GError **error)
{
	g_autoptr(GByteArray) reply = g_byte_array_new();
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GBytes) err = NULL;
	guint8 buffer[65536];
	int status;

	for (;;) {
		ssize_t got = recv(fd, buffer, sizeof buffer, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_TEMPORARY, "waiting for "
			    "the verdict: %s", errno == EAGAIN ? "no answer within "
			    "[deliver] timeout" : g_strerror(errno));
			return -1;
		}
		if (got == 0)
			break;
		g_byte_array_append(reply, buffer, (guint)got);
		if (reply->len > FRONT_REPLY_MAX)
			break;
	}
	if (handoff_reply_parse((const char *)reply->data, reply->len, &status,
	    &out, &err, error) < 0) {
		(*error)->code = DSR_ERROR_TEMPORARY;
		return -1;
	}
	if (front_write(out, stdout) < 0)
		log_warn("deliver: could not print the request ids: %s", g_strerror(errno));
	front_write(err, stderr);
	return status;
}

/* Hand the mail over on fd; the exit status. */
static int
front_deliver(const struct config *config, int fd)
{
	g_autoptr(GError) error = NULL;
	int status;

	if (front_send_mail(fd, &error) < 0 ||
	    (status = front_verdict(fd, &error)) < 0) {
		g_prefix_error(&error, "deliver: dsrmail serve at %s: ",
		    config->deliver_socket);
		log_failure(error->message);
		fprintf(stderr, "dsrmail: %s; the mail stays with the mail system, "
		    "which will try again (exit 75; a copy the service stored is "
		    "known by its Message-ID then)\n", error->message);
		status = EX_TEMPFAIL;
	}
	close(fd);
	return status;
}

/* The global options as main.c reads them, then deliver or the program. */
int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;
	const char *config_path = NULL;
	struct config *config;
	int verbosity = 0, fd, status, i;

	umask(077);   /* the program sets the locale; deliver's front needs none */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			config_path = argv[++i];
		else if (g_str_has_prefix(argv[i], "-v") &&
		    strspn(argv[i] + 1, "v") == strlen(argv[i] + 1))
			verbosity += (int)strlen(argv[i] + 1);
		else if (strcmp(argv[i], "--syslog") == 0)
			log_use_syslog();
		else
			return front_run_program(argv, FALSE);   /* --help, --version */
	}
	if (i != argc - 1 || strcmp(argv[i], "deliver") != 0)
		return front_run_program(argv, FALSE);
	/* deliver: a config with a socket, and a service that takes it */
	path = config_find(config_path, NULL);
	config = path != NULL ? config_load(path, NULL) : NULL;
	if (config == NULL || config->deliver_socket == NULL) {
		config_free(config);
		return front_run_program(argv, TRUE);   /* it says what is wrong */
	}
	log_set_verbosity(verbosity);
	if (g_getenv("DSRMAIL_LOG_COPY") != NULL &&
	    log_copy_open(g_getenv("DSRMAIL_LOG_COPY"), &error) < 0)
		g_clear_error(&error);   /* the program opens it again and warns */
	fd = front_connect(config);
	if (fd < 0) {
		config_free(config);
		return front_run_program(argv, TRUE);
	}
	status = front_deliver(config, fd);
	config_free(config);
	return status;
}
