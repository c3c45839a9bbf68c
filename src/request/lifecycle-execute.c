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

/* What every notice about one change to w's subject shares. */
struct notice_facts {
	enum notice_change change;
	GPtrArray *changes;       /* label, value pairs, or NULL */
	gboolean held;            /* an erasure kept data for a legal hold */
	gboolean restricted;      /* Art. 18(2): no values, the key only */
	gboolean banned;          /* N19: to the admins for a decision first */
};

/* The fields of a notice to party (source: a [source]) about w's subject. */
static struct template_data *
notice_data(struct work *w, const struct notice_facts *facts,
    const struct map_recipient *party, gboolean source)
{
	const struct map_table *table = w->context->map->subject;
	const struct map_column *key = map_find_column(table, table->key);
	struct template_data *data = template_data_new();
	g_autofree char *key_text = g_strdup_printf("%" G_GINT64_FORMAT,
	    g_array_index(w->subjects, gint64, 0));
	guint i;

	template_data_set(data, "restricted", facts->restricted ? "yes" : NULL);
	if (facts->restricted) {
		template_data_set(data, "subject_key", key_text);
		if (key != NULL)
			template_data_set_labels(data, "key_label", &key->label);
		else
			template_data_set_labels(data, "key_label", &table->label);
	} else {
		template_data_set(data, "subject_name", w->name != NULL ? w->name : "-");
		template_data_set(data, "subject_address", w->address);
	}
	template_data_set(data, "source", source ? "yes" : NULL);
	template_data_set(data, "rectified", facts->change == NOTICE_RECTIFIED ?
	    "yes" : NULL);
	template_data_set(data, "erased", facts->change == NOTICE_ERASED ? "yes" :
	    NULL);
	template_data_set(data, "restriction_set", facts->change ==
	    NOTICE_RESTRICTED ? "yes" : NULL);
	template_data_set(data, "restriction_lifted", facts->change ==
	    NOTICE_LIFTED ? "yes" : NULL);
	template_data_set(data, "held", facts->held ? "yes" : NULL);
	template_data_set(data, "banned", facts->banned ? "yes" : NULL);
	template_data_set(data, "party_name", party->name);
	template_data_set(data, "party_address", party->address);
	template_data_set_list(data, "changes");
	for (i = 0; !facts->restricted && facts->changes != NULL &&
	    i < facts->changes->len; i += 2) {
		struct template_data *item = template_data_add_item(data, "changes");
		template_data_set_labels(item, "field", facts->changes->pdata[i]);
		template_data_set(item, "value", facts->changes->pdata[i + 1]);
	}
	return data;
}

/* Tell one party; with a disclosure ban the notice goes to each admin
 * instead, saying whom it was for and that they decide (N19). */
static int
notify_party(struct work *w, const struct notice_facts *facts,
    const struct map_recipient *party, gboolean source, GError **error)
{
	struct template_data *data = notice_data(w, facts, party, source);
	g_autofree char *detail = store_event_detail(NULL, 0, "party", party->name,
	    "role", source ? "source" : "recipient", NULL);
	char *const only[] = { party->address, NULL };
	char *const *to = facts->banned ? w->context->config->admins : only;
	int status = 0;

	for (; status == 0 && to != NULL && *to != NULL; to++) {
		gint64 outbox = work_mail(w, REPLY_RECIPIENT_NOTICE, *to, data, NULL,
		    error);
		status = outbox < 0 ? -1 : work_event(w, facts->banned ?
		    "recipient_notice_held" : "recipient_notified", "system", detail,
		    0, outbox, error);
	}
	template_data_free(data);
	return status;
}

/* TRUE if a table of party is among tables (NULL: every party). */
static gboolean
party_concerned(const struct map_recipient *party, GPtrArray *tables)
{
	guint t;

	for (t = 0; tables != NULL && t < tables->len; t++)
		if (g_ptr_array_find(party->tables, tables->pdata[t], NULL))
			return TRUE;
	return tables == NULL && party->tables->len > 0;
}

/* Tell the recipients and sources concerned (see lifecycle-work.h). */
int
lifecycle_notify_parties(struct work *w, enum notice_change change,
    GPtrArray *tables, GPtrArray *changes, gboolean held, gboolean *notified,
    gboolean *held_back, GError **error)
{
	const struct map *map = w->context->map;
	struct notice_facts facts = { change, changes, held, FALSE, FALSE };
	GPtrArray *groups[] = { map->recipients, change == NOTICE_RECTIFIED ?
	    map->sources : NULL };
	guint g, r;
	guint i;

	*notified = *held_back = FALSE;
	if (w->subjects->len == 0 || work_restricted(w, &facts.restricted,
	    error) < 0)
		return w->subjects->len == 0 ? 0 : -1;
	facts.restricted |= w->was_restricted;
	for (i = 0; i < w->subjects->len && !facts.banned; i++)
		if (execute_get_flag(w->context->store, map->disclosure_ban,
		    g_array_index(w->subjects, gint64, i), &facts.banned, error) < 0)
			return -1;
	for (g = 0; g < G_N_ELEMENTS(groups); g++)
		for (r = 0; groups[g] != NULL && r < groups[g]->len; r++) {
			const struct map_recipient *party = groups[g]->pdata[r];

			if (!party_concerned(party, tables))
				continue;
			if (notify_party(w, &facts, party, g == 1, error) < 0)
				return -1;
			*notified |= !facts.banned;
			*held_back |= facts.banned;
		}
	return 0;
}

/* Say in a reply to the subject what became of the notices. */
static void
notified_set(struct template_data *data, gboolean notified, gboolean held_back)
{
	template_data_set(data, "recipients_notified", notified ? "yes" : NULL);
	template_data_set(data, "recipients_held", held_back ? "yes" : NULL);
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
	gboolean notified = FALSE, held_back = FALSE;
	int status = -1;
	guint i;

	if (changes == NULL)
		goto out;
	template_data_set(done, "dispute_ended", w->dispute_ended ? "yes" : NULL);
	template_data_set(refused, "dispute_ended", w->dispute_ended ? "yes" : NULL);
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
		if (lifecycle_notify_parties(w, NOTICE_RECTIFIED, tables, applied,
		    FALSE, &notified, &held_back, error) < 0)
			goto out;
		notified_set(done, notified, held_back);
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
	gboolean kept = FALSE, notified = FALSE, held_back = FALSE;
	enum reply_kind kind;
	int status = -1;
	guint i, k;

	template_data_set_list(data, "kept");
	if (work_restricted(w, &w->was_restricted, error) < 0)
		goto out;
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
	    lifecycle_notify_parties(w, NOTICE_ERASED, tables, NULL, kept,
	    &notified, &held_back, error) < 0)
		goto out;
	notified_set(data, notified, held_back);
	template_data_set(data, "partial", kept ? "yes" : NULL);
	kind = mode == ERASE_MODE_ANONYMISE ? REPLY_ANONYMISATION_DONE :
	    kept ? REPLY_ERASURE_PARTIAL : REPLY_ERASURE_DONE;
	/* After a full erasure the name is gone: the reply does not repeat it. */
	if (!kept)
		template_data_set(data, "name", "");
	/* A retention erasure the admins approved: nobody asked, nobody is told. */
	*outbox = work_answers_subject(w) ? work_mail(w, kind, w->address, data,
	    NULL, error) : 0;
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
	if (g_str_equal(kind, "restriction") ||
	    g_str_equal(kind, "processing_objection"))
		return map->restricted;
	return NULL;
}

/* The reply a flag kind gets. */
static enum reply_kind
flag_reply(const char *kind)
{
	if (g_str_equal(kind, "restriction"))
		return REPLY_RESTRICTION_DONE;
	if (g_str_equal(kind, "processing_objection"))
		return REPLY_OBJECTION_UPHELD;
	return REPLY_BANS_SET;
}

/* Bans (N8, N9, N19), restriction (N14) and an upheld objection on grounds
 * of the particular situation (Art. 21(1): the processing stops, so the
 * data is restricted): the flag set on every subject; recipients are told
 * of a restriction (Art. 19). */
static int
execute_flag(struct work *w, gint64 *outbox, GError **error)
{
	const struct map *map = w->context->map;
	const struct map_column *column = flag_column(map, w->row.kind);
	struct template_data *data;
	gboolean notified = FALSE, held_back = FALSE;
	guint i;

	if (column == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: the data map "
		    "names no column for %s requests; add it to [map] in %s",
		    w->row.id, w->row.kind, map->file);
		return -1;
	}
	for (i = 0; i < w->subjects->len; i++)
		if (execute_set_flag(w->context->store, column,
		    g_array_index(w->subjects, gint64, i), TRUE, error) < 0)
			return -1;
	if (column == map->restricted && lifecycle_notify_parties(w,
	    NOTICE_RESTRICTED, NULL, NULL, FALSE, &notified, &held_back, error) < 0)
		return -1;
	data = template_data_new();
	if (column != map->restricted)
		template_data_set(data, column == map->marketing_ban ? "marketing_ban" :
		    column == map->publication_ban ? "publication_ban" :
		    "disclosure_ban", "yes");
	else
		notified_set(data, notified, held_back);
	*outbox = work_mail(w, flag_reply(w->row.kind), w->address, data, NULL,
	    error);
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
	    g_str_equal(kind, "publication") || g_str_equal(kind, "disclosure") ||
	    g_str_equal(kind, "processing_objection"))
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
	gboolean ended;

	if (w->address == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_DATA, "%s has no register "
		    "subject: nothing to carry out", w->row.id);
		return -1;
	}
	if (store_begin(w->context->store, error) < 0)
		return -1;
	/* The decision ends a dispute first: a correction's notices then carry
	 * the new values. */
	if (lifecycle_dispute_end(w, &ended, error) < 0 ||
	    execute_kind(w, &outbox, error) < 0 ||
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
