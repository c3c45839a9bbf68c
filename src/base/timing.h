/* timing.h: where a command's time goes, stage by stage (poll and deliver
 * print it at -vv; tests/bench/imap-poll.sh prints it with its figures).
 *
 * Stages nest: timing_push starts one and pauses the stage it interrupts,
 * timing_pop ends it and resumes that one, so each stage's figure is its
 * own time only and the figures add up to the time measured. Pushes and
 * pops are for the main thread; another thread (poll's background fetch)
 * adds its time with timing_add, which counts one run. Costs two clock
 * reads per push/pop. */
#ifndef DSR_TIMING_H
#define DSR_TIMING_H

#include <glib.h>

enum timing_stage {
	TIMING_WAIT,              /* waiting for the IMAP server */
	TIMING_PARSE,             /* GMime parse, hash, Authentication-Results */
	TIMING_CLASSIFY,          /* rules/classify.rules on the text */
	TIMING_CRYPTO,            /* checking signatures and keys (GnuPG) */
	TIMING_SCREEN,            /* auto-replies, lists, bounces, sender rate */
	TIMING_STORE,             /* intake's SQL: dedupe, identify, store */
	TIMING_LIFECYCLE,         /* the first lifecycle step, its SQL */
	TIMING_REPLY,             /* rendering and building reply mails */
	TIMING_COMMIT,            /* committing (and syncing) the database */
	TIMING_FETCH,             /* IMAP UID FETCH (in the background) */
	TIMING_MOVE,              /* IMAP MOVE (in the background) */
	TIMING_STAGES
};

/* Start stage (pausing the one running). */
void timing_push(enum timing_stage stage);

/* End the stage started last (resuming the one it paused). */
void timing_pop(void);

/* Add one run of microseconds to a stage, from any thread. */
void timing_add(enum timing_stage stage, gint64 microseconds);

/* Forget every figure (a new pass). */
void timing_reset(void);

/* "fetch-wait 12 ms, parse 80 ms (2000), ..." for every stage that ran:
 * milliseconds and how often it ran. The caller frees it. */
char *timing_summary(void);

#endif
