#include "opt.h"
#include "version.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest option name the "did you mean" search compares. */
#define SUGGEST_MAX_NAME 64
/* The description column of --help never starts further right than this. */
#define HELP_MAX_LEFT 32
/* A space --help never breaks a line at, as in "Default: 30". */
#define NBSP ((char)1)
#define NBSP_S "\x01"

struct value {
	enum da_opt_source src;
	char *str; /* the text as given (owned); NULL if unset */
	bool b;
	long long n;
	char **items; /* DA_OPT_LIST: trimmed, non-empty items */
	size_t n_items;
};

struct da_opts {
	const struct da_opt_tool *tool;
	size_t n;
	struct value *v; /* one per table entry, same order */
	char **args;
	size_t n_args;
};

enum show {
	SHOW_NONE,
	SHOW_HELP,
	SHOW_VERSION,
	SHOW_JSON,
};

/* One value from the command line, applied after the lower sources. */
struct assign {
	size_t idx;
	const char *value;
	char short_name; /* the spelling used: -x, or 0 for --name */
};

struct cmdline {
	struct assign *as;
	size_t n_as;
	const char **pos;
	size_t n_pos;
	enum show show;
};

static size_t count_opts(const struct da_opt *t)
{
	size_t n = 0;

	while (t[n].name)
		n++;
	return n;
}

static bool find_opt(const struct da_opt_tool *tool, const char *name,
		     size_t len, size_t *ret_idx)
{
	size_t i;

	for (i = 0; tool->opts[i].name; i++) {
		if (strlen(tool->opts[i].name) == len &&
		    memcmp(tool->opts[i].name, name, len) == 0) {
			*ret_idx = i;
			return true;
		}
	}
	return false;
}

static bool find_short(const struct da_opt_tool *tool, char c, size_t *ret_idx)
{
	size_t i;

	for (i = 0; tool->opts[i].name; i++) {
		if (tool->opts[i].short_name == c) {
			*ret_idx = i;
			return true;
		}
	}
	return false;
}

/* Levenshtein distance, or SIZE_MAX for names too long to compare. */
static size_t distance(const char *a, size_t la, const char *b)
{
	size_t row[SUGGEST_MAX_NAME + 1], i, j, lb = strlen(b), diag, up;

	if (la > SUGGEST_MAX_NAME || lb > SUGGEST_MAX_NAME)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = diag + (a[i - 1] != b[j - 1]);

			up = row[j];
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* Finds the closest long option name within distance 2; "" if none. */
static void suggest(const struct da_opt_tool *tool, const char *name,
		    size_t len, char *out, size_t size)
{
	static const char *const builtin[] = {"help", "version"};
	size_t best = 3, d, i;
	int n;

	out[0] = '\0';
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		d = distance(name, len, builtin[i]);
		if (d < best) {
			best = d;
			n = snprintf(out, size, "%s", builtin[i]);
			if (n < 0 || (size_t)n >= size)
				out[0] = '\0';
		}
	}
	for (i = 0; tool->opts[i].name; i++) {
		const struct da_opt *o = &tool->opts[i];

		if (o->flags & DA_OPT_HIDDEN)
			continue;
		d = distance(name, len, o->name);
		if (d < best) {
			best = d;
			n = snprintf(out, size, "%s", o->name);
			if (n < 0 || (size_t)n >= size)
				out[0] = '\0';
		}
		/* "--no-jsn" should find "--no-json". */
		if (o->type == DA_OPT_BOOL && len > 3 &&
		    strncmp(name, "no-", 3) == 0) {
			d = distance(name + 3, len - 3, o->name);
			if (d < best) {
				best = d;
				n = snprintf(out, size, "no-%s", o->name);
				if (n < 0 || (size_t)n >= size)
					out[0] = '\0';
			}
		}
	}
}

static int unknown_long(const struct da_opt_tool *tool, const char *arg,
			size_t len, struct da_err *err)
{
	char near[SUGGEST_MAX_NAME + 8];

	suggest(tool, arg + 2, len - 2, near, sizeof(near));
	if (near[0])
		return da_err_set(err, DA_EINVAL,
				  "unknown option '%.*s'; did "
				  "you mean '--%s'?",
				  (int)len, arg, near);
	return da_err_set(err, DA_EINVAL,
			  "unknown option '%.*s'; see "
			  "--help",
			  (int)len, arg);
}

/* Value parsing ----------------------------------------------------------- */

/* Describes where a value came from, for error messages. */
static void where(char *buf, size_t size, const struct da_opt *o,
		  enum da_opt_source src, char short_name)
{
	int n;

	switch (src) {
	case DA_OPT_SRC_FLAG:
		if (short_name)
			n = snprintf(buf, size, "'-%c'", short_name);
		else
			n = snprintf(buf, size, "'--%s'", o->name);
		break;
	case DA_OPT_SRC_INPUT:
		n = snprintf(buf, size, "input '%s'", o->name);
		break;
	case DA_OPT_SRC_ENV:
		n = snprintf(buf, size, "environment variable '%s'", o->env);
		break;
	default:
		n = snprintf(buf, size, "the default of '--%s'", o->name);
		break;
	}
	/* A cut text still names the option; only a failure leaves none. */
	if (n < 0)
		buf[0] = '\0';
}

static bool parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = {"true", "yes", "1"};
	static const char *const no[] = {"false", "no", "0"};
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return true;
		}
	}
	return false;
}

static bool unbounded(const struct da_opt *o)
{
	return o->min == 0 && o->max == 0;
}

/* Parses a decimal integer: optional sign, digits, nothing else. */
static const char *parse_int(const char *s, const struct da_opt *o,
			     long long *ret, char *why, size_t size)
{
	const char *p = s;
	char *end;
	long long n;
	int w;

	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return "expected an integer";
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end)
		return "expected an integer";
	if (errno == ERANGE)
		return "out of range";
	if (!unbounded(o) && (n < o->min || n > o->max)) {
		if (o->max == LLONG_MAX)
			w = snprintf(why, size, "must be at least %lld",
				     o->min);
		else if (o->min == LLONG_MIN)
			w = snprintf(why, size, "must be at most %lld", o->max);
		else
			w = snprintf(why, size,
				     "must be between %lld and "
				     "%lld",
				     o->min, o->max);
		if (w < 0 || (size_t)w >= size)
			return "out of range";
		return why;
	}
	*ret = n;
	return NULL;
}

static void free_items(char **items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/*
 * Appends the items of raw to *items: split on newlines, and on commas
 * too unless the option holds whole lines (DA_OPT_LINES).
 */
static int split_list(const char *raw, const char *seps, char ***items,
		      size_t *n)
{
	const char *p = raw, *s, *end;
	char **v;
	size_t len;

	while (*p) {
		len = strcspn(p, seps);
		s = p;
		end = p + len;
		while (s < end && strchr(" \t\r", *s))
			s++;
		while (end > s && strchr(" \t\r", end[-1]))
			end--;
		if (end > s) {
			if (*n >= DA_OPT_MAX_LIST)
				return -DA_ELIMIT;
			v = realloc(*items, (*n + 1) * sizeof(*v));
			if (!v)
				return -DA_ENOMEM;
			*items = v;
			v[*n] = strndup(s, (size_t)(end - s));
			if (!v[*n])
				return -DA_ENOMEM;
			(*n)++;
		}
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

/*
 * Checks raw against the option's type and stores it. A list replaces the
 * earlier items unless append is set (a repeated flag).
 */
static int assign(struct da_opts *o, size_t idx, const char *raw,
		  enum da_opt_source src, char short_name, bool append,
		  struct da_err *err)
{
	const struct da_opt *opt = &o->tool->opts[idx];
	struct value *v = &o->v[idx];
	char at[160], why[96];
	const char *bad = NULL;
	char **items = NULL;
	size_t n_items = 0;
	long long num = 0;
	bool b = false;
	char *copy;
	int r;

	where(at, sizeof(at), opt, src, short_name);
	if (strlen(raw) > DA_OPT_MAX_VALUE)
		return da_err_set(err, DA_ELIMIT,
				  "value for %s is over %zu "
				  "bytes",
				  at, DA_OPT_MAX_VALUE);
	switch (opt->type) {
	case DA_OPT_BOOL:
		if (!parse_bool(raw, &b))
			bad = "expected true or false";
		break;
	case DA_OPT_INT:
		bad = parse_int(raw, opt, &num, why, sizeof(why));
		break;
	case DA_OPT_LIST:
		if (append && v->src == src) {
			items = v->items;
			n_items = v->n_items;
			v->items = NULL;
			v->n_items = 0;
		}
		r = split_list(raw, (opt->flags & DA_OPT_LINES) ? "\n" : ",\n",
			       &items, &n_items);
		if (r < 0) {
			free_items(items, n_items);
			if (r == -DA_ELIMIT)
				return da_err_set(err, DA_ELIMIT,
						  "too many "
						  "values for %s: at most %d",
						  at, DA_OPT_MAX_LIST);
			return da_err_set(err, DA_ENOMEM,
					  "cannot read %s: out "
					  "of memory",
					  at);
		}
		break;
	case DA_OPT_STRING:
		break;
	}
	if (bad && (opt->flags & DA_OPT_SECRET))
		return da_err_set(err, DA_EINVAL, "invalid value for %s: %s",
				  at, bad);
	if (bad)
		return da_err_set(err, DA_EINVAL,
				  "invalid value '%s' for %s: "
				  "%s",
				  raw, at, bad);
	copy = strdup(raw);
	if (!copy) {
		free_items(items, n_items);
		return da_err_set(err, DA_ENOMEM,
				  "cannot read %s: out of "
				  "memory",
				  at);
	}
	free(v->str);
	free_items(v->items, v->n_items);
	v->str = copy;
	v->b = b;
	v->n = num;
	v->items = items;
	v->n_items = n_items;
	v->src = src;
	return 0;
}

/* The command line ------------------------------------------------------ */

static int add_assign(struct cmdline *c, size_t idx, const char *value,
		      char short_name, struct da_err *err)
{
	struct assign *a = realloc(c->as, (c->n_as + 1) * sizeof(*a));

	if (!a)
		return da_err_set(err, DA_ENOMEM,
				  "cannot parse options: out "
				  "of memory");
	c->as = a;
	a[c->n_as].idx = idx;
	a[c->n_as].value = value;
	a[c->n_as].short_name = short_name;
	c->n_as++;
	return 0;
}

static int add_positional(const struct da_opt_tool *tool, struct cmdline *c,
			  const char *arg, int argi, struct da_err *err)
{
	const char **p;

	/*
	 * The text is not repeated: a stray argument is often the value of
	 * a secret given to the wrong flag (--json ghp_...).
	 */
	if (!tool->args)
		return da_err_set(err, DA_EINVAL,
				  "unexpected argument %d (%zu characters); "
				  "%s takes options only, values as "
				  "'--name=value'",
				  argi, strlen(arg), tool->name);
	p = realloc(c->pos, (c->n_pos + 1) * sizeof(*p));
	if (!p)
		return da_err_set(err, DA_ENOMEM,
				  "cannot parse options: out "
				  "of memory");
	c->pos = p;
	p[c->n_pos++] = arg;
	return 0;
}

static void want_show(struct cmdline *c, enum show s)
{
	/* The first of --help, --version, --options-json wins. */
	if (c->show == SHOW_NONE)
		c->show = s;
}

static int parse_long(const struct da_opt_tool *tool, struct cmdline *c,
		      int argc, char *argv[], int *i, struct da_err *err)
{
	const char *arg = argv[*i], *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name), idx;
	const struct da_opt *o;
	static const struct {
		const char *name;
		enum show show;
	} builtin[] = {
	    {"help", SHOW_HELP},
	    {"version", SHOW_VERSION},
	    {"options-json", SHOW_JSON},
	};
	size_t k;

	for (k = 0; k < sizeof(builtin) / sizeof(builtin[0]); k++) {
		if (strlen(builtin[k].name) != len ||
		    memcmp(builtin[k].name, name, len) != 0)
			continue;
		if (eq)
			return da_err_set(err, DA_EINVAL,
					  "option '--%s' takes "
					  "no value",
					  builtin[k].name);
		want_show(c, builtin[k].show);
		return 0;
	}
	if (find_opt(tool, name, len, &idx)) {
		o = &tool->opts[idx];
		if (eq)
			return add_assign(c, idx, eq + 1, 0, err);
		if (o->type == DA_OPT_BOOL)
			return add_assign(c, idx, "true", 0, err);
		if (*i + 1 >= argc)
			return da_err_set(err, DA_EINVAL,
					  "option '--%s' needs "
					  "a value (%s)",
					  o->name, o->arg ? o->arg : "VALUE");
		(*i)++;
		return add_assign(c, idx, argv[*i], 0, err);
	}
	if (len > 3 && strncmp(name, "no-", 3) == 0 &&
	    find_opt(tool, name + 3, len - 3, &idx) &&
	    tool->opts[idx].type == DA_OPT_BOOL) {
		if (eq)
			return da_err_set(err, DA_EINVAL,
					  "option '--%.*s' "
					  "takes no value",
					  (int)len, name);
		return add_assign(c, idx, "false", 0, err);
	}
	return unknown_long(tool, arg, len + 2, err);
}

static int parse_short(const struct da_opt_tool *tool, struct cmdline *c,
		       int argc, char *argv[], int *i, struct da_err *err)
{
	const char *arg = argv[*i];
	size_t j, idx;
	int r;

	for (j = 1; arg[j]; j++) {
		if (arg[j] == 'h') {
			want_show(c, SHOW_HELP);
			continue;
		}
		if (!find_short(tool, arg[j], &idx))
			return da_err_set(err, DA_EINVAL,
					  "unknown option "
					  "'-%c'; see --help",
					  arg[j]);
		if (tool->opts[idx].type == DA_OPT_BOOL) {
			r = add_assign(c, idx, "true", arg[j], err);
			if (r < 0)
				return r;
			continue;
		}
		/* -uURL or -u URL: the rest of the word is the value. */
		if (arg[j + 1])
			return add_assign(c, idx, arg + j + 1, arg[j], err);
		if (*i + 1 >= argc)
			return da_err_set(err, DA_EINVAL,
					  "option '-%c' needs "
					  "a value (%s)",
					  arg[j],
					  tool->opts[idx].arg
					      ? tool->opts[idx].arg
					      : "VALUE");
		(*i)++;
		return add_assign(c, idx, argv[*i], arg[j], err);
	}
	return 0;
}

static int parse_argv(const struct da_opt_tool *tool, int argc, char *argv[],
		      struct cmdline *c, struct da_err *err)
{
	bool only_positional = false;
	int i, r = 0;

	for (i = 1; i < argc && r == 0; i++) {
		const char *a = argv[i];

		if (only_positional || a[0] != '-' || a[1] == '\0')
			r = add_positional(tool, c, a, i, err);
		else if (strcmp(a, "--") == 0)
			only_positional = true;
		else if (a[1] == '-')
			r = parse_long(tool, c, argc, argv, &i, err);
		else
			r = parse_short(tool, c, argc, argv, &i, err);
	}
	return r;
}

/* DA_INPUTS ------------------------------------------------------------- */

static int apply_inputs(struct da_opts *o, const char *text, struct da_err *err)
{
	const struct da_opt_tool *tool = o->tool;
	json_error_t jerr;
	json_t *root, *val;
	const char *key;
	char num[32];
	size_t idx;
	int r = 0, n;

	if (strlen(text) > DA_OPT_MAX_INPUTS)
		return da_err_set(err, DA_ELIMIT, "DA_INPUTS is over %zu bytes",
				  DA_OPT_MAX_INPUTS);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* jansson quotes the input "near '...'": it may be a secret. */
		char *near = strstr(jerr.text, " near ");

		if (near)
			*near = '\0';
		return da_err_set(err, DA_EINVAL,
				  "cannot parse DA_INPUTS: %s "
				  "at offset %d",
				  jerr.text, jerr.position);
	}
	if (!json_is_object(root)) {
		r = da_err_set(err, DA_EINVAL,
			       "DA_INPUTS must be a JSON "
			       "object of input names and values");
		goto out;
	}
	json_object_foreach(root, key, val)
	{
		const char *s;

		if (!find_opt(tool, key, strlen(key), &idx) ||
		    (tool->opts[idx].flags & DA_OPT_HIDDEN)) {
			r = da_err_set(err, DA_EINVAL,
				       "unknown input '%s' in "
				       "DA_INPUTS",
				       key);
			goto out;
		}
		if (json_is_string(val)) {
			s = json_string_value(val);
		} else if (json_is_true(val) || json_is_false(val)) {
			s = json_is_true(val) ? "true" : "false";
		} else if (json_is_integer(val)) {
			n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				     json_integer_value(val));
			if (n < 0 || (size_t)n >= sizeof(num)) {
				r = da_err_set(err, DA_EINVAL,
					       "input '%s' in "
					       "DA_INPUTS is out of range",
					       key);
				goto out;
			}
			s = num;
		} else if (json_is_real(val)) {
			/* The option's own check says what it accepts. */
			n = snprintf(num, sizeof(num), "%.17g",
				     json_real_value(val));
			if (n < 0 || (size_t)n >= sizeof(num)) {
				r = da_err_set(err, DA_EINVAL,
					       "input '%s' in "
					       "DA_INPUTS is out of range",
					       key);
				goto out;
			}
			s = num;
		} else if (json_is_null(val)) {
			continue;
		} else {
			r = da_err_set(err, DA_EINVAL,
				       "input '%s' in "
				       "DA_INPUTS must be a string",
				       key);
			goto out;
		}
		/* Actions passes every declared input; "" means not given. */
		if (!*s)
			continue;
		r = assign(o, idx, s, DA_OPT_SRC_INPUT, 0, false, err);
		if (r < 0)
			goto out;
	}
out:
	json_decref(root);
	return r;
}

/* Parsing --------------------------------------------------------------- */

static bool has_value(const struct da_opt *opt, const struct value *v)
{
	if (v->src == DA_OPT_SRC_NONE)
		return false;
	if (opt->type == DA_OPT_LIST)
		return v->n_items > 0;
	return v->str && *v->str;
}

static int apply_all(struct da_opts *o, const struct cmdline *c,
		     struct da_err *err)
{
	const struct da_opt *t = o->tool->opts;
	const char *s;
	size_t i;
	int r;

	for (i = 0; i < o->n; i++) {
		if (!t[i].def)
			continue;
		r = assign(o, i, t[i].def, DA_OPT_SRC_DEFAULT, 0, false, err);
		if (r < 0)
			return r;
	}
	for (i = 0; i < o->n; i++) {
		s = t[i].env ? getenv(t[i].env) : NULL;
		if (!s || !*s)
			continue;
		r = assign(o, i, s, DA_OPT_SRC_ENV, 0, false, err);
		if (r < 0)
			return r;
	}
	s = getenv("DA_INPUTS");
	if (s && *s) {
		r = apply_inputs(o, s, err);
		if (r < 0)
			return r;
	}
	for (i = 0; i < c->n_as; i++) {
		r = assign(o, c->as[i].idx, c->as[i].value, DA_OPT_SRC_FLAG,
			   c->as[i].short_name, true, err);
		if (r < 0)
			return r;
	}
	for (i = 0; i < o->n; i++) {
		if ((t[i].flags & DA_OPT_REQUIRED) &&
		    !has_value(&t[i], &o->v[i]))
			return da_err_set(err, DA_EINVAL,
					  "missing required "
					  "option '--%s' (input '%s')",
					  t[i].name, t[i].name);
	}
	return 0;
}

static int show(const struct da_opt_tool *tool, enum show s,
		struct da_buf *text, struct da_err *err)
{
	int r;

	switch (s) {
	case SHOW_HELP:
		r = da_opt_help(tool, text);
		break;
	case SHOW_VERSION:
		r = da_version_text(tool->name, text);
		break;
	default:
		return da_opt_json(tool, text, err);
	}
	if (r < 0)
		return da_err_set(err, -r, "cannot build the text to show: %s",
				  da_strerror(r));
	return DA_OPT_SHOW;
}

int da_opt_parse(const struct da_opt_tool *tool, int argc, char *argv[],
		 struct da_buf *text, struct da_opts **ret_opts,
		 struct da_err *err)
{
	struct cmdline c = {NULL, 0, NULL, 0, SHOW_NONE};
	struct da_opts *o = NULL;
	size_t i;
	int r;

	r = parse_argv(tool, argc, argv, &c, err);
	if (r < 0)
		goto out;
	if (c.show != SHOW_NONE) {
		r = show(tool, c.show, text, err);
		goto out;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		goto oom;
	o->tool = tool;
	o->n = count_opts(tool->opts);
	o->v = calloc(o->n + 1, sizeof(*o->v));
	if (!o->v)
		goto oom;
	r = apply_all(o, &c, err);
	if (r < 0)
		goto out;
	if (c.n_pos) {
		o->args = calloc(c.n_pos, sizeof(*o->args));
		if (!o->args)
			goto oom;
		for (i = 0; i < c.n_pos; i++) {
			o->args[i] = strdup(c.pos[i]);
			if (!o->args[i])
				goto oom;
			o->n_args++;
		}
	}
	*ret_opts = o;
	o = NULL;
	r = DA_OPT_RUN;
	goto out;
oom:
	r = da_err_set(err, DA_ENOMEM, "cannot parse options: out of memory");
out:
	da_opt_free(o);
	free(c.as);
	free(c.pos);
	return r;
}

void da_opt_free(struct da_opts *opts)
{
	size_t i;

	if (!opts)
		return;
	if (opts->v) {
		for (i = 0; i < opts->n; i++) {
			free(opts->v[i].str);
			free_items(opts->v[i].items, opts->v[i].n_items);
		}
	}
	free(opts->v);
	for (i = 0; i < opts->n_args; i++)
		free(opts->args[i]);
	free(opts->args);
	free(opts);
}

/* Getters --------------------------------------------------------------- */

static const struct value *lookup(const struct da_opts *o, const char *name)
{
	size_t idx;

	if (!o || !find_opt(o->tool, name, strlen(name), &idx))
		return NULL;
	return &o->v[idx];
}

const char *da_opt_str(const struct da_opts *opts, const char *name)
{
	const struct value *v = lookup(opts, name);

	return v ? v->str : NULL;
}

bool da_opt_bool(const struct da_opts *opts, const char *name)
{
	const struct value *v = lookup(opts, name);

	return v && v->b;
}

long long da_opt_int(const struct da_opts *opts, const char *name)
{
	const struct value *v = lookup(opts, name);

	return v ? v->n : 0;
}

const char *const *da_opt_list(const struct da_opts *opts, const char *name,
			       size_t *ret_n)
{
	const struct value *v = lookup(opts, name);

	*ret_n = v ? v->n_items : 0;
	return v ? (const char *const *)v->items : NULL;
}

enum da_opt_source da_opt_source(const struct da_opts *opts, const char *name)
{
	const struct value *v = lookup(opts, name);

	return v ? v->src : DA_OPT_SRC_NONE;
}

bool da_opt_given(const struct da_opts *opts, const char *name)
{
	return da_opt_source(opts, name) > DA_OPT_SRC_DEFAULT;
}

size_t da_opt_nargs(const struct da_opts *opts)
{
	return opts->n_args;
}

const char *da_opt_arg(const struct da_opts *opts, size_t i)
{
	return i < opts->n_args ? opts->args[i] : NULL;
}

int da_opt_mask_secrets(const struct da_opts *opts, struct da_gha *gha,
			FILE *out, struct da_err *err)
{
	const struct da_opt *t;
	size_t i;
	int r;

	if (!opts)
		return 0;
	t = opts->tool->opts;
	for (i = 0; i < opts->n; i++) {
		if (!(t[i].flags & DA_OPT_SECRET) || !opts->v[i].str)
			continue;
		r = da_gha_mask(gha, out, opts->v[i].str, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --help ---------------------------------------------------------------- */

/* Greedy word wrap into DA_OPT_WIDTH columns with a hanging indent. */
struct wrap {
	struct da_buf *b;
	size_t col;
	size_t indent;
	bool at_start; /* nothing on this line after the indent */
	bool pending;  /* the indent is still to be written */
};

static int w_break(struct wrap *w)
{
	w->col = w->indent;
	w->at_start = true;
	w->pending = true;
	return da_buf_addch(w->b, '\n');
}

/* Places one unbreakable item; an item wider than a line overflows. */
static int w_item(struct wrap *w, const char *s, size_t len)
{
	int r = 0;

	if (!w->at_start && w->col + 1 + len > DA_OPT_WIDTH)
		r = w_break(w);
	if (r == 0 && w->pending)
		r = da_buf_addf(w->b, "%*s", (int)w->indent, "");
	else if (r == 0 && !w->at_start)
		r = da_buf_addch(w->b, ' ');
	if (r < 0)
		return r;
	if (!w->pending && !w->at_start)
		w->col++;
	w->pending = false;
	w->at_start = false;
	w->col += len;
	for (; len && r == 0; s++, len--) {
		char c = *s;

		if (c == NBSP)
			c = ' ';
		r = da_buf_addch(w->b, c);
	}
	return r;
}

/* Wraps words; a newline in text starts a new line. */
static int w_text(struct wrap *w, const char *text)
{
	const char *p = text;
	size_t len;
	int r = 0;

	while (*p && r == 0) {
		if (*p == '\n') {
			r = w_break(w);
			p++;
		} else if (*p == ' ') {
			p++;
		} else {
			len = strcspn(p, " \n");
			r = w_item(w, p, len);
			p += len;
		}
	}
	return r;
}

static const char *placeholder(const struct da_opt *o)
{
	if (o->arg)
		return o->arg;
	return o->type == DA_OPT_INT ? "N" : "VALUE";
}

static bool visible(const struct da_opt *o)
{
	return !(o->flags & DA_OPT_HIDDEN);
}

static bool default_true(const struct da_opt *o)
{
	bool b = false;

	return o->def && parse_bool(o->def, &b) && b;
}

static int synopsis(const struct da_opt_tool *tool, struct da_buf *out)
{
	struct da_buf item = DA_BUF_INIT(DA_OPT_MAX_TEXT);
	struct wrap w = {out, 0, 0, true, false};
	const struct da_opt *o;
	size_t i;
	int r;

	r = da_buf_addf(out, "usage: %s", tool->name);
	w.col = strlen("usage: ") + strlen(tool->name);
	w.indent = w.col + 1;
	w.at_start = false;
	if (r == 0)
		r = w_text(&w, "[-h] [--version]");
	for (i = 0; r == 0 && tool->opts[i].name; i++) {
		o = &tool->opts[i];
		if (!visible(o))
			continue;
		da_buf_reset(&item);
		if (o->type == DA_OPT_BOOL && default_true(o))
			r = da_buf_addf(&item, "[--no-%s]", o->name);
		else if (o->type == DA_OPT_BOOL && o->short_name)
			r = da_buf_addf(&item, "[-%c]", o->short_name);
		else if (o->type == DA_OPT_BOOL)
			r = da_buf_addf(&item, "[--%s]", o->name);
		else if (o->short_name)
			r = da_buf_addf(&item, "%s-%c %s%s",
					o->flags & DA_OPT_REQUIRED ? "" : "[",
					o->short_name, placeholder(o),
					o->flags & DA_OPT_REQUIRED ? "" : "]");
		else
			r = da_buf_addf(&item, "%s--%s %s%s",
					o->flags & DA_OPT_REQUIRED ? "" : "[",
					o->name, placeholder(o),
					o->flags & DA_OPT_REQUIRED ? "" : "]");
		if (r == 0)
			r = w_item(&w, item.data, item.len);
	}
	if (r == 0 && tool->args)
		r = w_item(&w, tool->args, strlen(tool->args));
	if (r == 0)
		r = da_buf_addch(out, '\n');
	da_buf_release(&item);
	return r;
}

static int left_column(const struct da_opt *o, struct da_buf *b)
{
	int r;

	if (o->short_name)
		r = da_buf_addf(b, "  -%c, ", o->short_name);
	else
		r = da_buf_adds(b, "      ");
	if (r < 0)
		return r;
	if (o->type == DA_OPT_BOOL)
		return da_buf_addf(b, "--[no-]%s", o->name);
	return da_buf_addf(b, "--%s %s", o->name, placeholder(o));
}

/* The description with its details: range, required, default, env. */
static int description(const struct da_opt *o, struct da_buf *b)
{
	const char *p;
	int r;

	r = da_buf_adds(b, o->help ? o->help : "");
	if (r == 0 && o->type == DA_OPT_INT && !unbounded(o)) {
		if (o->max == LLONG_MAX)
			r = da_buf_addf(b, " At least" NBSP_S "%lld.", o->min);
		else if (o->min == LLONG_MIN)
			r = da_buf_addf(b, " At most" NBSP_S "%lld.", o->max);
		else
			r = da_buf_addf(
			    b, " From" NBSP_S "%lld" NBSP_S "to" NBSP_S "%lld.",
			    o->min, o->max);
	}
	if (r == 0 && o->type == DA_OPT_LIST)
		r = da_buf_adds(b, (o->flags & DA_OPT_LINES)
				       ? " A list: one value per line, or "
					 "repeat the option."
				       : " A list: separate values with commas "
					 "or newlines, or repeat the option.");
	if (r == 0 && (o->flags & DA_OPT_REQUIRED))
		r = da_buf_adds(b, " Required.");
	if (r == 0 && o->def && *o->def) {
		r = da_buf_adds(b, " Default:" NBSP_S);
		/* A multi-line list default reads better on one line. */
		for (p = o->def; r == 0 && *p; p++) {
			if (*p == '\n' && p[1])
				r = da_buf_adds(b, ", ");
			else if (*p != '\n' && *p != '\r')
				r = da_buf_addch(b, *p);
		}
		if (r == 0)
			r = da_buf_addch(b, '.');
	}
	if (r == 0 && o->env)
		r = da_buf_addf(b, " Environment:" NBSP_S "%s.", o->env);
	return r;
}

static int option_line(struct da_buf *out, const char *left, size_t left_len,
		       const char *desc, size_t desc_col)
{
	struct wrap w = {out, 0, desc_col, true, false};
	int r;

	r = da_buf_add(out, left, left_len);
	if (r == 0 && left_len + 2 > desc_col) {
		r = w_break(&w);
	} else if (r == 0) {
		r = da_buf_addf(out, "%*s", (int)(desc_col - left_len), "");
		w.col = desc_col;
	}
	if (r == 0)
		r = w_text(&w, desc);
	if (r == 0)
		r = da_buf_addch(out, '\n');
	return r;
}

static int options_section(const struct da_opt_tool *tool, struct da_buf *out)
{
	struct da_buf left = DA_BUF_INIT(DA_OPT_MAX_TEXT);
	struct da_buf desc = DA_BUF_INIT(DA_OPT_MAX_TEXT);
	size_t col = strlen("  -h, --help") + 2, i;
	int r = 0;

	for (i = 0; r == 0 && tool->opts[i].name; i++) {
		if (!visible(&tool->opts[i]))
			continue;
		da_buf_reset(&left);
		r = left_column(&tool->opts[i], &left);
		if (r == 0 && left.len + 2 > col)
			col = left.len + 2;
	}
	if (col > HELP_MAX_LEFT)
		col = HELP_MAX_LEFT;
	if (r == 0)
		r = da_buf_adds(out, "\nOptions:\n");
	for (i = 0; r == 0 && tool->opts[i].name; i++) {
		if (!visible(&tool->opts[i]))
			continue;
		da_buf_reset(&left);
		da_buf_reset(&desc);
		r = left_column(&tool->opts[i], &left);
		if (r == 0)
			r = description(&tool->opts[i], &desc);
		if (r == 0)
			r = option_line(out, left.data, left.len,
					da_buf_str(&desc), col);
	}
	if (r == 0)
		r = option_line(out, "  -h, --help", 12,
				"Show this help and exit.", col);
	if (r == 0)
		r = option_line(out, "      --version", 15,
				"Show the version and the library versions "
				"and exit.",
				col);
	da_buf_release(&left);
	da_buf_release(&desc);
	return r;
}

static int examples_section(const char *ex, struct da_buf *out)
{
	const char *p = ex;
	size_t len;
	int r;

	r = da_buf_adds(out, "\nExamples:\n");
	while (r == 0 && *p) {
		len = strcspn(p, "\n");
		if (len)
			r = da_buf_adds(out, "  ");
		if (r == 0)
			r = da_buf_add(out, p, len);
		if (r == 0)
			r = da_buf_addch(out, '\n');
		p += len;
		if (*p)
			p++;
	}
	return r;
}

int da_opt_help(const struct da_opt_tool *tool, struct da_buf *out)
{
	struct wrap w = {out, 0, 0, true, false};
	int r;

	r = synopsis(tool, out);
	if (r == 0 && tool->summary) {
		r = da_buf_addch(out, '\n');
		if (r == 0)
			r = w_text(&w, tool->summary);
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	if (r == 0)
		r = options_section(tool, out);
	if (r == 0 && tool->examples && *tool->examples)
		r = examples_section(tool->examples, out);
	if (r == 0)
		r = da_buf_adds(out, "\nExit status:\n"
				     "  0  pass\n"
				     "  1  the check failed\n"
				     "  2  usage or bad input\n"
				     "  3  could not run (I/O, network, remote "
				     "API)\n");
	return r;
}

/* --options-json ---------------------------------------------------------- */

static const char *type_name(enum da_opt_type t)
{
	switch (t) {
	case DA_OPT_BOOL:
		return "bool";
	case DA_OPT_INT:
		return "int";
	case DA_OPT_LIST:
		return "list";
	default:
		return "string";
	}
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *option_json(const struct da_opt *o)
{
	char sh[2] = {o->short_name, '\0'};
	bool is_int = o->type == DA_OPT_INT;
	bool has_min = is_int && !unbounded(o) && o->min != LLONG_MIN;
	bool has_max = is_int && !unbounded(o) && o->max != LLONG_MAX;
	json_t *arg =
	    o->type == DA_OPT_BOOL ? json_null() : json_string(placeholder(o));

	return json_pack("{s:s, s:o, s:o, s:s, s:o, s:b, s:s, s:o, s:b, "
			 "s:o, s:o, s:o}",
			 "name", o->name, "short",
			 o->short_name ? json_string(sh) : json_null(), "arg",
			 arg, "type", type_name(o->type), "default",
			 str_or_null(o->def), "required",
			 (int)!!(o->flags & DA_OPT_REQUIRED), "description",
			 o->help ? o->help : "", "env", str_or_null(o->env),
			 "secret", (int)!!(o->flags & DA_OPT_SECRET), "min",
			 has_min ? json_integer(o->min) : json_null(), "max",
			 has_max ? json_integer(o->max) : json_null(),
			 "action_default", str_or_null(o->action_def));
}

int da_opt_json(const struct da_opt_tool *tool, struct da_buf *out,
		struct da_err *err)
{
	json_t *arr = json_array(), *one;
	char *text = NULL;
	size_t i;
	int r = 0;

	if (!arr)
		goto oom;
	for (i = 0; tool->opts[i].name; i++) {
		if (!visible(&tool->opts[i]))
			continue;
		one = option_json(&tool->opts[i]);
		if (!one || json_array_append_new(arr, one) < 0)
			goto oom;
	}
	text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		goto oom;
	r = da_buf_adds(out, text);
	if (r == 0)
		r = da_buf_addch(out, '\n');
	if (r < 0)
		r = da_err_set(err, -r, "cannot build the options JSON: %s",
			       da_strerror(r));
	goto out;
oom:
	r = da_err_set(err, DA_ENOMEM,
		       "cannot build the options JSON: out "
		       "of memory");
out:
	free(text);
	json_decref(arr);
	return r < 0 ? r : DA_OPT_SHOW;
}

/* main() helpers -------------------------------------------------------- */

int da_opt_main_start(const struct da_opt_tool *tool, int argc, char *argv[],
		      FILE *out, FILE *errf, struct da_gha **ret_gha,
		      struct da_opts **ret_opts)
{
	struct da_buf text = DA_BUF_INIT(DA_OPT_MAX_TEXT);
	struct da_err err = DA_ERR_INIT;
	struct da_opts *opts = NULL;
	struct da_gha *gha = NULL;
	int r, status;

	r = da_opt_parse(tool, argc, argv, &text, &opts, &err);
	if (r == DA_OPT_SHOW) {
		if (fwrite(da_buf_str(&text), 1, text.len, out) != text.len ||
		    fflush(out) != 0) {
			r = da_err_set(&err, DA_EIO,
				       "cannot write to standard "
				       "output: %s",
				       strerror(errno));
			goto fail;
		}
		status = DA_EXIT_OK;
		goto out;
	}
	if (r == 0)
		r = da_gha_open(&gha, &err);
	if (r == 0)
		r = da_opt_mask_secrets(opts, gha, out, &err);
	if (r < 0)
		goto fail;
	*ret_gha = gha;
	*ret_opts = opts;
	gha = NULL;
	opts = NULL;
	status = DA_EXIT_OK;
	goto out;
fail:
	status = da_opt_main_finish(tool, gha, errf, r, &err);
out:
	da_opt_free(opts);
	da_gha_free(gha);
	da_buf_release(&text);
	return status;
}

int da_opt_main_finish(const struct da_opt_tool *tool, const struct da_gha *gha,
		       FILE *errf, int r, const struct da_err *err)
{
	struct da_buf msg = DA_BUF_INIT((size_t)DA_ERR_MSG_MAX * 4);
	const char *text = err->msg[0] ? err->msg : da_strerror(r);

	if (r >= 0)
		return DA_EXIT_OK;
	if (gha && da_gha_redact(gha, text, &msg) == 0)
		text = da_buf_str(&msg);
	/* Nothing better to do if standard error itself is gone. */
	(void)fprintf(errf, "%s: %s\n", tool->name, text);
	(void)fflush(errf);
	da_buf_release(&msg);
	return (int)da_err_exit(r);
}

/*
 * Inside Actions a failure is also an error annotation titled with the
 * DEPLOY_* code, so it shows on the run page and not only in the log.
 */
static void annotate_failure(const struct da_opt_tool *tool, struct da_gha *gha,
			     FILE *out, int r, const struct da_err *err)
{
	enum da_code code = err->code ? err->code : da_err_default_code(r);
	const char *name = da_code_name(code);
	struct da_gha_loc loc = {0};
	char title[128];
	int n;

	if (!gha || !da_gha_in_actions(gha) || r >= 0)
		return;
	n = snprintf(title, sizeof(title), "%s%s%s", tool->name,
		     name ? ": " : "", name ? name : "");
	if (n < 0 || (size_t)n >= sizeof(title))
		return;
	loc.title = title;
	/* Best effort: the one-line message on stderr is already out. */
	(void)da_gha_annotate(gha, out, DA_GHA_ERROR, &loc,
			      err->msg[0] ? err->msg : da_strerror(r), NULL);
}

int da_opt_main(const struct da_opt_tool *tool, int argc, char *argv[],
		da_opt_run_fn run)
{
	struct da_err err = DA_ERR_INIT;
	struct da_opts *opts = NULL;
	struct da_gha *gha = NULL;
	int status, r;

	status =
	    da_opt_main_start(tool, argc, argv, stdout, stderr, &gha, &opts);
	if (!opts)
		return status;
	r = run(opts, gha, &err);
	status = da_opt_main_finish(tool, gha, stderr, r, &err);
	/* Under --json standard output is one JSON document: workflow
	 * commands go to standard error, which the runner reads too. */
	annotate_failure(tool, gha, da_opt_bool(opts, "json") ? stderr : stdout,
			 r, &err);
	da_opt_free(opts);
	da_gha_free(gha);
	return status;
}
