/*
 * tf-gen: writes a large, realistic 'terraform show -json' plan for the
 * terraform-plan-summary benchmark (tests/bench/tfplan.sh).
 *
 *   tf-gen CHANGES [SEED [OUT]]    a plan with CHANGES resource changes,
 *                                  on OUT or standard output
 *
 * The output depends only on the arguments (every value is drawn from a
 * hash of the seed and the resource's place), so two runs write the same
 * bytes and the benchmark can keep a plan it made earlier; a plan of more
 * changes starts with the same ones. Standard error gets one JSON line,
 * the tally: the size, the bytes of resource_changes, and how many changes
 * of each action, with jq's names ("no-op", "delete,create"...), how many
 * move or import, and how many of the no-ops do either.
 *
 * Why the shape is realistic: it is what Terraform 1.9 writes for a large
 * AWS estate, format_version "1.2", on one line, keys in Terraform's
 * order (the plan's own fields in struct order, attributes sorted by
 * name, as Go's encoding/json writes maps):
 *
 * - resource_changes: a few root resources, then one module call per
 *   service ("module.svc_12"), each with blocks of EC2 instances, S3
 *   buckets, IAM roles, security groups, Lambda functions, RDS instances,
 *   Route 53 records and log groups, single, counted ("[0]") or for_each
 *   ("[\"a\"]"), and a few data sources read during apply. The actions
 *   are mixed as in a busy plan: 55% no-op, 20% update, 12% create, 5%
 *   delete, 4% delete-then-create, 1% create-then-delete, 2% read, 1%
 *   forget. Each change carries before and after objects of the
 *   provider's real attributes (about 40, with nested blocks, tag maps,
 *   IAM policies as JSON in a string, so full of \" escapes), after
 *   omitting unknown values and after_unknown marking them,
 *   before_sensitive and after_sensitive masks with Terraform's shape
 *   (lists element by element, maps and objects without their false
 *   entries, some nested true), replace_paths and action_reason on
 *   replacements, action_reason on deletions and reads, previous_address
 *   on some no-ops (moved blocks), importing on some no-ops and updates,
 *   deposed on some deletions.
 * - Strings are escaped as Go does: <, > and & as \u003c, \u003e and
 *   \u0026, other non-ASCII characters written as UTF-8.
 * - planned_values holds every resource that will exist afterwards with
 *   its after values, prior_state every one that exists now with its
 *   before values, configuration the provider configurations and every
 *   module call with its resource blocks and their expressions; a little
 *   resource_drift (tags edited in the console, a resource deleted by
 *   hand), some output_changes, relevant_attributes, the variables.
 *
 * About 7.7 KB of plan per resource change in all, 3.7 KB of it the
 * element of resource_changes, so 100,000 changes make a plan of about
 * 770 MB.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHANGES 10000000ul

_Noreturn static void die(const char *what)
{
	fprintf(stderr, "tf-gen: %s\n", what);
	exit(1);
}

_Noreturn static void die_write(void)
{
	fprintf(stderr, "tf-gen: cannot write the plan: %s\n", strerror(errno));
	exit(1);
}

/* ---- deterministic randomness ---- */

/* splitmix64's finaliser: a good 64-bit mix. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* A key derived from a parent key and one more coordinate. */
static uint64_t key(uint64_t a, uint64_t b)
{
	return mix(a ^ mix(b + 0x632be59bd9b4e019ull));
}

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ull;
	return mix(r->s);
}

/* 0 <= r < n; 0 when n is 0 */
static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(next(r) % n) : 0;
}

/* ---- output ---- */

static struct {
	FILE *f;
	char buf[1 << 16];
	size_t n;
	uint64_t bytes;
} W;

static void flush(void)
{
	if (W.n && fwrite(W.buf, 1, W.n, W.f) != W.n)
		die_write();
	W.n = 0;
}

static void put(const char *s, size_t n)
{
	if (W.n + n > sizeof(W.buf)) {
		flush();
		if (n > sizeof(W.buf)) {
			if (fwrite(s, 1, n, W.f) != n)
				die_write();
			W.bytes += n;
			return;
		}
	}
	memcpy(W.buf + W.n, s, n);
	W.n += n;
	W.bytes += n;
}

static void out(const char *s)
{
	put(s, strlen(s));
}

static void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void outf(const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b))
		die("line too long");
	put(b, (size_t)n);
}

/* A JSON string, escaped as Go's encoding/json does. */
static void jstr(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char e[8];

	put("\"", 1);
	for (; *p; p++) {
		const unsigned char *start = p;

		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != '<' &&
		       *p != '>' && *p != '&' &&
		       !(p[0] == 0xe2 && p[1] == 0x80 &&
			 (p[2] == 0xa8 || p[2] == 0xa9)))
			p++;
		put((const char *)start, (size_t)(p - start));
		if (!*p)
			break;
		switch (*p) {
		case '"':
			put("\\\"", 2);
			break;
		case '\\':
			put("\\\\", 2);
			break;
		case '\n':
			put("\\n", 2);
			break;
		case '\t':
			put("\\t", 2);
			break;
		case '\r':
			put("\\r", 2);
			break;
		case 0xe2: /* U+2028, U+2029 */
			put(p[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			p += 2;
			break;
		default:
			memcpy(e, "\\u00", 4);
			e[4] = hex[*p >> 4];
			e[5] = hex[*p & 15];
			put(e, 6);
		}
	}
	put("\"", 1);
}

/* "name": */
static void jkey(const char *name)
{
	jstr(name);
	put(":", 1);
}

/* A bounded string builder, for values made of parts. */
struct sb {
	char b[8192];
	size_t n;
};

static void sbf(struct sb *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sbf(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->b + s->n, sizeof(s->b) - s->n, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s->b) - s->n)
		die("value too long");
	s->n += (size_t)n;
}

/* ---- the provider's schema, as much of it as a plan shows ---- */

enum kind {
	K_NULL,	   /* always null */
	K_BOOL,	   /* true or false */
	K_INT,	   /* lo..hi */
	K_ENUM,	   /* one of p, "|"-separated ("" is a value too) */
	K_NAME,	   /* p with '*' replaced by the resource's name */
	K_ID,	   /* p and 17 hex digits; the "id" one is the resource's */
	K_ARN,	   /* p with '#' region:account, '*' name, '@' the id's hex */
	K_HASH,	   /* lo hex digits, or base64 of a SHA-256 when lo is 0 */
	K_TIME,	   /* an RFC 3339 time */
	K_IP,	   /* the resource's private address */
	K_IDLIST,  /* lo..hi ids with prefix p */
	K_CIDRS,   /* lo..hi CIDR blocks */
	K_STRLIST, /* lo..hi distinct values of p */
	K_TAGS,	   /* the tags map */
	K_TAGSALL, /* tags and the provider's default_tags */
	K_POLICY,  /* an IAM policy document as a JSON string; p its kind */
	K_ENV,	   /* a Lambda environment map, some of it sensitive */
	K_TEXT,	   /* one of p's free-text values */
	K_BLOCK	   /* lo..hi nested objects of sub */
};

#define F_COMP 0x01u	 /* computed: unknown until created */
#define F_SENS 0x02u	 /* sensitive */
#define F_NEW 0x04u	 /* changing it forces a replacement */
#define F_MUT 0x08u	 /* updated in place */
#define F_VOLATILE 0x10u /* recomputed by any update */

struct attr {
	const char *name;
	enum kind kind;
	unsigned flags;
	const char *p;
	int lo, hi;
	struct attr *sub; /* K_BLOCK: its attributes, up to a NULL name */
};

static struct attr ebs_device[] = {
    {"delete_on_termination", K_BOOL, 0, NULL, 0, 0, NULL},
    {"device_name", K_ENUM, F_NEW, "/dev/sdf|/dev/sdg|/dev/sdh", 0, 0, NULL},
    {"encrypted", K_BOOL, F_NEW | F_COMP, NULL, 0, 0, NULL},
    {"iops", K_INT, F_COMP, NULL, 3000, 3000, NULL},
    {"kms_key_id", K_ARN, F_COMP, "arn:aws:kms:#:key/@", 0, 0, NULL},
    {"snapshot_id", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"tags", K_NULL, 0, NULL, 0, 0, NULL},
    {"throughput", K_INT, F_COMP, NULL, 125, 125, NULL},
    {"volume_id", K_ID, F_COMP, "vol-", 0, 0, NULL},
    {"volume_size", K_INT, F_COMP, NULL, 20, 500, NULL},
    {"volume_type", K_ENUM, F_COMP, "gp3|gp2|io2", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr root_device[] = {
    {"delete_on_termination", K_BOOL, 0, NULL, 0, 0, NULL},
    {"device_name", K_ENUM, F_COMP, "/dev/xvda", 0, 0, NULL},
    {"encrypted", K_BOOL, F_NEW, NULL, 0, 0, NULL},
    {"iops", K_INT, F_COMP, NULL, 3000, 3000, NULL},
    {"kms_key_id", K_ARN, F_COMP, "arn:aws:kms:#:key/@", 0, 0, NULL},
    {"tags", K_TAGS, 0, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {"throughput", K_INT, F_COMP, NULL, 125, 250, NULL},
    {"volume_id", K_ID, F_COMP, "vol-", 0, 0, NULL},
    {"volume_size", K_INT, 0, NULL, 8, 200, NULL},
    {"volume_type", K_ENUM, 0, "gp3", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr metadata_options[] = {
    {"http_endpoint", K_ENUM, 0, "enabled", 0, 0, NULL},
    {"http_protocol_ipv6", K_ENUM, 0, "disabled", 0, 0, NULL},
    {"http_put_response_hop_limit", K_INT, 0, NULL, 1, 2, NULL},
    {"http_tokens", K_ENUM, 0, "required|optional", 0, 0, NULL},
    {"instance_metadata_tags", K_ENUM, 0, "disabled|enabled", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr cpu_options[] = {
    {"amd_sev_snp", K_ENUM, 0, "", 0, 0, NULL},
    {"core_count", K_INT, 0, NULL, 1, 8, NULL},
    {"threads_per_core", K_INT, 0, NULL, 1, 2, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr credit_spec[] = {
    {"cpu_credits", K_ENUM, 0, "standard|unlimited", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr dns_name_options[] = {
    {"enable_resource_name_dns_a_record", K_BOOL, 0, NULL, 0, 0, NULL},
    {"enable_resource_name_dns_aaaa_record", K_BOOL, 0, NULL, 0, 0, NULL},
    {"hostname_type", K_ENUM, 0, "ip-name|resource-name", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_instance[] = {
    {"ami", K_ENUM, F_NEW,
     "ami-0c55b159cbfafe1f0|ami-0a8e758f5e873d1c1|ami-05f7491af5eef733a", 0, 0,
     NULL},
    {"arn", K_ARN, F_COMP, "arn:aws:ec2:#:instance/i-@", 0, 0, NULL},
    {"associate_public_ip_address", K_BOOL, F_COMP, NULL, 0, 0, NULL},
    {"availability_zone", K_ENUM, F_COMP | F_NEW,
     "eu-west-1a|eu-west-1b|eu-west-1c", 0, 0, NULL},
    {"cpu_core_count", K_INT, F_COMP, NULL, 1, 8, NULL},
    {"cpu_options", K_BLOCK, F_COMP, NULL, 1, 1, cpu_options},
    {"cpu_threads_per_core", K_INT, F_COMP, NULL, 1, 2, NULL},
    {"credit_specification", K_BLOCK, 0, NULL, 1, 1, credit_spec},
    {"disable_api_stop", K_BOOL, F_MUT, NULL, 0, 0, NULL},
    {"disable_api_termination", K_BOOL, F_MUT, NULL, 0, 0, NULL},
    {"ebs_block_device", K_BLOCK, F_COMP, NULL, 0, 2, ebs_device},
    {"ebs_optimized", K_BOOL, F_COMP, NULL, 0, 0, NULL},
    {"get_password_data", K_BOOL, 0, NULL, 0, 0, NULL},
    {"hibernation", K_BOOL, 0, NULL, 0, 0, NULL},
    {"host_id", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"iam_instance_profile", K_NAME, F_MUT, "*-profile", 0, 0, NULL},
    {"id", K_ID, F_COMP, "i-", 0, 0, NULL},
    {"instance_initiated_shutdown_behavior", K_ENUM, F_COMP, "stop", 0, 0,
     NULL},
    {"instance_state", K_ENUM, F_COMP, "running", 0, 0, NULL},
    {"instance_type", K_ENUM, F_MUT,
     "t3.micro|t3.small|t3.medium|m5.large|m6i.xlarge|c6g.2xlarge", 0, 0, NULL},
    {"ipv6_address_count", K_INT, F_COMP, NULL, 0, 0, NULL},
    {"ipv6_addresses", K_STRLIST, F_COMP, "", 0, 0, NULL},
    {"key_name", K_ENUM, 0, "deploy|ops-2023|ci-runner", 0, 0, NULL},
    {"metadata_options", K_BLOCK, F_MUT, NULL, 1, 1, metadata_options},
    {"monitoring", K_BOOL, F_MUT, NULL, 0, 0, NULL},
    {"outpost_arn", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"password_data", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"placement_group", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"primary_network_interface_id", K_ID, F_COMP, "eni-", 0, 0, NULL},
    {"private_dns", K_NAME, F_COMP, "ip-~.eu-west-1.compute.internal", 0, 0,
     NULL},
    {"private_dns_name_options", K_BLOCK, F_COMP, NULL, 1, 1, dns_name_options},
    {"private_ip", K_IP, F_COMP, NULL, 0, 0, NULL},
    {"public_dns", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"public_ip", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"root_block_device", K_BLOCK, F_NEW, NULL, 1, 1, root_device},
    {"secondary_private_ips", K_STRLIST, F_COMP, "", 0, 0, NULL},
    {"security_groups", K_STRLIST, F_COMP, "", 0, 0, NULL},
    {"source_dest_check", K_BOOL, 0, NULL, 0, 0, NULL},
    {"subnet_id", K_ID, F_NEW, "subnet-", 0, 0, NULL},
    {"tags", K_TAGS, F_MUT, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {"tenancy", K_ENUM, F_COMP, "default", 0, 0, NULL},
    {"timeouts", K_NULL, 0, NULL, 0, 0, NULL},
    {"user_data", K_HASH, F_NEW, NULL, 40, 0, NULL},
    {"user_data_base64", K_NULL, 0, NULL, 0, 0, NULL},
    {"user_data_replace_on_change", K_BOOL, 0, NULL, 0, 0, NULL},
    {"volume_tags", K_NULL, 0, NULL, 0, 0, NULL},
    {"vpc_security_group_ids", K_IDLIST, F_MUT, "sg-", 1, 3, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_grant[] = {
    {"id", K_HASH, 0, NULL, 64, 0, NULL},
    {"permissions", K_STRLIST, 0, "FULL_CONTROL", 1, 1, NULL},
    {"type", K_ENUM, 0, "CanonicalUser", 0, 0, NULL},
    {"uri", K_ENUM, 0, "", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_expiration[] = {
    {"date", K_ENUM, 0, "", 0, 0, NULL},
    {"days", K_INT, 0, NULL, 30, 400, NULL},
    {"expired_object_delete_marker", K_BOOL, 0, NULL, 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_transition[] = {
    {"date", K_ENUM, 0, "", 0, 0, NULL},
    {"days", K_INT, 0, NULL, 30, 90, NULL},
    {"storage_class", K_ENUM, 0, "STANDARD_IA|GLACIER|INTELLIGENT_TIERING", 0,
     0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_lifecycle[] = {
    {"abort_incomplete_multipart_upload_days", K_INT, 0, NULL, 1, 7, NULL},
    {"enabled", K_BOOL, 0, NULL, 0, 0, NULL},
    {"expiration", K_BLOCK, 0, NULL, 1, 1, s3_expiration},
    {"id", K_NAME, F_COMP, "*-expire", 0, 0, NULL},
    {"noncurrent_version_expiration", K_BLOCK, 0, NULL, 0, 1, s3_expiration},
    {"noncurrent_version_transition", K_BLOCK, 0, NULL, 0, 0, s3_transition},
    {"prefix", K_ENUM, 0, "logs/|tmp/|exports/", 0, 0, NULL},
    {"tags", K_NULL, 0, NULL, 0, 0, NULL},
    {"transition", K_BLOCK, 0, NULL, 0, 2, s3_transition},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_sse_default[] = {
    {"kms_master_key_id", K_ARN, 0, "arn:aws:kms:#:key/@", 0, 0, NULL},
    {"sse_algorithm", K_ENUM, 0, "aws:kms|AES256", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_sse_rule[] = {
    {"apply_server_side_encryption_by_default", K_BLOCK, 0, NULL, 1, 1,
     s3_sse_default},
    {"bucket_key_enabled", K_BOOL, 0, NULL, 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_sse[] = {
    {"rule", K_BLOCK, 0, NULL, 1, 1, s3_sse_rule},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr s3_versioning[] = {
    {"enabled", K_BOOL, 0, NULL, 0, 0, NULL},
    {"mfa_delete", K_BOOL, 0, NULL, 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_s3_bucket[] = {
    {"acceleration_status", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"acl", K_ENUM, F_MUT, "private|log-delivery-write", 0, 0, NULL},
    {"arn", K_ARN, F_COMP, "arn:aws:s3:::acme-*", 0, 0, NULL},
    {"bucket", K_NAME, F_NEW, "acme-*", 0, 0, NULL},
    {"bucket_domain_name", K_NAME, F_COMP, "acme-*.s3.amazonaws.com", 0, 0,
     NULL},
    {"bucket_prefix", K_ENUM, 0, "", 0, 0, NULL},
    {"bucket_regional_domain_name", K_NAME, F_COMP,
     "acme-*.s3.eu-west-1.amazonaws.com", 0, 0, NULL},
    {"cors_rule", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"force_destroy", K_BOOL, F_MUT, NULL, 0, 0, NULL},
    {"grant", K_BLOCK, F_COMP, NULL, 1, 1, s3_grant},
    {"hosted_zone_id", K_ENUM, F_COMP, "Z1BKCTXD74EZPE", 0, 0, NULL},
    {"id", K_NAME, F_COMP, "acme-*", 0, 0, NULL},
    {"lifecycle_rule", K_BLOCK, F_MUT, NULL, 0, 2, s3_lifecycle},
    {"logging", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"object_lock_configuration", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"object_lock_enabled", K_BOOL, F_COMP, NULL, 0, 0, NULL},
    {"policy", K_POLICY, F_MUT, "s3", 0, 0, NULL},
    {"region", K_ENUM, F_COMP, "eu-west-1", 0, 0, NULL},
    {"replication_configuration", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"request_payer", K_ENUM, F_COMP, "BucketOwner", 0, 0, NULL},
    {"server_side_encryption_configuration", K_BLOCK, F_COMP, NULL, 1, 1,
     s3_sse},
    {"tags", K_TAGS, F_MUT, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {"timeouts", K_NULL, 0, NULL, 0, 0, NULL},
    {"versioning", K_BLOCK, F_COMP | F_MUT, NULL, 1, 1, s3_versioning},
    {"website", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"website_domain", K_NULL, F_COMP, NULL, 0, 0, NULL},
    {"website_endpoint", K_NULL, F_COMP, NULL, 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr iam_inline[] = {
    {"name", K_NAME, 0, "*-access", 0, 0, NULL},
    {"policy", K_POLICY, 0, "iam", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr role_last_used[] = {
    {"last_used_date", K_TIME, 0, NULL, 0, 0, NULL},
    {"region", K_ENUM, 0, "eu-west-1|us-east-1", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_iam_role[] = {
    {"arn", K_ARN, F_COMP, "arn:aws:iam::123456789012:role/service-role/*", 0,
     0, NULL},
    {"assume_role_policy", K_POLICY, F_MUT, "assume", 0, 0, NULL},
    {"create_date", K_TIME, F_COMP, NULL, 0, 0, NULL},
    {"description", K_TEXT, F_MUT,
     "Role for the \"*\" service (managed by Terraform)|Lets * read its "
     "secrets & write logs <prod>|Rôle d'exécution – équipe plateforme",
     0, 0, NULL},
    {"force_detach_policies", K_BOOL, 0, NULL, 0, 0, NULL},
    {"id", K_NAME, F_COMP, "*", 0, 0, NULL},
    {"inline_policy", K_BLOCK, F_MUT, NULL, 1, 2, iam_inline},
    {"managed_policy_arns", K_STRLIST, F_COMP,
     "arn:aws:iam::aws:policy/ReadOnlyAccess|arn:aws:iam::aws:policy/"
     "CloudWatchAgentServerPolicy|arn:aws:iam::aws:policy/"
     "AmazonSSMManagedInstanceCore|arn:aws:iam::aws:policy/service-role/"
     "AWSLambdaBasicExecutionRole",
     0, 2, NULL},
    {"max_session_duration", K_INT, F_MUT, NULL, 3600, 3600, NULL},
    {"name", K_NAME, F_NEW, "*", 0, 0, NULL},
    {"name_prefix", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"path", K_ENUM, F_NEW, "/service-role/|/", 0, 0, NULL},
    {"permissions_boundary", K_ENUM, 0, "", 0, 0, NULL},
    {"role_last_used", K_BLOCK, F_COMP, NULL, 1, 1, role_last_used},
    {"tags", K_TAGS, F_MUT, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {"unique_id", K_ID, F_COMP, "AROA", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr sg_rule[] = {
    {"cidr_blocks", K_CIDRS, 0, NULL, 0, 3, NULL},
    {"description", K_TEXT, 0,
     "HTTPS from the load balancer|Postgres from the app tier|health "
     "checks <internal> & metrics|",
     0, 0, NULL},
    {"from_port", K_INT, 0, NULL, 0, 9000, NULL},
    {"ipv6_cidr_blocks", K_STRLIST, 0, "", 0, 0, NULL},
    {"prefix_list_ids", K_STRLIST, 0, "", 0, 0, NULL},
    {"protocol", K_ENUM, 0, "tcp|-1|udp", 0, 0, NULL},
    {"security_groups", K_IDLIST, 0, "sg-", 0, 1, NULL},
    {"self", K_BOOL, 0, NULL, 0, 0, NULL},
    {"to_port", K_INT, 0, NULL, 0, 9000, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_security_group[] = {
    {"arn", K_ARN, F_COMP, "arn:aws:ec2:#:security-group/sg-@", 0, 0, NULL},
    {"description", K_TEXT, F_NEW,
     "Managed by Terraform|Allow TLS inbound traffic|Service \"*\" <edge> "
     "& health checks",
     0, 0, NULL},
    {"egress", K_BLOCK, F_COMP | F_MUT, NULL, 1, 1, sg_rule},
    {"id", K_ID, F_COMP, "sg-", 0, 0, NULL},
    {"ingress", K_BLOCK, F_COMP | F_MUT, NULL, 1, 3, sg_rule},
    {"name", K_NAME, F_NEW, "*-sg", 0, 0, NULL},
    {"name_prefix", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"owner_id", K_ENUM, F_COMP, "123456789012", 0, 0, NULL},
    {"revoke_rules_on_delete", K_BOOL, 0, NULL, 0, 0, NULL},
    {"tags", K_TAGS, F_MUT, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {"timeouts", K_NULL, 0, NULL, 0, 0, NULL},
    {"vpc_id", K_ID, F_NEW, "vpc-", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr lambda_env[] = {
    {"variables", K_ENV, 0, NULL, 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr lambda_storage[] = {
    {"size", K_INT, 0, NULL, 512, 512, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr lambda_logging[] = {
    {"application_log_level", K_ENUM, 0, "|INFO", 0, 0, NULL},
    {"log_format", K_ENUM, 0, "Text|JSON", 0, 0, NULL},
    {"log_group", K_NAME, 0, "/aws/lambda/*", 0, 0, NULL},
    {"system_log_level", K_ENUM, 0, "|WARN", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr lambda_tracing[] = {
    {"mode", K_ENUM, 0, "PassThrough|Active", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr lambda_vpc[] = {
    {"ipv6_allowed_for_dual_stack", K_BOOL, 0, NULL, 0, 0, NULL},
    {"security_group_ids", K_IDLIST, 0, "sg-", 1, 2, NULL},
    {"subnet_ids", K_IDLIST, 0, "subnet-", 2, 3, NULL},
    {"vpc_id", K_ID, F_COMP, "vpc-", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_lambda_function[] = {
    {"architectures", K_STRLIST, 0, "arm64|x86_64", 1, 1, NULL},
    {"arn", K_ARN, F_COMP, "arn:aws:lambda:#:function:*", 0, 0, NULL},
    {"code_signing_config_arn", K_ENUM, 0, "", 0, 0, NULL},
    {"dead_letter_config", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"description", K_TEXT, F_MUT,
     "Handles * events|Nightly export of * to S3 & Glue|Webhook "
     "receiver for \"*\" <v2>",
     0, 0, NULL},
    {"environment", K_BLOCK, F_MUT, NULL, 1, 1, lambda_env},
    {"ephemeral_storage", K_BLOCK, F_COMP, NULL, 1, 1, lambda_storage},
    {"file_system_config", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"filename", K_NULL, 0, NULL, 0, 0, NULL},
    {"function_name", K_NAME, F_NEW, "*", 0, 0, NULL},
    {"handler", K_ENUM, F_MUT, "index.handler|app.lambda_handler|bootstrap", 0,
     0, NULL},
    {"id", K_NAME, F_COMP, "*", 0, 0, NULL},
    {"image_config", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"image_uri", K_ENUM, 0, "", 0, 0, NULL},
    {"invoke_arn", K_ARN, F_COMP,
     "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
     "arn:aws:lambda:#:function:*/invocations",
     0, 0, NULL},
    {"kms_key_arn", K_ENUM, 0, "", 0, 0, NULL},
    {"last_modified", K_TIME, F_COMP | F_VOLATILE, NULL, 0, 0, NULL},
    {"layers", K_STRLIST, 0,
     "arn:aws:lambda:eu-west-1:123456789012:layer:otel:12|arn:aws:lambda:"
     "eu-west-1:580247275435:layer:LambdaInsightsExtension:38",
     0, 2, NULL},
    {"logging_config", K_BLOCK, F_COMP, NULL, 1, 1, lambda_logging},
    {"memory_size", K_INT, F_MUT, NULL, 128, 3008, NULL},
    {"package_type", K_ENUM, 0, "Zip", 0, 0, NULL},
    {"publish", K_BOOL, 0, NULL, 0, 0, NULL},
    {"qualified_arn", K_ARN, F_COMP | F_VOLATILE,
     "arn:aws:lambda:#:function:*:$LATEST", 0, 0, NULL},
    {"qualified_invoke_arn", K_ARN, F_COMP | F_VOLATILE,
     "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
     "arn:aws:lambda:#:function:*:$LATEST/invocations",
     0, 0, NULL},
    {"replace_security_groups_on_destroy", K_NULL, 0, NULL, 0, 0, NULL},
    {"replacement_security_group_ids", K_NULL, 0, NULL, 0, 0, NULL},
    {"reserved_concurrent_executions", K_INT, F_MUT, NULL, -1, 50, NULL},
    {"role", K_ARN, F_MUT, "arn:aws:iam::123456789012:role/*-lambda", 0, 0,
     NULL},
    {"runtime", K_ENUM, F_MUT, "nodejs20.x|python3.12|provided.al2023|java21",
     0, 0, NULL},
    {"s3_bucket", K_NAME, 0, "acme-artifacts-*", 0, 0, NULL},
    {"s3_key", K_NAME, F_MUT, "lambda/*.zip", 0, 0, NULL},
    {"s3_object_version", K_NULL, 0, NULL, 0, 0, NULL},
    {"signing_job_arn", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"signing_profile_version_arn", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"skip_destroy", K_BOOL, 0, NULL, 0, 0, NULL},
    {"snap_start", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"source_code_hash", K_HASH, F_MUT, NULL, 0, 0, NULL},
    {"source_code_size", K_INT, F_COMP | F_VOLATILE, NULL, 1000, 9000000, NULL},
    {"tags", K_TAGS, F_MUT, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {"timeout", K_INT, F_MUT, NULL, 3, 900, NULL},
    {"timeouts", K_NULL, 0, NULL, 0, 0, NULL},
    {"tracing_config", K_BLOCK, F_COMP, NULL, 1, 1, lambda_tracing},
    {"version", K_ENUM, F_COMP | F_VOLATILE, "$LATEST", 0, 0, NULL},
    {"vpc_config", K_BLOCK, 0, NULL, 0, 1, lambda_vpc},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_db_instance[] = {
    {"address", K_NAME, F_COMP, "*.c9akciq32.eu-west-1.rds.amazonaws.com", 0, 0,
     NULL},
    {"allocated_storage", K_INT, F_MUT, NULL, 20, 2000, NULL},
    {"allow_major_version_upgrade", K_NULL, 0, NULL, 0, 0, NULL},
    {"apply_immediately", K_BOOL, 0, NULL, 0, 0, NULL},
    {"arn", K_ARN, F_COMP, "arn:aws:rds:#:db:*", 0, 0, NULL},
    {"auto_minor_version_upgrade", K_BOOL, 0, NULL, 0, 0, NULL},
    {"availability_zone", K_ENUM, F_COMP | F_NEW,
     "eu-west-1a|eu-west-1b|eu-west-1c", 0, 0, NULL},
    {"backup_retention_period", K_INT, F_MUT, NULL, 1, 35, NULL},
    {"backup_target", K_ENUM, F_COMP, "region", 0, 0, NULL},
    {"backup_window", K_ENUM, F_MUT, "03:00-04:00|02:30-03:30", 0, 0, NULL},
    {"ca_cert_identifier", K_ENUM, F_COMP, "rds-ca-rsa2048-g1", 0, 0, NULL},
    {"copy_tags_to_snapshot", K_BOOL, 0, NULL, 0, 0, NULL},
    {"db_name", K_NAME, F_NEW, "app", 0, 0, NULL},
    {"db_subnet_group_name", K_NAME, F_COMP, "*-subnets", 0, 0, NULL},
    {"delete_automated_backups", K_BOOL, 0, NULL, 0, 0, NULL},
    {"deletion_protection", K_BOOL, F_MUT, NULL, 0, 0, NULL},
    {"enabled_cloudwatch_logs_exports", K_STRLIST, 0, "postgresql|upgrade", 0,
     2, NULL},
    {"endpoint", K_NAME, F_COMP, "*.c9akciq32.eu-west-1.rds.amazonaws.com:5432",
     0, 0, NULL},
    {"engine", K_ENUM, F_NEW, "postgres", 0, 0, NULL},
    {"engine_version", K_ENUM, F_MUT, "15.5|15.7|16.3", 0, 0, NULL},
    {"final_snapshot_identifier", K_NAME, 0, "*-final", 0, 0, NULL},
    {"hosted_zone_id", K_ENUM, F_COMP, "Z29XKXDKYMONMX", 0, 0, NULL},
    {"iam_database_authentication_enabled", K_BOOL, 0, NULL, 0, 0, NULL},
    {"id", K_ID, F_COMP, "db-", 0, 0, NULL},
    {"identifier", K_NAME, F_NEW, "*", 0, 0, NULL},
    {"instance_class", K_ENUM, F_MUT,
     "db.t4g.medium|db.r6g.large|db.r6g.xlarge", 0, 0, NULL},
    {"iops", K_INT, F_COMP, NULL, 3000, 3000, NULL},
    {"kms_key_id", K_ARN, F_COMP | F_NEW, "arn:aws:kms:#:key/@", 0, 0, NULL},
    {"latest_restorable_time", K_TIME, F_COMP, NULL, 0, 0, NULL},
    {"maintenance_window", K_ENUM, F_MUT, "sun:05:00-sun:06:00", 0, 0, NULL},
    {"master_user_secret", K_BLOCK, F_COMP, NULL, 0, 0, NULL},
    {"monitoring_interval", K_INT, 0, NULL, 0, 60, NULL},
    {"multi_az", K_BOOL, F_MUT, NULL, 0, 0, NULL},
    {"password", K_HASH, F_SENS | F_MUT, NULL, 24, 0, NULL},
    {"performance_insights_enabled", K_BOOL, 0, NULL, 0, 0, NULL},
    {"port", K_INT, F_COMP, NULL, 5432, 5432, NULL},
    {"publicly_accessible", K_BOOL, 0, NULL, 0, 0, NULL},
    {"replicas", K_STRLIST, F_COMP, "", 0, 0, NULL},
    {"resource_id", K_ID, F_COMP, "db-", 0, 0, NULL},
    {"skip_final_snapshot", K_BOOL, 0, NULL, 0, 0, NULL},
    {"status", K_ENUM, F_COMP, "available", 0, 0, NULL},
    {"storage_encrypted", K_BOOL, F_NEW, NULL, 0, 0, NULL},
    {"storage_type", K_ENUM, F_COMP, "gp3", 0, 0, NULL},
    {"tags", K_TAGS, F_MUT, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {"timeouts", K_NULL, 0, NULL, 0, 0, NULL},
    {"username", K_ENUM, F_NEW, "app_admin", 0, 0, NULL},
    {"vpc_security_group_ids", K_IDLIST, F_COMP | F_MUT, "sg-", 1, 2, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr r53_alias[] = {
    {"evaluate_target_health", K_BOOL, 0, NULL, 0, 0, NULL},
    {"name", K_NAME, 0,
     "dualstack.*-alb-1234567890.eu-west-1.elb."
     "amazonaws.com",
     0, 0, NULL},
    {"zone_id", K_ENUM, 0, "Z32O12XQLNTSW2", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_route53_record[] = {
    {"alias", K_BLOCK, 0, NULL, 0, 1, r53_alias},
    {"allow_overwrite", K_NULL, 0, NULL, 0, 0, NULL},
    {"cidr_routing_policy", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"failover_routing_policy", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"fqdn", K_NAME, F_COMP, "*.internal.acme.example", 0, 0, NULL},
    {"geolocation_routing_policy", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"health_check_id", K_ENUM, 0, "", 0, 0, NULL},
    {"id", K_NAME, F_COMP, "Z0123456789ABCDEFGHIJ_*.internal.acme.example_A", 0,
     0, NULL},
    {"latency_routing_policy", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"multivalue_answer_routing_policy", K_NULL, 0, NULL, 0, 0, NULL},
    {"name", K_NAME, F_NEW, "*.internal.acme.example", 0, 0, NULL},
    {"records", K_CIDRS, F_MUT, "ip", 1, 3, NULL},
    {"set_identifier", K_ENUM, 0, "", 0, 0, NULL},
    {"ttl", K_INT, F_MUT, NULL, 60, 3600, NULL},
    {"type", K_ENUM, F_NEW, "A|CNAME|TXT", 0, 0, NULL},
    {"weighted_routing_policy", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"zone_id", K_ENUM, F_NEW, "Z0123456789ABCDEFGHIJ", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr aws_cloudwatch_log_group[] = {
    {"arn", K_ARN, F_COMP, "arn:aws:logs:#:log-group:/aws/*", 0, 0, NULL},
    {"id", K_NAME, F_COMP, "/aws/*", 0, 0, NULL},
    {"kms_key_id", K_ENUM, 0, "", 0, 0, NULL},
    {"log_group_class", K_ENUM, F_COMP, "STANDARD", 0, 0, NULL},
    {"name", K_NAME, F_NEW, "/aws/*", 0, 0, NULL},
    {"name_prefix", K_ENUM, F_COMP, "", 0, 0, NULL},
    {"retention_in_days", K_INT, F_MUT, NULL, 7, 400, NULL},
    {"skip_destroy", K_BOOL, 0, NULL, 0, 0, NULL},
    {"tags", K_TAGS, F_MUT, NULL, 0, 0, NULL},
    {"tags_all", K_TAGSALL, F_COMP, NULL, 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr pd_principals[] = {
    {"identifiers", K_STRLIST, 0,
     "lambda.amazonaws.com|ec2.amazonaws.com|ecs-tasks.amazonaws.com", 1, 1,
     NULL},
    {"type", K_ENUM, 0, "Service", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr pd_statement[] = {
    {"actions", K_STRLIST, 0,
     "s3:GetObject|s3:PutObject|s3:ListBucket|kms:Decrypt|logs:PutLogEvents|"
     "sqs:SendMessage",
     1, 4, NULL},
    {"condition", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"effect", K_ENUM, 0, "Allow|Deny", 0, 0, NULL},
    {"not_actions", K_STRLIST, 0, "", 0, 0, NULL},
    {"not_principals", K_BLOCK, 0, NULL, 0, 0, NULL},
    {"not_resources", K_STRLIST, 0, "", 0, 0, NULL},
    {"principals", K_BLOCK, 0, NULL, 0, 1, pd_principals},
    {"resources", K_STRLIST, 0,
     "arn:aws:s3:::acme-data/*|arn:aws:s3:::acme-data|*", 1, 2, NULL},
    {"sid", K_ENUM, 0, "|AllowRead|DenyInsecure", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr data_policy_document[] = {
    {"id", K_HASH, F_COMP, NULL, 10, 0, NULL},
    {"json", K_POLICY, F_COMP, "iam", 0, 0, NULL},
    {"minified_json", K_POLICY, F_COMP, "iam", 0, 0, NULL},
    {"override_policy_documents", K_NULL, 0, NULL, 0, 0, NULL},
    {"policy_id", K_NULL, 0, NULL, 0, 0, NULL},
    {"source_policy_documents", K_NULL, 0, NULL, 0, 0, NULL},
    {"statement", K_BLOCK, 0, NULL, 1, 3, pd_statement},
    {"version", K_ENUM, 0, "2012-10-17", 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

static struct attr data_ssm_parameter[] = {
    {"arn", K_ARN, F_COMP, "arn:aws:ssm:#:parameter/app/*", 0, 0, NULL},
    {"id", K_NAME, F_COMP, "/app/*", 0, 0, NULL},
    {"insecure_value", K_NULL, F_COMP, NULL, 0, 0, NULL},
    {"name", K_NAME, 0, "/app/*", 0, 0, NULL},
    {"type", K_ENUM, F_COMP, "SecureString", 0, 0, NULL},
    {"value", K_HASH, F_COMP | F_SENS, NULL, 32, 0, NULL},
    {"version", K_INT, F_COMP, NULL, 1, 40, NULL},
    {"with_decryption", K_BOOL, 0, NULL, 0, 0, NULL},
    {NULL, K_NULL, 0, NULL, 0, 0, NULL},
};

struct rtype {
	const char *type;
	struct attr *attrs;
	int weight; /* of the managed blocks; data sources are drawn apart */
	int tags;   /* index of "tags" in attrs, -1 if none */
	int nattrs;
};

static struct rtype managed[] = {
    {"aws_instance", aws_instance, 14, 0, 0},
    {"aws_s3_bucket", aws_s3_bucket, 9, 0, 0},
    {"aws_iam_role", aws_iam_role, 16, 0, 0},
    {"aws_security_group", aws_security_group, 15, 0, 0},
    {"aws_lambda_function", aws_lambda_function, 11, 0, 0},
    {"aws_db_instance", aws_db_instance, 5, 0, 0},
    {"aws_route53_record", aws_route53_record, 15, 0, 0},
    {"aws_cloudwatch_log_group", aws_cloudwatch_log_group, 15, 0, 0},
};

static struct rtype datas[] = {
    {"aws_iam_policy_document", data_policy_document, 1, 0, 0},
    {"aws_ssm_parameter", data_ssm_parameter, 1, 0, 0},
};

#define NMANAGED (sizeof(managed) / sizeof(managed[0]))
#define NDATAS (sizeof(datas) / sizeof(datas[0]))

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct attr *)a)->name,
		      ((const struct attr *)b)->name);
}

/* Attributes in name order, as Terraform writes them. */
static int sort_attrs(struct attr *t)
{
	int n = 0;

	while (t[n].name)
		n++;
	qsort(t, (size_t)n, sizeof(*t), by_name);
	for (int i = 0; i < n; i++)
		if (t[i].sub)
			sort_attrs(t[i].sub);
	return n;
}

static void init_type(struct rtype *t)
{
	int f = 0, m = 0;

	t->nattrs = sort_attrs(t->attrs);
	if (t->nattrs > 64)
		die("a type with more than 64 attributes");
	t->tags = -1;
	for (int i = 0; i < t->nattrs; i++) {
		if (!strcmp(t->attrs[i].name, "tags"))
			t->tags = i;
		f += !!(t->attrs[i].flags & F_NEW);
		m += !!(t->attrs[i].flags & F_MUT);
	}
	if (!f || !m)
		die("a managed type needs attributes to replace and update");
}

/* ---- the resources of the plan, in order ---- */

enum act {
	A_NOOP,
	A_UPDATE,
	A_CREATE,
	A_DELETE,
	A_DC, /* delete, then create */
	A_CD, /* create, then delete */
	A_READ,
	A_FORGET,
	A__COUNT
};

static const char *const act_json[] = {
    "[\"no-op\"]",
    "[\"update\"]",
    "[\"create\"]",
    "[\"delete\"]",
    "[\"delete\",\"create\"]",
    "[\"create\",\"delete\"]",
    "[\"read\"]",
    "[\"forget\"]",
};
static const char *const act_name[] = {
    "no-op",	     "update",	      "create", "delete",
    "delete,create", "create,delete", "read",	"forget",
};

static const char *const block_names[] = {
    "main",   "this",	 "web",	    "api",   "worker", "assets", "logs",
    "events", "primary", "replica", "cache", "jobs",   "edge",	 "admin",
};
static const char *const each_keys[] = {
    "a",       "b",	     "c",	   "blue",	 "green",  "primary",
    "replica", "eu-west-1a", "eu-west-1b", "eu-west-1c", "ingest",
};

#define NBLOCK_NAMES (sizeof(block_names) / sizeof(block_names[0]))
#define NEACH_KEYS (sizeof(each_keys) / sizeof(each_keys[0]))

/* One resource instance and its change. */
struct inst {
	uint64_t i;    /* place in resource_changes */
	uint64_t seed; /* every value of it derives from this */
	long module;   /* -1: the root module */
	int block;     /* place of its block in the module */
	int k;	       /* place in its block */
	int count;     /* instances of its block */
	int data;
	const struct rtype *t;
	const char *bname;
	int idx; /* 0 none, 1 count, 2 for_each */
	enum act a;
	uint64_t changed; /* attributes whose after value differs */
	uint64_t unknown; /* attributes unknown after an update */
	int moved, importing, deposed;
	const char *reason;
	char name[96];	   /* the value names derive from */
	char index[40];	   /* "[0]", "[\"a\"]" or "" (as in the address) */
	char address[256]; /* unescaped */
	char module_address[48];
};

struct layout {
	uint64_t seed, n, i;
	long module;
	int nblocks, block, k;
	/* the current block */
	int count, data, idx, name_at;
	const struct rtype *t;
};

#define ROOT_BLOCKS 12

static void layout_module(struct layout *L)
{
	struct rng r = {key(L->seed, (uint64_t)(L->module + 2) << 20)};

	L->nblocks = L->module < 0 ? ROOT_BLOCKS : 6 + (int)below(&r, 15);
	L->block = 0;
}

static void layout_block(struct layout *L)
{
	struct rng r = {key(key(L->seed, (uint64_t)(L->module + 2) << 20),
			    (uint64_t)L->block + 1)};
	uint32_t w = 0, x;
	size_t j;

	L->k = 0;
	L->data = below(&r, 1000) < 45;
	if (L->data) {
		L->t = &datas[below(&r, NDATAS)];
		L->count = 1;
		L->idx = 0;
	} else {
		for (j = 0; j < NMANAGED; j++)
			w += (uint32_t)managed[j].weight;
		x = below(&r, w);
		for (j = 0; x >= (uint32_t)managed[j].weight; j++)
			x -= (uint32_t)managed[j].weight;
		L->t = &managed[j];
		x = below(&r, 100);
		if (x < 60) {
			L->idx = 0;
			L->count = 1;
		} else if (x < 82) {
			L->idx = 1;
			L->count = 2 + (int)below(&r, 4);
		} else {
			L->idx = 2;
			L->count = 2 + (int)below(&r, 4);
		}
	}
	L->name_at = (int)below(&r, NBLOCK_NAMES);
}

static void layout_start(struct layout *L, uint64_t seed, uint64_t n)
{
	memset(L, 0, sizeof(*L));
	L->seed = seed;
	L->n = n;
	L->module = -1;
	layout_module(L);
	layout_block(L);
}

/* The action of a managed instance: the mix of a busy plan, less reads. */
static enum act draw_action(struct rng *r)
{
	static const struct {
		enum act a;
		int w;
	} mixw[] = {
	    {A_NOOP, 55 * 50},	{A_UPDATE, 20 * 50}, {A_CREATE, 12 * 50},
	    {A_DELETE, 5 * 50}, {A_DC, 4 * 50},	     {A_CD, 50},
	    {A_FORGET, 50},
	};
	uint32_t x = below(r, 98 * 50);

	for (size_t j = 0; j < sizeof(mixw) / sizeof(mixw[0]); j++) {
		if (x < (uint32_t)mixw[j].w)
			return mixw[j].a;
		x -= (uint32_t)mixw[j].w;
	}
	return A_NOOP;
}

static int pick_attr(struct rng *r, const struct rtype *t, unsigned flag)
{
	int n = 0, j;

	for (j = 0; j < t->nattrs; j++)
		n += !!(t->attrs[j].flags & flag);
	n = (int)below(r, (uint32_t)n);
	for (j = 0; j < t->nattrs; j++)
		if ((t->attrs[j].flags & flag) && n-- == 0)
			return j;
	return 0;
}

static void describe(const struct layout *L, struct inst *in)
{
	struct rng r;
	const char *bname = block_names[L->name_at];
	char mod[48] = "";
	int j;

	memset(in, 0, sizeof(*in));
	in->i = L->i;
	in->seed = key(L->seed, L->i + 1);
	in->module = L->module;
	in->block = L->block;
	in->k = L->k;
	in->count = L->count;
	in->data = L->data;
	in->t = L->t;
	in->idx = L->idx;
	/* Block names repeat in a module: keep them apart. */
	in->bname = bname;
	r.s = key(in->seed, 1);
	if (L->module >= 0) {
		snprintf(mod, sizeof(mod), "svc-%ld-", L->module);
		snprintf(in->module_address, sizeof(in->module_address),
			 "module.svc_%ld", L->module);
	}
	if (L->idx == 1)
		snprintf(in->index, sizeof(in->index), "[%d]", L->k);
	else if (L->idx == 2)
		snprintf(in->index, sizeof(in->index), "[\"%s\"]",
			 each_keys[((unsigned)L->name_at + (unsigned)L->k) %
				   NEACH_KEYS]);
	snprintf(in->name, sizeof(in->name), "%s%s-%s%d-%d", mod, bname,
		 L->data ? "d" : "", L->block, L->k);
	snprintf(in->address, sizeof(in->address), "%s%s%s%s.%s_%d%s",
		 in->module_address, L->module >= 0 ? "." : "",
		 L->data ? "data." : "", L->t->type, bname, L->block,
		 in->index);

	in->a = L->data ? A_READ : draw_action(&r);
	switch (in->a) {
	case A_NOOP:
		j = (int)below(&r, 100);
		in->moved = j < 4;
		in->importing = j >= 4 && j < 6;
		break;
	case A_UPDATE:
		in->importing = below(&r, 100) < 3;
		/* Tags are what changes most; then one or two settings. */
		if (in->t->tags >= 0 && below(&r, 2))
			in->changed |= 1ull << in->t->tags;
		for (j = (int)below(&r, 3); j >= 0; j--)
			in->changed |= 1ull << pick_attr(&r, in->t, F_MUT);
		for (j = 0; j < in->t->nattrs; j++)
			if (in->t->attrs[j].flags & F_VOLATILE)
				in->unknown |= 1ull << j;
		break;
	case A_DC:
	case A_CD:
		in->changed = 1ull << pick_attr(&r, in->t, F_NEW);
		j = (int)below(&r, 100);
		in->reason = j < 70   ? "replace_because_cannot_update"
			     : j < 85 ? "replace_by_request"
			     : j < 95 ? "replace_because_tainted"
				      : "replace_by_triggers";
		break;
	case A_DELETE:
		j = (int)below(&r, 100);
		in->deposed = j < 3;
		in->reason = in->deposed ? NULL
			     : j < 60	 ? "delete_because_no_resource_config"
			     : j < 75
				 ? (L->idx == 2 ? "delete_because_each_key"
						: "delete_because_count_index")
			     : j < 85 ? "delete_because_no_module"
				      : NULL;
		break;
	case A_READ:
		in->reason = below(&r, 100) < 60
				 ? "read_because_config_unknown"
				 : "read_because_dependency_pending";
		break;
	default:
		break;
	}
}

/* The next instance; 0 at the end. */
static int layout_next(struct layout *L, struct inst *in)
{
	if (L->i >= L->n)
		return 0;
	describe(L, in);
	L->i++;
	if (++L->k >= L->count) {
		if (++L->block >= L->nblocks) {
			L->module++;
			layout_module(L);
		}
		layout_block(L);
	}
	return 1;
}

/* ---- values ---- */

enum mode {
	M_VALUE,  /* the values themselves */
	M_SENS,	  /* the sensitive mask */
	M_UNKNOWN /* the after_unknown mask */
};

/* How one object of an instance is written. */
struct obj {
	const struct inst *in;
	enum mode mode;
	int fresh;	  /* a new object: computed values are unknown */
	unsigned gen;	  /* generation of the changed attributes */
	uint64_t changed; /* those attributes */
	uint64_t unknown; /* top-level attributes unknown */
};

static void hex(struct sb *s, uint64_t k, int n)
{
	struct rng r = {k};

	while (n > 0) {
		sbf(s, "%016llx", (unsigned long long)next(&r));
		n -= 16;
	}
	s->n -= (size_t)-n; /* the digits past the n wanted */
	s->b[s->n] = 0;
}

/* The choice'th of p's "|"-separated values. */
static void choice(struct sb *s, const char *p, uint32_t at)
{
	const char *e;

	while (at-- && (e = strchr(p, '|')))
		p = e + 1;
	e = strchr(p, '|');
	sbf(s, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
}

static uint32_t choices(const char *p)
{
	uint32_t n = 1;

	for (; *p; p++)
		n += *p == '|';
	return n;
}

/* The instance's private address, the same wherever it shows. */
static void ip(struct sb *s, const struct inst *in, char sep)
{
	struct rng r = {key(in->seed, 7)};

	sbf(s, "10%c%u%c%u%c%u", sep, 16 + below(&r, 16), sep, below(&r, 256),
	    sep, 4 + below(&r, 250));
}

/* p with '*' the name, '#' region:account, '@' the id's hex, '~' the IP. */
static void fill(struct sb *s, const char *p, const struct inst *in,
		 unsigned gen)
{
	for (; *p; p++) {
		if (*p == '*')
			sbf(s, "%s%s", in->name, gen ? "-v2" : "");
		else if (*p == '#')
			sbf(s, "eu-west-1:123456789012");
		else if (*p == '@')
			hex(s, key(in->seed, 5), 17);
		else if (*p == '~')
			ip(s, in, '-');
		else
			sbf(s, "%c", *p);
	}
}

static const char *const tag_keys[] = {
    "Backup",	   "Compliance",  "CostCenter", "CreatedBy", "DataClass",
    "Description", "Environment", "ManagedBy",	"Name",	     "Owner",
    "Project",	   "Repository",  "Service",	"Team",
};
#define NTAG_KEYS (sizeof(tag_keys) / sizeof(tag_keys[0]))
#define TAG_NAME (1u << 8)
#define TAG_DEFAULTS (1u << 6 | 1u << 7) /* the provider's default_tags */

static void tag_value(struct sb *s, const struct inst *in, size_t j,
		      unsigned gen, struct rng *r)
{
	static const char *const teams[] = {"payments", "platform", "search",
					    "identity", "data-eng"};
	static const char *const descr[] = {
	    "Zürich & Genève edge <prod>",
	    "Ventes – Europe de l'Ouest",
	    "owned by \"platform\"; see runbook #42",
	    "Ingest → transform → publish",
	    "日本語のテスト",
	};
	const char *svc = in->module >= 0 ? in->module_address + 7 : "core";
	uint32_t x = below(r, 5);

	switch (j) {
	case 0:
		sbf(s, "%s", x < 2 ? "daily-35d" : x < 4 ? "weekly" : "none");
		break;
	case 1:
		sbf(s, "%s", x < 2 ? "pci-dss" : x < 4 ? "soc2" : "none");
		break;
	case 2:
		sbf(s, "CC-%04u", 1000 + below(r, 9000) + gen);
		break;
	case 3:
		sbf(s, "arn:aws:iam::123456789012:role/github-actions-deploy");
		break;
	case 4:
		sbf(s, "%s",
		    x < 2   ? "internal"
		    : x < 4 ? "confidential"
			    : "pii");
		break;
	case 5:
		sbf(s, "%s%s", descr[x], gen ? " (updated)" : "");
		break;
	case 6:
		sbf(s, "production");
		break;
	case 7:
		sbf(s, "terraform");
		break;
	case 8:
		sbf(s, "%s", in->name);
		break;
	case 9:
		sbf(s, "team-%s@acme.example", teams[x]);
		break;
	case 10:
		sbf(s, "acme-%s", svc);
		break;
	case 11:
		sbf(s, "github.com/acme/infrastructure//modules/service");
		break;
	case 12:
		sbf(s, "%s", svc);
		break;
	default:
		sbf(s, "%s%s", teams[(x + gen) % 5], gen > 1 ? "-oncall" : "");
	}
}

/* tags (all: with the provider's default tags, Environment and ManagedBy) */
static void tags(const struct obj *o, uint64_t k, unsigned gen, int all)
{
	struct rng r = {k};
	/* Name and three or four others */
	uint32_t mask = (uint32_t)(next(&r) & next(&r)) | TAG_NAME;
	int n = 0;

	if (o->mode != M_VALUE) {
		out("{}");
		return;
	}
	if (gen)
		mask ^= 1u << (gen % NTAG_KEYS); /* a tag added or removed */
	if (all)
		mask |= TAG_DEFAULTS;
	out("{");
	for (size_t j = 0; j < NTAG_KEYS; j++) {
		struct sb s = {{0}, 0};
		struct rng rv = {key(k, j)};

		if (!(mask & (1u << j)))
			continue;
		if (n++)
			out(",");
		tag_value(&s, o->in, j, gen, &rv);
		jkey(tag_keys[j]);
		jstr(s.b);
	}
	out("}");
}

/* A Lambda environment; the secrets among it are sensitive. */
static void env(const struct obj *o, uint64_t k, unsigned gen)
{
	struct rng r = {k};
	struct sb s = {{0}, 0};

	if (o->mode == M_SENS) {
		out("{\"DB_PASSWORD\":true,\"SENTRY_DSN\":true}");
		return;
	}
	if (o->mode == M_UNKNOWN) {
		out("{}");
		return;
	}
	out("{\"API_URL\":");
	sbf(&s, "https://api.acme.example/v%u/%s?region=eu-west-1&retries=%u",
	    1 + gen, o->in->name, below(&r, 5));
	jstr(s.b);
	out(",\"DB_HOST\":");
	s.n = 0;
	sbf(&s, "%s.c9akciq32.eu-west-1.rds.amazonaws.com", o->in->name);
	jstr(s.b);
	out(",\"DB_PASSWORD\":");
	s.n = 0;
	hex(&s, key(k, 3), 20);
	jstr(s.b);
	out(",\"FEATURE_FLAGS\":");
	s.n = 0;
	sbf(&s,
	    "{\"checkout_v2\":%s,\"max_batch\":%u,\"regions\":[\"eu-west-1\","
	    "\"eu-central-1\"]}",
	    below(&r, 2) ? "true" : "false", 10 + below(&r, 990));
	jstr(s.b);
	out(",\"LOG_LEVEL\":");
	jstr(below(&r, 3) ? "info" : "debug");
	out(",\"SENTRY_DSN\":");
	s.n = 0;
	sbf(&s, "https://");
	hex(&s, key(k, 4), 32);
	sbf(&s, "@o12345.ingest.sentry.io/%u", 100000 + below(&r, 900000));
	jstr(s.b);
	out("}");
}

/* An IAM policy document, as the provider normalises it. */
static void policy(struct sb *s, const char *kind, const struct inst *in,
		   uint64_t k, unsigned gen)
{
	static const char *const actions[] = {
	    "s3:GetObject",	   "s3:PutObject",
	    "s3:ListBucket",	   "kms:Decrypt",
	    "kms:GenerateDataKey", "logs:CreateLogStream",
	    "logs:PutLogEvents",   "sqs:SendMessage",
	    "sqs:ReceiveMessage",  "dynamodb:GetItem",
	    "dynamodb:Query",	   "secretsmanager:GetSecretValue",
	};
	struct rng r = {k};
	uint32_t n, j, a;

	if (!strcmp(kind, "assume")) {
		sbf(s,
		    "{\"Statement\":[{\"Action\":\"sts:AssumeRole\","
		    "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"%s\"}"
		    "%s}],\"Version\":\"2012-10-17\"}",
		    below(&r, 2) ? "lambda.amazonaws.com" : "ec2.amazonaws.com",
		    gen ? ",\"Condition\":{\"StringEquals\":{\"aws:"
			  "SourceAccount\":\"123456789012\"}}"
			: "");
		return;
	}
	if (!strcmp(kind, "s3")) {
		sbf(s,
		    "{\"Statement\":[{\"Action\":\"s3:*\",\"Condition\":{"
		    "\"Bool\":{\"aws:SecureTransport\":\"false\"}},\"Effect\":"
		    "\"Deny\",\"Principal\":\"*\",\"Resource\":["
		    "\"arn:aws:s3:::acme-%s\",\"arn:aws:s3:::acme-%s/*\"],"
		    "\"Sid\":\"DenyInsecureTransport\"},{\"Action\":["
		    "\"s3:GetObject\",\"s3:ListBucket\"],\"Condition\":{"
		    "\"StringLike\":{\"aws:Referer\":\"https://acme.example/"
		    "*?src=cdn&v=%u\"}},\"Effect\":\"Allow\",\"Principal\":"
		    "{\"AWS\":\"arn:aws:iam::123456789012:role/%s-reader\"},"
		    "\"Resource\":\"arn:aws:s3:::acme-%s/*\",\"Sid\":"
		    "\"AllowReaders\"}],\"Version\":\"2012-10-17\"}",
		    in->name, in->name, gen + 1, in->name, in->name);
		return;
	}
	sbf(s, "{\"Statement\":[");
	n = 1 + below(&r, 3) + gen;
	for (j = 0; j < n; j++) {
		uint32_t na = 1 + below(&r, 4);

		sbf(s, "%s{\"Action\":[", j ? "," : "");
		a = below(&r, 12);
		for (uint32_t q = 0; q < na; q++)
			sbf(s, "%s\"%s\"", q ? "," : "",
			    actions[(a + q * 5) % 12]);
		sbf(s,
		    "],\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:"
		    "s3:::acme-%s/*\",\"arn:aws:kms:eu-west-1:123456789012:"
		    "key/",
		    in->name);
		hex(s, key(k, j + 9), 32);
		sbf(s, "\"],\"Sid\":\"S%u\"}", j);
	}
	sbf(s, "],\"Version\":\"2012-10-17\"}");
}

static void write_object(const struct obj *o, const struct attr *t, uint64_t k,
			 int top);

/* What an attribute holds: 0 a primitive, '[' a list, '{' a map. */
static int shape(const struct attr *a)
{
	switch (a->kind) {
	case K_IDLIST:
	case K_CIDRS:
	case K_STRLIST:
	case K_BLOCK:
		return '[';
	case K_TAGS:
	case K_TAGSALL:
	case K_ENV:
		return '{';
	default:
		return 0;
	}
}

/*
 * The mask of one attribute: NULL when it is false (masks leave the false
 * entries of an object out), a literal, or "" for the shape value() writes
 * in mask mode (lists element by element, maps without their false
 * entries). An unknown collection is empty in the sensitive mask.
 */
static const char *mask(const struct obj *o, const struct attr *a, int unknown)
{
	if (o->mode == M_UNKNOWN) {
		if (unknown)
			return "true";
		return a->kind != K_NULL && shape(a) ? "" : NULL;
	}
	if (a->kind == K_NULL)
		return NULL;
	if (a->flags & F_SENS)
		return "true";
	if (unknown)
		return shape(a) == '[' ? "[]" : shape(a) == '{' ? "{}" : NULL;
	return shape(a) ? "" : NULL;
}

/* One value (or its mask), k its key, gen its generation. */
static void value(const struct obj *o, const struct attr *a, uint64_t k,
		  unsigned gen)
{
	const struct inst *in = o->in;
	struct rng r = {key(k, gen)};
	struct sb s = {{0}, 0};
	uint32_t n, j, at;

	switch (a->kind) {
	case K_NULL:
		out("null");
		return;
	case K_BOOL:
		out(below(&r, 2) ? "true" : "false");
		return;
	case K_INT:
		outf("%d",
		     a->lo + (int)below(&r, (uint32_t)(a->hi - a->lo + 1)));
		return;
	case K_ENUM:
	case K_TEXT:
		choice(&s, a->p, below(&r, choices(a->p)));
		if (a->kind == K_TEXT && strchr(s.b, '*')) {
			struct sb t = {{0}, 0};

			fill(&t, s.b, in, 0);
			jstr(t.b);
			return;
		}
		jstr(s.b);
		return;
	case K_NAME:
	case K_ARN:
		fill(&s, a->p, in, gen);
		jstr(s.b);
		return;
	case K_ID:
		sbf(&s, "%s", a->p);
		hex(&s, !strcmp(a->name, "id") ? key(in->seed, 5) : key(k, gen),
		    17);
		jstr(s.b);
		return;
	case K_HASH:
		if (a->lo) {
			hex(&s, key(k, gen), a->lo);
		} else {
			static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						  "abcdefghijklmnopqrstuvwxyz"
						  "0123456789+/";
			for (j = 0; j < 43; j++)
				sbf(&s, "%c", b64[below(&r, 64)]);
			sbf(&s, "=");
		}
		jstr(s.b);
		return;
	case K_TIME:
		sbf(&s, "2024-%02u-%02uT%02u:%02u:%02u.%03uZ",
		    1 + below(&r, 12), 1 + below(&r, 28), below(&r, 24),
		    below(&r, 60), below(&r, 60), below(&r, 1000));
		jstr(s.b);
		return;
	case K_IP:
		ip(&s, in, '.');
		jstr(s.b);
		return;
	case K_IDLIST:
	case K_CIDRS:
	case K_STRLIST:
		n = (uint32_t)a->lo + below(&r, (uint32_t)(a->hi - a->lo + 1));
		at = below(&r, 64);
		if (a->kind == K_STRLIST && !*a->p)
			n = 0;
		if (a->kind == K_STRLIST && n > choices(a->p))
			n = choices(a->p); /* a set: no value twice */
		out("[");
		for (j = 0; j < n; j++) {
			if (j)
				out(",");
			if (o->mode != M_VALUE) {
				out("false");
				continue;
			}
			s.n = 0;
			if (a->kind == K_IDLIST) {
				sbf(&s, "%s", a->p);
				hex(&s, key(k, j + 100 * gen), 17);
			} else if (a->kind == K_CIDRS) {
				sbf(&s, "10.%u.%u.0%s", below(&r, 256),
				    below(&r, 256), a->p ? "" : "/24");
			} else {
				choice(&s, a->p, (at + j) % choices(a->p));
			}
			jstr(s.b);
		}
		out("]");
		return;
	case K_TAGS:
	case K_TAGSALL:
		tags(o, k, gen, a->kind == K_TAGSALL);
		return;
	case K_ENV:
		env(o, k, gen);
		return;
	case K_POLICY:
		policy(&s, a->p, in, k, gen);
		jstr(s.b);
		return;
	case K_BLOCK:
		n = a->sub ? (uint32_t)a->lo +
				 below(&r, (uint32_t)(a->hi - a->lo + 1))
			   : 0;
		out("[");
		for (j = 0; j < n; j++) {
			if (j)
				out(",");
			write_object(o, a->sub, key(key(k, gen), j), 0);
		}
		out("]");
		return;
	}
}

/*
 * An object of attributes t (top: the resource itself, whose changed and
 * unknown sets apply), or its mask.
 */
static void write_object(const struct obj *o, const struct attr *t, uint64_t k,
			 int top)
{
	const char *m;
	int n = 0;

	out("{");
	for (int j = 0; t[j].name; j++) {
		const struct attr *a = &t[j];
		int unknown = (o->fresh && (a->flags & F_COMP)) ||
			      (top && (o->unknown >> j & 1));
		unsigned gen = top && (o->changed >> j & 1) ? o->gen : 0;
		uint64_t ak = key(k, (uint64_t)j);

		/* tags_all follows tags */
		if (a->kind == K_TAGSALL) {
			int tj = 0;

			while (t[tj].name && strcmp(t[tj].name, "tags") != 0)
				tj++;
			if (t[tj].name) {
				ak = key(k, (uint64_t)tj);
				gen =
				    top && (o->changed >> tj & 1) ? o->gen : 0;
			}
		}
		if (o->mode == M_VALUE) {
			if (unknown)
				continue; /* left out, as Terraform does */
			if (n++)
				out(",");
			jkey(a->name);
			value(o, a, ak, gen);
			continue;
		}
		m = mask(o, a, unknown);
		if (!m)
			continue;
		if (n++)
			out(",");
		jkey(a->name);
		if (*m)
			out(m);
		else
			value(o, a, ak, gen);
	}
	out("}");
}

/* The key all of an instance's values derive from. */
static uint64_t values_key(const struct inst *in)
{
	return key(in->seed, 3);
}

/* The before (after: 0) or after (1) object of an instance, or a mask. */
static void object(const struct inst *in, int after, enum mode mode)
{
	struct obj o = {in, mode, 0, 1, 0, 0};

	if (after) {
		o.changed = in->changed;
		o.unknown = in->unknown;
		o.fresh = in->a == A_CREATE || in->a == A_DC || in->a == A_CD ||
			  in->a == A_READ;
	}
	write_object(&o, in->t->attrs, values_key(in), 1);
}

/* after_unknown: {} when everything is known, else the skeleton. */
static void after_unknown(const struct inst *in)
{
	int fresh = in->a == A_CREATE || in->a == A_DC || in->a == A_CD ||
		    in->a == A_READ;

	if (fresh || (in->a == A_UPDATE && in->unknown))
		object(in, 1, M_UNKNOWN);
	else
		out("{}");
}

static int has_before(enum act a)
{
	return a != A_CREATE && a != A_READ;
}

static int has_after(enum act a)
{
	return a != A_DELETE && a != A_FORGET;
}

/* The address, module and type fields common to every listing. */
static void head(const struct inst *in, int full)
{
	out("{\"address\":");
	jstr(in->address);
	if (full && in->moved) {
		char prev[300];

		/* A resource renamed or moved into its module. */
		if (in->module >= 0 && in->i % 2)
			snprintf(prev, sizeof(prev), "%s.%s_%d%s", in->t->type,
				 in->bname, in->block, in->index);
		else
			snprintf(prev, sizeof(prev), "%s%s%s.legacy_%s%s",
				 in->module_address, in->module >= 0 ? "." : "",
				 in->t->type, in->bname, in->index);
		out(",\"previous_address\":");
		jstr(prev);
	}
	if (full && in->module >= 0) {
		out(",\"module_address\":");
		jstr(in->module_address);
	}
	outf(",\"mode\":\"%s\",\"type\":\"%s\",\"name\":\"%s_%d\"",
	     in->data ? "data" : "managed", in->t->type, in->bname, in->block);
	if (in->idx == 1) {
		outf(",\"index\":%d", in->k);
	} else if (in->idx == 2) {
		char k[40];

		/* the index without its brackets and quotes */
		snprintf(k, sizeof(k), "%.*s", (int)strlen(in->index) - 4,
			 in->index + 2);
		out(",\"index\":");
		jstr(k);
	}
	out(",\"provider_name\":\"registry.terraform.io/hashicorp/aws\"");
}

/* The id an import names: the resource's own id. */
static void import_id(struct sb *s, const struct inst *in)
{
	const struct attr *a = in->t->attrs;

	while (a->name && strcmp(a->name, "id") != 0)
		a++;
	if (a->name && a->kind == K_ID) {
		sbf(s, "%s", a->p);
		hex(s, key(in->seed, 5), 17);
	} else if (a->name && a->p) {
		fill(s, a->p, in, 0);
	} else {
		sbf(s, "%s", in->name);
	}
}

/* One element of resource_changes. */
static void change(const struct inst *in)
{
	head(in, 1);
	if (in->deposed) {
		struct sb s = {{0}, 0};

		hex(&s, key(in->seed, 11), 8);
		out(",\"deposed\":");
		jstr(s.b);
	}
	outf(",\"change\":{\"actions\":%s,\"before\":", act_json[in->a]);
	if (has_before(in->a))
		object(in, 0, M_VALUE);
	else
		out("null");
	out(",\"after\":");
	if (has_after(in->a))
		object(in, 1, M_VALUE);
	else
		out("null");
	out(",\"after_unknown\":");
	after_unknown(in);
	out(",\"before_sensitive\":");
	if (has_before(in->a))
		object(in, 0, M_SENS);
	else
		out("false");
	out(",\"after_sensitive\":");
	if (has_after(in->a))
		object(in, 1, M_SENS);
	else
		out("false");
	if ((in->a == A_DC || in->a == A_CD) && in->reason &&
	    !strcmp(in->reason, "replace_because_cannot_update")) {
		const struct attr *a = in->t->attrs;
		int j = 0;

		while (!(in->changed >> j & 1))
			j++;
		outf(",\"replace_paths\":[[\"%s\"", a[j].name);
		if (a[j].kind == K_BLOCK) {
			const struct attr *s = a[j].sub;

			while (s[1].name && !(s->flags & F_NEW))
				s++;
			outf(",0,\"%s\"", s->name);
		}
		out("]]");
	}
	if (in->importing) {
		struct sb s = {{0}, 0};

		import_id(&s, in);
		out(",\"importing\":{\"id\":");
		jstr(s.b);
		out("}");
	}
	out("}");
	if (in->reason) {
		out(",\"action_reason\":");
		jstr(in->reason);
	}
	out("}");
}

/* Drift: tags edited in the console, now and then a resource deleted. */
static int drifted(const struct inst *in)
{
	return in->t->tags >= 0 && (in->a == A_NOOP || in->a == A_UPDATE) &&
	       key(in->seed, 13) % 200 == 0;
}

static void drift(const struct inst *in)
{
	struct obj o = {in, M_VALUE, 0, 2, 1ull << in->t->tags, 0};
	int gone = key(in->seed, 14) % 8 == 0;

	head(in, 1);
	outf(",\"change\":{\"actions\":[\"%s\"],\"before\":",
	     gone ? "delete" : "update");
	write_object(&o, in->t->attrs, values_key(in), 1);
	out(",\"after\":");
	if (gone)
		out("null");
	else
		object(in, 0, M_VALUE);
	out(",\"after_unknown\":{},\"before_sensitive\":");
	o.mode = M_SENS;
	write_object(&o, in->t->attrs, values_key(in), 1);
	out(",\"after_sensitive\":");
	if (gone)
		out("false");
	else
		object(in, 0, M_SENS);
	out("}}");
}

/* ---- the plan ---- */

struct tally {
	uint64_t act[A__COUNT];
	uint64_t moved, imported, noop_moved_imported, drift;
	uint64_t changes_bytes; /* of resource_changes, brackets and all */
};

/*
 * A module's resources for planned_values (after: 1) or prior_state (0):
 * the "resources" member of its entry; the caller opens and closes it.
 */
static void state_resource(const struct inst *in, int after, int *n)
{
	if (after ? !has_after(in->a) : !has_before(in->a))
		return;
	if (after && in->a == A_READ)
		return; /* read during apply: not in the planned values */
	if ((*n)++)
		out(",");
	head(in, 0);
	outf(",\"schema_version\":%d,\"values\":", in->t->tags >= 0 ? 1 : 0);
	object(in, after, M_VALUE);
	out(",\"sensitive_values\":");
	object(in, after, M_SENS);
	out("}");
}

/*
 * Writes each module's entries; a module entry is
 * {"resources":[...],"address":"module.svc_N"}. Done in one pass: the
 * address is written when the next module starts.
 */
static void state_tree(uint64_t seed, uint64_t n, int after)
{
	struct layout L;
	struct inst in;
	long mod = -1;
	int k = 0;

	out("{\"resources\":[");
	layout_start(&L, seed, n);
	while (layout_next(&L, &in)) {
		if (in.module != mod) {
			if (mod < 0)
				out("],\"child_modules\":[");
			else
				outf("],\"address\":\"module.svc_%ld\"},", mod);
			out("{\"resources\":[");
			mod = in.module;
			k = 0;
		}
		state_resource(&in, after, &k);
	}
	if (mod < 0)
		out("]}");
	else
		outf("],\"address\":\"module.svc_%ld\"}]}", mod);
}

static void config_block(const struct inst *in, int *n)
{
	const struct attr *t = in->t->attrs;
	int e = 0;

	if ((*n)++)
		out(",");
	outf("{\"address\":\"%s%s.%s_%d\",\"mode\":\"%s\",\"type\":\"%s\","
	     "\"name\":\"%s_%d\",\"provider_config_key\":\"aws\","
	     "\"expressions\":{",
	     in->data ? "data." : "", in->t->type, in->bname, in->block,
	     in->data ? "data" : "managed", in->t->type, in->bname, in->block);
	for (int j = 0; t[j].name; j++) {
		const struct attr *a = &t[j];
		struct obj o = {in, M_VALUE, 0, 0, 0, 0};

		if (a->flags & F_COMP)
			continue;
		/* not written in the configuration */
		if (a->kind == K_NULL || a->kind == K_ENV ||
		    (a->kind == K_BLOCK && !a->hi))
			continue;
		if (e++)
			out(",");
		jkey(a->name);
		switch (a->kind) {
		case K_BOOL:
		case K_INT:
		case K_ENUM:
		case K_TEXT:
			out("{\"constant_value\":");
			value(&o, a, key(values_key(in), (uint64_t)j), 0);
			out("}");
			break;
		case K_TAGS:
			out("{\"references\":[\"local.tags\"]}");
			break;
		case K_NAME:
			out("{\"references\":[\"var.name\"");
			if (in->idx == 2)
				out(",\"each.key\"");
			else if (in->idx == 1)
				out(",\"count.index\"");
			out("]}");
			break;
		case K_BLOCK:
			out("[{}]");
			break;
		case K_POLICY:
			outf("{\"references\":[\"data.aws_iam_policy_document."
			     "%s.json\",\"data.aws_iam_policy_document.%s\"]}",
			     in->bname, in->bname);
			break;
		default:
			outf("{\"references\":[\"var.%s\"]}", a->name);
		}
	}
	out("}");
	outf(",\"schema_version\":%d", in->t->tags >= 0 ? 1 : 0);
	if (in->idx == 1)
		outf(",\"count_expression\":{\"constant_value\":%d}",
		     in->count);
	else if (in->idx == 2)
		out(",\"for_each_expression\":{\"references\":[\"var.zones\"]"
		    "}");
	out("}");
}

static void configuration(uint64_t seed, uint64_t n)
{
	struct layout L;
	struct inst in;
	long mod = -1;
	int k = 0;

	out("{\"provider_config\":{\"aws\":{\"name\":\"aws\",\"full_name\":"
	    "\"registry.terraform.io/hashicorp/aws\",\"version_constraint\":"
	    "\"~> 5.60\",\"expressions\":{\"default_tags\":[{\"tags\":{"
	    "\"constant_value\":{\"Environment\":\"production\",\"ManagedBy\":"
	    "\"terraform\"}}}],\"region\":{\"references\":[\"var.region\"]}}},"
	    "\"aws.us_east_1\":{\"name\":\"aws\",\"full_name\":"
	    "\"registry.terraform.io/hashicorp/aws\",\"alias\":\"us_east_1\","
	    "\"expressions\":{\"region\":{\"constant_value\":\"us-east-1\"}}}},"
	    "\"root_module\":{\"outputs\":{\"db_password\":{\"sensitive\":true,"
	    "\"expression\":{\"references\":[\"random_password.db.result\","
	    "\"random_password.db\"]},\"description\":\"Initial password\"},"
	    "\"vpc_id\":{\"expression\":{\"references\":[\"var.vpc_id\"]}}},"
	    "\"resources\":[");
	layout_start(&L, seed, n);
	while (layout_next(&L, &in)) {
		if (in.module != mod) {
			out(mod < 0 ? "],\"module_calls\":{" : "]}},");
			outf("\"svc_%ld\":{\"source\":\"./modules/service\","
			     "\"expressions\":{\"name\":{\"constant_value\":"
			     "\"svc-%ld\"},\"vpc_id\":{\"references\":["
			     "\"var.vpc_id\"]}},\"module\":{\"resources\":[",
			     in.module, in.module);
			mod = in.module;
			k = 0;
		}
		if (in.k == 0)
			config_block(&in, &k);
	}
	out(mod < 0 ? "]" : "]}}}");
	out(",\"variables\":{\"environment\":{\"default\":\"production\"},"
	    "\"region\":{\"default\":\"eu-west-1\",\"description\":\"Where "
	    "everything runs\"},\"vpc_id\":{},\"zones\":{\"default\":["
	    "\"eu-west-1a\",\"eu-west-1b\",\"eu-west-1c\"]},\"db_password\":{"
	    "\"sensitive\":true}}}}");
}

static void plan(uint64_t n, uint64_t seed, struct tally *t)
{
	struct layout L;
	struct inst in;
	int k = 0;

	out("{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.8\","
	    "\"variables\":{\"db_password\":{\"value\":\"hunter2-rotated\"},"
	    "\"environment\":{\"value\":\"production\"},\"region\":{\"value\":"
	    "\"eu-west-1\"},\"vpc_id\":{\"value\":\"vpc-0a1b2c3d4e5f67890\"},"
	    "\"zones\":{\"value\":[\"eu-west-1a\",\"eu-west-1b\","
	    "\"eu-west-1c\"]}},\"planned_values\":{\"outputs\":{\"db_"
	    "password\":"
	    "{\"sensitive\":true,\"type\":\"string\",\"value\":\"hunter2-"
	    "rotated\"},\"vpc_id\":{\"sensitive\":false,\"type\":\"string\","
	    "\"value\":\"vpc-0a1b2c3d4e5f67890\"}},\"root_module\":");
	state_tree(seed, n, 1);

	out("},\"resource_drift\":[");
	layout_start(&L, seed, n);
	while (layout_next(&L, &in))
		if (drifted(&in)) {
			if (k++)
				out(",");
			drift(&in);
		}
	t->drift = (uint64_t)k;

	out("],\"resource_changes\":");
	t->changes_bytes = W.bytes;
	out("[");
	layout_start(&L, seed, n);
	while (layout_next(&L, &in)) {
		if (in.i)
			out(",");
		change(&in);
		t->act[in.a]++;
		t->moved += (uint64_t)in.moved;
		t->imported += (uint64_t)in.importing;
		t->noop_moved_imported +=
		    (uint64_t)(in.a == A_NOOP && (in.moved || in.importing));
	}
	out("]");
	t->changes_bytes = W.bytes - t->changes_bytes;

	out(",\"output_changes\":{\"db_password\":{\"actions\":[\"update\"],"
	    "\"before\":\"hunter2\",\"after\":\"hunter2-rotated\","
	    "\"after_unknown\":false,\"before_sensitive\":true,"
	    "\"after_sensitive\":true},\"endpoints\":{\"actions\":[\"create\"],"
	    "\"before\":null,\"after\":{\"api\":\"https://api.acme.example\"},"
	    "\"after_unknown\":{\"admin\":true},\"before_sensitive\":false,"
	    "\"after_sensitive\":{}},\"vpc_id\":{\"actions\":[\"no-op\"],"
	    "\"before\":\"vpc-0a1b2c3d4e5f67890\",\"after\":"
	    "\"vpc-0a1b2c3d4e5f67890\",\"after_unknown\":false,"
	    "\"before_sensitive\":false,\"after_sensitive\":false}},"
	    "\"prior_state\":{\"format_version\":\"1.0\","
	    "\"terraform_version\":\"1.9.8\",\"values\":{\"outputs\":{"
	    "\"db_password\":{\"sensitive\":true,\"value\":\"hunter2\","
	    "\"type\":\"string\"},\"vpc_id\":{\"sensitive\":false,\"value\":"
	    "\"vpc-0a1b2c3d4e5f67890\",\"type\":\"string\"}},\"root_module\":");
	state_tree(seed, n, 0);

	out("}},\"configuration\":");
	configuration(seed, n);

	out(",\"relevant_attributes\":[");
	k = 0;
	layout_start(&L, seed, n);
	while (layout_next(&L, &in))
		if (drifted(&in)) {
			if (k++)
				out(",");
			out("{\"resource\":");
			jstr(in.address);
			out(",\"attribute\":[\"tags\"]}");
		}
	out("],\"timestamp\":\"2024-11-04T09:12:44Z\",\"applyable\":true,"
	    "\"complete\":true,\"errored\":false}\n");
}

int main(int argc, char **argv)
{
	unsigned long long n, seed = 1;
	struct tally t = {{0}, 0, 0, 0, 0, 0};
	char *end;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: tf-gen CHANGES [SEED [OUT]]\n");
		return 2;
	}
	errno = 0;
	n = strtoull(argv[1], &end, 10);
	if (errno || *end || n == 0 || n > MAX_CHANGES) {
		fprintf(stderr, "tf-gen: bad change count '%s'\n", argv[1]);
		return 2;
	}
	if (argc > 2) {
		seed = strtoull(argv[2], &end, 10);
		if (errno || *end) {
			fprintf(stderr, "tf-gen: bad seed '%s'\n", argv[2]);
			return 2;
		}
	}
	W.f = stdout;
	if (argc > 3 && strcmp(argv[3], "-") != 0) {
		W.f = fopen(argv[3], "w");
		if (!W.f) {
			fprintf(stderr, "tf-gen: cannot write '%s': %s\n",
				argv[3], strerror(errno));
			return 1;
		}
	}
	for (size_t j = 0; j < NMANAGED; j++)
		init_type(&managed[j]);
	for (size_t j = 0; j < NDATAS; j++) {
		datas[j].nattrs = sort_attrs(datas[j].attrs);
		datas[j].tags = -1;
	}
	plan(n, mix(seed), &t);
	flush();
	if (fclose(W.f) != 0) {
		fprintf(stderr, "tf-gen: cannot write: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr,
		"{\"changes\":%llu,\"bytes\":%llu,"
		"\"resource_changes_bytes\":%llu",
		n, (unsigned long long)W.bytes,
		(unsigned long long)t.changes_bytes);
	for (int a = 0; a < A__COUNT; a++)
		fprintf(stderr, ",\"%s\":%llu", act_name[a],
			(unsigned long long)t.act[a]);
	fprintf(stderr,
		",\"moved\":%llu,\"imported\":%llu,\"no-op, moved or "
		"imported\":%llu,\"drift\":%llu}\n",
		(unsigned long long)t.moved, (unsigned long long)t.imported,
		(unsigned long long)t.noop_moved_imported,
		(unsigned long long)t.drift);
	return 0;
}
