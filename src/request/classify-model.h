/* classify-model.h: the second opinion on the guarded kinds ([classify]
 * model, dsrmail-rules(5)): a logistic regression per kind over the word
 * forms of a mail's reading and their character 4-grams, trained on the
 * tune part of tests/corpus by `classify-test model-train`
 * (tests/unit/classify-test.c) and stored as a GKeyFile. Its only power is
 * to hold a mail for an admin (classify.c): it never adds or removes a
 * kind. For classify*.c and that tool. */
#ifndef DSR_CLASSIFY_MODEL_H
#define DSR_CLASSIFY_MODEL_H

#include <glib.h>

/* How many kinds a model file may score. */
#define CLASSIFY_MODEL_KINDS 3

struct classify_model {
	int kinds;                           /* entries used below */
	const char *kind[CLASSIFY_MODEL_KINDS]; /* a request kind (static) */
	double bias[CLASSIFY_MODEL_KINDS];
	double threshold;                    /* log-odds that hold the mail */
	GHashTable *weights;                 /* feature -> double[kinds] */
};

/* The features of a reading's word forms (classify_result.forms): a set
 * (GHashTable of strings) of each distinct form and, prefixed with "~",
 * its character 4-grams ("~^poi", "~pois", ...; "^" and "$" mark the
 * word's ends), so an inflection or a typo the forms do not meet shares
 * most of its grams. Free with g_hash_table_unref. */
GHashTable *classify_model_features(const GPtrArray *forms);

/* The log-odds the model gives each kind (odds[k] for model->kind[k]). */
void classify_model_scores(const struct classify_model *model,
    GHashTable *features, double *odds);

/* Read a model file; kinds must be among known (NULL-terminated, static
 * strings). Errors are DSR_ERROR_CONFIG naming the file and what to do. */
struct classify_model *classify_model_load(const char *path,
    const char *const *known, GError **error);

void classify_model_free(struct classify_model *model);

/* TRUE if feature can be a key of the model file (GKeyFile: no '=',
 * brackets, spaces, or '#' first). */
gboolean classify_model_storable(const char *feature);

#endif
