/* main.c: the command table and dispatch. Each command is one entry, so
 * --help and dispatch read the same table (STYLE.md, as tmux's cmd_entry). */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "cmd/command.h"
#include "paths.h"

struct command {
	const char *name;         /* one or two words: "init", "queue list" */
	const char *usage;        /* what follows the name */
	const char *summary;      /* one line for --help */
	unsigned needs;           /* enum command_needs */
	command_func run;
};

static const struct command commands[] = {
	{ "init", "", "create or upgrade the database (schema + dsr_ tables)",
	  NEEDS_CONFIG, init_command },
	{ "poll", "[--once|--watch]",
	  "IMAP intake and outbox flush (--watch: IDLE, reconnects)",
	  NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, poll_command },
	{ "export", "[--lang fi|en|sv] EMAIL DIR",
	  "write the export bundle an access reply would attach",
	  NEEDS_MAP | NEEDS_NOTICE, export_command },
	{ "requests", "[list [--open] [--overdue] | show ID [--json]]",
	  "every request, its state and timeline", NEEDS_STORE, requests_command },
	{ "audit", "verify", "check the event log's hash chain", NEEDS_STORE,
	  audit_command },
	/* The map: a sent lift notice clears a restriction flag. */
	{ "send", "", "flush the outbox over SMTP",
	  NEEDS_MAP | NEEDS_TEMPLATES, send_command },
	/* The map: queue list and show say when the data is restricted. */
	{ "queue list", "", "requests waiting for an admin",
	  NEEDS_STORE | NEEDS_MAP, queue_list_command },
	{ "queue show", "ID [--json]", "one request and its timeline",
	  NEEDS_STORE | NEEDS_MAP, queue_show_command },
	{ "queue approve", "ID [--as ADMIN]", "approve and carry out a request",
	  NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, queue_approve_command },
	{ "queue reject", "ID --reason TEXT [--as ADMIN]",
	  "reject a request; the sender is told why",
	  NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, queue_reject_command },
	{ "queue extend", "ID --reason TEXT",
	  "extend the deadline by two months (within the first month)",
	  NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, queue_extend_command },
	{ "queue lift", "ID --reason TEXT [--as ADMIN]",
	  "lift a done restriction; the person is told first (Art. 18(3))",
	  NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, queue_lift_command },
	{ "queue classify", "ID KIND", "set the kind of an unknown request",
	  NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, queue_classify_command },
	{ "sweep", "[--dry-run]", "retention (N6), reminders, expiries, stalled "
	  "requests, outbox retries", NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES,
	  sweep_command },
	{ "web", "", "serve the admin pages ([web] listen) until Ctrl-C",
	  NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES, web_command },
	/* OAuth2 sign-in for [imap]/[smtp] auth = oauth2; no database needed. */
	{ "oauth2 login", "", "sign in to Microsoft 365 or Google Workspace "
	  "and store the token", NEEDS_CONFIG, oauth2_login_command },
	{ "oauth2 status", "", "whether a token is stored, for which account "
	  "and scopes, when it expires", NEEDS_CONFIG, oauth2_status_command },
	{ "keys import", "FILE", "import a person's OpenPGP key or S/MIME "
	  "certificate, to encrypt their replies to", NEEDS_STORE | NEEDS_CRYPTO,
	  keys_import_command },
	{ "keys list", "", "the people's keys replies are encrypted to",
	  NEEDS_STORE, keys_list_command },
	/* deliver opens the store itself: every failure must become exit 75. */
	{ "deliver", "", "one mail on stdin (procmail, MTA pipe); prints the "
	  "request ids", NEEDS_NOTHING, deliver_command },
	/* The resident service deliver hands mail to (src/cmd/front.c). */
	{ "serve", "", "take deliver's mail on [deliver] socket, one process for "
	  "them all, until stopped", NEEDS_CONFIG, serve_command },
};

/* Print the usage of every command, from the table. */
static void
usage_print(FILE *out)
{
	size_t i;

	fprintf(out, "usage: dsrmail [-c FILE] [-v|-vv] [--syslog] COMMAND [ARGS]\n"
	    "       dsrmail --version | --help\n\ncommands:\n");
	for (i = 0; i < G_N_ELEMENTS(commands); i++) {
		g_autofree char *line = g_strdup_printf("%s %s", commands[i].name,
		    commands[i].usage);
		fprintf(out, "  %-36s %s\n", line, commands[i].summary);
	}
	fprintf(out, "\nThe config file is -c FILE, else $DSRMAIL_CONFIG, else "
	    "./dsrmail.conf, else " DSR_SYSCONF_DIR "/dsrmail.conf.\n"
	    "$DSRMAIL_NOW (ISO 8601) sets the time every command takes as now.\n");
}

/* Find the table entry for argv (one or two words); *words = how many. */
static const struct command *
command_find(int argc, char **argv, int *words)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(commands); i++) {
		const char *name = commands[i].name;
		const char *space = strchr(name, ' ');

		if (space == NULL && strcmp(argv[0], name) == 0) {
			*words = 1;
			return &commands[i];
		}
		if (space != NULL && argc >= 2 &&
		    strncmp(argv[0], name, (size_t)(space - name)) == 0 &&
		    argv[0][space - name] == '\0' && strcmp(argv[1], space + 1) == 0) {
			*words = 2;
			return &commands[i];
		}
	}
	return NULL;
}

/* Global options, the table lookup, then the command. */
int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	struct context context = { 0 };
	const struct command *command;
	gboolean version = FALSE, help = FALSE;
	int words = 0, status, i;

	setlocale(LC_ALL, "");
	umask(077);   /* every file dsrmail writes is the service user's alone (N20) */
	/* Global options come before the command word. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			context.config_path = argv[++i];
		else if (g_str_has_prefix(argv[i], "-v") &&
		    strspn(argv[i] + 1, "v") == strlen(argv[i] + 1))
			context.verbosity += (int)strlen(argv[i] + 1);
		else if (strcmp(argv[i], "--syslog") == 0)
			log_use_syslog();   /* as a service: LOG_MAIL, not stderr */
		else if (strcmp(argv[i], "--version") == 0)
			version = TRUE;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			help = TRUE;
		else {
			fprintf(stderr, "dsrmail: unknown option %s\n", argv[i]);
			usage_print(stderr);
			return EX_USAGE;
		}
	}
	if (version) {
		printf("dsrmail %s\n", DSR_VERSION);
		return EX_OK;
	}
	if (help) {
		usage_print(stdout);
		return EX_OK;
	}
	if (i >= argc) {
		usage_print(stderr);
		return EX_USAGE;
	}
	command = command_find(argc - i, argv + i, &words);
	if (command == NULL) {
		fprintf(stderr, "dsrmail: unknown command \"%s\"; see dsrmail --help\n",
		    argv[i]);
		return EX_USAGE;
	}
	log_set_verbosity(context.verbosity);
	if (g_getenv("DSRMAIL_LOG_COPY") != NULL &&
	    log_copy_open(g_getenv("DSRMAIL_LOG_COPY"), &error) < 0) {
		log_warn("%s", error->message);   /* the real work goes on */
		g_clear_error(&error);
	}
	if (clock_init(&error) < 0 ||
	    command_open(&context, command->needs, &error) < 0)
		status = -1;
	else
		status = command->run(&context, argc - i - words + 1,
		    argv + i + words - 1, &error);
	if (status < 0) {
		log_failure(error != NULL ? error->message : "failed");
		fprintf(stderr, "dsrmail: %s\n", error != NULL ? error->message :
		    "failed (no reason given)");
		status = dsr_error_exit_code(error);
	}
	command_close(&context);
	return status;
}
