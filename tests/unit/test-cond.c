#include "test.h"
#include "common/cond.h"

#include <stdint.h>
#include <strings.h>

static const char *const headers[] = {
    "Content-Type", "application/json; charset=utf-8",
    "ETag",	    "\"v42\"",
    "X-Request-Id", "abc-123",
    "X-Empty",	    "",
    NULL,
};

static const char *get_header(void *hctx, const char *name)
{
	const char *const *h = hctx;
	size_t i;

	for (i = 0; h[i]; i += 2)
		if (strcasecmp(h[i], name) == 0)
			return h[i + 1];
	return NULL;
}

static void ctx_init(struct da_cond_ctx *ctx, const char *body)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->connected = 1;
	ctx->status = 200;
	ctx->response_time_ms = 120;
	ctx->body = body;
	ctx->body_len = body ? strlen(body) : 0;
	ctx->header = get_header;
	ctx->header_ctx = (void *)headers;
	ctx->cert_expires_ms = -1;
	ctx->ip = "127.0.0.1";
}

static struct da_buf actual = DA_BUF_INIT(4096);
static struct da_buf reason = DA_BUF_INIT(4096);

/* Parses and evaluates text; -100 when it does not parse. */
static int run(const char *text, struct da_cond_ctx *ctx)
{
	struct da_err err = DA_ERR_INIT;
	struct da_cond *c = NULL;
	int r;

	if (da_cond_parse(text, &c, &err) < 0) {
		diag("unexpected parse error: %s", err.msg);
		return -100;
	}
	r = da_cond_eval(c, ctx, &actual, &reason);
	da_cond_free(c);
	return r;
}

/* Evaluates against a fresh context with body; checks the verdict. */
#define T(text, body, want)                                                    \
	do {                                                                   \
		struct da_cond_ctx t_ctx_;                                     \
		ctx_init(&t_ctx_, (body));                                     \
		is_int(run((text), &t_ctx_), (want), (text));                  \
		da_cond_ctx_release(&t_ctx_);                                  \
	} while (0)

/* The parse error of text, "" when it parses. */
static const char *parse_error(const char *text)
{
	static struct da_err err;
	struct da_cond *c = NULL;

	da_err_clear(&err);
	if (da_cond_parse(text, &c, &err) == 0) {
		da_cond_free(c);
		return "";
	}
	return err.msg;
}

#define BAD(text, want)                                                        \
	do {                                                                   \
		const char *t_e_ = parse_error(text);                          \
		has_str(t_e_, (want), "error of " text);                       \
		ok(!strchr(t_e_, '\n'), "one line: " text);                    \
	} while (0)

static const char *const example_body =
    "{\"status\":\"UP\",\"version\":\"1.4.2\",\"items\":[{\"id\":42,"
    "\"tags\":[\"a\",\"b\"]},{\"id\":7}],\"count\":3,\"ratio\":1.5,"
    "\"ok\":true,\"nothing\":null,\"name\":\"caf\xc3\xa9\","
    "\"build-id\":\"b-17\",\"2x\":\"two\",\"a.b\":\"dotted\","
    "\"empty\":{},\"matrix\":[[1,2],[3,[4,5]]],\"code\":\"200\","
    "\"hex\":\"0xC8\",\"v\":\"1.10\",\"obj\":{\"b\":1,\"a\":[true,null]},"
    "\"token\":\"s3cr3t\",\"zero\":0,\"neg\":-5,\"big\":9007199254740993}";

static void test_header_examples(void)
{
	struct da_cond_ctx ctx;

	ctx_init(&ctx, example_body);
	is_int(run("[STATUS] == 200", &ctx), 1, "[STATUS] == 200");
	is_int(run("[STATUS] == any(200, 204)", &ctx), 1, "any()");
	is_int(run("[RESPONSE_TIME] < 300", &ctx), 1, "[RESPONSE_TIME] < 300");
	is_int(run("[BODY].status == UP", &ctx), 1, "[BODY].status == UP");
	is_int(run("[BODY].items[0].id == 42", &ctx), 1, "items[0].id");
	is_int(run("len([BODY].items) > 0", &ctx), 1, "len > 0");
	is_int(run("has([BODY].version)", &ctx), 1, "has alone");
	is_int(run("[BODY] == pat(*\"UP\"*)", &ctx), 1, "raw body pat");
	is_int(run("[HEADER].content-type == pat(application/json*)", &ctx), 1,
	       "header pat");
	is_int(run("[CONNECTED] == true", &ctx), 1, "[CONNECTED]");
	is_int(run("[IP] == 127.0.0.1", &ctx), 1, "[IP]");
	is_int(run("[BODY].version == 1.4.2", &ctx), 1, "version");
	ctx.cert_expires_ms = (int64_t)100 * 3600 * 1000;
	is_int(run("[CERTIFICATE_EXPIRATION] > 72h", &ctx), 1,
	       "certificate 100h left > 72h");
	ctx.cert_expires_ms = (int64_t)71 * 3600 * 1000;
	is_int(run("[CERTIFICATE_EXPIRATION] > 72h", &ctx), 0,
	       "certificate 71h left is not > 72h");
	has_str(da_buf_str(&reason),
		"[CERTIFICATE_EXPIRATION] (255600000) > 72h",
		"certificate reason");
	ctx.cert_expires_ms = -1;
	is_int(run("[CERTIFICATE_EXPIRATION] > 72h", &ctx), 0,
	       "unknown certificate is false");
	is_str(da_buf_str(&actual), "(missing)", "unknown certificate actual");
	has_str(da_buf_str(&reason), "[CERTIFICATE_EXPIRATION]: no certificate",
		"unknown certificate reason");
	ctx.cert_expires_ms = 0;
	is_int(run("[CERTIFICATE_EXPIRATION] == 0", &ctx), 1,
	       "an expired certificate is known, 0 ms");
	da_cond_ctx_release(&ctx);

	/* The header's error example, word for word. */
	is_str(parse_error("[STATUS] = 200"),
	       "cannot parse condition '[STATUS] = 200': column 10: expected "
	       "an operator (==, !=, <, <=, >, >=) between spaces",
	       "the header's error example");
}

static void test_operators(void)
{
	T("[STATUS] == 200", NULL, 1);
	T("[STATUS] == 201", NULL, 0);
	T("[STATUS] != 201", NULL, 1);
	T("[STATUS] != 200", NULL, 0);
	T("[STATUS] < 201", NULL, 1);
	T("[STATUS] < 200", NULL, 0);
	T("[STATUS] <= 200", NULL, 1);
	T("[STATUS] <= 199", NULL, 0);
	T("[STATUS] > 199", NULL, 1);
	T("[STATUS] > 200", NULL, 0);
	T("[STATUS] >= 200", NULL, 1);
	T("[STATUS] >= 201", NULL, 0);
	T("[STATUS]   ==   200", NULL, 1);
	T("\t[STATUS]\t==\t200\t", NULL, 1);
	T("  [STATUS] == 200  ", NULL, 1);
	T("200 == [STATUS]", NULL, 1);
	T("300 > [STATUS]", NULL, 1);
	T("[STATUS] == any(200)", NULL, 1);
	T("[STATUS] == any(404, 503)", NULL, 0);
	T("[STATUS] != any(404, 503)", NULL, 1);
	T("[STATUS] != any(200, 204)", NULL, 0);
	T("[STATUS] == pat(2?\?)", NULL, 1);
	T("[STATUS] != pat(2*)", NULL, 0);
	T("[STATUS] == pat(4*)", NULL, 0);
	T("[RESPONSE_TIME] <= 120", NULL, 1);
	T("[RESPONSE_TIME] < 120", NULL, 0);
}

static void test_numbers(void)
{
	T("[BODY].code == 200", example_body, 1); /* "200" == 200 */
	T("[STATUS] == 0xC8", NULL, 1);		  /* hex */
	T("[STATUS] == 0xc8", NULL, 1);
	T("[BODY].hex == 200", example_body, 1); /* "0xC8" == 200 */
	T("[STATUS] == 00200", NULL, 1);	 /* leading zeros */
	T("[STATUS] == +200", NULL, 1);
	T("[STATUS] == 200.0", NULL, 0); /* text, not number */
	T("[BODY].ratio == 1.5", example_body, 1);
	T("[BODY].ratio == 1.50", example_body, 1); /* JSON number */
	T("[BODY].ratio == 1.500e0", example_body, 1);
	T("[BODY].ratio != 1.6", example_body, 1);
	T("[BODY].v == 1.10", example_body, 1);
	T("[BODY].v == 1.1", example_body, 0);	   /* versions stay distinct */
	T("[BODY].count == 3.0", example_body, 1); /* JSON number */
	T("[BODY].count == 3", example_body, 1);
	T("[BODY].neg == -5", example_body, 1);
	T("[BODY].neg < -4", example_body, 1);
	T("[BODY].neg < -0x5", example_body, 0);
	T("[BODY].zero == 0x0", example_body, 1);
	T("[BODY].big == 9007199254740993", example_body, 1);
	T("[BODY].big != 9007199254740992", example_body, 1);
	T("[BODY].big > 9007199254740992", example_body, 1);
	T("[BODY].ratio > 1", example_body, 1);
	T("[BODY].ratio < 1.6", example_body, 1);
	T("[BODY].ratio >= 1.5", example_body, 1);
	T("[BODY].ratio > 1e0", example_body, 1);
	T("[BODY].count < 9223372036854775807", example_body, 1);
	T("[BODY].count > -9223372036854775808", example_body, 1);
	/* Past int64: a decimal, still ordered. */
	T("[BODY].count < 99999999999999999999", example_body, 1);
	T("[STATUS] == 0x", NULL, 0);

	/* Durations on either side count in milliseconds. */
	T("[RESPONSE_TIME] < 1s", NULL, 1);
	T("[RESPONSE_TIME] < 500ms", NULL, 1);
	T("[RESPONSE_TIME] > 100ms", NULL, 1);
	T("[RESPONSE_TIME] >= 0.12s", NULL, 1);
	T("[RESPONSE_TIME] > 0.12s", NULL, 0);
	T("[RESPONSE_TIME] < 1m30s", NULL, 1);
	T("[RESPONSE_TIME] == 120ms", NULL, 0); /* == is not numeric here */

	/* Not a number under an order: false with a reason, never 0. */
	T("[BODY].status < 1", example_body, 0);
	has_str(da_buf_str(&reason),
		"[BODY].status (UP) < 1: 'UP' is not a number or a duration",
		"not a number reason");
	T("[BODY].status > -1", example_body, 0);
	T("[BODY].version > 1", example_body, 0);
	T("[BODY].ok > 0", example_body, 0);
	T("[BODY].nothing >= 0", example_body, 0);
	T("len([BODY].items) > 1", example_body, 1);
	T("len([BODY].items) > 2", example_body, 0);
	T("[BODY].items[0].id > [BODY].items[1].id", example_body, 1);
}

static void test_strings(void)
{
	T("[BODY].status == up", example_body, 0); /* case-sensitive */
	T("[BODY].status != DOWN", example_body, 1);
	T("[BODY].ok == true", example_body, 1);
	T("[BODY].ok == false", example_body, 0);
	T("[BODY].nothing == null", example_body, 1);
	T("[BODY].empty == {}", example_body, 1);
	T("[BODY].items[0].tags == \"[\\\"a\\\",\\\"b\\\"]\"", example_body, 1);
	T("[BODY].obj == \"{\\\"a\\\":[true,null],\\\"b\\\":1}\"", example_body,
	  1); /* sorted keys */
	T("[BODY].name == caf\xc3\xa9", example_body, 1);
	T("[BODY].status ==    UP   ", example_body, 1); /* trimmed */
	T("[BODY].status == \"UP\"", example_body, 1);
	T("[BODY].status == \" UP\"", example_body, 0);
	T("[BODY] == \"\"", "", 1);
	T("[BODY] == \"\"", "x", 0);
	T("[BODY] == ok", "ok", 1);
	T("[BODY] == ok", "ok\n", 0); /* exact */
	T("[BODY] == \"ok\\n\"", "ok\n", 1);
	T("[BODY] == \"a \\\"b\\\" \\\\ c\\t\"", "a \"b\" \\ c\t", 1);
	T("[BODY] == \"two  spaces\"", "two  spaces", 1);
	T("[BODY] == two  spaces", "two  spaces", 1);
	T("[BODY] == \" padded \"", " padded ", 1);
	T("[BODY] == padded", " padded ", 0);
	T("[BODY] == a \"b\"", "a \"b\"", 1);
	T("[BODY].status == [BODY].status", example_body, 1);
	T("[BODY].token == [BODY].status", example_body, 0);
	has_str(da_buf_str(&reason),
		"[BODY].token (s3cr3t) == [BODY].status (UP)",
		"both sides in the reason");
	T("\"UP\" == [BODY].status", example_body, 1);
	is_str(da_buf_str(&actual), "UP",
	       "actual is the placeholder side when the left is literal");
	T("[BODY].status == \"a == b\"", example_body, 0);
}

static void test_paths(void)
{
	T("[BODY].items[1].id == 7", example_body, 1);
	T("[BODY].items[0].tags[1] == b", example_body, 1);
	T("[BODY].matrix[1][1][0] == 4", example_body, 1);
	T("[BODY].matrix[0] == \"[1,2]\"", example_body, 1);
	T("len([BODY].matrix[1][1]) == 2", example_body, 1);
	T("[BODY].build-id == b-17", example_body, 1);
	T("[BODY].2x == two", example_body, 1);
	T("[BODY][\"a.b\"] == dotted", example_body, 1);
	T("[BODY][\"status\"] == UP", example_body, 1);
	T("[BODY][0] == 1", "[1,2,3]", 1);
	T("[BODY][2] == 3", "[1,2,3]", 1);
	T("[BODY][0][1] == x", "[[\"w\",\"x\"]]", 1);
	T("[BODY].a == 1", " {\"a\": 1}\n", 1);
	T("[BODY] == \"[1,2]\"", "[1,2]", 1);
	T("[BODY].caf\xc3\xa9 == 1", "{\"caf\xc3\xa9\":1}", 1);

	/* What does not resolve is false with a reason. */
	T("[BODY].version == 1.4.2", "{}", 0);
	is_str(da_buf_str(&actual), "(missing)", "missing actual");
	is_str(da_buf_str(&reason), "[BODY].version: no such key",
	       "missing key reason");
	T("[BODY].a.b.c == 1", "{\"a\":{}}", 0);
	is_str(da_buf_str(&reason), "[BODY].a.b: no such key",
	       "reason names the first missing key");
	T("[BODY].items[5].id == 1", example_body, 0);
	is_str(da_buf_str(&reason), "[BODY].items[5]: out of range (2 items)",
	       "out of range");
	T("[BODY][1] == 1", "[0]", 0);
	is_str(da_buf_str(&reason), "[BODY][1]: out of range (1 item)",
	       "out of range, one item");
	T("[BODY][0] == 1", "[]", 0);
	T("[BODY].status.x == 1", example_body, 0);
	is_str(da_buf_str(&reason), "[BODY].status: a string, not an object",
	       "key on a string");
	T("[BODY].items.x == 1", example_body, 0);
	is_str(da_buf_str(&reason), "[BODY].items: an array, not an object",
	       "key on an array");
	T("[BODY].count[0] == 1", example_body, 0);
	is_str(da_buf_str(&reason), "[BODY].count: an integer, not an array",
	       "index on an integer");
	T("[BODY][0] == 1", "{\"0\":1}", 0);
	is_str(da_buf_str(&reason), "[BODY]: an object, not an array",
	       "index on the root object");
	T("[BODY].status == UP", "<html>UP</html>", 0);
	is_str(da_buf_str(&reason), "[BODY].status: body is not JSON",
	       "non-JSON body");
	T("[BODY].status != UP", "<html>UP</html>", 0);
	T("[BODY].status == UP", "", 0);
	T("[BODY].a == 1", "{\"a\":1} trailing", 0);
	T("[BODY].a == 1", "{\"a\":99999999999999999999999}", 0);
}

static void test_functions(void)
{
	/* len() */
	T("len([BODY].items) == 2", example_body, 1);
	T("len([BODY].obj) == 2", example_body, 1);
	T("len([BODY].empty) == 0", example_body, 1);
	T("len([BODY].status) == 2", example_body, 1);
	T("len([BODY].name) == 4", example_body, 1); /* characters */
	T("len([BODY]) == 3", "[1,2,3]", 1);
	T("len([BODY]) == 1", "{\"a\":[1,2]}", 1);
	T("len([BODY]) == 5", "hello", 1);   /* raw bytes */
	T("len([BODY]) == 3", "\"abc\"", 1); /* a JSON string */
	T("len([BODY]) == 0", "", 1);
	T("len([BODY]) == 2", "42", 1);
	T("len( [BODY].items ) == 2", example_body, 1);
	T("len([BODY].count) == 1", example_body, 0);
	is_str(da_buf_str(&reason), "[BODY].count: an integer has no length",
	       "len of a number");
	T("len([BODY].missing) == 0", example_body, 0);
	is_str(da_buf_str(&reason), "[BODY].missing: no such key",
	       "len of a missing key");
	T("len([BODY].x) > 0", "not json", 0);

	/* has() */
	T("has([BODY].version)", example_body, 1);
	T("has([BODY].items[1].id)", example_body, 1);
	T("has([BODY].nothing)", example_body, 1); /* null is there */
	T("has([BODY].items[2])", example_body, 0);
	is_str(da_buf_str(&actual), "false", "has actual");
	is_str(da_buf_str(&reason), "[BODY].items[2]: out of range (2 items)",
	       "has reason");
	T("has([BODY].nope)", example_body, 0);
	is_str(da_buf_str(&reason), "[BODY].nope: no such key",
	       "has missing key reason");
	T("has([BODY])", example_body, 1);
	T("has([BODY])", "plain text", 0);
	T("has([BODY].errors) == false", example_body, 1);
	T("has([BODY].status) == true", example_body, 1);
	T("has([BODY].status) != true", example_body, 0);
	T("has([BODY].a)", "not json", 0);
	is_str(da_buf_str(&reason), "[BODY].a: body is not JSON",
	       "has on a non-JSON body");
	T("  has([BODY].status)  ", example_body, 1);

	/* pat(): anchored, case-sensitive, * and ? only */
	T("[BODY] == pat(*)", "", 1);
	T("[BODY] == pat(*)", "anything at all", 1);
	T("[BODY] == pat(**)", "x", 1);
	T("[BODY] == pat(**)", "", 1);
	T("[BODY] == pat()", "", 1);
	T("[BODY] == pat()", "x", 0);
	T("[BODY] == pat(?)", "", 0);
	T("[BODY] == pat(?)", "x", 1);
	T("[BODY] == pat(?)", "xy", 0);
	T("[BODY] == pat(?)", "\xc3\xa9", 1); /* one character */
	T("[BODY] == pat(?\?)", "\xc3\xa9", 0);
	T("[BODY] == pat(*?\?)", "\xc3\xa9", 0);
	T("[BODY] == pat(caf?)", "caf\xc3\xa9", 1);
	T("[BODY] == pat(\xe2\x82\xac?)", "\xe2\x82\xac\xf0\x9f\x98\x80", 1);
	T("[BODY] == pat(ok)", "ok", 1);
	T("[BODY] == pat(ok)", "ok!", 0); /* anchored at the end */
	T("[BODY] == pat(ok)", "!ok", 0); /* and at the start */
	T("[BODY] == pat(OK*)", "ok", 0); /* case-sensitive */
	T("[BODY] == pat(*ok*)", "it is ok here", 1);
	T("[BODY] == pat(a*b*c)", "abc", 1);
	T("[BODY] == pat(a*b*c)", "aXbYbZc", 1);
	T("[BODY] == pat(a*b*c)", "aXbYc d", 0);
	T("[BODY] == pat(a*a)", "a", 0);
	T("[BODY] == pat(a*a)", "aa", 1);
	T("[BODY] == pat(*a?c*)", "xxabcyy", 1);
	T("[BODY] == pat(*ab)", "aab", 1);
	T("[BODY] == pat(*ab)", "abab", 1);
	T("[BODY] == pat(*ab)", "aba", 0);
	T("[BODY] == pat(a?*)", "a", 0);
	T("[BODY] == pat([x])", "[x]", 1); /* no classes */
	T("[BODY] == pat(\\*)", "\\x", 1); /* no escapes */
	T("[BODY] == pat(*(beta)*)", "v2 (beta) build", 1);
	T("[BODY] == pat(\" padded*\")", " padded text", 1);
	T("[BODY] == pat( spaced * )", "spaced text", 1);
	T("[BODY] != pat(*error*)", "all good", 1);
	T("[BODY].status == pat(U?)", example_body, 1);
	T("[BODY].count == pat(3)", example_body, 1);
	T("[BODY] == pat(*b*)", "a\0b", 0); /* strlen: body is "a" */
	{
		struct da_cond_ctx ctx;

		ctx_init(&ctx, NULL);
		ctx.body = "a\0b";
		ctx.body_len = 3;
		is_int(run("[BODY] == pat(*b*)", &ctx), 1,
		       "pat sees past a NUL byte in the body");
		is_int(run("len([BODY]) == 3", &ctx), 1, "len counts it");
		da_cond_ctx_release(&ctx);
	}

	/* any(): trimmed items, numbers numerically */
	T("[BODY].status == any(DOWN, UP)", example_body, 1);
	T("[BODY].status == any( DOWN ,  UP  )", example_body, 1);
	T("[BODY].status == any(\"UP\", \"x, y\")", example_body, 1);
	T("[BODY] == any(\"x, y\", z)", "x, y", 1);
	T("[BODY] == any(x, y)", "x, y", 0);
	T("[BODY] == any(\"\", x)", "", 1);
	T("[STATUS] == any(0xC8, 204)", NULL, 1);
	T("[STATUS] == any(200.0)", NULL, 0);
	T("[BODY].ratio == any(1.50, 2)", example_body, 1);
	T("[BODY].status == any(up)", example_body, 0);
	has_str(da_buf_str(&reason), "[BODY].status (UP) == any(up)",
		"any reason");
}

static void test_placeholders(void)
{
	struct da_cond_ctx ctx;

	T("[HEADER].content-type == pat(application/json*)", NULL, 1);
	T("[HEADER].Content-Type == pat(application/json*)", NULL, 1);
	T("[HEADER].etag == \"\\\"v42\\\"\"", NULL, 1);
	T("[HEADER].x-request-id == abc-123", NULL, 1);
	T("[HEADER].x-empty == \"\"", NULL, 1);
	T("[HEADER].x-missing == abc", NULL, 0);
	is_str(da_buf_str(&reason), "[HEADER].x-missing: no such header",
	       "missing header reason");
	is_str(da_buf_str(&actual), "(missing)", "missing header actual");
	T("[IP] == ::1", NULL, 0);
	T("[IP] != ::1", NULL, 1);
	T("[CONNECTED] == false", NULL, 0);

	ctx_init(&ctx, "{\"a\":1}");
	ctx.header = NULL;
	is_int(run("[HEADER].etag == x", &ctx), 0, "no header callback");
	ctx.ip = NULL;
	is_int(run("[IP] == 127.0.0.1", &ctx), 0, "no peer address");
	has_str(da_buf_str(&reason), "[IP]: no peer address", "ip reason");

	/* Nothing came back: only [CONNECTED] resolves. */
	ctx.connected = 0;
	ctx.status = 0;
	is_int(run("[CONNECTED] == false", &ctx), 1, "not connected");
	is_int(run("[CONNECTED] == true", &ctx), 0, "not connected, false");
	is_str(da_buf_str(&actual), "false", "connected actual");
	is_int(run("[STATUS] == 200", &ctx), 0, "no status");
	is_str(da_buf_str(&reason), "[STATUS]: no response", "no response");
	is_int(run("[STATUS] != 200", &ctx), 0, "!= is false too");
	is_int(run("[BODY].a == 1", &ctx), 0, "no body");
	is_int(run("has([BODY].a)", &ctx), 0, "has without a response");
	is_str(da_buf_str(&reason), "[BODY].a: no response", "has reason");
	is_int(run("len([BODY]) == 0", &ctx), 0, "len without a response");
	is_int(run("[RESPONSE_TIME] < 100", &ctx), 0, "no response time");
	da_cond_ctx_release(&ctx);
	da_cond_ctx_release(&ctx);
	da_cond_ctx_release(NULL);
}

static void test_errors(void)
{
	BAD("", "column 1: empty condition");
	BAD("   ", "column 4: empty condition");
	BAD("== 200", "column 1: empty left side");
	BAD("[STATUS] ==", "column 12: empty right side");
	/* A written value that is no number under an order: spec error. */
	BAD("[STATUS] < abc", "column 12: 'abc' is not a number or a duration");
	BAD("[STATUS] < 0x", "column 12: '0x' is not a number");
	BAD("[BODY].code < 1e999", "column 15: '1e999' is not a number");
	BAD("[RESPONSE_TIME] < 300 ms", "column 19: '300 ms' is not a number");
	BAD("2x > [STATUS]", "column 1: '2x' is not a number");
	BAD("[STATUS] ==   ", "column 15: empty right side");
	BAD("[STATUS]", "column 9: expected an operator");
	BAD("[STATUS]==200", "column 9: expected an operator");
	BAD("[STATUS] ==200", "column 10: expected an operator");
	BAD("[STATUS] === 200", "column 10: expected an operator");
	BAD("[STATUS] => 200", "column 10: expected an operator");
	BAD("[BODY].status==UP", "column 14: expected an operator");
	BAD("[STATUS] == 200 == 300", "column 17: a second operator");
	BAD("[STATUS] == \"200\" == 300", "column 19: a second operator");
	BAD("[STATUS] == \"200\" x", "column 19: unexpected text after");
	is_str(parse_error("[STATUS] == 2 00"), "", "a literal with a space");
	BAD("[STATUS == 200", "column 1: unterminated '['");
	BAD("[", "column 1: unterminated '['");
	BAD("[BODY].items[0 == 1", "column 13: unterminated '['");
	BAD("[BODY].items[ == 1", "column 13: unterminated '['");
	BAD("[STATUS] == [BODY", "column 13: unterminated '['");
	BAD("[STAUS] == 200", "column 1: unknown placeholder '[STAUS]'");
	BAD("[status] == 200", "unknown placeholder '[status]' (known: ");
	BAD("[] == 200", "column 1: unknown placeholder '[]'");
	BAD("[STATUS] == [FOO]", "column 13: unknown placeholder '[FOO]'");
	BAD("[BODY]. == 1", "column 8: bad path: expected a key after '.'");
	BAD("[BODY].a..b == 1", "column 10: bad path: expected a key");
	BAD("[BODY].a[x] == 1", "column 10: bad path: expected an array index");
	BAD("[BODY].a[-1] == 1", "column 10: bad path: expected an array");
	BAD("[BODY].a[1x] == 1", "column 11: bad path: expected ']'");
	BAD("[BODY].a[1234567890] == 1", "column 10: bad path: array index");
	BAD("[BODY][\"a] == 1", "column 8: unterminated quoted value");
	BAD("[BODY][\"a\"x == 1", "column 11: bad path: expected ']'");
	BAD("[BODY]x == 1", "column 7: bad path: unexpected 'x'");
	BAD("[BODY].a(b) == 1", "column 9: bad path: unexpected '('");
	BAD("[STATUS].a == 1", "column 9: [STATUS] takes no path");
	BAD("[IP][0] == 1", "column 5: [IP] takes no path");
	BAD("[HEADER] == 1", "column 9: expected '.name' after [HEADER]");
	BAD("[HEADER]. == 1", "column 10: expected a header name");
	BAD("[HEADER].a(b) == 1", "column 11: expected an operator");
	BAD("[STATUS] == [STATUS]x", "column 21: unexpected text after the "
				     "right side");
	BAD("[STATUS] == [BODY].a=", "column 21: bad path: unexpected '='");
	BAD("[BODY] == pat(*ok*", "column 11: pat( without ')'");
	BAD("[BODY] == any(1, 2", "column 11: any( without ')'");
	BAD("[BODY] == pat(", "column 11: pat( without ')'");
	BAD("[BODY] == pat(a) == b", "column 17: unexpected text after pat(");
	BAD("[BODY] == any(a)b", "column 17: unexpected text after any(");
	BAD("[BODY] == pat(\"a\" b)", "column 19: expected ')' after");
	BAD("[BODY] == pat(\"ab)", "column 15: unterminated quoted value");
	BAD("[BODY] == any()", "column 15: any() needs at least one value");
	BAD("[BODY] == any(  )", "column 15: any() needs at least one value");
	BAD("[BODY] == any(1,,2)", "column 17: empty value in any()");
	BAD("[BODY] == any(1, )", "column 18: empty value in any()");
	BAD("[BODY] == any(,1)", "column 15: empty value in any()");
	BAD("[BODY] == any(\"a\" b)", "column 19: expected ',' or ')'");
	BAD("any(1, 2) == [STATUS]",
	    "column 1: any() can only be on the right");
	BAD("pat(*) == [BODY]", "column 1: pat() can only be on the right");
	BAD("[STATUS] < any(1, 2)", "column 12: any() works only with ==");
	BAD("[BODY] >= pat(*)", "column 11: pat() works only with ==");
	BAD("has([BODY].a) < 1", "column 1: has() is true or false");
	BAD("[STATUS] > has([BODY].a)", "column 12: has() is true or false");
	BAD("len([STATUS]) > 1", "column 5: len() takes [BODY] or a path "
				 "under it, not [STATUS]");
	BAD("has([HEADER].etag)", "column 5: has() takes [BODY]");
	BAD("len(items) > 1", "column 5: len() takes [BODY]");
	BAD("len() > 1", "column 5: len() takes [BODY]");
	BAD("len([BODY].items > 1", "column 18: expected ')' to close len(");
	BAD("len([BODY].items x) > 1", "column 18: expected ')' to close len(");
	BAD("len([BODY].items", "column 1: len( without ')'");
	BAD("has([BODY].a", "column 1: has( without ')'");
	BAD("STATUS == 200", "column 1: neither side is a placeholder");
	BAD("1 == 1", "column 1: neither side is a placeholder");
	BAD("abc == pat(a*)", "column 1: neither side is a placeholder");
	BAD("[BODY] == \"abc", "column 11: unterminated quoted value");
	BAD("[BODY] == \"a\\qb\"", "column 13: unknown escape");
	BAD("\"abc == [BODY]", "column 1: unterminated quoted value");
	has_str(parse_error("[BODY] == a\nb"), "column 12: control character",
		"a line feed is refused");
	has_str(parse_error("[BODY] == a\rb"), "column 12: control character",
		"a carriage return is refused");
	ok(!strchr(parse_error("[BODY] == a\nb"), '\n'),
	   "the message stays one line");
	BAD("has([BODY].a) x", "column 15: expected an operator");
	BAD("[STATUS] == 200 x == 1", "column 19: a second operator");
	/* Columns count characters, not bytes. */
	BAD("[BODY].caf\xc3\xa9 = 1", "column 13: expected an operator");
	BAD("[BODY].x\xc3\xa9[ == 1", "column 10: unterminated '['");
	/* Parsing stops at the first error. */
	BAD("[FOO] = 1", "column 1: unknown placeholder");
	ok(strcmp(parse_error("[STATUS] == 200 extra"), "") == 0,
	   "an unquoted literal may hold spaces");
}

static void test_limits(void)
{
	struct da_buf big = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;
	struct da_cond *c = NULL;
	struct da_cond_ctx ctx;
	size_t i;
	int r;

	/* Exactly DA_MAX_COND_TEXT bytes parse; one more does not. */
	da_buf_adds(&big, "[BODY] == \"");
	while (big.len < DA_MAX_COND_TEXT - 1)
		da_buf_addch(&big, 'x');
	da_buf_addch(&big, '"');
	is_int(big.len, DA_MAX_COND_TEXT, "a condition at the limit");
	r = da_cond_parse(da_buf_str(&big), &c, &err);
	is_int(r, 0, "parses at the limit");
	ctx_init(&ctx, "short");
	is_int(da_cond_eval(c, &ctx, &actual, &reason), 0, "and evaluates");
	ok(reason.len < 300, "the reason stays short");
	has_str(da_buf_str(&reason), "xxx...", "long literal cut with ...");
	da_cond_free(c);
	c = NULL;
	da_buf_addch(&big, ' ');
	r = da_cond_parse(da_buf_str(&big), &c, &err);
	is_int(r, -DA_ELIMIT, "one byte over the limit");
	has_str(err.msg, "4097 bytes, over the 4096-byte limit",
		"limit message");
	ok(strlen(err.msg) < 300, "the message quotes a cut condition");
	ok(c == NULL, "nothing returned on failure");

	/* A long condition with an error far in keeps its column. */
	da_buf_reset(&big);
	da_buf_adds(&big, "[BODY].");
	for (i = 0; i < 1000; i++)
		da_buf_adds(&big, "a.");
	da_buf_adds(&big, " == 1");
	has_str(parse_error(da_buf_str(&big)),
		"column 2008: bad path: expected a key after '.'",
		"column of an error after 2000 characters");

	/* Many path steps resolve. */
	da_buf_reset(&big);
	da_buf_adds(&big, "[BODY]");
	for (i = 0; i < 1000; i++)
		da_buf_adds(&big, "[0]");
	da_buf_adds(&big, " == 1");
	{
		struct da_buf body = DA_BUF_INIT(0);

		for (i = 0; i < 1000; i++)
			da_buf_addch(&body, '[');
		da_buf_addch(&body, '1');
		for (i = 0; i < 1000; i++)
			da_buf_addch(&body, ']');
		ctx_init(&ctx, da_buf_str(&body));
		is_int(run(da_buf_str(&big), &ctx), 1,
		       "1000 nested arrays resolve");
		da_cond_ctx_release(&ctx);
		da_buf_release(&body);
	}

	/* any() takes up to DA_MAX_COND_ANY values. */
	da_buf_reset(&big);
	da_buf_adds(&big, "[STATUS] == any(");
	for (i = 0; i < DA_MAX_COND_ANY; i++)
		da_buf_addf(&big, "%s%zu", i ? "," : "", 137 + i);
	da_buf_adds(&big, ")");
	ctx_init(&ctx, NULL);
	is_int(run(da_buf_str(&big), &ctx), 1, "64 values in any()");
	da_buf_truncate(&big, big.len - 1);
	da_buf_adds(&big, ",1)");
	has_str(parse_error(da_buf_str(&big)), "more than 64 values in any()",
		"65 values are refused");

	/* A long value is cut in actual and reason, escaped, one line. */
	da_buf_reset(&big);
	da_buf_adds(&big, "{\"v\":\"line1\\nline2\\r\\t");
	for (i = 0; i < 500; i++)
		da_buf_adds(&big, "\xc3\xa9");
	da_buf_adds(&big, "\"}");
	ctx_init(&ctx, da_buf_str(&big));
	is_int(run("[BODY].v == x", &ctx), 0, "long value false");
	ok(!strchr(da_buf_str(&actual), '\n') &&
	       !strchr(da_buf_str(&actual), '\r'),
	   "actual is one line");
	has_str(da_buf_str(&actual), "line1\\nline2\\r\\t\xc3\xa9",
		"control characters escaped");
	ok(actual.len <= 123, "actual cut to about 120 bytes");
	has_str(da_buf_str(&actual), "\xc3\xa9...", "cut at a character");
	ok(!strchr(da_buf_str(&reason), '\n') && reason.len < 300,
	   "reason one short line");
	da_cond_ctx_release(&ctx);

	/* A raw body with control bytes. */
	ctx_init(&ctx, "a\x01"
		       "b");
	is_int(run("[BODY] == x", &ctx), 0, "control byte body");
	is_str(da_buf_str(&actual), "a\\x01b", "control byte escaped");
	da_cond_ctx_release(&ctx);

	/* Small caller buffers: a text over the ceiling is dropped. */
	{
		struct da_buf small = DA_BUF_INIT(4);

		ctx_init(&ctx, example_body);
		c = NULL;
		da_cond_parse("[BODY].version == 2", &c, &err);
		is_int(da_cond_eval(c, &ctx, &small, NULL), 0,
		       "eval with a tiny actual buffer");
		is_str(da_buf_str(&small), "", "too long for it: empty");
		is_int(da_cond_eval(c, &ctx, NULL, &small), 0,
		       "eval with a tiny reason buffer");
		is_int(da_cond_eval(c, &ctx, NULL, NULL), 0,
		       "eval without buffers");
		da_buf_release(&small);
		da_cond_free(c);
		da_cond_ctx_release(&ctx);
	}
	da_buf_release(&big);
}

static void test_body_cache(void)
{
	struct da_cond_ctx ctx;

	ctx_init(&ctx, "{\"a\":1}");
	is_int(run("[BODY].a == 1", &ctx), 1, "first lookup");
	ok(ctx.body_json_tried && ctx.body_json, "the parse is cached");
	/* Evaluation trusts the cache: the body is parsed once. */
	ctx.body = "{\"a\":2}";
	is_int(run("[BODY].a == 1", &ctx), 1, "cached parse used");
	da_cond_ctx_release(&ctx);
	ok(!ctx.body_json_tried && !ctx.body_json, "release clears it");
	is_int(run("[BODY].a == 2", &ctx), 1, "parsed again after release");
	da_cond_ctx_release(&ctx);

	ctx_init(&ctx, "nope");
	is_int(run("[BODY].a == 1", &ctx), 0, "not JSON");
	ok(ctx.body_json_tried && !ctx.body_json, "failure cached too");
	da_cond_ctx_release(&ctx);
}

static void test_reasons(void)
{
	struct da_cond_ctx ctx;

	ctx_init(&ctx, example_body);
	ctx.status = 404;
	is_int(run("[STATUS] == 200", &ctx), 0, "404");
	is_str(da_buf_str(&actual), "404", "actual status");
	is_str(da_buf_str(&reason), "[STATUS] (404) == 200", "status reason");
	is_int(run("[STATUS] == 404", &ctx), 1, "true");
	is_str(da_buf_str(&reason), "", "a true condition has no reason");
	is_str(da_buf_str(&actual), "404", "actual also when true");
	is_int(run("[BODY].version == 1.4.1", &ctx), 0, "old version");
	is_str(da_buf_str(&reason), "[BODY].version (1.4.2) == 1.4.1",
	       "version reason");
	is_int(run("[BODY] == pat(*DOWN*)", &ctx), 0, "pat false");
	has_str(da_buf_str(&reason), "...) == pat(*DOWN*)", "pat reason cut");
	is_int(run("[STATUS] != 404", &ctx), 0, "!= false");
	is_str(da_buf_str(&reason), "[STATUS] (404) != 404", "!= reason");
	is_int(run("len([BODY].items) > 5", &ctx), 0, "len false");
	is_str(da_buf_str(&reason), "len([BODY].items) (2) > 5", "len reason");
	is_int(run("[BODY].obj == x", &ctx), 0, "object value");
	is_str(da_buf_str(&actual), "{\"a\":[true,null],\"b\":1}",
	       "object rendered compact with sorted keys");
	is_int(run("[BODY].ratio == 2", &ctx), 0, "real value");
	is_str(da_buf_str(&actual), "1.5", "real rendered");
	da_cond_ctx_release(&ctx);
}

static void test_text_and_free(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_cond *c = NULL;

	is_int(da_cond_parse("  [STATUS] == 200 ", &c, &err), 0, "parse");
	is_str(da_cond_text(c), "  [STATUS] == 200 ", "text kept as given");
	da_cond_free(c);
	da_cond_free(NULL);
	is_str(da_cond_text(NULL), "", "text of NULL");
	c = (struct da_cond *)&err;
	is_int(da_cond_parse("[X] == 1", &c, &err), -DA_EINVAL, "bad one");
	ok(c == (struct da_cond *)&err, "ret untouched on failure");
	is_int(da_cond_parse(NULL, &c, &err), -DA_EINVAL, "NULL text");
	has_str(err.msg, "empty condition", "NULL is empty");
}

static void test_resolve(void)
{
	struct da_buf out = DA_BUF_INIT(64);
	struct da_err err = DA_ERR_INIT;
	struct da_cond_ctx ctx;

	ctx_init(&ctx, example_body);
	is_int(da_cond_resolve("[BODY].token", &ctx, &out, &err), 1,
	       "resolve a body string");
	is_str(da_buf_str(&out), "s3cr3t", "strings come unquoted");
	da_buf_reset(&out);
	is_int(da_cond_resolve("[HEADER].etag", &ctx, &out, &err), 1,
	       "resolve a header");
	is_str(da_buf_str(&out), "\"v42\"", "header value as sent");
	da_buf_reset(&out);
	is_int(da_cond_resolve("[STATUS]", &ctx, &out, &err), 1, "status");
	is_str(da_buf_str(&out), "200", "status text");
	da_buf_adds(&out, "+");
	is_int(da_cond_resolve(" [BODY].count ", &ctx, &out, &err), 1,
	       "resolve appends");
	is_str(da_buf_str(&out), "200+3", "appended");
	da_buf_reset(&out);
	is_int(da_cond_resolve("[BODY].items[0].tags", &ctx, &out, &err), 1,
	       "an array");
	is_str(da_buf_str(&out), "[\"a\",\"b\"]", "as compact JSON");
	da_buf_reset(&out);
	is_int(da_cond_resolve("len([BODY].items)", &ctx, &out, &err), 1,
	       "len() resolves");
	is_str(da_buf_str(&out), "2", "len text");
	da_buf_reset(&out);
	is_int(da_cond_resolve("[BODY].nope", &ctx, &out, &err), 0,
	       "missing key");
	is_str(da_buf_str(&out), "", "nothing appended");
	is_int(da_cond_resolve("[HEADER].nope", &ctx, &out, &err), 0,
	       "missing header");
	is_int(da_cond_resolve("[CERTIFICATE_EXPIRATION]", &ctx, &out, &err), 0,
	       "unknown certificate");
	is_int(da_cond_resolve("[BODY].x[", &ctx, &out, &err), -DA_EINVAL,
	       "malformed");
	has_str(err.msg,
		"cannot parse placeholder '[BODY].x[': column 9: "
		"unterminated '['",
		"malformed message");
	is_int(da_cond_resolve("token", &ctx, &out, &err), -DA_EINVAL,
	       "not a placeholder");
	has_str(err.msg, "column 1: expected a placeholder", "message");
	is_int(da_cond_resolve("[BODY].a b", &ctx, &out, &err), -DA_EINVAL,
	       "trailing text");
	has_str(err.msg, "column 10: unexpected text", "trailing message");
	is_int(da_cond_resolve("", &ctx, &out, &err), -DA_EINVAL, "empty");
	is_int(da_cond_resolve("[BODY]", &ctx, &out, &err), -DA_ELIMIT,
	       "a value over the buffer's ceiling");
	has_str(err.msg, "over the 64-byte limit", "ceiling message");
	is_str(da_buf_str(&out), "", "nothing appended over the ceiling");
	da_cond_ctx_release(&ctx);

	ctx_init(&ctx, "not json");
	is_int(da_cond_resolve("[BODY].token", &ctx, &out, &err), 0,
	       "non-JSON body");
	is_int(da_cond_resolve("[BODY]", &ctx, &out, &err), 1, "raw body");
	is_str(da_buf_str(&out), "not json", "raw body text");
	da_cond_ctx_release(&ctx);
	da_buf_release(&out);
}

static void run_tests(void)
{
	test_header_examples();
	test_operators();
	test_numbers();
	test_strings();
	test_paths();
	test_functions();
	test_placeholders();
	test_errors();
	test_limits();
	test_body_cache();
	test_reasons();
	test_text_and_free();
	test_resolve();
	da_buf_release(&actual);
	da_buf_release(&reason);
}
