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
 *       Print how long loading the rules takes and classifying each mail.
 *   classify-test model-loo RULES DIR [--grams] [--logistic]
 *       The second opinion on the guarded kinds measured by leaving one
 *       writer (the file name's prefix: a, c2, h, ...) out of DIR at a time:
 *       trained on the others, scored on that writer's mails; per writer and
 *       threshold the guarded kinds the rules lost and the model caught, and
 *       the mails it would hold more (needed or not). Naive Bayes over the
 *       word forms, or with --logistic a logistic regression; --grams adds
 *       their character 4-grams (what [classify] model uses).
 *   classify-test model-eval RULES TRAIN DIR THRESHOLD [--grams] [--logistic]
 *       Trained on TRAIN, applied to DIR: aggregate figures only (for the
 *       held-out part).
 *   classify-test model-train RULES DIR FILE THRESHOLD
 *       Write the model file of [classify] model (`make model`). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "mail/mime.h"
#include "request/classify.h"
#include "request/classify-model.h"

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
	int mails, exact, lost_unmarked, lost_marked, language_right, held;
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

/* Requests for erasure, rectification or restriction that lost the kind;
 * TRUE if one did without a mark for an admin. */
static gboolean
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
	return lost && !result_marked(result);
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
	gboolean want[KINDS], got[KINDS], exact, lost;
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
	lost = count_lost(totals, want, got, &result);
	count_marks(totals, &result);
	totals->held += result_marked(&result);
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
		printf("miss %s: want %s, got %s [%s]%s\n", columns[0], columns[1], got_text,
		    columns[3], lost ? " lost unmarked" : "");
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
	printf("mails held for an admin (uncertain or unknown): %d\n", t->held);
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

/* The second opinion (issue 13, docs/classification.md): per guarded kind,
 * a multinomial naive Bayes over the distinct word forms a mail's reading
 * made (classify_result.forms), trained on labelled mails. Its only power
 * would be to hold a mail for an admin: when it gives a guarded kind a
 * log-odds of at least the threshold and the rules did not read that kind,
 * the mail waits (uncertain_kind). Measured here, not in the classifier. */
static const char *const guarded_kinds[] = { "erasure", "rectification", "restriction" };
#define GUARDED G_N_ELEMENTS(guarded_kinds)
#define MODEL_ALPHA 1.0            /* Laplace smoothing */

/* One labelled mail as the rules read it. */
struct model_mail {
	char *file, *writer;
	gboolean want[KINDS], got[KINDS];
	gboolean marked;          /* the rules already hold it for an admin */
	gboolean exact;           /* the rules read its kind set right */
	GHashTable *forms;        /* its distinct word forms (a set) */
};

/* One kind's naive Bayes: per class (0 without the kind, 1 with it) the
 * mails and, per form, the mails that have it. */
struct model_kind {
	int mails[2];
	double total[2];          /* forms counted over the class's mails */
	GHashTable *count[2];     /* form -> GINT_TO_POINTER(mails having it) */
	GHashTable *vocabulary;   /* form -> NULL */
	/* With model_logistic: a logistic regression instead, its weights. */
	GHashTable *index;        /* form -> GINT_TO_POINTER(1 + weight index) */
	double *weights, bias;
};

/* --logistic: an L2-regularised logistic regression (stochastic gradient
 * descent) instead of naive Bayes; --grams: character 4-grams too. */
static gboolean model_logistic, model_use_grams;
#define LOGISTIC_EPOCHS 20
#define LOGISTIC_RATE 0.2
#define LOGISTIC_L2 1e-4

static void
model_mail_free(gpointer data)
{
	struct model_mail *mail = data;

	g_free(mail->file);
	g_free(mail->writer);
	g_hash_table_unref(mail->forms);
	g_free(mail);
}

/* Classify every mail of DIR/labels.tsv into mails (struct model_mail *);
 * with --grams, each form's character 4-grams are features too. */
static gboolean
model_read(struct classify_rules *rules, const char *dir, GPtrArray *mails)
{
	g_autofree char *path = g_build_filename(dir, "labels.tsv", NULL);
	g_autofree char *labels = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) lines = NULL;
	int i;

	if (!g_file_get_contents(path, &labels, NULL, &error)) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return FALSE;
	}
	lines = g_strsplit(labels, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) columns = g_strsplit(lines[i], "\t", -1);
		g_autofree char *file = NULL, *got = NULL;
		struct classify_result result;
		struct model_mail *mail;
		guint f;

		if (g_strv_length(columns) < 6)
			continue;
		file = g_build_filename(dir, columns[0], NULL);
		if (!classify_file(rules, file, &result)) {
			fprintf(stderr, "classify-test: cannot read %s\n", file);
			continue;
		}
		mail = g_new0(struct model_mail, 1);
		mail->file = g_strdup(columns[0]);
		mail->writer = g_strndup(columns[0], strcspn(columns[0], "-"));
		kinds_parse(columns[1], mail->want);
		got = result_kinds(&result, mail->got);
		mail->exact = strcmp(got, columns[1]) == 0;
		mail->marked = result_marked(&result);
		if (model_use_grams)
			mail->forms = classify_model_features(result.forms);
		else {
			mail->forms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			for (f = 0; f < result.forms->len; f++)
				g_hash_table_add(mail->forms, g_strdup(result.forms->pdata[f]));
		}
		g_ptr_array_add(mails, mail);
		classify_result_clear(&result);
	}
	return TRUE;
}

/* The logistic regression: weights over the vocabulary, by stochastic
 * gradient descent over the mails in a fixed shuffled order. */
static void
model_train_logistic(struct model_kind *model, int kind, const GPtrArray *mails,
    const char *writer)
{
	g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(guint));
	GRand *rand = g_rand_new_with_seed(13);
	GHashTableIter iter;
	gpointer form;
	guint m, i, size = 0;
	int epoch;

	model->index = g_hash_table_new(g_str_hash, g_str_equal);
	g_hash_table_iter_init(&iter, model->vocabulary);
	while (g_hash_table_iter_next(&iter, &form, NULL))
		g_hash_table_insert(model->index, form, GUINT_TO_POINTER(++size));
	model->weights = g_new0(double, size);
	model->bias = 0;
	for (m = 0; m < mails->len; m++)
		if (writer == NULL || strcmp(((struct model_mail *)mails->pdata[m])->writer,
		    writer) != 0)
			g_array_append_val(order, m);
	for (epoch = 0; epoch < LOGISTIC_EPOCHS; epoch++) {
		double rate = LOGISTIC_RATE / (1 + epoch);
		for (i = order->len; i > 1; i--) {     /* Fisher-Yates */
			guint j = g_rand_int_range(rand, 0, (gint32)i), t;
			t = g_array_index(order, guint, i - 1);
			g_array_index(order, guint, i - 1) = g_array_index(order, guint, j);
			g_array_index(order, guint, j) = t;
		}
		for (i = 0; i < order->len; i++) {
			const struct model_mail *mail = mails->pdata[g_array_index(order, guint, i)];
			double z = model->bias, gradient;
			g_hash_table_iter_init(&iter, mail->forms);
			while (g_hash_table_iter_next(&iter, &form, NULL))
				z += model->weights[GPOINTER_TO_UINT(g_hash_table_lookup(model->index, form)) - 1];
			gradient = (mail->want[kind] ? 1.0 : 0.0) - 1.0 / (1.0 + exp(-z));
			model->bias += rate * gradient;
			g_hash_table_iter_init(&iter, mail->forms);
			while (g_hash_table_iter_next(&iter, &form, NULL)) {
				double *w = &model->weights[GPOINTER_TO_UINT(
				    g_hash_table_lookup(model->index, form)) - 1];
				*w += rate * (gradient - LOGISTIC_L2 * *w);
			}
		}
	}
	g_rand_free(rand);
}

/* Train kind's model on mails, leaving out those of writer (NULL: none). */
static void
model_train(struct model_kind *model, int kind, const GPtrArray *mails,
    const char *writer)
{
	guint m;
	int c;

	memset(model, 0, sizeof *model);
	model->vocabulary = g_hash_table_new(g_str_hash, g_str_equal);
	for (c = 0; c < 2; c++)
		model->count[c] = g_hash_table_new(g_str_hash, g_str_equal);
	for (m = 0; m < mails->len; m++) {
		const struct model_mail *mail = mails->pdata[m];
		GHashTableIter iter;
		gpointer form;

		if (writer != NULL && strcmp(mail->writer, writer) == 0)
			continue;
		c = mail->want[kind] ? 1 : 0;
		model->mails[c]++;
		g_hash_table_iter_init(&iter, mail->forms);
		while (g_hash_table_iter_next(&iter, &form, NULL)) {
			g_hash_table_insert(model->count[c], form, GINT_TO_POINTER(
			    GPOINTER_TO_INT(g_hash_table_lookup(model->count[c], form)) + 1));
			g_hash_table_add(model->vocabulary, form);
			model->total[c]++;
		}
	}
	if (model_logistic)
		model_train_logistic(model, kind, mails, writer);
}

static void
model_clear(struct model_kind *model)
{
	g_hash_table_unref(model->vocabulary);
	g_hash_table_unref(model->count[0]);
	g_hash_table_unref(model->count[1]);
	if (model->index != NULL)
		g_hash_table_unref(model->index);
	g_free(model->weights);
}

/* The log-odds the model gives a mail for its kind. */
static double
model_score(const struct model_kind *model, const struct model_mail *mail)
{
	double size = g_hash_table_size(model->vocabulary);
	double odds = log((model->mails[1] + MODEL_ALPHA) / (model->mails[0] + MODEL_ALPHA));
	GHashTableIter iter;
	gpointer form;

	if (model->index != NULL) {
		odds = model->bias;
		g_hash_table_iter_init(&iter, mail->forms);
		while (g_hash_table_iter_next(&iter, &form, NULL)) {
			guint at = GPOINTER_TO_UINT(g_hash_table_lookup(model->index, form));
			if (at > 0)
				odds += model->weights[at - 1];
		}
		return odds;
	}
	g_hash_table_iter_init(&iter, mail->forms);
	while (g_hash_table_iter_next(&iter, &form, NULL)) {
		if (!g_hash_table_contains(model->vocabulary, form))
			continue;
		odds += log((GPOINTER_TO_INT(g_hash_table_lookup(model->count[1], form)) +
		    MODEL_ALPHA) / (model->total[1] + MODEL_ALPHA * size));
		odds -= log((GPOINTER_TO_INT(g_hash_table_lookup(model->count[0], form)) +
		    MODEL_ALPHA) / (model->total[0] + MODEL_ALPHA * size));
	}
	return odds;
}

/* What the second opinion does to a set of mails at one threshold. */
struct model_tally {
	int mails, lost_unmarked, lost_marked, caught_unmarked, caught_marked;
	int holds, holds_needed, holds_extra, holds_exact;
	int wanted, flagged_wanted, unwanted, flagged_unwanted;
};

/* Count one mail with its guarded kinds' scores at threshold. */
static void
model_count(struct model_tally *tally, const struct model_mail *mail,
    const double *score, double threshold)
{
	gboolean lost = FALSE, caught = FALSE, flag = FALSE;
	size_t g;

	tally->mails++;
	for (g = 0; g < GUARDED; g++) {
		int k = kind_index(guarded_kinds[g]);
		gboolean high = score[g] >= threshold;
		lost |= mail->want[k] && !mail->got[k];
		caught |= mail->want[k] && !mail->got[k] && high;
		flag |= high && !mail->got[k];
		if (mail->want[k]) {
			tally->wanted++;
			tally->flagged_wanted += high;
		} else if (!mail->got[k]) {
			tally->unwanted++;
			tally->flagged_unwanted += high;
		}
	}
	tally->lost_unmarked += lost && !mail->marked;
	tally->lost_marked += lost && mail->marked;
	tally->caught_unmarked += caught && !mail->marked;
	tally->caught_marked += caught && mail->marked;
	if (flag && !mail->marked) {
		tally->holds++;
		tally->holds_needed += lost;
		tally->holds_extra += !lost;
		tally->holds_exact += mail->exact;
	}
}

static void
model_print(const char *name, const struct model_tally *t)
{
	printf("  %-8s %5d %5d %5d %6d %6d %6d %6d %6d %6d %7d/%-4d %5d/%d\n", name, t->mails,
	    t->lost_unmarked, t->lost_marked, t->caught_unmarked, t->caught_marked,
	    t->holds, t->holds_needed, t->holds_extra, t->holds_exact,
	    t->flagged_wanted, t->wanted, t->flagged_unwanted, t->unwanted);
}

static void
model_header(double threshold)
{
	printf("threshold %.1f (log-odds)\n", threshold);
	printf("  %-8s %5s %5s %5s %6s %6s %6s %6s %6s %6s %12s %s\n", "writer", "mails",
	    "lostU", "lostM", "caughtU", "caughtM", "holds", "needed", "extra",
	    "exact", "recall", "flagged");
}

/* The options from argv[from] on. */
static void
model_options(int argc, char **argv, int from)
{
	int i;

	for (i = from; i < argc; i++) {
		model_use_grams |= strcmp(argv[i], "--grams") == 0;
		model_logistic |= strcmp(argv[i], "--logistic") == 0;
	}
}

/* The thresholds measured. */
static const double model_thresholds[] = { 0, 1, 2, 3, 4, 5, 6, 8, 10, 12 };

/* classify-test model-loo RULES DIR: leave one writer out inside DIR. */
static int
command_model_loo(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) mails = g_ptr_array_new_with_free_func(model_mail_free);
	g_autoptr(GPtrArray) writers = g_ptr_array_new_with_free_func(g_free);
	struct classify_rules *rules;
	double *scores;
	guint m, w;
	size_t g, t;

	if (argc < 4)
		return 64;
	if ((rules = classify_load(argv[2], &error)) == NULL) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return 78;
	}
	model_options(argc, argv, 4);
	if (!model_read(rules, argv[3], mails)) {
		classify_free(rules);
		return 66;
	}
	classify_free(rules);
	for (m = 0; m < mails->len; m++) {
		const char *writer = ((struct model_mail *)mails->pdata[m])->writer;
		if (!g_ptr_array_find_with_equal_func(writers, writer, g_str_equal, NULL))
			g_ptr_array_add(writers, g_strdup(writer));
	}
	scores = g_new0(double, mails->len * GUARDED);
	for (w = 0; w < writers->len; w++)
		for (g = 0; g < GUARDED; g++) {
			struct model_kind model;
			model_train(&model, kind_index(guarded_kinds[g]), mails, writers->pdata[w]);
			for (m = 0; m < mails->len; m++) {
				const struct model_mail *mail = mails->pdata[m];
				if (strcmp(mail->writer, writers->pdata[w]) == 0)
					scores[m * GUARDED + g] = model_score(&model, mail);
			}
			model_clear(&model);
		}
	for (t = 0; t < G_N_ELEMENTS(model_thresholds); t++) {
		struct model_tally all = { 0 };
		model_header(model_thresholds[t]);
		for (w = 0; w < writers->len; w++) {
			struct model_tally one = { 0 };
			for (m = 0; m < mails->len; m++) {
				const struct model_mail *mail = mails->pdata[m];
				if (strcmp(mail->writer, writers->pdata[w]) != 0)
					continue;
				model_count(&one, mail, &scores[m * GUARDED], model_thresholds[t]);
				model_count(&all, mail, &scores[m * GUARDED], model_thresholds[t]);
			}
			model_print(writers->pdata[w], &one);
		}
		model_print("all", &all);
	}
	g_free(scores);
	return 0;
}

/* classify-test model-eval RULES TRAIN DIR THRESHOLD [--grams]: the model
 * trained on every mail of TRAIN, applied to DIR at THRESHOLD; aggregate
 * figures only (DIR may be the held-out part). */
static int
command_model_eval(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) train = g_ptr_array_new_with_free_func(model_mail_free);
	g_autoptr(GPtrArray) test = g_ptr_array_new_with_free_func(model_mail_free);
	struct model_kind models[GUARDED];
	struct model_tally tally = { 0 };
	struct classify_rules *rules;
	double threshold = g_ascii_strtod(argv[5], NULL);
	int exact = 0, held = 0;
	guint m;
	size_t g;

	if ((rules = classify_load(argv[2], &error)) == NULL) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return 78;
	}
	model_options(argc, argv, 6);
	if (!model_read(rules, argv[3], train) || !model_read(rules, argv[4], test)) {
		classify_free(rules);
		return 66;
	}
	classify_free(rules);
	for (g = 0; g < GUARDED; g++)
		model_train(&models[g], kind_index(guarded_kinds[g]), train, NULL);
	for (m = 0; m < test->len; m++) {
		const struct model_mail *mail = test->pdata[m];
		double score[GUARDED];
		for (g = 0; g < GUARDED; g++)
			score[g] = model_score(&models[g], mail);
		model_count(&tally, mail, score, threshold);
		exact += mail->exact;
		held += mail->marked;
	}
	for (g = 0; g < GUARDED; g++)
		model_clear(&models[g]);
	printf("== %s: %d mails, the model trained on %s (%u mails), threshold %.1f%s%s\n",
	    argv[4], tally.mails, argv[3], train->len, threshold, model_use_grams ? ", 4-grams" : "",
	    model_logistic ? ", logistic" : ", naive Bayes");
	printf("exact kind set: %d of %d (the model changes marks only)\n", exact, tally.mails);
	printf("held for an admin by the rules: %d mails\n", held);
	printf("erasure/rectification/restriction lost: %d without a mark by the rules, "
	    "%d of them held by the model, %d left\n", tally.lost_unmarked,
	    tally.caught_unmarked, tally.lost_unmarked - tally.caught_unmarked);
	printf("mails the model holds more: %d (%d needed, %d needed no hold; %d of "
	    "those the rules read exactly)\n", tally.holds, tally.holds_needed,
	    tally.holds_extra, tally.holds_exact);
	return 0;
}

/* classify-test model-train RULES DIR FILE THRESHOLD: the logistic
 * regression over forms and 4-grams trained on every mail of DIR, written
 * to FILE (classify-model.h) with THRESHOLD; `make model` runs it. */
static int
command_model_train(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) mails = g_ptr_array_new_with_free_func(model_mail_free);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GHashTable) features = g_hash_table_new(g_str_hash, g_str_equal);
	struct model_kind models[GUARDED];
	struct classify_rules *rules;
	char number[G_ASCII_DTOSTR_BUF_SIZE];
	GString *list = g_string_new(NULL);
	GHashTableIter iter;
	gpointer feature, at;
	guint m, kept = 0;
	size_t g;

	(void)argc;
	if ((rules = classify_load(argv[2], &error)) == NULL) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return 78;
	}
	model_use_grams = model_logistic = TRUE;
	if (!model_read(rules, argv[3], mails)) {
		classify_free(rules);
		return 66;
	}
	classify_free(rules);
	g_key_file_set_integer(file, "model", "version", 1);
	g_key_file_set_string_list(file, "model", "kinds",
	    (const char *const *)guarded_kinds, GUARDED);
	g_key_file_set_value(file, "model", "threshold", argv[5]);
	for (g = 0; g < GUARDED; g++) {
		model_train(&models[g], kind_index(guarded_kinds[g]), mails, NULL);
		g_string_append_printf(list, "%s;", g_ascii_formatd(number, sizeof number,
		    "%.4f", models[g].bias));
	}
	g_key_file_set_value(file, "model", "bias", list->str);
	/* Every feature in a fixed order, its weight per kind; features whose
	 * weights are all below 0.001 weigh nothing and are left out. */
	g_hash_table_iter_init(&iter, models[0].index);
	while (g_hash_table_iter_next(&iter, &feature, &at))
		g_hash_table_add(features, feature);
	{
		g_autofree gpointer *sorted = g_hash_table_get_keys_as_array(features, &m);
		guint i;
		qsort(sorted, m, sizeof *sorted, compare_strings);
		for (i = 0; i < m; i++) {
			gboolean weighs = FALSE;
			if (!classify_model_storable(sorted[i]))
				continue;
			g_string_truncate(list, 0);
			for (g = 0; g < GUARDED; g++) {
				double w = models[g].weights[GPOINTER_TO_UINT(g_hash_table_lookup(
				    models[g].index, sorted[i])) - 1];
				weighs |= w > 0.001 || w < -0.001;
				g_string_append_printf(list, "%s;", g_ascii_formatd(number,
				    sizeof number, "%.4f", w));
			}
			if (weighs) {
				g_key_file_set_value(file, "weights", sorted[i], list->str);
				kept++;
			}
		}
	}
	g_key_file_set_comment(file, "model", NULL, " The classifier's second opinion "
	    "on the guarded kinds (dsrmail-rules(5) [classify] model), trained on\n"
	    " tests/corpus/tune by `make model`; do not edit.", NULL);
	for (g = 0; g < GUARDED; g++)
		model_clear(&models[g]);
	g_string_free(list, TRUE);
	if (!g_key_file_save_to_file(file, argv[4], &error)) {
		fprintf(stderr, "classify-test: %s\n", error->message);
		return 73;
	}
	printf("%s: %u mails, %u features\n", argv[4], mails->len, kept);
	return 0;
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
	if (argc >= 4 && strcmp(argv[1], "model-loo") == 0)
		return command_model_loo(argc, argv);
	if (argc >= 6 && strcmp(argv[1], "model-eval") == 0)
		return command_model_eval(argc, argv);
	if (argc >= 6 && strcmp(argv[1], "model-train") == 0)
		return command_model_train(argc, argv);
	if (argc >= 3 && strcmp(argv[1], "time") == 0)
		return command_time(argc, argv);
	fprintf(stderr, "usage: classify-test eval RULES DIR [--misses] "
	    "[--min-exact PERCENT]\n       classify-test show RULES FILE...\n"
	    "       classify-test time RULES [FILE...]\n"
	    "       classify-test model-loo RULES DIR [--grams] [--logistic]\n"
	    "       classify-test model-eval RULES TRAIN DIR THRESHOLD [--grams] [--logistic]\n"
	    "       classify-test model-train RULES DIR FILE THRESHOLD\n");
	return 64;
}
