/* notice.c: read rules/notice.conf. */
#include "base/error.h"
#include "rules/notice.h"

static const char *const fact_keys[NOTICE_FACT_COUNT] = {
	"register", "controller", "contact", "purposes", "legal_basis",
	"categories", "recipients", "transfers", "retention", "sources",
	"rights", "authority",
};

/* Headings for each fact, so notice.conf holds only the organisation's text. */
static const char *const fact_headings[NOTICE_FACT_COUNT][LANG_COUNT] = {
	{ "Rekisterin nimi", "Register", "Registrets namn" },
	{ "Rekisterinpitäjä", "Controller", "Personuppgiftsansvarig" },
	{ "Yhteyshenkilö", "Contact person", "Kontaktperson" },
	{ "Käsittelyn tarkoitus", "Purposes of processing", "Ändamål med behandlingen" },
	{ "Käsittelyn oikeusperuste", "Legal basis", "Rättslig grund" },
	{ "Henkilötietoryhmät", "Categories of personal data", "Kategorier av personuppgifter" },
	{ "Vastaanottajat", "Recipients", "Mottagare" },
	{ "Siirrot EU:n tai ETA:n ulkopuolelle", "Transfers outside the EU/EEA", "Överföringar utanför EU/EES" },
	{ "Säilytysaika", "Retention period", "Lagringstid" },
	{ "Tietolähteet", "Sources of the data", "Uppgiftskällor" },
	{ "Oikeutesi", "Your rights", "Dina rättigheter" },
	{ "Valvontaviranomainen", "Supervisory authority", "Tillsynsmyndighet" },
};

const char *
notice_fact_key(enum notice_fact fact)
{
	return fact_keys[fact];
}

/* Load and check the notice facts. */
struct notice *
notice_load(const char *path, GError **error)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	struct notice *notice = g_new0(struct notice, 1);
	int f, l;

	notice->file = g_strdup(path);
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_KEEP_TRANSLATIONS, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the notice facts %s: "
		    "%s; it belongs in the rules directory ([paths] rules)", path,
		    local->message);
		goto fail;
	}
	for (f = 0; f < NOTICE_FACT_COUNT; f++) {
		labels_read(&notice->text[f], file, "notice", fact_keys[f]);
		for (l = 0; l < LANG_COUNT; l++)
			notice->heading[f].text[l] = g_strdup(fact_headings[f][l]);
		if (notice->text[f].text[LANG_FI] == NULL ||
		    notice->text[f].text[LANG_EN] == NULL) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s: [notice] %s "
			    "is missing; give %s[fi] and %s[en] (an access reply must "
			    "carry it, GDPR Art. 13-15)", path, fact_keys[f],
			    fact_keys[f], fact_keys[f]);
			goto fail;
		}
	}
	return notice;
fail:
	notice_free(notice);
	return NULL;
}

/* Free the notice. */
void
notice_free(struct notice *notice)
{
	int f;

	if (notice == NULL)
		return;
	for (f = 0; f < NOTICE_FACT_COUNT; f++) {
		labels_clear(&notice->text[f]);
		labels_clear(&notice->heading[f]);
	}
	g_free(notice->file);
	g_free(notice);
}
