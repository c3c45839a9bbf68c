/* template.h: the small template engine the replies are written in.
 *
 * A template is UTF-8 text with tags:
 *   {{name}}               the value of a field
 *   {{#name}}...{{/name}}  a section: shown once when the field is a non-empty
 *                          text; repeated per item when it is a list (inside,
 *                          an item's own fields and {{.}}, the item's text)
 *   {{^name}}...{{/name}}  shown only when the field is missing, empty or an
 *                          empty list
 *   {{! comment }}         dropped
 * A section tag alone on its line takes the whole line with it, so sections
 * leave no blank lines behind.
 *
 * Every template is checked against the fields the code declares for it
 * (template_check) when it is loaded, so a template naming a field the code
 * does not provide fails at load time, never as a blank in a sent mail; and
 * rendering fails on a {{name}} that has no value. */
#ifndef DSR_TEMPLATE_H
#define DSR_TEMPLATE_H

#include <glib.h>

#include "rules/map.h"

/* Named values to render with. */
struct template_data;

/* A new empty set of values (template_data_free). */
struct template_data *template_data_new(void);

void template_data_free(struct template_data *data);

/* Set a text field (copied; NULL removes it). CR and LF are kept: the body
 * may hold lines; header fields are cleaned by the mail builder. */
void template_data_set(struct template_data *data, const char *name,
    const char *text);

/* Set a field whose text depends on the language rendered (copied). */
void template_data_set_labels(struct template_data *data, const char *name,
    const struct labels *labels);

/* Append an item to the list field name (created empty if missing) and
 * return it, owned by data, for the caller to set the item's fields. */
struct template_data *template_data_add_item(struct template_data *data,
    const char *name);

/* Append a text item to the list field name: in its section, {{.}}. */
void template_data_add_text(struct template_data *data, const char *name,
    const char *text);

/* Make name an empty list if it is not set (so a section over it is known
 * to be empty rather than forgotten). */
void template_data_set_list(struct template_data *data, const char *name);

/* Let data fall back to base for every field it does not set itself:
 * fields many mails share (the organisation, the notice facts) are built
 * once. base is borrowed and must outlive data. */
void template_data_set_base(struct template_data *data,
    const struct template_data *base);

/* The text of a text field, or NULL (not set, or not a text). Owned by data. */
const char *template_data_get(const struct template_data *data, const char *name);

/* TRUE if the field is set (any kind of value). */
gboolean template_data_has(const struct template_data *data, const char *name);

/* A parsed template. */
struct template;

/* Parse text; file names it in errors. Returns a new template
 * (template_free), or NULL with DSR_ERROR_CONFIG naming file and line. */
struct template *template_parse(const char *text, const char *file,
    GError **error);

void template_free(struct template *template);

/* Check every tag against the declared fields, a NULL-terminated list of
 * specifications: "name" (a text), "name[]" (a list of texts, {{.}} inside),
 * "name[a,b]" (a list of items with the fields a and b; a field of an item
 * may be a list itself: "rows[cells[]]"). 0, or -1 with
 * DSR_ERROR_CONFIG naming the file, the line and the unknown field. */
int template_check(const struct template *template,
    const char *const *fields, GError **error);

/* Render in language. Returns a new string, or NULL with DSR_ERROR_SOFTWARE
 * when a {{name}} has no value (a bug in the caller: never sent blank). */
char *template_render(const struct template *template,
    const struct template_data *data, enum language language, GError **error);

/* Render as template_render, with every field's value HTML-escaped (& < >
 * " ' as entities), so a value can never become markup: the web pages
 * (src/web/) are rendered only this way. The template's own text is kept
 * as it is. */
char *template_render_html(const struct template *template,
    const struct template_data *data, enum language language, GError **error);

#endif
