/*
 * model: counts, the destroy policy and the kept listing of each plan.
 */
#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/glob.h"

/*
 * Types whose destruction loses data or keys that cannot be made again:
 * databases, buckets, volumes, file systems, queues and streams with
 * messages in them, key stores and secrets. Users add theirs with
 * --stateful.
 */
const char *const tf_stateful_defaults[] = {
    /* AWS */
    "aws_db_instance", "aws_rds_cluster", "aws_rds_global_cluster",
    "aws_dynamodb_table", "aws_dynamodb_global_table", "aws_s3_bucket",
    "aws_ebs_volume", "aws_ebs_snapshot", "aws_efs_file_system",
    "aws_fsx_*_file_system", "aws_elasticache_cluster",
    "aws_elasticache_replication_group", "aws_elasticache_serverless_cache",
    "aws_memorydb_cluster", "aws_redshift_cluster",
    "aws_redshiftserverless_namespace", "aws_docdb_cluster",
    "aws_docdbelastic_cluster", "aws_neptune_cluster", "aws_opensearch_domain",
    "aws_elasticsearch_domain", "aws_kinesis_stream",
    "aws_kinesis_firehose_delivery_stream", "aws_msk_cluster",
    "aws_msk_serverless_cluster", "aws_sqs_queue", "aws_mq_broker",
    "aws_kms_key", "aws_kms_replica_key", "aws_secretsmanager_secret",
    "aws_ssm_parameter", "aws_backup_vault", "aws_glacier_vault",
    "aws_ecr_repository", "aws_keyspaces_table", "aws_timestreamwrite_table",
    "aws_qldb_ledger", "aws_cognito_user_pool", "aws_cloudwatch_log_group",
    "aws_acmpca_certificate_authority",
    /* Google Cloud */
    "google_sql_database_instance", "google_sql_database",
    "google_storage_bucket", "google_compute_disk",
    "google_compute_region_disk", "google_bigquery_dataset",
    "google_bigquery_table", "google_spanner_instance",
    "google_spanner_database", "google_bigtable_instance",
    "google_bigtable_table", "google_firestore_database",
    "google_filestore_instance", "google_redis_instance",
    "google_alloydb_cluster", "google_kms_crypto_key", "google_kms_key_ring",
    "google_secret_manager_secret", "google_pubsub_subscription",
    /* Azure */
    "azurerm_storage_account", "azurerm_storage_container",
    "azurerm_storage_share", "azurerm_managed_disk", "azurerm_mssql_server",
    "azurerm_mssql_database", "azurerm_postgresql_server",
    "azurerm_postgresql_database", "azurerm_postgresql_flexible_server",
    "azurerm_postgresql_flexible_server_database", "azurerm_mysql_server",
    "azurerm_mysql_database", "azurerm_mysql_flexible_server",
    "azurerm_mysql_flexible_database", "azurerm_cosmosdb_account",
    "azurerm_cosmosdb_*_database", "azurerm_redis_cache", "azurerm_key_vault",
    "azurerm_key_vault_key", "azurerm_key_vault_secret",
    "azurerm_servicebus_namespace", "azurerm_eventhub_namespace",
    /* Kubernetes, Supabase, Vercel, TLS keys */
    "kubernetes_persistent_volume", "kubernetes_persistent_volume_claim",
    "kubernetes_persistent_volume_v1", "kubernetes_persistent_volume_claim_v1",
    "kubernetes_secret", "kubernetes_secret_v1", "supabase_project",
    "vercel_edge_config", "tls_private_key", NULL};

struct tf_model {
	struct tf_plan plans[TF_PLANS_MAX];
	size_t nplans;
	struct tf_counts total;
	const struct tf_policy *pol;
	size_t kept;	  /* bytes of strings kept, all plans */
	size_t kept_noop; /* of those, unchanged resources' */
	char **strs;	  /* every kept string, to free */
	size_t nstrs, capstrs;
};

static const char *const kind_names[TF_K__COUNT] = {
    "delete", "replace", "forget",   "create", "update",
    "read",   "moved",	 "imported", "other",  "no-op"};

const char *tf_kind_name(enum tf_kind k)
{
	return (unsigned)k < TF_K__COUNT ? kind_names[k] : "other";
}

enum tf_kind tf_kind_of(enum tf_action a, unsigned flags)
{
	switch (a) {
	case TF_ACT_CREATE:
		return TF_K_CREATE;
	case TF_ACT_READ:
		return TF_K_READ;
	case TF_ACT_UPDATE:
		return TF_K_UPDATE;
	case TF_ACT_DELETE:
		return TF_K_DELETE;
	case TF_ACT_REPLACE_DC:
	case TF_ACT_REPLACE_CD:
		return TF_K_REPLACE;
	case TF_ACT_FORGET:
	case TF_ACT_CREATE_FORGET:
		return TF_K_FORGET;
	case TF_ACT_NOOP:
		if (flags & TF_F_MOVED)
			return TF_K_MOVED;
		if (flags & TF_F_IMPORTED)
			return TF_K_IMPORTED;
		return TF_K_NOOP;
	default:
		return TF_K_OTHER;
	}
}

static int check_globs(const char *const *g, size_t n, const char *what,
		       struct da_err *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (da_glob_wildmatch(g[i], "", err) < 0)
			return da_err_set(err, DA_EINVAL,
					  "invalid %s pattern '%.200s'", what,
					  g[i]);
	return 0;
}

int tf_model_new(const struct tf_policy *pol, struct tf_model **ret,
		 struct da_err *err)
{
	static const struct tf_policy none;
	struct tf_model *m;
	int r;

	if (!pol)
		pol = &none;
	r = check_globs(pol->allow_destroy, pol->nallow, "allow-destroy", err);
	if (r == 0)
		r = check_globs(pol->stateful, pol->nstateful, "stateful", err);
	if (r < 0)
		return r;
	m = calloc(1, sizeof(*m));
	if (!m)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	m->pol = pol;
	*ret = m;
	return 0;
}

void tf_model_free(struct tf_model *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nplans; i++) {
		struct tf_plan *p = &m->plans[i];

		free(p->items);
		free(p->noop);
		free(p->drift);
		free(p->outputs);
		if (p->fd >= 0)
			close(p->fd);
	}
	for (i = 0; i < m->nstrs; i++)
		free(m->strs[i]);
	free(m->strs);
	free(m);
}

size_t tf_model_nplans(const struct tf_model *m)
{
	return m->nplans;
}

struct tf_plan *tf_model_plan(struct tf_model *m, size_t i)
{
	return i < m->nplans ? &m->plans[i] : NULL;
}

const struct tf_counts *tf_model_total(const struct tf_model *m)
{
	return &m->total;
}

static int match_any(const char *const *g, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (da_glob_wildmatch(g[i], s, NULL) == 1)
			return 1;
	return 0;
}

int tf_model_is_stateful(const struct tf_model *m, const char *type)
{
	size_t n = 0;

	if (!type)
		return 0;
	if (match_any(m->pol->stateful, m->pol->nstateful, type))
		return 1;
	if (m->pol->no_default_stateful)
		return 0;
	while (tf_stateful_defaults[n])
		n++;
	return match_any(tf_stateful_defaults, n, type);
}

int tf_model_is_allowed(const struct tf_model *m, const char *address)
{
	return address &&
	       match_any(m->pol->allow_destroy, m->pol->nallow, address);
}

/* ---- keeping ---- */

/* A copy of s counted against the budget; NULL for NULL. */
static int keep_str(struct tf_model *m, const char *s, const char **ret)
{
	char *c;

	*ret = NULL;
	if (!s)
		return 0;
	if (m->nstrs == m->capstrs) {
		size_t cap = m->capstrs ? m->capstrs * 2 : 1024;
		char **n = realloc(m->strs, cap * sizeof(*n));

		if (!n)
			return -DA_ENOMEM;
		m->strs = n;
		m->capstrs = cap;
	}
	c = strdup(s);
	if (!c)
		return -DA_ENOMEM;
	m->strs[m->nstrs++] = c;
	m->kept += strlen(s) + 1;
	*ret = c;
	return 0;
}

static size_t item_bytes(const struct tf_change *c)
{
	size_t n = sizeof(struct tf_item);
	const char *s[] = {c->address, c->previous_address, c->module_address,
			   c->type,    c->action_reason,    c->import_id,
			   c->deposed};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i])
			n += strlen(s[i]) + 1;
	return n;
}

static int push(struct tf_model *m, struct tf_item **arr, size_t *n,
		const struct tf_change *c, enum tf_kind kind, unsigned flags)
{
	struct tf_item *it;
	int r = 0;

	if (!(*n & (*n + 1))) { /* 0, 1, 3, 7...: grow to 2n+2 */
		struct tf_item *a = realloc(*arr, (*n * 2 + 2) * sizeof(*a));

		if (!a)
			return -DA_ENOMEM;
		*arr = a;
	}
	it = &(*arr)[*n];
	memset(it, 0, sizeof(*it));
	if (r == 0)
		r = keep_str(m, c->address ? c->address : "", &it->address);
	if (r == 0 && (flags & TF_F_MOVED))
		r = keep_str(m, c->previous_address, &it->previous_address);
	if (r == 0)
		r = keep_str(m, c->module_address, &it->module);
	if (r == 0)
		r = keep_str(m, c->type, &it->type);
	if (r == 0)
		r = keep_str(m, c->action_reason, &it->action_reason);
	if (r == 0)
		r = keep_str(m, c->import_id, &it->import_id);
	if (r == 0)
		r = keep_str(m, c->deposed, &it->deposed);
	if (r < 0)
		return r;
	m->kept += sizeof(*it);
	it->action = c->action;
	it->kind = kind;
	it->flags = flags;
	it->offset = c->offset;
	it->length = c->length;
	(*n)++;
	return 0;
}

struct scan_ctx {
	struct tf_model *m;
	struct tf_plan *p;
};

static unsigned flags_of(const struct tf_model *m, const struct tf_change *c)
{
	unsigned f = 0;

	if (c->previous_address && c->address &&
	    strcmp(c->previous_address, c->address) != 0)
		f |= TF_F_MOVED;
	if (c->importing)
		f |= TF_F_IMPORTED;
	if (c->mode && !strcmp(c->mode, "data"))
		f |= TF_F_DATA;
	if (c->replace_paths)
		f |= TF_F_FORCED;
	/* an action list of a later Terraform that deletes destroys too */
	if (tf_action_destroys(c->action) || c->deletes) {
		f |= TF_F_DESTROYS;
		if (!(f & TF_F_DATA) && tf_model_is_stateful(m, c->type))
			f |= TF_F_STATEFUL;
		if (tf_model_is_allowed(m, c->address))
			f |= TF_F_ALLOWED;
	}
	return f;
}

static void count(struct tf_counts *t, enum tf_kind k, unsigned f)
{
	switch (k) {
	case TF_K_DELETE:
		t->delete_++;
		break;
	case TF_K_REPLACE:
		t->replace++;
		break;
	case TF_K_FORGET:
		t->forget++;
		break;
	case TF_K_CREATE:
		t->create++;
		break;
	case TF_K_UPDATE:
		t->update++;
		break;
	case TF_K_READ:
		t->read++;
		break;
	case TF_K_NOOP:
		t->noop++;
		break;
	case TF_K_OTHER:
		t->other++;
		break;
	default:
		break;
	}
	if (f & TF_F_MOVED)
		t->moved++;
	if (f & TF_F_IMPORTED)
		t->imported++;
	if (f & TF_F_DESTROYS)
		t->destroy++;
	if ((f & TF_F_DESTROYS) && !(f & TF_F_ALLOWED))
		t->destroy_denied++;
	if ((f & TF_F_DATA_LOSS) == TF_F_DATA_LOSS)
		t->data_loss++;
}

static int on_change(void *ctx, const struct tf_change *c, struct da_err *err)
{
	struct scan_ctx *s = ctx;
	struct tf_model *m = s->m;
	struct tf_plan *p = s->p;
	unsigned f = flags_of(m, c);
	enum tf_kind k = tf_kind_of(c->action, f);
	size_t need = item_bytes(c);
	int r = 0;

	count(&p->counts, k, f);
	if (k == TF_K_NOOP) {
		if (m->kept_noop + need > TF_KEEP_NOOP_BYTES ||
		    m->kept + need > TF_KEEP_BYTES) {
			p->noop_unlisted++;
			return 0;
		}
		m->kept_noop += need;
		r = push(m, &p->noop, &p->nnoop, c, k, f);
	} else if (m->kept + need > TF_KEEP_BYTES) {
		p->unlisted++;
	} else {
		r = push(m, &p->items, &p->nitems, c, k, f);
	}
	return r < 0 ? da_err_set(err, DA_ENOMEM, "out of memory") : 0;
}

static int on_drift(void *ctx, const struct tf_change *c, struct da_err *err)
{
	struct scan_ctx *s = ctx;
	struct tf_model *m = s->m;
	struct tf_plan *p = s->p;
	int r;

	p->counts.drift++;
	if (m->kept + item_bytes(c) > TF_KEEP_BYTES) {
		p->drift_unlisted++;
		return 0;
	}
	/* drift is what happened, not what will: no policy flags */
	r = push(m, &p->drift, &p->ndrift, c, tf_kind_of(c->action, 0), 0);
	return r < 0 ? da_err_set(err, DA_ENOMEM, "out of memory") : 0;
}

static int on_output(void *ctx, const char *name, enum tf_action a,
		     struct da_err *err)
{
	struct scan_ctx *s = ctx;
	struct tf_model *m = s->m;
	struct tf_plan *p = s->p;
	struct tf_output_change *o;
	size_t n = p->noutputs;

	if (a == TF_ACT_NOOP)
		return 0;
	p->counts.outputs++;
	if (m->kept + strlen(name) + 1 + sizeof(*o) > TF_KEEP_BYTES) {
		p->outputs_unlisted++;
		return 0;
	}
	if (!(n & (n + 1))) {
		o = realloc(p->outputs, (n * 2 + 2) * sizeof(*o));
		if (!o)
			return da_err_set(err, DA_ENOMEM, "out of memory");
		p->outputs = o;
	}
	o = &p->outputs[n];
	o->action = a;
	if (keep_str(m, name, &o->name) < 0)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	m->kept += sizeof(*o);
	p->noutputs++;
	return 0;
}

/* Listing order: destruction first, then by module, then by address. */
static int cmp_item(const void *a, const void *b)
{
	const struct tf_item *x = a, *y = b;
	int r;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	r = strcmp(x->module ? x->module : "", y->module ? y->module : "");
	if (r)
		return r;
	r = strcmp(x->address, y->address);
	if (r)
		return r;
	return strcmp(x->deposed ? x->deposed : "",
		      y->deposed ? y->deposed : "");
}

static void sort_items(struct tf_item *a, size_t n)
{
	if (n > 1)
		qsort(a, n, sizeof(*a), cmp_item);
}

/*
 * Copies what can be read from in to an unlinked file under tmpdir, so
 * that elements can be read again; *ret_fd is at its start.
 */
static int spool(int in, const char *name, const char *tmpdir, int *ret_fd,
		 struct da_err *err)
{
	struct da_buf tmp = DA_BUF_INIT(4096);
	const char *dir = tmpdir && *tmpdir ? tmpdir : "/tmp";
	char *chunk = NULL;
	int fd = -1, r = 0;
	ssize_t n, w, done;

	if (da_buf_addf(&tmp, "%s/tfplan-XXXXXX", dir) < 0)
		return da_err_set(err, DA_ELIMIT,
				  "temporary directory name too long");
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		r = da_err_set(err, DA_EIO, "cannot keep %s in '%s': %s", name,
			       dir, strerror(errno));
		goto out;
	}
	(void)unlink(tmp.data);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	chunk = malloc(TF_BLOCK_DEFAULT);
	if (!chunk) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		n = read(in, chunk, TF_BLOCK_DEFAULT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = da_err_set(err, DA_EIO, "cannot read %s: %s", name,
				       strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		for (done = 0; done < n; done += w) {
			w = write(fd, chunk + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				r = da_err_set(
				    err, DA_EIO, "cannot keep %s in '%s': %s",
				    name, dir,
				    w < 0 ? strerror(errno) : "no space");
				goto out;
			}
		}
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		r = da_err_set(err, DA_EIO, "cannot read %s again: %s", name,
			       strerror(errno));
out:
	free(chunk);
	da_buf_release(&tmp);
	if (r < 0 && fd >= 0)
		close(fd);
	if (r == 0)
		*ret_fd = fd;
	return r;
}

/*
 * A descriptor whose bytes can be read again: a regular file read from
 * its start as it is; standard input, a pipe or a FIFO
 * (<(terraform show -json tfplan)) copied to an unlinked file first.
 */
static int open_plan(const char *path, const char *tmpdir, int *ret_fd,
		     struct da_err *err)
{
	int std = !strcmp(path, "-");
	struct da_buf name = DA_BUF_INIT(4096);
	struct stat st;
	int fd, r;

	fd = std ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return da_err_set(err, errno == ENOENT ? DA_ENOENT : DA_EIO,
				  "cannot read plan '%s': %s", path,
				  strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = da_err_set(err, DA_EIO, "cannot read plan '%s': %s", path,
			       strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read plan '%s': a directory", path);
	} else if (S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) == 0) {
		if (!std) {
			*ret_fd = fd;
			return 0;
		}
		fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return da_err_set(err, DA_EIO,
					  "cannot read standard input: %s",
					  strerror(errno));
		*ret_fd = fd;
		return 0;
	} else {
		r = da_buf_addf(&name, std ? "standard input" : "plan '%s'",
				path) < 0
			? da_err_set(err, DA_ELIMIT, "plan path too long")
			: spool(fd, da_buf_str(&name), tmpdir, ret_fd, err);
	}
	da_buf_release(&name);
	if (!std)
		close(fd);
	return r;
}

int tf_model_add_plan(struct tf_model *m, const char *path, const char *label,
		      int label_given, const char *tmpdir, struct da_err *err)
{
	struct tf_plan *p;
	struct scan_ctx s;
	struct tf_scan_opts so = {0};
	const char *c;
	int fd = -1, r;

	if (m->nplans >= TF_PLANS_MAX)
		return da_err_set(err, DA_ELIMIT, "more than %d plans",
				  TF_PLANS_MAX);
	r = open_plan(path, tmpdir, &fd, err);
	if (r < 0)
		return r;
	p = &m->plans[m->nplans++];
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->label_given = label_given;
	if (keep_str(m, path, &c) < 0 ||
	    (p->path = c, keep_str(m, label ? label : "", &c) < 0))
		return da_err_set(err, DA_ENOMEM, "out of memory");
	p->label = c;
	s.m = m;
	s.p = p;
	so.on_drift = on_drift;
	so.on_output = on_output;
	so.name = strcmp(path, "-") ? path : "(standard input)";
	r = tf_plan_scan_fd(fd, so.name, &so, on_change, &s, &p->info, err);
	if (r < 0)
		return r;
	sort_items(p->items, p->nitems);
	sort_items(p->noop, p->nnoop);
	sort_items(p->drift, p->ndrift);
	{
		struct tf_counts *t = &m->total, *c1 = &p->counts;

		t->create += c1->create;
		t->update += c1->update;
		t->delete_ += c1->delete_;
		t->replace += c1->replace;
		t->read += c1->read;
		t->forget += c1->forget;
		t->other += c1->other;
		t->moved += c1->moved;
		t->imported += c1->imported;
		t->noop += c1->noop;
		t->drift += c1->drift;
		t->outputs += c1->outputs;
		t->destroy += c1->destroy;
		t->destroy_denied += c1->destroy_denied;
		t->data_loss += c1->data_loss;
	}
	return 0;
}

int tf_model_element(const struct tf_plan *p, const struct tf_item *it,
		     size_t max, struct da_buf *out, struct da_err *err)
{
	char chunk[64 << 10];
	uint64_t got = 0;
	ssize_t n;
	size_t want;

	da_buf_reset(out);
	if (p->fd < 0 || !it->length)
		return da_err_set(err, DA_EINVAL, "no element to read");
	if (it->length > max)
		return da_err_set(err, DA_ELIMIT,
				  "the change is %llu bytes, over %zu",
				  (unsigned long long)it->length, max);
	while (got < it->length) {
		want = it->length - got < sizeof(chunk)
			   ? (size_t)(it->length - got)
			   : sizeof(chunk);
		n = pread(p->fd, chunk, want, (off_t)(it->offset + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return da_err_set(
			    err, DA_EIO, "cannot read plan '%s' again: %s",
			    p->path,
			    n < 0 ? strerror(errno) : "it got shorter");
		if (da_buf_add(out, chunk, (size_t)n) < 0)
			return da_err_set(err, DA_ENOMEM, "out of memory");
		got += (uint64_t)n;
	}
	return 0;
}

/* ---- counts ---- */

int tf_counts_changes(const struct tf_counts *c)
{
	return c->create || c->update || c->delete_ || c->replace || c->read ||
	       c->forget || c->other || c->moved || c->imported || c->outputs;
}

int tf_counts_line(const struct tf_counts *c, struct da_buf *out)
{
	int r;

	r = da_buf_addf(
	    out, "+%llu ~%llu -/+%llu -%llu", (unsigned long long)c->create,
	    (unsigned long long)c->update, (unsigned long long)c->replace,
	    (unsigned long long)c->delete_);
	if (r == 0 && c->read)
		r = da_buf_addf(out, ", %llu read",
				(unsigned long long)c->read);
	if (r == 0 && c->moved)
		r = da_buf_addf(out, ", %llu moved",
				(unsigned long long)c->moved);
	if (r == 0 && c->imported)
		r = da_buf_addf(out, ", %llu imported",
				(unsigned long long)c->imported);
	if (r == 0 && c->forget)
		r = da_buf_addf(out, ", %llu forgotten",
				(unsigned long long)c->forget);
	if (r == 0 && c->other)
		r = da_buf_addf(out, ", %llu other",
				(unsigned long long)c->other);
	return r;
}
