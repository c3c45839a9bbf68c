/* identifiers.c: what in a mail's text names a person (see identifiers.h). */
#include "base/address.h"
#include "base/config.h"
#include "base/regex.h"
#include "request/identifiers.h"

/* Every e-mail address in text, normalised. */
static GPtrArray *
text_addresses(const char *text)
{
	static GRegex *slot;
	GRegex *regex = regex_get(&slot, "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+"
	    "(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", 0);
	g_autoptr(GMatchInfo) match = NULL;
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);

	g_regex_match(regex, text != NULL ? text : "", 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_autofree char *word = g_match_info_fetch(match, 0);
		g_ptr_array_add(found, address_normalise(word));
	}
	return found;
}

/* TRUE if text names an address that is neither the sender's, ours, an
 * admin's nor one of the allowed (new values of corrections). */
gboolean
identifiers_other_address(const char *text, const struct config *config,
    const char *sender, GPtrArray *allowed)
{
	g_autoptr(GPtrArray) found = text_addresses(text);
	g_autofree char *registry = address_normalise(config->registry_address);
	guint i, j;

	for (i = 0; i < found->len; i++) {
		const char *address = found->pdata[i];
		gboolean known = g_strcmp0(address, sender) == 0 ||
		    g_strcmp0(address, registry) == 0 ||
		    config_is_admin(config, address);

		for (j = 0; allowed != NULL && j < allowed->len && !known; j++) {
			g_autofree char *value = address_normalise(allowed->pdata[j]);
			known = g_strcmp0(address, value) == 0;
		}
		if (!known)
			return TRUE;
	}
	return FALSE;
}

/* TRUE if text names a person some other way: a phone number (7 digits or
 * more) or a name given as such ("Nimi:", "my name is", ...). */
gboolean
identifiers_named(const char *text)
{
	static GRegex *phone_slot, *name_slot;
	GRegex *phone = regex_get(&phone_slot, "(?<![0-9])\\+?[0-9][0-9 ()-]{5,18}"
	    "[0-9](?![0-9])", 0);
	GRegex *name = regex_get(&name_slot, "(^|\\n)\\s*(nimi|name|namn)\\s*:|"
	    "nimeni on|my name is|jag heter", G_REGEX_CASELESS);
	g_autoptr(GMatchInfo) match = NULL;

	if (text == NULL)
		return FALSE;
	if (g_regex_match(name, text, 0, NULL))
		return TRUE;
	g_regex_match(phone, text, 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_autofree char *word = g_match_info_fetch(match, 0);
		int digits = 0;
		const char *p;

		for (p = word; *p != '\0'; p++)
			digits += g_ascii_isdigit(*p) != 0;
		if (digits >= 7)
			return TRUE;
	}
	return FALSE;
}
