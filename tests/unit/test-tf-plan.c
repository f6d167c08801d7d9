/*
 * Unit tests for the streaming plan reader of terraform-plan-summary.
 * (cov-test.h gives the private temporary directory.)
 *
 * Each real plan of ../shared/fixtures/tfplan/ is read and what the reader
 * found (action and address of every element of resource_changes and
 * resource_drift, in order, and every output change) is compared with
 * what jq computes from the same file at test time, so no expected figure
 * is written here. Every element's byte offset and length must cut out a
 * piece that jq reads as exactly that element. Hand-written plans cover
 * the actions, fields and bad inputs the fixtures lack; each is read with
 * windows of many sizes so that every token crosses a block boundary.
 */
#include "cov-test.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "actions/terraform-plan-summary/plan.h"
#include "common/proc.h"

/* What the callbacks saw, one line each. */
static struct da_buf seen = DA_BUF_INIT(1 << 24);
/* Offsets and lengths of the elements, for the fixture tests. */
static uint64_t spans[4096][2];
static size_t nspans;

static int on_change(void *ctx, const struct tf_change *c, struct da_err *err)
{
	(void)ctx;
	(void)err;
	da_buf_addf(&seen, "%s%s %s", c->drift ? "drift " : "",
		    tf_action_name(c->action),
		    c->address ? c->address : "(none)");
	if (c->previous_address)
		da_buf_addf(&seen, " prev=%s", c->previous_address);
	if (c->importing)
		da_buf_addf(&seen, " imp=%s",
			    c->import_id ? c->import_id : "-");
	if (c->replace_paths)
		da_buf_adds(&seen, " rp");
	if (c->action_reason)
		da_buf_addf(&seen, " why=%s", c->action_reason);
	if (c->deposed)
		da_buf_addf(&seen, " deposed=%s", c->deposed);
	if (c->module_address)
		da_buf_addf(&seen, " mod=%s", c->module_address);
	da_buf_addch(&seen, '\n');
	if (!c->drift && nspans < 4096) {
		spans[nspans][0] = c->offset;
		spans[nspans][1] = c->length;
		nspans++;
	}
	return 0;
}

static int on_output(void *ctx, const char *name, enum tf_action a,
		     struct da_err *err)
{
	(void)ctx;
	(void)err;
	da_buf_addf(&seen, "out %s %s\n", tf_action_name(a), name);
	return 0;
}

static const struct tf_scan_opts opts0 = {0, 0, on_change, on_output, NULL};

/* Reads text from memory with windows of block bytes (0: all at once). */
static int scan_block(const char *text, size_t len, size_t block,
		      struct tf_plan_info *info, struct da_err *err)
{
	struct tf_scan_opts o = opts0;

	o.block = block;
	da_buf_reset(&seen);
	nspans = 0;
	da_err_clear(err);
	return tf_plan_scan_mem(text, len, "t.json", &o, on_change, NULL, info,
				err);
}

static const size_t blocks[] = {1, 2, 3, 5, 7, 64, 4096};

/*
 * Reads text at once and then with every block size of blocks[]: each
 * reading must give the same result and lines as the first. Returns
 * what the first reading returned; its lines stay in seen.
 */
static int scan_all(const char *text, struct tf_plan_info *info,
		    struct da_err *err, const char *name)
{
	size_t len = strlen(text), i;
	struct tf_plan_info again;
	struct da_err err2 = DA_ERR_INIT;
	char *first;
	char what[256];
	int r, r2, same = 1;

	r = scan_block(text, len, 0, info, err);
	first = strdup(da_buf_str(&seen));
	for (i = 0; first && i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		r2 = scan_block(text, len, blocks[i], &again, &err2);
		if (r2 != r || strcmp(first, da_buf_str(&seen)) ||
		    strcmp(err->msg, err2.msg) ||
		    again.changes != info->changes) {
			diag("block %zu: %d '%s' vs %d '%s'", blocks[i], r2,
			     err2.msg, r, err->msg);
			same = 0;
		}
	}
	format(what, sizeof(what), "%s: the same in windows of any size", name);
	ok(first && same, what);
	da_buf_reset(&seen);
	if (first)
		da_buf_adds(&seen, first);
	free(first);
	return r;
}

/* ---- the fixtures, against jq ---- */

static int jq_missing;

/* The output of jq -r filter path into out; 0 or -1 (and a failure). */
static int jq(const char *filter, const char *path, struct da_buf *out)
{
	const char *argv[] = {"jq", "-r", filter, path, NULL};
	struct da_proc_result res;
	struct da_err err = DA_ERR_INIT;
	int r;

	da_buf_reset(out);
	r = da_proc_run(argv, NULL, NULL, out, 1 << 24, &res, &err);
	if (r == -DA_ENOENT) {
		jq_missing = 1;
		return -1;
	}
	if (r < 0 || res.status != 0) {
		diag("jq %s %s: %s %s", filter, path, err.msg, res.stderr_tail);
		ok(0, "jq runs");
		return -1;
	}
	return 0;
}

/* The lines on_change/on_output print, computed by jq, in file order. */
static const char jq_lines[] =
    "def line: \"\\(.change.actions | join(\",\") | "
    "if . == \"\" then \"other\" else . end) \\(.address)\";"
    "to_entries[] | .key as $k | .value as $v |"
    "if $k == \"resource_changes\" then ($v // [] | .[] | line)"
    "elif $k == \"resource_drift\" then ($v // [] | .[] | \"drift \" + line)"
    "elif $k == \"output_changes\" then ($v // {} | to_entries[] |"
    "  \"out \\(.value.actions | join(\",\")) \\(.key)\")"
    "else empty end";

/* Our lines cut down to action and address, like jq's. */
static void short_lines(const char *in, struct da_buf *out)
{
	const char *p = in, *nl, *sp;

	da_buf_reset(out);
	while (*p && (nl = strchr(p, '\n'))) {
		sp = p;
		if (!strncmp(sp, "out ", 4)) {
			da_buf_add(out, p, (size_t)(nl - p) + 1);
		} else {
			if (!strncmp(sp, "drift ", 6))
				sp += 6;
			sp = strchr(sp, ' ');
			sp = sp ? strchr(sp + 1, ' ') : NULL;
			if (!sp || sp > nl)
				sp = nl;
			da_buf_add(out, p, (size_t)(sp - p));
			da_buf_addch(out, '\n');
		}
		p = nl + 1;
	}
}

static void fixture(const char *dir, const char *file)
{
	struct da_buf path = DA_BUF_INIT(0), want = DA_BUF_INIT(0),
		      got = DA_BUF_INIT(0), text = DA_BUF_INIT(1 << 26),
		      el = DA_BUF_INIT(0);
	struct tf_plan_info info, again;
	struct da_err err = DA_ERR_INIT;
	struct tf_scan_opts o = opts0;
	char what[512], filter[64];
	size_t i, n;
	char *lines;
	int r, good = 1;

	da_buf_addf(&path, "%s/%s", dir, file);
	da_buf_reset(&seen);
	nspans = 0;
	r = tf_plan_scan(da_buf_str(&path), &o, on_change, NULL, &info, &err);
	format(what, sizeof(what), "%s: read", file);
	is_int(r, 0, what);
	if (r < 0)
		diag("%s", err.msg);
	lines = strdup(da_buf_str(&seen));
	short_lines(lines, &got);
	if (jq(jq_lines, da_buf_str(&path), &want) < 0)
		goto out;
	format(what, sizeof(what), "%s: actions and addresses as jq says",
	       file);
	is_str(da_buf_str(&got), da_buf_str(&want), what);

	if (jq("[.resource_changes // [] | .[]] | length", da_buf_str(&path),
	       &want) < 0)
		goto out;
	format(what, sizeof(what), "%s: count of resource_changes", file);
	is_int(info.changes, strtoull(da_buf_str(&want), NULL, 10), what);
	if (jq("if has(\"errored\") then .errored else \"absent\" end",
	       da_buf_str(&path), &want) < 0)
		goto out;
	format(what, sizeof(what), "%s: errored", file);
	is_str(info.errored == TF_ABSENT ? "absent\n"
	       : info.errored == TF_TRUE ? "true\n"
					 : "false\n",
	       da_buf_str(&want), what);
	if (jq(".format_version", da_buf_str(&path), &want) < 0)
		goto out;
	da_buf_truncate(&want, want.len ? want.len - 1 : 0);
	format(what, sizeof(what), "%s: format_version", file);
	is_str(info.format_version, da_buf_str(&want), what);

	/* Each span cuts out exactly the element jq finds at its index. */
	if (da_fs_read_file(da_buf_str(&path), 1 << 26, &text, &err) < 0) {
		ok(0, "read the fixture");
		goto out;
	}
	n = nspans;
	for (i = 0; i < n; i++) {
		const char *piece;
		struct da_buf mine = DA_BUF_INIT(0);

		if (spans[i][0] + spans[i][1] > text.len) {
			good = 0;
			continue;
		}
		piece = cov_test_put("element.json",
				     da_buf_str(&text) + spans[i][0],
				     (size_t)spans[i][1]);
		if (jq("tojson", piece, &mine) < 0)
			good = 0;
		snprintf(filter, sizeof(filter),
			 ".resource_changes[%zu]|tojson", i);
		if (jq(filter, da_buf_str(&path), &el) < 0 ||
		    strcmp(da_buf_str(&el), da_buf_str(&mine)))
			good = 0;
		da_buf_release(&mine);
	}
	format(what, sizeof(what), "%s: %zu element spans cut the elements",
	       file, n);
	ok(good, what);

	/* Read through standard input, in 3-byte reads, gives the same. */
	{
		int fd = open(da_buf_str(&path), O_RDONLY), saved = dup(0);

		o.block = 3;
		da_buf_reset(&seen);
		if (fd >= 0 && saved >= 0 && dup2(fd, 0) == 0) {
			r = tf_plan_scan("-", &o, on_change, NULL, &again,
					 &err);
			dup2(saved, 0);
		} else {
			r = -99;
		}
		if (fd >= 0)
			close(fd);
		if (saved >= 0)
			close(saved);
		format(what, sizeof(what), "%s: the same from stdin", file);
		ok(r == 0 && lines && !strcmp(lines, da_buf_str(&seen)) &&
		       again.bytes == text.len,
		   what);
	}
out:
	free(lines);
	da_buf_release(&path);
	da_buf_release(&want);
	da_buf_release(&got);
	da_buf_release(&text);
	da_buf_release(&el);
}

/*
 * The plans at "$DA_TOP/../shared/fixtures/tfplan" (DA_TOP unset: "."),
 * when they are there: their absence skips these checks, not the file's
 * others.
 */
static void fixtures(void)
{
	struct da_buf dir = DA_BUF_INIT(0);
	const char *top = getenv("DA_TOP");
	struct dirent *de;
	char *names[64];
	size_t n = 0, i, j;
	DIR *d;

	da_buf_addf(&dir, "%s/../shared/fixtures/tfplan",
		    top && *top ? top : ".");
	d = opendir(da_buf_str(&dir));
	if (!d) {
		diag("no ../shared/fixtures/tfplan beside the project: "
		     "fixture checks skipped");
		da_buf_release(&dir);
		return;
	}
	while ((de = readdir(d)) && n < 64) {
		size_t l = strlen(de->d_name);

		if (l > 10 && !strcmp(de->d_name + l - 10, ".plan.json"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	ok(n >= 9, "nine plans or more");
	for (i = 1; i < n; i++) /* sorted, for a stable test order */
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (i = 0; i < n && !jq_missing; i++)
		fixture(da_buf_str(&dir), names[i]);
	for (i = 0; i < n; i++)
		free(names[i]);
	if (jq_missing)
		diag("jq is not installed: fixture checks skipped");
	da_buf_release(&dir);
}

/* ---- hand-written plans ---- */

#define ELEM_REPLACE                                                           \
	"{\"address\":\"aws_instance.r\",\"mode\":\"managed\","                \
	"\"type\":\"aws_instance\",\"name\":\"r\",\"change\":{\"actions\":"    \
	"[\"delete\",\"create\"],\"before\":{\"ami\":\"a\\\"]}\"},"            \
	"\"after\":{\"ami\":\"b\"},\"replace_paths\":[[\"ami\"]]},"            \
	"\"action_reason\":\"replace_because_cannot_update\"}"

static const char every_action[] =
    "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\","
    "\"variables\":{\"password\":{\"value\":\"hunter2\"}},"
    "\"planned_values\":{\"root_module\":{}},"
    "\"new_top_level_thing\":[{\"x\":[1,2,{\"y\":\"}]\"}]}],"
    "\"resource_drift\":[{\"address\":\"aws_s3_bucket.d\","
    "\"change\":{\"actions\":[\"update\"]}}],"
    "\"resource_changes\":["
    "{\"address\":\"a.noop\",\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"address\":\"a.create\",\"module_address\":\"module.m\","
    "\"change\":{\"actions\":[\"create\"],\"after_unknown\":true}},"
    "{\"address\":\"data.a.read\",\"mode\":\"data\",\"change\":"
    "{\"actions\":[\"read\"]},"
    "\"action_reason\":\"read_because_config_unknown\"},"
    "{\"address\":\"a.update\",\"change\":{\"actions\":[\"update\"],"
    "\"replace_paths\":[]}},"
    "{\"address\":\"a.delete\",\"change\":{\"actions\":[\"delete\"]},"
    "\"action_reason\":\"delete_because_no_resource_config\"}," ELEM_REPLACE ","
    "{\"address\":\"a.cbd\",\"change\":{\"actions\":[\"create\","
    "\"delete\"]}},"
    "{\"address\":\"a.forget\",\"change\":{\"actions\":[\"forget\"]}},"
    "{\"address\":\"a.cf\",\"change\":{\"actions\":[\"create\","
    "\"forget\"]}},"
    "{\"address\":\"a.moved\",\"previous_address\":\"a.old\","
    "\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"address\":\"a.imp\",\"change\":{\"actions\":[\"no-op\"],"
    "\"importing\":{\"id\":\"i-123\"}}},"
    "{\"address\":\"a.imp2\",\"change\":{\"actions\":[\"update\"],"
    "\"importing\":{\"identity\":{\"id\":\"x\"},\"unknown\":true}}},"
    "{\"address\":\"a.impnull\",\"change\":{\"actions\":[\"create\"],"
    "\"importing\":null}},"
    "{\"address\":\"a.dep\",\"deposed\":\"00000001\","
    "\"change\":{\"actions\":[\"delete\"]}},"
    "{\"address\":\"a.empty\",\"change\":{\"actions\":[]}},"
    "{\"address\":\"a.bogus\",\"change\":{\"actions\":[\"explode\"]}},"
    "{\"address\":\"a.three\",\"change\":{\"actions\":[\"delete\","
    "\"create\",\"delete\"]}},"
    "{\"address\":\"a.none\",\"unknown_field\":{\"deep\":[[[]]]},"
    "\"change\":{\"before_sensitive\":{\"a\":true}}},"
    "{\"address\":\"aws_s3_bucket.b[\\\"a\\\\\\\"b\\\"]\",\"index\":\"a\","
    "\"change\":{\"actions\":[\"create\"]}},"
    "{\"address\":\"a.u[\\\"\\u00e9\\ud83d\\ude00\\/\\t\\\"]\","
    "\"change\":{\"actions\":[\"create\"]}}"
    "],"
    "\"output_changes\":{\"ip\":{\"actions\":[\"create\"],"
    "\"after\":\"10.0.0.1\",\"after_sensitive\":false},"
    "\"secret\":{\"actions\":[\"update\"],\"before\":\"s3cr3t\","
    "\"after\":{\"nested\":[\"x\"]}}},"
    "\"applyable\":true,\"complete\":false,\"errored\":false}\n";

static const char every_action_seen[] =
    "drift update aws_s3_bucket.d\n"
    "no-op a.noop\n"
    "create a.create mod=module.m\n"
    "read data.a.read why=read_because_config_unknown\n"
    "update a.update\n"
    "delete a.delete why=delete_because_no_resource_config\n"
    "delete,create aws_instance.r rp why=replace_because_cannot_update\n"
    "create,delete a.cbd\n"
    "forget a.forget\n"
    "create,forget a.cf\n"
    "no-op a.moved prev=a.old\n"
    "no-op a.imp imp=i-123\n"
    "update a.imp2 imp=-\n"
    "create a.impnull\n"
    "delete a.dep deposed=00000001\n"
    "other a.empty\n"
    "other a.bogus\n"
    "other a.three\n"
    "other a.none\n"
    "create aws_s3_bucket.b[\"a\\\"b\"]\n"
    "create a.u[\"\xc3\xa9\xf0\x9f\x98\x80/\t\"]\n"
    "out create ip\n"
    "out update secret\n";

static void hand_written(void)
{
	struct tf_plan_info info;
	struct da_err err = DA_ERR_INIT;
	const char *el;
	size_t i;
	int r;

	r = scan_all(every_action, &info, &err, "every action");
	is_int(r, 0, "a plan with every action reads");
	if (r < 0)
		diag("%s", err.msg);
	is_str(da_buf_str(&seen), every_action_seen,
	       "each element, in order, with its fields");
	is_str(info.format_version, "1.2", "format_version");
	is_int(info.format_major, 1, "its major");
	is_int(info.format_minor, 2, "its minor");
	is_str(info.terraform_version, "1.9.0", "terraform_version");
	is_int(info.applyable, TF_TRUE, "applyable");
	is_int(info.complete, TF_FALSE, "complete");
	is_int(info.errored, TF_FALSE, "errored");
	is_int(info.has_resource_changes, 1, "resource_changes is there");
	is_int(info.changes, 20, "twenty changes");
	is_int(info.actions[TF_ACT_NOOP], 3, "three no-ops");
	is_int(info.actions[TF_ACT_CREATE], 4, "four creates");
	is_int(info.actions[TF_ACT_OTHER], 4, "four others");
	is_int(info.actions[TF_ACT_REPLACE_DC], 1, "one delete,create");
	is_int(info.actions[TF_ACT_REPLACE_CD], 1, "one create,delete");
	is_int(info.drift, 1, "one drift");
	is_int(info.has_resource_drift, 1, "resource_drift is there");
	is_int(info.outputs, 2, "two outputs");
	is_int(info.output_actions[TF_ACT_UPDATE], 1, "one output updated");
	is_int(info.bytes, strlen(every_action), "every byte was read");
	ok(!strstr(da_buf_str(&seen), "hunter2") &&
	       !strstr(da_buf_str(&seen), "s3cr3t"),
	   "no value reaches the callbacks");

	/* The span of the replace element is exactly its text. */
	r = scan_block(every_action, strlen(every_action), 5, &info, &err);
	el = strstr(every_action, ELEM_REPLACE);
	ok(el && nspans > 5 && spans[5][0] == (uint64_t)(el - every_action) &&
	       spans[5][1] == strlen(ELEM_REPLACE),
	   "an element's offset and length");
	for (i = 0; i < nspans; i++)
		if (every_action[spans[i][0]] != '{' ||
		    every_action[spans[i][0] + spans[i][1] - 1] != '}')
			break;
	ok(i == nspans && nspans == 20, "every span is one object");

	ok(tf_action_destroys(TF_ACT_DELETE) &&
	       tf_action_destroys(TF_ACT_REPLACE_CD) &&
	       tf_action_destroys(TF_ACT_REPLACE_DC) &&
	       !tf_action_destroys(TF_ACT_FORGET) &&
	       !tf_action_destroys(TF_ACT_CREATE_FORGET),
	   "which actions destroy");

	r = scan_all("{\"format_version\":\"1.2\",\"planned_values\":{},"
		     "\"errored\":true}",
		     &info, &err, "errored");
	is_int(r, 0, "an errored plan is not bad input");
	is_int(info.errored, TF_TRUE, "it says errored");
	is_int(info.has_resource_changes, 0, "without resource_changes");
	is_int(info.applyable, TF_ABSENT, "applyable absent (OpenTofu)");
	is_int(info.complete, TF_ABSENT, "complete absent");

	r = scan_all("  \xef\xbb\xbf{\"format_version\":\"0.1\","
		     "\"resource_changes\":null}\r\n\t ",
		     &info, &err, "old plan");
	is_int(r, 0, "format 0.1, a byte order mark, white space around");
	is_int(info.format_major, 0, "major 0");
	is_str(info.terraform_version, "", "no terraform_version");
}

/* ---- bad input ---- */

struct bad_case {
	const char *name, *text;
	int e;
	const char *msg;
};

#define PLAN_HEAD "{\"format_version\":\"1.2\",\"planned_values\":{},"
#define WRAP "setup-terraform wrapper"

static const struct bad_case bad_cases[] = {
    {"empty", "", DA_EINVAL, "the plan is empty"},
    {"blank", " \n ", DA_EINVAL, "the plan is empty"},
    {"text", "Error: no plan", DA_EINVAL, "is not JSON"},
    {"array", "[{\"format_version\":\"1.0\"}]", DA_EINVAL, "JSON array"},
    {"number", "42", DA_EINVAL, "is not JSON"},
    {"state",
     "{\"format_version\":\"1.0\",\"terraform_version\":\"1.5.0\","
     "\"values\":{\"root_module\":{}}}",
     DA_EINVAL, "is a state, not a plan"},
    {"empty state", "{\"format_version\":\"1.0\"}", DA_EINVAL,
     "not a plan (no planned_values"},
    {"hcp", "{\"plan_format_version\":\"1.0\",\"resource_changes\":[]}",
     DA_EINVAL, "redacted plan"},
    {"no format", "{\"planned_values\":{},\"resource_changes\":[]}", DA_EINVAL,
     "not a plan (no format_version)"},
    {"other object", "{\"a\":1}", DA_EINVAL, "not a plan"},
    {"format 2", "{\"format_version\":\"2.0\",\"planned_values\":{}}",
     DA_EINVAL, "format_version 2.0 is not supported"},
    {"format word", "{\"format_version\":\"one\"}", DA_EINVAL,
     "is not a version"},
    {"format number", "{\"format_version\":1.2}", DA_EINVAL,
     "format_version is not a string"},
    {"wrapper head",
     "[command]/home/runner/work/_temp/0a1b/terraform-bin show -json "
     "tfplan\n" PLAN_HEAD "\"resource_changes\":[]}",
     DA_EINVAL, WRAP},
    {"wrapper debug",
     "::debug::Terraform exited with code 0.\n" PLAN_HEAD
     "\"resource_changes\":[]}",
     DA_EINVAL, WRAP},
    {"wrapper tail",
     PLAN_HEAD "\"resource_changes\":[]}\n\n::debug::Terraform exited with "
	       "code 0.\n::set-output name=exitcode::0\n",
     DA_EINVAL, WRAP},
    {"trailing text", PLAN_HEAD "\"resource_changes\":[]} {}", DA_EINVAL,
     "unexpected text after the plan"},
    {"mismatch", PLAN_HEAD "\"x\":[1}", DA_EINVAL, "'}' closes '['"},
    {"missing comma", PLAN_HEAD "\"x\":1 \"y\":2}", DA_EINVAL,
     "expected ',' or '}'"},
    {"trailing comma", PLAN_HEAD "\"x\":1,}", DA_EINVAL, "expected a key"},
    {"missing colon", PLAN_HEAD "\"x\" 1}", DA_EINVAL, "expected ':'"},
    {"bad word", PLAN_HEAD "\"x\":nul}", DA_EINVAL, "a bad word"},
    {"bad value", PLAN_HEAD "\"x\":@}", DA_EINVAL, "unexpected '@'"},
    {"element not object", PLAN_HEAD "\"resource_changes\":[1]}", DA_EINVAL,
     "an element of resource_changes is not an object"},
    {"changes not array", PLAN_HEAD "\"resource_changes\":{}}", DA_EINVAL,
     "resource_changes is not an array"},
    {"address number", PLAN_HEAD "\"resource_changes\":[{\"address\":1}]}",
     DA_EINVAL, "address is not a string"},
    {"errored word", PLAN_HEAD "\"errored\":\"yes\"}", DA_EINVAL,
     "errored is not true or false"},
    {"nul in address",
     PLAN_HEAD "\"resource_changes\":[{\"address\":\"a\\u0000b\"}]}", DA_EINVAL,
     "NUL character"},
    {"bad utf-8", PLAN_HEAD "\"resource_changes\":[{\"address\":\"a\xff\"}]}",
     DA_EINVAL, "not valid UTF-8"},
    {"lone surrogate",
     PLAN_HEAD "\"resource_changes\":[{\"address\":\"\\udc00\"}]}", DA_EINVAL,
     "lone low surrogate"},
    {"half pair",
     PLAN_HEAD "\"resource_changes\":[{\"address\":\"\\ud800x\"}]}", DA_EINVAL,
     "a bad word"},
    {"bad escape", PLAN_HEAD "\"resource_changes\":[{\"address\":\"\\q\"}]}",
     DA_EINVAL, "a bad escape"},
    {"bad hex", PLAN_HEAD "\"resource_changes\":[{\"address\":\"\\u12g4\"}]}",
     DA_EINVAL, "a bad \\u escape"},
    {"control", PLAN_HEAD "\"resource_changes\":[{\"address\":\"a\nb\"}]}",
     DA_EINVAL, "control character"},
};

/* A valid plan cut at every length: each prefix is a truncated plan. */
static void truncations(void)
{
	struct tf_plan_info info;
	struct da_err err = DA_ERR_INIT;
	size_t len = strlen(every_action), cut, wrong = 0;
	int r;

	/* The final newline is white space: the plan is whole without it. */
	for (cut = 1; cut < len - 1; cut++) {
		r = scan_block(every_action, cut, cut % 7 + 1, &info, &err);
		if (r != -DA_EINVAL || !strstr(err.msg, "truncated")) {
			if (wrong++ < 3)
				diag("cut at %zu: %d %s", cut, r, err.msg);
		}
	}
	is_int(wrong, 0, "every prefix of a plan is called truncated");
}

/* Nesting of depth arrays inside planned_values. */
static char *nested(int depth)
{
	size_t n = (size_t)depth;
	char *s = malloc(2 * n + 64);
	char *p = s;

	if (!s)
		return NULL;
	p += sprintf(p, "{\"format_version\":\"1.2\",\"planned_values\":");
	memset(p, '[', n);
	p += n;
	memset(p, ']', n);
	p += n;
	strcpy(p, "}");
	return s;
}

static void bad_inputs(void)
{
	struct tf_plan_info info;
	struct da_err err = DA_ERR_INIT;
	struct tf_scan_opts o = opts0;
	char what[256], *s;
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		r = scan_all(c->text, &info, &err, c->name);
		format(what, sizeof(what), "%s: refused", c->name);
		is_int(r, -c->e, what);
		format(what, sizeof(what), "%s: says why", c->name);
		has_str(err.msg, c->msg, what);
		format(what, sizeof(what), "%s: one line naming the plan",
		       c->name);
		ok(!strchr(err.msg, '\n') &&
		       !strncmp(err.msg, "cannot read plan 't.json': byte ",
				32),
		   what);
	}

	/* The top-level object is one level; 511 more fit, 512 do not. */
	s = nested(TF_DEPTH_MAX - 1);
	r = scan_all(s, &info, &err, "deep");
	is_int(r, 0, "nesting up to the ceiling reads");
	free(s);
	s = nested(TF_DEPTH_MAX);
	r = scan_all(s, &info, &err, "too deep");
	is_int(r, -DA_EINVAL, "nesting over the ceiling is refused");
	has_str(err.msg, "nesting deeper than 512 levels", "and says so");
	free(s);
	s = nested(100000);
	r = scan_block(s, strlen(s), 0, &info, &err);
	is_int(r, -DA_EINVAL, "very deep nesting is refused");
	free(s);

	/* A long string that is skipped is fine; one that is kept is not. */
	{
		size_t n = 100000;
		char *big = malloc(n + 256), *p = big;

		p += sprintf(p, PLAN_HEAD "\"resource_changes\":[{\"address\":"
					  "\"a.b\",\"change\":{\"after\":\"");
		memset(p, 'x', n);
		p += n;
		strcpy(p, "\"}}]}");
		r = scan_all(big, &info, &err, "long value");
		is_int(r, 0, "a long skipped value reads");
		p = big + sprintf(big, PLAN_HEAD "\"resource_changes\":[{"
						 "\"address\":\"");
		memset(p, 'a', TF_STR_MAX + 1);
		p += TF_STR_MAX + 1;
		strcpy(p, "\"}]}");
		r = scan_all(big, &info, &err, "long address");
		is_int(r, -DA_ELIMIT, "an address over the ceiling");
		has_str(err.msg, "a string of 4097 bytes", "says so");
		big[strlen(big) - 5] = 0; /* one byte shorter */
		strcat(big, "\"}]}");
		r = scan_all(big, &info, &err, "longest address");
		is_int(r, 0, "an address at the ceiling reads");
		free(big);
	}

	o.element_max = 40;
	da_err_clear(&err);
	r = tf_plan_scan_mem(every_action, strlen(every_action), "t.json", &o,
			     on_change, NULL, &info, &err);
	is_int(r, -DA_ELIMIT, "an element over its ceiling");
	has_str(err.msg, "an element of", "says so");

	da_err_clear(&err);
	r = tf_plan_scan("/nonexistent/plan.json", NULL, NULL, NULL, &info,
			 &err);
	is_int(r, -DA_ENOENT, "a missing file");
	has_str(err.msg, "cannot read plan '/nonexistent/plan.json'",
		"names it");
}

/*
 * Escapes, quotes and brackets at every alignment: whole windows go
 * through the 16-byte scanner, 1- to 7-byte windows through the plain
 * one (scan_all compares them), and the address after must be found.
 */
static void alignments(void)
{
	struct tf_plan_info info;
	struct da_err err = DA_ERR_INIT;
	char text[512], pad[64];
	int k, good = 1, r;

	for (k = 0; k < 40; k++) {
		memset(pad, 'a', (size_t)k);
		pad[k] = 0;
		format(text, sizeof(text),
		       PLAN_HEAD
		       "\"resource_changes\":[{\"change\":{\"before\":"
		       "{\"s\":\"%s\\\\\\\"]}\\\\\",\"t\":[[{}],"
		       "\"%s\\\"\"]}},\"address\":\"x%d\"}]}",
		       pad, pad, k);
		r = scan_all(text, &info, &err, "alignment");
		format(pad, sizeof(pad), "other x%d\n", k);
		if (r != 0 || strcmp(da_buf_str(&seen), pad)) {
			diag("at %d: %d %s: %s", k, r, err.msg,
			     da_buf_str(&seen));
			good = 0;
		}
	}
	ok(good, "escapes and brackets at every alignment");
}

/* A callback may stop the reading with its own error. */
static int stop_at_delete(void *ctx, const struct tf_change *c,
			  struct da_err *err)
{
	(*(int *)ctx)++;
	if (c->action == TF_ACT_DELETE)
		return da_err_set(err, DA_EFAIL, "found %s", c->address);
	return 0;
}

static void callbacks(void)
{
	struct tf_plan_info info;
	struct da_err err = DA_ERR_INIT;
	int n = 0, r;

	r = tf_plan_scan_mem(every_action, strlen(every_action), "t", NULL,
			     stop_at_delete, &n, &info, &err);
	is_int(r, -DA_EFAIL, "a callback stops the reading");
	is_str(err.msg, "found a.delete", "with its message");
	is_int(n, 5, "after five elements");

	r = tf_plan_scan_mem(every_action, strlen(every_action), "t", NULL,
			     NULL, NULL, &info, &err);
	is_int(r, 0, "no callbacks at all");
	is_int(info.changes, 20, "still counts");
}

static void run_tests(void)
{
	cov_test_dir_make("test-tf-plan");
	hand_written();
	bad_inputs();
	truncations();
	alignments();
	callbacks();
	fixtures();
	cov_test_dir_remove();
	da_buf_release(&seen);
}
