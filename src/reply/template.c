/* template.c: parse, check and render the reply templates (see template.h). */
#include <string.h>

#include "base/error.h"
#include "reply/template.h"

enum value_kind { VALUE_TEXT, VALUE_LABELS, VALUE_LIST };

/* One field's value. */
struct value {
	enum value_kind kind;
	char *text;                  /* VALUE_TEXT */
	struct labels labels;        /* VALUE_LABELS */
	GPtrArray *items;            /* VALUE_LIST: struct template_data * */
};

struct template_data {
	GHashTable *values;          /* char *name -> struct value * */
	const struct template_data *base;   /* for fields not in values, or NULL */
};

enum node_kind { NODE_TEXT, NODE_FIELD, NODE_SECTION, NODE_INVERTED };

/* A piece of a parsed template. */
struct node {
	enum node_kind kind;
	char *text;                  /* NODE_TEXT: literal text; else the field name */
	int line;
	GPtrArray *children;         /* sections: struct node * */
};

struct template {
	char *file;
	GPtrArray *nodes;            /* struct node * */
};

/* Free a value (a GDestroyNotify). */
static void
value_free(gpointer pointer)
{
	struct value *value = pointer;
	int l;

	g_free(value->text);
	for (l = 0; l < LANG_COUNT; l++)
		g_free(value->labels.text[l]);
	if (value->items != NULL)
		g_ptr_array_unref(value->items);
	g_free(value);
}

/* A new empty set of values. */
struct template_data *
template_data_new(void)
{
	struct template_data *data = g_new0(struct template_data, 1);

	data->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    value_free);
	return data;
}

/* Free a set of values and its items. */
void
template_data_free(struct template_data *data)
{
	if (data == NULL)
		return;
	g_hash_table_unref(data->values);
	g_free(data);
}

/* Put a value under name, replacing what was there. */
static struct value *
data_put(struct template_data *data, const char *name, enum value_kind kind)
{
	struct value *value = g_new0(struct value, 1);

	value->kind = kind;
	g_hash_table_replace(data->values, g_strdup(name), value);
	return value;
}

/* Set a text field. */
void
template_data_set(struct template_data *data, const char *name, const char *text)
{
	if (text == NULL)
		g_hash_table_remove(data->values, name);
	else
		data_put(data, name, VALUE_TEXT)->text = g_strdup(text);
}

/* Set a per-language field. */
void
template_data_set_labels(struct template_data *data, const char *name,
    const struct labels *labels)
{
	struct value *value = data_put(data, name, VALUE_LABELS);
	int l;

	for (l = 0; l < LANG_COUNT; l++)
		value->labels.text[l] = g_strdup(labels->text[l]);
}

/* The list under name, created if missing (a text there is replaced). */
static GPtrArray *
data_list(struct template_data *data, const char *name)
{
	struct value *value = g_hash_table_lookup(data->values, name);

	if (value == NULL || value->kind != VALUE_LIST) {
		value = data_put(data, name, VALUE_LIST);
		value->items = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)template_data_free);
	}
	return value->items;
}

/* Append an item to a list field. */
struct template_data *
template_data_add_item(struct template_data *data, const char *name)
{
	struct template_data *item = template_data_new();

	g_ptr_array_add(data_list(data, name), item);
	return item;
}

/* Append a text item ({{.}}) to a list field. */
void
template_data_add_text(struct template_data *data, const char *name,
    const char *text)
{
	template_data_set(template_data_add_item(data, name), ".", text);
}

/* Make sure a list field exists. */
void
template_data_set_list(struct template_data *data, const char *name)
{
	(void)data_list(data, name);
}

/* Share base's fields. */
void
template_data_set_base(struct template_data *data,
    const struct template_data *base)
{
	data->base = base;
}

/* The value of name in data, else in its base, or NULL. */
static const struct value *
data_lookup(const struct template_data *data, const char *name)
{
	const struct value *value = NULL;

	for (; data != NULL && value == NULL; data = data->base)
		value = g_hash_table_lookup(data->values, name);
	return value;
}

/* A text field's text. */
const char *
template_data_get(const struct template_data *data, const char *name)
{
	const struct value *value = data_lookup(data, name);

	return value != NULL && value->kind == VALUE_TEXT ? value->text : NULL;
}

/* Whether a field is set. */
gboolean
template_data_has(const struct template_data *data, const char *name)
{
	return data_lookup(data, name) != NULL;
}

/* Free a node and its children (a GDestroyNotify). */
static void
node_free(gpointer pointer)
{
	struct node *node = pointer;

	g_free(node->text);
	if (node->children != NULL)
		g_ptr_array_unref(node->children);
	g_free(node);
}

/* Append a node to the innermost open section. */
static struct node *
node_add(GPtrArray *stack, enum node_kind kind, char *text, int line)
{
	GPtrArray *siblings = stack->pdata[stack->len - 1];
	struct node *node = g_new0(struct node, 1);

	node->kind = kind;
	node->text = text;
	node->line = line;
	if (kind == NODE_SECTION || kind == NODE_INVERTED)
		node->children = g_ptr_array_new_with_free_func(node_free);
	g_ptr_array_add(siblings, node);
	return node;
}

/* The line number of position p in text (1-based). */
static int
line_of(const char *text, const char *p)
{
	int line = 1;

	for (; text < p; text++)
		if (*text == '\n')
			line++;
	return line;
}

/* If the tag [open, close) stands alone on its line, widen it to the whole
 * line, newline included (mustache's "standalone" rule). */
static void
standalone_widen(const char *text, const char **open, const char **close)
{
	const char *start = *open, *end = *close;

	while (start > text && (start[-1] == ' ' || start[-1] == '\t'))
		start--;
	if (start > text && start[-1] != '\n')
		return;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end == '\n')
		end++;
	else if (*end != '\0')
		return;
	*open = start;
	*close = end;
}

/* Handle one tag's content: open, close or add a node. */
static int
parse_tag(GPtrArray *stack, GPtrArray *open_nodes, const char *content,
    int line, const char *file, GError **error)
{
	char sigil = content[0];
	g_autofree char *name = g_strstrip(g_strdup(
	    strchr("#^/!", sigil) != NULL && sigil != '\0' ? content + 1 : content));
	struct node *node;

	if (sigil == '!')
		return 0;
	if (*name == '\0' || strpbrk(name, "{}#^/! \t\n") != NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s:%d: \"{{%s}}\" "
		    "is not a field: write {{name}}, {{#name}}, {{^name}} or "
		    "{{/name}}", file, line, content);
		return -1;
	}
	if (sigil == '/') {
		node = open_nodes->len > 0 ?
		    open_nodes->pdata[open_nodes->len - 1] : NULL;
		if (node == NULL || strcmp(node->text, name) != 0) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s:%d: "
			    "{{/%s}} closes no open {{#%s}}", file, line, name, name);
			return -1;
		}
		g_ptr_array_remove_index(open_nodes, open_nodes->len - 1);
		g_ptr_array_remove_index(stack, stack->len - 1);
		return 0;
	}
	node = node_add(stack, sigil == '#' ? NODE_SECTION : sigil == '^' ?
	    NODE_INVERTED : NODE_FIELD, g_steal_pointer(&name), line);
	if (node->children != NULL) {
		g_ptr_array_add(open_nodes, node);
		g_ptr_array_add(stack, node->children);
	}
	return 0;
}

/* Parse a template's text into nodes. */
struct template *
template_parse(const char *text, const char *file, GError **error)
{
	struct template *template = g_new0(struct template, 1);
	g_autoptr(GPtrArray) stack = g_ptr_array_new();
	g_autoptr(GPtrArray) open_nodes = g_ptr_array_new();
	const char *p = text, *open, *close, *tag_end;

	template->file = g_strdup(file);
	template->nodes = g_ptr_array_new_with_free_func(node_free);
	g_ptr_array_add(stack, template->nodes);
	while ((open = strstr(p, "{{")) != NULL) {
		g_autofree char *content = NULL;
		int line = line_of(text, open);

		if ((tag_end = strstr(open + 2, "}}")) == NULL) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s:%d: \"{{\" "
			    "is never closed with \"}}\"", file, line);
			goto fail;
		}
		content = g_strndup(open + 2, (gsize)(tag_end - open - 2));
		close = tag_end + 2;
		if (strchr("#^/!", content[0]) != NULL && content[0] != '\0')
			standalone_widen(text, &open, &close);
		if (open > p)
			node_add(stack, NODE_TEXT, g_strndup(p, (gsize)(open - p)), line);
		if (parse_tag(stack, open_nodes, content, line, file, error) < 0)
			goto fail;
		p = close;
	}
	if (*p != '\0')
		node_add(stack, NODE_TEXT, g_strdup(p), 0);
	if (open_nodes->len > 0) {
		struct node *node = open_nodes->pdata[open_nodes->len - 1];
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s:%d: {{#%s}} is "
		    "never closed: add {{/%s}}", file, node->line, node->text,
		    node->text);
		goto fail;
	}
	return template;
fail:
	template_free(template);
	return NULL;
}

/* Free a template. */
void
template_free(struct template *template)
{
	if (template == NULL)
		return;
	g_ptr_array_unref(template->nodes);
	g_free(template->file);
	g_free(template);
}

/* What a name means where it is used: a declaration, found by name. */
struct declared {
	char *name;
	gboolean list;
	char **item_fields;          /* a record list: its fields; else NULL */
};

/* A scope of declarations: the template's, or a list item's. */
struct check_scope {
	GPtrArray *names;            /* struct declared * */
	const struct check_scope *parent;
};

/* Free a declaration. */
static void
declared_free(gpointer pointer)
{
	struct declared *declared = pointer;

	g_free(declared->name);
	g_strfreev(declared->item_fields);
	g_free(declared);
}

/* The item fields of "a,b[],c[d,e]]" (what follows a list's "["): split at
 * the commas outside inner brackets, up to the list's own "]". */
static char **
declared_split(const char *inner)
{
	GPtrArray *fields = g_ptr_array_new();
	const char *start = inner, *p;
	int depth = 0;

	for (p = inner; *p != '\0'; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth-- == 0)
			break;
		else if (*p == ',' && depth == 0) {
			g_ptr_array_add(fields, g_strndup(start, (gsize)(p - start)));
			start = p + 1;
		}
	}
	g_ptr_array_add(fields, g_strndup(start, (gsize)(p - start)));
	g_ptr_array_add(fields, NULL);
	return (char **)g_ptr_array_free(fields, FALSE);
}

/* Read "name", "name[]" or "name[a,b]" (items may be lists themselves:
 * "rows[cells[]]") into a declaration. */
static struct declared *
declared_parse(const char *spec)
{
	struct declared *declared = g_new0(struct declared, 1);
	const char *bracket = strchr(spec, '[');

	if (bracket == NULL) {
		declared->name = g_strdup(spec);
		return declared;
	}
	declared->name = g_strndup(spec, (gsize)(bracket - spec));
	declared->list = TRUE;
	if (bracket[1] != ']')
		declared->item_fields = declared_split(bracket + 1);
	return declared;
}

/* The declaration of name in scope or its parents, or NULL. */
static const struct declared *
check_lookup(const struct check_scope *scope, const char *name)
{
	guint i;

	for (; scope != NULL; scope = scope->parent)
		for (i = 0; i < scope->names->len; i++) {
			const struct declared *declared = scope->names->pdata[i];
			if (strcmp(declared->name, name) == 0)
				return declared;
		}
	return NULL;
}

/* The scope inside a list section: its items' fields, or "." for texts. */
static GPtrArray *
check_item_names(const struct declared *list)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(declared_free);
	char **field;

	if (list->item_fields == NULL)
		g_ptr_array_add(names, declared_parse("."));
	else
		for (field = list->item_fields; *field != NULL; field++)
			g_ptr_array_add(names, declared_parse(*field));
	return names;
}

/* Check nodes against the scope, recursively. */
static int
check_nodes(const struct template *template, GPtrArray *nodes,
    const struct check_scope *scope, GError **error)
{
	guint i;

	for (i = 0; i < nodes->len; i++) {
		const struct node *node = nodes->pdata[i];
		const struct declared *declared;
		struct check_scope inner = { NULL, scope };
		int rc;

		if (node->kind == NODE_TEXT)
			continue;
		declared = check_lookup(scope, node->text);
		if (declared == NULL || (node->kind == NODE_FIELD && declared->list)) {
			g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "%s:%d: {{%s}} "
			    "%s; fix the template (see the fields listed in "
			    "src/reply.c for this mail)", template->file, node->line,
			    node->text, declared == NULL ? "is not a field dsrmail "
			    "provides for this mail" : "is a list: use it as a "
			    "section {{#...}}...{{/...}}");
			return -1;
		}
		if (node->kind == NODE_SECTION && declared->list) {
			inner.names = check_item_names(declared);
			rc = check_nodes(template, node->children, &inner, error);
			g_ptr_array_unref(inner.names);
		} else if (node->children != NULL)
			rc = check_nodes(template, node->children, scope, error);
		else
			rc = 0;
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Check a template against its declared fields. */
int
template_check(const struct template *template, const char *const *fields,
    GError **error)
{
	struct check_scope scope = {
		g_ptr_array_new_with_free_func(declared_free), NULL };
	int rc;

	for (; *fields != NULL; fields++)
		g_ptr_array_add(scope.names, declared_parse(*fields));
	rc = check_nodes(template, template->nodes, &scope, error);
	g_ptr_array_unref(scope.names);
	return rc;
}

/* Values being rendered: an item's, then its parents'. */
struct render_scope {
	const struct template_data *data;
	const struct render_scope *parent;
};

/* The value of name in scope or its parents, or NULL. */
static const struct value *
render_lookup(const struct render_scope *scope, const char *name)
{
	const struct value *value;

	for (; scope != NULL; scope = scope->parent)
		if ((value = data_lookup(scope->data, name)) != NULL)
			return value;
	return NULL;
}

/* A value's text in language ("" for a list). */
static const char *
value_text(const struct value *value, enum language language)
{
	const char *text = value->kind == VALUE_TEXT ? value->text :
	    value->kind == VALUE_LABELS ? labels_get(&value->labels, language) : NULL;

	return text != NULL ? text : "";
}

/* Whether a section over value shows. */
static gboolean
value_is_set(const struct value *value, enum language language)
{
	if (value == NULL)
		return FALSE;
	if (value->kind == VALUE_LIST)
		return value->items->len > 0;
	return *value_text(value, language) != '\0';
}

/* Append a field's text: as it is, or HTML-escaped (& < > " ' become
 * entities; text that is not UTF-8 is made valid first). */
static void
render_value(GString *out, const char *text, gboolean html)
{
	g_autofree char *valid = NULL, *escaped = NULL;

	if (!html) {
		g_string_append(out, text);
		return;
	}
	valid = g_utf8_make_valid(text, -1);
	escaped = g_markup_escape_text(valid, -1);
	g_string_append(out, escaped);
}

/* Render nodes into out. */
static int
render_nodes(const struct template *template, GPtrArray *nodes,
    const struct render_scope *scope, enum language language, gboolean html,
    GString *out, GError **error)
{
	guint i, k;

	for (i = 0; i < nodes->len; i++) {
		const struct node *node = nodes->pdata[i];
		const struct value *value = node->kind == NODE_TEXT ? NULL :
		    render_lookup(scope, node->text);
		gboolean set = value_is_set(value, language);
		int rc = 0;

		if (node->kind == NODE_TEXT) {
			g_string_append(out, node->text);
		} else if (node->kind == NODE_FIELD) {
			if (value == NULL || value->kind == VALUE_LIST) {
				g_set_error(error, DSR_ERROR, DSR_ERROR_SOFTWARE, "%s:%d: "
				    "{{%s}} has no value: the code rendering this mail "
				    "must provide it", template->file, node->line, node->text);
				return -1;
			}
			render_value(out, value_text(value, language), html);
		} else if (node->kind == NODE_INVERTED) {
			if (!set)
				rc = render_nodes(template, node->children, scope, language,
				    html, out, error);
		} else if (set && value->kind == VALUE_LIST) {
			for (k = 0; k < value->items->len && rc == 0; k++) {
				struct render_scope inner = { value->items->pdata[k], scope };
				rc = render_nodes(template, node->children, &inner, language,
				    html, out, error);
			}
		} else if (set) {
			rc = render_nodes(template, node->children, scope, language,
			    html, out, error);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Render a template, its fields escaped for HTML or not. */
static char *
render(const struct template *template, const struct template_data *data,
    enum language language, gboolean html, GError **error)
{
	GString *out = g_string_new(NULL);
	struct render_scope scope = { data, NULL };

	if (render_nodes(template, template->nodes, &scope, language, html, out,
	    error) < 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* Render a template as text. */
char *
template_render(const struct template *template,
    const struct template_data *data, enum language language, GError **error)
{
	return render(template, data, language, FALSE, error);
}

/* Render a template as HTML: every field's value escaped. */
char *
template_render_html(const struct template *template,
    const struct template_data *data, enum language language, GError **error)
{
	return render(template, data, language, TRUE, error);
}
