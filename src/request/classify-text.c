/* classify-text.c: the text around the reading (see classify-text.h). */
#include <string.h>

#include "base/language.h"
#include "base/regex.h"
#include "request/classify-text.h"
#include "request/classify-types.h"

/* TRUE for a line that opens a postscript ("P.S. And send no more ads",
 * "PS:", "P.P.S."). */
static gboolean
text_postscript(const char *line)
{
	static GRegex *postscript_slot;
	GRegex *postscript = regex_get(&postscript_slot,
	    "^\\s*p\\.?\\s?(p\\.?\\s?)?s(\\.|:|\\s)", G_REGEX_CASELESS);

	return g_regex_match(postscript, line, 0, NULL);
}

/* The own text up to the first closing line ("Best regards"), when some
 * text came before it: what follows is a name, a signature, a disclaimer,
 * except a postscript, up to its blank line ("P.S. Och skicka inga fler
 * reklambrev"): a request may be made there. */
char *
text_until_closing(const struct classify_rules *rules, const char *own)
{
	g_auto(GStrv) lines = g_strsplit(own, "\n", -1);
	GString *text = g_string_new(NULL);
	gboolean content = FALSE, closed = FALSE, postscript = FALSE;
	size_t i;

	for (i = 0; lines[i] != NULL; i++) {
		gboolean blank = lines[i][strspn(lines[i], " \t\r")] == '\0';

		if (content && !closed && g_regex_match(rules->closing, lines[i], 0, NULL))
			closed = TRUE;
		if (closed) {
			postscript = text_postscript(lines[i]) || (postscript && !blank);
			if (!postscript)
				continue;
		}
		if (!blank)
			content = TRUE;
		g_string_append(text, lines[i]);
		g_string_append_c(text, '\n');
	}
	return g_string_free(text, FALSE);
}

/* TRUE if whole has more than the own text: forwarded or quoted mail. */
gboolean
text_beyond(const char *whole, const char *own)
{
	return whole != NULL && strlen(whole) > strlen(own) + 1;
}

/* TRUE for a header line of a quoted or forwarded mail ("From: ...",
 * "Lähettäjä: ...", "Von: ..."): its addresses are no one's change. */
static gboolean
text_header_line(const char *line)
{
	static GRegex *header_slot;
	GRegex *header = regex_get(&header_slot, "^\\*?(from|sent|date|to|cc|"
	    "l\xc3\xa4hett\xc3\xa4j\xc3\xa4|l\xc3\xa4hetetty|p\xc3\xa4iv\xc3\xa4m"
	    "\xc3\xa4\xc3\xa4r\xc3\xa4|vastaanottaja|kopio|fr\xc3\xa5n|skickat|"
	    "datum|till|kopia|von|gesendet|an)\\*?\\s*:", G_REGEX_CASELESS);

	return g_regex_match(header, line, 0, NULL);
}

/* How deep a line is quoted ("> > text": 2), and where its text starts. */
static int
line_depth(const char *line, const char **text)
{
	int depth = 0;

	for (; *line == '>' || *line == ' ' || *line == '\t'; line++)
		depth += *line == '>';
	*text = line;
	return depth;
}

/* The whole text with the forwarded or quoted mail in it up to quote depth
 * depth, without their header lines (but with their subjects, each a
 * sentence) and quote marks: depth 0 is what is forwarded unquoted, 1 adds
 * the mail quoted once, and so on, the newest words first (a forwarded
 * thread's older requests are history). NULL when nothing is quoted that
 * deep, or there is nothing beyond the own text. */
char *
text_forwarded(const char *whole, const char *own, int depth)
{
	static GRegex *subject_slot;
	GRegex *subject = regex_get(&subject_slot, "^\\*?(subject|aihe|\xc3\xa4mne|"
	    "betreff)\\*?\\s*:\\s*", G_REGEX_CASELESS);
	g_auto(GStrv) lines = NULL;
	GString *text;
	gboolean deepest = depth == 0;
	size_t i;

	if (!text_beyond(whole, own))
		return NULL;
	lines = g_strsplit(whole, "\n", -1);
	text = g_string_new(NULL);
	for (i = 0; lines[i] != NULL; i++) {
		const char *line;
		int level = line_depth(lines[i], &line);

		if (level > depth)
			continue;
		deepest |= level == depth && *line != '\0';
		if (g_regex_match(subject, line, 0, NULL))
			g_string_append_printf(text, "\n%s\n\n", line + strcspn(line, ":") + 1);
		else if (!text_header_line(line))
			g_string_append_printf(text, "%s\n", line);
	}
	if (!deepest) {
		g_string_free(text, TRUE);
		return NULL;
	}
	return g_string_free(text, FALSE);
}

/* The language of the common words of [language LL] most seen, at least
 * minimum times and margin times as often as any other; NULL otherwise. */
static const char *
text_language_by_words(const struct classify_rules *rules, const char *text,
    int minimum, int margin)
{
	static GRegex *word;
	g_autoptr(GMatchInfo) match = NULL;
	g_autoptr(GHashTable) counts = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter iter;
	gpointer code, set;
	const char *best = NULL;
	int best_count = 0, second = 0, tie = 0;

	g_regex_match(regex_get(&word, "\\w+", G_REGEX_OPTIMIZE), text, 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_autofree char *token = g_match_info_fetch(match, 0);
		g_autofree char *folded = words_fold(token);
		g_hash_table_iter_init(&iter, rules->common);
		while (g_hash_table_iter_next(&iter, &code, &set))
			if (g_hash_table_contains(set, folded))
				g_hash_table_insert(counts, code, GINT_TO_POINTER(
				    GPOINTER_TO_INT(g_hash_table_lookup(counts, code)) + 1));
	}
	g_hash_table_iter_init(&iter, counts);
	while (g_hash_table_iter_next(&iter, &code, &set)) {
		int count = GPOINTER_TO_INT(set);
		if (count > best_count) {
			second = best_count;
			best = code;
			best_count = count;
			tie = 0;
		} else if (count == best_count)
			tie = 1;
		else if (count > second)
			second = count;
	}
	return tie || best_count < minimum || best_count < margin * second ? NULL : best;
}

/* A text shorter than this is guessed by its common words first: n-grams
 * need more ("Please delete my data." reads as Afrikaans). */
#define SHORT_TEXT 300

/* A longer text is told by its common words when this many of one
 * language's stand in it, three times as many as any other's; only the
 * others need the n-grams (and loading their fingerprints costs more than
 * classifying a mail). */
#define LONG_TEXT_WORDS 8

/* The language the mail is written in: its common words when they are
 * clear, else its n-grams. */
const char *
text_written(struct classify_rules *rules, const char *text)
{
	const char *by_words = strlen(text) < SHORT_TEXT ?
	    text_language_by_words(rules, text, 3, 2) :
	    text_language_by_words(rules, text, LONG_TEXT_WORDS, 3);
	const char *code;

	if (by_words != NULL)
		return by_words;
	code = language_guess_text(rules->guess, text, (const char *const *)rules->expect);
	return code != NULL ? code : text_language_by_words(rules, text, 1, 2);
}

/* Free a change (a GDestroyNotify). */
void
change_free(gpointer data)
{
	struct classify_change *change = data;

	g_free(change->field);
	g_free(change->value);
	g_free(change->alias);
	g_free(change);
}

/* TRUE if any pattern of the list matches text. */
static gboolean
patterns_match(GPtrArray *patterns, const char *text)
{
	guint i;

	for (i = 0; i < patterns->len; i++)
		if (g_regex_match(patterns->pdata[i], text, 0, NULL))
			return TRUE;
	return FALSE;
}

/* The column a field name is an alias of, by the rules, or NULL. */
static const char *
field_alias_find(const struct classify_rules *rules, const char *field)
{
	guint i;

	for (i = 0; i < rules->fields->len; i++) {
		const struct field_alias *alias = rules->fields->pdata[i];
		if (patterns_match(alias->patterns, field))
			return alias->column;
	}
	return NULL;
}

/* Add one change. */
static void
changes_add(const struct classify_rules *rules, GPtrArray *changes,
    const char *field, const char *value, const char *alias)
{
	struct classify_change *change = g_new0(struct classify_change, 1);

	change->field = g_strdup(field);
	change->value = rules->value_cut != NULL ? g_regex_replace_literal(
	    rules->value_cut, value, -1, 0, "", 0, NULL) : NULL;
	if (change->value == NULL)
		change->value = g_strdup(value);
	g_strstrip(change->value);
	change->alias = g_strdup(alias);
	g_ptr_array_add(changes, change);
}

/* An address value ("Karl-Liebknecht-Straße 45, 04275 Leipzig") as its
 * columns by [rectification] address; FALSE if it does not read so. */
static gboolean
changes_add_address(const struct classify_rules *rules, GPtrArray *changes,
    const char *field, const char *value)
{
	static const char *const columns[] = { "street", "postal_code", "city",
	    "country" };
	g_autoptr(GMatchInfo) match = NULL;
	size_t i;

	if (rules->address == NULL || !g_regex_match(rules->address, value, 0, &match))
		return FALSE;
	for (i = 0; i < G_N_ELEMENTS(columns); i++) {
		g_autofree char *part = g_match_info_fetch_named(match, columns[i]);
		if (part != NULL && *g_strstrip(part) != '\0')
			changes_add(rules, changes, field, part, columns[i]);
	}
	return TRUE;
}

/* Read one "field: new value" line; a field alone ("Adresse:") takes its
 * value from the next line, as Datenanfragen.de writes it. TRUE if the
 * next line was used. */
static gboolean
changes_read_line(const struct classify_rules *rules, GPtrArray *changes,
    const char *line, const char *next)
{
	g_autoptr(GMatchInfo) match = NULL;
	g_autofree char *field = NULL, *value = NULL;
	gboolean joined = FALSE;
	const char *alias;

	if (g_regex_match(rules->field_line, line, 0, &match)) {
		field = g_match_info_fetch(match, 1);
		value = g_match_info_fetch(match, 2);
	} else if (next != NULL && g_str_has_suffix(line, ":")) {
		field = g_strndup(line, strlen(line) - 1);
		value = g_strdup(next);
		joined = TRUE;
	} else
		return FALSE;
	g_strstrip(field);
	if (*field == '\0' || patterns_match(rules->field_ignore, field))
		return FALSE;
	alias = field_alias_find(rules, field);
	if (joined && alias == NULL)
		return FALSE;
	if (g_strcmp0(alias, "street") != 0 ||
	    !changes_add_address(rules, changes, field, value))
		changes_add(rules, changes, field, value, alias);
	return joined;
}

/* Where the lines of text are that hold no change in prose: header lines
 * of a quoted mail and the sender's identification block, as pairs of
 * byte offsets [start, end). */
GArray *
text_not_prose(const struct classify_rules *rules, const char *text)
{
	GArray *skipped = g_array_new(FALSE, FALSE, sizeof(gsize));
	gboolean identifying = FALSE;
	const char *line = text;

	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		gsize start = (gsize)(line - text), stop;
		g_autofree char *copy = NULL;

		if (end == NULL)
			end = line + strlen(line);
		stop = (gsize)(end - text);
		copy = g_strstrip(g_strndup(line, (gsize)(end - line)));
		if (*copy == '\0')
			identifying = FALSE;
		else if (patterns_match(rules->identification, copy))
			identifying = TRUE;
		if (*copy != '\0' && (identifying || text_header_line(copy))) {
			g_array_append_val(skipped, start);
			g_array_append_val(skipped, stop);
		}
		line = *end != '\0' ? end + 1 : end;
	}
	return skipped;
}

/* Read the "field: new value" lines of a text into changes; the sender's
 * identification ("Zur Identifikation meiner Person ...:") is not one. */
void
text_changes(const struct classify_rules *rules, const char *text,
    GPtrArray *changes)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gboolean identifying = FALSE;
	size_t i;

	for (i = 0; lines[i] != NULL; i++) {
		char *line = lines[i];
		const char *next = lines[i + 1] != NULL && *lines[i + 1] != '\0' ?
		    lines[i + 1] : NULL;

		if (*g_strstrip(line) == '\0') {
			identifying = FALSE;
			continue;
		}
		if (patterns_match(rules->identification, line))
			identifying = TRUE;
		if (identifying)
			continue;
		if (changes_read_line(rules, changes, line, next))
			i++;
	}
}

/* The prefixes of an automatic reply's subject ("Automaattinen vastaus:
 * Tietosuojaselosteen päivitys" is the subject of our mail, not a request). */
#define AUTOMATIC_REPLY "automatic reply|auto[- ]?reply|out of office|" \
	"automaattinen vastaus|poissaolo|autosvar|automatiskt svar|" \
	"fr\\x{e5}nvaro|abwesenheitsnotiz|automatische antwort|" \
	"r\\x{e9}ponse automatique"

/* TRUE for the subject of a reply or forward: someone else wrote it. */
gboolean
subject_is_reply(const char *subject)
{
	static GRegex *reply;

	return g_regex_match(regex_get(&reply, "^\\s*(re|aw|vs|sv|vl|vb|"
	    "fw|fwd|wg|tr|ent|rv|r|" AUTOMATIC_REPLY ")\\s*(\\[[0-9]+\\])?\\s*:",
	    G_REGEX_CASELESS), subject, 0, NULL);
}

/* TRUE for the subject of an answer (Re:, AW:, SV:, VS:, an automatic
 * reply), not a forward: what it quotes is the history of the
 * conversation. */
gboolean
subject_is_answer(const char *subject)
{
	static GRegex *answer;

	return subject != NULL && g_regex_match(regex_get(&answer,
	    "^\\s*(re|aw|vs|sv|r|" AUTOMATIC_REPLY ")\\s*(\\[[0-9]+\\])?\\s*:",
	    G_REGEX_CASELESS), subject, 0, NULL);
}

/* TRUE if whole has a forwarded mail's separator line ("---------- Välitetty
 * viesti ----------"): what follows was forwarded, whatever the subject's
 * prefix says ("VS:" is a reply in one client, a forward to its user). */
gboolean
text_forwards(const char *whole)
{
	static GRegex *separator;

	return whole != NULL && g_regex_match(regex_get(&separator, "^[ \t]*-{2,}"
	    "[ \t]*(forwarded message|begin forwarded message|v\\x{e4}litetty viesti|"
	    "edelleenl\\x{e4}hetetty viesti|vidarebefordrat meddelande|"
	    "weitergeleitete nachricht|message transf\\x{e9}r\\x{e9})[ \t]*-{2,}",
	    G_REGEX_CASELESS | G_REGEX_MULTILINE), whole, 0, NULL);
}

/* TRUE if the text has a "field: value" line of a field the rules know. */
gboolean
text_has_field_line(const struct classify_rules *rules, const char *text)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(change_free);
	guint i;

	text_changes(rules, text, changes);
	for (i = 0; i < changes->len; i++)
		if (((struct classify_change *)changes->pdata[i])->alias != NULL)
			return TRUE;
	return FALSE;
}

/* TRUE for a line a web form writes ("Lähetetty: 18.4.2025", "IP: ..."):
 * a short label, a colon, a value. */
static gboolean
text_form_line(const char *line)
{
	static GRegex *label_slot;

	return g_regex_match(regex_get(&label_slot, "^\\s*\\w[\\w .-]{0,24}:\\s",
	    0), line, 0, NULL);
}

/* The message field of a web-form paste ("Nimi: ...", "Sähköposti: ...",
 * "Viesti: poistakaa tili"): its value and the lines after it, up to a
 * blank line before another form line ("Lähetetty: ..."), when a field
 * line the rules know comes before it; NULL otherwise. */
char *
text_form_message(const struct classify_rules *rules, const char *text)
{
	static GRegex *message_slot;
	GRegex *message = regex_get(&message_slot, "^[ \t]*(viesti|viestisi|"
	    "meddelande|ditt meddelande|message|your message|nachricht|"
	    "ihre nachricht|kommentti|kommentar|comments?)[ \t]*:[ \t]*",
	    G_REGEX_CASELESS | G_REGEX_MULTILINE);
	g_autoptr(GMatchInfo) match = NULL;
	g_autofree char *before = NULL;
	g_auto(GStrv) lines = NULL;
	GString *own;
	int start, end;
	size_t i;

	if (!g_regex_match(message, text, 0, &match) ||
	    !g_match_info_fetch_pos(match, 0, &start, &end))
		return NULL;
	before = g_strndup(text, (gsize)start);
	if (!text_has_field_line(rules, before))
		return NULL;
	lines = g_strsplit(text + end, "\n", -1);
	own = g_string_new(NULL);
	for (i = 0; lines[i] != NULL; i++) {
		if (i > 0 && lines[i - 1][strspn(lines[i - 1], " \t\r")] == '\0' &&
		    text_form_line(lines[i]))
			break;
		g_string_append(own, lines[i]);
		g_string_append_c(own, '\n');
	}
	return g_string_free(own, FALSE);
}
