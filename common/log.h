/*
 * log: diagnostic lines from main.c and tool code, by verbosity.
 *
 * Library code never logs; it returns errors. This module is for the
 * programs: "error: ...", "warning: ...", plain info lines and
 * "debug: ..." on a stream main.c picks (stderr by default), each line
 * written whole and flushed. Lines above the chosen level are dropped.
 *
 * Every message passes through the redactor, when one is set, before it
 * is written, so a secret that reaches a log call comes out masked. If
 * the redactor fails the message is replaced, never written in clear.
 *
 * Colour (the level word only) is used when da_log_color_wanted() says
 * so for the stream: a terminal, NO_COLOR unset or empty, TERM not
 * "dumb"; FORCE_COLOR (any value but "0" or "false") and CLICOLOR_FORCE
 * (any value but "0") turn it on anywhere and win over NO_COLOR;
 * FORCE_COLOR=0 turns it off. Timestamps (RFC 3339 UTC with
 * milliseconds) are off unless asked for.
 *
 * The settings are process-wide; the module owns no memory that needs
 * freeing. Messages longer than DA_MAX_LOG_LINE are cut, marked "[cut]".
 */
#ifndef DA_LOG_H
#define DA_LOG_H

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>

#define DA_MAX_LOG_LINE 65536

enum da_log_level {
	DA_LOG_ERROR = 0,
	DA_LOG_WARNING,
	DA_LOG_INFO,
	DA_LOG_DEBUG,
};

/*
 * Writes to stream (NULL: stderr) at level, with colour decided from the
 * stream and the environment, no timestamps. The redactor is kept.
 */
void da_log_init(FILE *stream, enum da_log_level level);

/* Lines at or below level are written. */
void da_log_set_level(enum da_log_level level);
enum da_log_level da_log_get_level(void);

/*
 * Sets the level from a -v/-q count: 0 info (the default), 1 or more
 * debug, -1 warnings and errors, -2 or less errors only.
 */
void da_log_set_verbosity(int verbosity);

/* Whether a line at level would be written (to skip costly messages). */
int da_log_enabled(enum da_log_level level);

/* Overrides the colour decision of da_log_init(). */
void da_log_set_color(int on);

/* Puts "2026-11-21T23:43:42.123Z " in front of each line when on. */
void da_log_set_timestamps(int on);

/*
 * Every message goes through fn before it is written: fn appends text,
 * with secrets masked, to out and returns 0 (or a negative DA_E* value,
 * and the message is dropped for a notice). fn NULL removes it.
 */
void da_log_set_redactor(int (*fn)(void *ctx, const char *text,
				   struct da_buf *out),
			 void *ctx);

/*
 * The colour rules above as a pure function of whether the stream is a
 * terminal and the values of NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE and
 * TERM (NULL when unset). Returns 1 for colour, 0 for none.
 */
int da_log_color_wanted(int is_tty, const char *no_color,
			const char *force_color, const char *clicolor_force,
			const char *term);

/* Writes one printf-style line at level (a trailing newline is dropped). */
void da_log(enum da_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void da_log_v(enum da_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Shorthands for da_log() at each level. */
void da_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void da_log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void da_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void da_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
