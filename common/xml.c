#include "xml.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The entity-bomb settings are declared only for an expat built with
 * general entities, as the pinned one is (and must be).
 */
#ifndef XML_GE
#define XML_GE 1
#endif
#include <expat.h>

#include "buf.h"
#include "fs.h"

/* Bytes after which expat starts checking for entity bombs. */
#define DA_XML_BOMB_THRESHOLD (256ULL << 10)

struct da_xml {
	XML_Parser p;
	const char *name;
	const struct da_xml_handler *h;
	struct da_err *err;
	int failed; /* a DA_E* value: why the parse was stopped */
	int depth;
	struct da_buf text; /* text of the open elements, outermost first */
	size_t ws_from;	    /* where the text since the last tag begins */
	/* Per open element: where its text begins, whether it has children. */
	size_t off[DA_MAX_XML_DEPTH];
	unsigned char has_child[DA_MAX_XML_DEPTH];
};

unsigned long da_xml_line(const struct da_xml *x)
{
	return (unsigned long)XML_GetCurrentLineNumber(x->p);
}

unsigned long da_xml_column(const struct da_xml *x)
{
	return (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1;
}

const char *da_xml_name(const struct da_xml *x)
{
	return x->name;
}

int da_xml_depth(const struct da_xml *x)
{
	return x->depth;
}

const char *da_xml_attr(const char **attrs, const char *name)
{
	size_t i;

	if (!attrs || !name)
		return NULL;
	for (i = 0; attrs[i]; i += 2)
		if (!strcmp(attrs[i], name))
			return attrs[i + 1];
	return NULL;
}

static void stop(struct da_xml *x, int e)
{
	x->failed = e < 0 ? -e : e;
	XML_StopParser(x->p, XML_FALSE);
}

static void fail(struct da_xml *x, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct da_xml *x, int e, const char *fmt, ...)
{
	char what[DA_ERR_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (n < 0)
		what[0] = '\0';
	da_err_set(x->err, e, "cannot parse '%s': line %lu column %lu: %s",
		   x->name, da_xml_line(x), da_xml_column(x), what);
	stop(x, e);
}

static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* Drops the text since the last tag if it is only whitespace. */
static void drop_blank_run(struct da_xml *x)
{
	if (x->text.len > x->ws_from &&
	    blank(x->text.data + x->ws_from, x->text.len - x->ws_from))
		da_buf_truncate(&x->text, x->ws_from);
}

static void XMLCALL on_start(void *data, const XML_Char *name,
			     const XML_Char **attrs)
{
	struct da_xml *x = data;
	int r;

	if (x->failed)
		return;
	if (x->depth >= DA_MAX_XML_DEPTH) {
		fail(x, DA_ELIMIT, "elements nested deeper than %d",
		     DA_MAX_XML_DEPTH);
		return;
	}
	if (x->depth > 0) {
		x->has_child[x->depth - 1] = 1;
		drop_blank_run(x);
	}
	x->off[x->depth] = x->text.len;
	x->has_child[x->depth] = 0;
	x->depth++;
	x->ws_from = x->text.len;
	if (!x->h->start)
		return;
	r = x->h->start(x->h->ctx, x, name, attrs, x->err);
	if (r < 0) {
		if (!x->err || !x->err->e)
			da_err_set(x->err, r, "cannot parse '%s': line %lu: %s",
				   x->name, da_xml_line(x), da_strerror(r));
		stop(x, r);
	}
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
	struct da_xml *x = data;
	size_t off;
	int r = 0;

	if (x->failed || x->depth == 0)
		return;
	off = x->off[x->depth - 1];
	if (x->has_child[x->depth - 1])
		drop_blank_run(x);
	if (x->h->end)
		r = x->h->end(x->h->ctx, x, name, da_buf_str(&x->text) + off,
			      x->text.len - off, x->err);
	da_buf_truncate(&x->text, off);
	x->depth--;
	x->ws_from = x->text.len;
	if (r < 0) {
		if (!x->err || !x->err->e)
			da_err_set(x->err, r, "cannot parse '%s': line %lu: %s",
				   x->name, da_xml_line(x), da_strerror(r));
		stop(x, r);
	}
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
	struct da_xml *x = data;
	int r;

	if (x->failed || x->depth == 0 || len <= 0)
		return;
	r = da_buf_add(&x->text, s, (size_t)len);
	if (r == -DA_ELIMIT)
		fail(x, DA_ELIMIT, "text over the %zu-byte limit",
		     DA_MAX_XML_TEXT);
	else if (r < 0)
		fail(x, DA_ENOMEM, "out of memory");
}

static int XMLCALL on_external(XML_Parser p, const XML_Char *context,
			       const XML_Char *base, const XML_Char *system_id,
			       const XML_Char *public_id)
{
	struct da_xml *x = XML_GetUserData(p);

	(void)context;
	(void)base;
	(void)public_id;
	if (!x->failed)
		fail(x, DA_EINVAL,
		     "external entity '%s' refused; documents may not load "
		     "other files",
		     system_id ? system_id : "");
	return XML_STATUS_ERROR;
}

static int setup(struct da_xml *x, const char *name,
		 const struct da_xml_handler *h, struct da_err *err)
{
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->h = h;
	x->err = err;
	da_buf_init(&x->text, DA_MAX_XML_TEXT);
	x->p = XML_ParserCreate(NULL);
	if (!x->p)
		return da_err_set(err, DA_ENOMEM,
				  "cannot parse '%s': out of memory", name);
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	if (!(h->flags & DA_XML_NO_TEXT))
		XML_SetCharacterDataHandler(x->p, on_text);
	/* Nothing outside the document is ever read. */
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetExternalEntityRefHandler(x->p, on_external);
	/*
	 * Expat checks entity amplification once this much has been parsed;
	 * start well before the text ceiling so a bomb is named as one.
	 */
	if (!XML_SetBillionLaughsAttackProtectionActivationThreshold(
		x->p, DA_XML_BOMB_THRESHOLD))
		return da_err_set(err, DA_EIO,
				  "cannot parse '%s': this expat has no "
				  "entity-bomb protection; rebuild it with "
				  "general entities",
				  name);
	return 0;
}

static void teardown(struct da_xml *x)
{
	if (x->p)
		XML_ParserFree(x->p);
	x->p = NULL;
	da_buf_release(&x->text);
}

/* The error for a failed XML_Parse(): ours if a callback stopped it. */
static int parse_error(struct da_xml *x)
{
	enum XML_Error code = XML_GetErrorCode(x->p);
	int e = DA_EINVAL;

	if (x->failed)
		return -x->failed;
	if (code == XML_ERROR_NO_MEMORY)
		e = DA_ENOMEM;
	else if (code == XML_ERROR_AMPLIFICATION_LIMIT_BREACH)
		e = DA_ELIMIT;
	return da_err_set(
	    x->err, e, "cannot parse '%s': line %lu column %lu: %s", x->name,
	    da_xml_line(x), da_xml_column(x), XML_ErrorString(code));
}

static size_t chunk_size(const struct da_xml_handler *h)
{
	size_t n = h->chunk ? h->chunk : DA_XML_CHUNK;

	return n > INT_MAX ? INT_MAX : n;
}

int da_xml_parse_mem(const char *name, const void *data, size_t len,
		     const struct da_xml_handler *h, struct da_err *err)
{
	const char *p = data;
	size_t chunk = chunk_size(h), n;
	struct da_xml *x;
	int ret, last;

	if ((unsigned long long)len > DA_MAX_XML_FILE)
		return da_err_set(
		    err, DA_ELIMIT,
		    "cannot parse '%s': %zu bytes, over the %llu-byte "
		    "limit",
		    name, len, DA_MAX_XML_FILE);
	x = malloc(sizeof(*x));
	if (!x)
		return da_err_set(err, DA_ENOMEM,
				  "cannot parse '%s': out of memory", name);
	ret = setup(x, name, h, err);
	if (ret < 0)
		goto out;
	do {
		n = len < chunk ? len : chunk;
		last = n == len;
		if (XML_Parse(x->p, p, (int)n, last) != XML_STATUS_OK) {
			ret = parse_error(x);
			goto out;
		}
		p += n;
		len -= n;
	} while (!last);
	ret = 0;
out:
	teardown(x);
	free(x);
	return ret;
}

int da_xml_parse_file(const char *path, const struct da_xml_handler *h,
		      struct da_err *err)
{
	size_t chunk = chunk_size(h);
	unsigned long long total = 0;
	struct da_xml *x = NULL;
	ssize_t n;
	void *buf;
	int fd = -1, ret;

	ret = da_fs_open_read(path, DA_MAX_XML_FILE, &fd, err);
	if (ret < 0)
		return ret;
	x = malloc(sizeof(*x));
	if (!x) {
		ret = da_err_set(err, DA_ENOMEM,
				 "cannot parse '%s': out of memory", path);
		goto out;
	}
	ret = setup(x, path, h, err);
	if (ret < 0)
		goto out;
	for (;;) {
		buf = XML_GetBuffer(x->p, (int)chunk);
		if (!buf) {
			ret = parse_error(x);
			goto out;
		}
		do
			n = read(fd, buf, chunk);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			ret = da_err_set(err, DA_EIO, "cannot read '%s': %s",
					 path, strerror(errno));
			goto out;
		}
		total += (unsigned long long)n;
		if (total > DA_MAX_XML_FILE) {
			ret = da_err_set(err, DA_ELIMIT,
					 "cannot read '%s': more than the "
					 "%llu-byte limit",
					 path, DA_MAX_XML_FILE);
			goto out;
		}
		if (XML_ParseBuffer(x->p, (int)n, n == 0) != XML_STATUS_OK) {
			ret = parse_error(x);
			goto out;
		}
		if (n == 0)
			break;
	}
	ret = 0;
out:
	if (x) {
		teardown(x);
		free(x);
	}
	close(fd);
	return ret;
}

int da_xml_escape(struct da_buf *out, const char *s, int attr)
{
	int r = 0;

	for (; s && *s && r == 0; s++) {
		switch (*s) {
		case '&':
			r = da_buf_adds(out, "&amp;");
			break;
		case '<':
			r = da_buf_adds(out, "&lt;");
			break;
		case '>':
			r = da_buf_adds(out, "&gt;");
			break;
		case '"':
			r = da_buf_adds(out, "&quot;");
			break;
		case '\'':
			r = da_buf_adds(out, "&apos;");
			break;
		case '\t':
			r = attr ? da_buf_adds(out, "&#9;")
				 : da_buf_addch(out, *s);
			break;
		case '\n':
			r = attr ? da_buf_adds(out, "&#10;")
				 : da_buf_addch(out, *s);
			break;
		case '\r':
			/* A raw CR is folded away by XML parsers. */
			r = da_buf_adds(out, "&#13;");
			break;
		default:
			r = da_buf_addch(out, *s);
		}
	}
	return r;
}
