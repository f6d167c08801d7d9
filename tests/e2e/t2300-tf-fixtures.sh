#!/usr/bin/env bash
# terraform-plan-summary on real plans from other projects (../shared/
# fixtures/tfplan: Terraform and OpenTofu, plan formats 0.1 to 1.2). For
# every plan the expected figures are computed here with jq straight from
# the plan, never from the tool: each step output count, has-changes,
# has-destroy, errored, the destroyed list, the changes of --json by kind,
# each changed address listed once in the text, each destroyed one named in
# the job summary. Then facts of single fixtures (the two orders of a
# replacement, a move with drift, a replacement forced by a list element,
# modules under provider aliasing, an errored plan), several plans in one
# run (labels given, made from file names and from directories when names
# repeat; totals add up) and standard input, piped and redirected.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/tf/lib.sh"
[ -d "$TF_FX" ] || skip_all "no shared terraform plan fixtures beside the project"
TF_FX=$(cd -- "$TF_FX" && pwd -P)
need_tps

shopt -s nullglob
plans=("$TF_FX"/*.plan.json)
shopt -u nullglob
ok "$([ "${#plans[@]}" -gt 0 ]; echo $?)" \
	"the fixture directory holds plans (${#plans[@]})" ||
	_tap_bail "no *.plan.json in $TF_FX"

COUNTS=(create update delete replace read moved imported forget no-op drift
	output-changes)

# load ARRAY FILE FILTER: the object of strings that jq's FILTER makes of
# FILE, into the associative ARRAY (one jq for many checks: jq is slow to
# start).
load() {
	local -n _m=$1
	local k v
	_m=()
	while IFS= read -r -d '' k && IFS= read -r -d '' v; do
		_m["$k"]=$v
	done < <(jq -j "$3"' | to_entries[] | "\(.key)\u0000\(.value)\u0000"' "$2")
}

# The expectations of a plan (tf_expect in $T/exp.json) as strings, and
# the same facts from the tool's --json, in the same shape.
# shellcheck disable=SC2016 # jq's variables, not the shell's
EXPECTED='.counts as $c | ($c | with_entries(.value |= tostring)) + {
	has_changes: "\(.has_changes)", has_destroy: "\(.has_destroy)",
	errored: "\(.errored)", destroyed: (.destroyed | join("\n")),
	changed: (.changed | join("\n")), nchanged: "\(.changed | length)",
	kinds: (.kinds | tojson), unchanged: (.unchanged | tojson),
	counts: ($c | tojson), flags: "\(.has_changes) \(.has_destroy) \(.errored)"}'
GOT_JSON='{kinds: ([.plans[0].changes[] | .kind //= "(no kind)"]
		| group_by(.kind)
		| map({key: .[0].kind, value: (map(.address) | sort)})
		| from_entries | tojson),
	unchanged: (.plans[0].unchanged | sort | tojson),
	counts: (.plans[0].counts | del(.["data-loss"])
		| .["output-changes"] = .outputs | del(.outputs)
		| to_entries | sort_by(.key) | from_entries | tojson),
	flags: "\(.has_changes) \(.has_destroy) \(.plans[0].errored == true)",
	destroyed: (.destroyed | sort | join("\n"))}'
declare -A X J

# listed ADDRESS: how many lines of the last run's text list ADDRESS as a
# change ("  SYM ADDRESS" or "  SYM ADDRESS  (why)"; a label may come first
# with several plans, on the counts line only).
listed() {
	printf '%s\n' "$out" | awk -v a="$1" '
		/^  / && $2 == a && $1 ~ /^(-|-\/\+|\+\/-|\.|\+|~|<=|->|<-|\?)$/ { n++ }
		END { print n + 0 }'
}

# listing_lines: how many lines of the last run's text list a change.
listing_lines() {
	printf '%s\n' "$out" | awk '
		/^  / && $1 ~ /^(-|-\/\+|\+\/-|\.|\+|~|<=|->|<-|\?)$/ { n++ }
		END { print n + 0 }'
}

# destroy_row ADDRESS: the summary has a table row destroying or replacing
# ADDRESS (status 0), as the reviewer sees it.
destroy_row() {
	grep -E '^\| \*\*(destroy|replace)\*\*' "$T/gh-summary" |
		grep -qF -- "| <code>$(md_cell "$1")</code> |"
}

# outputs_line: every count output of the last run, as "name=value ...".
outputs_line() {
	local o
	for o in "${COUNTS[@]}" has-changes has-destroy errored; do
		printf '%s=%s ' "$o" "$(tps_output "$o")"
	done
}

# --- every plan: the figures jq finds in it ----------------------------------
for f in "${plans[@]}"; do
	name=$(basename -- "$f" .plan.json)
	tf_expect "$f" >"$T/exp.json"
	load X "$T/exp.json" "$EXPECTED"
	want_rc=0
	[ "${X[errored]}" = true ] && want_rc=1

	tps "$f"
	tps_rc_is "$want_rc" "$name: exit $want_rc"
	for o in "${COUNTS[@]}"; do
		is "$(tps_output "$o")" "${X[$o]}" "$name: output $o"
	done
	is "$(tps_output has-changes)" "${X[has_changes]}" "$name: has-changes"
	is "$(tps_output has-destroy)" "${X[has_destroy]}" "$name: has-destroy"
	is "$(tps_output errored)" "${X[errored]}" "$name: errored"
	is "$(tps_output destroyed | LC_ALL=C sort)" \
		"$(printf '%s' "${X[destroyed]}" | LC_ALL=C sort)" \
		"$name: destroyed lists every address with delete in its actions"
	got='' want=''
	while IFS= read -r a; do
		[ -n "$a" ] || continue
		got+="$a=$(listed "$a") "
		want+="$a=1 "
	done <<<"${X[changed]}"
	is "$got" "$want" "$name: the text lists each changed address once"
	is "$(listing_lines)" "${X[nchanged]}" \
		"$name: and nothing else (no-ops are counted, not listed)"
	missing=
	while IFS= read -r a; do
		[ -n "$a" ] || continue
		destroy_row "$a" || missing+="$a "
	done <<<"${X[destroyed]}"
	is "$missing" "" "$name: the summary names each destroyed address in a destroy or replace row"

	tps --json "$f"
	tps_rc_is "$want_rc" "$name: --json exits $want_rc"
	load J "$T/.run.out" "$GOT_JSON"
	is "${J[kinds]-}" "${X[kinds]}" "$name: --json changes by kind are jq's sets"
	is "${J[unchanged]-}" "${X[unchanged]}" "$name: --json unchanged are the no-ops"
	is "${J[counts]-}" "${X[counts]}" "$name: --json counts"
	is "${J[flags]-}" "${X[flags]}" "$name: --json has_changes, has_destroy, errored"
	is "${J[destroyed]-}" "$(printf '%s' "${X[destroyed]}" | LC_ALL=C sort)" \
		"$name: --json destroyed"
done

# --- facts of single plans (checked against the plan with jq first) ---------
fx() { printf '%s/%s.plan.json' "$TF_FX" "$1"; }

# create_before_destroy: ["create","delete"], shown +/- and "create first";
# the default order ["delete","create"] is -/+.
cbd=$(fx checkov-create-before-destroy)
rwl=$(fx opentofu-replace-within-list)
is "$(jq -c '[.resource_changes[].change.actions]' "$cbd")" '[["create","delete"]]' \
	"checkov-create-before-destroy: the plan replaces with create_before_destroy"
is "$(jq -c '[.resource_changes[].change.actions]' "$rwl")" '[["delete","create"]]' \
	"opentofu-replace-within-list: the plan replaces destroying first"
tps "$cbd"
like "$out" "${NL}  \+/- +aws_secretsmanager_secret\.default( |$)" \
	"create_before_destroy is +/- in the text"
grep -qF '| **replace** (create first) | <code>aws&#95;secretsmanager&#95;secret.default</code> |' \
	"$T/gh-summary"
ok $? "and 'replace (create first)' in the summary"
tps --json "$cbd"
is "$(tps_json '.plans[0].changes[0] | "\(.action) \(.kind) \(.destroys)"')" \
	"create,delete replace true" "--json: action create,delete, kind replace"
tps "$rwl"
like "$out" "${NL}  -/\+ +tfcoremock_list\.list( |$)" "destroy-first is -/+ in the text"
grep -qF '| **replace** | <code>tfcoremock&#95;list.list</code> |' "$T/gh-summary"
ok $? "and a plain 'replace' in the summary"
tps --json "$rwl"
is "$(tps_json '.plans[0].changes[0] | "\(.action) \(.kind)"')" \
	"delete,create replace" "--json: action delete,create"

# replace_paths [["list",1,"id"]]: the changed element's line ends with
# "# forces replacement" in the summary.
rpath=$(jq -r '.resource_changes[0].change.replace_paths[0]
	| map(if type == "number" then "[\(.)]" else ".\(.)" end)
	| join("") | ltrimstr(".")' "$rwl")
is "$rpath" "list[1].id" "opentofu-replace-within-list: replace_paths names list[1].id"
tps "$rwl"
is "$(awk -v p="$rpath:" 'index($0, p) && /# forces replacement$/' \
	"$T/gh-summary" | wc -l | tr -d ' ')" 1 \
	"its summary marks the $rpath line '# forces replacement'"
is "$(grep -c '# forces replacement' "$T/gh-summary")" 1 \
	"and no other line (list[0] and list[2] do not change)"
like "$(grep -F "$rpath:" "$T/gh-summary")" \
	"$(jq -r '.resource_changes[0].change | "\"\(.before.list[1].id)\" -> \"\(.after.list[1].id)\""' "$rwl")" \
	"the line shows the old and the new id"
like "$out" 'cannot be updated in place' "the text gives action_reason in words"

# A move with an update, and drift of the moved resource.
mwd=$(fx opentofu-moved-with-drift)
is "$(jq -c '[.resource_changes[] | select(.previous_address != null and
	.previous_address != .address) | [.previous_address, .address, .change.actions]]' "$mwd")" \
	'[["tfcoremock_simple_resource.base_before","tfcoremock_simple_resource.base_after",["update"]]]' \
	"opentofu-moved-with-drift: one resource moves and is updated"
is "$(jq '.resource_drift | length' "$mwd")" 1 "and one resource drifted"
tps "$mwd"
is "$(tps_output moved) $(tps_output update) $(tps_output drift)" "1 2 1" \
	"moved=1 (and under update too: update=2), drift=1"
like "$out" "^\+0 ~2 -/\+0 -0, 1 moved${NL}" "the counts line says 1 moved"
like "$out" "tfcoremock_simple_resource\.base_after  \(moved from tfcoremock_simple_resource\.base_before\)" \
	"the text says where it moved from"
like "$out" "1 changed outside Terraform" "the text counts the drift"
tps --json "$mwd"
is "$(tps_json '.plans[0].changes[] | select(.previous_address) | "\(.previous_address) \(.kind)"')" \
	"tfcoremock_simple_resource.base_before update" \
	"--json: previous_address, kind update"
is "$(tps_json '[.plans[0].drift[] | "\(.address) \(.action)"] | join(",")')" \
	"$(jq -r '[.resource_drift[] | "\(.address) \(.change.actions | join(","))"] | join(",")' "$mwd")" \
	"--json: the drift list is resource_drift"

# Provider aliasing: ten creates in the root, two modules and their
# grandchildren; each change keeps its module.
pa=$(fx opentofu-provider-aliasing)
is "$(jq '[.resource_changes[] | select(.change.actions == ["create"])] | length' "$pa")" 10 \
	"opentofu-provider-aliasing: the plan creates 10 resources"
tps --json "$pa"
is "$(tps_json '.counts.create')" 10 "--json counts 10 creates"
is "$(tps_json '[.plans[0].changes[] | [.address, (.module // "")]] | sort | tojson')" \
	"$(jq -c '[.resource_changes[] | [.address, (.module_address // "")]] | sort' "$pa")" \
	"each change keeps its module_address"
is "$(tps_json '[.plans[0].changes[] | .module // "(root)"] | group_by(.)
	| map("\(.[0])=\(length)") | join(" ")')" \
	"(root)=2 module.child=2 module.child.module.grandchild=2 module.sibling=2 module.sibling.module.grandchild=2" \
	"two resources in each of the five modules"
tps "$pa"
is "$(grep -c '^| create | ' "$T/gh-summary")" 10 "the summary has ten create rows"
grep -qF '| create | <code>module.child.module.grandchild.test&#95;instance.test&#95;main</code> | <code>module.child.module.grandchild</code> |' \
	"$T/gh-summary"
ok $? "with the module in its own column"

# The errored plan: exit 1 with errored=true, unless --no-fail-on-errored.
pe=$(fx opentofu-plan-error)
is "$(jq -c '[.errored, has("resource_changes")]' "$pe")" '[true,false]' \
	"opentofu-plan-error: errored, without resource_changes"
tps "$pe"
tps_rc_is 1 "an errored plan exits 1"
is "$(tps_output errored) $(tps_output verdict)" "true fail" "errored=true, verdict=fail"
like "$err" "errored" "stderr says it errored"
is "$(lines "$err")" 1 "in one line"
like "$out" "errored" "the text says so too"
grep -q '^> \*\*Terraform reported errors while planning\.\*\*' "$T/gh-summary"
ok $? "and the summary"
tps --no-fail-on-errored "$pe"
tps_rc_is 0 "--no-fail-on-errored: exit 0"
is "$(tps_output errored) $(tps_output verdict)" "true pass" "errored=true, verdict=pass"
like "$out" "errored" "the text still says it errored"

# --- several plans in one run ------------------------------------------------
src=$(fx snyk-resource-changes)
tps "prod=$src" "staging=$cbd" "$mwd"
tps_rc_is 0 "three plans: two named LABEL=PATH, one not"
tps --json "prod=$src" "staging=$cbd" "$mwd"
is "$(tps_json '[.plans[].label] | join(" ")')" \
	"prod staging opentofu-moved-with-drift" \
	"labels: the given ones, and the file name without .plan.json"
tps "prod=$src" "staging=$cbd" "$mwd"
is "$(tps_output destroyed)" \
	"prod: aws_s3_bucket.delete_bucket${NL}staging: aws_secretsmanager_secret.default" \
	"destroyed: 'label: address' per line"
like "$out" "(^|$NL)prod: \+1 ~1 -/\+0 -1${NL}" "the text heads each plan with its label"
like "$out" "${NL}total: \+1 ~3 -/\+1 -1, 1 moved(${NL}|\$)" \
	"and gives the total after the plans"
grep -q '^### staging$' "$T/gh-summary"
ok $? "the summary has a section per plan"

# Every fixture at once: each output is the sum of what jq finds.
for f in "${plans[@]}"; do
	tf_expect "$f" | jq -c --arg l "$(basename -- "$f" .plan.json)" \
		'.destroyed |= map("\($l): \(.)")'
done | jq -s '{counts: (map(.counts) | reduce .[] as $c ({};
	reduce ($c | keys[]) as $k (.; .[$k] += $c[$k]))),
	has_changes: any(.[]; .has_changes), has_destroy: any(.[]; .has_destroy),
	errored: any(.[]; .errored), destroyed: (map(.destroyed[]) | sort),
	changed: [], kinds: {}, unchanged: []}' >"$T/exp.json"
load X "$T/exp.json" "$EXPECTED"
tps --no-fail-on-errored "${plans[@]}"
tps_rc_is 0 "all ${#plans[@]} fixtures at once (--no-fail-on-errored)"
for o in "${COUNTS[@]}"; do
	is "$(tps_output "$o")" "${X[$o]}" "all at once: $o adds up"
done
is "$(tps_output has-changes) $(tps_output has-destroy) $(tps_output errored)" \
	"${X[flags]}" "all at once: has-changes, has-destroy, errored"
is "$(tps_output destroyed | LC_ALL=C sort)" \
	"$(printf '%s' "${X[destroyed]}" | LC_ALL=C sort)" \
	"all at once: destroyed, each after its plan's label"
tps --json --no-fail-on-errored "${plans[@]}"
# shellcheck disable=SC2016 # jq's variables, not the shell's
is "$(tps_json '. as $d | [$d.counts | keys[] | . as $k
	| select(($d.plans | map(.counts[$k]) | add) != $d.counts[$k])] | join(" ")')" "" \
	"--json: each total is the sum of the plans' counts"
is "$(tps_json '.plans | length')" "${#plans[@]}" "--json: a plan each"

# The same file name in two directories: labelled by directory.
mkdir -p "$T/envs/prod" "$T/envs/staging"
cp -- "$src" "$T/envs/prod/plan.json"
cp -- "$cbd" "$T/envs/staging/plan.json"
cd -- "$T/envs" || _tap_bail "cannot cd to $T/envs"
tps prod/plan.json staging/plan.json
tps_rc_is 0 "prod/plan.json and staging/plan.json"
is "$(tps_output destroyed)" \
	"prod: aws_s3_bucket.delete_bucket${NL}staging: aws_secretsmanager_secret.default" \
	"are labelled prod and staging"
tps --json prod/plan.json staging/plan.json
is "$(tps_json '[.plans[] | "\(.label)=\(.path)"] | join(" ")')" \
	"prod=prod/plan.json staging=staging/plan.json" "--json: labels and paths"
tps --plans "$(printf 'blue=prod/plan.json\ngreen=staging/plan.json')"
is "$(tps_output destroyed)" \
	"blue: aws_s3_bucket.delete_bucket${NL}green: aws_secretsmanager_secret.default" \
	"--plans: one LABEL=PATH per line"
cd -- "$DA_TOP" || _tap_bail "cannot cd back"

# --- standard input ----------------------------------------------------------
# The same figures and the same summary (its details are read again from
# the copy of a pipe) as from the file.
tps "$src"
want=$(outputs_line)
cp -- "$T/gh-summary" "$T/summary.file"
tps_pipe "$src" -
tps_rc_is 0 "a plan piped to '-'"
is "$(outputs_line)" "$want" "gives the file's outputs"
is "$(tps_output destroyed)" aws_s3_bucket.delete_bucket "and its destroyed list"
cmp -s "$T/summary.file" "$T/gh-summary"
ok $? "and its summary, attribute changes included"
tps_stdin "$src" -
tps_rc_is 0 "a plan redirected into '-' (< file)"
is "$(outputs_line)" "$want" "gives the file's outputs"
cmp -s "$T/summary.file" "$T/gh-summary"
ok $? "and its summary"
tps_pipe "$src" --json -
is "$(tps_json '.plans[0] | "\(.label) \(.path)"')" "stdin -" "--json: labelled stdin"
tps_pipe "$src" "$cbd" -
is "$(tps_output destroyed)" \
	"checkov-create-before-destroy: aws_secretsmanager_secret.default${NL}stdin: aws_s3_bucket.delete_bucket" \
	"a file and '-' together: the pipe is labelled stdin"

# A piped plan over a megabyte (read in several blocks): every change.
jq -n '{format_version: "1.2", terraform_version: "1.9.0",
	resource_changes: [range(0; 3000) | {address: "null_resource.n[\(.)]",
		mode: "managed", type: "null_resource", name: "n", index: .,
		change: {actions: ["create"], before: null,
			after: {triggers: {pad: ("x" * 400)}}}}]}' >"$T/big.json"
ok "$([ "$(wc -c <"$T/big.json")" -gt 1200000 ]; echo $?)" "a plan of $(wc -c <"$T/big.json") bytes"
tps_pipe "$T/big.json" -
tps_rc_is 0 "piped in"
is "$(tps_output create)" 3000 "all 3000 creates counted"
is "$(listing_lines)" 3000 "and listed"

done_testing
