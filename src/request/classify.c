/* classify.c: read what a mail asks for, clause by clause, with the rules
 * classify-rules.c compiled: split the text into sentences, list items and
 * clauses, find each word's classes, read each clause's roles (negation,
 * condition, possibility, reason, question, mention of the rights), and
 * weigh the kinds its words ask for. */
#include <string.h>

#include "base/language.h"
#include "base/regex.h"
#include "request/classify.h"
#include "request/classify-rules.h"

/* Where a word stands after the one before it. */
enum boundary { BOUNDARY_NONE, BOUNDARY_CLAUSE, BOUNDARY_SENTENCE };

/* A line shorter than this that ends without punctuation is a heading or
 * an address line: the next line, if capitalised, starts a new clause. */
#define SHORT_LINE 50

/* A negation cancels a kind's words at most this many words away. */
#define NEGATION_REACH 8

/* A quote of at least this many words is someone else's text. */
#define QUOTE_WORDS 3

/* One word of the text being read. */
struct unit {
	struct word word;
	guint8 *classes;          /* per class: 1 if a term of it starts here */
	enum boundary boundary;   /* before this word */
	gboolean quoted;
	gboolean subject;         /* in the Subject line */
	gboolean question;        /* a '?' follows it */
	gboolean colon;           /* a ':' follows it */
	int clause;
};

/* A run of words between clause boundaries. */
struct clause {
	guint first, end;         /* units [first, end) */
	int sentence;
	guint8 *has;              /* per class: some word of the clause has it */
	guint condition_from;     /* units from here on are conditional ("tell
	                             me if the objection ends in deletion") */
	guint reason_from;        /* units from here on explain ("because ...") */
	gboolean negated, condition, possibility, reason, explicit, boilerplate;
};

/* A run of clauses between sentence boundaries. */
struct sentence {
	gboolean question, mention, request, subject, colon;
};

/* What one kind's evidence adds up to. */
struct kind_state {
	double confidence;
	int count;
	gboolean main, negated, hinted;
	GArray *sentences;        /* int: where it was asked */
};

/* One reading of a text. */
struct reading {
	struct classify_rules *rules;
	const char *written;      /* the mail's language code, or NULL */
	gboolean written_known;   /* written is one of the rules' languages
	                             (looked up once, not per term and word) */
	/* What the words hold, for term_may_start: every form of every word
	 * (lower, folded, bases, compound parts, stems), the character lengths
	 * of the stems per language (bit n: a stem of n characters), whether
	 * some word is a number or has no base form. */
	GHashTable *forms;
	guint64 *stem_lengths;
	gboolean any_digits, any_unanalysed;
	gboolean finnish;         /* analyse words with Voikko */
	gboolean forwarded;       /* reading a forwarded request */
	GArray *units;            /* struct unit */
	GArray *clauses;          /* struct clause */
	GArray *sentences;        /* struct sentence */
	enum boundary pending;
	int quote_open;           /* unit index where a quote opened, or -1 */
	guint64 parens;           /* per open parenthesis, innermost lowest: 1 if
	                             it opened an aside */
	GString *word;            /* the word being collected */
	gboolean subject;
	struct kind_state states[CLASSIFY_KIND_COUNT];
};

void (*classify_trace)(const char *kind, const char *clause, const char *verdict,
    double confidence);

/* Hand a clause's verdict to the tests' trace. */
static void
trace(const struct reading *r, const struct clause *clause, const char *kind,
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
	struct unit unit = { .boundary = r->pending, .subject = r->subject };

	if (r->word->len == 0)
		return;
	words_read(r->rules->words, r->word->str, r->finnish, &unit.word);
	g_array_append_val(r->units, unit);
	g_string_truncate(r->word, 0);
	r->pending = BOUNDARY_NONE;
}

/* Mark the words of a closed quote as someone else's. */
static void
reading_quote(struct reading *r, gunichar c)
{
	guint i;

	(void)c;
	reading_boundary(r, BOUNDARY_CLAUSE);
	if (r->quote_open < 0) {
		r->quote_open = (int)r->units->len;
		return;
	}
	if (r->units->len - (guint)r->quote_open >= QUOTE_WORDS)
		for (i = (guint)r->quote_open; i < r->units->len; i++)
			g_array_index(r->units, struct unit, i).quoted = TRUE;
	r->quote_open = -1;
}

/* TRUE if the word before a full stop is an abbreviation or a number: the
 * stop ends no sentence ("Art. 15", "z. B.", "10.1."). */
static gboolean
reading_abbreviation(struct reading *r)
{
	struct unit *last = reading_last(r);

	return last != NULL && (g_hash_table_contains(r->rules->abbreviations,
	    last->word.folded) || g_utf8_strlen(last->word.folded, -1) == 1);
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

/* TRUE for a character inside a word: letters, digits, and an apostrophe
 * between letters ("don't"). */
static gboolean
word_char(gunichar c, gunichar previous, gunichar next)
{
	if (g_unichar_isalnum(c) || g_unichar_ismark(c))
		return TRUE;
	return (c == '\'' || c == 0x2019) && g_unichar_isalpha(previous) &&
	    g_unichar_isalpha(next);
}

/* Read the characters of one line; addresses and links are no words. */
static void
reading_line(struct reading *r, const char *text)
{
	static GRegex *slot;
	g_autofree char *line = g_regex_replace_literal(regex_get(&slot,
	    "\\S+@\\S+|\\b(?:https?://|www\\.)\\S+", G_REGEX_CASELESS), text, -1, 0,
	    " ", 0, NULL);
	gunichar previous = ' ';
	const char *p;

	for (p = line; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		const char *after = g_utf8_next_char(p);
		gunichar next = *after != '\0' ? g_utf8_get_char(after) : 0;

		if (word_char(c, previous, next))
			g_string_append_unichar(r->word, c);
		else {
			reading_flush_word(r);
			reading_punctuation(r, c, previous, next);
		}
		previous = c;
	}
	reading_flush_word(r);
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
static void
reading_add(struct reading *r, const char *text, gboolean subject)
{
	g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	size_t previous_length = 0;
	gboolean previous_closed = TRUE;
	size_t i;

	r->subject = subject;
	reading_boundary(r, BOUNDARY_SENTENCE);
	for (i = 0; lines[i] != NULL; i++) {
		char *line = g_strstrip(lines[i]);
		gsize marker;

		if (*line == '\0') {
			reading_boundary(r, BOUNDARY_SENTENCE);
			r->quote_open = -1;
			continue;
		}
		if ((marker = list_marker(line)) > 0) {
			reading_boundary(r, BOUNDARY_SENTENCE);
			line += marker;
		} else if (!previous_closed && previous_length < SHORT_LINE &&
		    g_unichar_isupper(g_utf8_get_char(line)))
			reading_boundary(r, BOUNDARY_CLAUSE);
		reading_line(r, line);
		previous_length = strlen(line);
		previous_closed = line_closed(line);
	}
	reading_boundary(r, BOUNDARY_SENTENCE);
	r->quote_open = -1;
}

/* TRUE if the term's language applies to this mail: its own language, any
 * language for long words (people mix), and every term when the mail's
 * language is not one the rules are written in. */
static gboolean
term_applies(const struct reading *r, const struct term *term)
{
	if (term->language < 0 || r->written == NULL)
		return TRUE;
	if (!r->written_known)
		return TRUE;
	if (g_strcmp0(r->rules->languages[term->language], r->written) == 0)
		return TRUE;
	return g_utf8_strlen(term->parts[0].plain, -1) >= 5;
}

/* TRUE if stems of the term's language mean something in this mail: it is
 * written in that language, or in one the rules do not know. */
static gboolean
term_stems(const struct reading *r, const struct term *term)
{
	return term->language < 0 || r->written == NULL || !r->written_known ||
	    g_strcmp0(r->rules->languages[term->language], r->written) == 0;
}

/* Gather what the words hold (see struct reading). */
static void
reading_forms(struct reading *r)
{
	guint languages = g_strv_length(r->rules->languages), u, i, l;

	r->forms = g_hash_table_new(g_str_hash, g_str_equal);
	r->stem_lengths = g_new0(guint64, languages + 1);
	for (u = 0; u < r->units->len; u++) {
		const struct word *word = &g_array_index(r->units, struct unit, u).word;

		g_hash_table_add(r->forms, word->lower);
		g_hash_table_add(r->forms, word->folded);
		for (i = 0; i < word->bases->len; i++)
			g_hash_table_add(r->forms, word->bases->pdata[i]);
		for (i = 0; i < word->parts->len; i++)
			g_hash_table_add(r->forms, word->parts->pdata[i]);
		for (l = 0; l < languages && word->stems[l] != NULL; l++) {
			g_hash_table_add(r->forms, word->stems[l]);
			r->stem_lengths[l] |= G_GUINT64_CONSTANT(1) <<
			    MIN(g_utf8_strlen(word->stems[l], -1), 63);
		}
		r->any_digits |= word->digits;
		r->any_unanalysed |= word->bases->len == 0;
	}
}

/* Could the term's first part meet any word at all? A test of the forms
 * the words hold, so that the words are scanned (term_at) only for the
 * terms that may be there: each way classify_part_matches can meet a word
 * is looked for, and every case not sure to fail (affixes, an ellipsis,
 * a stem one typo away) is scanned. stems as for term_at. */
static gboolean
term_may_start(const struct reading *r, const struct term *term,
    gboolean stems)
{
	const struct term_part *part = &term->parts[0];
	glong length;

	if (term->count == 0 || part->lower[0] == '.')
		return TRUE;
	switch (part->match) {
	case TERM_DIGITS:
		return r->any_digits;
	case TERM_SURFACE:
		return g_hash_table_contains(r->forms, part->plain);
	case TERM_WORD:
	case TERM_WHOLE:
		break;
	default:
		return TRUE;      /* an affix: met inside forms */
	}
	if (g_hash_table_contains(r->forms, part->lower))
		return TRUE;
	if (part->exact)
		return FALSE;
	if (part->folds && g_hash_table_contains(r->forms, part->plain))
		return TRUE;
	if (!stems || term->language < 0 || !part->stemmed)
		return FALSE;
	if (g_hash_table_contains(r->forms, part->form))
		return TRUE;
	/* One typo in a long stem: a stem of a word without base forms, one
	 * character longer or shorter at most. */
	length = g_utf8_strlen(part->form, -1);
	return r->any_unanalysed && length >= 7 && (r->stem_lengths[term->language] &
	    (G_GUINT64_CONSTANT(7) << MIN(length - 1, 61))) != 0;
}

/* How many units term's words take from start, within one clause (a "..."
 * part skips up to ten words: "pass ... on", "geben ... weiter"), or 0 if they are not there.
 * stems: term_stems(r, term), found once per term by the caller. */
static guint
term_at(const struct reading *r, const struct term *term, gboolean stems,
    guint start)
{
	guint i, u = start, skip = 0;

	for (i = 0; i < term->count; i++) {
		const struct term_part *part = &term->parts[i];
		const struct unit *unit;

		if (part->lower[0] == '.' && strcmp(part->lower, "...") == 0) {
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
			    &unit->word, stems))
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

/* Each unit's classes. */
static void
reading_classes(struct reading *r)
{
	guint count = r->rules->classes->len, u, c, t;

	for (u = 0; u < r->units->len; u++)
		g_array_index(r->units, struct unit, u).classes = g_new0(guint8, count);
	reading_forms(r);
	for (c = 0; c < count; c++) {
		const struct word_class *class = r->rules->classes->pdata[c];
		for (t = 0; t < class->terms->len; t++) {
			const struct term *term = class->terms->pdata[t];
			gboolean stems;

			if (term->exclude || !term_applies(r, term))
				continue;
			stems = term_stems(r, term);
			if (!term_may_start(r, term, stems))
				continue;
			for (u = 0; u < r->units->len; u++)
				if (term_at(r, term, stems, u) > 0)
					g_array_index(r->units, struct unit, u).classes[c] = 1;
		}
		/* Then the exceptions ("the correct address"), on all their words. */
		for (t = 0; t < class->terms->len; t++) {
			const struct term *term = class->terms->pdata[t];
			gboolean stems = term->exclude && term_stems(r, term);

			if (term->exclude && !term_may_start(r, term, stems))
				continue;
			for (u = 0; term->exclude && term_applies(r, term) &&
			    u < r->units->len; u++) {
				guint length = term_at(r, term, stems, u), i;
				for (i = 0; i < length; i++)
					g_array_index(r->units, struct unit, u + i).classes[c] = 0;
			}
		}
	}
	if (classify_trace != NULL && g_getenv("CLASSIFY_TRACE_WORDS") != NULL)
		trace_classes(r);
}

/* TRUE if unit u has the class of role. */
static gboolean
unit_role(const struct reading *r, guint u, enum role role)
{
	return g_array_index(r->units, struct unit, u).classes[r->rules->roles[role]];
}

/* The first unit of a clause that is not a lead word ("and", "please"). */
static guint
clause_head(const struct reading *r, const struct clause *clause)
{
	guint u;

	for (u = clause->first; u + 1 < clause->end && unit_role(r, u, ROLE_LEAD); u++)
		;
	return u;
}

/* Cut the units into clauses and sentences: boundaries, and split words
 * ("but", "mutta") that open a clause of their own. */
static void
reading_cut(struct reading *r)
{
	struct sentence sentence = { 0 };
	struct clause clause = { 0 };
	guint u;

	for (u = 0; u <= r->units->len; u++) {
		struct unit *unit = u < r->units->len ?
		    &g_array_index(r->units, struct unit, u) : NULL;
		enum boundary boundary = unit == NULL ? BOUNDARY_SENTENCE : unit->boundary;

		if (unit != NULL && boundary == BOUNDARY_NONE && unit_role(r, u, ROLE_SPLIT))
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
		}
		if (u > 0 && boundary == BOUNDARY_SENTENCE) {
			g_array_append_val(r->sentences, sentence);
			memset(&sentence, 0, sizeof sentence);
		}
		if (unit != NULL) {
			unit->clause = (int)r->clauses->len;
			sentence.subject = unit->subject;
			sentence.question |= unit->question;
			sentence.colon = unit->colon;
		}
	}
}

/* A clause's classes and roles. */
static void
clause_read(struct reading *r, struct clause *clause)
{
	guint count = r->rules->classes->len, u, c, head;

	clause->has = g_new0(guint8, count);
	for (u = clause->first; u < clause->end; u++) {
		const struct unit *unit = &g_array_index(r->units, struct unit, u);
		if (unit->quoted)
			continue;
		for (c = 0; c < count; c++)
			clause->has[c] |= unit->classes[c];
	}
	head = clause_head(r, clause);
	clause->condition = unit_role(r, head, ROLE_CONDITION) ||
	    unit_role(r, clause->first, ROLE_CONDITION) ||
	    unit_role(r, head, ROLE_CONDITION_HEAD) ||
	    unit_role(r, clause->first, ROLE_CONDITION_HEAD);
	clause->condition_from = clause->reason_from = clause->end;
	for (u = clause->end; u-- > clause->first;) {
		if (unit_role(r, u, ROLE_CONDITION))
			clause->condition_from = u;
		if (clause->condition && u <= head)
			clause->condition_from = MIN(clause->condition_from, clause->first);
		if (unit_role(r, u, ROLE_REASON))
			clause->reason_from = u;
	}
	clause->reason = unit_role(r, head, ROLE_REASON) ||
	    unit_role(r, clause->first, ROLE_REASON);
	clause->negated = clause->has[r->rules->roles[ROLE_NEGATION]];
	clause->possibility = clause->has[r->rules->roles[ROLE_POSSIBILITY]];
	clause->boilerplate = clause->has[r->rules->roles[ROLE_BOILERPLATE]];
	clause->explicit = clause->has[r->rules->roles[ROLE_REQUEST]];
}

/* Roles that carry on: a clause opened by "that" (että, att, dass) takes
 * the negation, request and condition of the clause before it ("en halua,
 * että tietojani poistetaan"); a condition makes the rest of its sentence
 * conditional ("if you cannot, delete it"). */
static void
reading_carry(struct reading *r)
{
	guint c;

	for (c = 1; c < r->clauses->len; c++) {
		struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		const struct clause *before = &g_array_index(r->clauses, struct clause, c - 1);

		if (before->sentence != clause->sentence)
			continue;
		if (unit_role(r, clause_head(r, clause), ROLE_COMPLEMENT)) {
			clause->negated |= before->negated;
			clause->explicit |= before->explicit;
			clause->possibility |= before->possibility;
		}
		clause->condition |= (before->condition || before->condition_from <
		    before->end) && !unit_role(r, clause->first, ROLE_SPLIT);
		if (clause->condition)
			clause->condition_from = clause->first;
	}
}

/* The sentences' roles: a question, a mention of the rights, a request. */
static void
reading_sentences(struct reading *r)
{
	int exercise = r->rules->roles[ROLE_EXERCISE], right = r->rules->roles[ROLE_RIGHT];
	g_autofree gboolean *rights = g_new0(gboolean, r->sentences->len + 1);
	g_autofree gboolean *exercised = g_new0(gboolean, r->sentences->len + 1);
	guint c, s;

	for (c = 0; c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		struct sentence *sentence = &g_array_index(r->sentences, struct sentence,
		    clause->sentence);
		rights[clause->sentence] |= clause->has[right];
		exercised[clause->sentence] |= clause->has[exercise];
		sentence->request |= clause->explicit;
	}
	for (s = 0; s < r->sentences->len; s++) {
		struct sentence *sentence = &g_array_index(r->sentences, struct sentence, s);
		sentence->mention = rights[s] && !exercised[s];
		/* An introduction "Pyydän teitä:" asks for its list items too. */
		if (s > 0 && g_array_index(r->sentences, struct sentence, s - 1).colon &&
		    g_array_index(r->sentences, struct sentence, s - 1).request) {
			sentence->request = TRUE;
			sentence->colon = TRUE;   /* the next item too */
		}
	}
}

/* TRUE if every needed class is in the clause and no excluded one. */
static gboolean
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

/* TRUE if unit u has a class the alternative needs. */
static gboolean
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

/* TRUE if unit u has the alternative's first class: a clause that begins
 * with it is a command ("Delete my account", "Radera mina uppgifter"). */
static gboolean
unit_first_class(const struct reading *r, guint u,
    const struct alternative *alternative)
{
	return alternative->need->len > 0 && g_array_index(r->units, struct unit,
	    u).classes[g_array_index(alternative->need, guint, 0)];
}

/* TRUE if a negation stands near the alternative's words in the clause. */
static gboolean
negation_near(const struct reading *r, const struct clause *clause,
    const struct alternative *alternative)
{
	guint n, u;

	for (n = clause->first; n < clause->end; n++) {
		if (!unit_role(r, n, ROLE_NEGATION))
			continue;
		for (u = clause->first; u < clause->end; u++)
			if (unit_in_alternative(r, u, alternative) &&
			    (n > u ? n - u : u - n) <= NEGATION_REACH)
				return TRUE;
	}
	return FALSE;
}

/* The first matching alternative of a list, or NULL. */
static const struct alternative *
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

/* Record one piece of evidence for a kind. */
static void
state_add(struct kind_state *state, double confidence, gboolean main,
    int sentence)
{
	if (state->sentences == NULL)
		state->sentences = g_array_new(FALSE, FALSE, sizeof(int));
	g_array_append_val(state->sentences, sentence);
	state->count++;
	state->main |= main;
	if (confidence > state->confidence)
		state->confidence = confidence;
}

/* TRUE if the alternative needs class ("use negation data until": the
 * negation is the request, it cancels nothing). */
static gboolean
alternative_needs(const struct alternative *alternative, int class)
{
	guint i;

	for (i = 0; i < alternative->need->len; i++)
		if (g_array_index(alternative->need, guint, i) == (guint)class)
			return TRUE;
	return FALSE;
}

/* The last unit of the clause with a class the alternative needs. */
static guint
alternative_last(const struct reading *r, const struct clause *clause,
    const struct alternative *alternative)
{
	guint u;

	for (u = clause->end; u-- > clause->first;)
		if (unit_in_alternative(r, u, alternative))
			return u;
	return clause->first;
}

/* Weigh what one clause (with classes has) says about one kind. */
static void
clause_weigh(struct reading *r, const struct clause *clause, const guint8 *has,
    const struct kind_rule *rule, struct kind_state *state)
{
	const struct classify_weights *w = &r->rules->weights;
	const struct sentence *sentence = &g_array_index(r->sentences,
	    struct sentence, clause->sentence);
	const struct alternative *found = alternatives_find(rule->ask, has);
	const struct alternative *asked = sentence->question && !sentence->request ?
	    alternatives_find(rule->question, has) : NULL;
	gboolean strong = found != NULL || asked != NULL, explicit;
	gboolean explicit_question = asked != NULL;
	double confidence;

	if (found == NULL)
		found = asked;
	if (found == NULL && (found = alternatives_find(rule->maybe, has)) == NULL)
		return;
	if (clause->reason || alternative_last(r, clause, found) >= clause->reason_from ||
	    clause->boilerplate || sentence->mention ||
	    (sentence->question && !sentence->request && !explicit_question)) {
		if (classify_trace != NULL)
			trace(r, clause, rule->kind, clause->reason ||
			    alternative_last(r, clause, found) >= clause->reason_from ? "reason" :
			    clause->boilerplate ? "boilerplate" : sentence->mention ?
			    "mention" : "question", 0);
		return;
	}
	if (!rule->ban && !alternative_needs(found, r->rules->roles[ROLE_NEGATION]) &&
	    (negation_near(r, clause, found) ||
	    (clause->negated && !has[r->rules->roles[ROLE_NEGATION]]))) {
		if (classify_trace != NULL)
			trace(r, clause, rule->kind, "negated", 0);
		state->negated = TRUE;
		return;
	}
	if (clause->possibility || alternative_last(r, clause, found) >=
	    clause->condition_from) {
		if (classify_trace != NULL)
			trace(r, clause, rule->kind, "hint", 0);
		state->hinted = TRUE;
		return;
	}
	/* A question that is itself the request ("What data do you hold on
	 * me?") asks as plainly as "please". */
	explicit = clause->explicit || sentence->request || sentence->subject ||
	    explicit_question || unit_first_class(r, clause_head(r, clause), found);
	confidence = strong ? w->strong : w->weak;
	if (explicit)
		confidence += strong ? w->explicit_bonus : 2 * w->explicit_bonus;
	if (sentence->subject)
		confidence += w->subject_bonus;
	if (r->forwarded)
		confidence *= w->forwarded_factor;
	if (classify_trace != NULL)
		trace(r, clause, rule->kind, explicit && strong ? "asks (main)" :
		    strong ? "asks" : "weak", confidence);
	state_add(state, confidence, explicit && strong, clause->sentence);
}

/* TRUE if the rule asks for its kind in a clause with these classes. */
static gboolean
rule_in(const struct kind_rule *rule, const guint8 *has)
{
	return alternatives_find(rule->ask, has) != NULL ||
	    alternatives_find(rule->maybe, has) != NULL;
}

/* TRUE if some kind's rule asks in a clause with these classes. */
static gboolean
any_rule_in(const struct reading *r, const guint8 *has)
{
	guint k;

	for (k = 0; k < r->rules->kinds->len; k++)
		if (rule_in(r->rules->kinds->pdata[k], has))
			return TRUE;
	return FALSE;
}

/* TRUE if clause n stands in sentence and names no kind: a negation or a
 * forbidding in it is about a neighbour. */
static gboolean
clause_bare(const struct reading *r, guint n, int sentence)
{
	const struct clause *near;

	if (n >= r->clauses->len)
		return FALSE;
	near = &g_array_index(r->clauses, struct clause, n);
	return near->sentence == sentence && !any_rule_in(r, near->has);
}

/* The classes a ban is read with in clause c: its own, the negation or
 * forbidding of the clause before it in its sentence ("I do not want my
 * name, address or phone published"), and the forbidding of the one after
 * it ("I get your ads all the time, stop them"), when those name no kind of
 * their own. scratch has room for every class. */
static const guint8 *
ban_classes(const struct reading *r, guint c, const struct kind_rule *rule,
    guint8 *scratch)
{
	const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
	int forbid = r->rules->roles[ROLE_FORBID];
	int negation = r->rules->roles[ROLE_NEGATION];
	gboolean lend_forbid = FALSE, lend_negation = FALSE;

	if (!rule->ban || rule_in(rule, clause->has))
		return clause->has;
	if (c > 0 && clause_bare(r, c - 1, clause->sentence)) {
		const struct clause *before = &g_array_index(r->clauses, struct clause, c - 1);
		lend_forbid |= before->has[forbid];
		lend_negation |= before->has[negation];
	}
	if (clause_bare(r, c + 1, clause->sentence))
		lend_forbid |= g_array_index(r->clauses, struct clause, c + 1).has[forbid];
	if (!lend_forbid && !lend_negation)
		return clause->has;
	memcpy(scratch, clause->has, r->rules->classes->len);
	scratch[forbid] |= lend_forbid;
	scratch[negation] |= lend_negation;
	return scratch;
}

/* One clause spanning each sentence, for rules read sentence-wide: its
 * classes and roles are those of all its clauses. */
static GArray *
reading_spans(const struct reading *r)
{
	guint count = r->rules->classes->len, c, k;
	GArray *spans = g_array_new(FALSE, TRUE, sizeof(struct clause));

	g_array_set_size(spans, r->sentences->len);
	for (c = 0; c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		struct clause *span = &g_array_index(spans, struct clause, clause->sentence);

		if (span->has == NULL) {
			*span = *clause;
			span->has = g_memdup2(clause->has, count);
			span->condition_from = span->reason_from = G_MAXUINT;
		}
		span->end = clause->end;
		for (k = 0; k < count; k++)
			span->has[k] |= clause->has[k];
		span->negated |= clause->negated;
		span->possibility |= clause->possibility;
		span->explicit |= clause->explicit;
		span->boilerplate |= clause->boilerplate;
		if (span->condition_from == G_MAXUINT && clause->condition_from < clause->end)
			span->condition_from = clause->condition_from;
		if (span->reason_from == G_MAXUINT && clause->reason_from < clause->end)
			span->reason_from = clause->reason_from;
	}
	for (c = 0; c < spans->len; c++) {
		struct clause *span = &g_array_index(spans, struct clause, c);
		span->condition_from = MIN(span->condition_from, span->end);
		span->reason_from = MIN(span->reason_from, span->end);
	}
	return spans;
}

/* Weigh every clause (or sentence) for every kind. */
static void
reading_weigh(struct reading *r)
{
	g_autoptr(GArray) spans = reading_spans(r);
	g_autofree guint8 *scratch = g_new0(guint8, r->rules->classes->len + 1);
	guint c, k;

	for (k = 0; k < r->rules->kinds->len; k++) {
		const struct kind_rule *rule = r->rules->kinds->pdata[k];
		GArray *units = rule->sentence ? spans : r->clauses;

		for (c = 0; c < units->len; c++) {
			const struct clause *clause = &g_array_index(units, struct clause, c);
			if (clause->has == NULL)
				continue;
			clause_weigh(r, clause, rule->sentence ? clause->has :
			    ban_classes(r, c, rule, scratch), rule, &r->states[k]);
		}
	}
	for (c = 0; c < spans->len; c++)
		g_free(g_array_index(spans, struct clause, c).has);
}

/* Read a text start to end: units, classes, clauses, sentences, weights. */
static void
reading_run(struct reading *r, const char *subject, const char *body)
{
	guint c;

	if (subject != NULL && *subject != '\0')
		reading_add(r, subject, TRUE);
	reading_add(r, body, FALSE);
	reading_classes(r);
	reading_cut(r);
	for (c = 0; c < r->clauses->len; c++)
		clause_read(r, &g_array_index(r->clauses, struct clause, c));
	reading_carry(r);
	reading_sentences(r);
	reading_weigh(r);
}

/* A new reading of a text in language written (may be NULL). */
static void
reading_init(struct reading *r, struct classify_rules *rules, const char *written)
{
	memset(r, 0, sizeof *r);
	r->rules = rules;
	r->written = written;
	r->written_known = written != NULL &&
	    words_language_index(rules->words, written) >= 0;
	r->finnish = written == NULL || strcmp(written, "fi") == 0 ||
	    !r->written_known;
	r->units = g_array_new(FALSE, TRUE, sizeof(struct unit));
	r->clauses = g_array_new(FALSE, TRUE, sizeof(struct clause));
	r->sentences = g_array_new(FALSE, TRUE, sizeof(struct sentence));
	r->word = g_string_new(NULL);
	r->quote_open = -1;
}

/* Free a reading. */
static void
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
	for (i = 0; i < G_N_ELEMENTS(r->states); i++)
		if (r->states[i].sentences != NULL)
			g_array_unref(r->states[i].sentences);
	g_array_unref(r->units);
	g_array_unref(r->clauses);
	g_array_unref(r->sentences);
	g_string_free(r->word, TRUE);
	if (r->forms != NULL)
		g_hash_table_unref(r->forms);
	g_free(r->stem_lengths);
}

/* TRUE if the kind's evidence stands in some sentence other's has none
 * in: "send me my data in CSV" is portability alone, a separate "and a
 * copy of everything" is access too. */
static gboolean
state_apart(const struct kind_state *state, const struct kind_state *other)
{
	guint i, j;

	for (i = 0; state->sentences != NULL && i < state->sentences->len; i++) {
		int s = g_array_index(state->sentences, int, i);
		gboolean shared = FALSE;
		for (j = 0; other->sentences != NULL && j < other->sentences->len; j++)
			shared |= g_array_index(other->sentences, int, j) == s;
		if (!shared)
			return TRUE;
	}
	return FALSE;
}

/* The index of a kind in classify_kinds. */
static int
kind_index(const char *kind)
{
	int k;

	for (k = 0; classify_kinds[k] != NULL; k++)
		if (strcmp(classify_kinds[k], kind) == 0)
			return k;
	return -1;
}

/* A kind's final confidence: its best evidence, a little more for each
 * repetition, less when the mail also says it does not want it. */
static double
state_confidence(const struct classify_weights *w, const struct kind_state *state)
{
	double confidence = state->confidence + w->repeat_bonus * (state->count - 1);

	if (state->negated)
		confidence -= w->negated_penalty;
	return CLAMP(confidence, 0.0, 0.99);
}

/* Turn the kinds' states into the result's kinds, marks and hints. */
static void
reading_result(struct reading *r, struct classify_result *result)
{
	const struct classify_weights *w = &r->rules->weights;
	int access = kind_index("access"), portability = kind_index("portability");
	gboolean any_main = FALSE;
	int k;

	if (r->states[portability].count > 0 && r->states[access].count > 0 &&
	    !state_apart(&r->states[access], &r->states[portability]))
		r->states[access].count = 0;       /* the copy portability gives */
	for (k = 0; classify_kinds[k] != NULL; k++)
		any_main |= r->states[k].count > 0 && r->states[k].main &&
		    state_confidence(w, &r->states[k]) >= w->certain;
	for (k = 0; classify_kinds[k] != NULL; k++) {
		const struct kind_state *state = &r->states[k];
		struct classify_kind detail = { classify_kinds[k], 0, NULL };

		detail.confidence = state->count > 0 ? state_confidence(w, state) : 0;
		if (state->count == 0 || detail.confidence < w->floor) {
			if (state->hinted || state->count > 0)
				g_ptr_array_add(result->hints, (gpointer)classify_kinds[k]);
			continue;
		}
		if (detail.confidence < w->certain)
			detail.mark = CLASSIFY_UNCERTAIN;
		else if (any_main && !state->main)
			detail.mark = CLASSIFY_POSSIBLE_EXTRA;
		g_ptr_array_add(result->kinds, (gpointer)classify_kinds[k]);
		g_array_append_val(result->details, detail);
	}
}

/* TRUE if the reading found some kind. */
static gboolean
reading_found(const struct reading *r)
{
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(r->states); k++)
		if (r->states[k].count > 0)
			return TRUE;
	return FALSE;
}

/* The own text up to the first closing line ("Best regards"), when some
 * text came before it: what follows is a name, a signature, a disclaimer. */
static char *
text_until_closing(const struct classify_rules *rules, const char *own)
{
	g_auto(GStrv) lines = g_strsplit(own, "\n", -1);
	GString *text = g_string_new(NULL);
	gboolean content = FALSE;
	size_t i;

	for (i = 0; lines[i] != NULL; i++) {
		if (content && g_regex_match(rules->closing, lines[i], 0, NULL))
			break;
		if (lines[i][strspn(lines[i], " \t")] != '\0')
			content = TRUE;
		g_string_append(text, lines[i]);
		g_string_append_c(text, '\n');
	}
	return g_string_free(text, FALSE);
}

/* The whole text with forwarded or quoted mail in it, without their header
 * lines (but with their subjects, each a sentence) and quote marks; NULL
 * if there is nothing beyond the own text. */
static char *
text_forwarded(const char *whole, const char *own)
{
	static GRegex *header_slot, *subject_slot;
	GRegex *header = regex_get(&header_slot, "^\\*?(from|sent|date|to|cc|"
	    "l\xc3\xa4hett\xc3\xa4j\xc3\xa4|l\xc3\xa4hetetty|p\xc3\xa4iv\xc3\xa4m"
	    "\xc3\xa4\xc3\xa4r\xc3\xa4|vastaanottaja|kopio|fr\xc3\xa5n|skickat|"
	    "datum|till|kopia|von|gesendet|an)\\*?\\s*:", G_REGEX_CASELESS);
	GRegex *subject = regex_get(&subject_slot, "^\\*?(subject|aihe|\xc3\xa4mne|"
	    "betreff)\\*?\\s*:\\s*", G_REGEX_CASELESS);
	g_auto(GStrv) lines = NULL;
	GString *text;
	size_t i;

	if (whole == NULL || strlen(whole) <= strlen(own) + 1)
		return NULL;
	lines = g_strsplit(whole, "\n", -1);
	text = g_string_new(NULL);
	for (i = 0; lines[i] != NULL; i++) {
		char *line = lines[i];
		while (*line == '>' || *line == ' ')
			line++;
		if (g_regex_match(subject, line, 0, NULL))
			g_string_append_printf(text, "\n%s\n\n", line + strcspn(line, ":") + 1);
		else if (!g_regex_match(header, line, 0, NULL))
			g_string_append_printf(text, "%s\n", line);
	}
	return g_string_free(text, FALSE);
}

/* The language of the common words of [language LL] most seen, at least
 * minimum times and twice as often as any other; NULL otherwise. */
static const char *
text_language_by_words(const struct classify_rules *rules, const char *text,
    int minimum)
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
	return tie || best_count < minimum || best_count < 2 * second ? NULL : best;
}

/* A text shorter than this is guessed by its common words first: n-grams
 * need more ("Please delete my data." reads as Afrikaans). */
#define SHORT_TEXT 300

/* The language the mail is written in: its n-grams, or its common words
 * when it is too short for them. */
static const char *
text_written(struct classify_rules *rules, const char *text)
{
	const char *by_words = strlen(text) < SHORT_TEXT ?
	    text_language_by_words(rules, text, 3) : NULL;
	const char *code;

	if (by_words != NULL)
		return by_words;
	code = language_guess_text(rules->guess, text, (const char *const *)rules->expect);
	return code != NULL ? code : text_language_by_words(rules, text, 1);
}

/* Free a change (a GDestroyNotify). */
static void
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

/* Read the "field: new value" lines of a text into changes; the sender's
 * identification ("Zur Identifikation meiner Person ...:") is not one. */
static void
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

/* TRUE for the subject of a reply or forward: someone else wrote it. */
static gboolean
subject_is_reply(const char *subject)
{
	static GRegex *reply;

	return g_regex_match(regex_get(&reply, "^\\s*(re|aw|vs|sv|vl|vb|"
	    "fw|fwd|wg|tr|ent|rv|r)\\s*(\\[[0-9]+\\])?\\s*:", G_REGEX_CASELESS),
	    subject, 0, NULL);
}

/* TRUE if the text has a "field: value" line of a field the rules know. */
static gboolean
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

/* Kinds asked by "field: value" lines ("puhelin: 044 901 2233" under "a
 * few corrections:"): evidence in the first clause with a word of the
 * kind's "lines" classes that is not negated or conditional. */
static void
reading_lines(struct reading *r, const char *body)
{
	guint k, c, i;
	gboolean checked = FALSE, lines = FALSE;

	for (k = 0; k < r->rules->kinds->len; k++) {
		const struct kind_rule *rule = r->rules->kinds->pdata[k];
		if (rule->lines->len == 0 || r->states[k].count > 0)
			continue;
		if (!checked) {
			lines = text_has_field_line(r->rules, body);
			checked = TRUE;
		}
		for (c = 0; lines && c < r->clauses->len && r->states[k].count == 0; c++) {
			const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
			for (i = 0; i < rule->lines->len; i++)
				if (clause->has[g_array_index(rule->lines, guint, i)] &&
				    !clause->negated && !clause->condition && !clause->possibility) {
					if (classify_trace != NULL)
						trace(r, clause, rule->kind, "field lines", r->rules->weights.strong);
					state_add(&r->states[k], r->rules->weights.strong, FALSE,
					    clause->sentence);
					break;
				}
		}
	}
}

/* Read a text and keep what it found in result; FALSE if it found nothing. */
static gboolean
classify_reading(struct classify_rules *rules, const char *written,
    const char *subject, const char *body, gboolean forwarded,
    struct classify_result *result)
{
	struct reading r;
	gboolean found;

	reading_init(&r, rules, written);
	r.forwarded = forwarded;
	reading_run(&r, subject, body);
	reading_lines(&r, body);
	found = reading_found(&r);
	if (found || forwarded)
		reading_result(&r, result);
	reading_clear(&r);
	return found;
}

/* Classify subject + own text (see classify.h). */
void
classify_text(struct classify_rules *rules, const char *subject,
    const char *own, const char *whole, struct classify_result *result)
{
	g_autofree char *body = text_until_closing(rules, own != NULL ? own : "");
	const char *own_subject = subject != NULL && !subject_is_reply(subject) ?
	    subject : "";
	g_autofree char *everything = g_strdup_printf("%s\n%s", own_subject,
	    own != NULL ? own : "");
	g_autofree char *forwarded = NULL;

	memset(result, 0, sizeof *result);
	result->kinds = g_ptr_array_new();
	result->details = g_array_new(FALSE, TRUE, sizeof(struct classify_kind));
	result->hints = g_ptr_array_new();
	result->changes = g_ptr_array_new_with_free_func(change_free);
	/* The closing line and signature tell the language too. */
	result->written = text_written(rules, everything);
	result->language = language_from_code(result->written);
	if (!classify_reading(rules, result->written, own_subject, body, FALSE, result) &&
	    (forwarded = text_forwarded(whole, own != NULL ? own : "")) != NULL)
		classify_reading(rules, result->written, NULL, forwarded, TRUE, result);
	if (result->kinds->len == 0) {
		struct classify_kind unknown = { "unknown", 0, NULL };
		g_ptr_array_add(result->kinds, (gpointer)"unknown");
		g_array_append_val(result->details, unknown);
	}
	if (classify_result_find(result, "rectification") != NULL)
		text_changes(rules, forwarded != NULL ? forwarded : body, result->changes);
	result->text = g_strdup_printf("%s\n%s", own_subject, body);
}

/* Read the rules file (see classify.h). */
struct classify_rules *
classify_load(const char *path, GError **error)
{
	return classify_rules_load(path, error);
}

/* Free compiled rules. */
void
classify_free(struct classify_rules *rules)
{
	classify_rules_free(rules);
}

/* The details of one kind. */
const struct classify_kind *
classify_result_find(const struct classify_result *result, const char *kind)
{
	guint i;

	for (i = 0; result->details != NULL && i < result->details->len; i++) {
		const struct classify_kind *detail = &g_array_index(result->details,
		    struct classify_kind, i);
		if (strcmp(detail->kind, kind) == 0)
			return detail;
	}
	return NULL;
}

/* Free a result's contents. */
void
classify_result_clear(struct classify_result *result)
{
	if (result->kinds != NULL)
		g_ptr_array_unref(result->kinds);
	if (result->details != NULL)
		g_array_unref(result->details);
	if (result->hints != NULL)
		g_ptr_array_unref(result->hints);
	if (result->changes != NULL)
		g_ptr_array_unref(result->changes);
	g_free(result->text);
	memset(result, 0, sizeof *result);
}
