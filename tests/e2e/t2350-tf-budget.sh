#!/usr/bin/env bash
# terraform-plan-summary keeps its Markdown within GitHub's limits: a pull
# request comment of at most 65,536 characters and a job summary of at most
# 1 MiB, whatever the plan. It drops the attribute changes first, then the
# list of unchanged resources, then rows of the table, and ends with an
# italic line saying what it left out; destruction is listed first, so it is
# the last thing to go. A small plan keeps everything. Both texts render
# with cmark-gfm (GitHub's Markdown) and their <details> blocks balance.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/tf/lib.sh"
need_tps
need_node_modules
fail_if_missing python3 python3
fail_if_missing cmark-gfm cmark-gfm

TOK=w-tok-budget-31c8
TPS_TIMEOUT=120

cat >"$T/state.json" <<EOF
{
  "tokens": {"$TOK": {"login": "github-actions[bot]", "permission": "write"}},
  "issues": [{"repo": "octo/infra", "number": 5, "pull_request": true}]
}
EOF
github_fake_start "$T/state.json"
jq -n '{pull_request: {number: 5}}' >"$T/pr.json"
# every run is on pull request 5 of the fake, with a token that may write
TPS_ENV=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request
	"GITHUB_EVENT_PATH=$T/pr.json" GITHUB_REPOSITORY=octo/infra
	"GITHUB_API_URL=$GH_FAKE_URL" "GITHUB_TOKEN=$TOK")

# comment LABEL: the body of the comment marked with LABEL, into
# $T/LABEL.comment.md.
comment() {
	jq -j --arg m "<!-- deploy-actions/terraform-plan-summary $1 -->" \
		'[.comments[] | select(.body | startswith($m + "\n"))]
		| if length == 1 then .[0].body else "" end' \
		"$T/dump.json" >"$T/$1.comment.md"
}
chars() { python3 -c 'import sys; print(len(open(sys.argv[1], encoding="utf-8").read()))' "$1"; }
# the last line of FILE that is not empty
last_line() { awk 'NF { l = $0 } END { print l }' "$1"; }
# rows of the resource table in FILE, "ACTION ADDRESS" per line, in order
rows() {
	python3 - "$1" <<'EOF'
import html, re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^\| (\*\*)?([a-z]+)\b.*?\| <code>(.*?)</code> \|", line)
    if m:
        print(m.group(2), html.unescape(m.group(3)))
EOF
}
# has FILE ERE DESC / lacks FILE ERE DESC: a line of FILE matches ERE, or
# none does (the diagnostics quote a few lines, never a whole comment).
has() {
	grep -Eq -- "$2" "$1"
	ok $? "$3" ||
		diag "  at line ${BASH_LINENO[0]}: no line of ${1##*/} matches '$2'"
}
lacks() {
	local m
	m=$(grep -Em3 -- "$2" "$1")
	[ -z "$m" ]
	ok $? "$3" || diag "  at line ${BASH_LINENO[0]}: ${1##*/} has: ${m:0:600}"
}
# renders FILE as GitHub does and checks the result: cmark-gfm exits 0,
# a table comes out, and every <details> is closed, in the source and in
# the HTML; MIN (default 1) is the fewest <details> it must hold (the big
# comment spends its room on the rows, so it may have none).
renders() {
	local f=$1 what=$2 min=${3:-1} o d c
	cmark-gfm -e table --unsafe "$f" >"$f.html" 2>"$f.err"
	is "$?/$(cat "$f.err")" "0/" "$what renders with cmark-gfm -e table"
	has "$f.html" '<table>' "$what: the table is a table"
	o=$(grep -o '<details>' "$f" | wc -l)
	c=$(grep -o '</details>' "$f" | wc -l)
	d=$(grep -o '<details>' "$f.html" | wc -l)
	ok "$([ "$o" -ge "$min" ] && [ "$o" = "$c" ] && [ "$d" = "$o" ] &&
		[ "$(grep -o '</details>' "$f.html" | wc -l)" = "$o" ]; echo $?)" \
		"$what: $o <details> blocks, each closed, all of them in the HTML"
}

# gen FILE CREATES UPDATES DELETES REPLACES NOOPS ATTRS: a plan of that many
# changes, each of ATTRS attributes of 200 bytes (the tool cuts a value at
# 240, so size comes from the number of attributes). The
# deletions and replacements come last in the plan and sort last, so they
# are listed first only if the tool puts destruction first.
gen() {
	python3 - "$@" <<'EOF'
import json, sys
f, nc, nu, nd, nr, nn, na = sys.argv[1], *map(int, sys.argv[2:])
def val(tag, i):
    s = "%s-%05d:" % (tag, i)
    return (s * (200 // len(s) + 1))[:200]
def attrs(tag, i):
    return {"a%02d" % k: val("%s%d" % (tag, k), i) for k in range(na)}
rc = []
def res(addr, typ, actions, before, after):
    rc.append({"address": addr, "mode": "managed", "type": typ,
               "name": addr.split(".")[1],
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": actions, "before": before, "after": after,
                          "after_unknown": {"arn": True} if before is None else {},
                          "before_sensitive": {}, "after_sensitive": {}}})
for i in range(nc):
    res("aws_instance.web_%05d" % i, "aws_instance", ["create"], None,
        dict(attrs("boot", i), ami="ami-0abc", tags={"n": str(i)}))
for i in range(nu):
    res("aws_security_group.sg_%05d" % i, "aws_security_group", ["update"],
        dict(attrs("old", i), name="sg%d" % i),
        dict(attrs("new", i), name="sg%d" % i))
for i in range(nn):
    res("aws_route.r_%05d" % i, "aws_route", ["no-op"],
        {"cidr": "10.0.%d.0/24" % (i % 250)}, {"cidr": "10.0.%d.0/24" % (i % 250)})
for i in range(nr):
    res("aws_subnet.zz_%05d" % i, "aws_subnet", ["delete", "create"],
        attrs("was", i), attrs("now", i))
    rc[-1]["change"]["replace_paths"] = [["a00"]]
    rc[-1]["action_reason"] = "replace_because_cannot_update"
for i in range(nd):
    res("aws_s3_bucket.zz_%05d" % i, "aws_s3_bucket", ["delete"],
        attrs("gone", i), None)
    rc[-1]["action_reason"] = "delete_because_no_resource_config"
changed = nc + nu + nd + nr
json.dump({"format_version": "1.2", "terraform_version": "1.9.8",
           "planned_values": {"root_module": {}},
           "resource_changes": rc, "configuration": {"root_module": {}},
           "applyable": changed > 0, "complete": True, "errored": False},
          open(f, "w"))
EOF
}

# --- a small plan keeps everything --------------------------------------------
gen "$T/small.json" 3 2 1 1 4 2
tps --comment --label small "$T/small.json"
tps_rc_is 0 "a small plan"
comment small
C=$T/small.comment.md
S=$T/gh-summary
lacks "$C" 'leaves out' "its comment leaves nothing out"
lacks "$S" 'leaves out' "nor does its summary"
is "$(rows "$C" | wc -l)" 7 "the table has a row per change"
is "$(grep -c '^<details><summary>[^0-9]' "$C")" 7 \
	"and every change has its attribute changes"
has "$C" '<details><summary>4 unchanged</summary>' \
	"the unchanged resources are listed"
has "$C" 'new1-00001:new1-00001' "a changed value is shown"
renders "$C" "the small comment"
cp "$S" "$T/small.summary.md"
renders "$T/small.summary.md" "the small summary"

# --- big values: the attribute changes go first ---------------------------------
gen "$T/medium.json" 0 40 0 0 20 10
tps --comment --label medium "$T/medium.json"
tps_rc_is 0 "40 updates of 10 long attributes"
comment medium
C=$T/medium.comment.md
n=$(chars "$C")
ok "$([ "$n" -gt 30000 ] && [ "$n" -le 65536 ]; echo $?)" \
	"the comment ($n characters) is within 65,536"
shown=$(grep -c '^<details><summary>~ ' "$C")
last=$(last_line "$C")
like "$last" "^_To stay within GitHub's limit of 65,536 characters per comment, this comment leaves out the attribute changes of [0-9]+ resources\. The job summary has more\._\$" \
	"the last line says only attribute changes were left out"
left=$(sed -n 's/.* attribute changes of \([0-9]*\) resources.*/\1/p' <<<"$last")
is "$((shown + ${left:-0}))" 40 "shown ($shown) and left out ($left) add up to 40"
ok "$([ "$shown" -gt 0 ]; echo $?)" "some attribute changes still fit"
is "$(rows "$C" | wc -l)" 40 "every row of the table is kept"
has "$C" '<details><summary>20 unchanged</summary>' \
	"and the unchanged list"
renders "$C" "the medium comment"
lacks "$T/gh-summary" 'leaves out' "the summary has room for all of it"

# --- many unchanged resources: their list goes before any row -----------------
gen "$T/many.json" 200 100 0 0 1500 1
tps --comment --label many "$T/many.json"
tps_rc_is 0 "300 changes beside 1,500 unchanged resources"
comment many
C=$T/many.comment.md
n=$(chars "$C")
ok "$([ "$n" -le 65536 ]; echo $?)" "the comment ($n characters) is within 65,536"
like "$(last_line "$C")" "^_To stay within GitHub's limit of 65,536 characters per comment, this comment leaves out the attribute changes of [0-9]+ resources; the list of unchanged resources\. The job summary has more\._\$" \
	"the last line: attribute changes and the unchanged list left out, no rows"
is "$(rows "$C" | wc -l)" 300 "every row of the table is kept"
lacks "$C" 'unchanged</summary>' "the unchanged list is not in the comment"
lacks "$C" '^<details><summary>' \
	"nor any attribute changes: they go before the unchanged list does"
renders "$C" "the comment with many unchanged" 0

# --- thousands of changes ---------------------------------------------------------
gen "$T/big.json" 1500 1000 150 50 1500 10
tps --comment --label big "$T/big.json"
tps_rc_is 0 "4,200 resources, 2,700 changes of 10 long attributes"
comment big
C=$T/big.comment.md
S=$T/big.summary.md
cp "$T/gh-summary" "$S"
n=$(chars "$C")
ok "$([ "$n" -gt 30000 ] && [ "$n" -le 65536 ]; echo $?)" \
	"the comment ($n characters) is within 65,536"
s=$(wc -c <"$S")
ok "$([ "$s" -gt 500000 ] && [ "$s" -le 1048576 ]; echo $?)" \
	"the summary ($s bytes) is within 1 MiB"
last=$(last_line "$C")
like "$last" "^_To stay within GitHub's limit of 65,536 characters per comment, this comment leaves out the attribute changes of [0-9]+ resources; the list of unchanged resources; [0-9]+ rows of the table\. The job summary has more\._\$" \
	"the comment's last line: attribute changes, unchanged list and rows left out"
rows "$C" >"$T/big.rows"
kept=$(wc -l <"$T/big.rows")
dropped=$(sed -n 's/.*; \([0-9]*\) rows of the table.*/\1/p' <<<"$last")
is "$((kept + ${dropped:-0}))" 2700 "rows kept ($kept) and left out ($dropped) add up"
has "$C" "^\\| \\| \\.\\.\\. and $dropped more \\| \\| \\|\$" \
	"the table ends with a row saying how many more"
is "$(grep -c '^\(destroy\|replace\) ' "$T/big.rows")" 200 \
	"every destroyed or replaced resource keeps its row"
is "$(awk '$1 != "destroy" && $1 != "replace" { o = 1 } o && ($1 == "destroy" || $1 == "replace") { print NR; exit }' "$T/big.rows")" "" \
	"destruction comes before every other row"
ok "$([ "$(grep -c '^create ' "$T/big.rows")" -lt 1500 ]; echo $?)" \
	"creates are what the table leaves out"
lacks "$C" '<details><summary>1500 unchanged' \
	"the unchanged list is not in the comment"
has "$C" '\[!CAUTION\]' "the caution about destruction stays"
renders "$C" "the big comment" 0

last=$(last_line "$S")
like "$last" "^_To stay within GitHub's limit of 1 MiB per job summary, this summary leaves out the attribute changes of [0-9]+ resources[.;]" \
	"the summary's last line says the attribute changes were left out"
has "$S" '<details><summary>1500 unchanged' \
	"the summary still lists the unchanged resources"
is "$(rows "$S" | wc -l)" 2700 "and every row of the table"
renders "$S" "the big summary"

exec 9>&-
done_testing
