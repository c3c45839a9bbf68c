/* classify-model.c: the second opinion's model file (classify-model.h). */
#include <string.h>

#include "base/error.h"
#include "request/classify-model.h"
#include "paths.h"

/* The file format this dsrmail reads. */
#define MODEL_VERSION 1

/* Add the character 4-grams of "^form$" to features. */
static void
features_grams(GHashTable *features, const char *form)
{
	g_autofree char *marked = g_strdup_printf("^%s$", form);
	const char *at, *end;
	int n;

	for (at = marked; *at != '\0'; at = g_utf8_next_char(at)) {
		for (end = at, n = 0; n < 4 && *end != '\0'; n++)
			end = g_utf8_next_char(end);
		if (n < 4)
			break;
		char *gram = g_malloc((gsize)(end - at) + 2);

		gram[0] = '~';
		memcpy(gram + 1, at, (gsize)(end - at));
		gram[end - at + 1] = '\0';
		g_hash_table_add(features, gram);
	}
}

/* The features of a reading's forms (see classify-model.h). */
GHashTable *
classify_model_features(const GPtrArray *forms)
{
	GHashTable *features = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint f;

	for (f = 0; forms != NULL && f < forms->len; f++) {
		if (!g_hash_table_add(features, g_strdup(forms->pdata[f])))
			continue;
		features_grams(features, forms->pdata[f]);
	}
	return features;
}

/* The log-odds of every kind, in one pass over the features. */
void
classify_model_scores(const struct classify_model *model, GHashTable *features,
    double *odds)
{
	GHashTableIter iter;
	gpointer feature;
	int k;

	for (k = 0; k < model->kinds; k++)
		odds[k] = model->bias[k];
	g_hash_table_iter_init(&iter, features);
	while (g_hash_table_iter_next(&iter, &feature, NULL)) {
		const double *weights = g_hash_table_lookup(model->weights, feature);
		for (k = 0; weights != NULL && k < model->kinds; k++)
			odds[k] += weights[k];
	}
}

/* TRUE if a feature can be a GKeyFile key. */
gboolean
classify_model_storable(const char *feature)
{
	return *feature != '\0' && *feature != '#' &&
	    strpbrk(feature, "=[] \t\r\n") == NULL;
}

/* Set error for the model file. */
static struct classify_model *
model_fail(GError **error, const char *path, const char *problem,
    struct classify_model *model)
{
	g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "the classifier's model %s: "
	    "%s; copy classify.model again from %s/rules (where make install "
	    "puts it), or rebuild it with `make model` in dsrmail's source, or "
	    "remove [classify] model from the rules", path, problem,
	    DSR_SHARE_DIR);
	classify_model_free(model);
	return NULL;
}

/* Read a model file (see classify-model.h). */
struct classify_model *
classify_model_load(const char *path, const char *const *known, GError **error)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	struct classify_model *model = g_new0(struct classify_model, 1);
	g_auto(GStrv) kinds = NULL, keys = NULL;
	g_autofree double *bias = NULL;
	gsize count = 0, biases = 0, i;

	model->weights = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local))
		return model_fail(error, path, local->message, model);
	if (g_key_file_get_integer(file, "model", "version", NULL) != MODEL_VERSION)
		return model_fail(error, path, "[model] version is not 1", model);
	kinds = g_key_file_get_string_list(file, "model", "kinds", &count, NULL);
	bias = g_key_file_get_double_list(file, "model", "bias", &biases, NULL);
	model->threshold = g_key_file_get_double(file, "model", "threshold", &local);
	if (kinds == NULL || count == 0 || count > CLASSIFY_MODEL_KINDS ||
	    bias == NULL || biases != count || local != NULL)
		return model_fail(error, path, "[model] needs kinds (1 to 3), a bias "
		    "for each and a threshold", model);
	for (i = 0; i < count; i++) {
		const char *const *k;
		for (k = known; *k != NULL && strcmp(*k, g_strstrip(kinds[i])) != 0; k++)
			;
		if (*k == NULL)
			return model_fail(error, path, "[model] kinds names an unknown kind",
			    model);
		model->kind[i] = *k;
		model->bias[i] = bias[i];
	}
	model->kinds = (int)count;
	keys = g_key_file_get_keys(file, "weights", NULL, NULL);
	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		gsize n = 0;
		double *weights = g_key_file_get_double_list(file, "weights", keys[i], &n, NULL);
		if (weights == NULL || n != count) {
			g_free(weights);
			return model_fail(error, path, "a [weights] entry has not one weight "
			    "per kind", model);
		}
		g_hash_table_insert(model->weights, g_strdup(keys[i]), weights);
	}
	return model;
}

void
classify_model_free(struct classify_model *model)
{
	if (model == NULL)
		return;
	g_hash_table_unref(model->weights);
	g_free(model);
}
