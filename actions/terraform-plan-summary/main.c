/*
 * terraform-plan-summary: turn terraform plans into a summary a reviewer
 * reads in seconds, and stop on destruction nobody allowed.
 *
 * main() only talks to the user: options, output and the exit status.
 * plan.c reads, model.c counts and decides, render.c writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/gha.h"
#include "common/github.h"
#include "common/opt.h"
#include "model.h"
#include "render.h"

static const struct da_opt options[] = {
    {.name = "plans",
     .arg = "PLAN",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Plans to read (the output of 'terraform show -json PLANFILE' "
	     "or 'tofu show -json'), one per line, in addition to the PLAN "
	     "arguments; LABEL=PATH names a plan, '-' is standard input."},
    {.name = "fail-on-destroy",
     .type = DA_OPT_BOOL,
     .def = "false",
     .help = "Fail (exit 1, DEPLOY_APPROVAL_REQUIRED) when a plan deletes "
	     "or replaces a resource that allow-destroy does not name."},
    {.name = "allow-destroy",
     .arg = "GLOB",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Resource addresses fail-on-destroy lets go, as globs, one per "
	     "line ('*' matches any run of characters but '/', '[' starts a "
	     "class: write '\\[' for a literal one)."},
    {.name = "stateful",
     .arg = "GLOB",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Resource types whose deletion or replacement loses data, as "
	     "globs, in addition to the built-in list (databases, buckets, "
	     "volumes, queues, keys, secrets); flagged even when allowed."},
    {.name = "default-stateful",
     .type = DA_OPT_BOOL,
     .def = "true",
     .help = "Use the built-in list of stateful types as well as "
	     "--stateful."},
    {.name = "fail-on-errored",
     .type = DA_OPT_BOOL,
     .def = "true",
     .help = "Fail (exit 1) when a plan says Terraform stopped on errors "
	     "while planning."},
    {.name = "unchanged",
     .type = DA_OPT_BOOL,
     .def = "true",
     .help = "List the unchanged resources (collapsed) in the summary and "
	     "comment, room permitting."},
    {.name = "title",
     .arg = "TEXT",
     .type = DA_OPT_STRING,
     .def = "Terraform plan",
     .help = "The heading of the summary and comment."},
    {.name = "label",
     .arg = "NAME",
     .type = DA_OPT_STRING,
     .help = "The name of a single plan, shown in the heading and kept in "
	     "the comment's hidden marker, so that each root module or "
	     "workspace has a comment of its own."},
    {.name = "comment",
     .type = DA_OPT_BOOL,
     .def = "false",
     .help = "Post the summary as a pull request comment, updated in "
	     "place on later runs; a token that cannot write gives a notice, "
	     "not a failure."},
    {.name = "no-changes",
     .arg = "MODE",
     .type = DA_OPT_STRING,
     .def = "update",
     .help = "What --comment does when no plan has changes: 'comment' "
	     "posts or updates the comment anyway, 'update' only turns an "
	     "earlier comment into 'no changes', 'skip' leaves comments "
	     "alone."},
    DA_OPT_GITHUB_TOKEN,
    DA_OPT_SHARED,
    DA_OPT_END,
};

static const struct da_opt_tool tool = {
    .name = "terraform-plan-summary",
    .summary = "Turns the JSON of 'terraform show -json' into a summary a "
	       "reviewer reads in seconds (counts, resources by action and "
	       "module, attribute changes with sensitive values masked), and "
	       "fails on destruction nobody allowed.",
    .args = "[PLAN ...]",
    .examples = "terraform show -json tfplan > plan.json\n"
		"terraform-plan-summary plan.json\n"
		"terraform show -json tfplan | terraform-plan-summary -\n"
		"terraform-plan-summary --fail-on-destroy --allow-destroy "
		"'module.cache.*' prod=prod.json staging=staging.json\n",
    .opts = options,
};

#define MAX_LABEL 200
/* Annotations of one kind a step writes before it counts the rest. */
#define MAX_NAMED 5

struct arg {
	char *path;
	char *label;
	int given;
};

struct run {
	struct arg *args;
	size_t nargs;
	struct tf_model *m;
	struct tf_render rc;
	FILE *cmd; /* workflow commands and notes */
	int errored;
};

static int label_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > MAX_LABEL)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '=' || s[i] == '/')
			return 0;
	return 1;
}

/* "LABEL=PATH" or "PATH" into a; a file named like the first wins. */
static int split_arg(const char *s, struct arg *a, struct da_err *err)
{
	const char *eq = strchr(s, '=');
	struct stat st;

	if (!*s)
		return da_err_set(err, DA_EINVAL, "an empty plan path");
	if (eq && label_ok(s, (size_t)(eq - s)) && eq[1] && stat(s, &st) < 0) {
		a->label = strndup(s, (size_t)(eq - s));
		a->path = strdup(eq + 1);
		a->given = 1;
	} else {
		a->path = strdup(s);
	}
	if (!a->path || (a->given && !a->label))
		return da_err_set(err, DA_ENOMEM, "out of memory");
	return 0;
}

/* "prod/plan.json" -> "plan"; "-" -> "stdin". */
static char *stem(const char *path)
{
	static const char *const ext[] = {".json", ".tfplan", ".plan"};
	const char *base;
	size_t n, i;

	if (!path)
		return NULL;
	base = strrchr(path, '/');
	if (!strcmp(path, "-"))
		return strdup("stdin");
	base = base ? base + 1 : path;
	n = strlen(base);
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);

		if (n > e && !strncmp(base + n - e, ext[i], e))
			n -= e;
	}
	return strndup(base, n ? n : strlen(base));
}

/* The directory part of path, or NULL when it has none. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash != path ? strndup(path, (size_t)(slash - path))
				      : NULL;
}

/*
 * Labels for the plans that were not named: the file's stem, or its
 * directory when stems repeat ("prod/plan.json", "staging/plan.json").
 */
static int make_labels(struct run *g, const char *label, struct da_err *err)
{
	size_t i, j;
	int clash = 0;

	if (label && *label) {
		if (g->nargs != 1)
			return da_err_set(err, DA_EINVAL,
					  "--label names a single plan; name "
					  "several as LABEL=PATH");
		if (g->args[0].given)
			return da_err_set(err, DA_EINVAL,
					  "the plan is named twice: by --label "
					  "and as LABEL=PATH");
		if (!label_ok(label, strlen(label)))
			return da_err_set(err, DA_EINVAL,
					  "invalid --label: at most %d "
					  "characters, without '=', '/' or "
					  "control characters",
					  MAX_LABEL);
		g->args[0].label = strdup(label);
		g->args[0].given = 1;
		return g->args[0].label
			   ? 0
			   : da_err_set(err, DA_ENOMEM, "out of memory");
	}
	for (i = 0; i < g->nargs; i++)
		if (!g->args[i].given &&
		    !(g->args[i].label = stem(g->args[i].path)))
			return da_err_set(err, DA_ENOMEM, "out of memory");
	for (i = 0; i < g->nargs; i++)
		for (j = i + 1; j < g->nargs; j++)
			if (!strcmp(g->args[i].label, g->args[j].label))
				clash = 1;
	for (i = 0; clash && i < g->nargs; i++) {
		char *d;

		if (g->args[i].given || !(d = dir_of(g->args[i].path)))
			continue;
		free(g->args[i].label);
		g->args[i].label = d;
	}
	for (i = 0; i < g->nargs; i++)
		for (j = i + 1; j < g->nargs; j++)
			if (!strcmp(g->args[i].label, g->args[j].label))
				return da_err_set(
				    err, DA_EINVAL,
				    "two plans are both labelled '%.200s'; "
				    "name them as LABEL=PATH",
				    g->args[i].label);
	return 0;
}

static int add_arg(struct run *g, const char *s, struct da_err *err)
{
	struct arg *a;

	if (g->nargs >= TF_PLANS_MAX)
		return da_err_set(err, DA_ELIMIT, "more than %d plans",
				  TF_PLANS_MAX);
	a = realloc(g->args, (g->nargs + 1) * sizeof(*a));
	if (!a)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	g->args = a;
	memset(&a[g->nargs], 0, sizeof(*a));
	g->nargs++;
	return split_arg(s, &a[g->nargs - 1], err);
}

static int collect(const struct da_opts *opts, struct run *g,
		   struct da_err *err)
{
	const char *const *l;
	size_t i, n, stdin_uses = 0;
	int r = 0;

	l = da_opt_list(opts, "plans", &n);
	for (i = 0; r == 0 && i < n; i++)
		r = add_arg(g, l[i], err);
	for (i = 0; r == 0 && i < da_opt_nargs(opts); i++)
		r = add_arg(g, da_opt_arg(opts, i), err);
	if (r < 0)
		return r;
	if (!g->nargs)
		return da_err_set(err, DA_EINVAL,
				  "no plan given: pass the output of "
				  "'terraform show -json PLANFILE' as a PLAN "
				  "argument or in --plans");
	for (i = 0; i < g->nargs; i++)
		stdin_uses += g->args[i].path && !strcmp(g->args[i].path, "-");
	if (stdin_uses > 1)
		return da_err_set(err, DA_EINVAL,
				  "standard input ('-') given %zu times",
				  stdin_uses);
	return make_labels(g, da_opt_str(opts, "label"), err);
}

/* The comment's key: the labels the user gave, or the made ones of
 * several plans, joined by '/' (a label holds none); one unnamed plan
 * has the tool's one comment. */
static char *comment_key(const struct run *g)
{
	struct da_buf b = DA_BUF_INIT(4096);
	size_t i;

	for (i = 0; i < g->nargs; i++) {
		if (g->nargs == 1 && !g->args[i].given)
			break;
		if ((i && da_buf_addch(&b, '/') < 0) ||
		    da_buf_adds(&b, g->args[i].label) < 0)
			break;
	}
	return da_buf_detach(&b, NULL);
}

static void annotate(struct run *g, struct da_gha *gha, enum da_gha_level level,
		     const char *title, const char *msg)
{
	struct da_gha_loc loc = {.title = title};

	(void)da_gha_annotate(gha, g->cmd, level, &loc, msg, NULL);
}

/* Warnings that stay warnings: possible data loss, errored plans. */
static void warnings(struct run *g, struct da_gha *gha)
{
	struct da_buf b = DA_BUF_INIT(64 << 10);
	int errored_is_verdict =
	    g->rc.fail_on_errored &&
	    !(g->rc.fail_on_destroy && tf_model_total(g->m)->destroy_denied);
	size_t i, j, named;

	for (i = 0; i < tf_model_nplans(g->m); i++) {
		const struct tf_plan *p = tf_model_plan(g->m, i);

		/* an errored plan that fails the step is said by the
		 * verdict; one that does not, here */
		if (p->info.errored == TF_TRUE && !errored_is_verdict) {
			da_buf_reset(&b);
			(void)da_buf_addf(&b,
					  "plan '%s' errored: Terraform "
					  "stopped on errors while planning, "
					  "so it is incomplete and cannot be "
					  "applied",
					  p->label_given ? p->label : p->path);
			annotate(g, gha,
				 g->rc.fail_on_errored ? DA_GHA_ERROR
						       : DA_GHA_WARNING,
				 "terraform-plan-summary: plan errored",
				 da_buf_str(&b));
		}
		if (!p->counts.data_loss)
			continue;
		da_buf_reset(&b);
		(void)da_buf_addf(&b,
				  "%s%s%llu stateful resource%s "
				  "deleted or replaced: ",
				  tf_model_nplans(g->m) > 1 ? p->label : "",
				  tf_model_nplans(g->m) > 1 ? ": " : "",
				  (unsigned long long)p->counts.data_loss,
				  p->counts.data_loss == 1 ? "" : "s");
		for (j = 0, named = 0; j < p->nitems && named < MAX_NAMED;
		     j++) {
			const struct tf_item *it = &p->items[j];

			if ((it->flags & TF_F_DATA_LOSS) != TF_F_DATA_LOSS)
				continue;
			(void)da_buf_addf(&b, "%s%s (%s)", named++ ? ", " : "",
					  it->address, tf_kind_name(it->kind));
		}
		if (p->counts.data_loss > named)
			(void)da_buf_addf(
			    &b, ", and %llu more",
			    (unsigned long long)(p->counts.data_loss - named));
		annotate(g, gha, DA_GHA_WARNING,
			 "terraform-plan-summary: possible data loss",
			 da_buf_str(&b));
	}
	da_buf_release(&b);
}

static int any_changes(const struct run *g)
{
	return tf_counts_changes(tf_model_total(g->m)) || g->errored;
}

/*
 * The pull request comment. Never changes the verdict: a token that may
 * not write (pull requests from forks) is a notice, any other failure a
 * warning; the job summary holds the same text.
 */
static void post_comment(const struct da_opts *opts, struct run *g,
			 struct da_gha *gha)
{
	const char *mode = da_opt_str(opts, "no-changes");
	struct da_github_options go = {0};
	struct da_github *gh = NULL;
	struct da_buf body = DA_BUF_INIT((size_t)1 << 20);
	struct da_buf text = DA_BUF_INIT((size_t)1 << 20);
	struct da_buf marker = DA_BUF_INIT(4096);
	struct da_buf url = DA_BUF_INIT(4096);
	struct da_buf msg = DA_BUF_INIT(4096);
	struct da_err e = DA_ERR_INIT;
	const char *repo = da_gha_repository();
	int only_update = 0, created = 0, r;
	long number = 0, status = 0;

	if (!any_changes(g)) {
		if (!strcmp(mode, "skip")) {
			annotate(g, gha, DA_GHA_NOTICE,
				 "terraform-plan-summary",
				 "no changes: no comment (no-changes: skip)");
			goto out;
		}
		only_update = !strcmp(mode, "update");
	}
	r = da_github_event_pr(&number, &e);
	if (r < 0 || number <= 0 || !repo || !*repo) {
		annotate(g, gha, DA_GHA_NOTICE, "terraform-plan-summary",
			 r < 0 ? e.msg
			       : "not a pull request: no comment posted; the "
				 "plan is in the job summary");
		goto out;
	}
	go.token = da_opt_str(opts, "github-token");
	if (!go.token || !*go.token) {
		annotate(g, gha, DA_GHA_NOTICE, "terraform-plan-summary",
			 "no github-token: no comment posted; the plan is in "
			 "the job summary");
		goto out;
	}
	r = tf_render_markdown(&g->rc, TF_COMMENT_BUDGET, 1, &text, &e);
	/* what the job log would mask, the comment does not show either */
	if (r == 0 && da_gha_redact(gha, da_buf_str(&text), &body) < 0)
		r = da_err_set(&e, DA_ENOMEM, "out of memory");
	if (r == 0)
		r = tf_render_marker(&g->rc, &marker, &e);
	if (r == 0)
		r = da_github_new(&go, &gh, &e);
	if (r == 0 && only_update) {
		r = da_github_comment_update(
		    gh, repo, number, da_buf_str(&marker), da_buf_str(&body),
		    &url, &status, &e);
		if (r == 0) {
			(void)fprintf(g->cmd, "no changes and no earlier "
					      "comment: nothing posted\n");
			goto out;
		}
	} else if (r == 0) {
		r = da_github_comment_upsert(
		    gh, repo, number, da_buf_str(&marker), da_buf_str(&body),
		    &url, &created, &status, &e);
	}
	if (r < 0) {
		int denied = da_github_denied(status, "POST");

		(void)da_buf_addf(&msg,
				  denied ? "the token may not comment on pull "
					   "request #%ld (%s; pull requests "
					   "from forks get a read-only token): "
					   "the plan is in the job summary"
					 : "could not post the comment on pull "
					   "request #%ld: %s; the plan is in "
					   "the job summary",
				  number, e.msg);
		annotate(g, gha, denied ? DA_GHA_NOTICE : DA_GHA_WARNING,
			 "terraform-plan-summary: comment", da_buf_str(&msg));
		goto out;
	}
	(void)da_gha_set_output(gha, "comment-url", da_buf_str(&url), NULL);
	(void)fprintf(stderr, "%s comment %s\n", created ? "posted" : "updated",
		      da_buf_str(&url));
out:
	da_github_free(gh);
	da_buf_release(&body);
	da_buf_release(&text);
	da_buf_release(&marker);
	da_buf_release(&url);
	da_buf_release(&msg);
}

static int write_all(const struct da_opts *opts, struct run *g,
		     struct da_gha *gha, struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT((size_t)256 << 20);
	int r = 0;

	if (da_opt_bool(opts, "json")) {
		r = tf_render_json(&g->rc, stdout, err);
	} else {
		r = tf_render_text(&g->rc, &b, err);
		if (r == 0 &&
		    (fwrite(b.data ? b.data : "", 1, b.len, stdout) != b.len ||
		     fflush(stdout) != 0 || ferror(stdout)))
			r = da_err_set(err, DA_EIO,
				       "cannot write to standard output");
	}
	if (r == 0)
		r = tf_render_outputs(&g->rc, gha, err);
	if (r == 0 && da_opt_bool(opts, "summary") && da_gha_has_summary(gha)) {
		da_buf_reset(&b);
		r = tf_render_markdown(&g->rc, TF_SUMMARY_BUDGET, 0, &b, err);
		if (r == 0)
			r = da_gha_summary_add(gha, b.data ? b.data : "", b.len,
					       err);
	}
	da_buf_release(&b);
	if (r < 0)
		return r;
	warnings(g, gha);
	if (da_opt_bool(opts, "comment"))
		post_comment(opts, g, gha);
	return 0;
}

/* The one line a failed verdict ends with. */
static int verdict_error(struct run *g, struct da_err *err)
{
	const struct tf_counts *t = tf_model_total(g->m);
	struct da_buf b = DA_BUF_INIT(DA_ERR_MSG_MAX - 64);
	size_t i, j, named = 0;
	int several = tf_model_nplans(g->m) > 1;

	if (g->rc.fail_on_destroy && t->destroy_denied) {
		for (i = 0; i < tf_model_nplans(g->m); i++) {
			const struct tf_plan *p = tf_model_plan(g->m, i);

			for (j = 0; j < p->nitems && named < MAX_NAMED; j++) {
				const struct tf_item *it = &p->items[j];

				if ((it->flags &
				     (TF_F_DESTROYS | TF_F_ALLOWED)) !=
				    TF_F_DESTROYS)
					continue;
				(void)da_buf_addf(
				    &b, "%s%s%s%s (%s)", named++ ? ", " : "",
				    several ? p->label : "",
				    several ? ": " : "", it->address,
				    tf_kind_name(it->kind));
			}
		}
		if (t->destroy_denied > named)
			(void)da_buf_addf(
			    &b, ", and %llu more",
			    (unsigned long long)(t->destroy_denied - named));
		(void)da_err_setc(err, DA_EFAIL, DA_CODE_APPROVAL_REQUIRED,
				  "%llu resource%s would be destroyed and "
				  "fail-on-destroy is set: %s; name %s in "
				  "allow-destroy to let %s go",
				  (unsigned long long)t->destroy_denied,
				  t->destroy_denied == 1 ? "" : "s",
				  da_buf_str(&b),
				  t->destroy_denied == 1 ? "it" : "them",
				  t->destroy_denied == 1 ? "it" : "them");
	} else {
		for (i = 0; i < tf_model_nplans(g->m); i++)
			if (tf_model_plan(g->m, i)->info.errored == TF_TRUE)
				(void)da_buf_addf(
				    &b, "%s'%s'", named++ ? ", " : "",
				    tf_model_plan(g->m, i)->label_given
					? tf_model_plan(g->m, i)->label
					: tf_model_plan(g->m, i)->path);
		(void)da_err_setc(err, DA_EFAIL, DA_CODE_CI_FAILED,
				  "plan%s %s errored: Terraform stopped on "
				  "errors while planning",
				  named == 1 ? "" : "s", da_buf_str(&b));
	}
	da_buf_release(&b);
	return -DA_EFAIL;
}

static int run(const struct da_opts *opts, struct da_gha *gha,
	       struct da_err *err)
{
	struct run g = {0};
	struct tf_policy pol = {0};
	const char *tmp = da_gha_temp_dir();
	const char *mode = da_opt_str(opts, "no-changes");
	char *key = NULL;
	size_t i;
	int r;

	g.cmd = da_opt_bool(opts, "json") ? stderr : stdout;
	if (strcmp(mode, "comment") != 0 && strcmp(mode, "update") != 0 &&
	    strcmp(mode, "skip") != 0)
		return da_err_set(err, DA_EINVAL,
				  "invalid --no-changes '%.100s': want "
				  "comment, update or skip",
				  mode);
	pol.allow_destroy = da_opt_list(opts, "allow-destroy", &pol.nallow);
	pol.stateful = da_opt_list(opts, "stateful", &pol.nstateful);
	pol.no_default_stateful = !da_opt_bool(opts, "default-stateful");
	if (!tmp || !*tmp)
		tmp = getenv("TMPDIR");
	r = collect(opts, &g, err);
	if (r == 0)
		r = tf_model_new(&pol, &g.m, err);
	for (i = 0; r == 0 && i < g.nargs; i++)
		r = tf_model_add_plan(g.m, g.args[i].path, g.args[i].label,
				      g.args[i].given, tmp, err);
	if (r < 0)
		goto out;
	for (i = 0; i < tf_model_nplans(g.m); i++)
		if (tf_model_plan(g.m, i)->info.errored == TF_TRUE)
			g.errored = 1;
	key = comment_key(&g);
	if (!key) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	g.rc.m = g.m;
	g.rc.title = da_opt_str(opts, "title");
	g.rc.key = key;
	g.rc.fail_on_destroy = da_opt_bool(opts, "fail-on-destroy");
	g.rc.fail_on_errored = da_opt_bool(opts, "fail-on-errored");
	g.rc.show_unchanged = da_opt_bool(opts, "unchanged");
	g.rc.failed =
	    (g.rc.fail_on_destroy && tf_model_total(g.m)->destroy_denied) ||
	    (g.rc.fail_on_errored && g.errored);
	/* Nothing is written before this point: bad input leaves no trace. */
	r = write_all(opts, &g, gha, err);
	if (r == 0 && g.rc.failed)
		r = verdict_error(&g, err);
out:
	tf_model_free(g.m);
	for (i = 0; i < g.nargs; i++) {
		free(g.args[i].path);
		free(g.args[i].label);
	}
	free(g.args);
	free(key);
	return r;
}

int main(int argc, char *argv[])
{
	return da_opt_main(&tool, argc, argv, run);
}
