/* retention.c: erasure when the retention period ends (N6) and removal of
 * old raw request mails, for `dsrmail sweep`. */
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/error.h"
#include "register/execute.h"
#include "base/log.h"
#include "register/retention.h"
#include "store/store-dispute.h"
#include "store/store-event.h"
#include "store/store-forget.h"
#include "store/store-register.h"
#include "store/store-retention.h"

/* What a retention run did, for its log line. */
struct retention_totals {
	guint erased;             /* subjects erased (or, dry, to be erased) */
	guint unchanged;          /* already erased as far as the holds allow */
	guint kept;               /* erased subjects a hold kept data of */
	guint restricted;         /* restricted: left to the admins */
	guint rows_deleted;
	guint values_cleared;
};

/* now - period as ISO 8601 text (calendar months and years); freed by the
 * caller. */
static char *
retention_cutoff(GDateTime *now, const struct duration *period)
{
	g_autoptr(GDateTime) cutoff = duration_subtract(now, period);

	return clock_format_iso(cutoff);
}

/* Add one register row to the subject's data hash (a register_row_func). */
static int
hash_row(const struct map_table *table, GVariant *const *values, void *data,
    GError **error)
{
	GChecksum *checksum = data;
	guint i;

	(void)error;
	g_checksum_update(checksum, (const guchar *)table->name, -1);
	for (i = 0; i < table->columns->len; i++) {
		g_autofree char *text = values[i] ? g_variant_print(values[i], TRUE)
		    : g_strdup("NULL");
		char length[32];

		g_snprintf(length, sizeof length, "|%zu|", strlen(text));
		g_checksum_update(checksum, (const guchar *)length, -1);
		g_checksum_update(checksum, (const guchar *)text, -1);
	}
	return 0;
}

/* SHA-256 over every row of the subject (its own and its child tables'),
 * so a later sweep sees whether anything changed; NULL with error. */
static char *
retention_hash(struct store *store, const struct map *map, gint64 subject,
    GError **error)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	guint t;

	for (t = 0; t < map->tables->len; t++) {
		const struct map_table *table = map->tables->pdata[t];

		if (table->link == LINK_PARENT)
			continue;
		if (store_register_rows(store, map, table, subject, hash_row,
		    checksum, error) < 0)
			return NULL;
	}
	return g_strdup(g_checksum_get_string(checksum));
}

/* The holds that kept data, as "name:rows;..." ("" when none). */
static char *
retention_held(const struct erasure *result)
{
	GString *held = g_string_new(NULL);
	guint i;

	for (i = 0; i < result->kept->len; i++) {
		const struct kept *kept = result->kept->pdata[i];
		g_string_append_printf(held, "%s%s:%u", i ? ";" : "", kept->hold->name,
		    kept->rows);
	}
	return g_string_free(held, FALSE);
}

/* The event detail: the subject key and counts, as JSON. */
static char *
retention_detail(gint64 subject, const struct erasure *result)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	guint i;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "subject");
	json_builder_add_int_value(builder, subject);
	json_builder_set_member_name(builder, "rows_deleted");
	json_builder_add_int_value(builder, result->rows_deleted);
	json_builder_set_member_name(builder, "values_cleared");
	json_builder_add_int_value(builder, result->values_cleared);
	json_builder_set_member_name(builder, "kept");
	json_builder_begin_object(builder);
	for (i = 0; i < result->kept->len; i++) {
		const struct kept *kept = result->kept->pdata[i];
		json_builder_set_member_name(builder, kept->hold->name);
		json_builder_add_int_value(builder, kept->rows);
	}
	json_builder_end_object(builder);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	return json_generator_to_data(generator, NULL);
}

/* "subject 3: 2 rows deleted, 11 values cleared[, kept by open_invoice:1]". */
static char *
retention_describe(gint64 subject, const struct erasure *result,
    const char *held)
{
	return g_strdup_printf("subject %" G_GINT64_FORMAT ": %u rows deleted, "
	    "%u values cleared%s%s", subject, result->rows_deleted,
	    result->values_cleared, *held ? ", kept by holds " : "", held);
}

/* Write the event and the retention record of an erasure, and commit. */
static int
retention_commit(struct store *store, const struct map *map, gint64 subject,
    const struct erasure *result, const char *held, GError **error)
{
	g_autofree char *detail = retention_detail(subject, result);
	g_autofree char *hash = retention_hash(store, map, subject, error);
	g_autofree char *now = clock_now_iso();
	struct event event = { .type = "retention_erased", .actor = "system",
		.detail = detail };
	struct forget_counts forgotten = { 0 };

	if (hash == NULL || store_event_add(store, &event, error) < 0 ||
	    store_forget(store, subject, now, &forgotten, error) < 0 ||
	    store_forget_event(store, NULL, &forgotten, error) < 0 ||
	    store_retention_record(store, subject, now, hash, held, error) < 0)
		return -1;
	return store_commit(store, error);
}

/* Art. 18(2): may the sweep erase subject (recorded: an earlier retention
 * erasure restricted what its holds kept)? 1 if it must leave it to the
 * admins, with *ask TRUE when they are still to be asked; 0 if it may
 * erase; -1 with error. */
static int
retention_needs_admin(struct context *context, gint64 subject, int recorded,
    gboolean *ask, GError **error)
{
	g_autofree char *state = NULL;
	gboolean restricted;
	int found;

	*ask = FALSE;
	if (execute_get_flag(context->store, context->map->restricted, subject,
	    &restricted, error) < 0)
		return -1;
	if (!restricted || recorded)
		return 0;
	if ((found = store_retention_request(context->store, subject, &state,
	    error)) < 0)
		return -1;
	if (found && g_str_equal(state, "done"))
		return 0;
	/* Asked and waiting, or kept by the admin's rejection. */
	*ask = !found;
	return 1;
}

/* Erase one subject in its own transaction (rolled back when dry or when
 * there is nothing new to erase). */
static int
retention_erase_subject(struct context *context, gint64 subject,
    GDateTime *now, gboolean dry_run, struct retention_totals *totals,
    GArray *to_ask, GError **error)
{
	struct store *store = context->store;
	g_autofree char *before = NULL, *old_hash = NULL, *old_held = NULL;
	g_autofree char *held = NULL, *description = NULL;
	struct erasure result = { 0 };
	int recorded, needs, status = -1;
	gboolean ask;

	if (store_begin(store, error) < 0)
		return -1;
	if ((before = retention_hash(store, context->map, subject, error)) == NULL ||
	    (recorded = store_retention_get(store, subject, &old_hash, &old_held,
	    error)) < 0 || (needs = retention_needs_admin(context, subject,
	    recorded, &ask, error)) < 0)
		goto out;
	if (needs) {
		if (ask)
			g_array_append_val(to_ask, subject);
		if (ask && dry_run)
			printf("retention: would hold subject %" G_GINT64_FORMAT " for "
			    "an admin: its data is restricted\n", subject);
		totals->restricted++;
		status = 0;
		goto out;
	}
	if (execute_erase(store, context->map, subject, now, ERASE_MODE_ERASE,
	    &result, error) < 0)
		goto out;
	held = retention_held(&result);
	if (recorded && g_strcmp0(old_hash, before) == 0 &&
	    g_strcmp0(old_held, held) == 0) {
		totals->unchanged++;
		status = 0;
		goto out;
	}
	description = retention_describe(subject, &result, held);
	if (dry_run)
		printf("retention: would erase %s\n", description);
	else if (retention_commit(store, context->map, subject, &result, held,
	    error) < 0)
		goto out;
	else
		log_info("retention: erased %s", description);
	totals->erased++;
	totals->kept += *held != '\0';
	totals->rows_deleted += result.rows_deleted;
	totals->values_cleared += result.values_cleared;
	status = 0;
out:
	if (status < 0 || dry_run || description == NULL)
		store_rollback(store);
	erasure_clear(&result);
	return status;
}

/* Erase every subject past retention. */
int
retention_erase(struct context *context, GDateTime *now, gboolean dry_run,
    GArray *to_ask, GError **error)
{
	g_autofree char *cutoff = retention_cutoff(now, &context->config->retention);
	g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(gint64));
	struct retention_totals totals = { 0 };
	guint i;

	if (context->map->relationship_ended == NULL) {
		log_warn("retention: the data map (%s) names no relationship_ended "
		    "column in [map]; no subject is erased for retention (N6)",
		    context->map->file);
		return 0;
	}
	if (store_register_ended_before(context->store, context->map, cutoff,
	    keys, error) < 0)
		return -1;
	for (i = 0; i < keys->len; i++)
		if (retention_erase_subject(context, g_array_index(keys, gint64, i),
		    now, dry_run, &totals, to_ask, error) < 0)
			return -1;
	if (dry_run) {
		printf("retention: %u subjects would be erased (relationship ended "
		    "before %s), %u already erased as far as holds allow, %u "
		    "restricted (left to the admins)\n", totals.erased, cutoff,
		    totals.unchanged, totals.restricted);
		return 0;
	}
	log_notice("retention: %u subjects erased (relationship ended before %s; "
	    "%u rows deleted, %u values cleared, %u with data kept by a hold), "
	    "%u already erased as far as holds allow, %u restricted (left to the "
	    "admins)", totals.erased, cutoff, totals.rows_deleted,
	    totals.values_cleared, totals.kept, totals.unchanged,
	    totals.restricted);
	return totals.erased > 0 ? store_scrub(context->store, error) : 0;
}

/* Clear the raw mails in one transaction, one event each. */
static int
retention_remove_mails(struct store *store, GArray *mails, const char *now,
    GError **error)
{
	guint i;

	if (store_begin(store, error) < 0)
		return -1;
	for (i = 0; i < mails->len; i++) {
		const struct raw_mail *mail = &g_array_index(mails, struct raw_mail, i);
		g_autofree char *detail = store_event_detail("bytes", mail->size,
		    NULL);
		struct event event = { .type = "raw_removed", .actor = "system",
			.detail = detail, .message = mail->message };

		if (store_retention_remove_raw(store, mail->message, now, error) < 0 ||
		    store_event_add(store, &event, error) < 0) {
			store_rollback(store);
			return -1;
		}
	}
	return store_commit(store, error);
}

/* Remove raw mails past evidence retention. */
int
retention_evidence(struct context *context, GDateTime *now, gboolean dry_run,
    GError **error)
{
	g_autofree char *cutoff = retention_cutoff(now,
	    &context->config->evidence_retention);
	g_autofree char *now_iso = clock_format_iso(now);
	g_autoptr(GArray) mails = g_array_new(FALSE, FALSE, sizeof(struct raw_mail));
	gint64 bytes = 0;
	guint i;

	if (store_retention_old_raw(context->store, cutoff, mails, error) < 0)
		return -1;
	for (i = 0; i < mails->len; i++) {
		const struct raw_mail *mail = &g_array_index(mails, struct raw_mail, i);
		bytes += mail->size;
		if (dry_run)
			printf("evidence: would remove the raw mail of message %"
			    G_GINT64_FORMAT " (%" G_GINT64_FORMAT " bytes)\n",
			    mail->message, mail->size);
	}
	if (dry_run) {
		printf("evidence: %u raw mails would be removed (received before %s)\n",
		    mails->len, cutoff);
		return 0;
	}
	if (mails->len > 0 && retention_remove_mails(context->store, mails,
	    now_iso, error) < 0)
		return -1;
	log_notice("evidence: %u raw mails removed (%" G_GINT64_FORMAT " bytes, "
	    "received before %s); their rows and events stay", mails->len, bytes,
	    cutoff);
	return mails->len > 0 ? store_scrub(context->store, error) : 0;
}
