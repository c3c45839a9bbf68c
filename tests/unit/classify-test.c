/* classify-test.c: the classifier measured on a corpus part (tests/corpus/,
 * its README.md), in one process: every mail parsed as intake parses it
 * (mime.c) and classified as intake classifies it (classify.c).
 *
 *   classify-test eval RULES DIR [--misses] [--min-exact PERCENT]
 *       Read DIR/labels.tsv and the mails it names; print the exact-kind-set rate,
 *       per-kind and per-language precision and recall, the language
 *       guess, the fields of rectifications, the rate per shape, and the
 *       requests for erasure, rectification or restriction that lost that
 *       kind without a mark for an admin. --misses also prints each mail
 *       the classifier got wrong (only ever for the part the rules may be
 *       tuned on). With --min-exact, exit 1 when the exact rate is lower.
 *   classify-test show RULES FILE...
 *       Print what each mail is classified as: kinds with confidence and
 *       mark, hints, language, changes; with $CLASSIFY_TRACE set, every
 *       clause that weighed for a kind, and how.
 *   classify-test time RULES [FILE...]
 *       Print how long loading the rules takes and classifying each mail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "mail/mime.h"
#include "request/classify.h"

/* The kinds, in the order of the labels. */
static const char *const label_kinds[] = {
	"access", "portability", "rectification", "erasure", "restriction",
	"objection", "processing_objection", "publication", "disclosure",
	"anonymisation", "unknown", NULL
};
#define KINDS (G_N_ELEMENTS(label_kinds) - 1)

/* Counts of one group (a kind, a language, a shape). */
struct tally {
	int mails, exact, tp, fp, fn;
};

/* Everything counted over a part. */
struct totals {
	int mails, exact, lost_unmarked, lost_marked, language_right;
	int field_mails, field_right, uncertain, extras, hints_right, hinted;
	struct tally kinds[KINDS];
	GHashTable *languages;    /* code -> struct tally * */
	GHashTable *language_guess; /* code -> struct tally * (tp: guessed right) */
	GHashTable *shapes;       /* shape -> struct tally * */
};

/* The index of a kind, or -1. */
static int
kind_index(const char *kind)
{
	size_t i;

	for (i = 0; label_kinds[i] != NULL; i++)
		if (strcmp(label_kinds[i], kind) == 0)
			return (int)i;
	return -1;
}

/* The tally of key in table, created at first use. */
static struct tally *
tally_get(GHashTable *table, const char *key)
{
	struct tally *tally = g_hash_table_lookup(table, key);

	if (tally == NULL) {
		tally = g_new0(struct tally, 1);
		g_hash_table_insert(table, g_strdup(key), tally);
	}
	return tally;
}

/* A comma list as a set of kind flags. */
static void
kinds_parse(const char *list, gboolean *set)
{
	g_auto(GStrv) items = g_strsplit(list, ",", -1);
	size_t i;

	memset(set, 0, KINDS * sizeof *set);
	for (i = 0; items[i] != NULL; i++) {
		int k = kind_index(g_strstrip(items[i]));
		if (k >= 0)
			set[k] = TRUE;
	}
}

/* The kinds of a result as flags and as a comma list (new string). */
static char *
result_kinds(const struct classify_result *result, gboolean *set)
{
	GString *text = g_string_new(NULL);
	size_t k;

	memset(set, 0, KINDS * sizeof *set);
	for (k = 0; k < result->kinds->len; k++) {
		int index = kind_index(result->kinds->pdata[k]);
		if (index >= 0)
			set[index] = TRUE;
	}
	for (k = 0; k < KINDS; k++)
		if (set[k])
			g_string_append_printf(text, "%s%s", text->len ? "," : "", label_kinds[k]);
	return g_string_free(text, FALSE);
}

/* Parse and classify one mail file; FALSE if it cannot be read. */
static gboolean
classify_file(struct classify_rules *rules, const char *path,
    struct classify_result *result)
{
	char *data;
	gsize length;
	GBytes *bytes;
	struct mime_mail mail = { 0 };

	if (!g_file_get_contents(path, &data, &length, NULL))
		return FALSE;
	bytes = g_bytes_new_take(data, length);
	mime_mail_parse(bytes, &mail);
	classify_text(rules, mail.subject, mail.own, mail.text, mail.attached, result);
	mime_mail_clear(&mail);
	g_bytes_unref(bytes);
	return TRUE;
}

/* qsort over strings. */
static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The known-column changes as a sorted "column=value | ..." (new string). */
static char *
result_fields(const struct classify_result *result)
{
	g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
	GString *text = g_string_new(NULL);
	guint i;

	for (i = 0; i < result->changes->len; i++) {
		const struct classify_change *change = result->changes->pdata[i];
		if (change->alias != NULL)
			g_ptr_array_add(items, g_strdup_printf("%s=%s", change->alias,
			    change->value));
	}
	g_ptr_array_sort(items, compare_strings);
	for (i = 0; i < items->len; i++)
		g_string_append_printf(text, "%s%s", i ? " | " : "", (char *)items->pdata[i]);
	return g_string_free(text, FALSE);
}

/* A label's fields sorted the same way (new string). */
static char *
label_fields(const char *fields)
{
	g_auto(GStrv) items = g_strsplit(fields, " | ", -1);
	GString *text = g_string_new(NULL);
	size_t i, n = g_strv_length(items);

	qsort(items, n, sizeof *items, compare_strings);
	for (i = 0; i < n; i++)
		g_string_append_printf(text, "%s%s", i ? " | " : "", items[i]);
	return g_string_free(text, FALSE);
}

/* The hints of a result as a sorted comma list (new string), "-" if none. */
static char *
result_hints(const struct classify_result *result)
{
	gboolean set[KINDS] = { FALSE };
	GString *text = g_string_new(NULL);
	guint i;

	for (i = 0; i < result->hints->len; i++) {
		int k = kind_index(result->hints->pdata[i]);
		if (k >= 0)
			set[k] = TRUE;
	}
	for (i = 0; i < KINDS; i++)
		if (set[i])
			g_string_append_printf(text, "%s%s", text->len ? "," : "", label_kinds[i]);
	if (text->len == 0)
		g_string_append(text, "-");
	return g_string_free(text, FALSE);
}

/* TRUE if the result holds a kind an admin must look at anyway. */
static gboolean
result_marked(const struct classify_result *result)
{
	guint i;

	for (i = 0; i < result->details->len; i++) {
		const struct classify_kind *detail = &g_array_index(result->details,
		    struct classify_kind, i);
		if (detail->mark != NULL && strcmp(detail->mark, CLASSIFY_UNCERTAIN) == 0)
			return TRUE;
		if (strcmp(detail->kind, "unknown") == 0)
			return TRUE;
	}
	return FALSE;
}

/* Count the kinds of one mail. */
static void
count_kinds(struct totals *totals, const gboolean *want, const gboolean *got,
    struct tally *language)
{
	size_t k;

	for (k = 0; k < KINDS; k++) {
		struct tally *tally = &totals->kinds[k];
		if (want[k] && got[k]) {
			tally->tp++;
			language->tp++;
		} else if (got[k]) {
			tally->fp++;
			language->fp++;
		} else if (want[k]) {
			tally->fn++;
			language->fn++;
		}
		if (want[k])
			tally->mails++;
	}
}

/* Requests for erasure, rectification or restriction that lost the kind. */
static void
count_lost(struct totals *totals, const gboolean *want, const gboolean *got,
    const struct classify_result *result)
{
	static const char *const kept[] = { "erasure", "rectification", "restriction" };
	gboolean lost = FALSE;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kept); i++) {
		int k = kind_index(kept[i]);
		lost |= want[k] && !got[k];
	}
	if (lost && result_marked(result))
		totals->lost_marked++;
	else if (lost)
		totals->lost_unmarked++;
}

/* Count the marks of a result. */
static void
count_marks(struct totals *totals, const struct classify_result *result)
{
	guint i;

	for (i = 0; i < result->details->len; i++) {
		const char *mark = g_array_index(result->details, struct classify_kind,
		    i).mark;
		totals->uncertain += g_strcmp0(mark, CLASSIFY_UNCERTAIN) == 0;
		totals->extras += g_strcmp0(mark, CLASSIFY_POSSIBLE_EXTRA) == 0;
	}
}

/* Count one mail's shapes. */
static void
count_shapes(struct totals *totals, const char *shape, gboolean exact)
{
	g_auto(GStrv) shapes = g_strsplit(shape, "+", -1);
	size_t i;

	for (i = 0; shapes[i] != NULL; i++) {
		struct tally *tally = tally_get(totals->shapes, shapes[i]);
		tally->mails++;
		tally->exact += exact;
	}
}

/* One labelled mail: classify, count, maybe print the miss. */
static void
eval_mail(struct classify_rules *rules, const char *dir, char **columns,
    struct totals *totals, gboolean misses)
{
	g_autofree char *path = g_build_filename(dir, columns[0], NULL);
	struct classify_result result;
	gboolean want[KINDS], got[KINDS], exact;
	g_autofree char *got_text = NULL, *fields = NULL, *expected = NULL,
	    *hints = NULL;
	struct tally *language;

	if (!classify_file(rules, path, &result)) {
		printf("# cannot read %s\n", path);
		return;
	}
	kinds_parse(columns[1], want);
	got_text = result_kinds(&result, got);
	exact = strcmp(got_text, columns[1]) == 0;
	totals->mails++;
	totals->exact += exact;
	language = tally_get(totals->languages, columns[2]);
	language->mails++;
	language->exact += exact;
	count_kinds(totals, want, got, language);
	count_lost(totals, want, got, &result);
	count_marks(totals, &result);
	count_shapes(totals, columns[3], exact);
	tally_get(totals->language_guess, columns[2])->tp +=
	    g_strcmp0(result.written, columns[2]) == 0;
	totals->language_right += g_strcmp0(result.written, columns[2]) == 0;
	fields = result_fields(&result);
	expected = label_fields(columns[4]);
	if (want[kind_index("rectification")] && strcmp(columns[4], "-") != 0) {
		totals->field_mails++;
		totals->field_right += strcmp(fields, expected) == 0;
	}
	hints = result_hints(&result);
	totals->hinted += strcmp(columns[5], "-") != 0;
	totals->hints_right += strcmp(columns[5], "-") != 0 && strstr(hints, columns[5]) != NULL;
	if (misses && !exact)
		printf("miss %s: want %s, got %s [%s]\n", columns[0], columns[1], got_text,
		    columns[3]);
	if (misses && g_strcmp0(result.written, columns[2]) != 0)
		printf("language %s: want %s, got %s\n", columns[0], columns[2],
		    result.written != NULL ? result.written : "-");
	if (misses && exact && want[kind_index("rectification")] &&
	    strcmp(columns[4], "-") != 0 && strcmp(fields, expected) != 0)
		printf("fields %s: want %s, got %s\n", columns[0], expected, fields);
	classify_result_clear(&result);
}

/* Precision and recall in percent, "-" when undefined. */
static void
print_rates(const struct tally *tally)
{
	if (tally->tp + tally->fp > 0)
		printf(" %9.1f", 100.0 * tally->tp / (tally->tp + tally->fp));
	else
		printf(" %9s", "-");
	if (tally->tp + tally->fn > 0)
		printf(" %7.1f", 100.0 * tally->tp / (tally->tp + tally->fn));
	else
		printf(" %7s", "-");
}

/* Print one hash table of tallies, sorted by key. */
static void
print_table(GHashTable *table, gboolean rates, GHashTable *guess)
{
	g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(table),
	    (GCompareFunc)g_strcmp0);
	GList *key;

	for (key = keys; key != NULL; key = key->next) {
		const struct tally *tally = g_hash_table_lookup(table, key->data);
		printf("  %-22s %5d %6.1f%%", (char *)key->data, tally->mails,
		    100.0 * tally->exact / tally->mails);
		if (rates)
			print_rates(tally);
		if (guess != NULL)
			printf(" %8.1f%%", 100.0 * ((struct tally *)g_hash_table_lookup(
			    guess, key->data))->tp / tally->mails);
		printf("\n");
	}
}

/* Print the totals of a part. */
static void
print_totals(const char *dir, const struct totals *t)
{
	size_t k;

	printf("== %s: %d mails\n", dir, t->mails);
	printf("exact kind set: %d of %d (%.1f%%)\n", t->exact, t->mails,
	    t->mails ? 100.0 * t->exact / t->mails : 0);
	printf("erasure/rectification/restriction lost: %d without a mark for an "
	    "admin, %d held for an admin (uncertain or unknown)\n",
	    t->lost_unmarked, t->lost_marked);
	printf("language guessed right: %d of %d (%.1f%%)\n", t->language_right,
	    t->mails, t->mails ? 100.0 * t->language_right / t->mails : 0);
	printf("rectification fields exactly right: %d of %d\n", t->field_right,
	    t->field_mails);
	printf("hints found: %d of %d mails that hint; marks: %d uncertain, %d "
	    "possible extra\n", t->hints_right, t->hinted, t->uncertain, t->extras);
	printf("  %-22s %5s %7s %9s %7s\n", "kind", "mails", "", "precision", "recall");
	for (k = 0; k < KINDS; k++) {
		printf("  %-22s %5d %7s", label_kinds[k], t->kinds[k].mails, "");
		print_rates(&t->kinds[k]);
		printf("\n");
	}
	printf("  %-22s %5s %7s %9s %7s %9s\n", "language", "mails", "exact",
	    "precision", "recall", "guessed");
	print_table(t->languages, TRUE, t->language_guess);
	printf("  %-22s %5s %7s\n", "shape", "mails", "exact");
	print_table(t->shapes, FALSE, NULL);
}

/* classify-test eval. */
static int
command_eval(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	struct classify_rules *rules;
	g_autofree char *labels = NULL, *path = NULL;
	g_auto(GStrv) lines = NULL;
	struct totals totals = { 0 };
	gboolean misses = FALSE;
	double minimum = -1;
	int i, status = 0;

	if (argc < 4)
		return 64;
	for (i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--misses") == 0)
			misses = TRUE;
		else if (strcmp(argv[i], "--min-exact") == 0 && i + 1 < argc)
			minimum = g_ascii_strtod(argv[++i], NULL);
	}
	if ((rules = classify_load(argv[2], &error)) == NULL) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return 78;
	}
	path = g_build_filename(argv[3], "labels.tsv", NULL);
	if (!g_file_get_contents(path, &labels, NULL, &error)) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		classify_free(rules);
		return 66;
	}
	totals.languages = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	totals.language_guess = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	totals.shapes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	lines = g_strsplit(labels, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) columns = g_strsplit(lines[i], "\t", -1);
		if (g_strv_length(columns) >= 6)
			eval_mail(rules, argv[3], columns, &totals, misses);
	}
	print_totals(argv[3], &totals);
	if (minimum >= 0 && totals.exact * 100.0 < minimum * totals.mails) {
		printf("exact kind set rate below the threshold %.1f%%\n", minimum);
		status = 1;
	}
	g_hash_table_unref(totals.languages);
	g_hash_table_unref(totals.language_guess);
	g_hash_table_unref(totals.shapes);
	classify_free(rules);
	return status;
}

/* Print one result. */
static void
show_result(const char *path, const struct classify_result *result)
{
	guint i;

	printf("%s: language %s\n", path, result->written != NULL ? result->written : "-");
	for (i = 0; i < result->details->len; i++) {
		const struct classify_kind *detail = &g_array_index(result->details,
		    struct classify_kind, i);
		printf("  kind %s %.2f%s%s\n", detail->kind, detail->confidence,
		    detail->mark != NULL ? " " : "", detail->mark != NULL ? detail->mark : "");
	}
	for (i = 0; i < result->hints->len; i++)
		printf("  hint %s\n", (char *)result->hints->pdata[i]);
	for (i = 0; i < result->changes->len; i++) {
		const struct classify_change *change = result->changes->pdata[i];
		printf("  change %s (%s) = %s\n", change->field, change->alias != NULL ?
		    change->alias : "?", change->value);
	}
}

/* Print one clause's verdict (classify_trace). */
static void
show_trace(const char *kind, const char *clause, const char *verdict,
    double confidence)
{
	printf("    %-20s %-12s %.2f | %s\n", kind, verdict, confidence, clause);
}

/* classify-test time: how long loading the rules takes, and classifying
 * each mail (the start-up cost every `dsrmail deliver` pays, and the
 * per-mail cost). */
static int
command_time(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	gint64 start, loaded, end;
	struct classify_rules *rules;
	int i, mails = 0;

	log_set_verbosity(2);     /* what is read when, and how long it takes */
	start = g_get_monotonic_time();
	rules = classify_load(argv[2], &error);

	loaded = g_get_monotonic_time();
	if (rules == NULL) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return 78;
	}
	for (i = 3; i < argc; i++) {
		struct classify_result result;
		if (!classify_file(rules, argv[i], &result))
			continue;
		classify_result_clear(&result);
		mails++;
	}
	end = g_get_monotonic_time();
	printf("load %.2f ms; %d mails in %.2f ms (%.3f ms a mail)\n",
	    (loaded - start) / 1000.0, mails, (end - loaded) / 1000.0,
	    mails ? (end - loaded) / 1000.0 / mails : 0.0);
	classify_free(rules);
	return 0;
}

/* classify-test show. */
static int
command_show(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	struct classify_rules *rules = classify_load(argv[2], &error);
	int i;

	if (g_getenv("CLASSIFY_TRACE") != NULL)
		classify_trace = show_trace;
	if (rules == NULL) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return 78;
	}
	for (i = 3; i < argc; i++) {
		struct classify_result result;
		if (!classify_file(rules, argv[i], &result)) {
			fprintf(stderr, "classify-test: cannot read %s\n", argv[i]);
			continue;
		}
		show_result(argv[i], &result);
		classify_result_clear(&result);
	}
	classify_free(rules);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "eval") == 0)
		return command_eval(argc, argv);
	if (argc >= 4 && strcmp(argv[1], "show") == 0)
		return command_show(argc, argv);
	if (argc >= 3 && strcmp(argv[1], "time") == 0)
		return command_time(argc, argv);
	fprintf(stderr, "usage: classify-test eval RULES DIR [--misses] "
	    "[--min-exact PERCENT]\n       classify-test show RULES FILE...\n"
	    "       classify-test time RULES [FILE...]\n");
	return 64;
}
