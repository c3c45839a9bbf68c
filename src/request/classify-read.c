/* classify-read.c: a mail's text read into words, clauses and sentences
 * (see classify-read.h): punctuation, quotes, asides, list items, each
 * word's classes by its forms, and each clause's roles. classify.c weighs
 * what was read. */
#include <string.h>

#include "base/regex.h"
#include "request/classify-index.h"
#include "request/classify-read.h"

/* Hand a clause's verdict to the tests' trace. */
void
reading_trace(const struct reading *r, const struct clause *clause, const char *kind,
    const char *verdict, double confidence)
{
	GString *words = g_string_new(NULL);
	guint u;

	for (u = clause->first; u < clause->end; u++)
		g_string_append_printf(words, "%s%s", words->len ? " " : "",
		    g_array_index(r->units, struct unit, u).word.lower);
	classify_trace(kind, words->str, verdict, confidence);
	g_string_free(words, TRUE);
}

/* Raise the boundary before the next word. */
static void
reading_boundary(struct reading *r, enum boundary boundary)
{
	if (boundary > r->pending)
		r->pending = boundary;
}

/* The last word read, or NULL. */
static struct unit *
reading_last(struct reading *r)
{
	return r->units->len == 0 ? NULL :
	    &g_array_index(r->units, struct unit, r->units->len - 1);
}

/* Store the collected word as a unit. */
static void
reading_flush_word(struct reading *r)
{
	struct unit unit = { .boundary = r->pending, .subject = r->subject,
	    .item = r->item, .aside = (r->parens & 1) != 0,
	    .start = r->word_start, .end = r->at };

	if (r->word->len == 0)
		return;
	words_read(r->rules->words, r->word->str, r->finnish, r->language, &unit.word);
	g_array_append_val(r->units, unit);
	r->item = FALSE;
	g_string_truncate(r->word, 0);
	r->pending = BOUNDARY_NONE;
}

/* Mark the words of a closed quote as someone else's. A quote of a word
 * or two stands in its clause ("your colleague suggested "anonymising" my
 * data instead"): the boundaries its marks made are taken back. */
static void
reading_quote(struct reading *r, gunichar c)
{
	guint i, length;

	(void)c;
	if (r->quote_open < 0) {
		r->quote_pending = r->pending;
		reading_boundary(r, BOUNDARY_CLAUSE);
		r->quote_open = (int)r->units->len;
		return;
	}
	length = r->units->len - (guint)r->quote_open;
	if (length >= QUOTE_WORDS) {
		for (i = (guint)r->quote_open; i < r->units->len; i++)
			g_array_index(r->units, struct unit, i).quoted = TRUE;
		reading_boundary(r, BOUNDARY_CLAUSE);
	} else if (length > 0)
		g_array_index(r->units, struct unit, r->quote_open).boundary =
		    r->quote_pending;
	else
		reading_boundary(r, BOUNDARY_CLAUSE);
	r->quote_open = -1;
}

/* TRUE if the text after a full stop (rest) goes on with a capitalised
 * word of two letters or more: "deltog i. Jag vill" ends a sentence after
 * the one-letter word, "z. B. Adressaufkleber" and "Matti K. Virtanen" do
 * not. */
static gboolean
reading_capital_next(const char *rest)
{
	if (rest == NULL)
		return FALSE;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '\0' || !g_unichar_isupper(g_utf8_get_char(rest)))
		return FALSE;
	return g_unichar_isalpha(g_utf8_get_char(g_utf8_next_char(rest)));
}

/* TRUE if the word before a full stop is an abbreviation or a number: the
 * stop ends no sentence ("Art. 15", "z. B.", "10.1."). A one-letter word
 * is one unless it is in lower case and a capitalised word follows ("en
 * kurs jag aldrig deltog i. Jag vill ..."). */
static gboolean
reading_abbreviation(struct reading *r)
{
	struct unit *last = reading_last(r);

	if (last == NULL || last->word.value)
		return FALSE;
	if (g_hash_table_contains(r->rules->abbreviations, last->word.folded))
		return TRUE;
	return g_utf8_strlen(last->word.folded, -1) == 1 &&
	    (last->word.upper || !reading_capital_next(r->rest));
}

/* A full stop at p (next is the character after it). */
static void
reading_stop(struct reading *r, gunichar next)
{
	if (g_unichar_isalnum(next))
		return;               /* "21.1", "www.example.fi": no boundary */
	struct unit *last = reading_last(r);

	if (last != NULL && last->word.digits)
		reading_boundary(r, BOUNDARY_CLAUSE);
	else if (!reading_abbreviation(r))
		reading_boundary(r, BOUNDARY_SENTENCE);
}

/* Mark the word before a '?' or ':'. */
static void
reading_sentence_mark(struct reading *r, gboolean question, gboolean colon)
{
	struct unit *last = reading_last(r);

	if (last == NULL)
		return;
	last->question |= question;
	last->colon |= colon;
}

/* Read one punctuation character c (next: the one after it, or 0). */
static void
reading_punctuation(struct reading *r, gunichar c, gunichar previous, gunichar next)
{
	switch (c) {
	case '.':
		reading_stop(r, next);
		return;
	case '!': case '?':
		reading_boundary(r, BOUNDARY_SENTENCE);
		reading_sentence_mark(r, c == '?', FALSE);
		return;
	case '(': case '[':
		/* "21(1)", "Art. 15(3)": a paragraph number, not an aside. */
		r->parens = (r->parens << 1) | !g_unichar_isalnum(previous);
		if (r->parens & 1)
			reading_boundary(r, BOUNDARY_SENTENCE);
		return;
	case ')': case ']':
		if (r->parens & 1)
			reading_boundary(r, BOUNDARY_SENTENCE);
		r->parens >>= 1;
		return;
	case ':':
		reading_boundary(r, BOUNDARY_CLAUSE);
		reading_sentence_mark(r, FALSE, TRUE);
		return;
	case ',': case ';': case '/': case 0x2013: case 0x2014: case 0x2022:
		reading_boundary(r, BOUNDARY_CLAUSE);
		return;
	case '-':
		if (g_unichar_isspace(previous) && (next == 0 || g_unichar_isspace(next)))
			reading_boundary(r, BOUNDARY_CLAUSE);
		return;
	case '"': case 0x201c: case 0x201d: case 0x201e: case 0x00ab: case 0x00bb:
		reading_quote(r, c);
		return;
	default:
		return;
	}
}

/* TRUE for an apostrophe as people type it: ', or the typographic ones
 * phones and word processors put in its place (U+2019 right single
 * quotation mark, U+02BC modifier letter apostrophe). */
static gboolean
apostrophe(gunichar c)
{
	return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/* TRUE for a character inside a word: letters, digits, and an apostrophe
 * between letters ("don't"). */
static gboolean
word_char(gunichar c, gunichar previous, gunichar next)
{
	if (apostrophe(c))
		return g_unichar_isalpha(previous) && g_unichar_isalpha(next);
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* Store one word standing for the e-mail address or link from start to
 * end in the text: a value, not words ("my new address is x@example.fi."). */
static void
reading_value(struct reading *r, gsize start, gsize end)
{
	struct unit unit = { .boundary = r->pending, .subject = r->subject,
	    .start = start, .end = end };

	reading_flush_word(r);
	unit.boundary = r->pending;
	unit.item = r->item;
	r->item = FALSE;
	words_read(r->rules->words, "@", FALSE, r->language, &unit.word);
	unit.word.value = TRUE;
	g_array_append_val(r->units, unit);
	r->pending = BOUNDARY_NONE;
}

/* TRUE if the word collected so far is a French or Italian elision ("l'",
 * "d'", "m'", "dell'"): the apostrophe ends it. */
static gboolean
reading_elision(const struct reading *r)
{
	return r->word->len > 0 && r->word->len <= 4 && r->written != NULL &&
	    (strcmp(r->written, "fr") == 0 || strcmp(r->written, "it") == 0);
}

/* Read the characters of a stretch of a line without addresses or links
 * (line is where the line starts, offset where that is in the text). */
static void
reading_chars(struct reading *r, const char *line, gsize offset, const char *p,
    const char *end)
{
	gunichar previous = ' ';

	for (; p < end && *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		const char *after = g_utf8_next_char(p);
		gunichar next = after < end && *after != '\0' ? g_utf8_get_char(after) : 0;

		r->at = offset + (gsize)(p - line);
		r->rest = after < end ? after : NULL;
		if (word_char(c, previous, next) && !(apostrophe(c) &&
		    reading_elision(r))) {
			if (r->word->len == 0)
				r->word_start = r->at;
			/* one apostrophe for all: the rules write "don't" */
			g_string_append_unichar(r->word, apostrophe(c) ? '\'' : c);
		} else {
			reading_flush_word(r);
			reading_punctuation(r, c, previous, next);
		}
		previous = c;
	}
	r->at = offset + (gsize)(MIN(p, end) - line);
	reading_flush_word(r);
}

/* Read the characters of one line (at offset in the text); an e-mail
 * address or a link is one value word, the punctuation after it still
 * counts. */
static void
reading_line(struct reading *r, const char *line, gsize offset)
{
	static GRegex *slot;
	GRegex *value = regex_get(&slot, "[^\\s<>()\"]+@[^\\s<>()\"]+?"
	    "(?=[.,;:!?)\\]>\"']*(?:\\s|$))|\\b(?:https?://|www\\.)[^\\s<>\"]+?"
	    "(?=[.,;:!?)\\]>\"']*(?:\\s|$))", G_REGEX_CASELESS);
	g_autoptr(GMatchInfo) match = NULL;
	const char *p = line;
	gint start, end;

	/* most lines hold neither: the pattern is not cheap to try */
	if (strchr(line, '@') == NULL && strcasestr(line, "http") == NULL &&
	    strcasestr(line, "www.") == NULL) {
		reading_chars(r, line, offset, p, p + strlen(p));
		return;
	}
	g_regex_match(value, line, 0, &match);
	for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
		g_match_info_fetch_pos(match, 0, &start, &end);
		reading_chars(r, line, offset, p, line + start);
		reading_value(r, offset + (gsize)start, offset + (gsize)end);
		p = line + end;
	}
	reading_chars(r, line, offset, p, p + strlen(p));
}

/* The length of a list marker ("- ", "1. ", "a) ", "• ") at the start of a
 * stripped line, or 0. */
static gsize
list_marker(const char *line)
{
	static GRegex *slot;
	g_autoptr(GMatchInfo) match = NULL;
	gint end = 0;

	if (!g_regex_match(regex_get(&slot, "^(?:[-*\xe2\x80\xa2\xe2\x80\x93\xc2\xb7"
	    "\xe2\x96\xaa\xe2\x97\xa6>]+|\\d{1,2}[.)]|[a-zA-Z]\\))\\s+", 0), line, 0,
	    &match))
		return 0;
	g_match_info_fetch_pos(match, 0, NULL, &end);
	return (gsize)end;
}

/* TRUE if a line ends in punctuation that closes a sentence or clause. */
static gboolean
line_closed(const char *line)
{
	size_t length = strlen(line);

	return length > 0 && strchr(".,;:!?", line[length - 1]) != NULL;
}

/* Read a text (the subject, or the body) into units. */
void
reading_add(struct reading *r, const char *text, gboolean subject)
{
	g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	size_t previous_length = 0;
	gboolean previous_closed = TRUE;
	gsize offset = 0, next_offset;
	size_t i;

	r->subject = subject;
	reading_boundary(r, BOUNDARY_SENTENCE);
	for (i = 0; lines[i] != NULL; i++, offset = next_offset) {
		char *line = lines[i];
		gsize marker;

		next_offset = offset + strlen(line) + 1;
		offset += strspn(line, " \t\r\f\v");
		g_strstrip(line);

		if (*line == '\0') {
			reading_boundary(r, BOUNDARY_SENTENCE);
			r->quote_open = -1;
			continue;
		}
		if ((marker = list_marker(line)) > 0) {
			reading_boundary(r, BOUNDARY_SENTENCE);
			line += marker;
			offset += marker;
			r->item = TRUE;
		} else if (!previous_closed && previous_length < SHORT_LINE &&
		    g_unichar_isupper(g_utf8_get_char(line)))
			reading_boundary(r, BOUNDARY_CLAUSE);
		reading_line(r, line, offset);
		previous_length = strlen(line);
		previous_closed = line_closed(line);
	}
	reading_boundary(r, BOUNDARY_SENTENCE);
	r->quote_open = -1;
}

/* TRUE if stems of the term's language mean something in this mail: it is
 * written in that language, or in one the rules do not know. */
static gboolean
term_stems(const struct reading *r, const struct term *term)
{
	return term->language < 0 || r->language < 0 || term->language == r->language;
}

/* TRUE if the term's language applies to this mail: its own language, any
 * language for long words (people mix), and every term when the mail's
 * language is not one the rules are written in. */
static gboolean
term_applies(const struct reading *r, const struct term *term)
{
	return term_stems(r, term) || term->long_word;
}

/* TRUE if a word closing a clause may stand before unit u: u starts a
 * clause, or the text, or is a word of the conjunction or split classes
 * ("stellen Sie ... an meine Adresse ein und löschen Sie ..."). The
 * classes of u are not known yet when terms are matched: their words are. */
static gboolean
unit_closes_before(const struct reading *r, guint u)
{
	static const enum role roles[] = { ROLE_CONJUNCTION, ROLE_SPLIT };
	const struct unit *unit;
	guint i, t;

	if (u >= r->units->len)
		return TRUE;
	unit = &g_array_index(r->units, struct unit, u);
	if (unit->boundary != BOUNDARY_NONE)
		return TRUE;
	for (i = 0; i < G_N_ELEMENTS(roles); i++) {
		const struct word_class *class;
		if (r->rules->roles[roles[i]] < 0)
			continue;
		class = r->rules->classes->pdata[r->rules->roles[roles[i]]];
		for (t = 0; t < class->terms->len; t++) {
			const struct term *term = class->terms->pdata[t];
			if (term->count == 1 && !term->exclude && term_stems(r, term) &&
			    classify_part_matches(&term->parts[0], term->language,
			    &unit->word, FALSE))
				return TRUE;
		}
	}
	return FALSE;
}

/* How many units term's words take from start, within one clause (a "..."
 * part skips up to ten words: "pass ... on", "geben ... weiter"), or 0 if they are not there. */
static guint
term_at(const struct reading *r, const struct term *term, guint start)
{
	gboolean stems = term_stems(r, term);
	guint i, u = start, skip = 0;

	for (i = 0; i < term->count; i++) {
		const struct term_part *part = &term->parts[i];
		const struct unit *unit;

		if (strcmp(part->lower, "...") == 0) {
			skip = 10;
			continue;
		}
		for (;; skip--) {
			if (u >= r->units->len)
				return 0;
			unit = &g_array_index(r->units, struct unit, u);
			if (u > start && unit->boundary != BOUNDARY_NONE)
				return 0;
			u++;
			if (classify_part_matches(part, stems ? term->language : -1,
			    &unit->word, stems) && (!part->closes || unit_closes_before(r, u)))
				break;
			if (skip == 0 || i == 0)
				return 0;
		}
		skip = 0;
	}
	return u - start;
}

/* For the tests' trace: each word's classes. */
static void
trace_classes(const struct reading *r)
{
	GString *line = g_string_new(NULL);
	guint u, c;

	for (u = 0; u < r->units->len; u++) {
		const struct unit *unit = &g_array_index(r->units, struct unit, u);
		g_string_append_printf(line, "%s%s", unit->boundary == BOUNDARY_SENTENCE ?
		    " || " : unit->boundary == BOUNDARY_CLAUSE ? " | " : " ",
		    unit->word.lower);
		for (c = 0; c < r->rules->classes->len; c++)
			if (unit->classes[c])
				g_string_append_printf(line, "[%s]", ((struct word_class *)
				    r->rules->classes->pdata[c])->name);
	}
	classify_trace("words", line->str, "", 0);
	g_string_free(line, TRUE);
}

/* Unit u's classes by the terms (candidates) that may start at it. A word
 * that a term of the mail's own language names takes no class from another
 * language's words: in German "wissen" is to know, not the Dutch erase. */
static void
unit_classes(struct reading *r, guint u, const GPtrArray *candidates)
{
	guint count = r->rules->classes->len, t, c;
	g_autofree guint8 *native = g_new0(guint8, count);
	guint8 *classes = g_array_index(r->units, struct unit, u).classes;
	gboolean any_native = FALSE;

	for (t = 0; t < candidates->len; t++) {
		const struct term *term = candidates->pdata[t];
		if (term->exclude || !term_applies(r, term) || term_at(r, term, u) == 0)
			continue;
		classes[term->class] = 1;
		if (term_stems(r, term)) {
			native[term->class] = 1;
			any_native |= term->language >= 0;
		}
	}
	for (c = 0; any_native && r->language >= 0 && c < count; c++)
		if (classes[c] && !native[c])
			classes[c] = 0;
}

/* Each unit's classes: the terms that start at it (the index finds the
 * few that may), then the exceptions ("the correct address"), on all
 * their words. */
void
reading_classes(struct reading *r)
{
	guint count = r->rules->classes->len, u, t, i;
	int languages = (int)g_strv_length(r->rules->languages);
	g_autoptr(GPtrArray) starts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_ptr_array_unref);

	for (u = 0; u < r->units->len; u++) {
		struct unit *unit = &g_array_index(r->units, struct unit, u);
		GPtrArray *candidates = g_ptr_array_new();

		unit->classes = g_new0(guint8, count);
		classify_index_candidates(r->rules->index, &unit->word, languages,
		    candidates);
		g_ptr_array_add(starts, candidates);
	}
	for (u = 0; u < r->units->len; u++)
		unit_classes(r, u, starts->pdata[u]);
	for (u = 0; u < r->units->len; u++) {
		GPtrArray *candidates = starts->pdata[u];
		for (t = 0; t < candidates->len; t++) {
			const struct term *term = candidates->pdata[t];
			guint length = term->exclude && term_applies(r, term) ?
			    term_at(r, term, u) : 0;
			for (i = 0; i < length; i++)
				g_array_index(r->units, struct unit, u + i).classes[term->class] = 0;
		}
	}
	if (classify_trace != NULL && g_getenv("CLASSIFY_TRACE_WORDS") != NULL)
		trace_classes(r);
}

/* TRUE if the word of unit u meets no term but is a typo away from the
 * guard term's word (see reading_near_miss). */
static gboolean
unit_near(const struct reading *r, const struct unit *unit, const struct term *term)
{
	const struct term_part *part = &term->parts[0];
	gboolean stems = term->language >= 0 && term_stems(r, term) &&
	    unit->word.stems[term->language] != NULL && part->form != NULL;
	const char *word = stems ? unit->word.stems[term->language] : unit->word.folded;
	const char *target = stems ? part->form : part->plain;
	glong a, b;

	/* Only the mail's own language's words: "börjar" is no typo of the
	 * Spanish "borrar". */
	if (!term_stems(r, term) || target == NULL ||
	    g_utf8_get_char(word) != g_utf8_get_char(target))
		return FALSE;
	a = g_utf8_strlen(word, -1);
	b = g_utf8_strlen(target, -1);
	return a >= 4 && b >= 4 && ABS(a - b) <= 1 && words_distance(word, target, 1) == 1;
}

/* The guarded kind a word of a clause with a data word is a typo away
 * from (see classify-read.h), or -1. */
int
reading_near_miss(const struct reading *r)
{
	const GPtrArray *terms = r->rules->guard_terms;
	guint c, u, t, k;

	for (c = 0; terms != NULL && c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		if (!has_role(r, clause->has, ROLE_DATA))
			continue;
		for (u = clause->first; u < clause->end; u++) {
			const struct unit *unit = &g_array_index(r->units, struct unit, u);
			gboolean classes = FALSE;

			if (unit->quoted || unit->word.value || unit->word.digits ||
			    unit->word.bases->len > 0 || g_utf8_strlen(unit->word.folded, -1) < 5)
				continue;
			for (k = 0; k < r->rules->classes->len && !classes; k++)
				classes = unit->classes[k];
			for (t = 0; !classes && t < terms->len; t++)
				if (unit_near(r, unit, terms->pdata[t]))
					return g_array_index(r->rules->guard_kinds, int, t);
		}
	}
	return -1;
}

/* TRUE if unit u has the class of role (never for an optional role the
 * rules do without). */
gboolean
unit_role(const struct reading *r, guint u, enum role role)
{
	return r->rules->roles[role] >= 0 &&
	    g_array_index(r->units, struct unit, u).classes[r->rules->roles[role]];
}

/* TRUE if a clause with classes has has a word of role's class. */
gboolean
has_role(const struct reading *r, const guint8 *has, enum role role)
{
	return r->rules->roles[role] >= 0 && has[r->rules->roles[role]];
}

/* TRUE if every needed class is in the clause and no excluded one. */
gboolean
alternative_in(const struct alternative *alternative, const guint8 *has)
{
	guint i;

	for (i = 0; i < alternative->need->len; i++)
		if (!has[g_array_index(alternative->need, guint, i)])
			return FALSE;
	for (i = 0; i < alternative->without->len; i++)
		if (has[g_array_index(alternative->without, guint, i)])
			return FALSE;
	return alternative->need->len > 0;
}

/* The first matching alternative of a list, or NULL. */
const struct alternative *
alternatives_find(GArray *alternatives, const guint8 *has)
{
	guint i;

	for (i = 0; i < alternatives->len; i++) {
		const struct alternative *alternative =
		    &g_array_index(alternatives, struct alternative, i);
		if (alternative_in(alternative, has))
			return alternative;
	}
	return NULL;
}

/* TRUE if the rule asks for its kind in a clause with these classes. */
gboolean
rule_in(const struct kind_rule *rule, const guint8 *has)
{
	return alternatives_find(rule->ask, has) != NULL ||
	    alternatives_find(rule->maybe, has) != NULL;
}

/* TRUE if unit u has a class the alternative needs. */
gboolean
unit_in_alternative(const struct reading *r, guint u,
    const struct alternative *alternative)
{
	const struct unit *unit = &g_array_index(r->units, struct unit, u);
	guint i;

	for (i = 0; i < alternative->need->len; i++)
		if (unit->classes[g_array_index(alternative->need, guint, i)])
			return TRUE;
	return FALSE;
}

/* TRUE if unit u of a clause with has is a word of a rule that asks there
 * ("remove" in "remove me from the mailing list": the objection's). */
static gboolean
unit_in_rule(const struct reading *r, const guint8 *has, guint u)
{
	guint k;

	for (k = 0; k < r->rules->kinds->len; k++) {
		const struct kind_rule *rule = r->rules->kinds->pdata[k];
		const struct alternative *found = alternatives_find(rule->ask, has);
		if (found == NULL)
			found = alternatives_find(rule->maybe, has);
		if (found != NULL && unit_in_alternative(r, u, found))
			return TRUE;
	}
	return FALSE;
}

/* TRUE if some kind's rule asks in a clause with these classes. */
gboolean
any_rule_in(const struct reading *r, const guint8 *has)
{
	guint k;

	for (k = 0; k < r->rules->kinds->len; k++)
		if (rule_in(r->rules->kinds->pdata[k], has))
			return TRUE;
	return FALSE;
}

/* TRUE if the mail asks for a kind in whose presence the rule's net doubts
 * nothing (see classify-read.h). */
gboolean
rule_quiet(const struct kind_rule *rule, const gboolean *asked)
{
	guint k;

	for (k = 0; k < CLASSIFY_KIND_COUNT; k++)
		if (rule->net_unless[k] && asked[k])
			return TRUE;
	return FALSE;
}

/* TRUE if the mail asks for a guarded kind. */
static gboolean
asked_guarded(const struct reading *r, const gboolean *asked)
{
	guint k;

	for (k = 0; k < CLASSIFY_KIND_COUNT; k++)
		if (asked[k] && r->rules->guard[k])
			return TRUE;
	return FALSE;
}

/* TRUE if a word with classes is the verb of rule, when it is not a ban:
 * the first class of one of its ask alternatives that [classify] verbs
 * names ("erase data": erase). */
static gboolean
rule_verb(const struct reading *r, const struct kind_rule *rule,
    const guint8 *classes)
{
	guint a;

	for (a = 0; !rule->ban && a < rule->ask->len; a++) {
		const struct alternative *alternative = &g_array_index(rule->ask,
		    struct alternative, a);
		guint first = alternative->need->len > 1 ?
		    g_array_index(alternative->need, guint, 0) : G_MAXUINT;
		if (first != G_MAXUINT && classes[first] &&
		    classify_class_verb(r->rules, first))
			return TRUE;
	}
	return FALSE;
}

/* TRUE if a clause whose head is unit u commands what u says: not
 * negated, not a reason, a condition, a possibility or rights named, u not
 * in its reason or its "until" ("eftersom jag bestrider att uppgifterna är
 * korrekta" commands nothing). */
static gboolean
clause_commands(const struct clause *clause, guint u)
{
	return !clause->negated && !clause->reason && !clause->condition &&
	    !clause->possibility && !clause->mention && u < clause->reason_from &&
	    u < clause->until_from && u < clause->condition_from;
}

/* TRUE if a word of the rule's net family stands in the clause (not in a
 * quote, nor in a condition: "if anything is wrong") that no rule read
 * there; with command, only as the kind's verb heading a clause that
 * commands it ("Korjatkaa tämä."). */
static gboolean
clause_net_of(const struct reading *r, const struct clause *clause,
    const struct kind_rule *rule, gboolean command)
{
	const struct alternative *found = alternatives_find(rule->net, clause->has);
	guint u, family, head = clause_head(r, clause);

	if (found == NULL || found->need->len == 0)
		return FALSE;
	family = g_array_index(found->need, guint, 0);
	for (u = clause->first; u < clause->end && u < clause->condition_from; u++) {
		const struct unit *unit = &g_array_index(r->units, struct unit, u);
		/* not a word another kind's rule read ("remove me from the
		 * mailing list") */
		if (!unit->quoted && unit->classes[family] &&
		    !unit_in_rule(r, clause->has, u) && (!command || (u == head &&
		    clause_commands(clause, u) && rule_verb(r, rule, unit->classes))))
			return TRUE;
	}
	return FALSE;
}

/* The guarded kind a family word of a clause that asks for nothing
 * stands for (see classify-read.h), or -1. */
int
reading_net(const struct reading *r, const gboolean *asked)
{
	guint c, k;

	for (c = 0; c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		if (clause->possibility || (clause->negated && asked_guarded(r, asked)))
			continue;     /* a hint; a refusal beside a guarded request
			                 ("anonymising or blocking the data is not
			                 enough": the erasure asked) */
		for (k = 0; k < r->rules->kinds->len; k++) {
			const struct kind_rule *rule = r->rules->kinds->pdata[k];

			/* Beside a kind of its net_unless only a command: the
			 * data called wrong is the restriction's reason, a
			 * command to correct it is not ("Korjatkaa tämä, ja
			 * siihen asti älkää käyttäkö tietojani"). */
			if (r->rules->guard[k] && !asked[k] && !r->states[k].negated &&
			    !r->states[k].hinted &&
			    clause_net_of(r, clause, rule, rule_quiet(rule, asked)))
				return (int)k;
		}
	}
	return -1;
}

/* The first unit of a clause that is not a lead word ("and", "please"). */
guint
clause_head(const struct reading *r, const struct clause *clause)
{
	guint u;

	for (u = clause->first; u + 1 < clause->end && unit_role(r, u, ROLE_LEAD); u++)
		;
	return u;
}

static gboolean unit_verb_of(const struct reading *r, guint u, gboolean guarded);

/* TRUE if unit u has the verb of a kind that is not a ban: the first class
 * of one of its ask rules ("erase data": erase) when [classify] verbs
 * names it, what a clause begins with when it is a command. */
static gboolean
unit_kind_verb(const struct reading *r, guint u)
{
	return unit_verb_of(r, u, FALSE);
}

/* TRUE if unit u has the verb of a kind that is not a ban (see
 * unit_kind_verb), of a guarded kind ([classify] guard) when guarded. */
static gboolean
unit_verb_of(const struct reading *r, guint u, gboolean guarded)
{
	const guint8 *classes = g_array_index(r->units, struct unit, u).classes;
	guint k;

	for (k = 0; k < r->rules->kinds->len; k++)
		if ((!guarded || r->rules->guard[k]) &&
		    rule_verb(r, r->rules->kinds->pdata[k], classes))
			return TRUE;
	return FALSE;
}


/* TRUE if unit u is a command, a negation or a request word: after "and"
 * it opens a conjunct of its own ("delete my data and don't send me
 * more", "lopettakaa ... ja poistakaa", "und löschen Sie"). */
static gboolean
unit_opens_conjunct(const struct reading *r, guint u)
{
	return unit_role(r, u, ROLE_NEGATION) || unit_role(r, u, ROLE_FORBID) ||
	    unit_role(r, u, ROLE_REQUEST);
}

/* TRUE if the words from v on, before the next boundary, are a conjunct
 * without a verb of its own but with a kind's word after its data word,
 * as people say it ("lopettakaa uutiskirje ja mun tiedot pois", "and my
 * data gone"), or with its verb at the end ("und die Daten an niemanden
 * weiterzugeben"): a word or two, a data word, then within three words the
 * kind's word or a negation. */
static gboolean
reading_verbless_conjunct(const struct reading *r, guint v)
{
	guint d, w;

	for (d = v; d < r->units->len && d <= v + 2; d++) {
		if (d > v && g_array_index(r->units, struct unit, d).boundary != BOUNDARY_NONE)
			return FALSE;
		if (!unit_role(r, d, ROLE_DATA))
			continue;
		for (w = d + 1; w < r->units->len && w <= d + 3; w++) {
			if (g_array_index(r->units, struct unit, w).boundary != BOUNDARY_NONE)
				return FALSE;
			if (unit_kind_verb(r, w) || unit_role(r, w, ROLE_NEGATION) ||
			    unit_role(r, w, ROLE_FORBID))
				return TRUE;
		}
		return FALSE;
	}
	return FALSE;
}

/* TRUE if the conjunction at u ("and", "ja", "och") joins two conjuncts:
 * words came before it in its clause (since first; a command counts:
 * "poistakaa tilini ja laittakaa ..."), and a kind's verb
 * follows, or a negation or a request (a word or two may come between:
 * "and do not publish"). */
static gboolean
reading_conjunct(const struct reading *r, guint first, guint u)
{
	guint v, words = 0;

	for (v = first; v < u; v++)
		words += !unit_role(r, v, ROLE_LEAD) && (!unit_role(r, v, ROLE_REQUEST) ||
		    unit_kind_verb(r, v));   /* "poistakaa" is both */
	if (words < 2)
		return FALSE;
	for (v = u + 1; v < r->units->len && unit_role(r, v, ROLE_LEAD); v++)
		if (g_array_index(r->units, struct unit, v).boundary != BOUNDARY_NONE)
			return FALSE;
	if (v < r->units->len && unit_kind_verb(r, v))
		return TRUE;
	if (reading_verbless_conjunct(r, v))
		return TRUE;
	for (; v < r->units->len && v <= u + 3; v++) {
		if (v > u + 1 && g_array_index(r->units, struct unit, v).boundary !=
		    BOUNDARY_NONE)
			return FALSE;
		if (unit_opens_conjunct(r, v))
			return TRUE;
	}
	return FALSE;
}

/* The verb unit + 1 that the conjunction at u lends to the conjunct after
 * it, an object without a verb of its own ("remove me from the mailing
 * list and from your whole register", "poistakaa minut postituslistalta
 * ja koko rekisteristä"): a kind's verb before it in its clause (since
 * first), not negated, conditional or possible, and after it within four
 * words a data or register word, then no verb or negation before the
 * conjunct ends, at most three words later ("please" may come). 0 when it
 * lends none. */
static guint
reading_shared_verb(const struct reading *r, guint first, guint u)
{
	static const enum role stops[] = { ROLE_NEGATION, ROLE_FORBID,
	    ROLE_CONDITION, ROLE_CONDITION_HEAD, ROLE_POSSIBILITY, ROLE_REASON };
	guint v, d, verb = 0, i;

	for (v = first; v < u; v++) {
		for (i = 0; i < G_N_ELEMENTS(stops); i++)
			if (unit_role(r, v, stops[i]))
				return 0;
		if (verb == 0 && unit_kind_verb(r, v))
			verb = v + 1;
	}
	for (d = u + 1; verb != 0 && d < r->units->len && d <= u + 4; d++) {
		if (g_array_index(r->units, struct unit, d).boundary != BOUNDARY_NONE ||
		    unit_kind_verb(r, d) || unit_opens_conjunct(r, d))
			return 0;
		if (!unit_role(r, d, ROLE_DATA) && !unit_role(r, d, ROLE_REGISTER))
			continue;
		for (v = d + 1; v < r->units->len && g_array_index(r->units,
		    struct unit, v).boundary == BOUNDARY_NONE; v++)
			if (v > d + 3 || unit_kind_verb(r, v) || unit_role(r, v, ROLE_NEGATION) ||
			    unit_role(r, v, ROLE_FORBID) || unit_role(r, v, ROLE_CONJUNCTION))
				return 0;
		return verb;
	}
	return 0;
}

/* TRUE if the request word at u ends a clause opened by "until", by a
 * reason, or by a condition about the data being held (from first), that
 * has words of its own: "tills ni har prövat min invändning vill jag att
 * ni begränsar ...", "nu när allt är klart vill jag att ni raderar ...",
 * "om anteckningarna finns i ert system vill jag att ni raderar dem" are
 * two clauses without a comma (another condition's sentence stays
 * conditional whole). */
static gboolean
reading_after_until(const struct reading *r, guint first, guint u)
{
	guint head = first, v;
	gboolean hold = FALSE;

	while (head < u && unit_role(r, head, ROLE_LEAD))
		head++;
	if (u <= head + 2 || !unit_role(r, u, ROLE_REQUEST))
		return FALSE;
	if (unit_role(r, head, ROLE_UNTIL) || unit_role(r, head, ROLE_REASON))
		return TRUE;
	for (v = head + 1; v < u; v++)
		hold |= unit_role(r, v, ROLE_HOLD);
	return hold && (unit_role(r, head, ROLE_CONDITION) ||
	    unit_role(r, head, ROLE_CONDITION_HEAD));
}

/* TRUE if the request word at u follows a negated wish of its own in the
 * clause (from first), two words or more before: "I don't need the account
 * any more I would like you to delete ...", "jag behöver inte kontot
 * längre jag vill att ni raderar ..." are two clauses without a comma. */
static gboolean
reading_after_negated_wish(const struct reading *r, guint first, guint u)
{
	gboolean negation = FALSE, request = FALSE;
	guint v;

	if (!unit_role(r, u, ROLE_REQUEST) || u < first + 3)
		return FALSE;
	for (v = first; v + 2 < u; v++) {
		negation |= unit_role(r, v, ROLE_NEGATION);
		request |= unit_role(r, v, ROLE_REQUEST);
	}
	return negation && request;
}

/* Cut the units into clauses and sentences: boundaries, split words
 * ("but", "mutta") and conjuncts ("and don't ...") that open a clause of
 * their own. */
void
reading_cut(struct reading *r)
{
	struct sentence sentence = { 0 };
	struct clause clause = { 0 };
	guint u;

	for (u = 0; u <= r->units->len; u++) {
		struct unit *unit = u < r->units->len ?
		    &g_array_index(r->units, struct unit, u) : NULL;
		enum boundary boundary = unit == NULL ? BOUNDARY_SENTENCE : unit->boundary;
		guint shared = unit != NULL && boundary == BOUNDARY_NONE &&
		    unit_role(r, u, ROLE_CONJUNCTION) ?
		    reading_shared_verb(r, clause.first, u) : 0;

		if (shared != 0)
			boundary = BOUNDARY_CLAUSE;
		else if (unit != NULL && boundary == BOUNDARY_NONE && (unit_role(r, u, ROLE_SPLIT) ||
		    (unit_role(r, u, ROLE_CONJUNCTION) && reading_conjunct(r, clause.first, u)) ||
		    reading_after_until(r, clause.first, u) ||
		    reading_after_negated_wish(r, clause.first, u)))
			boundary = BOUNDARY_CLAUSE;
		/* "haluan tietää, mitä tietoja": a clause opened by "that" or
		 * "what" is the object of the one before it, read as one. */
		if (unit != NULL && boundary == BOUNDARY_CLAUSE && !unit->quoted &&
		    unit_role(r, u, ROLE_COMPLEMENT))
			boundary = BOUNDARY_NONE;
		if (u > 0 && boundary != BOUNDARY_NONE) {
			clause.end = u;
			clause.sentence = (int)r->sentences->len;
			g_array_append_val(r->clauses, clause);
			clause.first = u;
			clause.shared = shared;
		}
		if (u > 0 && boundary == BOUNDARY_SENTENCE) {
			g_array_append_val(r->sentences, sentence);
			memset(&sentence, 0, sizeof sentence);
		}
		if (unit != NULL) {
			if (boundary == BOUNDARY_SENTENCE || u == 0) {
				sentence.item = unit->item;
				sentence.aside = unit->aside;
			}
			unit->clause = (int)r->clauses->len;
			sentence.subject = unit->subject;
			sentence.question |= unit->question;
			sentence.colon = unit->colon;
		}
	}
}

/* TRUE if the request word at u is negated ("en halua", "I don't want",
 * "jag vill inte"): a negation just before or just after it. */
static gboolean
request_negated(const struct reading *r, const struct clause *clause, guint u)
{
	guint n;

	for (n = u > clause->first + 2 ? u - 2 : clause->first; n < u; n++)
		if (unit_role(r, n, ROLE_NEGATION))
			return TRUE;
	return u + 1 < clause->end && unit_role(r, u + 1, ROLE_NEGATION);
}

/* Mark the words after a report word in its clause as someone else's:
 * "tietosuojaselosteessanne sanotaan, että tarkastuspyyntö on ..." reports
 * what the notice says, it asks nothing. */
static void
clause_report(struct reading *r, const struct clause *clause)
{
	guint u, v;

	for (u = clause->first; u < clause->end; u++)
		if (unit_role(r, u, ROLE_REPORT))
			for (v = u + 1; v < clause->end; v++)
				g_array_index(r->units, struct unit, v).quoted = TRUE;
}

/* A clause's classes and roles. */
void
clause_read(struct reading *r, struct clause *clause)
{
	guint count = r->rules->classes->len, u, c, head;

	clause_report(r, clause);
	clause->has = g_new0(guint8, count);
	for (u = clause->first; u < clause->end; u++) {
		const struct unit *unit = &g_array_index(r->units, struct unit, u);
		if (unit->quoted)
			continue;
		for (c = 0; c < count; c++)
			clause->has[c] |= unit->classes[c];
		if (unit_role(r, u, ROLE_REQUEST) && !request_negated(r, clause, u))
			clause->asking = TRUE;
	}
	if (clause->shared != 0) {
		const struct unit *verb = &g_array_index(r->units, struct unit,
		    clause->shared - 1);
		for (c = 0; c < count; c++)
			clause->has[c] |= verb->classes[c];
		clause->asking |= unit_role(r, clause->shared - 1, ROLE_REQUEST);
	}

	head = clause_head(r, clause);
	clause->condition = unit_role(r, head, ROLE_CONDITION) ||
	    unit_role(r, clause->first, ROLE_CONDITION) ||
	    unit_role(r, head, ROLE_CONDITION_HEAD) ||
	    unit_role(r, clause->first, ROLE_CONDITION_HEAD);
	clause->condition_from = clause->reason_from = clause->until_from = clause->end;
	for (u = clause->end; u-- > clause->first;) {
		if (unit_role(r, u, ROLE_CONDITION))
			clause->condition_from = u;
		if (unit_role(r, u, ROLE_UNTIL) && u > head)
			clause->until_from = u;     /* "... until it is checked" */
		if (clause->condition && u <= head)
			clause->condition_from = MIN(clause->condition_from, clause->first);
		if (unit_role(r, u, ROLE_REASON))
			clause->reason_from = u;
	}
	clause->reason = unit_role(r, head, ROLE_REASON) ||
	    unit_role(r, clause->first, ROLE_REASON);
	clause->negated = has_role(r, clause->has, ROLE_NEGATION);
	clause->possibility = has_role(r, clause->has, ROLE_POSSIBILITY);
	clause->boilerplate = has_role(r, clause->has, ROLE_BOILERPLATE);
	clause->explicit = has_role(r, clause->has, ROLE_REQUEST);
	clause->until = unit_role(r, head, ROLE_UNTIL) && !any_rule_in(r, clause->has);
	/* "Jos teillä on minusta tietoja, poistakaa ne"; "if you use my data
	 * for marketing, stop": a condition only about the data being held
	 * or used (it names the data, or the register it is kept in, and
	 * holding or using it, no kind and no negation: "jos niitä on
	 * tallennettu järjestelmään") sets no condition: what it says is so is
	 * asked about; nor
	 * does one about what must be kept ("jos jotain on pakko säilyttää,
	 * anonymisoikaa se", "if you must keep some of it, restrict it"): the
	 * fallback is asked. */
	if (clause->condition && (((has_role(r, clause->has, ROLE_DATA) ||
	    has_role(r, clause->has, ROLE_REGISTER)) &&
	    has_role(r, clause->has, ROLE_HOLD)) || has_role(r, clause->has, ROLE_KEEP)) &&
	    !has_role(r, clause->has, ROLE_NEGATION) && !any_rule_in(r, clause->has)) {
		clause->condition = FALSE;
		clause->condition_from = clause->end;
	}
}

/* A bare command of a kind's verb has at most this many other words, and
 * takes the data named at most this many sentences before it. */
#define BARE_VERB_WORDS 2
#define BARE_VERB_SENTENCES 3

/* How many sentences back a mailing list named before is looked for. */
#define LIST_SENTENCES 2

/* How many sentences back a purpose named before is looked for. */
#define REFERENT_SENTENCES 2

/* TRUE if a ban's rule is met in a clause with has. */
static gboolean
ban_in(const struct reading *r, const guint8 *has)
{
	guint k;

	for (k = 0; k < r->rules->kinds->len; k++) {
		const struct kind_rule *rule = r->rules->kinds->pdata[k];
		if (rule->ban && rule_in(rule, has))
			return TRUE;
	}
	return FALSE;
}

/* A clause naming a purpose named before ("for that purpose") takes the
 * [classify] referents classes of the nearest clause before it that has
 * one, in its sentence or the two before: "You use my details for customer
 * surveys. Please stop using my data for that purpose." objects to the
 * surveys. */
static void
reading_referents(struct reading *r)
{
	int role = r->rules->roles[ROLE_PURPOSEREF];
	guint count = r->rules->classes->len, c, k;
	int d;

	for (c = 0; role >= 0 && c < r->clauses->len; c++) {
		struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		/* not in a clause that forbids a thing of its own ("keine
		 * Veröffentlichung in solchen Listen") */
		if (!clause->has[role] || ban_in(r, clause->has))
			continue;
		for (d = (int)c - 1; d >= 0; d--) {
			const struct clause *before = &g_array_index(r->clauses, struct clause, d);
			gboolean found = FALSE;
			if (clause->sentence - before->sentence > REFERENT_SENTENCES)
				break;
			for (k = 0; k < count; k++)
				if (r->rules->referents[k] && before->has[k]) {
					clause->has[k] = 1;
					found = TRUE;
				}
			if (found)
				break;
		}
	}
}

/* A list one is taken off is the mailing list when a mailing list or a
 * newsletter is named in its clause or at most LIST_SENTENCES before it
 * ("Jag har fått era nyhetsbrev i flera år. Ta bort mig från alla era
 * listor"), or in an answer above the quoted newsletter ("Please take me
 * off this list"), unless a published list is named there (a participant
 * list, a directory). */
static void
reading_lists(struct reading *r)
{
	int list = r->rules->roles[ROLE_LIST];
	int mailinglist = r->rules->roles[ROLE_MAILINGLIST];
	int published = -1;    /* the last sentence that named a published list */
	int named = -1;        /* the last sentence that named a mailing list */
	guint c;

	for (c = 0; list >= 0 && mailinglist >= 0 && c < r->clauses->len; c++) {
		struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		if (has_role(r, clause->has, ROLE_PUBLISH))
			published = clause->sentence;
		if (clause->has[mailinglist] && !clause->has[list])
			named = clause->sentence;
		else if (clause->has[list] && published >= 0 &&
		    clause->sentence - published <= LIST_SENTENCES)
			continue;     /* "en halua, että nimeni näkyy
			                 osallistujalistassa ... jättäkää minut pois
			                 listoista": that list */
		else if (clause->has[list] && (r->answering || (named >= 0 &&
		    clause->sentence - named <= LIST_SENTENCES)))
			clause->has[mailinglist] = 1;
	}
}

/* TRUE if unit u has some class. */
static gboolean
unit_any_class(const struct reading *r, guint u)
{
	const guint8 *classes = g_array_index(r->units, struct unit, u).classes;
	guint c;

	for (c = 0; c < r->rules->classes->len; c++)
		if (classes[c])
			return TRUE;
	return FALSE;
}

/* TRUE if a clause with has names an object a bare command may take: a
 * [classify] objects class, or the data role. */
static gboolean
has_object(const struct reading *r, const guint8 *has)
{
	guint k;

	for (k = 0; k < r->rules->classes->len; k++)
		if (has[k] && ((r->rules->objects != NULL && r->rules->objects[k]) ||
		    (int)k == r->rules->roles[ROLE_DATA]))
			return TRUE;
	return FALSE;
}

/* TRUE if clause c is a bare command of a guarded kind's verb (an erasure
 * or a correction: "I want to know more." asks no copy): no kind's ask rule
 * is met in it, it ends its sentence, a kind's verb and at most
 * BARE_VERB_WORDS other words, of no class, and it commands: a request
 * word or a command form ("Voitteko korjata?", "Please delete.",
 * "Poistakaa heti!"; not "En ole vielä päättänyt, vaihdanko."). */
static gboolean
clause_bare_verb(const struct reading *r, const struct clause *clause)
{
	guint u, words = 0;
	gboolean verb = FALSE;

	for (u = 0; u < r->rules->kinds->len; u++)
		if (alternatives_find(((const struct kind_rule *)
		    r->rules->kinds->pdata[u])->ask, clause->has) != NULL)
			return FALSE;
	if (has_object(r, clause->has) || !clause->explicit ||
	    clause->negated || clause->condition || clause->possibility ||
	    (clause->end < r->units->len && g_array_index(r->units, struct unit,
	    clause->end).boundary != BOUNDARY_SENTENCE))
		return FALSE;     /* it must end its sentence */
	for (u = clause->first; u < clause->end; u++) {
		if (unit_verb_of(r, u, TRUE))
			verb = TRUE;
		else if (!unit_role(r, u, ROLE_LEAD) && !unit_role(r, u, ROLE_REQUEST)) {
			if (unit_any_class(r, u))
				return FALSE;   /* an object of its own ("hyvityslaskun") */
			words++;
		}
	}
	return verb && words <= BARE_VERB_WORDS;
}

/* A bare command of a kind's verb is about what the sentence or two
 * before it named ("Teillä on vanha osoitteeni. Voitteko korjata?", "il
 * mio indirizzo email è sbagliato ... Potete correggerlo?"): it takes the
 * object classes of the nearest clause that has one. */
static void
reading_bare_verbs(struct reading *r)
{
	int data = r->rules->roles[ROLE_DATA];
	guint c, k;
	int d;

	for (c = 1; c < r->clauses->len; c++) {
		struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		if (!clause_bare_verb(r, clause))
			continue;
		for (d = (int)c - 1; d >= 0; d--) {
			const struct clause *before = &g_array_index(r->clauses, struct clause, d);
			if (clause->sentence - before->sentence > BARE_VERB_SENTENCES)
				break;
			if (!has_object(r, before->has))
				continue;
			for (k = 0; k < r->rules->classes->len; k++)
				clause->has[k] |= before->has[k] && ((int)k == data ||
				    (r->rules->objects != NULL && r->rules->objects[k]));
			break;
		}
	}
}

/* Roles that carry on: a clause opened by "that" (että, att, dass) takes
 * the negation, request and condition of the clause before it ("en halua,
 * että tietojani poistetaan"); a condition makes the rest of its sentence
 * conditional ("if you cannot, delete it") unless it is only about the
 * data being there; a clause opened by "until" that asks nothing lends its
 * "until" to its sentence ("Kunnes asia on selvitetty, älkää käsitelkö
 * tietojani"). */
void
reading_carry(struct reading *r)
{
	int until = r->rules->roles[ROLE_UNTIL];
	guint c, d;

	for (c = 1; c < r->clauses->len; c++) {
		struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		struct clause *before = &g_array_index(r->clauses, struct clause, c - 1);

		if (before->sentence != clause->sentence)
			continue;
		if (unit_role(r, clause_head(r, before), ROLE_UNTIL))
			before->until_from = before->first;
		if (unit_role(r, clause_head(r, clause), ROLE_COMPLEMENT)) {
			clause->negated |= before->negated;
			clause->explicit |= before->explicit;
			clause->asking |= before->asking;
			clause->possibility |= before->possibility;
		}
		clause->condition |= (before->condition || before->condition_from <
		    before->end) && !unit_role(r, clause->first, ROLE_SPLIT);
		/* "Until you have checked and corrected them, please
		 * restrict ...": a clause opened by "until" that opens its
		 * sentence, and its conjuncts, say until when */
		if (before->until_from == before->first && (c == 1 ||
		    g_array_index(r->clauses, struct clause, c - 2).sentence !=
		    before->sentence) && unit_role(r, clause->first, ROLE_CONJUNCTION))
			clause->until_from = clause->first;
		if (clause->condition)
			clause->condition_from = clause->first;
	}
	reading_referents(r);
	reading_lists(r);
	reading_bare_verbs(r);
	for (c = 0; until >= 0 && c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		for (d = 0; clause->until && d < r->clauses->len; d++) {
			struct clause *other = &g_array_index(r->clauses, struct clause, d);
			if (other->sentence == clause->sentence)
				other->has[until] = 1;
		}
	}
}

/* TRUE if the sentence that clause c opens is an inquiry ("How do I
 * request ...?", "Kysymys tarkastuspyynnöstä"): it asks about a request,
 * it makes none. */
static gboolean
sentence_inquiry(const struct reading *r, guint c)
{
	const struct clause *clause = &g_array_index(r->clauses, struct clause, c);

	return unit_role(r, clause_head(r, clause), ROLE_INQUIRY);
}

/* What an introduction lends its list ("Pyydän teitä:", "Kiellän:", "jag
 * förbjuder er att"): its request, and the forbidding or negation of its
 * last clause when that names no kind of its own; to the sentence after
 * it, and on to the list items that follow. */
static void
reading_introductions(struct reading *r)
{
	g_autofree gboolean *forbid = g_new0(gboolean, r->sentences->len + 1);
	g_autofree gboolean *negation = g_new0(gboolean, r->sentences->len + 1);
	g_autofree gboolean *open = g_new0(gboolean, r->sentences->len + 1);
	gboolean request = FALSE, lend_forbid = FALSE, lend_negation = FALSE;
	guint c, s;

	for (c = 0; c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		gboolean bare = !any_rule_in(r, clause->has);
		forbid[clause->sentence] = bare && has_role(r, clause->has, ROLE_FORBID);
		negation[clause->sentence] = bare && has_role(r, clause->has, ROLE_NEGATION);
		open[clause->sentence] = unit_role(r, clause->end - 1, ROLE_COMPLEMENT);
	}
	for (s = 1; s < r->sentences->len; s++) {
		struct sentence *before = &g_array_index(r->sentences, struct sentence, s - 1);
		struct sentence *sentence = &g_array_index(r->sentences, struct sentence, s);

		/* An aside in an item ("(z. B. Adressaufkleber)") and what goes
		 * on after it are still the list's. */
		if (before->colon || (open[s - 1] && sentence->item)) {
			request = before->request;
			lend_forbid = forbid[s - 1];
			lend_negation = negation[s - 1];
		} else if (!sentence->item && !sentence->aside && !before->aside)
			request = lend_forbid = lend_negation = FALSE;
		sentence->request |= request;
		sentence->forbid = lend_forbid;
		sentence->negation = lend_negation;
	}
}

/* The sentences' roles: a question, an inquiry (also a question of what
 * must be done: "vai pitääkö niitä erikseen pyytää poistamaan?", "eller
 * måste hon själv kontakta er?"), a request; and the clauses that mention
 * the rights without exercising them (from the first that names one to the
 * end of its sentence). */
void
reading_sentences(struct reading *r)
{
	g_autofree gboolean *exercised = g_new0(gboolean, r->sentences->len + 1);
	g_autofree gboolean *obligation = g_new0(gboolean, r->sentences->len + 1);
	g_autofree int *right = g_new(int, r->sentences->len + 1);
	guint c, s;

	for (s = 0; s <= r->sentences->len; s++)
		right[s] = -1;
	for (c = 0; c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		struct sentence *sentence = &g_array_index(r->sentences, struct sentence,
		    clause->sentence);
		if (has_role(r, clause->has, ROLE_RIGHT) && right[clause->sentence] < 0)
			right[clause->sentence] = (int)c;
		exercised[clause->sentence] |= has_role(r, clause->has, ROLE_EXERCISE);
		obligation[clause->sentence] |= has_role(r, clause->has, ROLE_OBLIGATION);
		sentence->request |= clause->asking;
		if (c == 0 || g_array_index(r->clauses, struct clause, c - 1).sentence !=
		    clause->sentence)
			sentence->inquiry = sentence_inquiry(r, c);
	}
	for (c = 0; c < r->clauses->len; c++) {
		struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		clause->mention = right[clause->sentence] >= 0 &&
		    (int)c >= right[clause->sentence] && !exercised[clause->sentence];
	}
	for (s = 0; s < r->sentences->len; s++) {
		struct sentence *sentence = &g_array_index(r->sentences, struct sentence, s);
		sentence->inquiry |= sentence->question && obligation[s];
		if (sentence->inquiry) {
			sentence->question = TRUE;
			sentence->request = FALSE;
		}
	}
	reading_introductions(r);
}

/* A new reading of a text in language written (may be NULL). */
void
reading_init(struct reading *r, struct classify_rules *rules, const char *written)
{
	guint i;

	memset(r, 0, sizeof *r);
	r->rules = rules;
	r->written = written;
	r->language = words_language_index(rules->words, written);
	/* Stems count in the mail's language, or in every one when the mail's
	 * is not one of the rules'. */
	for (i = 0; rules->languages[i] != NULL; i++)
		if (r->language < 0 || (int)i == r->language)
			classify_rules_stem(rules, (int)i);
	r->finnish = written == NULL || strcmp(written, "fi") == 0 ||
	    words_language_index(rules->words, written) < 0;
	r->units = g_array_new(FALSE, TRUE, sizeof(struct unit));
	r->clauses = g_array_new(FALSE, TRUE, sizeof(struct clause));
	r->sentences = g_array_new(FALSE, TRUE, sizeof(struct sentence));
	r->word = g_string_new(NULL);
	r->quote_open = -1;
}

/* Free a reading. */
void
reading_clear(struct reading *r)
{
	guint i;

	for (i = 0; i < r->units->len; i++) {
		struct unit *unit = &g_array_index(r->units, struct unit, i);
		word_clear(&unit->word, r->rules->words);
		g_free(unit->classes);
	}
	for (i = 0; i < r->clauses->len; i++)
		g_free(g_array_index(r->clauses, struct clause, i).has);
	for (i = 0; i < G_N_ELEMENTS(r->states); i++) {
		if (r->states[i].sentences != NULL)
			g_array_unref(r->states[i].sentences);
		if (r->states[i].asking != NULL)
			g_array_unref(r->states[i].asking);
	}
	g_array_unref(r->units);
	g_array_unref(r->clauses);
	g_array_unref(r->sentences);
	g_string_free(r->word, TRUE);
}

