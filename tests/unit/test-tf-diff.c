/*
 * Unit tests for the attribute-level diff of terraform-plan-summary.
 * (cov-test.h finds the shared fixtures.)
 *
 * Hand-written elements cover each rule of diff.h and are checked against
 * the exact text. Then every element of every real plan in
 * ../shared/fixtures/tfplan/ is rendered: each line must have the shape
 * the summary relies on, and no value a sensitivity mask marks may show.
 * To hammer that last property beyond the one fixture with sensitive
 * values, every element is also rendered many times with masks drawn at
 * random, the masked values (and the keys of masked containers) first
 * replaced by canaries that must never reach the output.
 */
#include "cov-test.h"

#include <dirent.h>
#include <stdint.h>

#include <jansson.h>

#include "actions/terraform-plan-summary/diff.h"

static struct da_buf out = DA_BUF_INIT(1 << 22);
static struct tf_diff_stats st;
static struct da_err err = DA_ERR_INIT;

/*
 * Test text with ' for ", so that JSON and expected lines stay readable;
 * valid until the next call with the same slot.
 */
static const char *q_slot(int slot, const char *s)
{
	static struct da_buf b[2] = {DA_BUF_INIT(0), DA_BUF_INIT(0)};
	size_t i;

	da_buf_reset(&b[slot]);
	for (i = 0; s[i]; i++)
		da_buf_addch(&b[slot], s[i] == '\'' ? '"' : s[i]);
	return da_buf_str(&b[slot]);
}
#define J(s) q_slot(0, (s))
#define Q(s) q_slot(1, (s))

static int render_len(const char *json, size_t len, size_t max_lines)
{
	struct tf_diff_opts o = {max_lines};

	da_buf_reset(&out);
	da_err_clear(&err);
	memset(&st, 0xa5, sizeof(st));
	return tf_diff_render(json, len, &o, &out, &st, &err);
}

static int render(const char *json, size_t max_lines)
{
	return render_len(json, strlen(json), max_lines);
}

/* Renders json (with ' for ") and compares with want (' for " too). */
static void check_n(const char *json, size_t max_lines, const char *want,
		    const char *name)
{
	char what[256];
	int r = render(J(json), max_lines);

	format(what, sizeof(what), "%s: renders", name);
	is_int(r, 0, what);
	if (r)
		diag("%s", err.msg);
	is_str(da_buf_str(&out), Q(want), name);
}
#define check(json, want, name) check_n((json), 0, (want), (name))

/* A create, delete or update element around the given parts. */
#define EL(actions, rest)                                                      \
	"{'address':'x.y','change':{'before_sensitive':false,"                 \
	"'after_sensitive':false,'actions':[" actions "]," rest "}}"
/* The same without sensitivity marks, as format 0.1 plans are. */
#define EL01(actions, rest)                                                    \
	"{'address':'x.y','change':{'actions':[" actions "]," rest "}}"

static void test_create_delete(void)
{
	check(EL("'create'",
		 "'before':null,'after':{'ami':'ami-1','tags':{'Name':'web',"
		 "'kubernetes.io/role':'a'},'ingress':[{'from_port':443,"
		 "'cidr':['10.0.0.0/8']}],'empty':{},'list0':[],'n':null,"
		 "'flag':true,'ratio':0.1},'after_unknown':{'arn':true,"
		 "'id':true,'ingress':[{}]},'before_sensitive':false,"
		 "'after_sensitive':{'tags':{}}"),
	      "+ ami = 'ami-1'\n"
	      "+ arn = (known after apply)\n"
	      "+ empty = {}\n"
	      "+ flag = true\n"
	      "+ id = (known after apply)\n"
	      "+ ingress[0].cidr[0] = '10.0.0.0/8'\n"
	      "+ ingress[0].from_port = 443\n"
	      "+ list0 = []\n"
	      "+ ratio = 0.1\n"
	      "+ tags.Name = 'web'\n"
	      "+ tags['kubernetes.io/role'] = 'a'\n",
	      "create: every leaf of after, sorted, nulls left out");
	is_int(st.lines, 11, "create: lines");
	is_int(st.unknown, 2, "create: unknown values");
	is_int(st.omitted, 0, "create: nothing omitted");
	is_int(st.sensitive, 0, "create: nothing sensitive");
	is_int(st.forcing, 0, "create: nothing forcing");

	check(EL("'create'", "'before':{'old':'ignored'},'after':{'a':1},"
			     "'before_sensitive':true,'after_sensitive':false"),
	      "+ a = 1\n", "create: a before is not looked at");

	check(
	    EL("'delete'",
	       "'before':{'id':'i-1','size':8,'opts':{'a':[1,2]},'z':null},"
	       "'after':null,'after_unknown':{},'before_sensitive':{'opts':{}},"
	       "'after_sensitive':false"),
	    "- id = 'i-1'\n"
	    "- opts.a[0] = 1\n"
	    "- opts.a[1] = 2\n"
	    "- size = 8\n",
	    "delete: every leaf of before");
	check(EL("'delete'", "'before':{'a':'x'},'after':{'a':'y'},"
			     "'after_unknown':true,'after_sensitive':true"),
	      "- a = 'x'\n", "delete: after and its masks are not looked at");
	check(EL("'create','forget'", "'before':{'a':1},'after':{'b':2}"),
	      "+ b = 2\n", "create then forget is a create");
}

static void test_update(void)
{
	check(
	    EL("'update'",
	       "'before':{'id':'i-123','type':'t3.micro','tags':{'a':'1',"
	       "'b':'2'},'gone':'x','was_null':null,'same':'s',"
	       "'list':[1,2,3],'to_null':'v','nn':null},"
	       "'after':{'id':null,'type':'t3.large','tags':{'a':'1','c':'3'},"
	       "'was_null':'now','same':'s','list':[1,5],'to_null':null,"
	       "'added':'y'},'after_unknown':{'id':true,'tags':{}},"
	       "'before_sensitive':{},'after_sensitive':{}"),
	    "+ added = 'y'\n"
	    "- gone = 'x'\n"
	    "~ id: 'i-123' -> (known after apply)\n"
	    "~ list[1]: 2 -> 5\n"
	    "- list[2] = 3\n"
	    "- tags.b = '2'\n"
	    "+ tags.c = '3'\n"
	    "~ to_null: 'v' -> null\n"
	    "~ type: 't3.micro' -> 't3.large'\n"
	    "~ was_null: null -> 'now'\n",
	    "update: only the changed leaves");
	is_int(st.lines, 10, "update: lines");
	is_int(st.unknown, 1, "update: one unknown");

	check(EL("'no-op'", "'before':{'a':{'b':[1,{'c':'d'}]},'e':1.5},"
			    "'after':{'a':{'b':[1,{'c':'d'}]},'e':1.5},"
			    "'after_unknown':{},'before_sensitive':{},"
			    "'after_sensitive':{}"),
	      "", "no-op: nothing");
	is_int(st.lines, 0, "no-op: no lines");
	check(EL("'read'", "'before':null,'after':{'id':'x'},"
			   "'after_unknown':{'body':true}"),
	      "+ body = (known after apply)\n"
	      "+ id = 'x'\n",
	      "read: like an update");
	check(EL("'forget'", "'before':{'a':1},'after':{'a':1}"), "",
	      "forget: no change, nothing");
	check(EL("", "'before':{'a':1},'after':{'a':2}"), "~ a: 1 -> 2\n",
	      "no actions at all: the changed leaves");
	check(EL("'update'", "'before':{'a':null,'b':{}},'after':{'c':null}"),
	      "- b = {}\n", "a null against nothing is no change");
	check(EL("'update'", "'before':{},'after':{'a':null,'b':{'c':null}}"),
	      "", "nor the other way round, at any depth");
	check(EL("'update'", "'before':{'a':1,'b':2.5,'c':1e2},"
			     "'after':{'a':1.0,'b':2.5,'c':100}"),
	      "", "numbers compare by value, 1 equals 1.0");
	check(EL("'update'",
		 "'before':{'b':null,'l':[]},'after':{'b':{'x':1},'l':null}"),
	      "+ b.x = 1\n"
	      "~ l: [] -> null\n",
	      "null against a container");
	check(EL("'update'",
		 "'before':{'m':{'x':[[1,[2]],{'k':{'v':'a'}}]}},"
		 "'after':{'m':{'x':[[1,[3]],{'k':{'v':'b','w':[]}}]}}"),
	      "~ m.x[0][1][0]: 2 -> 3\n"
	      "~ m.x[1].k.v: 'a' -> 'b'\n"
	      "+ m.x[1].k.w = []\n",
	      "nested arrays and maps");
	check(EL("'update'", "'before':{'x':{'a':1},'y':[1],'z':'s'},"
			     "'after':{'x':'str','y':{'0':1},'z':[true]}"),
	      "~ x: {'a':1} -> 'str'\n"
	      "~ y: [1] -> {'0':1}\n"
	      "~ z: 's' -> [true]\n",
	      "a different type on each side is one line");
	check(EL("'update'", "'before':'x','after':'y'"),
	      "~ (value): 'x' -> 'y'\n", "a whole value that is no object");
	check(EL("'update'", "'before':[1],'after':[1,2]"), "+ [1] = 2\n",
	      "a whole value that is an array");
	check(EL("'update'", "'before':{'a':1},'after':{'a':1},"
			     "'after_unknown':{'a':false,'b':{'c':false},"
			     "'d':[false]}"),
	      "", "explicit false leaves of after_unknown (0.12)");
	check(EL("'update'", "'before':{'a':1},'after':{'a':2},"
			     "'after_unknown':false,'before_sensitive':false,"
			     "'after_sensitive':false"),
	      "~ a: 1 -> 2\n", "after_unknown and masks false as a whole");
	check(EL("'update'",
		 "'before':{'a':1},'after':{'a':1},"
		 "'after_unknown':{'n':[{'id':true}],'m':{'k':true}}"),
	      "+ m.k = (known after apply)\n"
	      "+ n[0].id = (known after apply)\n",
	      "unknown values nowhere in after");
	check(EL("'update'", "'before':{'x':null},'after':{'x':null},"
			     "'after_unknown':{'x':true}"),
	      "~ x: null -> (known after apply)\n",
	      "unknown after a null is a change");
	check(EL("'update'", "'address':'SECRETADDRESS','before':{'a':1},"
			     "'after':{'a':2}},'variables':{'v':{'value':"
			     "'SECRETVARIABLE'}"),
	      "~ a: 1 -> 2\n", "nothing outside change is written");
}

static void test_unknown(void)
{
	check(EL("'update'",
		 "'before':{'tags':{'a':'1'},'block':[{'x':1}],'s':'v'},"
		 "'after':{'tags':null,'s':'v'},"
		 "'after_unknown':{'tags':true,'block':true,'e':true}"),
	      "~ block: [{'x':1}] -> (known after apply)\n"
	      "+ e = (known after apply)\n"
	      "~ tags: {'a':'1'} -> (known after apply)\n",
	      "an unknown container is one line");
	is_int(st.unknown, 3, "three unknown values");
	check(EL("'read'", "'before':null,'after':null,'after_unknown':true"),
	      "+ (value) = (known after apply)\n",
	      "after_unknown true as a whole");
	check(EL("'update'", "'before':{'a':1},'after':{'a':1},"
			     "'after_unknown':true"),
	      "~ (value): {'a':1} -> (known after apply)\n",
	      "after_unknown true over a known before");
	check(EL("'update'", "'before':{'pw':'oldsecret'},'after':{},"
			     "'after_unknown':{'pw':true,'tok':true},"
			     "'before_sensitive':{'pw':true},"
			     "'after_sensitive':{'tok':true}"),
	      "~ pw: (sensitive) -> (known after apply)\n"
	      "+ tok = (sensitive)\n",
	      "unknown and sensitive together");
}

static void test_sensitive(void)
{
	check(
	    EL01("'update'", "'before':{'password':'old-pw-1','size':1},"
			     "'after':{'password':'new-pw-2','size':2}"),
	    "~ password: (hidden) -> (hidden)\n~ size: (hidden) -> (hidden)\n",
	    "a plan without sensitivity marks (format 0.1) shows no value");
	check(EL("'update'", "'before':{'l':['a-secret','b-secret']},"
			     "'after':{'l':['a-secret','c-secret']},"
			     "'before_sensitive':{'l':[true]},'after_sensitive'"
			     ":{'l':[true]}"),
	      "~ l: (sensitive) -> (sensitive)\n",
	      "a list mask shorter than its list hides the whole list");
	check(EL("'update'",
		 "'before':{'password':'hunter22','user':'bob','same':'keep1'},"
		 "'after':{'password':'hunter33','user':'bob','same':'keep1'},"
		 "'before_sensitive':{'password':true,'same':true},"
		 "'after_sensitive':{'password':true,'same':true}"),
	      "~ password: (sensitive) -> (sensitive)\n",
	      "a sensitive leaf: changed shows, unchanged does not");
	is_int(st.sensitive, 2, "two sensitive values");
	check(EL("'update'",
		 "'before':{'cfg':{'secretkey':'abcdef','n':1}},"
		 "'after':{'cfg':{'secretkey':'ghijkl','n':1,'more':[2]}},"
		 "'before_sensitive':{'cfg':true},'after_sensitive':{'cfg':"
		 "true}"),
	      "~ cfg: (sensitive) -> (sensitive)\n",
	      "a sensitive container is one line, keys hidden");
	check(EL("'create'",
		 "'before':null,'after':{'a':'topsecret','b':[1,2]},"
		 "'after_sensitive':true,'after_unknown':{'c':true}"),
	      "+ (value) = (sensitive)\n", "after_sensitive true as a whole");
	check(EL("'update'", "'before':{'a':'x'},'after':{'a':'topsecret'},"
			     "'before_sensitive':false,'after_sensitive':true"),
	      "~ (value): {'a':'x'} -> (sensitive)\n",
	      "after_sensitive true as a whole, before shown");
	check(EL("'update'",
		 "'before':{'token':'oldvalue1','k':'old2'},"
		 "'after':{'token':'newvalue2','k':'new2'},"
		 "'before_sensitive':false,'after_sensitive':{'token':true}"),
	      "~ k: 'old2' -> 'new2'\n"
	      "~ token: 'oldvalue1' -> (sensitive)\n",
	      "sensitive after only");
	check(EL("'update'",
		 "'before':{'token':'oldvalue1'},'after':{'token':'newvalue2'},"
		 "'before_sensitive':{'token':true}"),
	      "~ token: (sensitive) -> 'newvalue2'\n",
	      "sensitive before only (after_sensitive absent)");
	check(EL("'delete'", "'before':{'a':{'k1':'hideme1','k2':'showme'}},"
			     "'before_sensitive':{'a':{'k1':true}}"),
	      "- a.k1 = (sensitive)\n"
	      "- a.k2 = 'showme'\n",
	      "a sensitive leaf of a deleted object");
	check(EL("'update'",
		 "'before':{'x':{'hiddenkey':'hideme'}},'after':{'x':'str'},"
		 "'before_sensitive':{'x':{'hiddenkey':true}}"),
	      "~ x: {...} -> 'str'\n",
	      "a container with a sensitive part is not written out");
	check(EL("'update'", "'before':{'x':'secretval'},'after':{'x':'other'},"
			     "'before_sensitive':{'x':{'y':true}}"),
	      "~ x: (sensitive) -> 'other'\n",
	      "a mask of another shape hides the whole value");
	check(EL("'update'",
		 "'before':{'l':['s3cretA','pub']},'after':{'l':['s3cretB']},"
		 "'before_sensitive':{'l':[true,false]},"
		 "'after_sensitive':{'l':[true]}"),
	      "~ l[0]: (sensitive) -> (sensitive)\n"
	      "- l[1] = 'pub'\n",
	      "list masks by index");
	check(EL("'update'", "'before':{'x':'v1'},'after':{'x':'v2'}"),
	      "~ x: 'v1' -> 'v2'\n", "no masks (format 0.1): nothing hidden");
	ok(!strstr(da_buf_str(&out), "(sensitive)"), "and none shown");
}

static void test_replace(void)
{
	const char *el = EL(
	    "'delete','create'",
	    "'before':{'ami':'ami-1','network_interface':[{'subnet_id':'s-1',"
	    "'ip':'1.1.1.1'}],'subnet':'x','name':'n'},"
	    "'after':{'ami':'ami-2','network_interface':[{'subnet_id':'s-2',"
	    "'ip':'1.1.1.1'}],'subnet':'x','name':'n'},"
	    "'after_unknown':{},'before_sensitive':{},'after_sensitive':{},"
	    "'replace_paths':[['ami'],['network_interface'],['subnet'],"
	    "['subnet'],[],[true],[-1],'x']");

	check(el,
	      "~ ami: 'ami-1' -> 'ami-2'  # forces replacement\n"
	      "~ network_interface[0].subnet_id: 's-1' -> 's-2'  # forces "
	      "replacement\n"
	      "~ subnet  # forces replacement\n",
	      "replace: a leaf, a container, an unchanged path (listed once)");
	is_int(st.forcing, 3, "replace: three forcing lines");
	is_int(st.lines, 3, "replace: three lines");

	check(EL("'create','delete'",
		 "'before':{'nic':[{'subnet_id':'s-1'}],'secret_cfg':"
		 "{'inner_key':'val1'},'p':'a'},"
		 "'after':{'nic':[{'subnet_id':'s-2'}],'secret_cfg':"
		 "{'inner_key':'val1'},'p':'a','u':null},"
		 "'after_unknown':{'u':true},"
		 "'before_sensitive':{'secret_cfg':true},"
		 "'after_sensitive':{'secret_cfg':true},"
		 "'replace_paths':[['nic',0,'subnet_id'],"
		 "['secret_cfg','inner_key'],['secret_cfg','other'],"
		 "['u','deeper'],['nic',1]]"),
	      "~ nic[0].subnet_id: 's-1' -> 's-2'  # forces replacement\n"
	      "+ u = (known after apply)  # forces replacement\n"
	      "~ secret_cfg  # forces replacement\n"
	      "~ nic[1]  # forces replacement\n",
	      "create_before_destroy: an index path, a path under an unknown "
	      "value, paths into a sensitive container cut at it");
	ok(!strstr(da_buf_str(&out), "inner_key"),
	   "no key of a sensitive container is named");
	check(EL("'delete','create'",
		 "'before':{'tags':{'a':'1'}},'after':{'tags':{'a':'1'}},"
		 "'before_sensitive':true,'after_sensitive':true,"
		 "'replace_paths':[['tags','a']]"),
	      "~ (value)  # forces replacement\n",
	      "a path under a wholly sensitive value names nothing");
	check(
	    EL("'delete','create'",
	       "'before':{'cfg':{'pw':'s3cr3tpw'}},'after':{'cfg':{'pw':'x'}},"
	       "'before_sensitive':{'cfg':true},'after_sensitive':{},"
	       "'replace_paths':[['cfg','pw']]"),
	    "~ cfg: (sensitive) -> {'pw':'x'}  # forces replacement\n",
	    "a path under a one-line value marks that line");
}

static void test_paths_and_values(void)
{
	struct da_buf el = DA_BUF_INIT(0), want = DA_BUF_INIT(0);
	size_t i;

	check(EL("'create'",
		 "'after':{'a b':1,'x\\'y':2,'9start':3,'ok-dash_1':4,'':5,"
		 "'a\\nb':{'c.d':6},'_u':7,'caf\\u00e9':8,'-x':9}"),
	      "+ [''] = 5\n"
	      "+ ['-x'] = 9\n"
	      "+ ['9start'] = 3\n"
	      "+ _u = 7\n"
	      "+ ['a\\nb']['c.d'] = 6\n"
	      "+ ['a b'] = 1\n"
	      "+ ['caf\xc3\xa9'] = 8\n"
	      "+ ok-dash_1 = 4\n"
	      "+ ['x\\'y'] = 2\n",
	      "keys that are not identifiers go in brackets, escaped");

	check(EL("'update'",
		 "'before':{'s':'a\\nb\\rc\\u0001d\\u007fe\\u2028f\\u202eg\\th"
		 "\\\\i\\'j\\u0085k\\ufeffl\\u00e9'},'after':{}"),
	      "- s = 'a\\nb\\rc\\u0001d\\u007fe\\u2028f\\u202eg\\th\\\\i\\'j"
	      "\\u0085k\\ufeffl\xc3\xa9'\n",
	      "control, separator and bidi characters are escaped");
	ok(!strchr(da_buf_str(&out), '\r'), "no carriage return");
	ok(strchr(da_buf_str(&out), '\n') == da_buf_str(&out) + out.len - 1,
	   "one newline, at the end");

	check(EL("'create'", "'after':{'r':0.1,'big':1e300,'neg':-2.5e-7,"
			     "'i':-9223372036854775807,'z':-0.0,'t':1.0}"),
	      "+ big = 1e+300\n"
	      "+ i = -9223372036854775807\n"
	      "+ neg = -2.5e-07\n"
	      "+ r = 0.1\n"
	      "+ t = 1\n"
	      "+ z = -0\n",
	      "numbers with the fewest digits that read back");

	/* 300 two-byte characters: 119 fit with the quote in 240 bytes. */
	da_buf_adds(&el, "{\"change\":{\"after_sensitive\":false,\"actions\":["
			 "\"create\"],\"after\":{\"s\":\"");
	da_buf_adds(&want, "+ s = \"");
	for (i = 0; i < 300; i++)
		da_buf_adds(&el, "\xc3\xa9");
	for (i = 0; i < 119; i++)
		da_buf_adds(&want, "\xc3\xa9");
	da_buf_adds(&el, "\",\"a\":\"");
	da_buf_adds(&want, "...\"\n+ a = \"");
	for (i = 0; i < 300; i++)
		da_buf_addch(&el, 'x');
	for (i = 0; i < 239; i++)
		da_buf_addch(&want, 'x');
	da_buf_adds(&want, "...\"\n");
	da_buf_adds(&el, "\"}}}");
	is_int(render(da_buf_str(&el), 0), 0, "long values render");
	/* keys sort "a" first */
	{
		const char *o = da_buf_str(&out);
		const char *w = da_buf_str(&want);
		const char *nl = strchr(w, '\n');
		struct da_buf swapped = DA_BUF_INIT(0);

		da_buf_adds(&swapped, nl + 1);
		da_buf_add(&swapped, w, (size_t)(nl - w) + 1);
		is_str(
		    o, da_buf_str(&swapped),
		    "long values are cut at a character boundary with ...\"");
		da_buf_release(&swapped);
	}

	/* The cut never splits an escape. */
	da_buf_reset(&el);
	da_buf_adds(&el, "{\"change\":{\"after_sensitive\":false,\"actions\":["
			 "\"create\"],\"after\":{\"s\":\"");
	for (i = 0; i < 100; i++)
		da_buf_adds(&el, "\\u0001");
	da_buf_adds(&el, "\"}}}");
	da_buf_reset(&want);
	da_buf_adds(&want, "+ s = \"");
	for (i = 0; i < 39; i++) /* 1 + 39 * 6 = 235; one more is 241 */
		da_buf_adds(&want, "\\u0001");
	da_buf_adds(&want, "...\"\n");
	is_int(render(da_buf_str(&el), 0), 0, "many escapes render");
	is_str(da_buf_str(&out), da_buf_str(&want), "an escape is never cut");

	/* A container shown inline is cut too, with ... and no quote. */
	da_buf_reset(&el);
	da_buf_adds(&el, "{\"change\":{\"after_sensitive\":false,\"actions\":["
			 "\"update\"],\"before\":{"
			 "\"l\":[");
	for (i = 0; i < 100; i++)
		da_buf_addf(&el, "%s%zu", i ? "," : "", 1000 + i);
	da_buf_adds(&el, "]},\"after\":{},\"after_unknown\":{\"l\":true}}}");
	da_buf_reset(&want);
	da_buf_adds(&want, "~ l: [");
	/* "[" and 48 numbers with their commas: 240 bytes; the next comma
	 * is cut */
	for (i = 0; i < 48; i++)
		da_buf_addf(&want, "%s%zu", i ? "," : "", 1000 + i);
	da_buf_adds(&want, "... -> (known after apply)\n");
	is_int(render(da_buf_str(&el), 0), 0, "a long list renders");
	is_str(da_buf_str(&out), da_buf_str(&want),
	       "an inline container is cut with ...");

	/* Deeper than the walk: the last level is one leaf. */
	da_buf_reset(&el);
	da_buf_reset(&want);
	da_buf_adds(&el, "{\"change\":{\"after_sensitive\":false,\"actions\":["
			 "\"create\"],\"after\":");
	for (i = 0; i < TF_DIFF_DEPTH_MAX + 6; i++)
		da_buf_adds(&el, "{\"a\":");
	da_buf_adds(&el, "1");
	for (i = 0; i < TF_DIFF_DEPTH_MAX + 6; i++)
		da_buf_addch(&el, '}');
	da_buf_adds(&el, "}}");
	da_buf_adds(&want, "+ a");
	for (i = 1; i < TF_DIFF_DEPTH_MAX; i++)
		da_buf_adds(&want, ".a");
	da_buf_adds(&want, " = {...}\n");
	is_int(render(da_buf_str(&el), 0), 0, "deep nesting renders");
	is_str(da_buf_str(&out), da_buf_str(&want),
	       "nesting past the ceiling is one {...} leaf");

	/* An over-long key is cut like a value. */
	da_buf_reset(&el);
	da_buf_reset(&want);
	da_buf_adds(&el, "{\"change\":{\"after_sensitive\":false,\"actions\":["
			 "\"create\"],\"after\":{\"");
	da_buf_adds(&want, "+ [\"");
	for (i = 0; i < 400; i++)
		da_buf_addch(&el, '.');
	for (i = 0; i < 239; i++)
		da_buf_addch(&want, '.');
	da_buf_adds(&el, "\":true}}}");
	da_buf_adds(&want, "...\"] = true\n");
	is_int(render(da_buf_str(&el), 0), 0, "a long key renders");
	is_str(da_buf_str(&out), da_buf_str(&want), "a long key is cut");
	da_buf_reset(&el);
	da_buf_reset(&want);
	da_buf_adds(&el, "{\"change\":{\"after_sensitive\":false,\"actions\":["
			 "\"create\"],\"after\":{\"");
	da_buf_adds(&want, "+ [\"");
	for (i = 0; i < 300; i++)
		da_buf_addch(&el, 'k');
	for (i = 0; i < 239; i++)
		da_buf_addch(&want, 'k');
	da_buf_adds(&el, "\":true}}}");
	da_buf_adds(&want, "...\"] = true\n");
	is_int(render(da_buf_str(&el), 0), 0, "a long identifier renders");
	is_str(da_buf_str(&out), da_buf_str(&want),
	       "a long identifier goes in brackets, cut");

	da_buf_release(&el);
	da_buf_release(&want);
}

static void test_limits(void)
{
	struct da_buf small = DA_BUF_INIT(30);
	struct tf_diff_stats s2;
	char *el = strdup(J(EL("'create'", "'after':{'a':1,'b':2,'c':3,'d':4,"
					   "'e':5}")));
	int r;

	check_n(EL("'create'", "'after':{'a':1,'b':2,'c':3,'d':4,'e':5}"), 2,
		"+ a = 1\n"
		"+ b = 2\n"
		"  ... 3 more attributes\n",
		"max_lines: the rest is counted");
	is_int(st.lines, 2, "max_lines: two written");
	is_int(st.omitted, 3, "max_lines: three left out");
	check_n(EL("'create'", "'after':{'a':1,'b':2}"), 1,
		"+ a = 1\n"
		"  ... 1 more attribute\n",
		"max_lines: one more");
	check_n(EL("'create'", "'after':{'a':1,'b':2}"), 2,
		"+ a = 1\n"
		"+ b = 2\n",
		"max_lines: exactly enough");
	check_n(EL("'delete','create'",
		   "'before':{'a':1,'b':2},'after':{'a':2,'b':3,'c':1},"
		   "'replace_paths':[['c'],['z']]"),
		2,
		"~ a: 1 -> 2\n"
		"~ b: 2 -> 3\n"
		"  ... 2 more attributes\n",
		"max_lines: the listed replace paths count too");
	is_int(st.forcing, 2, "max_lines: forcing counted past the limit");

	/* The default. */
	{
		struct da_buf big = DA_BUF_INIT(0);
		size_t i;

		da_buf_adds(&big, "{\"change\":{\"after_sensitive\":false,"
				  "\"actions\":[\"create\"],"
				  "\"after\":{\"l\":[");
		for (i = 0; i < 250; i++)
			da_buf_addf(&big, "%s%zu", i ? "," : "", i);
		da_buf_adds(&big, "]}}}");
		is_int(render(da_buf_str(&big), 0), 0, "250 leaves render");
		is_int(st.lines, TF_DIFF_LINES_DEFAULT, "200 lines by default");
		is_int(st.omitted, 50, "and 50 more");
		has_str(da_buf_str(&out),
			"+ l[199] = 199\n  ... 50 more "
			"attributes\n",
			"the more line ends it");
		da_buf_release(&big);
	}

	da_buf_adds(&small, "keep\n");
	da_err_clear(&err);
	memset(&s2, 0x5a, sizeof(s2));
	r = tf_diff_render(el, strlen(el), NULL, &small, &s2, &err);
	is_int(r, -DA_ELIMIT, "over out's ceiling");
	is_str(da_buf_str(&small), "keep\n", "out is restored");
	has_str(err.msg, "ceiling of 30 bytes", "the message names it");
	ok(s2.lines == 0x5a5a5a5a5a5a5a5aull, "stats untouched on failure");
	/* 5 + 4 * 8 = 37: the lines fit, the more line does not. */
	{
		struct tf_diff_opts o = {4};
		struct da_buf tight = DA_BUF_INIT(50);

		da_buf_adds(&tight, "keep\n");
		r = tf_diff_render(el, strlen(el), &o, &tight, NULL, &err);
		is_int(r, -DA_ELIMIT, "the more line over the ceiling");
		is_str(da_buf_str(&tight), "keep\n", "restored again");
		da_buf_release(&tight);
	}
	{
		struct da_buf fits = DA_BUF_INIT(80);

		da_buf_adds(&fits, "keep\n");
		r = tf_diff_render(el, strlen(el), NULL, &fits, NULL, &err);
		is_int(r, 0, "stats may be NULL, and out is appended to");
		is_str(da_buf_str(&fits),
		       "keep\n+ a = 1\n+ b = 2\n+ c = 3\n+ d = 4\n+ e = 5\n",
		       "after what out held");
		da_buf_release(&fits);
	}
	da_buf_release(&small);
	free(el);
}

static void test_bad_input(void)
{
	static const char *const bad[] = {
	    "",
	    "nope",
	    "[]",
	    "[{\"change\":{}}]",
	    "{}",
	    "{\"change\":1}",
	    "{\"change\":null}",
	    "{\"change\":[]}",
	    "{\"change\":{}} {}",
	    "{\"change\":{\"after\":{\"a\":\"\\u0000\"}}}",
	    "{\"change\":{\"after\":{\"a\":\"\xff\"}}}",
	    "{\"change\":{\"after\":{\"a\":",
	    "\"change\"",
	};
	char what[128];
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = render(bad[i], 0);
		format(what, sizeof(what), "bad input %zu is refused", i);
		is_int(r, -DA_EINVAL, what);
		format(what, sizeof(what), "bad input %zu: says so", i);
		ok(!strncmp(err.msg, "not a resource change: ", 23) &&
		       !strchr(err.msg, '\n'),
		   what);
		if (strncmp(err.msg, "not a resource change: ", 23))
			diag("%s", err.msg);
		is_int(out.len, 0, "and writes nothing");
	}
	r = render("{\"change\":{\"after\":{\"a\":\"SECRET\" x}}}", 0);
	has_str(err.msg,
		"not a resource change: invalid JSON at line 1 column ",
		"a syntax error gives the place");
	ok(!strstr(err.msg, "SECRET") && !strstr(err.msg, "'x'"),
	   "and quotes nothing of the input");
	is_int(render("{\"change\":{}}", 0), 0, "an empty change is fine");
	is_str(da_buf_str(&out), "", "and writes nothing");
	is_int(render_len("{\"change\":{}}xyz", 13, 0), 0,
	       "only len bytes are read");

	r = render(
	    J(EL("'create'", "'after':{'n':123456789012345678901234567890}")),
	    0);
	is_int(r, -DA_EINVAL, "an integer past int64");
	is_str(err.msg,
	       "attribute detail unavailable: number too large for this reader",
	       "says the detail is unavailable");
	r = render(J(EL("'create'", "'after':{'n':1e400}")), 0);
	is_int(r, -DA_EINVAL, "a real past double");
	is_str(err.msg,
	       "attribute detail unavailable: number too large for this reader",
	       "the same line");
}

/* ---- the real plans ---- */

/*
 * Every line: "+ ", "- " or "~ " and a path, or the more line; no control
 * character but the newline that ends it, no trailing space.
 */
static int lines_well_formed(const char *s, size_t len, const char **why)
{
	size_t i, start = 0;
	unsigned char c;

	*why = NULL;
	if (len && s[len - 1] != '\n')
		*why = "the text does not end with a newline";
	for (i = 0; i < len && !*why; i++) {
		c = (unsigned char)s[i];
		if (c == '\n') {
			if (i == start)
				*why = "an empty line";
			else if (s[i - 1] == ' ')
				*why = "a trailing space";
			else if (!((strchr("+-~", s[start]) &&
				    s[start + 1] == ' ' && i > start + 2 &&
				    s[start + 2] != ' ') ||
				   !strncmp(s + start, "  ... ", 6)))
				*why = "a line of an unknown shape";
			start = i + 1;
		} else if (c < 0x20 || c == 0x7f) {
			*why = "a control character";
		}
	}
	return *why == NULL;
}

/* Sensitive values of v under mask (or under a sensitive ancestor). */
static void collect_secrets(json_t *v, const json_t *mask, int sens,
			    json_t *into)
{
	const char *key;
	json_t *c;
	size_t i;
	char num[64];

	if (json_is_true(mask))
		sens = 1;
	if (json_is_object(v)) {
		json_object_foreach(v, key, c)
		{
			collect_secrets(c, json_object_get(mask, key), sens,
					into);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c)
		{
			collect_secrets(c, json_array_get(mask, i), sens, into);
		}
	} else if (sens && json_is_string(v) && json_string_length(v) >= 4) {
		json_array_append_new(into, json_string(json_string_value(v)));
	} else if (sens && json_is_integer(v) &&
		   (json_integer_value(v) >= 100 ||
		    json_integer_value(v) <= -100)) {
		format(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		       json_integer_value(v));
		json_array_append_new(into, json_string(num));
	}
}

/* Whether any string of list occurs in s (named in *hit). */
static int leaks(const char *s, const json_t *list, const char **hit)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
	{
		if (strstr(s, json_string_value(v))) {
			*hit = json_string_value(v);
			return 1;
		}
	}
	return 0;
}

/* A small deterministic generator (xorshift), so failures repeat. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned canary_n;

/* v with every string a canary and every key "KEYCANARY..." (a copy). */
static json_t *canaried(json_t *v)
{
	const char *key;
	json_t *c, *n;
	size_t i;
	char t[64];

	if (json_is_object(v)) {
		n = json_object();
		json_object_foreach(v, key, c)
		{
			format(t, sizeof(t), "KEYCANARY%u", canary_n++);
			json_object_set_new(n, t, canaried(c));
		}
		return n;
	}
	if (json_is_array(v)) {
		n = json_array();
		json_array_foreach(v, i, c)
		{
			json_array_append_new(n, canaried(c));
		}
		return n;
	}
	if (json_is_string(v)) {
		format(t, sizeof(t), "CANARY%uX", canary_n++);
		return json_string(t);
	}
	if (json_is_number(v))
		return json_integer(9876500000LL + canary_n++);
	return json_deep_copy(v);
}

/*
 * A copy of v where nodes drawn at random (one in four) are sensitive:
 * their values canaries, their mask true (or, one time in eight, a mask
 * of another shape). *ret_mask gets the mask.
 */
static json_t *mark(json_t *v, json_t **ret_mask, size_t depth)
{
	const char *key;
	json_t *c, *n, *m, *cm;
	size_t i;

	if (rng() % 4 == 0) {
		/*
		 * Now and then a mask of the wrong shape that marks
		 * something, which must hide the value all the same.
		 */
		if (v && !json_is_null(v) && rng() % 8 == 0)
			*ret_mask = json_is_object(v)
					? json_pack("[b]", 1)
					: json_pack("{s:{s:b}}", "x", "y", 1);
		else
			*ret_mask = json_true();
		return canaried(v);
	}
	if (json_is_object(v) && depth < 80) {
		n = json_object();
		m = json_object();
		json_object_foreach(v, key, c)
		{
			json_object_set_new(n, key, mark(c, &cm, depth + 1));
			if (!json_is_false(cm) || rng() % 2)
				json_object_set_new(m, key, cm);
			else
				json_decref(cm);
		}
		*ret_mask = m;
		return n;
	}
	if (json_is_array(v) && depth < 80) {
		n = json_array();
		m = json_array();
		json_array_foreach(v, i, c)
		{
			json_array_append_new(n, mark(c, &cm, depth + 1));
			json_array_append_new(m, cm);
		}
		*ret_mask = m;
		return n;
	}
	*ret_mask = json_false();
	return json_deep_copy(v);
}

static void check_rendered(const char *name, const char *text)
{
	const char *why;
	char what[512];

	format(what, sizeof(what), "%s: lines well formed", name);
	if (!ok(lines_well_formed(da_buf_str(&out), out.len, &why), what))
		diag("%s in:\n%s", why, text);
}

/* One element of a real plan: renders, well formed, leaks nothing. */
static void fixture_element(const char *file, const char *list, size_t idx,
			    json_t *el, size_t *nsens, int *forced)
{
	json_t *change = json_object_get(el, "change"), *secrets;
	const char *hit = NULL;
	char what[512];
	char *text;
	int r, round;

	format(what, sizeof(what), "%s %s[%zu]", file, list, idx);
	text = json_dumps(el, JSON_COMPACT);
	r = text ? render(text, 100000) : -1;
	if (!ok(r == 0, what)) {
		diag("%d %s", r, err.msg);
		free(text);
		return;
	}
	check_rendered(what, da_buf_str(&out));
	secrets = json_array();
	collect_secrets(json_object_get(change, "before"),
			json_object_get(change, "before_sensitive"), 0,
			secrets);
	collect_secrets(json_object_get(change, "after"),
			json_object_get(change, "after_sensitive"), 0, secrets);
	*nsens += json_array_size(secrets);
	format(what, sizeof(what), "%s %s[%zu]: no sensitive value shows", file,
	       list, idx);
	if (!ok(!leaks(da_buf_str(&out), secrets, &hit), what))
		diag("'%s' in:\n%s", hit, da_buf_str(&out));
	if (strstr(da_buf_str(&out), "# forces replacement"))
		*forced = 1;
	json_decref(secrets);
	free(text);

	/* The same element with masks drawn at random, many times. */
	for (round = 0; round < 100; round++) {
		json_t *copy = json_deep_copy(el), *ch, *bm, *am, *bv, *av;
		const char *o;
		int bad = 0;

		ch = json_object_get(copy, "change");
		rng_state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)idx << 32) ^
			    (uint64_t)(round + 1) * 0x2545f4914f6cdd1dull;
		bv = mark(json_object_get(ch, "before"), &bm, 0);
		av = mark(json_object_get(ch, "after"), &am, 0);
		json_object_set_new(ch, "before", bv);
		json_object_set_new(ch, "after", av);
		json_object_set_new(ch, "before_sensitive", bm);
		json_object_set_new(ch, "after_sensitive", am);
		if (round % 5 == 4) {
			/* now and then, unknown values too */
			json_object_set_new(ch, "after_unknown",
					    round % 10 == 9 ? json_true()
							    : json_object());
		}
		text = json_dumps(copy, JSON_COMPACT);
		r = text ? render(text, (size_t)round % 7 == 0 ? 3 : 0) : -1;
		o = da_buf_str(&out);
		if (r || !lines_well_formed(o, out.len, &hit) ||
		    strstr(o, "CANARY") || strstr(o, "98765"))
			bad = 1;
		if (bad) {
			format(what, sizeof(what),
			       "%s %s[%zu] masked at random (round %d)", file,
			       list, idx, round);
			ok(0, what);
			diag("%d %s\n%s\n%s", r, err.msg, text ? text : "", o);
		}
		free(text);
		json_decref(copy);
		if (bad)
			break;
	}
	format(what, sizeof(what),
	       "%s %s[%zu]: 100 random masks, no canary shows", file, list,
	       idx);
	ok(round == 100, what);
}

/* Renders resource_changes[0] of plan again, into out. */
static void render_first(json_t *plan)
{
	json_t *el =
	    json_array_get(json_object_get(plan, "resource_changes"), 0);
	char *text = json_dumps(el, JSON_COMPACT);

	ok(text && render(text, 0) == 0, "the first change renders again");
	free(text);
}

static void test_fixtures(void)
{
	const char *dir;
	struct dirent *de;
	struct da_buf path = DA_BUF_INIT(0), top = DA_BUF_INIT(0);
	json_error_t je;
	DIR *d;
	size_t files = 0;

	/* Not cov_test_fixtures(): the checks above have run already. */
	dir = getenv("DA_TOP");
	da_buf_addf(&top, "%s/../shared/fixtures", dir && *dir ? dir : ".");
	dir = da_buf_str(&top);
	da_buf_addf(&path, "%s/tfplan", dir);
	d = opendir(da_buf_str(&path));
	if (!d) {
		diag("skipping the real plans: no %s", da_buf_str(&path));
		da_buf_release(&path);
		da_buf_release(&top);
		return;
	}
	while ((de = readdir(d))) {
		static const char *const lists[] = {"resource_changes",
						    "resource_drift"};
		size_t n = strlen(de->d_name), i, k, nsens = 0;
		json_t *plan, *el;
		int forced = 0;
		char what[512];

		if (n < 10 || strcmp(de->d_name + n - 10, ".plan.json"))
			continue;
		da_buf_reset(&path);
		da_buf_addf(&path, "%s/tfplan/%s", dir, de->d_name);
		plan = json_load_file(da_buf_str(&path), 0, &je);
		format(what, sizeof(what), "%s: jansson reads it", de->d_name);
		if (!ok(plan != NULL, what))
			continue;
		files++;
		for (k = 0; k < 2; k++) {
			json_t *list = json_object_get(plan, lists[k]);

			json_array_foreach(list, i, el)
			{
				fixture_element(de->d_name, lists[k], i, el,
						&nsens, &forced);
			}
		}
		if (!strcmp(de->d_name,
			    "opentofu-sensitive-values.plan.json")) {
			render_first(plan);
			ok(nsens > 0, "the sensitive fixture has secrets to "
				      "look for");
			has_str(da_buf_str(&out), "(sensitive)",
				"and they are shown as (sensitive)");
			has_str(da_buf_str(&out), "+ ami = (sensitive)\n",
				"its ami line");
		}
		if (!strcmp(de->d_name,
			    "opentofu-replace-within-list.plan.json")) {
			ok(forced, "replace-within-list has a forcing line");
			render_first(plan);
			has_str(da_buf_str(&out),
				"~ list[1].id: \"6A8C6A29-D417-480A-BE19-"
				"12D7398B3178\" -> \"07F887E2-FDFF-4B2E-9BFB-"
				"B6AA4A05EDB9\"  # forces replacement\n",
				"on the path of its replace_paths");
		}
		json_decref(plan);
	}
	closedir(d);
	ok(files >= 5, "the real plans were read");
	da_buf_release(&path);
	da_buf_release(&top);
}

static void run_tests(void)
{
	test_create_delete();
	test_update();
	test_unknown();
	test_sensitive();
	test_replace();
	test_paths_and_values();
	test_limits();
	test_bad_input();
	test_fixtures();
	da_buf_release(&out);
}
