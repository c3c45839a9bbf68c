/* html-module.c: the module dsrmail-html.so (see html.h): HTML as plain
 * text with libxml2's forgiving HTML parser. */
#include <string.h>

#include <libxml/HTMLparser.h>

#include "mail/html.h"

/* Where the html walk is: output, quote depth and whether a line is open. */
struct html_state {
	GString *out;
	int depth;
	gboolean line_open;
};

/* End the current line, if one is open. */
static void
html_break(struct html_state *state)
{
	if (state->line_open)
		g_string_append_c(state->out, '\n');
	state->line_open = FALSE;
}

/* Append text, white space collapsed, quote marks at each line start. */
static void
html_text(struct html_state *state, const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++) {
		gboolean space = g_ascii_isspace(*p);

		if (space && (!state->line_open || state->out->str[state->out->len - 1] == ' '))
			continue;
		if (!state->line_open) {
			int i;
			for (i = 0; i < state->depth; i++)
				g_string_append(state->out, "> ");
			state->line_open = TRUE;
		}
		g_string_append_c(state->out, space ? ' ' : *p);
	}
}

/* TRUE for elements that start and end a line of text. */
static gboolean
html_is_block(const char *name)
{
	static const char *const blocks[] = { "p", "div", "br", "tr", "li", "ul",
	    "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre",
	    "blockquote", "address", "dt", "dd", NULL };

	return g_strv_contains(blocks, name);
}

/* TRUE for elements that open quoted history: blockquote, and the reply
 * containers Gmail and Thunderbird wrap around the quoted mail. */
static gboolean
html_is_quote(xmlNode *node)
{
	g_autofree char *class_name = NULL;
	xmlChar *value;

	if (g_ascii_strcasecmp((const char *)node->name, "blockquote") == 0)
		return TRUE;
	value = xmlGetProp(node, (const xmlChar *)"class");
	if (value == NULL)
		return FALSE;
	class_name = g_strdup((const char *)value);
	xmlFree(value);
	return strstr(class_name, "gmail_quote") != NULL ||
	    strstr(class_name, "moz-cite-prefix") != NULL;
}

/* Walk the HTML tree and write its text. */
static void
html_walk(xmlNode *node, struct html_state *state)
{
	for (; node != NULL; node = node->next) {
		const char *name = (const char *)node->name;

		if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
			html_text(state, (const char *)node->content);
			continue;
		}
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (g_ascii_strcasecmp(name, "script") == 0 ||
		    g_ascii_strcasecmp(name, "style") == 0 ||
		    g_ascii_strcasecmp(name, "head") == 0 ||
		    g_ascii_strcasecmp(name, "title") == 0)
			continue;
		if (g_ascii_strcasecmp(name, "br") == 0) {
			if (!state->line_open)
				g_string_append_c(state->out, '\n');
			html_break(state);
			continue;
		}
		gboolean block = html_is_block(name), quote = html_is_quote(node);
		if (block || quote)
			html_break(state);
		state->depth += quote;
		html_walk(node->children, state);
		state->depth -= quote;
		if (block || quote)
			html_break(state);
	}
}

/* HTML (already UTF-8) as plain text; blockquotes become "> " lines. */
static char *
html_module_to_text(const char *html)
{
	struct html_state state = { g_string_new(NULL), 0, FALSE };
	htmlDocPtr document = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET);

	if (document != NULL) {
		html_walk(xmlDocGetRootElement(document), &state);
		xmlFreeDoc(document);
	}
	html_break(&state);
	return g_string_free(state.out, FALSE);
}

__attribute__((visibility("default"))) extern const struct html_module html_module;

const struct html_module html_module = { html_module_to_text };
