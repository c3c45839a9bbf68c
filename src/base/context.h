/* context.h: what a command runs with: the config and whatever else the
 * command opened (src/cmd/command.c opens them). Lower layers take a
 * struct context and use the parts they are documented to need. */
#ifndef DSR_CONTEXT_H
#define DSR_CONTEXT_H

struct config;
struct store;
struct map;
struct notice;
struct reply_templates;
struct crypto;

struct context {
	char *config_path;        /* -c, or NULL: the usual search */
	int verbosity;            /* -v count */
	struct config *config;    /* loaded when the command needs it */
	struct store *store;
	struct map *map;
	struct notice *notice;
	struct reply_templates *templates;
	struct crypto *crypto;    /* [crypto] home, opened with the templates (or
	                             NEEDS_CRYPTO); NULL when crypto is off */
};

#endif
