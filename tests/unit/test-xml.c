#include "test.h"
#include "common/buf.h"
#include "common/xml.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[512];

static void make_dir(void)
{
	const char *t = getenv("TMPDIR");
	int n;

	n = snprintf(dir, sizeof(dir), "%s/da-test-xml-XXXXXX",
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

static const char *put(const char *name, const char *data, size_t len)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		exit(1);
	return p;
}

/*
 * A recorder: writes every event as one line into a buffer, so that two
 * parses can be compared whole. "<name a=v>@line:depth" for a start tag,
 * "</name>[text]" for an end tag.
 */
struct rec {
	struct da_buf log;
	int stop_at; /* fail on the n-th start tag (0: never) */
	int starts, ends;
	unsigned long line_at_stop;
};

static int rec_start(void *ctx, const struct da_xml *x, const char *name,
		     const char **attrs, struct da_err *err)
{
	struct rec *r = ctx;
	size_t i;

	r->starts++;
	if (r->stop_at && r->starts == r->stop_at) {
		r->line_at_stop = da_xml_line(x);
		return da_err_set(err, DA_EFAIL,
				  "%s:%lu: element '%s' is not allowed here",
				  da_xml_name(x), da_xml_line(x), name);
	}
	da_buf_addf(&r->log, "<%s", name);
	for (i = 0; attrs[i]; i += 2)
		da_buf_addf(&r->log, " %s=%s", attrs[i], attrs[i + 1]);
	da_buf_addf(&r->log, ">@%lu:%d\n", da_xml_line(x), da_xml_depth(x));
	return 0;
}

static int rec_end(void *ctx, const struct da_xml *x, const char *name,
		   const char *text, size_t len, struct da_err *err)
{
	struct rec *r = ctx;

	(void)x;
	(void)err;
	r->ends++;
	if (strlen(text) != len)
		da_buf_adds(&r->log, "LENGTH MISMATCH");
	da_buf_addf(&r->log, "</%s>[%s]\n", name, text);
	return 0;
}

static int parse_mem(const char *text, size_t len, size_t chunk, struct rec *r,
		     struct da_err *err)
{
	struct da_xml_handler h = {rec_start, rec_end, NULL, 0, 0};

	h.ctx = r;
	h.chunk = chunk;
	da_err_clear(err);
	return da_xml_parse_mem("coverage.xml", text, len, &h, err);
}

static const char cobertura[] =
    "<?xml version=\"1.0\" ?>\n"
    "<!DOCTYPE coverage SYSTEM "
    "\"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n"
    "<coverage line-rate=\"0.85\" branch-rate='0.5' version=\"7.4\">\n"
    "  <sources>\n"
    "    <source>/src/\xc3\xa9t\xc3\xa9 &amp; &lt;more&gt; &#x263A;</source>\n"
    "  </sources>\n"
    "  <packages>\n"
    "    <package name=\"p&quot;q\">\n"
    "      <classes><class filename=\"a.c\" line-rate=\"1\"/></classes>\n"
    "    </package>\n"
    "    <note>a <b>bold</b> c<![CDATA[ <raw> ]]></note>\n"
    "    <empty/>\n"
    "    <blank>   </blank>\n"
    "  </packages>\n"
    "</coverage>\n";

static const char cobertura_log[] =
    "<coverage line-rate=0.85 branch-rate=0.5 version=7.4>@3:1\n"
    "<sources>@4:2\n"
    "<source>@5:3\n"
    "</source>[/src/\xc3\xa9t\xc3\xa9 & <more> \xe2\x98\xba]\n"
    "</sources>[]\n"
    "<packages>@7:2\n"
    "<package name=p\"q>@8:3\n"
    "<classes>@9:4\n"
    "<class filename=a.c line-rate=1>@9:5\n"
    "</class>[]\n"
    "</classes>[]\n"
    "</package>[]\n"
    "<note>@11:3\n"
    "<b>@11:4\n"
    "</b>[bold]\n"
    "</note>[a  c <raw> ]\n"
    "<empty>@12:3\n"
    "</empty>[]\n"
    "<blank>@13:3\n"
    "</blank>[   ]\n"
    "</packages>[]\n"
    "</coverage>[]\n";

static void test_events(void)
{
	struct da_err err = DA_ERR_INIT;
	struct rec r;
	const char *attrs[] = {"a", "1", "line-rate", "0.5", NULL};

	memset(&r, 0, sizeof(r));
	is_int(parse_mem(cobertura, strlen(cobertura), 0, &r, &err), 0,
	       "a Cobertura-like report parses (DOCTYPE with a DTD ignored)");
	is_str(da_buf_str(&r.log), cobertura_log,
	       "start and end events, attributes, own text, lines, depth");
	da_buf_release(&r.log);

	is_str(da_xml_attr(attrs, "line-rate"), "0.5", "da_xml_attr finds");
	ok(da_xml_attr(attrs, "line") == NULL, "da_xml_attr misses");
	ok(da_xml_attr(NULL, "a") == NULL, "da_xml_attr of NULL attrs");

	/* Without text, and without callbacks. */
	{
		struct da_xml_handler h = {rec_start, rec_end, NULL,
					   DA_XML_NO_TEXT, 0};
		struct da_xml_handler none = {NULL, NULL, NULL, 0, 0};

		memset(&r, 0, sizeof(r));
		h.ctx = &r;
		is_int(
		    da_xml_parse_mem("x", "<a>text<b>t</b></a>", 19, &h, &err),
		    0, "parse without text");
		is_str(da_buf_str(&r.log), "<a>@1:1\n<b>@1:2\n</b>[]\n</a>[]\n",
		       "end gets no text with DA_XML_NO_TEXT");
		da_buf_release(&r.log);
		is_int(da_xml_parse_mem("x", "<a><b/></a>", 11, &none, &err), 0,
		       "parse without callbacks");
	}

	/* UTF-16 input comes out as UTF-8. */
	{
		static const char u16[] = "\xff\xfe<\0a\0>\0\xe9\0<\0/\0a\0>\0";

		memset(&r, 0, sizeof(r));
		is_int(parse_mem(u16, sizeof(u16) - 1, 0, &r, &err), 0,
		       "UTF-16 document parses");
		is_str(da_buf_str(&r.log), "<a>@1:1\n</a>[\xc3\xa9]\n",
		       "and is delivered as UTF-8");
		da_buf_release(&r.log);
	}
}

static void test_chunks(void)
{
	static const size_t sizes[] = {1, 2, 3, 7, 64, 1000};
	struct da_err err = DA_ERR_INIT;
	struct rec r;
	size_t i;
	const char *p;
	int good_mem = 1, good_file = 1;

	p = put("cov.xml", cobertura, strlen(cobertura));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct da_xml_handler h = {rec_start, rec_end, NULL, 0, 0};

		memset(&r, 0, sizeof(r));
		if (parse_mem(cobertura, strlen(cobertura), sizes[i], &r,
			      &err) != 0 ||
		    strcmp(da_buf_str(&r.log), cobertura_log) != 0) {
			diag("memory, chunk %zu: %s", sizes[i], err.msg);
			good_mem = 0;
		}
		da_buf_release(&r.log);

		memset(&r, 0, sizeof(r));
		h.ctx = &r;
		h.chunk = sizes[i];
		if (da_xml_parse_file(p, &h, &err) != 0 ||
		    strcmp(da_buf_str(&r.log), cobertura_log) != 0) {
			diag("file, chunk %zu: %s", sizes[i], err.msg);
			good_file = 0;
		}
		da_buf_release(&r.log);
	}
	ok(good_mem, "memory parse in chunks of 1..1000 bytes: same events");
	ok(good_file,
	   "file parse in chunks of 1..1000 bytes: same events (names, "
	   "attributes and UTF-8 split across chunks)");

	/* A file bigger than the default chunk, with a chunk boundary
	 * inside an attribute value and inside text. */
	{
		struct da_buf big = DA_BUF_INIT(0);
		struct da_xml_handler h = {rec_start, rec_end, NULL, 0, 0};
		size_t n = 0;

		da_buf_adds(&big, "<r>");
		while (big.len < DA_XML_CHUNK * 2 + 100) {
			da_buf_addf(&big, "<c v=\"%zu\xc3\xa9\">t%zu</c>\n", n,
				    n);
			n++;
		}
		da_buf_adds(&big, "</r>");
		p = put("big.xml", big.data, big.len);
		memset(&r, 0, sizeof(r));
		h.ctx = &r;
		h.flags = DA_XML_NO_TEXT;
		is_int(da_xml_parse_file(p, &h, &err), 0,
		       "a file of several default chunks parses");
		is_int(r.starts, (long long)n + 1, "every element seen");
		has_str(da_buf_str(&r.log), "<c v=4000\xc3\xa9>@4001:2\n",
			"attributes intact far into the file");
		da_buf_release(&r.log);
		da_buf_release(&big);
	}
	unlink(path_of("cov.xml"));
	unlink(path_of("big.xml"));
}

static void test_errors(void)
{
	struct da_err err = DA_ERR_INIT;
	struct rec r;
	const char *p;
	char *s;
	int i, ret;

	memset(&r, 0, sizeof(r));
	ret = parse_mem("<a>\n<b>\n</a>\n", 13, 0, &r, &err);
	is_int(ret, -DA_EINVAL, "mismatched tag is DA_EINVAL");
	is_str(err.msg,
	       "cannot parse 'coverage.xml': line 3 column 3: mismatched tag",
	       "mismatched tag message");
	da_buf_release(&r.log);

	memset(&r, 0, sizeof(r));
	ret = parse_mem("", 0, 0, &r, &err);
	is_int(ret, -DA_EINVAL, "empty input is refused");
	has_str(err.msg, "line 1 column 1: no element found", "empty message");

	ret = parse_mem("<a></a><b/>", 11, 0, &r, &err);
	has_str(err.msg, "junk after document element", "two roots refused");
	ret = parse_mem("<a>\xff</a>", 8, 0, &r, &err);
	has_str(err.msg, "not well-formed", "invalid UTF-8 refused");
	ret = parse_mem("<a x='1' x='2'/>", 16, 0, &r, &err);
	has_str(err.msg, "duplicate attribute", "duplicate attribute refused");
	ret = parse_mem("<a>&nope;</a>", 13, 0, &r, &err);
	has_str(err.msg, "undefined entity", "undefined entity refused");
	da_buf_release(&r.log);

	/* Entity expansion bomb. */
	{
		struct da_buf bomb = DA_BUF_INIT(0);

		da_buf_adds(
		    &bomb,
		    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
		    "<!ENTITY lol0 \"lollollollollollollollollollol\">\n");
		for (i = 1; i < 10; i++) {
			int k;

			da_buf_addf(&bomb, "<!ENTITY lol%d \"", i);
			for (k = 0; k < 10; k++)
				da_buf_addf(&bomb, "&lol%d;", i - 1);
			da_buf_adds(&bomb, "\">\n");
		}
		da_buf_adds(&bomb, "]>\n<lolz>&lol9;</lolz>\n");
		memset(&r, 0, sizeof(r));
		ret = parse_mem(bomb.data, bomb.len, 0, &r, &err);
		is_int(ret, -DA_ELIMIT, "an entity bomb fails as a limit");
		has_str(err.msg, "amplification", "bomb message");
		ok(r.ends == 0, "before the bomb's element ends");
		da_buf_release(&r.log);
		{
			struct da_xml_handler h = {rec_start, rec_end, NULL,
						   DA_XML_NO_TEXT, 0};

			memset(&r, 0, sizeof(r));
			h.ctx = &r;
			ret = da_xml_parse_mem("bomb.xml", bomb.data, bomb.len,
					       &h, &err);
			is_int(ret, -DA_ELIMIT,
			       "an entity bomb fails without text too");
			has_str(err.msg,
				"bomb.xml': line 14 column 7: limit on "
				"input amplification factor",
				"bomb message names the place");
			da_buf_release(&r.log);
		}
		da_buf_release(&bomb);
	}

	/* External entities are never loaded. */
	{
		struct da_buf doc = DA_BUF_INIT(0);
		const char *secret = put("secret.txt", "TOPSECRET", 9);

		da_buf_addf(&doc,
			    "<!DOCTYPE r [<!ENTITY x SYSTEM \"file://%s\">]>\n"
			    "<r>&x;</r>",
			    secret);
		memset(&r, 0, sizeof(r));
		ret = parse_mem(doc.data, doc.len, 0, &r, &err);
		is_int(ret, -DA_EINVAL, "an external entity is refused");
		has_str(err.msg, "external entity 'file://", "refusal message");
		has_str(err.msg, "line 2 column 4", "refusal place");
		ok(!strstr(da_buf_str(&r.log), "TOPSECRET") &&
		       !strstr(err.msg, "TOPSECRET"),
		   "the file is not read");
		da_buf_release(&r.log);
		da_buf_reset(&doc);

		da_buf_addf(&doc,
			    "<!DOCTYPE r [<!ENTITY %% p SYSTEM \"file://%s\">"
			    " %%p;]>\n<r>x</r>",
			    secret);
		memset(&r, 0, sizeof(r));
		ret = parse_mem(doc.data, doc.len, 0, &r, &err);
		ok(!strstr(da_buf_str(&r.log), "TOPSECRET") &&
		       !strstr(err.msg, "TOPSECRET"),
		   "an external parameter entity is not read");
		da_buf_release(&r.log);
		da_buf_release(&doc);
		unlink(secret);
	}

	/* Depth. */
	s = malloc(300 * 7 + 1);
	s[0] = '\0';
	for (i = 0; i < 300; i++)
		memcpy(s + 3 * i, "<a>", 3);
	s[900] = '\0';
	memset(&r, 0, sizeof(r));
	ret = parse_mem(s, 900, 0, &r, &err);
	is_int(ret, -DA_ELIMIT, "nesting 300 deep is refused");
	has_str(err.msg, "line 1 column 769: elements nested deeper than 256",
		"depth message");
	is_int(r.starts, 256, "no callback past the limit");
	da_buf_release(&r.log);
	for (i = 0; i < 256; i++)
		memcpy(s + 768 + 4 * i, "</a>", 4);
	memset(&r, 0, sizeof(r));
	ret = parse_mem(s, 768 + 1024, 0, &r, &err);
	is_int(ret, 0, "nesting 256 deep is fine");
	da_buf_release(&r.log);
	free(s);

	/* Text ceiling: the open elements' text together. */
	{
		struct da_buf doc = DA_BUF_INIT(0);
		size_t k;

		da_buf_adds(&doc, "<a>");
		for (k = 0; k < DA_MAX_XML_TEXT / 2 + 10; k++)
			da_buf_addch(&doc, 'x');
		da_buf_adds(&doc, "<b>");
		for (k = 0; k < DA_MAX_XML_TEXT / 2; k++)
			da_buf_addch(&doc, 'y');
		da_buf_adds(&doc, "</b></a>");
		memset(&r, 0, sizeof(r));
		ret = parse_mem(doc.data, doc.len, 0, &r, &err);
		is_int(ret, -DA_ELIMIT, "text over the ceiling is refused");
		has_str(err.msg, "text over the 1048576-byte limit",
			"text ceiling message");
		da_buf_release(&r.log);

		/* Siblings' text is released as each one ends. */
		da_buf_reset(&doc);
		da_buf_adds(&doc, "<a>");
		for (i = 0; i < 4; i++) {
			da_buf_adds(&doc, "<b>");
			for (k = 0; k < DA_MAX_XML_TEXT / 2; k++)
				da_buf_addch(&doc, 'y');
			da_buf_adds(&doc, "</b>\n");
		}
		da_buf_adds(&doc, "</a>");
		memset(&r, 0, sizeof(r));
		ret = parse_mem(doc.data, doc.len, 4096, &r, &err);
		is_int(ret, 0, "siblings may each hold half the ceiling");
		da_buf_release(&r.log);
		da_buf_release(&doc);
	}

	/* Files. */
	{
		struct da_xml_handler h = {rec_start, rec_end, NULL, 0, 0};

		memset(&r, 0, sizeof(r));
		h.ctx = &r;
		ret = da_xml_parse_file(path_of("missing.xml"), &h, &err);
		is_int(ret, -DA_ENOENT, "missing file is DA_ENOENT");
		ret = da_xml_parse_file(dir, &h, &err);
		is_int(ret, -DA_EINVAL, "a directory is refused");
		has_str(err.msg, "is a directory", "directory message");
		{
			int saved = dup(0), fd;

			p = put("in.xml", "<a><b/></a>", 11);
			fd = open(p, O_RDONLY);
			ok(saved >= 0 && fd >= 0 && dup2(fd, 0) == 0,
			   "stdin redirected");
			ret = da_xml_parse_file("-", &h, &err);
			is_int(ret, 0, "'-' parses stdin");
			is_str(da_buf_str(&r.log),
			       "<a>@1:1\n<b>@1:2\n</b>[]\n</a>[]\n",
			       "stdin events");
			dup2(saved, 0);
			close(saved);
			close(fd);
			unlink(p);
		}
		p = put("bad.xml", "<a>\n  <b></c>\n</a>\n", 19);
		ret = da_xml_parse_file(p, &h, &err);
		is_int(ret, -DA_EINVAL, "a bad file is refused");
		has_str(err.msg, "bad.xml': line 2 column 8: mismatched tag",
			"bad file message");
		da_buf_release(&r.log);
		unlink(p);
	}
}

static void test_abort(void)
{
	struct da_err err = DA_ERR_INIT;
	struct rec r;
	const char *p;
	int ret;

	memset(&r, 0, sizeof(r));
	r.stop_at = 3;
	ret = parse_mem(cobertura, strlen(cobertura), 0, &r, &err);
	is_int(ret, -DA_EFAIL, "a callback's error is returned");
	is_str(err.msg, "coverage.xml:5: element 'source' is not allowed here",
	       "its message untouched");
	is_int(r.line_at_stop, 5, "da_xml_line inside the callback");
	is_int(r.starts, 3, "no start event after the stop");
	is_int(r.ends, 0, "no end event after the stop");
	da_buf_release(&r.log);

	p = put("cov.xml", cobertura, strlen(cobertura));
	{
		struct da_xml_handler h = {rec_start, rec_end, NULL, 0, 7};

		memset(&r, 0, sizeof(r));
		r.stop_at = 5;
		h.ctx = &r;
		ret = da_xml_parse_file(p, &h, &err);
		is_int(ret, -DA_EFAIL, "a callback stops a file parse");
		has_str(err.msg, "element 'package' is not allowed",
			"with its message");
		da_buf_release(&r.log);
	}
	unlink(p);
}

static void test_escape(void)
{
	struct da_buf b = DA_BUF_INIT(0);

	is_int(da_xml_escape(&b, "a<b & \"c\" 'd'>\te\nf\r", 0), 0,
	       "escape text");
	is_str(da_buf_str(&b),
	       "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\te\nf&#13;",
	       "text: entities, TAB and LF kept, CR as a reference");
	da_buf_reset(&b);
	is_int(da_xml_escape(&b, "x\ty\nz", 1), 0, "escape an attribute");
	is_str(da_buf_str(&b), "x&#9;y&#10;z",
	       "attribute: TAB and LF as references");
	da_buf_release(&b);
}

static void run_tests(void)
{
	make_dir();
	test_escape();
	test_events();
	test_chunks();
	test_errors();
	test_abort();
	rmdir(dir);
}
