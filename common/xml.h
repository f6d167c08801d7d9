/*
 * xml: a small streaming layer over expat, for large XML reports.
 *
 * The caller fills a struct da_xml_handler with callbacks and a context;
 * the parser calls start() for each start tag, with its attributes, and
 * end() for each end tag, with the element's own text. A file is read in
 * chunks (DA_XML_CHUNK bytes), so a 500 MB coverage report never sits in
 * memory; only the text of the elements currently open is kept.
 *
 * Text: end() receives the character data directly inside the element
 * (entities and CDATA resolved, its children's text left out). Runs of
 * whitespace between child elements are dropped, so an element that only
 * holds children has empty text. The text of all open elements together
 * may not exceed DA_MAX_XML_TEXT bytes; elements may nest at most
 * DA_MAX_XML_DEPTH deep. Names are as written, prefixes included (no
 * namespace processing); all strings are UTF-8 and valid only during the
 * callback.
 *
 * A callback returns 0 to go on, or a negative DA_E* value with err filled
 * to stop the parse; that error is what the parse function returns, its
 * message untouched (use da_xml_line() inside the callback for the place).
 *
 * Safety: no external entity and no external DTD is ever loaded (a
 * reference to one is an error), parameter entities are not parsed, and
 * expat's protection against entity expansion bombs stays on. A DOCTYPE
 * naming a DTD is accepted and ignored. Parse errors are one line:
 *   cannot parse 'coverage.xml': line 7 column 12: mismatched tag
 */
#ifndef DA_XML_H
#define DA_XML_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

/* Bytes read and parsed at a time. */
#define DA_XML_CHUNK ((size_t)64 << 10)
/* Deepest element nesting accepted. */
#define DA_MAX_XML_DEPTH 256
/* Most bytes of text held for the open elements together. */
#define DA_MAX_XML_TEXT ((size_t)1 << 20)
/* Largest XML input accepted (it is streamed, not held). */
#define DA_MAX_XML_FILE ((unsigned long long)4 << 30)

/* Handler flags. */
enum {
	DA_XML_NO_TEXT = 1 << 0, /* do not collect text: end() gets "" */
};

/* The parse in progress, as seen from a callback. */
struct da_xml;

struct da_xml_handler {
	/* attrs: NULL-terminated name, value pairs; see da_xml_attr(). */
	int (*start)(void *ctx, const struct da_xml *x, const char *name,
		     const char **attrs, struct da_err *err);
	/* text: NUL-terminated, len bytes (it may hold no NUL itself). */
	int (*end)(void *ctx, const struct da_xml *x, const char *name,
		   const char *text, size_t len, struct da_err *err);
	void *ctx;
	unsigned flags;
	size_t chunk; /* bytes per read, 0 for DA_XML_CHUNK */
};

/*
 * Parses the file at path ("-" is stdin), calling the handler's callbacks
 * (either may be NULL). Returns 0, the callback's error, -DA_ENOENT or -DA_EIO
 * for a file that cannot be opened or read, -DA_ELIMIT at a ceiling (depth,
 * text, size, entity expansion), -DA_EINVAL for text that is not well-formed.
 */
int da_xml_parse_file(const char *path, const struct da_xml_handler *h,
		      struct da_err *err);

/* Same for len bytes at data; name says where they came from. */
int da_xml_parse_mem(const char *name, const void *data, size_t len,
		     const struct da_xml_handler *h, struct da_err *err);

/*
 * Appends s escaped as XML (or HTML) text: & < > " ' as entities; in an
 * attribute value (attr) also TAB, LF and CR as character references, so
 * a parser keeps them; a raw CR in text too, which parsers fold away.
 * Returns 0 or the da_buf error.
 */
int da_xml_escape(struct da_buf *out, const char *s, int attr);

/* The value of attribute name in attrs, or NULL if it is not there. */
const char *da_xml_attr(const char **attrs, const char *name);

/* Where the parser stands (1-based), for messages from callbacks. */
unsigned long da_xml_line(const struct da_xml *x);
unsigned long da_xml_column(const struct da_xml *x);

/* The name given to the parse function (the file name). */
const char *da_xml_name(const struct da_xml *x);

/* How many elements are open; 1 inside the root element's callbacks. */
int da_xml_depth(const struct da_xml *x);

#endif
