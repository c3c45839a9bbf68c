/* serve.c: `dsrmail serve`: the resident service `dsrmail deliver` hands
 * mail to (src/cmd/front.c), so a delivery costs no start-up: the
 * libraries, the data map, the notice and the classifier's rules are
 * loaded once. It listens on [deliver] socket (or the socket systemd
 * passes, LISTEN_FDS), takes one mail at a time in the framing of
 * mail/handoff.h, stores it exactly as deliver does (deliver_mail) and
 * answers only after the commit. Before each mail it looks at the files it
 * has loaded and loads them again when one changed. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/config.h"
#include "base/error.h"
#include "base/log.h"
#include "base/timing.h"
#include "cmd/command.h"
#include "mail/handoff.h"
#include "request/intake.h"

/* The first fd systemd passes (sd_listen_fds(3)). */
#define SERVE_SYSTEMD_FD 3

static volatile sig_atomic_t serve_stopping;
static volatile sig_atomic_t serve_hangup;

/* SIGTERM, SIGINT: finish the mail at hand, then stop; SIGHUP: load the
 * files again before the next mail. */
static void
serve_signal(int signal_number)
{
	if (signal_number == SIGHUP)
		serve_hangup = 1;
	else
		serve_stopping = 1;
}

/* A directory watched for edits: of any file in it (name NULL) or of one. */
struct serve_watch {
	int wd;
	char *name;
};

/* What serve keeps between mails. */
struct serve {
	struct context *context;  /* open, or closed after a failed load */
	char *config_file;        /* the config it serves, its real path */
	gboolean loaded;          /* what deliver needs is loaded */
	int inotify;              /* the watches' fd, or -1: SIGHUP only */
	GArray *watches;          /* struct serve_watch */
	char *socket_path;        /* the socket it made (removed at the end), or NULL */
	int listener;
	guint64 mails;
};

/* Forget the watches. */
static void
serve_unwatch(struct serve *serve)
{
	guint i;

	for (i = 0; i < serve->watches->len; i++)
		g_free(g_array_index(serve->watches, struct serve_watch, i).name);
	g_array_set_size(serve->watches, 0);
	if (serve->inotify >= 0)
		close(serve->inotify);
	serve->inotify = -1;
}

/* Watch dir for edits of name (NULL: of anything in it). 0, or -1 (said in
 * the log). */
static int
serve_watch_add(struct serve *serve, const char *dir, const char *name)
{
	struct serve_watch watch;

	watch.wd = inotify_add_watch(serve->inotify, dir, IN_CLOSE_WRITE |
	    IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
	    IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF);
	if (watch.wd < 0) {
		log_warn("serve: cannot watch %s for edits (%s); send serve SIGHUP "
		    "after editing the config, rules or templates", dir,
		    g_strerror(errno));
		return -1;
	}
	watch.name = g_strdup(name);
	g_array_append_val(serve->watches, watch);
	return 0;
}

/* Watch the directory of a file for it (nothing for NULL). */
static int
serve_watch_file(struct serve *serve, const char *path)
{
	g_autofree char *dir = NULL;
	g_autofree char *name = NULL;

	if (path == NULL)
		return 0;
	dir = g_path_get_dirname(path);
	name = g_path_get_basename(path);
	return serve_watch_add(serve, dir, name);
}

/* Watch every file a delivery reads: the config, the data map, the rules,
 * the templates (a folder per language), the keys [crypto] names. Without
 * inotify, edits wait for SIGHUP (said in the log). */
static void
serve_watch_all(struct serve *serve, const struct config *config)
{
	static const char *const rules[] = { "classify.rules", "classify.model",
	    "notice.conf" };
	g_autoptr(GDir) templates = NULL;
	const char *name;
	size_t i;
	int failed = 0;

	serve_unwatch(serve);
	serve->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (serve->inotify < 0) {
		log_warn("serve: cannot watch for edits (%s); send serve SIGHUP "
		    "after editing the config, rules or templates", g_strerror(errno));
		return;
	}
	failed |= serve_watch_file(serve, config->file);
	failed |= serve_watch_file(serve, config->map_path);
	for (i = 0; i < G_N_ELEMENTS(rules); i++)
		failed |= serve_watch_add(serve, config->rules_dir, rules[i]);
	failed |= serve_watch_add(serve, config->templates_dir, NULL);
	templates = g_dir_open(config->templates_dir, 0, NULL);
	while (templates != NULL && (name = g_dir_read_name(templates)) != NULL) {
		g_autofree char *path = g_build_filename(config->templates_dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			failed |= serve_watch_add(serve, path, NULL);
	}
	failed |= serve_watch_file(serve, config->openpgp_keyring);
	failed |= serve_watch_file(serve, config->smime_trust);
	if (failed)
		serve_unwatch(serve);
}

/* Whether a watched file changed (or SIGHUP came) since the last look;
 * the events are read and forgotten. */
static gboolean
serve_changed(struct serve *serve)
{
	char buffer[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	gboolean changed = FALSE;
	ssize_t got;

	if (serve_hangup) {
		serve_hangup = 0;
		changed = TRUE;
	}
	while (serve->inotify >= 0 &&
	    (got = read(serve->inotify, buffer, sizeof buffer)) > 0) {
		char *next = buffer;

		while (next < buffer + got) {
			const struct inotify_event *event = (const void *)next;
			guint i;

			for (i = 0; i < serve->watches->len; i++) {
				const struct serve_watch *watch = &g_array_index(
				    serve->watches, struct serve_watch, i);

				if (watch->wd == event->wd && (watch->name == NULL ||
				    (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) ||
				    (event->len > 0 && strcmp(event->name, watch->name) == 0)))
					changed = TRUE;
			}
			next += sizeof *event + event->len;
		}
	}
	return changed;
}

/* Load (again) what deliver needs; the watches first, so an edit during
 * the load is seen before the next mail. */
static int
serve_load(struct serve *serve, GError **error)
{
	command_close(serve->context);
	intake_forget_rules();
	serve->loaded = FALSE;
	if (command_open(serve->context, NEEDS_CONFIG, error) < 0)
		return -1;
	serve_watch_all(serve, serve->context->config);
	command_close(serve->context);
	if (command_open(serve->context, DELIVER_NEEDS, error) < 0)
		return -1;
	serve->loaded = TRUE;
	return 0;
}

/* Before a mail: load again when a file changed (or SIGHUP came), or when
 * the last load failed. 0, or -1 with the load's error. */
static int
serve_refresh(struct serve *serve, GError **error)
{
	if (serve_changed(serve) && serve->loaded)
		log_notice("serve: a config, rules or template file changed; "
		    "loading them again");
	else if (serve->loaded)
		return 0;
	return serve_load(serve, error);
}

/* The socket to listen on: systemd's, else [deliver] socket, made here in
 * a directory only this user may write to, 0600. */
static int
serve_listen(struct serve *serve, GError **error)
{
	const struct config *config = serve->context->config;
	const char *pid = g_getenv("LISTEN_PID"), *fds = g_getenv("LISTEN_FDS");
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	g_autofree char *dir = NULL;
	struct stat st;
	mode_t mask;
	int fd;

	if (pid != NULL && fds != NULL && atol(pid) == (long)getpid() &&
	    atoi(fds) >= 1) {
		int type = 0;
		socklen_t length = sizeof type;

		if (getsockopt(SERVE_SYSTEMD_FD, SOL_SOCKET, SO_TYPE, &type,
		    &length) < 0 || type != SOCK_STREAM) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "serve: the "
			    "socket systemd passed is not a stream socket; write "
			    "ListenStream= in dsrmail-deliver.socket");
			return -1;
		}
		g_unsetenv("LISTEN_PID");
		g_unsetenv("LISTEN_FDS");
		g_unsetenv("LISTEN_FDNAMES");
		serve->listener = SERVE_SYSTEMD_FD;
		length = sizeof address;
		if (getsockname(SERVE_SYSTEMD_FD, (struct sockaddr *)&address,
		    &length) == 0 && address.sun_family == AF_UNIX &&
		    g_strcmp0(address.sun_path, config->deliver_socket) != 0)
			log_warn("serve: systemd passed the socket %s, but deliver "
			    "connects to [deliver] socket = %s of %s; make them the same",
			    address.sun_path, config->deliver_socket != NULL ?
			    config->deliver_socket : "(none)", config->file);
		log_notice("serve: listening on %s (from systemd)", address.sun_path);
		return 0;
	}
	if (config->deliver_socket == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "serve: %s has no "
		    "[deliver] socket; add one, e.g. socket = "
		    "/run/dsrmail/deliver.sock, or start serve from "
		    "dsrmail-deliver.socket", config->file);
		return -1;
	}
	if (strlen(config->deliver_socket) >= sizeof address.sun_path) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "serve: [deliver] "
		    "socket %s is longer than a unix socket path may be (%zu); "
		    "choose a shorter one", config->deliver_socket,
		    sizeof address.sun_path - 1);
		return -1;
	}
	dir = g_path_get_dirname(config->deliver_socket);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "serve: the "
		    "directory of [deliver] socket, %s, must exist, belong to the "
		    "user serve runs as (uid %u) and be writable by no one else "
		    "(install -d -o %u -m 0755 %s), or let systemd make the socket "
		    "(dsrmail-deliver.socket)", dir, (unsigned)geteuid(),
		    (unsigned)geteuid(), dir);
		return -1;
	}
	strcpy(address.sun_path, config->deliver_socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&address, sizeof address) == 0) {
		close(fd);
		g_set_error(error, DSR_ERROR, DSR_ERROR_UNAVAILABLE, "serve: another "
		    "dsrmail serve already listens on %s; stop it first",
		    config->deliver_socket);
		return -1;
	}
	if (fd >= 0 && lstat(config->deliver_socket, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(config->deliver_socket);   /* left by a service that died */
	mask = umask(0177);
	if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) < 0 ||
	    listen(fd, 64) < 0) {
		umask(mask);
		g_set_error(error, DSR_ERROR, DSR_ERROR_CANT_CREATE, "serve: cannot "
		    "listen on %s: %s; check [deliver] socket", config->deliver_socket,
		    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	umask(mask);
	serve->listener = fd;
	serve->socket_path = g_strdup(config->deliver_socket);
	log_notice("serve: listening on %s", config->deliver_socket);
	return 0;
}

/* Send the answer to the greeting, or a verdict; a front that went away
 * is only logged (its MTA keeps the mail and retries). */
static void
serve_answer(int fd, const void *data, gsize length)
{
	g_autoptr(GError) error = NULL;

	if (handoff_send(fd, data, length, &error) < 0)
		log_warn("serve: %s; the deliver that sent the mail had gone",
		    error->message);
}

/* Read from the connection into the reader until until(reader) holds.
 * 0, or -1 with error (the connection ended or timed out first, or the
 * framing broke). */
static int
serve_read(int fd, struct handoff_reader *reader, gboolean hello,
    GError **error)
{
	guint8 buffer[65536];

	while (hello ? !reader->hello : !reader->done) {
		ssize_t got = recv(fd, buffer, sizeof buffer, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "the deliver "
			    "that connected %s before the end of its %s; nothing of "
			    "it was stored", got == 0 ? "went away" : g_strerror(errno),
			    hello ? "greeting" : "mail");
			return -1;
		}
		if (handoff_reader_feed(reader, buffer, (gsize)got, error) < 0)
			return -1;
	}
	return 0;
}

/* Whether the connection may hand over mail: the peer runs as the
 * service's user (or root), names the config this service serves, and
 * that config loads. NULL, or why not (a new string). */
static char *
serve_refusal(struct serve *serve, int fd, const char *config)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *real = NULL;
	struct ucred peer;
	socklen_t length = sizeof peer;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) < 0)
		return g_strdup_printf("cannot tell who connected: %s", g_strerror(errno));
	if (peer.uid != geteuid() && peer.uid != 0)
		return g_strdup_printf("uid %u may not hand mail to the service of "
		    "uid %u; run deliver as that user", (unsigned)peer.uid,
		    (unsigned)geteuid());
	real = realpath(config, NULL);
	if (real == NULL || strcmp(real, serve->config_file) != 0)
		return g_strdup_printf("the service serves %s, not that config",
		    serve->config_file);
	if (serve_refresh(serve, &error) < 0)
		return g_strdup_printf("the service cannot load its config: %s",
		    error->message);
	return NULL;
}

/* One connection: the greeting, the mail, the verdict. */
static void
serve_connection(struct serve *serve, int fd)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) err = g_string_new(NULL);
	g_autoptr(GBytes) raw = NULL;
	g_autoptr(GBytes) reply = NULL;
	g_autofree char *refusal = NULL;
	g_autofree char *ids = NULL;
	struct handoff_reader reader;
	struct timeval timeout = { 0 };
	gint64 start = g_get_monotonic_time(), checked, read;
	int status = 0;

	timeout.tv_sec = (time_t)MAX(serve->context->config != NULL ?
	    serve->context->config->deliver_timeout.seconds : 60, 1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
	handoff_reader_init(&reader, 0);
	if (serve_read(fd, &reader, TRUE, &error) < 0) {
		log_warn("serve: %s", error->message);
		handoff_reader_clear(&reader);
		return;
	}
	refusal = serve_refusal(serve, fd, reader.config);
	checked = g_get_monotonic_time();
	if (refusal != NULL) {
		g_autofree char *line = g_strdup_printf("REFUSED %s\n", refusal);

		log_warn("serve: refused a deliver: %s; it delivers in process", refusal);
		serve_answer(fd, line, strlen(line));
		handoff_reader_clear(&reader);
		return;
	}
	serve_answer(fd, "OK\n", 3);
	reader.limit = deliver_limit(serve->context->config);
	if (serve_read(fd, &reader, FALSE, &error) < 0) {
		log_warn("serve: %s", error->message);
		handoff_reader_clear(&reader);
		return;
	}
	raw = handoff_reader_mail(&reader);
	read = g_get_monotonic_time();
	timing_reset();
	log_capture(err);
	if (deliver_mail(serve->context, raw, reader.total, out, &error) < 0) {
		g_string_append_printf(err, "dsrmail: %s\n", error->message);
		status = dsr_error_exit_code(error);
	}
	log_capture(NULL);
	if (error != NULL)
		log_failure(error->message);
	serve->mails++;
	log_debug("serve: mail %" G_GUINT64_FORMAT ": %.2f ms to the greeting's "
	    "answer (files looked at), %.2f ms reading the mail, %.2f ms storing it",
	    serve->mails, (double)(checked - start) / 1000,
	    (double)(read - checked) / 1000,
	    (double)(g_get_monotonic_time() - read) / 1000);
	ids = g_strstrip(g_strdelimit(g_strdup(out->str), "\n", ' '));
	log_info("serve: mail %" G_GUINT64_FORMAT ": exit %d, %s", serve->mails,
	    status, *ids != '\0' ? ids : "no request");
	reply = handoff_reply_format(status, out->str, out->len, err->str, err->len);
	serve_answer(fd, g_bytes_get_data(reply, NULL), g_bytes_get_size(reply));
	handoff_reader_clear(&reader);
}

/* dsrmail serve: until SIGTERM or SIGINT. */
int
serve_command(struct context *context, int argc, char **argv, GError **error)
{
	struct serve serve = { context, NULL, FALSE, -1, NULL, NULL, -1, 0 };
	struct sigaction stop = { .sa_handler = serve_signal };
	int status = 0;

	(void)argv;
	if (command_no_arguments("serve", "; it listens on [deliver] socket", argc,
	    error) < 0)
		return -1;
	serve.config_file = realpath(context->config->file, NULL);
	if (serve.config_file == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "serve: %s: %s",
		    context->config->file, g_strerror(errno));
		return -1;
	}
	serve.watches = g_array_new(FALSE, FALSE, sizeof(struct serve_watch));
	if (serve_load(&serve, error) < 0 || serve_listen(&serve, error) < 0)
		status = -1;
	else {
		sigemptyset(&stop.sa_mask);
		sigaction(SIGTERM, &stop, NULL);
		sigaction(SIGINT, &stop, NULL);
		sigaction(SIGHUP, &stop, NULL);
		log_info("serve: config %s; %s", serve.config_file, serve.inotify >= 0 ?
		    "an edited config, rules or template file is loaded again before "
		    "the next mail (no restart or SIGHUP needed)" : "send SIGHUP after "
		    "editing the config, rules or templates");
	}
	while (status == 0 && !serve_stopping) {
		int fd = accept4(serve.listener, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			g_set_error(error, DSR_ERROR, DSR_ERROR_IO, "serve: waiting for "
			    "deliver: %s", g_strerror(errno));
			status = -1;
			break;
		}
		serve_connection(&serve, fd);
		close(fd);
	}
	if (serve.listener >= 0) {
		log_notice("serve: stopping after %" G_GUINT64_FORMAT " %s",
		    serve.mails, serve.mails == 1 ? "mail" : "mails");
		close(serve.listener);
	}
	if (serve.socket_path != NULL)
		unlink(serve.socket_path);
	serve_unwatch(&serve);
	g_array_unref(serve.watches);
	g_free(serve.socket_path);
	free(serve.config_file);
	return status;
}
