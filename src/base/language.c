/* language.c: the languages dsrmail speaks, and texts per language. */
#include "base/language.h"

static const char *const language_codes[LANG_COUNT] = { "fi", "en", "sv" };

/* "fi" -> LANG_FI. */
int
language_from_code(const char *code)
{
	int i;

	for (i = 0; code != NULL && i < LANG_COUNT; i++)
		if (g_ascii_strcasecmp(code, language_codes[i]) == 0)
			return i;
	return -1;
}

/* LANG_FI -> "fi". */
const char *
language_code(enum language language)
{
	return language_codes[language];
}

/* The text in language, else English, else Finnish, else Swedish. */
const char *
labels_get(const struct labels *labels, enum language language)
{
	if (labels->text[language] != NULL)
		return labels->text[language];
	if (labels->text[LANG_EN] != NULL)
		return labels->text[LANG_EN];
	if (labels->text[LANG_FI] != NULL)
		return labels->text[LANG_FI];
	return labels->text[LANG_SV];
}

/* Read key[fi], key[en], key[sv] (GKeyFile locale keys) of a group. */
void
labels_read(struct labels *labels, GKeyFile *file, const char *group,
    const char *key)
{
	int i;

	for (i = 0; i < LANG_COUNT; i++) {
		/* key[fi], falling back to a plain key shared by every language. */
		char *text = g_key_file_get_locale_string(file, group, key,
		    language_codes[i], NULL);

		labels->text[i] = text == NULL ? NULL : g_strstrip(text);
	}
}

/* Free the texts of labels. */
void
labels_clear(struct labels *labels)
{
	int i;

	for (i = 0; i < LANG_COUNT; i++)
		g_clear_pointer(&labels->text[i], g_free);
}
