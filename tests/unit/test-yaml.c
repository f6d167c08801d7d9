#include "test.h"
#include "common/json.h"
#include "common/yaml.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[512];

static void make_dir(void)
{
	const char *t = getenv("TMPDIR");
	int n;

	n = snprintf(dir, sizeof(dir), "%s/da-test-yaml-XXXXXX",
		     t && *t ? t : P_tmpdir);
	if (n < 0 || (size_t)n >= sizeof(dir) || !mkdtemp(dir)) {
		printf("Bail out! cannot make a temporary directory\n");
		exit(1);
	}
}

static const char *path_of(const char *name)
{
	static char paths[4][600];
	static int slot;
	char *p = paths[slot++ % 4];
	int n = snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(paths[0]))
		exit(1);
	return p;
}

static const char *put(const char *name, const char *data)
{
	const char *p = path_of(name);
	size_t len = strlen(data);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		exit(1);
	return p;
}

/* Loads text; on failure returns NULL with err filled. */
static struct da_yaml_doc *load(const char *text, unsigned flags,
				struct da_err *err)
{
	struct da_yaml_doc *doc = NULL;

	da_err_clear(err);
	if (da_yaml_load_mem("smoke.yml", text, strlen(text), flags, &doc,
			     err) < 0)
		return NULL;
	return doc;
}

static void test_scalars(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_yaml_doc *doc;
	json_t *r;

	doc =
	    load("n1: null\nn2: ~\nn3:\nn4: NULL\n"
		 "b1: true\nb2: False\nb3: TRUE\n"
		 "s1: yes\ns2: no\ns3: off\ns4: on\ns5: y\ns6: tRUE\n"
		 "i1: 42\ni2: -17\ni3: +12\ni4: 0x1F\ni5: 0o17\ni6: 007\n"
		 "i7: 9223372036854775807\ni8: -9223372036854775808\n"
		 "big: 9223372036854775808\nhex_big: 0xFFFFFFFFFFFFFFFF\n"
		 "o9: 0o9\nx: 0x\nneg_hex: -0x1\n"
		 "f1: 1.5\nf2: .5\nf3: 1e3\nf4: -2.5E-3\nf5: 1.\nf6: +1.0\n"
		 "inf: .inf\nninf: -.Inf\nnan: .NaN\nhuge: 1e999\n"
		 "ver: 1.10\ndate: 2024-01-01\ncolon: 'a: b'\n"
		 "q1: 'true'\nq2: \"123\"\nq3: \"null\"\nq4: ''\n"
		 "lit: |\n  line1\n  line2\nfold: >\n  a\n  b\n"
		 "t1: !!str 123\nt2: ! true\nt3: !!int \"12\"\nt4: !!float 3\n"
		 "t5: !!bool true\nt6: !!null ''\n"
		 "on: push\nyes: 1\ntrue: k\n",
		 0, &err);
	ok(doc != NULL, "a mapping of scalars loads");
	if (!doc) {
		diag("%s", err.msg);
		return;
	}
	r = da_yaml_root(doc);
	ok(json_is_null(json_object_get(r, "n1")), "null is null");
	ok(json_is_null(json_object_get(r, "n2")), "~ is null");
	ok(json_is_null(json_object_get(r, "n3")), "empty is null");
	ok(json_is_null(json_object_get(r, "n4")), "NULL is null");
	ok(json_is_true(json_object_get(r, "b1")), "true is true");
	ok(json_is_false(json_object_get(r, "b2")), "False is false");
	ok(json_is_true(json_object_get(r, "b3")), "TRUE is true");
	is_str(da_json_str(r, "s1", NULL), "yes", "yes is a string (YAML 1.2)");
	is_str(da_json_str(r, "s2", NULL), "no", "no is a string");
	is_str(da_json_str(r, "s3", NULL), "off", "off is a string");
	is_str(da_json_str(r, "s4", NULL), "on", "on is a string");
	is_str(da_json_str(r, "s5", NULL), "y", "y is a string");
	is_str(da_json_str(r, "s6", NULL), "tRUE", "tRUE is a string");
	is_int(da_json_int(r, "i1", 0), 42, "decimal integer");
	is_int(da_json_int(r, "i2", 0), -17, "negative integer");
	is_int(da_json_int(r, "i3", 0), 12, "integer with plus sign");
	is_int(da_json_int(r, "i4", 0), 31, "hex integer");
	is_int(da_json_int(r, "i5", 0), 15, "octal integer");
	is_int(da_json_int(r, "i6", 0), 7, "leading zeros are decimal");
	is_int(da_json_int(r, "i7", 0), 9223372036854775807LL,
	       "largest integer");
	ok(json_is_integer(json_object_get(r, "i8")) &&
	       da_json_int(r, "i8", 0) == -9223372036854775807LL - 1,
	   "smallest integer");
	is_str(da_json_str(r, "big", NULL), "9223372036854775808",
	       "too big an integer stays a string");
	is_str(da_json_str(r, "hex_big", NULL), "0xFFFFFFFFFFFFFFFF",
	       "too big a hex integer stays a string");
	is_str(da_json_str(r, "o9", NULL), "0o9", "bad octal is a string");
	is_str(da_json_str(r, "x", NULL), "0x", "bare 0x is a string");
	is_str(da_json_str(r, "neg_hex", NULL), "-0x1",
	       "signed hex is a string (core schema)");
	ok(json_is_real(json_object_get(r, "f1")) &&
	       da_json_real(r, "f1", 0) == 1.5,
	   "real");
	ok(da_json_real(r, "f2", 0) == 0.5, "real without leading digit");
	ok(json_is_real(json_object_get(r, "f3")) &&
	       da_json_real(r, "f3", 0) == 1000,
	   "exponent makes a real");
	ok(da_json_real(r, "f4", 0) == -2.5e-3, "negative exponent");
	ok(json_is_real(json_object_get(r, "f5")) &&
	       da_json_real(r, "f5", 0) == 1,
	   "trailing dot makes a real");
	ok(da_json_real(r, "f6", 0) == 1, "signed real");
	is_str(da_json_str(r, "inf", NULL), ".inf", ".inf stays a string");
	is_str(da_json_str(r, "ninf", NULL), "-.Inf", "-.Inf stays a string");
	is_str(da_json_str(r, "nan", NULL), ".NaN", ".NaN stays a string");
	is_str(da_json_str(r, "huge", NULL), "1e999",
	       "a real that overflows stays a string");
	ok(da_json_real(r, "ver", 0) == 1.1, "1.10 is a real (quote versions)");
	is_str(da_json_str(r, "date", NULL), "2024-01-01", "dates are strings");
	is_str(da_json_str(r, "colon", NULL), "a: b", "single-quoted string");
	is_str(da_json_str(r, "q1", NULL), "true", "quoted true is a string");
	is_str(da_json_str(r, "q2", NULL), "123", "quoted 123 is a string");
	is_str(da_json_str(r, "q3", NULL), "null", "quoted null is a string");
	is_str(da_json_str(r, "q4", NULL), "", "quoted empty is a string");
	is_str(da_json_str(r, "lit", NULL), "line1\nline2\n", "literal block");
	is_str(da_json_str(r, "fold", NULL), "a b\n", "folded block");
	is_str(da_json_str(r, "t1", NULL), "123", "!!str makes a string");
	is_str(da_json_str(r, "t2", NULL), "true", "! makes a string");
	is_int(da_json_int(r, "t3", 0), 12, "!!int on a quoted scalar");
	ok(json_is_real(json_object_get(r, "t4")) &&
	       da_json_real(r, "t4", 0) == 3,
	   "!!float on an integer makes a real");
	ok(json_is_true(json_object_get(r, "t5")), "!!bool");
	ok(json_is_null(json_object_get(r, "t6")), "!!null");
	is_str(da_json_str(r, "on", NULL), "push", "'on' is a plain key");
	is_int(da_json_int(r, "yes", 0), 1, "'yes' is a plain key");
	is_str(da_json_str(r, "true", NULL), "k", "a key 'true' is its text");
	da_yaml_free(doc);

	doc = load("a: !!int abc\n", 0, &err);
	ok(doc == NULL, "!!int on text is refused");
	has_str(err.msg, "line 1 column 4: 'abc' is not a valid !!int",
		"!!int message");
	doc = load("a: !custom x\n", 0, &err);
	ok(doc == NULL, "unknown tags are refused");
	has_str(err.msg, "unsupported tag '!custom'", "unknown tag message");
	doc = load("a: !!set {x}\n", 0, &err);
	ok(doc == NULL, "unknown collection tags are refused");
	doc = load("a: \"x\\0y\"\n", 0, &err);
	ok(doc == NULL, "a NUL in a string is refused");
	has_str(err.msg, "NUL", "NUL message");
}

static void test_structure(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_yaml_doc *doc;
	json_t *r, *base;

	doc = load("", 0, &err);
	ok(doc && json_is_null(da_yaml_root(doc)), "empty input is null");
	da_yaml_free(doc);
	doc = load("# only a comment\n", 0, &err);
	ok(doc && json_is_null(da_yaml_root(doc)), "a comment alone is null");
	da_yaml_free(doc);
	doc = load("---\n...\n", 0, &err);
	ok(doc && json_is_null(da_yaml_root(doc)), "an empty document is null");
	da_yaml_free(doc);

	doc = load("- 1\n- [a, {b: c}]\n- {}\n- []\n", 0, &err);
	r = doc ? da_yaml_root(doc) : NULL;
	ok(json_is_array(r) && json_array_size(r) == 4,
	   "a sequence at the top");
	is_str(da_json_str(r, "1.1.b", NULL), "c", "flow collections");
	ok(json_is_object(da_json_get(r, "2")), "empty flow mapping");
	da_yaml_free(doc);

	/* Anchors, aliases and merge keys. */
	doc = load("defaults: &d\n  timeout: 10\n  retries: 3\n"
		   "more: &m\n  retries: 5\n  verbose: true\n"
		   "svc:\n  <<: *d\n  timeout: 30\n"
		   "both:\n  <<: [*d, *m]\n  extra: 1\n"
		   "both2:\n  <<: [*m, *d]\n"
		   "inline:\n  <<: {x: 1}\n  y: 2\n"
		   "copy: *d\n"
		   "list: &l [1, 2]\nlist2: *l\n"
		   "scalar: &s hello\nscalar2: *s\n"
		   "&k key: v\nby_alias: {*k : w}\n",
		   0, &err);
	ok(doc != NULL, "anchors and merge keys load");
	if (!doc) {
		diag("%s", err.msg);
		return;
	}
	r = da_yaml_root(doc);
	base = json_object_get(r, "defaults");
	is_int(da_json_int(r, "svc.timeout", 0), 30,
	       "explicit key wins over merged");
	is_int(da_json_int(r, "svc.retries", 0), 3, "merged key copied");
	is_int(json_object_size(json_object_get(r, "svc")), 2,
	       "merge key itself not kept");
	is_int(da_json_int(r, "both.retries", 0), 3,
	       "earlier merge source wins");
	ok(da_json_bool(r, "both.verbose", 0), "later source fills the rest");
	is_int(da_json_int(r, "both.extra", 0), 1,
	       "explicit key next to merge");
	is_int(da_json_int(r, "both2.retries", 0), 5,
	       "order of sources decides");
	is_int(da_json_int(r, "inline.x", 0), 1, "inline mapping merges");
	ok(json_object_get(r, "copy") == base,
	   "alias shares the anchored node");
	ok(json_equal(json_object_get(r, "list"), json_object_get(r, "list2")),
	   "sequence alias");
	is_str(da_json_str(r, "scalar2", NULL), "hello", "scalar alias");
	is_str(da_json_str(r, "key", NULL), "v", "anchored key");
	is_str(da_json_str(r, "by_alias.key", NULL), "w", "alias as a key");
	is_int(da_json_int(base, "retries", 0), 3,
	       "merging leaves the source alone");
	is_int(da_yaml_key_line(doc, json_object_get(r, "svc"), "retries"), 3,
	       "merged key's line is where it is defined");
	is_int(da_yaml_key_line(doc, json_object_get(r, "svc"), "timeout"), 9,
	       "explicit key's line");
	is_int(da_yaml_path_line(doc, "copy"), 18, "alias line by path");
	is_int(da_yaml_line(doc, base), 1,
	       "anchored node's line is its anchor's");
	da_yaml_free(doc);

	doc = load("a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n", 0, &err);
	ok(doc == NULL, "two merge keys are refused");
	has_str(err.msg, "line 4 column 3: duplicate merge key", "message");
	doc = load("a: 1\nb:\n  <<: 3\n", 0, &err);
	ok(doc == NULL, "merging a scalar is refused");
	has_str(err.msg, "merge key '<<' needs a mapping", "message");
	doc = load("a: &a {x: 1}\nb:\n  <<: [*a, 2]\n", 0, &err);
	ok(doc == NULL, "merging a list with a scalar is refused");
	doc = load("'<<': 1\n", 0, &err);
	ok(doc && da_json_int(da_yaml_root(doc), "<<", 0) == 1,
	   "a quoted '<<' is an ordinary key");
	da_yaml_free(doc);

	doc = load("a: *nope\n", 0, &err);
	ok(doc == NULL, "unknown alias is refused");
	has_str(err.msg, "line 1 column 4: alias '*nope' names no anchor",
		"unknown alias message");
	doc = load("a: &a [1, *a]\n", 0, &err);
	ok(doc == NULL, "recursive alias is refused");
	has_str(err.msg, "refers to a node that contains it",
		"recursive alias message");
	doc = load("--- &a [1]\n--- *a\n", DA_YAML_MULTI_DOC, &err);
	ok(doc == NULL, "anchors do not cross documents");
	doc = load("a: &a [1]\n*a : 2\n", 0, &err);
	ok(doc == NULL, "a sequence alias as a key is refused");
	has_str(err.msg, "used as a key is not a string", "message");

	/* Duplicate keys and non-scalar keys. */
	doc = load("name: a\nurl: x\nname: b\n", 0, &err);
	ok(doc == NULL, "duplicate key is refused");
	is_str(err.msg,
	       "cannot parse 'smoke.yml': line 3 column 1: duplicate key "
	       "'name' (first at line 1)",
	       "duplicate key message");
	doc = load("{a: 1, a: 1}", 0, &err);
	ok(doc == NULL, "duplicate key in flow mapping");
	doc = load("? [a]\n: 1\n", 0, &err);
	ok(doc == NULL, "a sequence key is refused");
	has_str(err.msg, "line 1 column 3: a sequence cannot be a key",
		"non-scalar key message");
	doc = load("{{a: 1}: 2}", 0, &err);
	ok(doc == NULL, "a mapping key is refused");

	/* Documents. */
	doc = load("a: 1\n---\nb: 2\n", 0, &err);
	ok(doc == NULL, "a second document is refused");
	has_str(err.msg, "line 2 column 1: a second document", "message");
	doc = load("a: 1\n---\nb: 2\n--- 3\n", DA_YAML_MULTI_DOC, &err);
	r = doc ? da_yaml_root(doc) : NULL;
	ok(json_is_array(r) && json_array_size(r) == 3,
	   "multi-document API gives an array");
	is_int(da_json_int(r, "1.b", 0), 2, "second document");
	is_int(da_yaml_path_line(doc, "1"), 2, "line of a document");
	is_int(da_yaml_path_line(doc, "1.b"), 3, "line in a later document");
	da_yaml_free(doc);
	doc = load("", DA_YAML_MULTI_DOC, &err);
	ok(doc && json_array_size(da_yaml_root(doc)) == 0,
	   "no documents: an empty array");
	da_yaml_free(doc);
}

static void test_errors_and_limits(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_yaml_doc *doc, *out = (struct da_yaml_doc *)0x1;
	char *s;
	int i, r;

	doc = load("steps:\n  - url: http://x\n    name: a: b\n", 0, &err);
	ok(doc == NULL, "a syntax error is refused");
	has_str(err.msg,
		"cannot parse 'smoke.yml': line 3 column 12: "
		"mapping values are not allowed in this context",
		"syntax error message with line and column");
	doc = load("a: [1, 2\nb: 3\n", 0, &err);
	ok(doc == NULL, "unclosed flow sequence");
	has_str(err.msg, "(while parsing a flow sequence at line 1 column 4)",
		"context of the error");
	doc = load("a:\n\t- b\n", 0, &err);
	ok(doc == NULL, "a tab as indentation is refused");
	has_str(err.msg, "line 2 column 1", "tab error place");
	doc = load("a: \"\xc3\x28\"\n", 0, &err);
	ok(doc == NULL, "invalid UTF-8 is refused");
	has_str(err.msg,
		"cannot parse 'smoke.yml': offset 5: invalid trailing UTF-8 "
		"octet (byte 0x28)",
		"invalid UTF-8 message has the offset");
	r = da_yaml_load_mem("x.yml", "a: 1", 4, 0, &out, &err);
	is_int(r, 0, "loading returns 0");
	ok(out != (struct da_yaml_doc *)0x1, "and sets the output");
	da_yaml_free(out);
	out = (struct da_yaml_doc *)0x1;
	r = da_yaml_load_mem("x.yml", "a: [", 4, 0, &out, &err);
	is_int(r, -DA_EINVAL, "syntax error is DA_EINVAL");
	ok(out == (struct da_yaml_doc *)0x1, "output untouched on failure");

	/* Billion laughs. */
	doc = load("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		   "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		   "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n",
		   0, &err);
	ok(doc == NULL, "an alias bomb is refused");
	is_int(err.e, DA_ELIMIT, "as a limit");
	has_str(err.msg,
		"line 6 column 36:", "at the alias that crosses the limit");
	has_str(err.msg, "expands to more than 1000000 nodes", "bomb message");
	doc = load("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
		   0, &err);
	ok(doc != NULL, "modest aliasing is fine");
	da_yaml_free(doc);

	/* Depth. */
	s = malloc(2 * 300 + 1);
	for (i = 0; i < 300; i++) {
		s[i] = '[';
		s[300 + i] = ']';
	}
	s[600] = '\0';
	doc = load(s, 0, &err);
	ok(doc == NULL, "nesting 300 deep is refused");
	is_int(err.e, DA_ELIMIT, "as a limit");
	has_str(err.msg, "line 1 column 257: nested deeper than 256 levels",
		"depth message");
	memset(s + 256, ']', 256);
	s[512] = '\0';
	doc = load(s, 0, &err);
	ok(doc != NULL, "nesting 256 deep is fine");
	da_yaml_free(doc);
	free(s);

	r = da_yaml_load_mem("big.yml", "a", DA_MAX_YAML_FILE + 1, 0, &out,
			     &err);
	is_int(r, -DA_ELIMIT, "input over the ceiling is refused unread");
}

static void test_lines(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_yaml_doc *doc;
	json_t *r, *steps;

	doc = load("# smoke test\n"
		   "url: https://example.test\n"
		   "steps:\n"
		   "  - name: home\n"
		   "    expect: 200\n"
		   "    verbose: true\n"
		   "  -\n"
		   "    name: api\n"
		   "    json:\n"
		   "      a.b: 1\n"
		   "timout: 5\n",
		   0, &err);
	ok(doc != NULL, "config loads");
	if (!doc)
		return;
	r = da_yaml_root(doc);
	steps = json_object_get(r, "steps");
	is_str(da_yaml_name(doc), "smoke.yml", "document keeps its name");
	is_int(da_yaml_line(doc, r), 2, "root mapping starts at line 2");
	is_int(da_yaml_line(doc, steps), 4, "sequence line");
	is_int(da_yaml_line(doc, json_array_get(steps, 1)), 8,
	       "mapping that starts after '-' on its own line");
	is_int(da_yaml_line(doc, da_json_get(r, "steps.0.name")), 4,
	       "string node line");
	is_int(da_yaml_line(doc, da_json_get(r, "steps.0.verbose")), 0,
	       "shared true has no line of its own");
	is_int(da_yaml_path_line(doc, "steps.0.verbose"), 6,
	       "but its place has one");
	is_int(da_yaml_key_line(doc, r, "timout"), 11, "key line");
	is_int(da_yaml_key_line(doc, r, "nope"), 0, "missing key: 0");
	is_int(da_yaml_key_line(doc, steps, "x"), 0, "not an object: 0");
	is_int(da_yaml_path_line(doc, "steps.1"), 8, "sequence entry line");
	is_int(da_yaml_path_line(doc, "steps.1.json.a\\.b"), 10,
	       "path with an escaped dot");
	is_int(da_yaml_path_line(doc, "steps.9"), 0, "missing entry: 0");
	is_int(da_yaml_path_line(doc, "steps.x"), 0, "bad index: 0");
	is_int(da_yaml_path_line(doc, "url.x"), 0, "through a scalar: 0");
	is_int(da_yaml_path_line(doc, ""), 2, "empty path: the root");
	is_int(da_yaml_path_line(doc, "steps"), 3, "top-level key line");
	da_yaml_free(doc);
	da_yaml_free(NULL);
}

static void test_json_through_yaml(void)
{
	static const char text[] =
	    "{\n  \"name\": \"smoke\",\n  \"n\": [1, -2, 3.5, 1e3, true, "
	    "false, null],\n  \"esc\": \"a\\\"b\\\\c\\/d\\u00e9\\n\\t\",\n"
	    "\t\"tabbed\": {\"x\": {}, \"y\": []},\n  \"s\": \"yes\"\n}\n";
	struct da_err err = DA_ERR_INIT;
	struct da_yaml_doc *doc = NULL;
	json_t *j = NULL;
	const char *p;
	int r;

	doc = load(text, 0, &err);
	ok(doc != NULL, "JSON loads through the YAML loader");
	if (!doc)
		diag("%s", err.msg);
	r = da_json_load_mem("x", text, strlen(text), 0, 0, &j, &err);
	is_int(r, 0, "and through jansson");
	ok(doc && json_equal(j, da_yaml_root(doc)), "to the same values");
	is_int(da_yaml_path_line(doc, "tabbed"), 5, "with lines");
	da_yaml_free(doc);
	json_decref(j);

	/* da_config_load picks the parser by the name. */
	p = put("c.json", text);
	doc = NULL;
	r = da_config_load(p, &doc, &err);
	is_int(r, 0, "config .json loads");
	ok(doc && json_is_string(json_object_get(da_yaml_root(doc), "esc")),
	   "config .json values");
	is_int(da_yaml_path_line(doc, "n"), 3, "config .json keeps lines");
	da_yaml_free(doc);

	/* A key longer than YAML's simple-key limit: JSON wins, no lines. */
	{
		char big[1200 + 16];

		memset(big, 'k', sizeof(big));
		memcpy(big, "{\"", 2);
		memcpy(big + 1202, "\": 1}\n", 7);
		p = put("long.json", big);
		doc = NULL;
		r = da_config_load(p, &doc, &err);
		is_int(r, 0, "JSON that YAML cannot read still loads");
		ok(doc && json_object_size(da_yaml_root(doc)) == 1,
		   "with its values");
		is_int(da_yaml_path_line(doc, "x"), 0, "lines unknown");
		da_yaml_free(doc);
	}

	p = put("bad.json", "{\n  \"a\": 1,\n  \"a\": 2\n}\n");
	r = da_config_load(p, &doc, &err);
	is_int(r, -DA_EINVAL, "config .json with a duplicate key");
	has_str(err.msg, "bad.json': line 3 column 5", "jansson's message");
	has_str(err.msg, "duplicate object key", "duplicate message");

	p = put("c.yml", "a: [1, 2]\nb: yes\n");
	r = da_config_load(p, &doc, &err);
	is_int(r, 0, "config .yml loads");
	is_str(da_json_str(da_yaml_root(doc), "b", NULL), "yes", "as YAML");
	is_str(da_yaml_name(doc), p, "named by its path");
	da_yaml_free(doc);

	p = put("c.yaml", "a: [1, 2\n");
	r = da_config_load(p, &doc, &err);
	is_int(r, -DA_EINVAL, "config .yaml with an error");
	has_str(err.msg, "c.yaml': line 2 column 1", "YAML's message");

	p = put("empty.yml", "");
	doc = NULL;
	r = da_yaml_load_file(p, 0, &doc, &err);
	is_int(r, 0, "empty file loads");
	ok(doc && json_is_null(da_yaml_root(doc)), "as null");
	da_yaml_free(doc);

	r = da_yaml_load_file(dir, 0, &doc, &err);
	is_int(r, -DA_EINVAL, "a directory is refused");
	has_str(err.msg, "is a directory", "directory message");
	r = da_config_load(path_of("missing.yml"), &doc, &err);
	is_int(r, -DA_ENOENT, "a missing file is DA_ENOENT");

	/* A sparse file over the ceiling is refused from its size. */
	{
		int fd = open(path_of("huge.yml"), O_WRONLY | O_CREAT | O_TRUNC,
			      0600);

		ok(fd >= 0 && ftruncate(fd, (off_t)DA_MAX_YAML_FILE + 1) == 0,
		   "sparse file made");
		if (fd >= 0)
			close(fd);
		r = da_yaml_load_file(path_of("huge.yml"), 0, &doc, &err);
		is_int(r, -DA_ELIMIT, "file over the ceiling is refused");
		has_str(err.msg, "huge.yml", "message names the file");
	}
	unlink(path_of("c.json"));
	unlink(path_of("long.json"));
	unlink(path_of("bad.json"));
	unlink(path_of("c.yml"));
	unlink(path_of("c.yaml"));
	unlink(path_of("empty.yml"));
	unlink(path_of("huge.yml"));
}

static void run_tests(void)
{
	make_dir();
	test_scalars();
	test_structure();
	test_errors_and_limits();
	test_lines();
	test_json_through_yaml();
	rmdir(dir);
}
