/* command.h: the commands of the command line (one function each, listed
 * in main.c's table), and what they share: opening what a command needs
 * and parsing its options. */
#ifndef DSR_COMMAND_H
#define DSR_COMMAND_H

#include <glib.h>

#include "base/context.h"

struct config;
struct outbox_counts;

/* What a command needs opened before it runs. */
enum command_needs {
	NEEDS_NOTHING = 0,
	NEEDS_CONFIG = 1 << 0,
	NEEDS_STORE = 1 << 1 | NEEDS_CONFIG,   /* an existing, current database */
	NEEDS_MAP = 1 << 2 | NEEDS_STORE,      /* the data map, checked */
	NEEDS_NOTICE = 1 << 3 | NEEDS_CONFIG,  /* rules/notice.conf */
	NEEDS_TEMPLATES = 1 << 4 | NEEDS_CONFIG, /* templates/, every one checked;
	                                            with the crypto home */
	NEEDS_CRYPTO = 1 << 5 | NEEDS_CONFIG,  /* [crypto] home (NULL if unset) */
	/* templates/, each loaded and checked when first used (deliver); with
	 * the crypto home */
	NEEDS_TEMPLATES_LAZY = 1 << 6 | NEEDS_CONFIG,
};

/* Open what needs says, in order; 0 or -1 with error (exit code inside). */
int command_open(struct context *context, unsigned needs, GError **error);

/* Load context->map from the config's map path, checked against
 * context->store (which must be open). 0, or -1 with error. */
int command_open_map(struct context *context, GError **error);

/* Close everything opened. */
void command_close(struct context *context);

/* A command: argv[0] is the command's last word; returns an exit status, or
 * -1 with error set (its code is the exit status). */
typedef int (*command_func)(struct context *context, int argc, char **argv,
    GError **error);

/* Parse a command's own options with GOption; on a usage error sets
 * DSR_ERROR_USAGE naming the command. argc/argv are updated to what is left
 * (argv[0] kept). */
int command_parse_options(const char *command, const char *parameters,
    GOptionEntry *entries, int *argc, char ***argv, GError **error);

/* 0 when argc is 1 (the command word alone); else -1 with DSR_ERROR_USAGE:
 * "COMMAND takes no arguments" followed by why ("" or ", ...") and the
 * usage. */
int command_no_arguments(const char *command, const char *why, int argc,
    GError **error);

/* A count in words: "no mail", "1 mail", "5 mails" (one, many: the
 * noun). A new string. */
char *command_count(gint64 count, const char *one, const char *many);

/* What sending the outbox did, in words for people: "sent 5 mails", with
 * ", 1 delayed by the server (tried again later)", ", 1 could not be
 * delivered (the admins are told)" and lifted restrictions when there are
 * any. A new string. */
char *command_outbox_words(const struct outbox_counts *counts);

/* One file each in src/cmd/. */
int init_command(struct context *context, int argc, char **argv, GError **error);
int export_command(struct context *context, int argc, char **argv, GError **error);
int requests_command(struct context *context, int argc, char **argv, GError **error);
int audit_command(struct context *context, int argc, char **argv, GError **error);
int send_command(struct context *context, int argc, char **argv, GError **error);
int deliver_command(struct context *context, int argc, char **argv, GError **error);
int serve_command(struct context *context, int argc, char **argv, GError **error);
int poll_command(struct context *context, int argc, char **argv, GError **error);
int sweep_command(struct context *context, int argc, char **argv, GError **error);
int queue_list_command(struct context *context, int argc, char **argv, GError **error);
int queue_show_command(struct context *context, int argc, char **argv, GError **error);
int queue_approve_command(struct context *context, int argc, char **argv, GError **error);
int queue_reject_command(struct context *context, int argc, char **argv, GError **error);
int queue_extend_command(struct context *context, int argc, char **argv, GError **error);
int queue_lift_command(struct context *context, int argc, char **argv, GError **error);
int queue_classify_command(struct context *context, int argc, char **argv, GError **error);
int web_command(struct context *context, int argc, char **argv, GError **error);
int oauth2_login_command(struct context *context, int argc, char **argv, GError **error);
int oauth2_status_command(struct context *context, int argc, char **argv, GError **error);
int keys_import_command(struct context *context, int argc, char **argv, GError **error);
int keys_list_command(struct context *context, int argc, char **argv, GError **error);

/* deliver.c: what deliver opens. One mail needs one or two templates:
 * those are checked when used, and a broken one leaves the mail stored for
 * sweep to carry on. */
#define DELIVER_NEEDS (NEEDS_MAP | NEEDS_NOTICE | NEEDS_TEMPLATES_LAZY)

/* deliver.c: how many bytes of a mail deliver keeps: max_message_size and
 * enough beyond it to see that a mail is too big, and its headers. */
gint64 deliver_limit(const struct config *config);

/* deliver.c: store one mail as `deliver` does (raw: its first
 * deliver_limit bytes, total: its whole size), in a transaction of its
 * own, and append the request ids to out, one a line. 0 once committed;
 * -1 with DSR_ERROR_DATA for an empty mail, else DSR_ERROR_TEMPORARY
 * (exit 75: the mail system keeps the mail). `dsrmail serve` stores each
 * mail it is handed through it. */
int deliver_mail(struct context *context, GBytes *raw, gint64 total,
    GString *out, GError **error);

/* oauth2.c: after poll, send or sweep failed, tell the admins (once per
 * `oauth2 login`) when the failure was a revoked OAuth2 sign-in. Needs the
 * store and templates open; does nothing otherwise. */
void oauth2_revocation_notice(struct context *context);

/* requests.c: one list line (a timeline_row_func over
 * store_timeline_requests' columns; data: a note to end the line with, or
 * NULL), for `requests list` and `queue list`. */
void request_print_line(const char *const *columns, int count, void *data);

/* show.c: `requests show ID` and `queue show ID`: the request in words
 * (with json, as one JSON object). Opens the map for the subject's label
 * and name. 0, or -1 with error (DSR_ERROR_DATA: no such request). */
int request_show(struct context *context, const char *id, gboolean json,
    GError **error);

/* show.c: hold reasons (a comma list of codes) in words, each code with
 * its words after it: "policy (erasure needs approval), oversized (too
 * large: attachments not stored)"; kind is the request's. A new string,
 * "" for none. */
char *request_held_words(const char *reasons, const char *kind);

#endif
