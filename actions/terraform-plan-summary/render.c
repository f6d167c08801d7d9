/*
 * render: text, JSON, Markdown and step outputs from the model.
 */
#include "render.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/github.h"
#include "common/version.h"
#include "common/xml.h"
#include "diff.h"

#define TOOL "terraform-plan-summary"

/* Markdown of the unchanged list, at most this many names. */
#define NOOP_LIST_MAX 2000
/* Misses in a row before the search for details that still fit stops. */
#define DETAIL_MISSES 64

static int nomem(struct da_err *err)
{
	return da_err_set(err, DA_ENOMEM, "out of memory");
}

static int buf_fail(struct da_err *err, int r, const char *what)
{
	if (r == -DA_ELIMIT)
		return da_err_set(err, DA_ELIMIT, "the %s is over its limit",
				  what);
	return nomem(err);
}

/*
 * Bytes of one name from a plan (an address, an id, a reason) shown in
 * Markdown; longer ones are cut with "...". Keeps every row, heading and
 * list item of bounded size whatever the plan holds.
 */
#define NAME_MAX_MD 256

/*
 * Bytes at s that must not reach a reader as they are: C0 and C1 control
 * characters and DEL, and the marks that reorder text on screen (U+061C,
 * U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069); 0 for a character
 * that may pass.
 */
static size_t unsafe_at(const unsigned char *s)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	if (s[0] == 0xd8 && s[1] == 0x9c)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
		return 3;
	return 0;
}

/*
 * s with every unsafe character (above) as '?', at most max bytes of it,
 * cut at a character boundary and ended with "..." when longer: plans are
 * untrusted.
 */
static int show(struct da_buf *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t used = 0, n;
	int r = 0;

	while (*p && r == 0) {
		n = unsafe_at(p);
		if (n) {
			r = da_buf_addch(out, '?');
			p += n;
			used++;
			continue;
		}
		/* the whole UTF-8 sequence, or one byte of a broken one */
		n = 1;
		if (*p >= 0xc0)
			while (n < 4 && (p[n] & 0xc0) == 0x80)
				n++;
		if (used + n > max)
			return da_buf_adds(out, "...");
		r = da_buf_add(out, p, n);
		p += n;
		used += n;
	}
	return r;
}

static int clean(struct da_buf *out, const char *s)
{
	return show(out, s, (size_t)-1);
}

/* s as HTML text (for <summary>, where Markdown is not read). */
static int html(struct da_buf *out, const char *raw)
{
	struct da_buf t = DA_BUF_INIT(0);
	int r = show(&t, raw, NAME_MAX_MD);

	if (r == 0)
		r = da_xml_escape(out, da_buf_str(&t), 0);
	da_buf_release(&t);
	return r;
}

/*
 * <code>s</code> for a table cell: no Markdown, link or mention can start
 * inside, and it is at most NAME_MAX_MD bytes of s.
 */
static int code(struct da_buf *out, const char *s)
{
	struct da_buf t = DA_BUF_INIT(0);
	int r = da_buf_adds(out, "<code>");

	if (r == 0)
		r = show(&t, s, NAME_MAX_MD);
	if (r == 0)
		r = da_gha_md_cell(out, da_buf_str(&t));
	if (r == 0)
		r = da_buf_adds(out, "</code>");
	da_buf_release(&t);
	return r;
}

static const char *sym(const struct tf_item *it)
{
	switch (it->kind) {
	case TF_K_DELETE:
		return "-";
	case TF_K_REPLACE:
		return it->action == TF_ACT_REPLACE_CD ? "+/-" : "-/+";
	case TF_K_FORGET:
		return ".";
	case TF_K_CREATE:
		return "+";
	case TF_K_UPDATE:
		return "~";
	case TF_K_READ:
		return "<=";
	case TF_K_MOVED:
		return "->";
	case TF_K_IMPORTED:
		return "<-";
	case TF_K_NOOP:
		return " ";
	default:
		return "?";
	}
}

/* What the reviewer reads for an action_reason; NULL: show it as is. */
static const char *reason_text(const char *r)
{
	static const char *const map[][2] = {
	    {"replace_because_tainted", "tainted"},
	    {"replace_because_cannot_update", "cannot be updated in place"},
	    {"replace_by_request", "replacement requested (-replace)"},
	    {"replace_by_triggers", "replace_triggered_by"},
	    {"delete_because_no_resource_config",
	     "no longer in the configuration"},
	    {"delete_because_wrong_repetition",
	     "count or for_each was added or removed"},
	    {"delete_because_count_index", "count index out of range"},
	    {"delete_because_each_key", "for_each key removed"},
	    {"delete_because_no_module", "its module was removed"},
	    {"delete_because_no_move_target", "the moved block's target is "
					      "missing"},
	    {"read_because_config_unknown", "configuration known only at "
					    "apply"},
	    {"read_because_dependency_pending", "depends on pending changes"},
	    {"read_because_check_nested", "read by a check block"},
	};
	size_t i;

	for (i = 0; r && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(r, map[i][0]))
			return map[i][1];
	return NULL;
}

/* The "why" of an item: reason, move, import, deposed, policy. */
static int why(struct da_buf *out, const struct tf_item *it, int md)
{
	const char *sep = "";
	int r = 0;

#define SEP()                                                                  \
	do {                                                                   \
		if (r == 0)                                                    \
			r = da_buf_adds(out, sep);                             \
		sep = md ? " · " : "; ";                                       \
	} while (0)
#define TEXT(s) (r = r ? r : md ? da_gha_md_cell(out, s) : clean(out, s))
#define CODE(s) (r = r ? r : md ? code(out, s) : clean(out, s))
	if (it->action_reason) {
		const char *t = reason_text(it->action_reason);

		SEP();
		if (t)
			TEXT(t);
		else
			CODE(it->action_reason);
	}
	if ((it->flags & TF_F_FORCED) && it->kind == TF_K_REPLACE &&
	    !it->action_reason) {
		SEP();
		TEXT("forced by a changed attribute");
	}
	if (it->previous_address) {
		SEP();
		TEXT("moved from ");
		CODE(it->previous_address);
	}
	if (it->flags & TF_F_IMPORTED) {
		SEP();
		TEXT(it->import_id ? "imported, id " : "imported");
		if (it->import_id)
			CODE(it->import_id);
	}
	if (it->deposed) {
		SEP();
		TEXT("deposed object ");
		CODE(it->deposed);
	}
	if ((it->flags & TF_F_DATA_LOSS) == TF_F_DATA_LOSS) {
		SEP();
		if (r == 0)
			r = da_buf_adds(out, md ? "**possible data loss**"
						: "possible data loss");
	}
	if ((it->flags & (TF_F_DESTROYS | TF_F_ALLOWED)) ==
	    (TF_F_DESTROYS | TF_F_ALLOWED)) {
		SEP();
		TEXT("allowed by allow-destroy");
	}
#undef SEP
#undef TEXT
#undef CODE
	return r;
}

static int several(const struct tf_render *rc)
{
	return tf_model_nplans(rc->m) > 1;
}

/* The heading name of plan p: its label when it has a meaning. */
static const char *plan_name(const struct tf_render *rc,
			     const struct tf_plan *p)
{
	if (several(rc) || p->label_given)
		return p->label;
	return NULL;
}

static int verdict_failed(const struct tf_render *rc)
{
	return rc->failed;
}

/* ---- text ---- */

static int text_plan(const struct tf_render *rc, const struct tf_plan *p,
		     struct da_buf *out)
{
	const char *name = plan_name(rc, p);
	size_t i;
	int r = 0;

	if (name) {
		r = clean(out, name);
		if (r == 0)
			r = da_buf_adds(out, ": ");
	}
	if (r == 0)
		r = tf_counts_line(&p->counts, out);
	if (r == 0 && p->info.errored == TF_TRUE)
		r = da_buf_adds(out, " (errored: Terraform could not finish "
				     "planning; the plan cannot be applied)");
	if (r == 0 && !tf_counts_changes(&p->counts) &&
	    p->info.errored != TF_TRUE)
		r = da_buf_adds(out, " (no changes)");
	if (r == 0)
		r = da_buf_addch(out, '\n');
	for (i = 0; r == 0 && i < p->nitems; i++) {
		const struct tf_item *it = &p->items[i];
		size_t mark;

		r = da_buf_addf(out, "  %-3s ", sym(it));
		if (r == 0)
			r = clean(out, it->address);
		if (r == 0)
			r = da_buf_adds(out, "  (");
		mark = out->len;
		if (r == 0)
			r = why(out, it, 0);
		if (r == 0 && out->len == mark)
			da_buf_truncate(out, mark - 3);
		else if (r == 0)
			r = da_buf_addch(out, ')');
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	if (r == 0 && p->unlisted)
		r = da_buf_addf(out, "  ... %llu more changes not listed\n",
				(unsigned long long)p->unlisted);
	if (r == 0 && p->counts.noop)
		r = da_buf_addf(out, "  %llu unchanged\n",
				(unsigned long long)p->counts.noop);
	if (r == 0 && p->counts.drift)
		r = da_buf_addf(out,
				"  %llu changed outside Terraform since the "
				"last apply\n",
				(unsigned long long)p->counts.drift);
	if (r == 0 && p->counts.outputs) {
		r = da_buf_addf(out, "  outputs:");
		for (i = 0; r == 0 && i < p->noutputs && i < TF_LIST_MAX; i++) {
			r = da_buf_addf(out, "%s %s ", i ? "," : "",
					tf_action_name(p->outputs[i].action));
			if (r == 0)
				r = clean(out, p->outputs[i].name);
		}
		if (r == 0 && p->counts.outputs > i)
			r = da_buf_addf(
			    out, ", ... %llu more",
			    (unsigned long long)(p->counts.outputs - i));
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	return r;
}

int tf_render_text(const struct tf_render *rc, struct da_buf *out,
		   struct da_err *err)
{
	const struct tf_counts *t = tf_model_total(rc->m);
	size_t i, n = tf_model_nplans(rc->m);
	int r = 0;

	for (i = 0; r == 0 && i < n; i++)
		r = text_plan(rc, tf_model_plan(rc->m, i), out);
	if (r == 0 && n > 1) {
		r = da_buf_adds(out, "total: ");
		if (r == 0)
			r = tf_counts_line(t, out);
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	return r < 0 ? buf_fail(err, r, "text") : 0;
}

/* ---- JSON ---- */

static json_t *counts_json(const struct tf_counts *c)
{
	return json_pack(
	    "{sI sI sI sI sI sI sI sI sI sI sI sI sI}", "create",
	    (json_int_t)c->create, "update", (json_int_t)c->update, "delete",
	    (json_int_t)c->delete_, "replace", (json_int_t)c->replace, "read",
	    (json_int_t)c->read, "forget", (json_int_t)c->forget, "moved",
	    (json_int_t)c->moved, "imported", (json_int_t)c->imported, "no-op",
	    (json_int_t)c->noop, "other", (json_int_t)c->other, "drift",
	    (json_int_t)c->drift, "outputs", (json_int_t)c->outputs,
	    "data-loss", (json_int_t)c->data_loss);
}

static int set_str(json_t *o, const char *k, const char *v)
{
	return v ? json_object_set_new(o, k, json_string(v)) : 0;
}

static json_t *item_json(const struct tf_item *it)
{
	json_t *o = json_pack("{ss ss ss sb sb sb}", "address", it->address,
			      "action", tf_action_name(it->action), "kind",
			      tf_kind_name(it->kind), "destroys",
			      (it->flags & TF_F_DESTROYS) != 0, "data_loss",
			      (it->flags & TF_F_DATA_LOSS) == TF_F_DATA_LOSS,
			      "allowed", (it->flags & TF_F_ALLOWED) != 0);

	if (!o)
		return NULL;
	if (set_str(o, "module", it->module) < 0 ||
	    set_str(o, "type", it->type) < 0 ||
	    set_str(o, "previous_address", it->previous_address) < 0 ||
	    set_str(o, "import_id", it->import_id) < 0 ||
	    set_str(o, "action_reason", it->action_reason) < 0 ||
	    set_str(o, "deposed", it->deposed) < 0 ||
	    ((it->flags & TF_F_IMPORTED) &&
	     json_object_set_new(o, "imported", json_true()) < 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* json_dumpf of one value, with a leading separator. */
static int emit(FILE *f, const char *before, json_t *v)
{
	int r;

	if (!v)
		return -DA_ENOMEM;
	if (before)
		(void)fputs(before, f);
	r = json_dumpf(v, f,
		       JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY) < 0
		? -DA_EIO
		: 0;
	json_decref(v);
	return r;
}

static json_t *tri(enum tf_bool b)
{
	return b == TF_ABSENT ? json_null() : json_boolean(b == TF_TRUE);
}

static int json_items(FILE *f, const char *key, const struct tf_item *a,
		      size_t n, int addresses_only)
{
	size_t i;
	int r = 0;

	(void)fprintf(f, ",\"%s\":[", key);
	for (i = 0; r == 0 && i < n; i++) {
		json_t *v;

		if (addresses_only)
			v = json_string(a[i].address);
		else
			v = item_json(&a[i]);
		r = emit(f, i ? "," : NULL, v);
	}
	(void)fputc(']', f);
	return r;
}

static int json_plan(const struct tf_render *rc, const struct tf_plan *p,
		     FILE *f)
{
	json_t *head, *actions = json_object();
	size_t i;
	int r;

	(void)rc;
	for (i = 0; actions && i < TF_ACT__COUNT; i++)
		if (p->info.actions[i] &&
		    json_object_set_new(
			actions, tf_action_name(i),
			json_integer((json_int_t)p->info.actions[i])) < 0) {
			json_decref(actions);
			actions = NULL;
		}
	head = json_pack(
	    "{ss ss ss ss so so so so so sI sI sI sI}", "label", p->label,
	    "path", p->path, "format_version", p->info.format_version,
	    "terraform_version", p->info.terraform_version, "errored",
	    tri(p->info.errored), "applyable", tri(p->info.applyable),
	    "complete", tri(p->info.complete), "counts",
	    counts_json(&p->counts), "actions", actions, "unlisted",
	    (json_int_t)p->unlisted, "unchanged_unlisted",
	    (json_int_t)p->noop_unlisted, "drift_unlisted",
	    (json_int_t)p->drift_unlisted, "bytes", (json_int_t)p->info.bytes);
	if (!head)
		return -DA_ENOMEM;
	/* the object is dumped without its closing brace, then the lists
	 * are streamed into it */
	{
		char *s = json_dumps(head, JSON_COMPACT | JSON_ENSURE_ASCII |
					       JSON_PRESERVE_ORDER);
		size_t n;

		json_decref(head);
		if (!s)
			return -DA_ENOMEM;
		n = strlen(s);
		(void)fwrite(s, 1, n - 1, f);
		free(s);
	}
	r = json_items(f, "changes", p->items, p->nitems, 0);
	if (r == 0)
		r = json_items(f, "unchanged", p->noop, p->nnoop, 1);
	if (r == 0)
		r = json_items(f, "drift", p->drift, p->ndrift, 0);
	(void)fputs(",\"outputs\":[", f);
	for (i = 0; r == 0 && i < p->noutputs; i++)
		r = emit(f, i ? "," : NULL,
			 json_pack("{ss ss}", "name", p->outputs[i].name,
				   "action",
				   tf_action_name(p->outputs[i].action)));
	(void)fputs("]}", f);
	return r;
}

int tf_render_json(const struct tf_render *rc, FILE *f, struct da_err *err)
{
	const struct tf_counts *t = tf_model_total(rc->m);
	size_t i, j, n = tf_model_nplans(rc->m), k = 0;
	json_t *head;
	int r;

	head = json_pack(
	    "{ss ss ss so sb sb sb}", "tool", TOOL, "version", da_version(),
	    "verdict", verdict_failed(rc) ? "fail" : "pass", "counts",
	    counts_json(t), "has_changes", tf_counts_changes(t), "has_destroy",
	    t->destroy > 0, "has_data_loss", t->data_loss > 0);
	if (!head)
		return nomem(err);
	{
		char *s = json_dumps(head, JSON_COMPACT | JSON_ENSURE_ASCII |
					       JSON_PRESERVE_ORDER);

		json_decref(head);
		if (!s)
			return nomem(err);
		(void)fwrite(s, 1, strlen(s) - 1, f);
		free(s);
	}
	(void)fputs(",\"destroyed\":[", f);
	r = 0;
	for (i = 0; r == 0 && i < n; i++) {
		const struct tf_plan *p = tf_model_plan(rc->m, i);

		for (j = 0; r == 0 && j < p->nitems; j++)
			if (p->items[j].flags & TF_F_DESTROYS)
				r = emit(f, k++ ? "," : NULL,
					 json_string(p->items[j].address));
	}
	(void)fputs("],\"plans\":[", f);
	for (i = 0; r == 0 && i < n; i++) {
		if (i)
			(void)fputc(',', f);
		r = json_plan(rc, tf_model_plan(rc->m, i), f);
	}
	(void)fputs("]}\n", f);
	if (r == 0 && (fflush(f) != 0 || ferror(f)))
		r = -DA_EIO;
	if (r == -DA_EIO)
		return da_err_set(err, DA_EIO, "cannot write the JSON");
	return r < 0 ? nomem(err) : 0;
}

/* ---- Markdown ---- */

/* A label's words for each kind, for the tables. */
static const char *kind_word(const struct tf_item *it)
{
	switch (it->kind) {
	case TF_K_DELETE:
		return "**destroy**";
	case TF_K_REPLACE:
		return it->action == TF_ACT_REPLACE_CD
			   ? "**replace** (create first)"
			   : "**replace**";
	case TF_K_FORGET:
		return "**forget** (kept, no longer managed)";
	case TF_K_CREATE:
		return "create";
	case TF_K_UPDATE:
		return "update";
	case TF_K_READ:
		return "read";
	case TF_K_MOVED:
		return "move";
	case TF_K_IMPORTED:
		return "import";
	case TF_K_NOOP:
		return "no change";
	default:
		return "other";
	}
}

struct md {
	const struct tf_render *rc;
	size_t nplans;
	/* per plan, the parts that are always shown, or cut to fit */
	struct da_buf *head, *table, *noop, *tail;
	/* per plan and kept item: its <details> block when it is shown */
	char ***detail;
	uint64_t details_left_out, rows_left_out;
	int noop_dropped;
	struct da_buf el, diff; /* scratch */
};

static int row(struct da_buf *out, const struct tf_item *it)
{
	int r = da_buf_addf(out, "| %s | ", kind_word(it));

	if (r == 0)
		r = code(out, it->address);
	if (r == 0)
		r = da_buf_adds(out, " | ");
	if (r == 0)
		r = it->module ? code(out, it->module) : da_buf_adds(out, "");
	if (r == 0)
		r = da_buf_adds(out, " | ");
	if (r == 0)
		r = why(out, it, 1);
	if (r == 0)
		r = da_buf_adds(out, " |\n");
	return r;
}

static int md_head(const struct tf_render *rc, const struct tf_plan *p,
		   struct da_buf *out)
{
	const struct tf_counts *c = &p->counts;
	const char *name = plan_name(rc, p);
	uint64_t destroy = c->destroy;
	size_t i, shown;
	int r;

	/* several plans are sections under the title; one has it */
	if (several(rc)) {
		r = da_buf_adds(out, "### ");
		if (r == 0)
			r = da_gha_md_cell(out, name);
	} else {
		r = da_buf_adds(out, "## ");
		if (r == 0)
			r = da_gha_md_cell(out, rc->title);
		if (r == 0 && name) {
			r = da_buf_adds(out, ": ");
			if (r == 0)
				r = da_gha_md_cell(out, name);
		}
	}
	if (r == 0)
		r = da_buf_adds(out, "\n\n**");
	if (r == 0)
		r = tf_counts_line(c, out);
	if (r == 0)
		r = da_buf_adds(out, "**");
	if (r == 0 && p->info.terraform_version[0]) {
		r = da_buf_adds(out, " · Terraform ");
		if (r == 0)
			r = code(out, p->info.terraform_version);
	}
	if (r == 0)
		r = da_buf_adds(out, "\n\n");
	if (r == 0 && p->info.errored == TF_TRUE)
		r = da_buf_adds(out,
				"> [!WARNING]\n> **Terraform reported errors "
				"while planning.** This plan is incomplete "
				"and cannot be applied; the changes below are "
				"the ones planned before the error. See the "
				"plan step's log for the errors.\n\n");
	else if (r == 0 && p->info.complete == TF_FALSE)
		r = da_buf_adds(out, "> [!NOTE]\n> The plan is incomplete "
				     "(-target or deferred changes): another "
				     "plan after this apply will show "
				     "more.\n\n");
	if (r == 0 && destroy) {
		r = da_buf_addf(
		    out,
		    "> [!CAUTION]\n> **%llu resource%s will be destroyed**",
		    (unsigned long long)destroy, destroy == 1 ? "" : "s");
		if (r == 0 && c->replace)
			r = da_buf_addf(out, " (%llu replaced)",
					(unsigned long long)c->replace);
		if (r == 0 && rc->fail_on_destroy)
			r = c->destroy_denied
				? da_buf_addf(
				      out,
				      "; fail-on-destroy stops %llu "
				      "of them",
				      (unsigned long long)c->destroy_denied)
				: da_buf_adds(out, "; allow-destroy allows "
						   "all of them");
		if (r == 0)
			r = da_buf_adds(out, ".\n");
		if (r == 0 && c->data_loss) {
			r = da_buf_addf(out, "> Possible data loss (%llu): ",
					(unsigned long long)c->data_loss);
			for (i = 0, shown = 0;
			     r == 0 && i < p->nitems && shown < 5; i++) {
				const struct tf_item *it = &p->items[i];

				if ((it->flags & TF_F_DATA_LOSS) !=
				    TF_F_DATA_LOSS)
					continue;
				r = da_buf_adds(out, shown++ ? ", " : "");
				if (r == 0)
					r = code(out, it->address);
			}
			if (r == 0 && c->data_loss > shown)
				r = da_buf_addf(
				    out, ", and %llu more",
				    (unsigned long long)(c->data_loss - shown));
			if (r == 0)
				r = da_buf_adds(out, ".\n");
		}
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	if (r == 0 && !tf_counts_changes(c) && p->info.errored != TF_TRUE)
		r = da_buf_adds(out, "No changes. The infrastructure matches "
				     "the configuration.\n\n");
	return r;
}

/* The table, as many rows as fit in max bytes (all: max 0). */
static int md_table(const struct tf_plan *p, size_t max, struct da_buf *out,
		    uint64_t *left_out)
{
	struct da_buf line = DA_BUF_INIT(0);
	size_t i, start = out->len;
	int r = 0;

	*left_out = 0;
	if (!p->nitems && !p->unlisted)
		return 0;
	r = da_buf_adds(out, "| Action | Resource | Module | Why |\n"
			     "|---|---|---|---|\n");
	for (i = 0; r == 0 && i < p->nitems; i++) {
		da_buf_reset(&line);
		r = row(&line, &p->items[i]);
		if (r == 0 && max && out->len - start + line.len + 80 > max) {
			*left_out = p->nitems - i;
			break;
		}
		if (r == 0)
			r = da_buf_add(out, line.data, line.len);
	}
	*left_out += p->unlisted;
	if (r == 0 && *left_out)
		r = da_buf_addf(out, "| | ... and %llu more | | |\n",
				(unsigned long long)*left_out);
	if (r == 0)
		r = da_buf_addch(out, '\n');
	da_buf_release(&line);
	return r;
}

static int md_noop(const struct tf_plan *p, struct da_buf *out)
{
	size_t i;
	int r = 0;

	if (!p->counts.noop)
		return 0;
	r = da_buf_addf(out, "<details><summary>%llu unchanged</summary>\n\n",
			(unsigned long long)p->counts.noop);
	for (i = 0; r == 0 && i < p->nnoop && i < NOOP_LIST_MAX; i++) {
		r = da_buf_adds(out, "- ");
		if (r == 0)
			r = code(out, p->noop[i].address);
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	if (r == 0 && p->counts.noop > i)
		r = da_buf_addf(out, "- ... and %llu more\n",
				(unsigned long long)(p->counts.noop - i));
	if (r == 0)
		r = da_buf_adds(out, "\n</details>\n\n");
	return r;
}

/* Drift and output changes. */
/* Drift and output changes, rows past max bytes counted instead. */
static int md_tail(const struct tf_plan *p, size_t max, struct da_buf *out)
{
	size_t i;
	int r = 0;

	if (p->counts.drift) {
		r = da_buf_addf(out,
				"<details><summary>%llu changed outside "
				"Terraform since the last apply</summary>\n\n"
				"| Action | Resource |\n|---|---|\n",
				(unsigned long long)p->counts.drift);
		for (i = 0; r == 0 && i < p->ndrift && i < TF_LIST_MAX &&
			    out->len < max;
		     i++) {
			r = da_buf_addf(out, "| %s | ",
					tf_action_name(p->drift[i].action));
			if (r == 0)
				r = code(out, p->drift[i].address);
			if (r == 0)
				r = da_buf_adds(out, " |\n");
		}
		if (r == 0 && p->counts.drift > i)
			r = da_buf_addf(
			    out, "| | ... and %llu more |\n",
			    (unsigned long long)(p->counts.drift - i));
		if (r == 0)
			r = da_buf_adds(out, "\n</details>\n\n");
	}
	if (r == 0 && p->counts.outputs) {
		r = da_buf_adds(out, "Outputs: ");
		for (i = 0; r == 0 && i < p->noutputs && i < TF_LIST_MAX &&
			    out->len < max;
		     i++) {
			r = da_buf_addf(out, "%s%s ", i ? ", " : "",
					tf_action_name(p->outputs[i].action));
			if (r == 0)
				r = code(out, p->outputs[i].name);
		}
		if (r == 0 && p->counts.outputs > i)
			r = da_buf_addf(
			    out, ", and %llu more",
			    (unsigned long long)(p->counts.outputs - i));
		if (r == 0)
			r = da_buf_adds(out, "\n\n");
	}
	return r;
}

/* Longest run of backticks in s, for a fence longer than any. */
static size_t ticks(const char *s, size_t n)
{
	size_t i, run = 0, best = 0;

	for (i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* The <details> block of one item into out; 0 with nothing for none. */
static int md_detail(struct md *md, const struct tf_plan *p,
		     const struct tf_item *it, struct da_buf *out)
{
	struct da_err e = DA_ERR_INIT;
	size_t fence, i;
	int r;

	da_buf_reset(&md->diff);
	r = tf_model_element(p, it, TF_DETAIL_ELEMENT_MAX, &md->el, &e);
	if (r == 0)
		r = tf_diff_render(md->el.data, md->el.len, NULL, &md->diff,
				   NULL, &e);
	if (r < 0) {
		da_buf_reset(&md->diff);
		if (da_buf_adds(&md->diff, "(attribute changes not shown: ") <
			0 ||
		    clean(&md->diff, e.msg) < 0 ||
		    da_buf_adds(&md->diff, ")\n") < 0)
			return -DA_ENOMEM;
	}
	if (!md->diff.len)
		return 0;
	fence = ticks(md->diff.data, md->diff.len) + 1;
	if (fence < 3)
		fence = 3;
	r = da_buf_addf(out, "<details><summary>%s <code>", sym(it));
	if (r == 0)
		r = html(out, it->address);
	if (r == 0)
		r = da_buf_addf(out, "</code> %s</summary>\n\n",
				tf_kind_name(it->kind));
	for (i = 0; r == 0 && i < fence; i++)
		r = da_buf_addch(out, '`');
	if (r == 0)
		r = da_buf_adds(out, "diff\n");
	if (r == 0)
		r = da_buf_add(out, md->diff.data, md->diff.len);
	for (i = 0; r == 0 && i < fence; i++)
		r = da_buf_addch(out, '`');
	if (r == 0)
		r = da_buf_adds(out, "\n\n</details>\n\n");
	return r;
}

/* Which kinds get details first: what changes, then what goes. */
static const enum tf_kind detail_order[] = {
    TF_K_REPLACE, TF_K_UPDATE, TF_K_DELETE, TF_K_FORGET,
    TF_K_CREATE,  TF_K_READ,   TF_K_OTHER,  TF_K_IMPORTED};

/* The changes that would have attribute changes to show. */
static uint64_t count_detailed(const struct md *md)
{
	uint64_t k = 0;
	size_t i, j;

	for (i = 0; i < md->nplans; i++) {
		const struct tf_plan *p = tf_model_plan(md->rc->m, i);

		for (j = 0; j < p->nitems; j++)
			k += p->items[j].kind != TF_K_MOVED;
	}
	return k;
}

/* Picks details greedily within avail bytes; returns their size. */
static int pick_details(struct md *md, size_t avail)
{
	struct da_buf blk = DA_BUF_INIT(0);
	size_t o, i, j, misses = 0;
	int r = 0;

	for (o = 0;
	     r == 0 && o < sizeof(detail_order) / sizeof(detail_order[0]); o++)
		for (i = 0; r == 0 && i < md->nplans; i++) {
			const struct tf_plan *p = tf_model_plan(md->rc->m, i);

			for (j = 0; r == 0 && j < p->nitems; j++) {
				const struct tf_item *it = &p->items[j];

				if (it->kind != detail_order[o])
					continue;
				if (misses >= DETAIL_MISSES || !avail) {
					md->details_left_out++;
					continue;
				}
				da_buf_reset(&blk);
				r = md_detail(md, p, it, &blk);
				if (r < 0 || !blk.len)
					continue;
				if (blk.len > avail) {
					misses++;
					md->details_left_out++;
					continue;
				}
				misses = 0;
				avail -= blk.len;
				md->detail[i][j] = da_buf_detach(&blk, NULL);
				if (!md->detail[i][j])
					r = -DA_ENOMEM;
			}
		}
	da_buf_release(&blk);
	return r;
}

static size_t total_len(const struct da_buf *b, size_t n)
{
	size_t i, s = 0;

	for (i = 0; i < n; i++)
		s += b[i].len;
	return s;
}

static void md_release(struct md *md)
{
	size_t i, j;

	for (i = 0; i < md->nplans; i++) {
		if (md->head)
			da_buf_release(&md->head[i]);
		if (md->table)
			da_buf_release(&md->table[i]);
		if (md->noop)
			da_buf_release(&md->noop[i]);
		if (md->tail)
			da_buf_release(&md->tail[i]);
		for (j = 0; md->detail && md->detail[i] &&
			    j < tf_model_plan(md->rc->m, i)->nitems;
		     j++)
			free(md->detail[i][j]);
		if (md->detail)
			free(md->detail[i]);
	}
	free(md->head);
	free(md->table);
	free(md->noop);
	free(md->tail);
	free(md->detail);
	da_buf_release(&md->el);
	da_buf_release(&md->diff);
}

/* The heading of several plans: the total and one row per plan. */
static int md_overview(const struct tf_render *rc, struct da_buf *out)
{
	size_t i, n = tf_model_nplans(rc->m);
	int r;

	r = da_buf_adds(out, "## ");
	if (r == 0)
		r = da_gha_md_cell(out, rc->title);
	if (r == 0)
		r = da_buf_adds(out, "\n\n**");
	if (r == 0)
		r = tf_counts_line(tf_model_total(rc->m), out);
	if (r == 0)
		r = da_buf_addf(out,
				"** in %zu plans\n\n| Plan | Changes |\n"
				"|---|---|\n",
				n);
	for (i = 0; r == 0 && i < n; i++) {
		const struct tf_plan *p = tf_model_plan(rc->m, i);

		r = da_buf_adds(out, "| ");
		if (r == 0)
			r = da_gha_md_cell(out, p->label);
		if (r == 0)
			r = da_buf_adds(out, " | ");
		if (r == 0)
			r = p->info.errored == TF_TRUE
				? da_buf_adds(out, "**errored** ")
				: 0;
		if (r == 0)
			r = tf_counts_line(&p->counts, out);
		if (r == 0)
			r = da_buf_adds(out, " |\n");
	}
	if (r == 0)
		r = da_buf_addch(out, '\n');
	return r;
}

int tf_render_marker(const struct tf_render *rc, struct da_buf *out,
		     struct da_err *err)
{
	int r = da_github_marker(TOOL, rc->key, out);

	return r < 0 ? buf_fail(err, r, "comment marker") : 0;
}

static int md_build(struct md *md, size_t budget, int comment,
		    struct da_buf *out)
{
	const struct tf_render *rc = md->rc;
	struct da_buf over = DA_BUF_INIT(0);
	size_t i, j, fixed, n = md->nplans;
	int r = 0;

	/* everything but the tables and details, which fit around it */
	if (comment)
		r = tf_render_marker(rc, out, NULL) < 0
			? -DA_ENOMEM
			: da_buf_addch(out, '\n');
	if (r == 0 && n > 1)
		r = md_overview(rc, &over);
	for (i = 0; r == 0 && i < n; i++) {
		const struct tf_plan *p = tf_model_plan(rc->m, i);

		r = md_head(rc, p, &md->head[i]);
		if (r == 0 && rc->show_unchanged)
			r = md_noop(p, &md->noop[i]);
		if (r == 0)
			r = md_tail(p, budget / (8 * n), &md->tail[i]);
	}
	if (r < 0)
		goto out;
	/* room for the notes of what was left out */
	fixed = out->len + over.len + total_len(md->head, n) +
		total_len(md->tail, n) + 1024;
	/* the unchanged lists go before any row of the tables does */
	for (i = 0; r == 0 && i < n; i++) {
		uint64_t lo;

		r = md_table(tf_model_plan(rc->m, i), 0, &md->table[i], &lo);
	}
	if (r < 0)
		goto out;
	if (fixed + total_len(md->noop, n) + total_len(md->table, n) > budget) {
		for (i = 0; i < n; i++)
			da_buf_release(&md->noop[i]);
		md->noop_dropped = rc->show_unchanged;
	}
	fixed += total_len(md->noop, n);
	for (i = 0; r == 0 && i < n; i++) {
		size_t left = budget > fixed ? budget - fixed : 0;
		uint64_t lo;
		size_t share = left / (n - i);

		da_buf_reset(&md->table[i]);
		r = md_table(tf_model_plan(rc->m, i), share ? share : 1,
			     &md->table[i], &lo);
		md->rows_left_out += lo;
		fixed += md->table[i].len;
	}
	/* attribute changes go first: none once rows or lists are gone */
	if (r == 0 && !md->rows_left_out && !md->noop_dropped)
		r = pick_details(md, budget > fixed ? budget - fixed : 0);
	else if (r == 0)
		md->details_left_out = count_detailed(md);
	if (r < 0)
		goto out;
	r = da_buf_add(out, over.data ? over.data : "", over.len);
	for (i = 0; r == 0 && i < n; i++) {
		const struct tf_plan *p = tf_model_plan(rc->m, i);

		r = da_buf_add(out, md->head[i].data ? md->head[i].data : "",
			       md->head[i].len);
		if (r == 0)
			r = da_buf_add(
			    out, md->table[i].data ? md->table[i].data : "",
			    md->table[i].len);
		for (j = 0; r == 0 && j < p->nitems; j++)
			if (md->detail[i][j])
				r = da_buf_adds(out, md->detail[i][j]);
		if (r == 0)
			r = da_buf_add(out,
				       md->noop[i].data ? md->noop[i].data : "",
				       md->noop[i].len);
		if (r == 0)
			r = da_buf_add(out,
				       md->tail[i].data ? md->tail[i].data : "",
				       md->tail[i].len);
	}
	if (r == 0 &&
	    (md->details_left_out || md->noop_dropped || md->rows_left_out)) {
		r = da_buf_addf(out,
				"_To stay within GitHub's limit of %s, "
				"this %s leaves out",
				comment ? "65,536 characters per comment"
					: "1 MiB per job summary",
				comment ? "comment" : "summary");
		if (r == 0 && md->details_left_out)
			r = da_buf_addf(
			    out,
			    " the attribute changes of %llu "
			    "resource%s%s",
			    (unsigned long long)md->details_left_out,
			    md->details_left_out == 1 ? "" : "s",
			    md->noop_dropped || md->rows_left_out ? ";" : "");
		if (r == 0 && md->noop_dropped)
			r = da_buf_addf(out,
					" the list of unchanged "
					"resources%s",
					md->rows_left_out ? ";" : "");
		if (r == 0 && md->rows_left_out)
			r = da_buf_addf(out, " %llu row%s of the table",
					(unsigned long long)md->rows_left_out,
					md->rows_left_out == 1 ? "" : "s");
		if (r == 0)
			r = da_buf_addf(out, ". %s_\n",
					comment ? "The job summary has more."
						: "The step's --json output "
						  "lists the changes.");
	}
out:
	da_buf_release(&over);
	return r;
}

/* The title and the counts of each plan, and where the rest is. */
static int md_minimal(const struct tf_render *rc, int comment,
		      struct da_buf *out)
{
	size_t i, n = tf_model_nplans(rc->m);
	int r = 0;

	if (comment)
		r = tf_render_marker(rc, out, NULL) < 0
			? -DA_ENOMEM
			: da_buf_addch(out, '\n');
	if (r == 0)
		r = da_buf_adds(out, "## ");
	if (r == 0)
		r = da_gha_md_cell(out, rc->title);
	if (r == 0)
		r = da_buf_adds(out, "\n\n**");
	if (r == 0)
		r = tf_counts_line(tf_model_total(rc->m), out);
	if (r == 0)
		r = da_buf_adds(out, "**\n\n");
	for (i = 0; r == 0 && i < n && i < 100; i++) {
		const struct tf_plan *p = tf_model_plan(rc->m, i);

		r = da_buf_adds(out, "- ");
		if (r == 0)
			r = code(out, p->label);
		if (r == 0)
			r = da_buf_adds(out, ": ");
		if (r == 0)
			r = tf_counts_line(&p->counts, out);
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	if (r == 0)
		r = da_buf_addf(out,
				"\n_Too large to list within GitHub's limit; "
				"%s_\n",
				comment ? "the job summary has more."
					: "the step's --json output lists the "
					  "changes.");
	return r;
}

int tf_render_markdown(const struct tf_render *rc, size_t budget, int comment,
		       struct da_buf *out, struct da_err *err)
{
	struct md md = {0};
	size_t i, start = out->len;
	int r = 0;

	md.rc = rc;
	md.nplans = tf_model_nplans(rc->m);
	da_buf_init(&md.el, TF_DETAIL_ELEMENT_MAX + 1);
	da_buf_init(&md.diff, (size_t)4 << 20);
	md.head = calloc(md.nplans + 1, sizeof(*md.head));
	md.table = calloc(md.nplans + 1, sizeof(*md.table));
	md.noop = calloc(md.nplans + 1, sizeof(*md.noop));
	md.tail = calloc(md.nplans + 1, sizeof(*md.tail));
	md.detail = calloc(md.nplans + 1, sizeof(*md.detail));
	if (!md.head || !md.table || !md.noop || !md.tail || !md.detail)
		r = -DA_ENOMEM;
	for (i = 0; r == 0 && i < md.nplans; i++) {
		const struct tf_plan *p = tf_model_plan(rc->m, i);

		da_buf_init(&md.head[i], 0);
		da_buf_init(&md.table[i], 0);
		da_buf_init(&md.noop[i], 0);
		da_buf_init(&md.tail[i], 0);
		md.detail[i] = calloc(p->nitems + 1, sizeof(**md.detail));
		if (!md.detail[i])
			r = -DA_ENOMEM;
	}
	if (r == 0)
		r = md_build(&md, budget, comment, out);
	md_release(&md);
	/* the parts are cut to fit; should they still not (hundreds of
	 * plans), the counts alone are said, within the limit */
	if (r == 0 && out->len - start > budget) {
		da_buf_truncate(out, start);
		r = md_minimal(rc, comment, out);
	}
	if (r < 0) {
		da_buf_truncate(out, start);
		return buf_fail(err, r, comment ? "comment" : "job summary");
	}
	return 0;
}

/* ---- step outputs ---- */

static int out_u(struct da_gha *gha, const char *name, uint64_t v,
		 struct da_err *err)
{
	char b[32];

	(void)snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	return da_gha_set_output(gha, name, b, err);
}

/* Addresses with flag set, one per line, "label: " first for several. */
static int address_list(const struct tf_render *rc, unsigned mask,
			struct da_buf *out)
{
	size_t i, j, n = tf_model_nplans(rc->m);
	int r = 0;

	for (i = 0; r == 0 && i < n; i++) {
		const struct tf_plan *p = tf_model_plan(rc->m, i);

		for (j = 0; r == 0 && j < p->nitems; j++) {
			size_t mark = out->len;

			if ((p->items[j].flags & mask) != mask)
				continue;
			if (n > 1) {
				r = clean(out, p->label);
				if (r == 0)
					r = da_buf_adds(out, ": ");
			}
			if (r == 0)
				r = clean(out, p->items[j].address);
			if (r == 0)
				r = da_buf_addch(out, '\n');
			if (r < 0) /* cut at a whole line */
				da_buf_truncate(out, mark);
		}
	}
	if (out->len && out->data[out->len - 1] == '\n')
		da_buf_truncate(out, out->len - 1);
	return r == -DA_ELIMIT ? 0 : r;
}

int tf_render_outputs(const struct tf_render *rc, struct da_gha *gha,
		      struct da_err *err)
{
	const struct tf_counts *t = tf_model_total(rc->m);
	struct da_buf b = DA_BUF_INIT(DA_GHA_MAX_OUTPUT - 1024);
	uint64_t destroy = t->destroy;
	int errored = 0, r;
	size_t i;

	for (i = 0; i < tf_model_nplans(rc->m); i++)
		if (tf_model_plan(rc->m, i)->info.errored == TF_TRUE)
			errored = 1;
	r = out_u(gha, "create", t->create, err);
	if (r == 0)
		r = out_u(gha, "update", t->update, err);
	if (r == 0)
		r = out_u(gha, "delete", t->delete_, err);
	if (r == 0)
		r = out_u(gha, "replace", t->replace, err);
	if (r == 0)
		r = out_u(gha, "read", t->read, err);
	if (r == 0)
		r = out_u(gha, "moved", t->moved, err);
	if (r == 0)
		r = out_u(gha, "imported", t->imported, err);
	if (r == 0)
		r = out_u(gha, "forget", t->forget, err);
	if (r == 0)
		r = out_u(gha, "no-op", t->noop, err);
	if (r == 0)
		r = out_u(gha, "drift", t->drift, err);
	if (r == 0)
		r = out_u(gha, "output-changes", t->outputs, err);
	if (r == 0)
		r = da_gha_set_output(gha, "has-changes",
				      tf_counts_changes(t) ? "true" : "false",
				      err);
	if (r == 0)
		r = da_gha_set_output(gha, "has-destroy",
				      destroy ? "true" : "false", err);
	if (r == 0)
		r = da_gha_set_output(gha, "has-data-loss",
				      t->data_loss ? "true" : "false", err);
	if (r == 0)
		r = da_gha_set_output(gha, "errored",
				      errored ? "true" : "false", err);
	if (r == 0)
		r = address_list(rc, TF_F_DESTROYS, &b) < 0 ? nomem(err) : 0;
	if (r == 0)
		r = da_gha_set_output(gha, "destroyed", da_buf_str(&b), err);
	da_buf_reset(&b);
	if (r == 0)
		r = address_list(rc, TF_F_DATA_LOSS, &b) < 0 ? nomem(err) : 0;
	if (r == 0)
		r = da_gha_set_output(gha, "data-loss", da_buf_str(&b), err);
	if (r == 0)
		r = da_gha_set_output(
		    gha, "verdict", verdict_failed(rc) ? "fail" : "pass", err);
	da_buf_release(&b);
	return r;
}
