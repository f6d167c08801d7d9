#include "log.h"
#include "error.h"
#include "time.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CUT_MARK " [cut]"
#define WITHHELD "[message withheld: it could not be redacted]"

static struct {
	FILE *stream; /* NULL means stderr */
	enum da_log_level level;
	int color;
	int timestamps;
	int (*redact)(void *ctx, const char *text, struct da_buf *out);
	void *redact_ctx;
} cfg = {NULL, DA_LOG_INFO, 0, 0, NULL, NULL};

static const char *const labels[] = {
    [DA_LOG_ERROR] = "error",
    [DA_LOG_WARNING] = "warning",
    [DA_LOG_INFO] = NULL,
    [DA_LOG_DEBUG] = "debug",
};

static const char *const colors[] = {
    [DA_LOG_ERROR] = "\033[1;31m",
    [DA_LOG_WARNING] = "\033[1;33m",
    [DA_LOG_INFO] = "",
    [DA_LOG_DEBUG] = "\033[2m",
};

#define COLOR_OFF "\033[0m"
#define COLOR_DIM "\033[2m"

int da_log_color_wanted(int is_tty, const char *no_color,
			const char *force_color, const char *clicolor_force,
			const char *term)
{
	if (force_color)
		return strcmp(force_color, "0") != 0 &&
		       strcmp(force_color, "false") != 0;
	if (clicolor_force && *clicolor_force &&
	    strcmp(clicolor_force, "0") != 0)
		return 1;
	if (no_color && *no_color)
		return 0;
	if (!is_tty)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return 1;
}

void da_log_init(FILE *stream, enum da_log_level level)
{
	FILE *f = stream ? stream : stderr;
	int fd = fileno(f);

	cfg.stream = stream;
	da_log_set_level(level);
	cfg.color = da_log_color_wanted(
	    fd >= 0 && isatty(fd), getenv("NO_COLOR"), getenv("FORCE_COLOR"),
	    getenv("CLICOLOR_FORCE"), getenv("TERM"));
	cfg.timestamps = 0;
}

void da_log_set_level(enum da_log_level level)
{
	if ((int)level < (int)DA_LOG_ERROR)
		level = DA_LOG_ERROR;
	if (level > DA_LOG_DEBUG)
		level = DA_LOG_DEBUG;
	cfg.level = level;
}

enum da_log_level da_log_get_level(void)
{
	return cfg.level;
}

void da_log_set_verbosity(int verbosity)
{
	if (verbosity >= 1)
		cfg.level = DA_LOG_DEBUG;
	else if (verbosity == 0)
		cfg.level = DA_LOG_INFO;
	else if (verbosity == -1)
		cfg.level = DA_LOG_WARNING;
	else
		cfg.level = DA_LOG_ERROR;
}

int da_log_enabled(enum da_log_level level)
{
	return (int)level >= (int)DA_LOG_ERROR && level <= cfg.level;
}

void da_log_set_color(int on)
{
	cfg.color = !!on;
}

void da_log_set_timestamps(int on)
{
	cfg.timestamps = !!on;
}

void da_log_set_redactor(int (*fn)(void *ctx, const char *text,
				   struct da_buf *out),
			 void *ctx)
{
	cfg.redact = fn;
	cfg.redact_ctx = fn ? ctx : NULL;
}

/* Formats the message; an overlong one is cut and marked. */
__attribute__((format(printf, 2, 0))) static void
format_message(struct da_buf *msg, const char *fmt, va_list ap)
{
	va_list cp;
	int r;

	va_copy(cp, ap);
	r = da_buf_vaddf(msg, fmt, cp);
	va_end(cp);
	if (r == -DA_ELIMIT) {
		char *tmp = malloc(DA_MAX_LOG_LINE + 1);

		da_buf_reset(msg);
		if (tmp) {
			va_copy(cp, ap);
			r = vsnprintf(tmp,
				      DA_MAX_LOG_LINE + 1 - sizeof(CUT_MARK),
				      fmt, cp);
			va_end(cp);
			if (r >= 0)
				da_buf_adds(msg, tmp);
			free(tmp);
		}
		da_buf_adds(msg, CUT_MARK);
	}
	if (msg->len > 0 && msg->data[msg->len - 1] == '\n')
		da_buf_truncate(msg, msg->len - 1);
}

void da_log_v(enum da_log_level level, const char *fmt, va_list ap)
{
	struct da_buf msg = DA_BUF_INIT(DA_MAX_LOG_LINE);
	struct da_buf line = DA_BUF_INIT(2 * DA_MAX_LOG_LINE + 128);
	FILE *f = cfg.stream ? cfg.stream : stderr;
	const char *label;

	if (!da_log_enabled(level))
		return;
	label = labels[level];
	format_message(&msg, fmt, ap);
	if (cfg.timestamps) {
		char ts[DA_TIME_RFC3339_SIZE];

		if (da_time_format_rfc3339_ms(da_time_now_ms(), ts,
					      sizeof(ts)) == 0)
			da_buf_addf(&line, "%s%s%s ",
				    cfg.color ? COLOR_DIM : "", ts,
				    cfg.color ? COLOR_OFF : "");
	}
	if (label)
		da_buf_addf(&line, "%s%s:%s ", cfg.color ? colors[level] : "",
			    label, cfg.color ? COLOR_OFF : "");
	if (cfg.redact) {
		size_t before = line.len;

		if (cfg.redact(cfg.redact_ctx, da_buf_str(&msg), &line) < 0) {
			da_buf_truncate(&line, before);
			da_buf_adds(&line, WITHHELD);
		}
	} else {
		da_buf_add(&line, msg.data ? msg.data : "", msg.len);
	}
	da_buf_addch(&line, '\n');
	/* A log line that cannot be written has nowhere else to go. */
	(void)fwrite(da_buf_str(&line), 1, line.len, f);
	(void)fflush(f);
	da_buf_release(&msg);
	da_buf_release(&line);
}

void da_log(enum da_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	da_log_v(level, fmt, ap);
	va_end(ap);
}

void da_log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	da_log_v(DA_LOG_ERROR, fmt, ap);
	va_end(ap);
}

void da_log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	da_log_v(DA_LOG_WARNING, fmt, ap);
	va_end(ap);
}

void da_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	da_log_v(DA_LOG_INFO, fmt, ap);
	va_end(ap);
}

void da_log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	da_log_v(DA_LOG_DEBUG, fmt, ap);
	va_end(ap);
}
