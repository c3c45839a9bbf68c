/* html.c: html_to_text through the module dsrmail-html.so (see html.h). */
#include "base/module.h"
#include "mail/html.h"

/* HTML as text, the module loaded the first time. */
char *
html_to_text(const char *html, GError **error)
{
	static const struct html_module *module;

	if (module == NULL &&
	    (module = module_table("dsrmail-html.so", HTML_SYMBOL, error)) == NULL)
		return NULL;
	return module->to_text(html);
}
