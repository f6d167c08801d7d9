/*
 * Unit tests for terraform-plan-summary's model: how changes are counted
 * and kept, the destroy policy, the counts line, elements read again.
 */
#include "actions/terraform-plan-summary/model.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/test-tf-model-XXXXXX";

/* Writes text to a file in dir; returns its path (static). */
static const char *file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	format(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		diag("cannot write %s", path);
	return path;
}

static const char *plan_of(const char *changes)
{
	static char text[8192];

	format(text, sizeof(text),
	       "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\","
	       "\"variables\":{\"pw\":{\"value\":\"hunter22\"}},"
	       "\"resource_changes\":[%s],"
	       "\"resource_drift\":[{\"address\":\"aws_s3_bucket.d\","
	       "\"change\":{\"actions\":[\"update\"]}}],"
	       "\"output_changes\":{\"a\":{\"actions\":[\"no-op\"]},"
	       "\"b\":{\"actions\":[\"create\"]}}}",
	       changes);
	return text;
}

static const char *const changes =
    "{\"address\":\"aws_db_instance.main\",\"type\":\"aws_db_instance\","
    "\"mode\":\"managed\",\"change\":{\"actions\":[\"delete\",\"create\"],"
    "\"replace_paths\":[[\"engine\"]]},"
    "\"action_reason\":\"replace_because_cannot_update\"},"
    "{\"address\":\"module.app.aws_instance.web\",\"module_address\":"
    "\"module.app\",\"type\":\"aws_instance\",\"mode\":\"managed\","
    "\"change\":{\"actions\":[\"create\",\"delete\"]}},"
    "{\"address\":\"aws_s3_bucket.logs\",\"type\":\"aws_s3_bucket\","
    "\"mode\":\"managed\",\"change\":{\"actions\":[\"delete\"]}},"
    "{\"address\":\"aws_iam_role.r\",\"type\":\"aws_iam_role\","
    "\"mode\":\"managed\",\"change\":{\"actions\":[\"delete\"]}},"
    "{\"address\":\"aws_instance.a\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"create\"]}},"
    "{\"address\":\"aws_instance.b\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"update\"]}},"
    "{\"address\":\"data.aws_ami.x\",\"type\":\"aws_ami\",\"mode\":\"data\","
    "\"change\":{\"actions\":[\"read\"]}},"
    "{\"address\":\"aws_instance.new\",\"previous_address\":"
    "\"aws_instance.old\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"address\":\"aws_instance.moved_upd\",\"previous_address\":"
    "\"aws_instance.was\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"update\"]}},"
    "{\"address\":\"aws_instance.imp\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"no-op\"],\"importing\":{\"id\":\"i-1\"}}},"
    "{\"address\":\"aws_instance.same\",\"previous_address\":"
    "\"aws_instance.same\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"address\":\"aws_instance.gone\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"forget\"]}},"
    "{\"address\":\"aws_instance.later\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"delete\",\"forget\",\"x\"]}}";

static void counting(void)
{
	const char *allow[] = {"aws_iam_*"};
	struct tf_policy pol = {.allow_destroy = allow, .nallow = 1};
	struct tf_model *m = NULL;
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	const struct tf_counts *c;
	struct tf_plan *p;
	size_t i;
	int r;

	r = tf_model_new(&pol, &m, &err);
	is_int(r, 0, "a model is made");
	if (r < 0)
		return;
	r = tf_model_add_plan(m, file("a.json", plan_of(changes)), "a", 1, dir,
			      &err);
	is_int(r, 0, "a plan is read");
	if (r < 0) {
		diag("%s", err.msg);
		tf_model_free(m);
		return;
	}
	c = tf_model_total(m);
	is_int((int)c->replace, 2, "both replace orders count as replace");
	is_int((int)c->delete_, 2, "deletes count alone");
	is_int((int)c->create, 1, "a replace is not a create too");
	is_int((int)c->update, 2, "updates, a moved one among them");
	is_int((int)c->read, 1, "reads");
	is_int((int)c->moved, 2, "a pure move and a move with an update");
	is_int((int)c->imported, 1, "an import");
	is_int((int)c->noop, 1,
	       "a no-op whose previous address is its own is unchanged");
	is_int((int)c->forget, 1, "forget");
	is_int((int)c->drift, 1, "drift");
	is_int((int)c->outputs, 1, "only outputs that change count");
	is_int((int)c->data_loss, 2,
	       "a replaced database and a deleted bucket lose data");
	is_int((int)c->other, 1, "an action list of a later Terraform");
	is_int((int)c->destroy, 5,
	       "it destroys, since it deletes, beside two deletes and two "
	       "replaces");
	is_int((int)c->destroy_denied, 4,
	       "the allowed IAM role is not among the denied");
	ok(tf_counts_changes(c), "the plan has changes");
	r = tf_counts_line(c, &b);
	is_str(
	    da_buf_str(&b),
	    "+1 ~2 -/+2 -2, 1 read, 2 moved, 1 imported, 1 forgotten, 1 other",
	    "the counts line");

	p = tf_model_plan(m, 0);
	is_int((int)p->nitems, 12, "every change but the unchanged is kept");
	is_int((int)p->nnoop, 1, "the unchanged one is kept apart");
	is_str(p->items[0].address, "aws_iam_role.r",
	       "deletes are listed first, by address");
	ok(p->items[0].flags & TF_F_ALLOWED, "and the allowed one says so");
	is_str(p->items[1].address, "aws_s3_bucket.logs", "then the bucket");
	ok((p->items[1].flags & TF_F_DATA_LOSS) == TF_F_DATA_LOSS,
	   "a deleted bucket is possible data loss");
	is_str(p->items[2].address, "aws_db_instance.main",
	       "replacements next, the root module first");
	is_str(p->items[3].address, "module.app.aws_instance.web",
	       "then those of module.app");
	ok(p->items[2].flags & TF_F_FORCED, "replace_paths is seen");
	is_str(p->items[2].action_reason, "replace_because_cannot_update",
	       "action_reason is kept");
	for (i = 0; i < p->nitems; i++)
		if (!strcmp(p->items[i].address, "aws_instance.new"))
			break;
	ok(i < p->nitems && p->items[i].kind == TF_K_MOVED &&
	       !strcmp(p->items[i].previous_address, "aws_instance.old"),
	   "a pure move is listed as moved, with where it came from");
	for (i = 0; i < p->nitems; i++)
		if (!strcmp(p->items[i].address, "aws_instance.imp"))
			break;
	ok(i < p->nitems && p->items[i].kind == TF_K_IMPORTED &&
	       !strcmp(p->items[i].import_id, "i-1"),
	   "a pure import is listed as imported, with its id");
	is_int((int)p->noutputs, 1, "one output change is kept");
	is_str(p->noutputs ? p->outputs[0].name : "", "b", "its name");

	/* the element is read again, byte for byte */
	da_buf_reset(&b);
	for (i = 0; i < p->nitems; i++)
		if (!strcmp(p->items[i].address, "aws_s3_bucket.logs"))
			break;
	r = tf_model_element(p, &p->items[i], 1 << 20, &b, &err);
	is_int(r, 0, "an element is read again");
	ok(b.len && b.data[0] == '{' && b.data[b.len - 1] == '}' &&
	       strstr(da_buf_str(&b), "\"aws_s3_bucket.logs\"") &&
	       !strstr(da_buf_str(&b), "aws_iam_role"),
	   "it is exactly that element");
	r = tf_model_element(p, &p->items[i], 10, &b, &err);
	is_int(r, -DA_ELIMIT, "an element over the ceiling is refused");
	da_buf_release(&b);
	tf_model_free(m);
}

static void policy(void)
{
	const char *bad[] = {"["};
	const char *mine[] = {"acme_*"};
	struct tf_policy pol = {.allow_destroy = bad, .nallow = 1};
	struct tf_model *m = NULL;
	struct da_err err = DA_ERR_INIT;
	int r;

	r = tf_model_new(&pol, &m, &err);
	is_int(r, -DA_EINVAL, "a bad allow-destroy glob is bad input");
	has_str(err.msg, "allow-destroy", "and the message names the option");

	memset(&pol, 0, sizeof(pol));
	pol.stateful = mine;
	pol.nstateful = 1;
	r = tf_model_new(&pol, &m, &err);
	is_int(r, 0, "a model with a stateful type of the user's");
	if (r < 0)
		return;
	ok(tf_model_is_stateful(m, "acme_vault"),
	   "the user's type is stateful");
	ok(tf_model_is_stateful(m, "aws_rds_cluster"),
	   "and the built-in ones still are");
	ok(tf_model_is_stateful(m, "aws_fsx_lustre_file_system"),
	   "globs in the built-in list match");
	ok(!tf_model_is_stateful(m, "aws_instance"), "an instance is not");
	tf_model_free(m);

	pol.no_default_stateful = 1;
	r = tf_model_new(&pol, &m, &err);
	is_int(r, 0, "a model with only the user's stateful types");
	if (r < 0)
		return;
	ok(!tf_model_is_stateful(m, "aws_rds_cluster"),
	   "the built-in list is off");
	ok(tf_model_is_stateful(m, "acme_vault"), "the user's list is not");
	tf_model_free(m);
}

static void empty_and_bad(void)
{
	struct tf_model *m = NULL;
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	const struct tf_counts *c;
	int r;

	r = tf_model_new(NULL, &m, &err);
	is_int(r, 0, "a model without a policy");
	if (r < 0)
		return;
	r = tf_model_add_plan(m,
			      file("e.json", "{\"format_version\":\"1.2\","
					     "\"planned_values\":{}}"),
			      NULL, 0, dir, &err);
	is_int(r, 0, "a plan without resource_changes is read");
	c = tf_model_total(m);
	ok(!tf_counts_changes(c), "and has no changes");
	tf_counts_line(c, &b);
	is_str(da_buf_str(&b), "+0 ~0 -/+0 -0", "the counts line of nothing");
	r = tf_model_add_plan(m, file("bad.json", "{\"values\":{}}"), NULL, 0,
			      dir, &err);
	is_int(r, -DA_EINVAL, "a state file is bad input");
	r = tf_model_add_plan(m, dir, NULL, 0, dir, &err);
	is_int(r, -DA_EINVAL, "a directory is bad input");
	has_str(err.msg, "a directory", "and says so");
	da_buf_release(&b);
	tf_model_free(m);
}

static void run_tests(void)
{
	char cmd[600];

	if (!mkdtemp(dir)) {
		diag("cannot make a directory");
		return;
	}
	counting();
	policy();
	empty_and_bad();
	format(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("cannot remove %s", dir);
}
