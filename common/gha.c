#include "gha.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Random bytes in a heredoc delimiter (hex-encoded: twice as many chars). */
#define DELIM_BYTES ((size_t)16)
#define DELIM_PREFIX "ghadelim_"
/* How often a delimiter is re-drawn before giving up. */
#define DELIM_TRIES 16
/* Room kept for the truncation note; the note is always shorter. */
#define NOTE_MAX 128
/* How far back from the cap a cut of the summary file looks for a newline. */
#define CUT_WINDOW 4096

struct output {
	char *name;
	char *value;
};

struct da_gha {
	bool in_actions;
	char *output_path;  /* NULL: outputs are only kept */
	char *summary_path; /* NULL: summary text is discarded */
	bool summary_truncated;
	struct da_gha_random rnd;
	struct output *outputs;
	size_t n_outputs;
	char **secrets; /* longest first */
	size_t n_secrets;
};

static int default_fill(void *ctx, unsigned char *p, size_t n)
{
	size_t got = 0;
	ssize_t r;
	int fd;

	(void)ctx;
	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	/* Old kernels lack getrandom(2): fall back to the device. */
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -DA_EIO;
	while (got < n) {
		r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return got == n ? 0 : -DA_EIO;
}

static char *env_dup(const char *name, bool *ret_oom)
{
	const char *v = getenv(name);
	char *p;

	if (!v || !*v)
		return NULL;
	p = strdup(v);
	if (!p)
		*ret_oom = true;
	return p;
}

int da_gha_open(struct da_gha **ret_gha, struct da_err *err)
{
	struct da_gha *g;
	const char *ga = getenv("GITHUB_ACTIONS");
	bool oom = false;

	g = calloc(1, sizeof(*g));
	if (!g)
		return da_err_set(err, DA_ENOMEM,
				  "cannot set up the actions "
				  "runtime: out of memory");
	g->in_actions = ga && strcmp(ga, "true") == 0;
	g->output_path = env_dup("GITHUB_OUTPUT", &oom);
	g->summary_path = env_dup("GITHUB_STEP_SUMMARY", &oom);
	g->rnd.fill = default_fill;
	if (oom) {
		da_gha_free(g);
		return da_err_set(err, DA_ENOMEM,
				  "cannot set up the actions "
				  "runtime: out of memory");
	}
	*ret_gha = g;
	return 0;
}

void da_gha_free(struct da_gha *gha)
{
	size_t i;

	if (!gha)
		return;
	for (i = 0; i < gha->n_outputs; i++) {
		free(gha->outputs[i].name);
		free(gha->outputs[i].value);
	}
	free(gha->outputs);
	for (i = 0; i < gha->n_secrets; i++)
		free(gha->secrets[i]);
	free(gha->secrets);
	free(gha->output_path);
	free(gha->summary_path);
	free(gha);
}

bool da_gha_in_actions(const struct da_gha *gha)
{
	return gha->in_actions;
}

void da_gha_set_random(struct da_gha *gha, const struct da_gha_random *rnd)
{
	if (rnd && rnd->fill) {
		gha->rnd = *rnd;
	} else {
		gha->rnd.fill = default_fill;
		gha->rnd.ctx = NULL;
	}
}

/* Writes all of p to fd, retrying short writes. */
static int write_all(int fd, const char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * Opens a runner file for appending; it is never truncated on open. The
 * summary is opened for reading too, to find a line boundary to cut at.
 */
static int open_append(const char *path, int mode)
{
	return open(path, mode | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

/* Outputs --------------------------------------------------------------- */

bool da_gha_output_name_ok(const char *name)
{
	const char *p;

	if (!name || !*name)
		return false;
	for (p = name; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Draws a fresh delimiter into d (size DELIM_PREFIX + 2*DELIM_BYTES + 1). */
static int draw_delim(struct da_gha *g, char *d, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[DELIM_BYTES];
	size_t i, pre = strlen(DELIM_PREFIX);
	int r;

	if (size < pre + 2 * DELIM_BYTES + 1)
		return -DA_EINVAL;
	r = g->rnd.fill(g->rnd.ctx, raw, sizeof(raw));
	if (r < 0)
		return r;
	memcpy(d, DELIM_PREFIX, pre);
	for (i = 0; i < DELIM_BYTES; i++) {
		d[pre + 2 * i] = hex[raw[i] >> 4];
		d[pre + 2 * i + 1] = hex[raw[i] & 15];
	}
	d[pre + 2 * DELIM_BYTES] = '\0';
	return 0;
}

/* Builds the record GitHub's runner reads for one output. */
static int output_record(struct da_gha *g, const char *name, const char *value,
			 struct da_buf *rec, struct da_err *err)
{
	char delim[sizeof(DELIM_PREFIX) + 2 * DELIM_BYTES];
	int tries, r;

	if (!strpbrk(value, "\r\n")) {
		r = da_buf_addf(rec, "%s=%s\n", name, value);
		goto out;
	}
	for (tries = 0; tries < DELIM_TRIES; tries++) {
		r = draw_delim(g, delim, sizeof(delim));
		if (r < 0)
			return da_err_set(err, DA_EIO,
					  "cannot set output "
					  "'%s': no random data for a "
					  "delimiter",
					  name);
		if (!strstr(value, delim))
			break;
	}
	if (tries == DELIM_TRIES)
		return da_err_set(err, DA_EIO,
				  "cannot set output '%s': every "
				  "delimiter drawn occurs in the value",
				  name);
	r = da_buf_addf(rec, "%s<<%s\n%s\n%s\n", name, delim, value, delim);
out:
	if (r < 0)
		return da_err_set(err, -r, "cannot set output '%s': %s", name,
				  da_strerror(r));
	return 0;
}

/* Remembers name=value, replacing an earlier value of the same name. */
static int keep_output(struct da_gha *g, const char *name, const char *value,
		       struct da_err *err)
{
	struct output *o;
	char *v;
	size_t i;

	v = strdup(value);
	if (!v)
		goto oom;
	for (i = 0; i < g->n_outputs; i++) {
		if (strcmp(g->outputs[i].name, name) == 0) {
			free(g->outputs[i].value);
			g->outputs[i].value = v;
			return 0;
		}
	}
	if (g->n_outputs >= DA_GHA_MAX_OUTPUTS) {
		free(v);
		return da_err_set(err, DA_ELIMIT,
				  "cannot set output '%s': "
				  "more than %d outputs",
				  name, DA_GHA_MAX_OUTPUTS);
	}
	o = realloc(g->outputs, (g->n_outputs + 1) * sizeof(*o));
	if (!o) {
		free(v);
		goto oom;
	}
	g->outputs = o;
	o[g->n_outputs].name = strdup(name);
	if (!o[g->n_outputs].name) {
		free(v);
		goto oom;
	}
	o[g->n_outputs].value = v;
	g->n_outputs++;
	return 0;
oom:
	return da_err_set(err, DA_ENOMEM,
			  "cannot set output '%s': out of "
			  "memory",
			  name);
}

int da_gha_set_output(struct da_gha *gha, const char *name, const char *value,
		      struct da_err *err)
{
	struct da_buf rec = DA_BUF_INIT(DA_GHA_MAX_OUTPUT + 256);
	int fd = -1, r;

	if (!da_gha_output_name_ok(name))
		return da_err_set(err, DA_EINVAL,
				  "invalid output name '%s': "
				  "use letters, digits, '-' and '_'",
				  name ? name : "");
	if (strlen(value) > DA_GHA_MAX_OUTPUT)
		return da_err_set(err, DA_ELIMIT,
				  "cannot set output '%s': "
				  "value is over %zu bytes",
				  name, DA_GHA_MAX_OUTPUT);
	if (gha->output_path) {
		r = output_record(gha, name, value, &rec, err);
		if (r < 0)
			goto out;
		fd = open_append(gha->output_path, O_WRONLY);
		if (fd < 0 || write_all(fd, rec.data, rec.len) < 0) {
			r = da_err_set(err, DA_EIO,
				       "cannot write output '%s' "
				       "to '%s': %s",
				       name, gha->output_path, strerror(errno));
			goto out;
		}
	}
	r = keep_output(gha, name, value, err);
out:
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = da_err_set(err, DA_EIO,
			       "cannot write output '%s' to "
			       "'%s': %s",
			       name, gha->output_path, strerror(errno));
	da_buf_release(&rec);
	return r;
}

size_t da_gha_output_count(const struct da_gha *gha)
{
	return gha->n_outputs;
}

const char *da_gha_output_name(const struct da_gha *gha, size_t i)
{
	return i < gha->n_outputs ? gha->outputs[i].name : NULL;
}

const char *da_gha_output_value(const struct da_gha *gha, size_t i)
{
	return i < gha->n_outputs ? gha->outputs[i].value : NULL;
}

const char *da_gha_output_get(const struct da_gha *gha, const char *name)
{
	size_t i;

	for (i = 0; i < gha->n_outputs; i++)
		if (strcmp(gha->outputs[i].name, name) == 0)
			return gha->outputs[i].value;
	return NULL;
}

/* Redaction ------------------------------------------------------------- */

static int redact_n(const struct da_gha *g, const char *text, size_t len,
		    struct da_buf *out)
{
	size_t i = 0, start = 0, k, n = 0;
	int r;

	while (i < len) {
		for (k = 0; k < g->n_secrets; k++) {
			n = strlen(g->secrets[k]);
			if (g->secrets[k][0] == text[i] && n <= len - i &&
			    memcmp(text + i, g->secrets[k], n) == 0)
				break;
		}
		if (k == g->n_secrets) {
			i++;
			continue;
		}
		r = da_buf_add(out, text + start, i - start);
		if (r == 0)
			r = da_buf_adds(out, "***");
		if (r < 0)
			return r;
		i += n;
		start = i;
	}
	return da_buf_add(out, text + start, len - start);
}

int da_gha_redact(const struct da_gha *gha, const char *text,
		  struct da_buf *out)
{
	return redact_n(gha, text, strlen(text), out);
}

/* Adds one secret, keeping the list sorted longest first. */
static int remember(struct da_gha *g, const char *s, size_t n)
{
	char **v, *p;
	size_t i, at;

	for (i = 0; i < g->n_secrets; i++)
		if (strlen(g->secrets[i]) == n &&
		    memcmp(g->secrets[i], s, n) == 0)
			return 0;
	if (g->n_secrets >= DA_GHA_MAX_SECRETS)
		return -DA_ELIMIT;
	p = strndup(s, n);
	if (!p)
		return -DA_ENOMEM;
	v = realloc(g->secrets, (g->n_secrets + 1) * sizeof(*v));
	if (!v) {
		free(p);
		return -DA_ENOMEM;
	}
	g->secrets = v;
	for (at = 0; at < g->n_secrets; at++)
		if (strlen(v[at]) < n)
			break;
	memmove(v + at + 1, v + at, (g->n_secrets - at) * sizeof(*v));
	v[at] = p;
	g->n_secrets++;
	return 0;
}

/* Log output ------------------------------------------------------------ */

/* Writes a finished line to out. */
static int emit(FILE *out, const struct da_buf *line, struct da_err *err)
{
	if (fwrite(da_buf_str(line), 1, line->len, out) != line->len ||
	    fflush(out) != 0)
		return da_err_set(err, DA_EIO, "cannot write to the log: %s",
				  strerror(errno));
	return 0;
}

static int escape(struct da_buf *out, const char *s, size_t n, bool property)
{
	const char *end = s + n;
	int r = 0;

	for (; s < end && r == 0; s++) {
		switch (*s) {
		case '%':
			r = da_buf_adds(out, "%25");
			break;
		case '\r':
			r = da_buf_adds(out, "%0D");
			break;
		case '\n':
			r = da_buf_adds(out, "%0A");
			break;
		case ':':
			r = property ? da_buf_adds(out, "%3A")
				     : da_buf_addch(out, ':');
			break;
		case ',':
			r = property ? da_buf_adds(out, "%2C")
				     : da_buf_addch(out, ',');
			break;
		default:
			r = da_buf_addch(out, *s);
			break;
		}
	}
	return r;
}

int da_gha_escape_data(struct da_buf *out, const char *s)
{
	return escape(out, s, strlen(s), false);
}

int da_gha_escape_property(struct da_buf *out, const char *s)
{
	return escape(out, s, strlen(s), true);
}

static const char *level_name(enum da_gha_level level)
{
	switch (level) {
	case DA_GHA_ERROR:
		return "error";
	case DA_GHA_WARNING:
		return "warning";
	default:
		return "notice";
	}
}

/* Redacts s into tmp (emptied first); returns tmp's text or NULL. */
static const char *redacted(const struct da_gha *g, struct da_buf *tmp,
			    const char *s)
{
	da_buf_reset(tmp);
	if (da_gha_redact(g, s, tmp) < 0)
		return NULL;
	return da_buf_str(tmp);
}

/* Appends ",key=value" (or "key=value" first) with value escaped. */
static int add_prop(struct da_buf *b, bool *first, const char *key,
		    const char *value)
{
	int r = da_buf_addf(b, "%s%s=", *first ? " " : ",", key);

	*first = false;
	return r < 0 ? r : da_gha_escape_property(b, value);
}

static int add_num_prop(struct da_buf *b, bool *first, const char *key, long n)
{
	int r;

	if (n <= 0)
		return 0;
	r = da_buf_addf(b, "%s%s=%ld", *first ? " " : ",", key, n);
	*first = false;
	return r;
}

static int annotation_command(const struct da_gha *g, struct da_buf *b,
			      enum da_gha_level level,
			      const struct da_gha_loc *loc, const char *msg)
{
	struct da_buf tmp = DA_BUF_INIT(DA_GHA_MAX_COMMAND);
	bool first = true;
	const char *s;
	int r;

	r = da_buf_addf(b, "::%s", level_name(level));
	if (r == 0 && loc && loc->file && *loc->file) {
		s = redacted(g, &tmp, loc->file);
		r = s ? add_prop(b, &first, "file", s) : -DA_ELIMIT;
	}
	if (r == 0 && loc)
		r = add_num_prop(b, &first, "line", loc->line);
	if (r == 0 && loc)
		r = add_num_prop(b, &first, "endLine", loc->end_line);
	if (r == 0 && loc)
		r = add_num_prop(b, &first, "col", loc->col);
	if (r == 0 && loc)
		r = add_num_prop(b, &first, "endColumn", loc->end_col);
	if (r == 0 && loc && loc->title && *loc->title) {
		s = redacted(g, &tmp, loc->title);
		r = s ? add_prop(b, &first, "title", s) : -DA_ELIMIT;
	}
	if (r == 0)
		r = da_buf_adds(b, "::");
	if (r == 0) {
		s = redacted(g, &tmp, msg);
		r = s ? da_gha_escape_data(b, s) : -DA_ELIMIT;
	}
	if (r == 0)
		r = da_buf_addch(b, '\n');
	da_buf_release(&tmp);
	return r;
}

static int annotation_text(const struct da_gha *g, struct da_buf *b,
			   enum da_gha_level level,
			   const struct da_gha_loc *loc, const char *msg)
{
	struct da_buf raw = DA_BUF_INIT(DA_GHA_MAX_COMMAND);
	int r;

	r = da_buf_addf(&raw, "%s: ", level_name(level));
	if (r == 0 && loc && loc->file && *loc->file) {
		r = da_buf_adds(&raw, loc->file);
		if (r == 0 && loc->line > 0)
			r = da_buf_addf(&raw, ":%ld", loc->line);
		if (r == 0 && loc->line > 0 && loc->col > 0)
			r = da_buf_addf(&raw, ":%ld", loc->col);
		if (r == 0)
			r = da_buf_adds(&raw, ": ");
	}
	if (r == 0 && loc && loc->title && *loc->title)
		r = da_buf_addf(&raw, "%s: ", loc->title);
	if (r == 0)
		r = da_buf_adds(&raw, msg);
	if (r == 0)
		r = da_gha_redact(g, da_buf_str(&raw), b);
	if (r == 0)
		r = da_buf_addch(b, '\n');
	da_buf_release(&raw);
	return r;
}

int da_gha_annotate(struct da_gha *gha, FILE *out, enum da_gha_level level,
		    const struct da_gha_loc *loc, const char *msg,
		    struct da_err *err)
{
	struct da_buf line = DA_BUF_INIT(DA_GHA_MAX_COMMAND);
	int r;

	if (gha->in_actions)
		r = annotation_command(gha, &line, level, loc, msg);
	else
		r = annotation_text(gha, &line, level, loc, msg);
	if (r < 0) {
		r = da_err_set(err, -r, "cannot write %s annotation: %s",
			       level_name(level), da_strerror(r));
		goto out;
	}
	r = emit(out, &line, err);
out:
	da_buf_release(&line);
	return r;
}

static bool blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

int da_gha_mask(struct da_gha *gha, FILE *out, const char *secret,
		struct da_err *err)
{
	struct da_buf cmd = DA_BUF_INIT(DA_GHA_MAX_COMMAND);
	const char *p = secret, *nl;
	size_t n;
	int r = 0;

	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n && p[n - 1] == '\r')
			n--;
		if (!blank(p, n)) {
			r = remember(gha, p, n);
			if (r < 0) {
				r = da_err_set(err, -r,
					       "cannot mask a secret: "
					       "%s",
					       da_strerror(r));
				goto out;
			}
			if (gha->in_actions) {
				r = da_buf_adds(&cmd, "::add-mask::");
				if (r == 0)
					r = escape(&cmd, p, n, false);
				if (r == 0)
					r = da_buf_addch(&cmd, '\n');
				if (r < 0) {
					r = da_err_set(err, -r,
						       "cannot mask "
						       "a secret: %s",
						       da_strerror(r));
					goto out;
				}
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (cmd.len)
		r = emit(out, &cmd, err);
out:
	da_buf_release(&cmd);
	return r;
}

/* Emits prefix + redacted text + suffix as one line. */
static int emit_wrapped(struct da_gha *g, FILE *out, const char *prefix,
			const char *text, const char *suffix, bool escaped,
			struct da_err *err)
{
	struct da_buf line = DA_BUF_INIT(DA_GHA_MAX_COMMAND);
	struct da_buf tmp = DA_BUF_INIT(DA_GHA_MAX_COMMAND);
	const char *s;
	int r;

	r = da_buf_adds(&line, prefix);
	if (r == 0) {
		s = redacted(g, &tmp, text);
		if (!s)
			r = -DA_ELIMIT;
		else if (escaped)
			r = da_gha_escape_data(&line, s);
		else
			r = da_buf_adds(&line, s);
	}
	if (r == 0)
		r = da_buf_adds(&line, suffix);
	if (r < 0)
		r = da_err_set(err, -r, "cannot write to the log: %s",
			       da_strerror(r));
	else
		r = emit(out, &line, err);
	da_buf_release(&tmp);
	da_buf_release(&line);
	return r;
}

int da_gha_group_start(struct da_gha *gha, FILE *out, const char *title,
		       struct da_err *err)
{
	if (gha->in_actions)
		return emit_wrapped(gha, out, "::group::", title, "\n", true,
				    err);
	return emit_wrapped(gha, out, "== ", title, " ==\n", false, err);
}

int da_gha_group_end(struct da_gha *gha, FILE *out, struct da_err *err)
{
	if (!gha->in_actions)
		return 0;
	return emit_wrapped(gha, out, "::endgroup::", "", "\n", false, err);
}

int da_gha_debug(struct da_gha *gha, FILE *out, const char *msg,
		 struct da_err *err)
{
	const char *dbg = getenv("RUNNER_DEBUG");

	if (gha->in_actions)
		return emit_wrapped(gha, out, "::debug::", msg, "\n", true,
				    err);
	if (!dbg || strcmp(dbg, "1") != 0)
		return 0;
	return emit_wrapped(gha, out, "debug: ", msg, "\n", false, err);
}

/* Job summary ----------------------------------------------------------- */

bool da_gha_has_summary(const struct da_gha *gha)
{
	return gha->summary_path != NULL;
}

bool da_gha_summary_truncated(const struct da_gha *gha)
{
	return gha->summary_truncated;
}

/* Length of the longest prefix of p[0..n) that ends at a line boundary. */
static size_t line_prefix(const char *p, size_t n)
{
	while (n && p[n - 1] != '\n')
		n--;
	return n;
}

/*
 * The file already holds more than the note leaves room for: shorten it
 * to a line boundary at most limit bytes long. Without a newline close
 * enough, cut at limit, backing off a partial UTF-8 sequence.
 */
static int shrink_file(int fd, off_t size, size_t limit)
{
	char win[CUT_WINDOW];
	size_t from, n, keep;
	ssize_t got;

	if ((size_t)size <= limit)
		return 0;
	from = limit > CUT_WINDOW ? limit - CUT_WINDOW : 0;
	n = limit - from;
	got = pread(fd, win, n, (off_t)from);
	if (got < 0 || (size_t)got != n)
		return -1;
	keep = line_prefix(win, n);
	if (keep == 0) {
		keep = n;
		while (keep && (win[keep - 1] & 0xC0) == 0x80)
			keep--;
		if (keep && (win[keep - 1] & 0xC0) == 0xC0)
			keep--;
	}
	return ftruncate(fd, (off_t)(from + keep));
}

static int summary_write(struct da_gha *g, int fd, const char *p, size_t n)
{
	struct stat st;
	char note[NOTE_MAX];
	size_t size, over, cut;
	int len;

	if (fstat(fd, &st) < 0)
		return -1;
	size = (size_t)st.st_size;
	if (size <= DA_GHA_SUMMARY_MAX && n <= DA_GHA_SUMMARY_MAX - size)
		return write_all(fd, p, n);
	over = size + n - DA_GHA_SUMMARY_MAX;
	len = snprintf(note, sizeof(note),
		       "\n> **Note:** summary truncated: "
		       "%zu bytes over GitHub's 1 MiB limit.\n",
		       over);
	if (len < 0 || (size_t)len >= sizeof(note))
		return -1;
	g->summary_truncated = true;
	if (size + (size_t)len <= DA_GHA_SUMMARY_MAX) {
		cut = line_prefix(p, DA_GHA_SUMMARY_MAX - size - (size_t)len);
		if (write_all(fd, p, cut) < 0)
			return -1;
	} else if (shrink_file(fd, st.st_size,
			       DA_GHA_SUMMARY_MAX - (size_t)len) < 0) {
		return -1;
	}
	return write_all(fd, note, (size_t)len);
}

int da_gha_summary_add(struct da_gha *gha, const char *md, size_t len,
		       struct da_err *err)
{
	struct da_buf text = DA_BUF_INIT(0);
	int fd = -1, r = 0;

	if (!gha->summary_path || gha->summary_truncated || !len)
		return 0;
	r = redact_n(gha, md, len, &text);
	if (r < 0) {
		r = da_err_set(err, -r, "cannot write the job summary: %s",
			       da_strerror(r));
		goto out;
	}
	fd = open_append(gha->summary_path, O_RDWR);
	if (fd < 0 || summary_write(gha, fd, text.data, text.len) < 0) {
		r = da_err_set(err, DA_EIO,
			       "cannot write the job summary "
			       "'%s': %s",
			       gha->summary_path, strerror(errno));
		goto out;
	}
out:
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = da_err_set(err, DA_EIO,
			       "cannot write the job summary "
			       "'%s': %s",
			       gha->summary_path, strerror(errno));
	da_buf_release(&text);
	return r;
}

/*
 * Characters that would start HTML or emphasis in a cell, written as
 * entities so that a value such as "a_b*c" or "<none>" shows as it is.
 */
static const char *md_entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '*':
		return "&#42;";
	case '_':
		return "&#95;";
	case '`':
		return "&#96;";
	case '~':
		return "&#126;";
	default:
		return NULL;
	}
}

int da_gha_md_cell(struct da_buf *out, const char *text)
{
	const char *s;
	int r = 0;

	for (s = text; *s && r == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '|')
			r = da_buf_adds(out, "\\|");
		else if (c == '\\')
			r = da_buf_adds(out, "\\\\");
		else if (c == '\r' && s[1] == '\n')
			continue; /* the LF that follows ends the line */
		else if (c == '\r' || c == '\n')
			r = da_buf_adds(out, "<br>");
		else if (c < 0x20 || c == 0x7f)
			r = da_buf_addch(out, ' ');
		else if (md_entity(c))
			r = da_buf_adds(out, md_entity(c));
		else
			r = da_buf_addch(out, (char)c);
	}
	return r;
}

/* Context --------------------------------------------------------------- */

static const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *da_gha_repository(void)
{
	return env_or_null("GITHUB_REPOSITORY");
}

const char *da_gha_sha(void)
{
	return env_or_null("GITHUB_SHA");
}

const char *da_gha_ref(void)
{
	return env_or_null("GITHUB_REF");
}

const char *da_gha_event_name(void)
{
	return env_or_null("GITHUB_EVENT_NAME");
}

const char *da_gha_event_path(void)
{
	return env_or_null("GITHUB_EVENT_PATH");
}

const char *da_gha_workspace(void)
{
	return env_or_null("GITHUB_WORKSPACE");
}

const char *da_gha_run_id(void)
{
	return env_or_null("GITHUB_RUN_ID");
}

const char *da_gha_server_url(void)
{
	return env_or_null("GITHUB_SERVER_URL");
}

const char *da_gha_api_url(void)
{
	const char *v = env_or_null("GITHUB_API_URL");

	return v ? v : "https://api.github.com";
}

const char *da_gha_temp_dir(void)
{
	const char *v = env_or_null("RUNNER_TEMP");

	if (!v)
		v = env_or_null("TMPDIR");
	return v ? v : P_tmpdir;
}
