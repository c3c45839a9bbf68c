/* classify-fields.c: the new values of a correction written in prose
 * ("my new number is 040 739 2215, the old one no longer works", "Rätta
 * min adress till Storgatan 5 B, 852 30 Sundsvall", "Please change my
 * surname to Whitfield"), read from the words of a reading: the values
 * (e-mail addresses, links, addresses, phone numbers, names), whether the
 * words before each mark it new or old, and the column its kind of value
 * or the field word near it names. The "field: value" lines are
 * classify-text.c's; these only add columns the lines did not set. */
#include <string.h>

#include "request/classify-fields.h"
#include "request/classify-text.h"

/* How far back from a value its marks ("new", "old", "to") are looked for. */
#define MARK_REACH 6

/* How a value is marked by the words before it. */
enum mark { MARK_NONE, MARK_NEW, MARK_OLD };

/* One value found in the text. */
struct value {
	guint first, end;         /* its units [first, end) */
	gsize start, stop;        /* its bytes in the text */
	enum mark mark;
};

/* A change a value proposes: one column, or an address's columns. */
struct candidate {
	enum mark mark;
	char *columns[4];         /* NULL-padded */
	char *values[4];
	char *field;              /* the field word written, or NULL */
};

/* The reading of one text for its values. */
struct prose {
	const struct reading *r;
	const char *text;
	const char *own;          /* the sender's whole own text (the signature
	                             tells which part of a name is which) */
	GPtrArray *changes;
	GArray *candidates;       /* struct candidate */
	gboolean *used;           /* per unit: part of a value already, or not
	                             the sender's prose (a header line, the
	                             sender's identification) */
};

/* The unit at u. */
static const struct unit *
prose_unit(const struct prose *p, guint u)
{
	return &g_array_index(p->r->units, struct unit, u);
}

/* TRUE if unit u has the class name. */
static gboolean
unit_has(const struct prose *p, guint u, const char *name)
{
	int class = classify_class_find(p->r->rules, name);

	return class >= 0 && prose_unit(p, u)->classes[class];
}

/* TRUE if a column the rules have a [field] group for is set already. */
static gboolean
prose_has(const struct prose *p, const char *column)
{
	guint i;

	for (i = 0; i < p->changes->len; i++)
		if (g_strcmp0(((struct classify_change *)p->changes->pdata[i])->alias,
		    column) == 0)
			return TRUE;
	return FALSE;
}

/* TRUE if the rules know the column (a [field COLUMN] group). */
static gboolean
prose_column(const struct prose *p, const char *column)
{
	guint i;

	for (i = 0; i < p->r->rules->fields->len; i++)
		if (strcmp(((struct field_alias *)p->r->rules->fields->pdata[i])->column,
		    column) == 0)
			return TRUE;
	return FALSE;
}

/* Propose a change: columns[i] to the text of values[i] (NULL-ended, at
 * most four), marked so by the words before it. */
static void
prose_propose(struct prose *p, enum mark mark, const char *field,
    const char *const *columns, const char *const *values, const gsize *lengths)
{
	struct candidate candidate = { mark, { NULL }, { NULL }, g_strdup(field) };
	guint i;

	for (i = 0; i < G_N_ELEMENTS(candidate.columns) && columns[i] != NULL; i++) {
		candidate.columns[i] = g_strdup(columns[i]);
		candidate.values[i] = g_strstrip(g_strndup(values[i], lengths[i]));
	}
	g_array_append_val(p->candidates, candidate);
}

/* Propose one column's change to length bytes of value. */
static void
prose_add(struct prose *p, enum mark mark, const char *column, const char *field,
    const char *value, gsize length)
{
	const char *columns[] = { column, NULL }, *values[] = { value, NULL };
	const gsize lengths[] = { length, 0 };

	prose_propose(p, mark, field, columns, values, lengths);
}

/* Add the candidates marked so as changes, each when the rules know its
 * columns and no change sets them yet. */
static void
prose_choose(struct prose *p, enum mark mark)
{
	guint i, j;

	for (i = 0; i < p->candidates->len; i++) {
		const struct candidate *candidate = &g_array_index(p->candidates,
		    struct candidate, i);
		if (candidate->mark != mark || !prose_column(p, candidate->columns[0]) ||
		    prose_has(p, candidate->columns[0]))
			continue;
		for (j = 0; j < G_N_ELEMENTS(candidate->columns) &&
		    candidate->columns[j] != NULL; j++) {
			struct classify_change *change;
			if (!prose_column(p, candidate->columns[j]))
				continue;
			change = g_new0(struct classify_change, 1);
			change->field = g_strdup(candidate->field != NULL ? candidate->field :
			    candidate->columns[j]);
			change->value = g_strdup(candidate->values[j]);
			change->alias = g_strdup(candidate->columns[j]);
			g_ptr_array_add(p->changes, change);
		}
	}
}

/* Free a candidate (a GArray clear function). */
static void
candidate_clear(gpointer data)
{
	struct candidate *candidate = data;
	guint i;

	for (i = 0; i < G_N_ELEMENTS(candidate->columns); i++) {
		g_free(candidate->columns[i]);
		g_free(candidate->values[i]);
	}
	g_free(candidate->field);
}

/* TRUE if unit u follows an opening parenthesis. */
static gboolean
prose_after_paren(const struct prose *p, guint u)
{
	gsize i = prose_unit(p, u)->start;

	while (i > 0 && (p->text[i - 1] == ' ' || p->text[i - 1] == '\t'))
		i--;
	return i > 0 && p->text[i - 1] == '(';
}

/* The first unit of the clause before unit u's, in the same sentence, or
 * u's clause's first unit: where marks for a value at u may stand. */
static guint
prose_reach(const struct prose *p, guint u)
{
	const struct reading *r = p->r;
	int c = prose_unit(p, u)->clause;
	const struct clause *clause = &g_array_index(r->clauses, struct clause, c);

	/* A value that opens its clause ("... address to:\nKalevankatu 18")
	 * takes the marks of the clause before it, also across the parenthesis
	 * that opens an aside ("vielä vanha (www.example.fi)"). */
	if (clause->first == u && c > 0 && (g_array_index(r->clauses, struct clause,
	    c - 1).sentence == clause->sentence || prose_after_paren(p, u)))
		return g_array_index(r->clauses, struct clause, c - 1).first;
	return clause->first;
}

/* How the words before unit u mark the value there: old ("vanha", "the
 * old", "not", "from") when such a word is near, new ("uusi", "new",
 * "now", "to", "till") when one stands further back in its clause. */
static enum mark
prose_mark(const struct prose *p, guint u)
{
	guint first = prose_reach(p, u), v;

	for (v = u; v-- > first && u - v <= MARK_REACH;) {
		if (prose_unit(p, v)->word.value || prose_unit(p, v)->word.digits)
			break;        /* another value comes between */
		if (u - v <= 3 && (unit_has(p, v, "old") || unit_has(p, v, "oldvalue") ||
		    unit_has(p, v, "from") || unit_role(p->r, v, ROLE_NEGATION)))
			return MARK_OLD;
		if (unit_has(p, v, "new") || unit_has(p, v, "to") ||
		    unit_has(p, v, "changed"))
			return MARK_NEW;
	}
	return MARK_NONE;
}

/* TRUE if units a and b follow each other in the text with only the
 * characters of chars between (a phone number's spaces and dashes). */
static gboolean
prose_joined(const struct prose *p, guint a, guint b, const char *chars)
{
	gsize i;

	if (prose_unit(p, b)->boundary == BOUNDARY_SENTENCE)
		return FALSE;
	for (i = prose_unit(p, a)->end; i < prose_unit(p, b)->start; i++)
		if (strchr(chars, p->text[i]) == NULL)
			return FALSE;
	return TRUE;
}

/* A phone number at u: digit words joined by spaces, dashes, slashes or
 * parentheses, 7 to 15 digits, a "+" before it kept; no dates or times
 * ("12.10.2024", "9.12"). */
static gboolean
prose_phone(const struct prose *p, guint u, struct value *value)
{
	guint v = u, digits = 0;

	if (!prose_unit(p, u)->word.digits)
		return FALSE;
	for (;;) {
		digits += strspn(prose_unit(p, v)->word.folded, "0123456789");
		if (v + 1 >= p->r->units->len || !prose_unit(p, v + 1)->word.digits ||
		    p->used[v + 1] || !prose_joined(p, v, v + 1, " -/()"))
			break;
		v++;
	}
	value->first = u;
	value->end = v + 1;
	value->start = prose_unit(p, u)->start;
	value->stop = prose_unit(p, v)->end;
	if (value->start > 0 && p->text[value->start - 1] == '+')
		value->start--;
	return digits >= 7 && digits <= 15;
}

/* The units that lie within bytes [start, stop) from u on. */
static guint
prose_units_to(const struct prose *p, guint u, gsize stop)
{
	while (u < p->r->units->len && prose_unit(p, u)->start < stop)
		u++;
	return u;
}

/* The address pattern matched at unit u, or NULL. */
static GMatchInfo *
prose_address_at(const struct prose *p, guint u)
{
	GRegex *address = p->r->rules->prose_address;
	GMatchInfo *match = NULL;

	if (address == NULL || u >= p->r->units->len ||
	    (!prose_unit(p, u)->word.upper && !prose_unit(p, u)->word.digits))
		return NULL;
	if (!g_regex_match_full(address, p->text, -1, (gint)prose_unit(p, u)->start,
	    G_REGEX_MATCH_ANCHORED, &match, NULL)) {
		g_match_info_free(match);
		return NULL;
	}
	return match;
}

/* An address at u ("Rantakatu 5 A 4, 70100 Kuopio", over lines too):
 * [rectification] prose_address. The street starts at the last word that
 * still reads as one: "Adresse ist Hauptstraße 5" is "Hauptstraße 5",
 * "Karl-Liebknecht-Straße 45" stays whole. */
static gboolean
prose_address(struct prose *p, guint u, struct value *value)
{
	static const char *const columns[] = { "street", "postal_code", "city",
	    "country" };
	g_autoptr(GMatchInfo) match = prose_address_at(p, u);
	gint start, stop;
	size_t i;

	guint v;

	if (match == NULL || !g_match_info_fetch_pos(match, 0, &start, &stop))
		return FALSE;
	for (v = u + 1; v < p->r->units->len && prose_unit(p, v)->start < (gsize)stop &&
	    !prose_unit(p, v)->word.digits; v++) {
		GMatchInfo *later = p->text[prose_unit(p, v)->start - 1] == ' ' ?
		    prose_address_at(p, v) : NULL;
		if (later == NULL)
			continue;
		g_match_info_free(match);
		match = later;
		u = v;
	}
	if (!g_match_info_fetch_pos(match, 0, &start, &stop))
		return FALSE;
	value->first = u;
	value->end = prose_units_to(p, u, (gsize)stop);
	value->start = (gsize)start;
	value->stop = (gsize)stop;
	value->mark = prose_mark(p, u);
	{
		const char *names[G_N_ELEMENTS(columns) + 1] = { NULL };
		const char *values[G_N_ELEMENTS(columns) + 1] = { NULL };
		gsize lengths[G_N_ELEMENTS(columns) + 1] = { 0 };
		size_t n = 0;

		for (i = 0; i < G_N_ELEMENTS(columns); i++) {
			gint a, b;
			if (g_match_info_fetch_named_pos(match, columns[i], &a, &b) &&
			    a >= 0 && b > a) {
				names[n] = columns[i];
				values[n] = p->text + a;
				lengths[n++] = (gsize)(b - a);
			}
		}
		prose_propose(p, value->mark, NULL, names, values, lengths);
	}
	return TRUE;
}

/* The text of unit u's field word nearest before it in its sentence or the
 * one before (a new string), when one of class stands there, or NULL. */
static char *
prose_field(const struct prose *p, guint u, const char *class)
{
	int sentence = g_array_index(p->r->clauses, struct clause,
	    prose_unit(p, u)->clause).sentence;
	guint v;

	for (v = u; v-- > 0;) {
		const struct unit *unit = prose_unit(p, v);
		if (g_array_index(p->r->clauses, struct clause, unit->clause).sentence <
		    sentence - 1)
			break;
		if (unit_has(p, v, class))
			return g_strndup(p->text + unit->start, unit->end - unit->start);
	}
	return NULL;
}

/* TRUE if unit u can be part of a name: capitalised, no number, no word
 * the rules know as a pronoun or a field ("Sie", "Ihrem System"). */
static gboolean
prose_name_word(const struct prose *p, guint u)
{
	static const char *const not_names[] = { "data", "it", "me", "register",
	    "field", "new", "to" };
	const struct unit *unit = prose_unit(p, u);
	size_t i;

	if (!unit->word.upper || unit->word.digits || unit->word.value)
		return FALSE;
	for (i = 0; i < G_N_ELEMENTS(not_names); i++)
		if (unit_has(p, u, not_names[i]))
			return FALSE;
	return TRUE;
}

/* TRUE if the words of a name at a and b are one name: a space or a
 * hyphen between ("Virtanen-Laine", "Leah Fischer"), no more. */
static gboolean
prose_name_joined(const struct prose *p, guint a, guint b)
{
	gsize end = prose_unit(p, a)->end, start = prose_unit(p, b)->start;

	return prose_name_word(p, b) && start == end + 1 &&
	    (p->text[end] == ' ' || p->text[end] == '-');
}

/* TRUE if a name ending at unit v is followed by "not" and another name:
 * "It is Leah Fischer, not "Lea Fisher"" names the new one first. */
static gboolean
prose_name_contrast(const struct prose *p, guint v)
{
	guint n = v + 1;

	return n + 1 < p->r->units->len && unit_role(p->r, n, ROLE_NEGATION) &&
	    prose_unit(p, n + 1)->word.upper &&
	    prose_unit(p, n)->boundary != BOUNDARY_SENTENCE;
}

/* A name at u: capitalised words (hyphens within) after a new mark, right
 * after the field word ("sukunimekseni Virtanen-Laine"), or before "not"
 * and the old one. */
static gboolean
prose_name_at(const struct prose *p, guint u, struct value *value)
{
	guint v = u;

	if (!prose_name_word(p, u) || u == 0 ||
	    prose_unit(p, u)->boundary == BOUNDARY_SENTENCE)
		return FALSE;
	while (v + 1 < p->r->units->len && v + 1 < u + 3 && prose_name_joined(p, v, v + 1))
		v++;
	if (prose_mark(p, u) != MARK_NEW && !unit_has(p, u - 1, "name") &&
	    !unit_has(p, u - 1, "surname") && !unit_has(p, u - 1, "firstname") &&
	    !prose_name_contrast(p, v))
		return FALSE;
	value->first = u;
	value->end = v + 1;
	value->start = prose_unit(p, u)->start;
	value->stop = prose_unit(p, v)->end;
	value->mark = MARK_NEW;
	return TRUE;
}

/* TRUE if the own text writes word followed (after) or preceded by another
 * capitalised name: the sender's own name ("Mervi Koskinen"). */
static gboolean
prose_name_order(const struct prose *p, const char *word, gboolean after)
{
	g_autofree char *escaped = g_regex_escape_string(word, -1);
	g_autofree char *pattern = after ?
	    g_strdup_printf("\\b%s\\s+\\p{Lu}\\p{Ll}+", escaped) :
	    g_strdup_printf("\\p{Lu}\\p{Ll}+\\s+%s\\b", escaped);

	return p->own != NULL && g_regex_match_simple(pattern, p->own, 0, 0);
}

/* Add a name value: a surname or a first name as its field word says; for
 * "name", two words or more are first and last name, one word is the part
 * of the sender's name it stands for. */
static void
prose_name(struct prose *p, const struct value *value)
{
	g_autofree char *surname = prose_field(p, value->first, "surname");
	g_autofree char *first = prose_field(p, value->first, "firstname");
	g_autofree char *name = prose_field(p, value->first, "name");
	g_autofree char *text = g_strndup(p->text + value->start,
	    value->stop - value->start);
	const char *space;

	if (surname != NULL)
		prose_add(p, MARK_NEW, "last_name", surname, text, strlen(text));
	else if (first != NULL)
		prose_add(p, MARK_NEW, "first_name", first, text, strlen(text));
	else if (name == NULL)
		return;
	else if ((space = strchr(text, ' ')) != NULL) {
		prose_add(p, MARK_NEW, "first_name", name, text, (gsize)(space - text));
		prose_add(p, MARK_NEW, "last_name", name, space + 1, strlen(space + 1));
	} else if (prose_name_order(p, text, TRUE))
		prose_add(p, MARK_NEW, "first_name", name, text, strlen(text));
	else if (prose_name_order(p, text, FALSE))
		prose_add(p, MARK_NEW, "last_name", name, text, strlen(text));
}

/* Add a value that is an e-mail address, a link or a phone number. */
static void
prose_typed(struct prose *p, const struct value *value, const char *column,
    const char *field_class)
{
	g_autofree char *field = field_class != NULL ?
	    prose_field(p, value->first, field_class) : NULL;

	if (value->mark == MARK_OLD || (field_class != NULL && field == NULL))
		return;
	prose_add(p, value->mark, column, field, p->text + value->start,
	    value->stop - value->start);
}

/* Mark a value's units used. */
static void
prose_use(struct prose *p, const struct value *value)
{
	guint u;

	for (u = value->first; u < value->end; u++)
		p->used[u] = TRUE;
}

/* Mark the units that are no prose of the sender's used: the lines the
 * classify-text.c says are not changes (header lines of a quoted mail,
 * the sender's identification). */
static void
prose_skip_lines(struct prose *p)
{
	g_autoptr(GArray) skipped = text_not_prose(p->r->rules, p->text);
	guint u, i;

	for (u = 0; u < p->r->units->len; u++)
		for (i = 0; i < skipped->len; i += 2)
			if (prose_unit(p, u)->start >= g_array_index(skipped, gsize, i) &&
			    prose_unit(p, u)->start < g_array_index(skipped, gsize, i + 1))
				p->used[u] = TRUE;
}

/* Read the prose changes of a reading's body text into changes. */
void
reading_fields(const struct reading *r, const char *text, const char *own,
    GPtrArray *changes)
{
	struct prose p = { r, text, own, changes, NULL, NULL };
	guint u;

	p.candidates = g_array_new(FALSE, TRUE, sizeof(struct candidate));
	g_array_set_clear_func(p.candidates, candidate_clear);
	p.used = g_new0(gboolean, r->units->len + 1);
	prose_skip_lines(&p);
	for (u = 0; u < r->units->len; u++) {
		const struct unit *unit = prose_unit(&p, u);
		struct value value = { 0 };

		if (unit->subject || p.used[u] || unit->quoted)
			continue;
		if (unit->word.value) {
			value = (struct value){ u, u + 1, unit->start, unit->end,
			    prose_mark(&p, u) };
			prose_typed(&p, &value, memchr(text + unit->start, '@',
			    unit->end - unit->start) != NULL ? "email" : "www", NULL);
		} else if (prose_address(&p, u, &value))
			;
		else if (prose_phone(&p, u, &value)) {
			value.mark = prose_mark(&p, u);
			prose_typed(&p, &value, "phone", "phone");
		} else if (prose_name_at(&p, u, &value))
			prose_name(&p, &value);
		else
			continue;
		prose_use(&p, &value);
		u = value.end - 1;
	}
	prose_choose(&p, MARK_NEW);
	prose_choose(&p, MARK_NONE);
	g_array_unref(p.candidates);
	g_free(p.used);
}
