#include "test.h"
#include "common/json.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[512];

static void make_dir(void)
{
	const char *t = getenv("TMPDIR");
	int n;

	n = snprintf(dir, sizeof(dir), "%s/da-test-json-XXXXXX",
		     t && *t ? t : P_tmpdir);
	if (n < 0 || (size_t)n >= sizeof(dir) || !mkdtemp(dir)) {
		printf("Bail out! cannot make a temporary directory\n");
		exit(1);
	}
}

/* Writes a file under dir and returns its path (static storage, 4 slots). */
static const char *put(const char *name, const char *data, size_t len)
{
	static char paths[4][600];
	static int slot;
	char *p = paths[slot++ % 4];
	FILE *f;
	int n;

	n = snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(paths[0]))
		exit(1);
	f = fopen(p, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		exit(1);
	return p;
}

static void remove_file(const char *name)
{
	char p[600];
	int n = snprintf(p, sizeof(p), "%s/%s", dir, name);

	if (n > 0 && (size_t)n < sizeof(p))
		unlink(p);
}

static json_t *load(const char *text, unsigned flags, struct da_err *err)
{
	json_t *root = NULL;

	if (da_json_load_mem("test.json", text, strlen(text), 0, flags, &root,
			     err) < 0)
		return NULL;
	return root;
}

static void test_load_mem(void)
{
	struct da_err err = DA_ERR_INIT;
	json_t *root = (json_t *)0x1, *v;
	int r;

	v = load("{\"resource_changes\": [{\"address\": \"aws_s3_bucket.b\","
		 " \"change\": {\"actions\": [\"delete\", \"create\"]}}],"
		 " \"big\": 9223372036854775807, \"neg\": -9223372036854775808,"
		 " \"real\": 1.5e300, \"t\": true, \"n\": null,"
		 " \"a.b\": {\"c\\\\d\": 7}, \"\": {\"\": 8}}",
		 0, &err);
	ok(v != NULL, "a terraform-like document loads");
	is_str(da_json_str(v, "resource_changes.0.change.actions.1", NULL),
	       "create", "path through arrays and objects");
	is_str(da_json_str(v, "resource_changes.0.address", NULL),
	       "aws_s3_bucket.b", "string getter");
	ok(json_is_array(da_json_get(v, "resource_changes.0.change.actions")),
	   "da_json_get returns containers");
	ok(da_json_get(v, "resource_changes.1") == NULL,
	   "index out of range is NULL");
	ok(da_json_get(v, "resource_changes.x") == NULL,
	   "a non-number index is NULL");
	ok(da_json_get(v, "resource_changes.-1") == NULL,
	   "a negative index is NULL");
	ok(da_json_get(v, "t.x") == NULL, "stepping into a scalar is NULL");
	ok(da_json_get(v, "") == v, "the empty path is the root");
	ok(da_json_get(NULL, "a") == NULL, "a NULL root is NULL");
	is_int(da_json_int(v, "big", 0), 9223372036854775807LL,
	       "largest integer kept exactly");
	is_int(da_json_int(v, "neg", 0) == (-9223372036854775807LL - 1), 1,
	       "smallest integer kept exactly");
	ok(da_json_real(v, "real", 0) == 1.5e300, "large real kept");
	ok(da_json_real(v, "big", 0) == 9223372036854775807.0,
	   "da_json_real accepts integers");
	is_int(da_json_int(v, "real", 42), 42,
	       "da_json_int of a real is the default");
	is_int(da_json_bool(v, "t", 0), 1, "boolean getter");
	is_int(da_json_bool(v, "n", -1), -1, "boolean of null is the default");
	is_str(da_json_str(v, "missing.deep", "dflt"), "dflt",
	       "missing path gives the default");
	is_str(da_json_str(v, "big", "dflt"), "dflt",
	       "wrong type gives the default");
	is_int(da_json_int(v, "a\\.b.c\\\\d", 0), 7,
	       "escaped dot and backslash in keys");
	is_int(da_json_int(v, "a.b", -1), -1, "an unescaped dot splits");
	is_int(da_json_int(v, ".", 0), 8, "empty keys are reachable");
	is_str(da_json_type_name(da_json_get(v, "real")), "real",
	       "type name real");
	is_str(da_json_type_name(da_json_get(v, "t")), "boolean",
	       "type name boolean");
	is_str(da_json_type_name(v), "object", "type name object");
	is_str(da_json_type_name(NULL), "null", "type name of nothing");
	json_decref(v);

	v = load("42", 0, &err);
	ok(json_is_integer(v), "a scalar at the top level is accepted");
	json_decref(v);

	r = da_json_load_mem("plan.json", "{\"a\": 1,\n  \"b\": }", 17, 0, 0,
			     &root, &err);
	is_int(r, -DA_EINVAL, "syntax error is DA_EINVAL");
	ok(root == (json_t *)0x1, "output untouched on failure");
	has_str(err.msg,
		"cannot parse 'plan.json': line 2 column 8 (offset 17)",
		"syntax error names line, column and offset");
	has_str(err.msg, "unexpected token", "and says what was found");

	r = da_json_load_mem("x", "", 0, 0, 0, &root, &err);
	is_int(r, -DA_EINVAL, "empty input is refused");
	has_str(err.msg, "empty", "empty input says so");

	r = da_json_load_mem("body", "[1,2,3]", 7, 6, 0, &root, &err);
	is_int(r, -DA_ELIMIT, "input over the caller's ceiling");
	has_str(err.msg, "cannot parse 'body': 7 bytes, over the 6-byte limit",
		"ceiling message");
	r = da_json_load_mem("body", "[1,2,3]", 7, 7, 0, &root, &err);
	is_int(r, 0, "input exactly at the ceiling");
	json_decref(root);

	v = load("[\"\xc3\xa9\", \"\xff\"]", 0, &err);
	ok(v == NULL, "invalid UTF-8 is refused");
	has_str(err.msg, "unable to decode byte 0xff", "invalid UTF-8 message");
	v = load("[\"\xc3\xa9\"]", 0, &err);
	is_str(da_json_str(v, "0", NULL), "\xc3\xa9", "valid UTF-8 kept");
	json_decref(v);
	v = load("[\"a\\u0000b\"]", 0, &err);
	ok(v == NULL, "NUL in a string is refused");

	v = load("{\"a\": 1, \"a\": 2}", 0, &err);
	is_int(da_json_int(v, "a", 0), 2, "duplicates allowed by default");
	json_decref(v);
	v = load("{\"a\": 1, \"a\": 2}", DA_JSON_REJECT_DUPLICATES, &err);
	ok(v == NULL, "duplicates refused with the flag");
	has_str(err.msg, "duplicate", "duplicate message");

	v = load("[9223372036854775808]", 0, &err);
	ok(v == NULL, "an integer that does not fit is an error");
	has_str(err.msg, "too big", "overflow message");
	v = load("[1e400]", 0, &err);
	ok(v == NULL, "a real that does not fit is an error");
}

static void test_deep(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	json_t *v, *inner;
	char *s;
	int i;

	s = malloc(2 * 5000 + 1);
	for (i = 0; i < 5000; i++) {
		s[i] = '[';
		s[5000 + i] = ']';
	}
	s[10000] = '\0';
	v = load(s, 0, &err);
	ok(v == NULL, "nesting 5000 deep is refused");
	has_str(err.msg, "depth", "deep nesting message");
	s[2000] = '\0';
	memset(s + 1000, ']', 1000);
	v = load(s, 0, &err);
	ok(v != NULL, "nesting 1000 deep loads");
	is_int(da_json_dump(v, 0, &b, &err), 0, "and writes back");
	is_int(b.len, 2000, "written the same length");
	json_decref(v);
	free(s);
	da_buf_release(&b);

	/* A tree built by hand may be deeper than the writer goes. */
	v = json_array();
	inner = v;
	for (i = 0; i < DA_MAX_JSON_DEPTH + 5; i++) {
		json_t *a = json_array();

		json_array_append_new(inner, a);
		inner = a;
	}
	is_int(da_json_dump(v, 0, &b, &err), -DA_ELIMIT,
	       "writing a tree deeper than the limit fails");
	is_int(b.len, 0, "and leaves the buffer as it was");
	json_decref(v);
	da_buf_release(&b);
}

static void test_dump(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	json_t *v;

	v = load(
	    "{\"z\": [1, 2.5, 0.1, 1e300, -0.0, 3.0, 100000000000000000000.0,"
	    " 1.7976931348623157e308],"
	    " \"a\": {\"s\": \"q\\\"b\\\\n\\n\\t\\u0001\\u001f\\u00e9/\"},"
	    " \"m\": [], \"e\": {}, \"b\": [true, false, null]}",
	    0, &err);
	ok(v != NULL, "document for the writer loads");
	is_int(da_json_dump(v, 0, &b, &err), 0, "compact dump");
	is_str(
	    da_buf_str(&b),
	    "{\"z\":[1,2.5,0.1,1e+300,-0.0,3.0,1e+20,1.7976931348623157e+308],"
	    "\"a\":{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001\\u001f\xc3\xa9/\"},"
	    "\"m\":[],\"e\":{},\"b\":[true,false,null]}",
	    "compact, insertion order, shortest reals, escapes");
	da_buf_reset(&b);
	is_int(da_json_dump(v, DA_JSON_SORT_KEYS, &b, &err), 0, "sorted dump");
	has_str(da_buf_str(&b), "{\"a\":{", "sorted: 'a' first");
	has_str(da_buf_str(&b), "\"m\":[],\"z\":[", "sorted: 'm' before 'z'");
	da_buf_reset(&b);
	json_decref(v);

	v = load("{\"b\": [1, {\"c\": []}], \"a\": {}}", 0, &err);
	is_int(da_json_dump(v, DA_JSON_INDENT | DA_JSON_SORT_KEYS, &b, &err), 0,
	       "indented dump");
	is_str(da_buf_str(&b),
	       "{\n  \"a\": {},\n  \"b\": [\n    1,\n    {\n      \"c\": []\n"
	       "    }\n  ]\n}",
	       "indented layout");
	{
		json_t *back = NULL;

		is_int(
		    da_json_load_mem("dump", b.data, b.len, 0, 0, &back, &err),
		    0, "indented output parses");
		ok(json_equal(back, v), "and is equal to the input");
		json_decref(back);
	}
	json_decref(v);

	/* Round trip of awkward reals. */
	{
		static const double reals[] = {
		    0.1, 1.0 / 3, 2e-308, 5e-324, 123456789.125, -1e22, 0.3};
		size_t i;
		int good = 1;

		for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
			json_t *r = json_real(reals[i]), *back = NULL;

			da_buf_reset(&b);
			if (da_json_dump(r, 0, &b, &err) < 0 ||
			    da_json_load_mem("r", b.data, b.len, 0, 0, &back,
					     &err) < 0 ||
			    !json_is_real(back) ||
			    json_real_value(back) != reals[i])
				good = 0;
			json_decref(r);
			json_decref(back);
		}
		ok(good, "reals read back to the same double");
		da_buf_reset(&b);
	}
	da_buf_release(&b);

	/* The output buffer's ceiling. */
	{
		struct da_buf small = DA_BUF_INIT(10);

		da_buf_adds(&small, "xy");
		v = load("[\"0123456789\"]", 0, &err);
		is_int(da_json_dump(v, 0, &small, &err), -DA_ELIMIT,
		       "output over the buffer's ceiling");
		is_str(da_buf_str(&small), "xy", "buffer unchanged on failure");
		has_str(err.msg, "10-byte output limit", "ceiling message");
		json_decref(v);
		v = json_string("a\0b");
		da_buf_reset(&small);
		is_int(da_json_dump(v, 0, &small, &err), 0, "scalar dump");
		is_str(da_buf_str(&small), "\"a\"", "string scalar");
		json_decref(v);
		v = json_stringn("a\0b", 3);
		da_buf_reset(&small);
		is_int(da_json_dump(v, 0, &small, &err), 0,
		       "string with NUL dump");
		ok(small.len == 10 && !memcmp(small.data, "\"a\\u0000b\"", 10),
		   "NUL written as \\u0000");
		json_decref(v);
		is_int(da_json_dump(NULL, 0, &small, &err), -DA_EINVAL,
		       "dump of NULL is an error");
		da_buf_release(&small);
	}
}

static void test_files(void)
{
	struct da_err err = DA_ERR_INIT;
	json_t *root = NULL;
	const char *p;
	char path[600];
	int r, n, fds[2];
	pid_t pid;

	p = put("ok.json", "{\"a\": [1, 2]}\n", 14);
	r = da_json_load_file(p, 0, 0, &root, &err);
	is_int(r, 0, "load a file");
	is_int(da_json_int(root, "a.1", 0), 2, "file contents");
	json_decref(root);
	root = NULL;

	p = put("empty.json", "", 0);
	r = da_json_load_file(p, 0, 0, &root, &err);
	is_int(r, -DA_EINVAL, "empty file is refused");
	has_str(err.msg, "file is empty", "empty file message");

	p = put("bad.json", "[1,\n2,\n,3]", 10);
	r = da_json_load_file(p, 0, 0, &root, &err);
	is_int(r, -DA_EINVAL, "bad file is refused");
	has_str(err.msg, "bad.json': line 3 column 1 (offset 8)",
		"bad file message has the place");

	p = put("big.json", "[1, 2, 3, 4, 5, 6]", 18);
	r = da_json_load_file(p, 17, 0, &root, &err);
	is_int(r, -DA_ELIMIT, "file over the ceiling is refused");
	has_str(err.msg, "big.json' is 18 bytes, over the 17 bytes limit",
		"refused from its size, before reading");
	r = da_json_load_file(p, 18, 0, &root, &err);
	is_int(r, 0, "file exactly at the ceiling loads");
	json_decref(root);
	root = NULL;

	r = da_json_load_file(dir, 0, 0, &root, &err);
	is_int(r, -DA_EINVAL, "a directory is refused");
	has_str(err.msg, "is a directory", "directory message");

	n = snprintf(path, sizeof(path), "%s/missing.json", dir);
	ok(n > 0 && (size_t)n < sizeof(path), "path fits");
	r = da_json_load_file(path, 0, 0, &root, &err);
	is_int(r, -DA_ENOENT, "a missing file is DA_ENOENT");
	has_str(err.msg, "cannot read '", "missing file message");
	has_str(err.msg, "missing.json': No such file",
		"and it names the file and the reason");
	ok(root == NULL, "output untouched on failure");

	/* A pipe has no size: the ceiling must hold while streaming. */
	if (pipe(fds) == 0 && (pid = fork()) >= 0) {
		if (pid == 0) {
			static char chunk[4096];
			int i;

			close(fds[0]);
			memset(chunk, ' ', sizeof(chunk));
			chunk[0] = '[';
			for (i = 0; i < 64; i++)
				if (write(fds[1], chunk, sizeof(chunk)) < 0)
					break;
			_exit(0);
		}
		close(fds[1]);
		n = snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
		r = da_json_load_file(path, 100000, 0, &root, &err);
		is_int(r, -DA_ELIMIT, "a pipe over the ceiling is refused");
		has_str(err.msg, "more than the 100000-byte limit",
			"streaming ceiling message");
		close(fds[0]);
		waitpid(pid, NULL, 0);
	} else {
		ok(0, "pipe and fork");
	}

	/* A pipe within the ceiling, read in several chunks. */
	if (pipe(fds) == 0 && (pid = fork()) >= 0) {
		if (pid == 0) {
			static char chunk[70000];

			close(fds[0]);
			memset(chunk, ' ', sizeof(chunk));
			chunk[0] = '[';
			chunk[sizeof(chunk) - 2] = '7';
			chunk[sizeof(chunk) - 1] = ']';
			if (write(fds[1], chunk, sizeof(chunk)) < 0)
				_exit(1);
			_exit(0);
		}
		close(fds[1]);
		n = snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
		r = da_json_load_file(path, 0, 0, &root, &err);
		is_int(r, 0, "a pipe loads");
		is_int(da_json_int(root, "0", 0), 7, "pipe contents");
		json_decref(root);
		close(fds[0]);
		waitpid(pid, NULL, 0);
	} else {
		ok(0, "pipe and fork");
	}

	/* "-" reads stdin. */
	{
		int saved = dup(0), fd;

		p = put("stdin.json", "{\"from\": \"stdin\"}", 17);
		fd = open(p, O_RDONLY);
		ok(saved >= 0 && fd >= 0 && dup2(fd, 0) == 0,
		   "stdin redirected");
		r = da_json_load_file("-", 0, 0, &root, &err);
		is_int(r, 0, "'-' loads stdin");
		is_str(da_json_str(root, "from", NULL), "stdin",
		       "stdin contents");
		json_decref(root);
		root = NULL;
		dup2(saved, 0);
		close(saved);
		close(fd);
		remove_file("stdin.json");
	}

	remove_file("ok.json");
	remove_file("empty.json");
	remove_file("bad.json");
	remove_file("big.json");
}

static void run_tests(void)
{
	make_dir();
	test_load_mem();
	test_deep();
	test_dump();
	test_files();
	rmdir(dir);
}
