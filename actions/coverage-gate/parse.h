/*
 * parse: what the coverage report parsers share.
 *
 * Checked whole numbers (digits only, no overflow); for the XML formats,
 * the one message shape of a fault ("cannot read 'f': line L column C:
 * what"), element names to kinds, the root element check and count
 * attributes as Cobertura and Clover write them; a report's path through
 * the caller's path map into the model; and the reading of a line-based
 * text report (lcov, Go): opening it ("-" is standard input) and walking
 * its lines, with one message for each way a read fails.
 *
 * Nothing here keeps state between calls: every function reads its
 * arguments, writes its ret_ output only on success, fills err on failure
 * and frees what it allocated before it returns.
 */
#ifndef DA_COV_PARSE_H
#define DA_COV_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/xml.h"

/*
 * Parses the digits [p, end) into *ret_v. Returns 0, or -1 for an empty
 * range, anything but a digit, or a value past UINT64_MAX (*ret_v is then
 * left alone).
 */
int cov_parse_u64(const char *p, const char *end, uint64_t *ret_v);

/*
 * Parses the string s as a whole number that may carry a sign: 0, -1 for
 * no number or trailing junk, -2 for a negative value ("-0" is 0), -3 for
 * a value past UINT64_MAX. *ret_v is written only on 0.
 */
int cov_parse_count(const char *s, uint64_t *ret_v);

/*
 * Fills err with "cannot read 'f': line L column C: " followed by the
 * formatted text, where f is the report's name (da_xml_name()) and L, C
 * the place the parser x stands at. Returns -e.
 */
int cov_xml_fail(const struct da_xml *x, struct da_err *err, int e,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Puts the same "cannot read 'f': line L column C" in front of an error
 * err already holds (from the model or the path map). Returns r.
 */
int cov_xml_where(const struct da_xml *x, int r, struct da_err *err);

/*
 * The index of the element name in names[1..n-1], or 0 (names[0] is a
 * stand-in for "any other element"): maps an element to an enum whose
 * values index names.
 */
unsigned cov_xml_kind(const char *name, const char *const *names, size_t n);

/*
 * 0 when the root element name is want, else -DA_EINVAL with err saying
 * "root element is <name>, not <want>; is this a <format> report?".
 */
int cov_xml_root(const struct da_xml *x, const char *name, const char *want,
		 const char *format, struct da_err *err);

/*
 * The count attribute attr of attrs, by cov_parse_count(): 1 with *ret_v
 * set when present and valid, 0 when missing, or a negative DA_E* with err
 * saying the value is negative, out of range or not a whole number.
 */
int cov_count_attr(const struct da_xml *x, const char **attrs, const char *attr,
		   uint64_t *ret_v, struct da_err *err);

/*
 * The model's file for the path raw as a report wrote it, through p->map
 * when that is set (its result goes into mapped, reset first). Returns 0
 * with *ret_file set, or a negative DA_E* with err saying why, without the
 * report's place: the map's or the model's error, or -DA_EINVAL when raw
 * maps to an empty path.
 */
int cov_map_file(const struct cov_parse *p, const char *raw,
		 struct da_buf *mapped, struct cov_file **ret_file,
		 struct da_err *err);

/* Called by cov_text_each() with one line and its 1-based number. */
typedef int (*cov_line_fn)(void *ctx, char *text, unsigned long lineno);

/*
 * Starts a report in p->model (cov_model_report_begin()) and hands each
 * line of the text report name read from in to on_line: without its "\n"
 * or "\r\n", NUL-free, at most DA_MAX_COV_TEXT_LINE bytes, writable until
 * the next call. Returns 0 at the end of the input, what on_line returned
 * when that is negative (on_line fills err), or a negative DA_E* with err
 * set for a line too long, a NUL byte, a read error or no memory.
 */
int cov_text_each(const struct cov_parse *p, FILE *in, const char *name,
		  cov_line_fn on_line, void *ctx, struct da_err *err);

/*
 * Opens the text report at path ("-" is standard input, named "standard
 * input") and runs stream on it, closing what it opened. Returns what
 * stream returns, or -DA_ENOENT/-DA_EIO with err set when path will not
 * open.
 */
int cov_parse_path(const struct cov_parse *p, const char *path,
		   int (*stream)(const struct cov_parse *, FILE *, const char *,
				 struct da_err *),
		   struct da_err *err);

#endif
