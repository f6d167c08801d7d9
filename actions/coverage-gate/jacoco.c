/*
 * jacoco: reads a JaCoCo XML report (DTD 1.0 and 1.1) into the model.
 *
 *   report > sessioninfo*, group* (nested), package*, counter*
 *   group > group*, package*, counter*
 *   package(name) > class*, sourcefile*, counter*
 *   class(name, sourcefilename) > method(name, desc, line)* > counter*
 *   sourcefile(name) > line(nr, mi, ci, mb, cb)*, counter*
 *
 * The file of a sourcefile is package name + "/" + its name (the name alone
 * in the default package). Each line gives a line record (hits = ci, so a
 * line is covered when ci > 0), branch counts (cb of mb + cb) and
 * instruction counts. Each method becomes a function "Class.name(desc)"
 * (the descriptor keeps overloads apart) of its class's source file, hit
 * when its METHOD counter says covered; a class without a sourcefilename
 * (compiled without debug information) has no file and its methods are not
 * recorded. The report's own counters (or, when it has none, the sum of
 * its top-level groups') are given to the model as the report's summary.
 * The DOCTYPE names a relative DTD that is never fetched (common/xml).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "actions/coverage-gate/model.h"
#include "actions/coverage-gate/parse.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/xml.h"

/* Branches on one line (mb + cb). */
#define DA_MAX_JACOCO_BRANCHES 65536u
/* Longest package + "/" + file name accepted. */
#define DA_MAX_JACOCO_PATH DA_MAX_FS_PATH

enum kind {
	K_OTHER,
	K_REPORT,
	K_GROUP,
	K_PACKAGE,
	K_CLASS,
	K_METHOD,
	K_SOURCEFILE,
	K_LINE,
	K_COUNTER,
};

static const char *const kind_names[] = {"?",	       "report", "group",
					 "package",    "class",	 "method",
					 "sourcefile", "line",	 "counter"};

/* JaCoCo counters that the model knows, in counter order. */
enum counter { C_INSTRUCTION, C_LINE, C_BRANCH, C_METHOD, C__COUNT };

static const char *const counter_names[C__COUNT] = {"INSTRUCTION", "LINE",
						    "BRANCH", "METHOD"};
static const enum cov_metric counter_metric[C__COUNT] = {
    COV_INSTRUCTIONS, COV_LINES, COV_BRANCHES, COV_FUNCTIONS};

struct sums {
	int seen[C__COUNT];
	struct cov_count c[C__COUNT];
};

struct jacoco {
	const struct cov_parse *p;
	enum kind kind[DA_MAX_XML_DEPTH + 1]; /* by depth; [0] unused */
	struct da_buf package;		      /* name of the open package */
	struct da_buf raw;		      /* a path as the report has it */
	struct da_buf mapped;		      /* the same after p->map */
	struct da_buf name;		      /* function name being built */
	struct cov_file *source;	      /* file of the open sourcefile */
	struct cov_file *cls;		      /* file of the open class */
	const char *cls_name;		      /* simple name, inside name */
	size_t cls_len;
	uint32_t method_line;
	int method_seen;      /* a METHOD counter was found */
	uint64_t method_hits; /* its covered figure */
	int insn_seen;	      /* an INSTRUCTION counter was found */
	uint64_t insn_hits;   /* its covered figure */
	struct sums report;   /* counters of <report> */
	struct sums groups;   /* counters of top-level <group>s, summed */
};

/* A decimal number without sign, spaces or overflow. */
static int parse_u64(const char *s, uint64_t *ret)
{
	if (!s)
		return -1;
	return cov_parse_u64(s, s + strlen(s), ret);
}

/* Attribute name of element elem as a number; absent gives dflt. */
static int attr_u64(const struct da_xml *x, const char **attrs,
		    const char *elem, const char *name, int required,
		    uint64_t dflt, uint64_t *ret, struct da_err *err)
{
	const char *v = da_xml_attr(attrs, name);

	if (!v) {
		if (required)
			return cov_xml_fail(x, err, DA_EINVAL,
					    "<%s> without a '%s' attribute",
					    elem, name);
		*ret = dflt;
		return 0;
	}
	if (parse_u64(v, ret) < 0)
		return cov_xml_fail(
		    x, err, DA_EINVAL,
		    "<%s> %s=\"%.64s\" is not a whole number (0 to "
		    "%llu)",
		    elem, name, v, (unsigned long long)UINT64_MAX);
	return 0;
}

static int attr_line(const struct da_xml *x, const char **attrs,
		     const char *elem, const char *name, int required,
		     uint32_t *ret, struct da_err *err)
{
	uint64_t v = 0;
	int r;

	r = attr_u64(x, attrs, elem, name, required, 0, &v, err);
	if (r < 0)
		return r;
	if ((required && v == 0) || v > DA_MAX_COV_LINE)
		return cov_xml_fail(
		    x, err, DA_EINVAL,
		    "<%s> %s=\"%llu\" is not a line number (1 to %u)", elem,
		    name, (unsigned long long)v, DA_MAX_COV_LINE);
	*ret = (uint32_t)v;
	return 0;
}

/* The model's file for name in the open package, through p->map. */
static int file_for(struct jacoco *j, const struct da_xml *x, const char *name,
		    struct cov_file **ret, struct da_err *err)
{
	int r;

	da_buf_reset(&j->raw);
	if (j->package.len)
		r = da_buf_addf(&j->raw, "%s/%s", da_buf_str(&j->package),
				name);
	else
		r = da_buf_adds(&j->raw, name);
	if (r < 0)
		return cov_xml_fail(x, err, r,
				    r == -DA_ELIMIT
					? "source path longer than %d bytes"
					: "out of memory (limit %d)",
				    DA_MAX_JACOCO_PATH);
	r = cov_map_file(j->p, da_buf_str(&j->raw), &j->mapped, ret, err);
	if (r < 0)
		return cov_xml_where(x, r, err);
	return 0;
}

static int add_sum(const struct da_xml *x, struct sums *s, enum counter c,
		   uint64_t covered, uint64_t total, struct da_err *err)
{
	if (s->c[c].total > UINT64_MAX - total)
		return cov_xml_fail(x, err, DA_EINVAL, "%s counters overflow",
				    counter_names[c]);
	s->seen[c] = 1;
	s->c[c].covered += covered;
	s->c[c].total += total;
	return 0;
}

static int on_counter(struct jacoco *j, const struct da_xml *x,
		      const char **attrs, enum kind parent, int depth,
		      struct da_err *err)
{
	const char *type = da_xml_attr(attrs, "type");
	uint64_t missed = 0, covered = 0;
	int c, r;

	if (!type)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<counter> without a 'type' attribute");
	r = attr_u64(x, attrs, "counter", "missed", 1, 0, &missed, err);
	if (r < 0)
		return r;
	r = attr_u64(x, attrs, "counter", "covered", 1, 0, &covered, err);
	if (r < 0)
		return r;
	if (missed > UINT64_MAX - covered)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<counter> missed + covered overflows");
	for (c = 0; c < C__COUNT; c++)
		if (!strcmp(type, counter_names[c]))
			break;
	if (parent == K_METHOD) {
		if (c == C_METHOD) {
			j->method_seen = 1;
			j->method_hits = covered;
		} else if (c == C_INSTRUCTION) {
			j->insn_seen = 1;
			j->insn_hits = covered;
		}
		return 0;
	}
	if (c == C__COUNT)
		return 0; /* COMPLEXITY, CLASS: no metric of ours */
	if (parent == K_REPORT)
		return add_sum(x, &j->report, (enum counter)c, covered,
			       missed + covered, err);
	/* A top-level group: its counters include its nested groups'. */
	if (parent == K_GROUP && depth == 3 && j->kind[1] == K_REPORT)
		return add_sum(x, &j->groups, (enum counter)c, covered,
			       missed + covered, err);
	return 0;
}

static int on_line(struct jacoco *j, const struct da_xml *x, const char **attrs,
		   struct da_err *err)
{
	uint64_t mi = 0, ci = 0, mb = 0, cb = 0;
	uint32_t nr = 0;
	int r;

	r = attr_line(x, attrs, "line", "nr", 1, &nr, err);
	if (r < 0)
		return r;
	if ((r = attr_u64(x, attrs, "line", "mi", 0, 0, &mi, err)) < 0 ||
	    (r = attr_u64(x, attrs, "line", "ci", 0, 0, &ci, err)) < 0 ||
	    (r = attr_u64(x, attrs, "line", "mb", 0, 0, &mb, err)) < 0 ||
	    (r = attr_u64(x, attrs, "line", "cb", 0, 0, &cb, err)) < 0)
		return r;
	/* The model keeps each branch: a ceiling keeps a line from
	 * asking for billions of them. */
	if (mb > DA_MAX_JACOCO_BRANCHES || cb > DA_MAX_JACOCO_BRANCHES ||
	    mb + cb > DA_MAX_JACOCO_BRANCHES)
		return cov_xml_fail(
		    x, err, DA_ELIMIT,
		    "<line nr=\"%lu\"> has %llu + %llu branches, more "
		    "than %u",
		    (unsigned long)nr, (unsigned long long)mb,
		    (unsigned long long)cb, DA_MAX_JACOCO_BRANCHES);
	r = cov_line_add(j->source, nr, ci, err);
	if (r == 0 && mb + cb > 0)
		r = cov_branch_counts(j->source, nr, (uint32_t)cb,
				      (uint32_t)(mb + cb), err);
	if (r == 0)
		r = cov_instructions_add(j->source, nr, ci, mi, err);
	if (r < 0)
		return cov_xml_where(x, r, err);
	return 0;
}

static int on_class(struct jacoco *j, const struct da_xml *x,
		    const char **attrs, struct da_err *err)
{
	const char *name = da_xml_attr(attrs, "name");
	const char *src = da_xml_attr(attrs, "sourcefilename");
	const char *slash;
	int r;

	if (!name)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<class> without a 'name' attribute");
	j->cls = NULL;
	if (src && *src) {
		r = file_for(j, x, src, &j->cls, err);
		if (r < 0)
			return r;
	}
	/* The class name is "com/foo/Outer$Inner": keep "Outer$Inner". */
	slash = strrchr(name, '/');
	name = slash ? slash + 1 : name;
	da_buf_reset(&j->name);
	r = da_buf_adds(&j->name, name);
	if (r < 0)
		return cov_xml_fail(x, err, r,
				    "class name longer than %d bytes",
				    DA_MAX_COV_NAME);
	j->cls_len = j->name.len;
	return 0;
}

static int on_method(struct jacoco *j, const struct da_xml *x,
		     const char **attrs, struct da_err *err)
{
	const char *name = da_xml_attr(attrs, "name");
	const char *desc = da_xml_attr(attrs, "desc");
	int r;

	if (!name)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<method> without a 'name' attribute");
	r = attr_line(x, attrs, "method", "line", 0, &j->method_line, err);
	if (r < 0)
		return r;
	da_buf_truncate(&j->name, j->cls_len);
	r = da_buf_addf(&j->name, "%s%s%s", j->cls_len ? "." : "", name,
			desc ? desc : "");
	if (r < 0)
		return cov_xml_fail(x, err, r,
				    "method name longer than %d bytes",
				    DA_MAX_COV_NAME);
	j->method_seen = j->insn_seen = 0;
	j->method_hits = j->insn_hits = 0;
	return 0;
}

static int end_method(struct jacoco *j, const struct da_xml *x,
		      struct da_err *err)
{
	uint64_t hits;
	int r;

	if (!j->cls)
		return 0;
	/* JaCoCo counts a method covered when any instruction ran. */
	if (j->method_seen)
		hits = j->method_hits > 0;
	else
		hits = j->insn_seen && j->insn_hits > 0;
	r = cov_function_add(j->cls, da_buf_str(&j->name), j->method_line, hits,
			     err);
	if (r < 0)
		return cov_xml_where(x, r, err);
	return 0;
}

static enum kind kind_of(const char *name)
{
	return (enum kind)cov_xml_kind(
	    name, kind_names, sizeof(kind_names) / sizeof(kind_names[0]));
}

/* Whether an element of kind k may sit in one of kind parent. */
static int placed(enum kind k, enum kind parent)
{
	switch (k) {
	case K_GROUP:
	case K_PACKAGE:
		return parent == K_REPORT || parent == K_GROUP;
	case K_CLASS:
	case K_SOURCEFILE:
		return parent == K_PACKAGE;
	case K_METHOD:
		return parent == K_CLASS;
	case K_LINE:
		return parent == K_SOURCEFILE;
	case K_COUNTER:
		return parent != K_LINE && parent != K_OTHER &&
		       parent != K_COUNTER;
	case K_REPORT:
	case K_OTHER:
		break;
	}
	return 0;
}

static int on_start(void *ctx, const struct da_xml *x, const char *name,
		    const char **attrs, struct da_err *err)
{
	struct jacoco *j = ctx;
	int depth = da_xml_depth(x);
	enum kind k = kind_of(name), parent;
	const char *v;
	int r;

	if (depth == 1) {
		if (k != K_REPORT)
			return cov_xml_fail(
			    x, err, DA_EINVAL,
			    "not a JaCoCo report: the root element is "
			    "<%.64s>, not <report>",
			    name);
		j->kind[1] = K_REPORT;
		return 0;
	}
	parent = j->kind[depth - 1];
	if (k == K_OTHER || parent == K_OTHER) {
		/* Unknown elements and what they hold are skipped. */
		j->kind[depth] = K_OTHER;
		return 0;
	}
	if (!placed(k, parent))
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<%s> is not allowed inside <%s>", name,
				    kind_names[parent]);
	j->kind[depth] = k;
	switch (k) {
	case K_PACKAGE:
		v = da_xml_attr(attrs, "name");
		if (!v)
			return cov_xml_fail(
			    x, err, DA_EINVAL,
			    "<package> without a 'name' attribute");
		da_buf_reset(&j->package);
		r = da_buf_adds(&j->package, v);
		if (r < 0)
			return cov_xml_fail(x, err, r,
					    "package name longer than %d bytes",
					    DA_MAX_JACOCO_PATH);
		return 0;
	case K_SOURCEFILE:
		v = da_xml_attr(attrs, "name");
		if (!v || !*v)
			return cov_xml_fail(
			    x, err, DA_EINVAL,
			    "<sourcefile> without a 'name' attribute");
		return file_for(j, x, v, &j->source, err);
	case K_CLASS:
		return on_class(j, x, attrs, err);
	case K_METHOD:
		return on_method(j, x, attrs, err);
	case K_LINE:
		return on_line(j, x, attrs, err);
	case K_COUNTER:
		return on_counter(j, x, attrs, parent, depth, err);
	case K_REPORT:
	case K_GROUP:
	case K_OTHER:
		break;
	}
	return 0;
}

static int on_end(void *ctx, const struct da_xml *x, const char *name,
		  const char *text, size_t len, struct da_err *err)
{
	struct jacoco *j = ctx;
	int depth = da_xml_depth(x);

	(void)name;
	(void)text;
	(void)len;
	switch (j->kind[depth]) {
	case K_METHOD:
		return end_method(j, x, err);
	case K_CLASS:
		j->cls = NULL;
		break;
	case K_SOURCEFILE:
		j->source = NULL;
		break;
	case K_PACKAGE:
		da_buf_reset(&j->package);
		break;
	default:
		break;
	}
	return 0;
}

int cov_parse_jacoco(const struct cov_parse *p, const char *path,
		     struct da_err *err)
{
	struct da_xml_handler h = {on_start, on_end, NULL, DA_XML_NO_TEXT, 0};
	struct jacoco j;
	const struct sums *s;
	int c, ret;

	memset(&j, 0, sizeof(j));
	j.p = p;
	da_buf_init(&j.package, DA_MAX_JACOCO_PATH);
	da_buf_init(&j.raw, DA_MAX_JACOCO_PATH);
	da_buf_init(&j.mapped, DA_MAX_JACOCO_PATH);
	da_buf_init(&j.name, DA_MAX_COV_NAME);
	h.ctx = &j;
	cov_model_report_begin(p->model);
	ret = da_xml_parse_file(path, &h, err);
	if (ret < 0)
		goto out;
	/* The report's counters cover everything, its groups' included. */
	s = &j.report;
	for (c = 0; c < C__COUNT && !s->seen[c]; c++)
		;
	if (c == C__COUNT)
		s = &j.groups;
	for (c = 0; c < C__COUNT; c++) {
		if (!s->seen[c])
			continue;
		ret = cov_model_summary(p->model, counter_metric[c],
					s->c[c].covered, s->c[c].total, path,
					err);
		if (ret < 0) {
			da_err_prefix(err, "cannot read '%s'", path);
			goto out;
		}
	}
out:
	da_buf_release(&j.package);
	da_buf_release(&j.raw);
	da_buf_release(&j.mapped);
	da_buf_release(&j.name);
	return ret;
}
