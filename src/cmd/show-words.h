/* show-words.h: the words `requests show` prints (show-words.c); for
 * src/cmd/show.c, and request_held_words (command.h) for the list lines. */
#ifndef DSR_SHOW_WORDS_H
#define DSR_SHOW_WORDS_H

#include <json-glib/json-glib.h>

/* A mail template's name in words: "confirmation code" for challenge. */
const char *template_words(const char *template);

/* The person, an admin or dsrmail, as the timeline names an actor. */
const char *actor_words(const char *actor);

/* One event in words (a new string): type, actor, its detail (may be
 * NULL); kind: the request's, for the hold reasons. */
char *event_words(const char *type, const char *actor, JsonObject *d,
    const char *kind);

#endif
