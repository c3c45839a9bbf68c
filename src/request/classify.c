/* classify.c: what a mail asks for, with the rules classify-rules.c
 * compiled: the text read clause by clause (classify-read.c), each
 * clause weighed for every kind, the kinds' evidence turned into kinds,
 * confidences, marks and hints; the text around it (own words, forwarded
 * mail, language, field lines) is classify-text.c's. */
#include <string.h>

#include "base/language.h"
#include "request/classify.h"
#include "request/classify-fields.h"
#include "request/classify-model.h"
#include "request/classify-read.h"
#include "request/classify-text.h"

void (*classify_trace)(const char *kind, const char *clause, const char *verdict,
    double confidence);

/* A bare command to stop ("Please stop.", "Lopettakaa heti!") forbids what
 * a sentence at most this many before it names, with at most this many
 * words besides its forbidding and request words (more when the stop
 * opens the clause). */
#define BARE_STOP_SENTENCES 2
#define BARE_STOP_WORDS 3
#define BARE_STOP_OPENED 5

/* TRUE if unit u has the alternative's first class and it is a verb
 * ([classify] verbs): a clause that begins with it is a command ("Delete
 * my account", "Radera mina uppgifter"; not "uusi osoite selviää"). */
static gboolean
unit_first_class(const struct reading *r, guint u,
    const struct alternative *alternative)
{
	guint first;

	if (alternative->need->len == 0)
		return FALSE;
	first = g_array_index(alternative->need, guint, 0);
	return g_array_index(r->units, struct unit, u).classes[first] &&
	    classify_class_verb(r->rules, first);
}

/* The clause unit u was read in. */
static int
unit_clause(const struct reading *r, guint u)
{
	return g_array_index(r->units, struct unit, u).clause;
}

/* TRUE if a word from a to b (a exclusive) opens a clause of its own
 * within the clause ("and", "that", "if", "because", "kuin", "which"), or
 * the negation at b does ("ettei"): the negation is about that clause
 * ("anonymise it so that it cannot be linked to me"). */
static gboolean
negation_blocked(const struct reading *r, guint a, guint b)
{
	static const enum role opening[] = { ROLE_COMPLEMENT, ROLE_CONDITION,
	    ROLE_REASON, ROLE_LEAD, ROLE_SPLIT, ROLE_RELATIVE };
	guint u, i;

	for (u = a + 1; u <= b; u++)
		for (i = 0; i < G_N_ELEMENTS(opening); i++)
			if (unit_role(r, u, opening[i]))
				return TRUE;
	return FALSE;
}

/* TRUE if a negation stands near the alternative's words in the clause:
 * before them ("don't delete", "tietojani ei saa poistaa"), or after them
 * with no clause of its own between ("radera inte", "anonymisointi ei
 * riitä"; not "anonymise me and do not publish"). A forbidding just before
 * the kind's verb cancels it too ("stop sending me the newsletter" asks
 * for no copy), and for a kind read clause by clause (clause_wide) one
 * that opens the clause, a command, however far its words are ("stellen
 * Sie die Zusendung ... an mich sofort ein"). */
static gboolean
negation_near(const struct reading *r, const struct clause *clause,
    const struct alternative *alternative, gboolean clause_wide)
{
	guint n, u, verb = G_MAXUINT;

	for (u = clause->first; u < clause->end && verb == G_MAXUINT; u++)
		if (unit_first_class(r, u, alternative))
			verb = u;
	for (n = clause->first; n < clause->end; n++) {
		gboolean negation = unit_role(r, n, ROLE_NEGATION);
		gboolean forbid = !negation && unit_role(r, n, ROLE_FORBID) &&
		    !unit_in_alternative(r, n, alternative);

		if (!negation && !forbid)
			continue;
		for (u = clause->first; u < clause->end; u++) {
			if (!unit_in_alternative(r, u, alternative))
				continue;
			/* The kind's verb said first, a negation after it before
			 * its object's words says it again ("I object to ...
			 * using my data for statistics: I do not want my order
			 * history analysed"). */
			if (negation && verb < n && u > n && !unit_first_class(r, u, alternative))
				continue;
			/* A negation in a clause opened after the kind's verb is
			 * that clause's: it says what the result must be, not
			 * that the verb is not wanted ("korjatkaa niin, että
			 * tietoihini ei liity toisen kurssia", "delete the
			 * entries that are not mine"). */
			if (negation && verb < n && negation_blocked(r, verb, n))
				continue;
			/* Read across a sentence, a negated wish in a clause of
			 * its own is a wish of its own, not a cancelling
			 * ("vastustan tilanteeni perusteella ...: en halua ..."). */
			if (!clause_wide && unit_clause(r, u) != unit_clause(r, n) &&
			    has_role(r, g_array_index(r->clauses, struct clause,
			    unit_clause(r, n)).has, ROLE_REQUEST))
				continue;
			if (forbid && u > n && ((u - n <= 2 && unit_first_class(r, u,
			    alternative)) || (clause_wide && n == clause_head(r, clause) &&
			    !negation_blocked(r, n, u))))
				return TRUE;
			if (negation && u > n && u - n <= NEGATION_REACH)
				return TRUE;
			if (negation && n > u && n - u <= NEGATION_REACH &&
			    !negation_blocked(r, u, n))
				return TRUE;
		}
	}
	return FALSE;
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

/* The first unit of the clause with a class the alternative needs. */
static guint
alternative_first(const struct reading *r, const struct clause *clause,
    const struct alternative *alternative)
{
	guint u;

	for (u = clause->first; u < clause->end; u++)
		if (unit_in_alternative(r, u, alternative))
			return u;
	return clause->end;
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

/* The first unit of the clause with the alternative's first class (its
 * verb: "see" in "see data"), or its first word when a verb shared from
 * another clause stands for it. */
static guint
alternative_head(const struct reading *r, const struct clause *clause,
    const struct alternative *alternative)
{
	guint first = alternative->need->len > 0 ?
	    g_array_index(alternative->need, guint, 0) : G_MAXUINT;
	guint u;

	for (u = clause->first; first != G_MAXUINT && u < clause->end; u++)
		if (g_array_index(r->units, struct unit, u).classes[first])
			return u;
	return alternative_first(r, clause, alternative);
}

/* TRUE if what happened is told of the kind's words: a past word at one
 * of them or just before ("I received the copy", "unohdin salasanani"),
 * not a request word ("pyysin poistamaan" still stands). */
static gboolean
clause_past(const struct reading *r, const struct clause *clause,
    const struct alternative *found)
{
	guint n, u, verb = alternative_head(r, clause, found);

	for (n = clause->first; n < clause->end; n++) {
		/* not a past after the kind's verb: "delete everything once I
		 * confirm I got it" */
		if (!unit_role(r, n, ROLE_PAST) || unit_role(r, n, ROLE_REQUEST) ||
		    (n > verb && verb < clause->end))
			continue;
		for (u = n; u < clause->end && u <= n + 3; u++)
			if (unit_in_alternative(r, u, found))
				return TRUE;
	}
	return FALSE;
}

/* TRUE if a forbidding is told as done: the past word is it or stands
 * just before it ("I unsubscribed last month", "kielsin jo kerran"), not
 * a request word; a ban asked after what happened ("you sent me ads
 * again, stop") still is. */
static gboolean
clause_forbid_past(const struct reading *r, const struct clause *clause)
{
	guint n;

	for (n = clause->first; n < clause->end; n++)
		if (unit_role(r, n, ROLE_PAST) && !unit_role(r, n, ROLE_REQUEST) &&
		    (unit_role(r, n, ROLE_FORBID) || (n + 1 < clause->end &&
		    unit_role(r, n + 1, ROLE_FORBID))))
			return TRUE;
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

/* TRUE if a clause of the sentence asks for the restriction: what it
 * awaits ("until the accuracy has been checked") asks nothing; "send me a
 * copy before you delete it" still asks the erasure. */
static gboolean
sentence_restricts(const struct reading *r, int sentence)
{
	const struct kind_rule *rule = r->rules->kinds->pdata[kind_index("restriction")];
	guint c;

	for (c = 0; c < r->clauses->len; c++) {
		const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
		if (clause->sentence == sentence && rule_in(rule, clause->has))
			return TRUE;
	}
	return FALSE;
}

/* TRUE if unit u has a [classify] described class. */
static gboolean
unit_described(const struct reading *r, guint u)
{
	const guint8 *classes = g_array_index(r->units, struct unit, u).classes;
	guint c;

	for (c = 0; r->rules->described != NULL && c < r->rules->classes->len; c++)
		if (classes[c] && r->rules->described[c])
			return TRUE;
	return FALSE;
}

/* Where the clause goes on to tell what a message or document said: a
 * relative word right after a word of a [classify] described class ("sain
 * sähköpostin, jossa pyydettiin päivittämään maksutiedot"), or the whole
 * clause when it is a conjunct of such a telling ("..., which asked me to
 * confirm my bank details and delete my old password"); else its end. */
static guint
clause_described_from(const struct reading *r, const struct clause *clause)
{
	int n = unit_clause(r, clause->first);
	guint u;

	for (u = MAX(clause->first, 1); u < clause->end; u++)
		if (unit_role(r, u, ROLE_RELATIVE) && unit_described(r, u - 1))
			return u;
	if (n > 0 && unit_role(r, clause->first, ROLE_CONJUNCTION)) {
		const struct clause *before = &g_array_index(r->clauses, struct clause, n - 1);
		if (before->sentence == clause->sentence &&
		    clause_described_from(r, before) < before->end)
			return clause->first;
	}
	return clause->end;
}

/* Why a clause with the kind's words asks nothing, or NULL: it tells what
 * happened, explains ("because"), is boilerplate, names the rights without
 * exercising them, is a question that is not a request, or for a ban
 * permits what it names ("I have no objection to your newsletter", "en
 * ole kieltämässä markkinointia"). */
static const char *
clause_silent(const struct reading *r, const struct clause *clause,
    const guint8 *has, const struct kind_rule *rule,
    const struct alternative *found, gboolean explicit_question)
{
	const struct sentence *sentence = &g_array_index(r->sentences,
	    struct sentence, clause->sentence);
	guint described;

	/* "I received the copy you sent", "sain kopion": what happened asks
	 * nothing; a ban only when its forbidding is what happened. */
	if (has_role(r, has, ROLE_PAST) && (rule->ban ? clause_forbid_past(r, clause) :
	    clause_past(r, clause, found)))
		return "past";
	if (rule->ban && has_role(r, clause->has, ROLE_PERMIT))
		return "permits";

	/* "because ..." explains what follows it: a kind asked before it still
	 * is ("I object, because of my particular situation"). */
	if (clause->reason || alternative_first(r, clause, found) >= clause->reason_from)
		return "reason";
	/* "... until the accuracy has been checked", "until you have checked
	 * and corrected them": what is awaited asks for nothing (its verb
	 * stands there). */
	if (clause->until_from < clause->end &&
	    !alternative_needs(found, r->rules->roles[ROLE_UNTIL]) &&
	    alternative_head(r, clause, found) >= clause->until_from &&
	    sentence_restricts(r, clause->sentence))
		return "until";
	if (clause->boilerplate)
		return "boilerplate";
	described = clause_described_from(r, clause);
	if (described < clause->end && alternative_head(r, clause, found) >= described)
		return "describes";
	if (clause->mention)
		return "mention";
	if (sentence->question && !sentence->request && !explicit_question)
		return "question";
	return NULL;
}

/* TRUE if a word of the clause itself says "until": a ban for a while, in
 * a mail that asks for the restriction, is part of it ("freeze it, so it
 * isn't used or shared for anything until this is sorted out"). */
static gboolean
clause_until(const struct reading *r, const struct clause *clause)
{
	guint u;

	for (u = clause->first; u < clause->end; u++)
		if (unit_role(r, u, ROLE_UNTIL))
			return TRUE;
	return FALSE;
}

/* TRUE if the kind is the condition of a permission to keep the data: "you
 * can keep the answers for statistics if you anonymise them" asks for the
 * anonymisation. */
static gboolean
clause_kept(const struct reading *r, const struct clause *clause)
{
	guint u;
	int c = g_array_index(r->units, struct unit, clause->first).clause;

	/* The permission stands before the condition: in the clause before
	 * ("you can keep them, if you anonymise them"), but not in a
	 * condition of its own ("if the law obliges you to keep something,
	 * we can discuss anonymisation"). */
	if (c > 0 && clause->condition) {
		const struct clause *before = &g_array_index(r->clauses, struct clause, c - 1);
		for (u = before->first; before->sentence == clause->sentence &&
		    u < before->condition_from; u++)
			if (unit_role(r, u, ROLE_KEEP))
				return TRUE;
	}
	for (u = clause->first; u < clause->end && u < MAX(clause->condition_from,
	    clause->first + 1); u++)
		if (unit_role(r, u, ROLE_KEEP))
			return TRUE;
	return FALSE;
}

/* TRUE if the clause's words for the kind are negated ("I don't want my
 * account deleted"); a ban is asked so, and so is a rule that names the
 * negation ("use negation data until"). */
static gboolean
clause_negated(const struct reading *r, const struct clause *clause,
    const guint8 *has, const struct kind_rule *rule,
    const struct alternative *found)
{
	if (rule->ban || alternative_needs(found, r->rules->roles[ROLE_NEGATION]))
		return FALSE;
	return negation_near(r, clause, found, !rule->sentence) ||
	    (clause->negated && !has_role(r, has, ROLE_NEGATION));
}

/* Weigh what one clause (with classes has) says about one kind: by the
 * rule's alternatives, or only by its span alternatives when the clause
 * is a whole sentence read for them. */
static void
clause_weigh(struct reading *r, const struct clause *clause, const guint8 *has,
    const struct kind_rule *rule, gboolean span, struct kind_state *state)
{
	const struct classify_weights *w = &r->rules->weights;
	const struct sentence *sentence = &g_array_index(r->sentences,
	    struct sentence, clause->sentence);
	const struct alternative *found = alternatives_find(span ? rule->span :
	    rule->ask, has);
	const struct alternative *asked = sentence->question && !sentence->request &&
	    !span ? alternatives_find(rule->question, has) : NULL;
	gboolean strong = found != NULL || asked != NULL, explicit;
	gboolean explicit_question = asked != NULL;
	const char *silent;
	double confidence;

	if (found == NULL)
		found = asked;
	if (found == NULL && (span ||
	    (found = alternatives_find(rule->maybe, has)) == NULL))
		return;
	if ((silent = clause_silent(r, clause, has, rule, found, explicit_question)) != NULL) {
		if (classify_trace != NULL)
			reading_trace(r, clause, rule->kind, silent, 0);
		/* "Did you delete it?", "I asked you in May to delete it": the
		 * kind may still be wanted. */
		state->doubted |= strcmp(silent, "question") == 0 ||
		    strcmp(silent, "past") == 0;
		/* "... because you never erased my data": unsure too */
		state->explained |= strcmp(silent, "reason") == 0;
		return;
	}
	/* A sentence read whole for a change ("my new address is ..., the old
	 * one no longer works") is not negated by its other clauses. */
	if (!span && clause_negated(r, clause, has, rule, found)) {
		if (classify_trace != NULL)
			reading_trace(r, clause, rule->kind, "negated", 0);
		state->negated = TRUE;
		return;
	}
	/* A new value given in a clause is so whatever the condition ("jos
	 * lähetätte jotain postitse, uusi osoite on Puijonkatu 12"). */
	if (clause->possibility || (alternative_last(r, clause, found) >=
	    clause->condition_from && !clause_kept(r, clause) && (span ||
	    !alternative_needs(found, r->rules->roles[ROLE_NUMBER])))) {
		if (classify_trace != NULL)
			reading_trace(r, clause, rule->kind, "hint", 0);
		state->hinted = TRUE;
		return;
	}
	/* A question that is itself the request ("What data do you hold on
	 * me?") asks as plainly as "please"; a negated "want" asks nothing
	 * ("enkä halua") but is how a ban is asked. */
	explicit = !sentence->inquiry && ((rule->ban ? clause->explicit :
	    clause->asking) || sentence->request || sentence->subject ||
	    explicit_question || unit_first_class(r, clause_head(r, clause), found));
	confidence = strong ? w->strong : w->weak;
	if (explicit)
		confidence += strong ? w->explicit_bonus : 2 * w->explicit_bonus;
	if (sentence->subject)
		confidence += w->subject_bonus;
	if (r->forwarded)
		confidence *= w->forwarded_factor;
	if (classify_trace != NULL)
		reading_trace(r, clause, rule->kind, explicit && strong ? "asks (main)" :
		    strong ? "asks" : "weak", confidence);
	state_add(state, confidence, explicit && strong, clause->sentence);
	state->temporary += rule->ban && clause_until(r, clause);
	/* told: no verb and no new value ("the records are wrong") */
	state->told += found->need->len > 0 && !classify_class_verb(r->rules,
	    g_array_index(found->need, guint, 0)) &&
	    !alternative_needs(found, r->rules->roles[ROLE_NUMBER]);
	if (!span && !rule->sentence && alternative_needs(found, r->rules->roles[ROLE_WHAT])) {
		int c = g_array_index(r->units, struct unit, clause->first).clause;
		if (state->asking == NULL)
			state->asking = g_array_new(FALSE, FALSE, sizeof(int));
		g_array_append_val(state->asking, c);
	}
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

/* TRUE if clause n is a bare command to stop that opens its sentence: a
 * word of [words stop] and at most BARE_STOP_WORDS other words, no kind's
 * words of its own ("Please stop.", "Lopettakaa heti!", "Sluta med det";
 * not a heading "Invändning"). */
static gboolean
clause_bare_stop(const struct reading *r, guint n)
{
	const struct clause *clause = &g_array_index(r->clauses, struct clause, n);
	guint u, words = 0;

	if ((n > 0 && g_array_index(r->clauses, struct clause, n - 1).sentence ==
	    clause->sentence) || !has_role(r, clause->has, ROLE_STOP) ||
	    any_rule_in(r, clause->has) || clause->condition || clause->possibility)
		return FALSE;
	for (u = clause->first; u < clause->end; u++)
		words += !unit_role(r, u, ROLE_LEAD) && !unit_role(r, u, ROLE_REQUEST) &&
		    !unit_role(r, u, ROLE_FORBID) && !unit_role(r, u, ROLE_STOP);
	/* "Det förbjuder jag när det gäller mig": opened by the stop, a few
	 * words more may say for whom */
	for (u = clause->first; u < clause->end && (unit_role(r, u, ROLE_LEAD) ||
	    unit_role(r, u, ROLE_REQUEST)) && !unit_role(r, u, ROLE_STOP); u++)
		;
	return words <= (u < clause->end && unit_role(r, u, ROLE_STOP) ?
	    BARE_STOP_OPENED : BARE_STOP_WORDS);
}

/* TRUE if a bare command to stop follows clause c's sentence, in the next
 * one or after sentences that name no kind ("I get two emails a week from
 * you. I never signed up. Please stop."): it forbids what c names. */
static gboolean
stop_after(const struct reading *r, guint c)
{
	int sentence = g_array_index(r->clauses, struct clause, c).sentence;
	g_autofree guint8 *all = g_new0(guint8, r->rules->classes->len + 1);
	guint n, k;

	/* a sentence that asks a ban by itself is what the bare command
	 * repeats ("I do not want my name published in any list. Please
	 * record that I forbid this.") */
	for (n = 0; n < r->clauses->len; n++) {
		const struct clause *other = &g_array_index(r->clauses, struct clause, n);
		for (k = 0; other->sentence == sentence && k < r->rules->classes->len; k++)
			all[k] |= other->has[k];
	}
	for (k = 0; k < r->rules->kinds->len; k++) {
		const struct kind_rule *rule = r->rules->kinds->pdata[k];
		if (rule->ban && alternatives_find(rule->ask, all) != NULL)
			return FALSE;
	}
	for (n = c + 1; n < r->clauses->len; n++) {
		const struct clause *next = &g_array_index(r->clauses, struct clause, n);
		if (next->sentence == sentence)
			continue;
		if (next->sentence > sentence + BARE_STOP_SENTENCES)
			return FALSE;
		if (clause_bare_stop(r, n))
			return TRUE;
		if (any_rule_in(r, next->has) || next->has[r->rules->roles[ROLE_FORBID]])
			return FALSE;
	}
	return FALSE;
}

/* The classes a ban is read with in clause c: its own, the negation or
 * forbidding of the clause before it in its sentence ("I do not want my
 * name, address or phone published"), and the forbidding of the one after
 * it ("I get your ads all the time, stop them"), when those name no kind of
 * their own, or of a bare command to stop after its sentence (stop_after).
 * scratch has room for every class. */
static const guint8 *
ban_classes(const struct reading *r, guint c, const struct kind_rule *rule,
    guint8 *scratch)
{
	const struct clause *clause = &g_array_index(r->clauses, struct clause, c);
	const struct sentence *sentence = &g_array_index(r->sentences,
	    struct sentence, clause->sentence);
	int forbid = r->rules->roles[ROLE_FORBID];
	int negation = r->rules->roles[ROLE_NEGATION];
	gboolean lend_forbid = sentence->forbid, lend_negation = sentence->negation;
	gboolean stopped;
	guint u, k;

	if (!rule->ban || rule_in(rule, clause->has))
		return clause->has;
	if (c > 0 && clause_bare(r, c - 1, clause->sentence)) {
		const struct clause *before = &g_array_index(r->clauses, struct clause, c - 1);
		lend_forbid |= before->has[forbid];
		lend_negation |= before->has[negation];
	}
	if (clause_bare(r, c + 1, clause->sentence))
		lend_forbid |= g_array_index(r->clauses, struct clause, c + 1).has[forbid];
	stopped = !lend_forbid && stop_after(r, c);
	lend_forbid |= stopped;
	if (!lend_forbid && !lend_negation)
		return clause->has;
	memcpy(scratch, clause->has, r->rules->classes->len);
	scratch[forbid] |= lend_forbid;
	scratch[negation] |= lend_negation;
	/* "Your notice says that the data may be passed on to ... I forbid
	 * this.": what the notice says is what is forbidden */
	for (u = clause->first; stopped && u < clause->end; u++) {
		const struct unit *unit = &g_array_index(r->units, struct unit, u);
		for (k = 0; unit->quoted && k < r->rules->classes->len; k++)
			scratch[k] |= unit->classes[k];
	}
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
			span->has = g_new0(guint8, count);
			span->condition_from = span->reason_from = G_MAXUINT;
			span->until_from = G_MAXUINT;   /* a sentence read whole
			                                   awaits nothing */
		}
		span->end = clause->end;
		/* "Siihen asti, kunnes olette arvioineet vastustukseni, pyydän
		 * rajoittamaan ...": the words of a clause that only says until
		 * when are no part of what the sentence asks. */
		for (k = 0; k < count; k++)
			span->has[k] |= clause->has[k] && (!clause->until ||
			    (int)k == r->rules->roles[ROLE_UNTIL]);
		span->negated |= clause->negated;
		span->asking |= clause->asking;
		span->mention |= clause->mention;
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
			    ban_classes(r, c, rule, scratch), rule, FALSE, &r->states[k]);
		}
		for (c = 0; rule->span->len > 0 && c < spans->len; c++) {
			const struct clause *span = &g_array_index(spans, struct clause, c);
			if (span->has != NULL)
				clause_weigh(r, span, span->has, rule, TRUE, &r->states[k]);
		}
	}
	for (c = 0; c < spans->len; c++)
		g_free(g_array_index(spans, struct clause, c).has);
}

/* The first sentence in which the writer takes back what came before it
 * ("Actually, hang on - ...", "eikun", "nej förresten"), or -1. */
static int
reading_retraction(const struct reading *r)
{
	guint u;

	for (u = 0; u < r->units->len; u++) {
		const struct unit *unit = &g_array_index(r->units, struct unit, u);
		if (!unit->quoted && unit_role(r, u, ROLE_RETRACT))
			return g_array_index(r->clauses, struct clause, unit->clause).sentence;
	}
	return -1;
}

/* A mind changed: a kind asked only before the writer takes it back
 * ("Delete everything you have on me! Actually, hang on - ... Just stop the
 * newsletters then") is only a hint, and doubted: a guarded one taken back
 * holds the mail for an admin. */
static void
reading_retract(struct reading *r)
{
	int from = reading_retraction(r);
	guint k, i;

	for (k = 0; from >= 0 && k < G_N_ELEMENTS(r->states); k++) {
		struct kind_state *state = &r->states[k];
		gboolean after = FALSE;
		for (i = 0; state->count > 0 && i < state->sentences->len; i++)
			after |= g_array_index(state->sentences, int, i) >= from;
		if (state->count > 0 && !after) {
			if (classify_trace != NULL)
				classify_trace(classify_kinds[k], "", "taken back", 0);
			state->count = 0;
			state->hinted = TRUE;
			state->doubted = TRUE;  /* an admin sees what was taken back */
		}
	}
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
	reading_retract(r);
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

/* TRUE if the kind asked what is held in a clause of its own, one without
 * other's words: "jag vill dels veta vilka uppgifter ni har om mig, dels
 * få mina uppgifter i maskinläsbart format" asks for access and for
 * portability; "send me what you hold in CSV" for portability alone. */
static gboolean
state_asks_apart(const struct reading *r, const struct kind_state *state,
    const struct kind_rule *other)
{
	guint i;

	for (i = 0; state->asking != NULL && i < state->asking->len; i++) {
		int c = g_array_index(state->asking, int, i);
		if (!rule_in(other, g_array_index(r->clauses, struct clause, c).has))
			return TRUE;
	}
	return FALSE;
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

/* TRUE if the reading doubts a guarded kind ([classify] guard) it does not
 * ask for: its words were read only weakly (below the floor), in a
 * question that is not a request, or in what happened told, or in an
 * explanation ("because ...") when the mail asks for no kind of its
 * net_unless, or a word beside a data word is a typo away from its verb
 * ("pls delte my data"), or a word of its family ([kind] net) stands in a
 * clause that asks for nothing, also in a mail asking for another guarded
 * kind (then *net is the kind).
 * Then every kind of the mail waits for an admin, the doubted one among
 * the hints: an erasure worded in a way the rules do not know is not lost
 * unseen. */
static gboolean
reading_doubt(const struct reading *r, int *net)
{
	const struct classify_weights *w = &r->rules->weights;
	int k, near = reading_near_miss(r);
	gboolean asked[CLASSIFY_KIND_COUNT] = { FALSE };

	for (k = 0; classify_kinds[k] != NULL; k++) {
		const struct kind_state *state = &r->states[k];
		asked[k] = state->count > 0 && state_confidence(w, state) >= w->floor;
		if (r->rules->guard[k] && !asked[k] && (state->doubted ||
		    state->count > 0 || k == near))
			return TRUE;
	}
	for (k = 0; k < (int)r->rules->kinds->len; k++)
		if (r->rules->guard[k] && !asked[k] && r->states[k].explained &&
		    !rule_quiet(r->rules->kinds->pdata[k], asked))
			return TRUE;
	/* A word of a guarded kind's family that the rules did not read as
	 * asking ("get rid of my profile"), for a kind the mail does not ask
	 * for: an admin reads it. */
	*net = reading_net(r, asked);
	return *net >= 0;
}

/* A kind asked only by rules without a verb in a mail asking for a kind of
 * its told_unless ("your records are wrong ... restrict them until it is
 * checked") is only a hint, doubted: an admin sees it. */
static void
reading_told(struct reading *r)
{
	guint k, j;

	for (k = 0; k < r->rules->kinds->len; k++) {
		const struct kind_rule *rule = r->rules->kinds->pdata[k];
		struct kind_state *state = &r->states[k];
		gboolean beside = FALSE;
		for (j = 0; j < r->rules->kinds->len; j++)
			beside |= rule->told_unless[j] && r->states[j].count > 0 &&
			    state_confidence(&r->rules->weights, &r->states[j]) >=
			    r->rules->weights.floor;
		if (beside && state->count > 0 && state->told == state->count) {
			state->count = 0;
			state->hinted = state->doubted = TRUE;
		}
	}
}

/* Turn the kinds' states into the result's kinds, marks and hints. */
static void
reading_result(struct reading *r, struct classify_result *result)
{
	const struct classify_weights *w = &r->rules->weights;
	int access = kind_index("access"), portability = kind_index("portability");
	int restriction = kind_index("restriction");
	gboolean any_main = FALSE, doubt;
	int k, net = -1;

	if (r->states[portability].count > 0 && r->states[access].count > 0 &&
	    !state_apart(&r->states[access], &r->states[portability]) &&
	    !state_asks_apart(r, &r->states[access], r->rules->kinds->pdata[portability]))
		r->states[access].count = 0;       /* the copy portability gives */
	for (k = 0; r->states[restriction].count > 0 && classify_kinds[k] != NULL; k++)
		if (r->states[k].count > 0 && r->states[k].temporary == r->states[k].count) {
			r->states[k].count = 0;    /* a ban for a while: the restriction */
			r->states[k].hinted = TRUE;
		}
	reading_told(r);
	for (k = 0; classify_kinds[k] != NULL; k++)
		any_main |= r->states[k].count > 0 && r->states[k].main &&
		    state_confidence(w, &r->states[k]) >= w->certain;
	doubt = reading_doubt(r, &net);
	for (k = 0; classify_kinds[k] != NULL; k++) {
		const struct kind_state *state = &r->states[k];
		struct classify_kind detail = { classify_kinds[k], 0, NULL };

		detail.confidence = state->count > 0 ? state_confidence(w, state) : 0;
		if (state->count == 0 || detail.confidence < w->floor) {
			if (state->hinted || state->count > 0 || k == net ||
			    (doubt && (state->doubted || state->explained)))
				g_ptr_array_add(result->hints, (gpointer)classify_kinds[k]);
			continue;
		}
		if (doubt)
			detail.confidence = MAX(w->floor, detail.confidence * w->doubt);
		if (detail.confidence < w->certain)
			detail.mark = CLASSIFY_UNCERTAIN;
		else if (any_main && !state->main)
			detail.mark = CLASSIFY_POSSIBLE_EXTRA;
		g_ptr_array_add(result->kinds, (gpointer)classify_kinds[k]);
		g_array_append_val(result->details, detail);
	}
}

/* TRUE if the reading found some kind it would open (not only a hint). */
static gboolean
reading_found(const struct reading *r)
{
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(r->states); k++)
		if (r->states[k].count > 0 && state_confidence(&r->rules->weights,
		    &r->states[k]) >= r->rules->weights.floor)
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
						reading_trace(r, clause, rule->kind, "field lines", r->rules->weights.strong);
					state_add(&r->states[k], r->rules->weights.strong, FALSE,
					    clause->sentence);
					break;
				}
		}
	}
}

/* The form of each word of the reading (classify_result.forms). */
static void
reading_forms(const struct reading *r, GPtrArray *forms)
{
	guint u, b;

	g_ptr_array_set_size(forms, 0);
	for (u = 0; u < r->units->len; u++) {
		const struct word *word = &g_array_index(r->units, struct unit, u).word;
		const char *form = NULL;
		if (word->digits || word->value || word->folded == NULL || *word->folded == '\0')
			continue;
		for (b = 0; word->bases != NULL && b < word->bases->len && form == NULL; b++)
			if (*(char *)word->bases->pdata[b] != '+')
				form = word->bases->pdata[b];
		if (form == NULL && r->language >= 0 && word->stems != NULL)
			form = word->stems[r->language];
		g_ptr_array_add(forms, words_fold(form != NULL ? form : word->folded));
	}
}

/* Read a text; keep what it found in result when it found some kind or
 * it is the last reading there is, with the changes of a rectification:
 * its "field: value" lines, then its changes in prose. own is the
 * sender's whole own text; answering: it is the own text of an answer
 * that quotes what it answers. TRUE if it found a kind. */
static gboolean
classify_reading(struct classify_rules *rules, const char *written,
    const char *subject, const char *body, const char *own, gboolean forwarded,
    gboolean answering, gboolean last, struct classify_result *result)
{
	struct reading r;
	gboolean found;

	reading_init(&r, rules, written);
	r.forwarded = forwarded;
	r.answering = answering;
	reading_run(&r, subject, body);
	reading_lines(&r, body);
	found = reading_found(&r);
	if (found || last) {
		reading_result(&r, result);
		reading_forms(&r, result->forms);
	}
	if ((found || last) && classify_result_find(result, "rectification") != NULL) {
		text_changes(rules, body, result->changes);
		reading_fields(&r, body, own, result->changes);
	}
	reading_clear(&r);
	return found;
}

/* When the own text asks for nothing: the forwarded or quoted mail, the
 * newest first (see text_forwarded), until one asks for something; the
 * last one read fills result whatever it found. */
static void
classify_forwarded(struct classify_rules *rules, const char *whole,
    const char *own, struct classify_result *result)
{
	char *texts[FORWARDED_DEPTH + 1];
	int depth, count = 0, i;
	gboolean found = FALSE;

	for (depth = 0; depth <= FORWARDED_DEPTH; depth++)
		if ((texts[count] = text_forwarded(whole, own, depth)) != NULL)
			count++;
	for (i = 0; i < count && !found; i++)
		found = classify_reading(rules, result->written, NULL, texts[i], own,
		    TRUE, FALSE, i + 1 == count, result);
	for (i = 0; i < count; i++)
		g_free(texts[i]);
}

/* The second opinion ([classify] model): a guarded kind the model gives
 * at least its threshold that the reading did not ask for holds every
 * kind of the mail for an admin (uncertain), the kind among the hints. It
 * never adds or removes a kind. */
static void
classify_second_opinion(const struct classify_rules *rules,
    struct classify_result *result)
{
	g_autoptr(GHashTable) features = NULL;
	double odds[CLASSIFY_MODEL_KINDS];
	gboolean hold = FALSE;
	guint i;
	int k;

	if (rules->model == NULL || classify_result_find(result, "unknown") != NULL)
		return;
	features = classify_model_features(result->forms);
	classify_model_scores(rules->model, features, odds);
	for (k = 0; k < rules->model->kinds; k++) {
		const char *kind = rules->model->kind[k];
		if (classify_result_find(result, kind) != NULL ||
		    odds[k] < rules->model->threshold)
			continue;
		hold = TRUE;
		if (!g_ptr_array_find(result->hints, kind, NULL))
			g_ptr_array_add(result->hints, (gpointer)kind);
	}
	for (i = 0; hold && i < result->details->len; i++) {
		struct classify_kind *detail = &g_array_index(result->details,
		    struct classify_kind, i);
		detail->confidence = MAX(rules->weights.floor,
		    detail->confidence * rules->weights.doubt);
		detail->mark = CLASSIFY_UNCERTAIN;
	}
}

/* Classify subject + own text (see classify.h). */
void
classify_text(struct classify_rules *rules, const char *subject,
    const char *own, const char *whole, const char *attached,
    struct classify_result *result)
{
	g_autofree char *form = text_form_message(rules, own != NULL ? own : "");
	g_autofree char *body = text_until_closing(rules, form != NULL ? form :
	    own != NULL ? own : "");
	const char *own_subject = subject != NULL && !subject_is_reply(subject) ?
	    subject : "";
	g_autofree char *everything = g_strdup_printf("%s\n%s", own_subject,
	    own != NULL ? own : "");
	gboolean answering;
	g_autofree char *all = attached != NULL && *attached != '\0' ?
	    g_strdup_printf("%s\n\n%s", whole != NULL ? whole : "", attached) : NULL;

	memset(result, 0, sizeof *result);
	result->kinds = g_ptr_array_new();
	result->details = g_array_new(FALSE, TRUE, sizeof(struct classify_kind));
	result->hints = g_ptr_array_new();
	result->changes = g_ptr_array_new_with_free_func(change_free);
	result->forms = g_ptr_array_new_with_free_func(g_free);
	/* The closing line and signature tell the language too. */
	result->written = text_written(rules, everything);
	result->language = language_from_code(result->written);
	if (all != NULL)
		whole = all;
	/* An answer's quotes are the conversation's history: its old requests
	 * are not asked again (but a mail it forwards may be the request). */
	answering = subject_is_answer(subject) && !text_forwards(whole) &&
	    text_beyond(whole, own != NULL ? own : "");
	if (subject_is_answer(subject) && !text_forwards(whole))
		whole = NULL;
	if (!classify_reading(rules, result->written, own_subject, body, own, FALSE,
	    answering, !text_beyond(whole, own != NULL ? own : ""), result) &&
	    text_beyond(whole, own != NULL ? own : ""))
		classify_forwarded(rules, whole, own != NULL ? own : "", result);
	if (result->kinds->len == 0) {
		struct classify_kind unknown = { "unknown", 0, NULL };
		g_ptr_array_add(result->kinds, (gpointer)"unknown");
		g_array_append_val(result->details, unknown);
	}
	classify_second_opinion(rules, result);
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
	if (result->forms != NULL)
		g_ptr_array_unref(result->forms);
	g_free(result->text);
	memset(result, 0, sizeof *result);
}
