/* lifecycle-execute.c: carrying out a decided request through the data map
 * (execute.c) and answering the subject, in one transaction with its events
 * and mails: access and portability (N7, N10), rectification (N11-N13),
 * erasure and anonymisation with legal holds (N15-N17), restriction (N14),
 * bans (N8, N9, N19). */
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "register/execute.h"
#include "register/export.h"
#include "request/lifecycle-work.h"
#include "base/log.h"
#include "store/store-event.h"
#include "store/store-forget.h"
#include "store/store-register.h"

/* The language a bundle is written in: the request's, else the default. */
static enum language
work_bundle_language(const struct work *w)
{
	int language = w->language >= 0 ? w->language :
	    language_from_code(w->context->config->default_language);

	return language >= 0 ? (enum language)language : LANG_FI;
}

/* Access and portability: the bundle, to the address on file only (N7, N10). */
static int
execute_access(struct work *w, gint64 *outbox, GError **error)
{
	struct context *c = w->context;
	g_autoptr(GPtrArray) bundle = export_bundle_build(c->store, c->map,
	    c->notice, c->config, w->address, work_bundle_language(w), w->now, error);
	struct template_data *data;
	g_autofree char *detail = NULL;

	if (bundle == NULL || work_export_key(w, &w->encrypt_to, error) < 0)
		return -1;
	if (w->encrypt_to == NULL && c->config->encrypt_exports == ENCRYPT_ALWAYS) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "%s: [policy] "
		    "encrypt_exports = always and no key of the subject's is known, so "
		    "the data stays; import their key with dsrmail keys import FILE",
		    w->row.id);
		return -1;
	}
	data = template_data_new();
	*outbox = work_mail(w, g_str_equal(w->row.kind, "portability") ?
	    REPLY_PORTABILITY : REPLY_ACCESS, w->address, data, bundle, error);
	template_data_free(data);
	if (*outbox < 0 || w->encrypt_to == NULL)
		return *outbox < 0 ? -1 : 0;
	detail = store_event_detail(NULL, 0, "protocol",
	    crypto_protocol_name(w->encrypt_to->protocol), "fingerprint",
	    w->encrypt_to->fingerprint, NULL);
	return work_event(w, "reply_encrypted", "system", detail, 0, *outbox, error);
}

/* Tell each recipient whose tables changed (N12, GDPR Art. 19). changes is
 * a list of applied changes (rectification) or NULL (erasure); held: an
 * erasure kept some data for a legal hold (the recipient must not delete
 * what it too must keep). */
static int
notify_recipients(struct work *w, GPtrArray *tables, GPtrArray *changes,
    gboolean held, gboolean *notified, GError **error)
{
	const struct map *map = w->context->map;
	guint r, t, i;

	*notified = FALSE;
	for (r = 0; r < map->recipients->len; r++) {
		const struct map_recipient *recipient = map->recipients->pdata[r];
		gboolean concerned = FALSE;
		struct template_data *data;
		gint64 outbox;

		for (t = 0; t < tables->len; t++)
			concerned |= g_ptr_array_find(recipient->tables, tables->pdata[t], NULL);
		if (!concerned)
			continue;
		data = template_data_new();
		template_data_set(data, "subject_name", w->name != NULL ? w->name : "-");
		template_data_set(data, "subject_address", w->address);
		template_data_set(data, changes != NULL ? "rectified" : "erased", "yes");
		template_data_set(data, "held", held ? "yes" : NULL);
		template_data_set_list(data, "changes");
		for (i = 0; changes != NULL && i < changes->len; i += 2) {
			struct template_data *item = template_data_add_item(data, "changes");
			template_data_set_labels(item, "field", changes->pdata[i]);
			template_data_set(item, "value", changes->pdata[i + 1]);
		}
		outbox = work_mail(w, REPLY_RECIPIENT_NOTICE, recipient->address, data,
		    NULL, error);
		template_data_free(data);
		if (outbox < 0 || work_event(w, "recipient_notified", "system", NULL, 0,
		    outbox, error) < 0)
			return -1;
		*notified = TRUE;
	}
	return 0;
}

/* A field the data map does not know (never used as a column name). */
static const char *const unknown_field[LANG_COUNT] = {
	"rekisterissä ei ole tällaista tietoa",
	"the register has no such data",
	"registret har ingen sådan uppgift",
};

/* Apply one proposed change to every subject, or say why not (*problem,
 * a static text). 0, or -1 with error. */
static int
rectify_one(struct work *w, const struct change_row *change,
    const struct map_column **column_out, const char **problem, GError **error)
{
	const struct map_column *column = change->column_name == NULL ? NULL :
	    map_find_rectifiable(w->context->map, change->column_name);
	enum language language = work_bundle_language(w);
	g_autofree char *old = NULL;
	guint i;

	*column_out = column;
	*problem = column == NULL ? unknown_field[language] :
	    execute_check_value(column, change->new_value, language);
	if (*problem != NULL)
		return store_lifecycle_change_set(w->context->store, change->id,
		    "refused", NULL, *problem, error);
	for (i = 0; i < w->subjects->len; i++) {
		g_clear_pointer(&old, g_free);
		if (execute_rectify(w->context->store, w->context->map,
		    g_array_index(w->subjects, gint64, i), column, change->new_value,
		    &old, error) < 0)
			return -1;
	}
	return store_lifecycle_change_set(w->context->store, change->id, "applied",
	    old, NULL, error);
}

/* Add a change to a reply's changes list. */
static void
changes_add(struct template_data *data, const struct map_column *column,
    const struct change_row *change)
{
	struct template_data *item = template_data_add_item(data, "changes");

	if (column != NULL)
		template_data_set_labels(item, "field", &column->label);
	else
		template_data_set(item, "field", change->field);
	template_data_set(item, "value", change->new_value);
}

/* Rectification (N11): each change checked for its column; refusals
 * explained (N13); recipients told (N12). */
static int
execute_rectification(struct work *w, gint64 *outbox, GError **error)
{
	static const char *const nothing[LANG_COUNT] = {
	    "pyynnössä ei ollut korjattavaa tietoa ja uutta arvoa",
	    "the request named no data to correct with its new value",
	    "begäran angav ingen uppgift att rätta med sitt nya värde" };
	g_autoptr(GPtrArray) changes = store_lifecycle_changes(w->context->store,
	    w->row.id, error);
	g_autoptr(GPtrArray) applied = g_ptr_array_new();
	g_autoptr(GPtrArray) tables = g_ptr_array_new();
	g_autoptr(GString) reasons = g_string_new(NULL);
	struct template_data *done = template_data_new(), *refused = template_data_new();
	gboolean notified = FALSE;
	int status = -1;
	guint i;

	if (changes == NULL)
		goto out;
	template_data_set_list(done, "changes");
	template_data_set_list(refused, "changes");
	for (i = 0; i < changes->len; i++) {
		const struct change_row *change = changes->pdata[i];
		const struct map_column *column;
		const char *problem;

		if (rectify_one(w, change, &column, &problem, error) < 0)
			goto out;
		if (problem != NULL) {
			g_string_append_printf(reasons, "%s%s: %s", reasons->len ? "; " : "",
			    change->field, problem);
			changes_add(refused, column, change);
			continue;
		}
		changes_add(done, column, change);
		g_ptr_array_add(applied, (gpointer)&column->label);
		g_ptr_array_add(applied, change->new_value);
		if (!g_ptr_array_find(tables, column->table, NULL))
			g_ptr_array_add(tables, column->table);
	}
	if (applied->len > 0) {
		if (notify_recipients(w, tables, applied, FALSE, &notified, error) < 0)
			goto out;
		template_data_set(done, "recipients_notified", notified ? "yes" : NULL);
		if ((*outbox = work_mail(w, REPLY_RECTIFICATION_DONE, w->address, done,
		    NULL, error)) < 0)
			goto out;
	}
	if (reasons->len > 0 || applied->len == 0) {
		template_data_set(refused, "reason", reasons->len > 0 ? reasons->str :
		    nothing[work_bundle_language(w)]);
		if ((*outbox = work_mail(w, REPLY_RECTIFICATION_REFUSED, w->address,
		    refused, NULL, error)) < 0)
			goto out;
	}
	status = 0;
out:
	template_data_free(done);
	template_data_free(refused);
	return status;
}

/* Add what one hold kept to the reply's kept[what,why,until] (N16). */
static void
kept_add(struct template_data *data, const struct kept *kept)
{
	struct template_data *item = template_data_add_item(data, "kept");

	template_data_set_labels(item, "what", &kept->hold->table->label);
	template_data_set_labels(item, "why", &kept->hold->reason);
	if (kept->until != NULL)
		template_data_set(item, "until", kept->until);
	else
		template_data_set_labels(item, "until", &kept->hold->until_text);
}

/* What dsrmail itself holds of the erased subjects goes too: the raw mails,
 * the values of corrections, the mails already sent (store-forget.h). */
static int
erasure_forget(struct work *w, GError **error)
{
	struct forget_counts counts = { 0 };
	guint i;

	for (i = 0; i < w->subjects->len; i++)
		if (store_forget(w->context->store, g_array_index(w->subjects,
		    gint64, i), w->now_text, &counts, error) < 0)
			return -1;
	return store_forget_event(w->context->store, w->row.id, &counts, error);
}

/* Erasure (N15, N16) or anonymisation (N17) of every subject: what a hold
 * keeps stays, restricted, and the reply says what, why and until when. */
static int
execute_erasure(struct work *w, enum erase_mode mode, gint64 *outbox,
    GError **error)
{
	struct template_data *data = template_data_new();
	g_autoptr(GPtrArray) tables = g_ptr_array_new();
	gboolean kept = FALSE, notified = FALSE;
	enum reply_kind kind;
	int status = -1;
	guint i, k;

	template_data_set_list(data, "kept");
	for (i = 0; i < w->subjects->len; i++) {
		struct erasure result;

		if (execute_erase(w->context->store, w->context->map,
		    g_array_index(w->subjects, gint64, i), w->now, mode, &result,
		    error) < 0) {
			erasure_clear(&result);
			goto out;
		}
		for (k = 0; k < result.kept->len; k++)
			kept_add(data, result.kept->pdata[k]);
		kept |= result.kept->len > 0;
		for (k = 0; k < result.tables_changed->len; k++)
			if (!g_ptr_array_find(tables, result.tables_changed->pdata[k], NULL))
				g_ptr_array_add(tables, result.tables_changed->pdata[k]);
		erasure_clear(&result);
	}
	if (erasure_forget(w, error) < 0 ||
	    notify_recipients(w, tables, NULL, kept, &notified, error) < 0)
		goto out;
	template_data_set(data, "recipients_notified", notified ? "yes" : NULL);
	template_data_set(data, "partial", kept ? "yes" : NULL);
	kind = mode == ERASE_MODE_ANONYMISE ? REPLY_ANONYMISATION_DONE :
	    kept ? REPLY_ERASURE_PARTIAL : REPLY_ERASURE_DONE;
	/* After a full erasure the name is gone: the reply does not repeat it. */
	if (!kept)
		template_data_set(data, "name", "");
	*outbox = work_mail(w, kind, w->address, data, NULL, error);
	status = *outbox < 0 ? -1 : 0;
out:
	template_data_free(data);
	return status;
}

/* The flag column of a ban or restriction kind, or NULL. */
static const struct map_column *
flag_column(const struct map *map, const char *kind)
{
	if (g_str_equal(kind, "objection"))
		return map->marketing_ban;
	if (g_str_equal(kind, "publication"))
		return map->publication_ban;
	if (g_str_equal(kind, "disclosure"))
		return map->disclosure_ban;
	if (g_str_equal(kind, "restriction"))
		return map->restricted;
	return NULL;
}

/* Bans (N8, N9, N19) and restriction (N14): the flag set on every subject. */
static int
execute_flag(struct work *w, gint64 *outbox, GError **error)
{
	const struct map_column *column = flag_column(w->context->map, w->row.kind);
	struct template_data *data;
	guint i;

	if (column == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: the data map "
		    "names no column for %s requests; add it to [map] in %s",
		    w->row.id, w->row.kind, w->context->map->file);
		return -1;
	}
	for (i = 0; i < w->subjects->len; i++)
		if (execute_set_flag(w->context->store, column,
		    g_array_index(w->subjects, gint64, i), TRUE, error) < 0)
			return -1;
	data = template_data_new();
	if (column != w->context->map->restricted)
		template_data_set(data, column == w->context->map->marketing_ban ?
	    "marketing_ban" : column == w->context->map->publication_ban ?
		    "publication_ban" : "disclosure_ban", "yes");
	*outbox = work_mail(w, g_str_equal(w->row.kind, "restriction") ?
	    REPLY_RESTRICTION_DONE : REPLY_BANS_SET, w->address, data, NULL, error);
	template_data_free(data);
	return *outbox < 0 ? -1 : 0;
}

/* Run the kind's execution inside the transaction. */
static int
execute_kind(struct work *w, gint64 *outbox, GError **error)
{
	const char *kind = w->row.kind;

	if (g_str_equal(kind, "access") || g_str_equal(kind, "portability"))
		return execute_access(w, outbox, error);
	if (g_str_equal(kind, "rectification"))
		return execute_rectification(w, outbox, error);
	if (g_str_equal(kind, "erasure"))
		return execute_erasure(w, ERASE_MODE_ERASE, outbox, error);
	if (g_str_equal(kind, "anonymisation"))
		return execute_erasure(w, ERASE_MODE_ANONYMISE, outbox, error);
	if (g_str_equal(kind, "restriction") || g_str_equal(kind, "objection") ||
	    g_str_equal(kind, "publication") || g_str_equal(kind, "disclosure"))
		return execute_flag(w, outbox, error);
	g_set_error(error, DSR_ERROR, DSR_ERROR_SOFTWARE, "%s: a request of kind "
	    "%s cannot be carried out", w->row.id, kind);
	return -1;
}

/* Carry out a request (see lifecycle-work.h). */
int
lifecycle_execute(struct work *w, const char *actor, GError **error)
{
	const struct request_update update = { .state = "done", .completed = TRUE };
	g_autofree char *detail = store_event_detail(NULL, 0, "kind", w->row.kind,
	    "decided_by", actor, NULL);
	gboolean erases = g_str_equal(w->row.kind, "erasure") ||
	    g_str_equal(w->row.kind, "anonymisation");
	gint64 outbox = 0;

	if (w->address == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "%s has no register "
		    "subject: nothing to carry out", w->row.id);
		return -1;
	}
	if (store_begin(w->context->store, error) < 0)
		return -1;
	if (execute_kind(w, &outbox, error) < 0 ||
	    store_lifecycle_update(w->context->store, w->row.id, &update,
	    w->now_text, error) < 0 ||
	    work_event(w, "executed", "system", detail, 0, outbox, error) < 0 ||
	    store_commit(w->context->store, error) < 0) {
		store_rollback(w->context->store);
		return -1;
	}
	log_info("lifecycle: %s executed (%s)", w->row.id, w->row.kind);
	/* Only after the commit: the erased values leave the -wal and the file. */
	return erases ? store_scrub(w->context->store, error) : 0;
}
