/* store-oauth2.c: dsr_oauth2_revocations (see store-oauth2.h). */
#include "base/clock.h"
#include "store/store-event.h"
#include "store/store-oauth2.h"

/* Insert the login's row unless it is there; the event with a new row. */
int
store_oauth2_revocation_record(struct store *store, const char *login_at,
    const char *provider, gboolean *first, GError **error)
{
	g_autofree char *now = clock_now_iso();
	g_autofree char *detail = NULL;
	struct event event = { NULL, "oauth2_revoked", "system", NULL, 0, 0 };
	sqlite3_stmt *statement = store_statement(store, "INSERT INTO "
	    "dsr_oauth2_revocations(login_at, noticed_at) VALUES (?1, ?2) "
	    "ON CONFLICT DO NOTHING", error);

	*first = FALSE;
	if (statement == NULL)
		return -1;
	store_bind_text(statement, 1, login_at);
	store_bind_text(statement, 2, now);
	if (store_step_done(store, statement, error) < 0)
		return -1;
	if (sqlite3_changes(store_handle(store)) == 0)
		return 0;
	*first = TRUE;
	event.detail = detail = store_event_detail(NULL, 0, "provider", provider,
	    NULL);
	return store_event_add(store, &event, error) < 0 ? -1 : 0;
}
