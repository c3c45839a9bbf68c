/* store-forget.c: the SQL of forgetting an erased person's values in
 * dsrmail's own tables (see store-forget.h). */
#include <json-glib/json-glib.h>

#include "store/store-event.h"
#include "store/store-forget.h"

/* The requests about subject ?1. */
#define SUBJECT_REQUESTS "(SELECT request FROM dsr_request_subjects " \
	"WHERE subject_key = ?1)"

/* The mails of those requests: the ones that opened them, and those
 * recorded on them. */
#define SUBJECT_MAILS "(SELECT message FROM dsr_requests WHERE id IN " \
	SUBJECT_REQUESTS " UNION SELECT message FROM dsr_events WHERE request " \
	"IN " SUBJECT_REQUESTS ")"

/* Run one forgetting statement for subject (?1) at now (?2, if it has
 * one); *changed counts up the rows it changed. */
static int
forget_run(struct store *store, const char *sql, gint64 subject,
    const char *now, gint64 *changed, GError **error)
{
	sqlite3_stmt *statement = store_statement(store, sql, error);

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, subject);
	if (sqlite3_bind_parameter_count(statement) >= 2)
		store_bind_text(statement, 2, now);
	if (store_step_done(store, statement, error) < 0)
		return -1;
	*changed += sqlite3_changes(store_handle(store));
	return 0;
}

/* Who signed the subject's mails (the key's user id and address) and the
 * keys recorded for them or their address go too; the signature's status,
 * key id and fingerprint stay with the events. (The keys themselves stay
 * in [crypto] home: gpg --homedir ... --delete-keys removes them.) */
static int
forget_keys(struct store *store, gint64 subject, GError **error)
{
	gint64 changed = 0;

	if (forget_run(store, "UPDATE dsr_signatures SET signer = NULL, address = "
	    "NULL WHERE (signer IS NOT NULL OR address IS NOT NULL) AND message IN "
	    SUBJECT_MAILS, subject, NULL, &changed, error) < 0)
		return -1;
	return forget_run(store, "DELETE FROM dsr_keys WHERE message IN "
	    SUBJECT_MAILS " OR address IN (SELECT sender FROM dsr_requests WHERE "
	    "id IN " SUBJECT_REQUESTS ")", subject, NULL, &changed, error);
}

/* Forget the subject's values in the mails, changes and outbox. */
int
store_forget(struct store *store, gint64 subject, const char *now,
    struct forget_counts *counts, GError **error)
{
	if (forget_run(store, "UPDATE dsr_messages SET raw = NULL, from_name = "
	    "NULL, raw_removed_at = coalesce(raw_removed_at, ?2) WHERE (raw IS "
	    "NOT NULL OR from_name IS NOT NULL) AND id IN " SUBJECT_MAILS, subject,
	    now, &counts->mails, error) < 0)
		return -1;
	if (forget_run(store, "UPDATE dsr_changes SET new_value = CASE WHEN "
	    "new_value IS NULL THEN NULL ELSE '' END, old_value = CASE WHEN "
	    "old_value IS NULL THEN NULL ELSE '' END WHERE request IN "
	    SUBJECT_REQUESTS " AND (coalesce(new_value, '') <> '' OR "
	    "coalesce(old_value, '') <> '')", subject, now,
	    &counts->changes, error) < 0)
		return -1;
	if (forget_run(store, "UPDATE dsr_outbox SET raw = X'', "
	    "raw_removed_at = coalesce(raw_removed_at, ?2) WHERE request IN "
	    SUBJECT_REQUESTS " AND state <> 'queued' AND length(raw) > 0",
	    subject, now, &counts->outbox, error) < 0)
		return -1;
	return forget_keys(store, subject, error);
}

/* The records_cleared event, with the counts as JSON. */
int
store_forget_event(struct store *store, const char *request,
    const struct forget_counts *counts, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *detail = NULL;
	struct event event = { request, "records_cleared", "system", NULL, 0, 0 };

	if (counts->mails + counts->changes + counts->outbox == 0)
		return 0;
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "mails");
	json_builder_add_int_value(builder, counts->mails);
	json_builder_set_member_name(builder, "changes");
	json_builder_add_int_value(builder, counts->changes);
	json_builder_set_member_name(builder, "outbox");
	json_builder_add_int_value(builder, counts->outbox);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	event.detail = detail = json_to_string(root, FALSE);
	return store_event_add(store, &event, error) < 0 ? -1 : 0;
}
