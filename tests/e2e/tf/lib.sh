# shellcheck shell=bash
# tf/lib.sh: functions for the terraform-plan-summary end-to-end tests
# (t23xx), sourced after tests/e2e/lib.sh:
#
#   . "$(dirname -- "$0")/lib.sh"
#   . "$(dirname -- "$0")/tf/lib.sh"
#
# Runs: tps ARG... runs build/bin/terraform-plan-summary under `timeout`
# with standard input from /dev/null, a fresh GITHUB_OUTPUT ($T/gh-output)
# and GITHUB_STEP_SUMMARY ($T/gh-summary), and sets out, err, rc like
# `run` (the raw streams stay in $T/.run.out and $T/.run.err). The
# variables of a real workflow run that would change what the tool does
# (GITHUB_ACTIONS, the event, a token, DA_INPUTS, RUNNER_TEMP) are removed
# from its environment, so the tests behave the same inside GitHub Actions
# as on a laptop; TMPDIR is $T; TPS_ENV (an array of NAME=VALUE) adds to
# it. tps_stdin FILE ARG... is the same with standard input redirected from
# FILE (a regular file the tool may seek), tps_pipe FILE ARG... with FILE
# piped in (`cat FILE | tool`, a pipe it must copy).
#
# Reading the results: tps_output NAME reads a step output back (status 1
# when absent); tps_json FILTER applies jq -r to the last run's stdout.
#
# Checks: need_tps (the binary and jq are there), tps_rc_is WANT DESC (the
# exit status, showing the run's output when it differs),
# tps_nothing_written DESC (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and stdout
# stayed empty).
#
# The plan, independently of the tool: tf_expect PLAN prints a JSON
# document computed with jq alone from a `terraform show -json` file:
#   {counts: {create, update, delete, replace, read, moved, imported,
#             forget, no-op, other, drift, output-changes},
#    has_changes, has_destroy, errored,
#    kinds: {KIND: [sorted addresses]} for every kind the tool lists
#           (create update delete replace read forget moved imported other),
#    changed: [sorted addresses of every change listed, no-ops excluded],
#    unchanged: [sorted no-op addresses], destroyed: [sorted addresses
#    whose actions hold "delete"]}
# following the counting contract: a replacement in either order counts
# once, under replace; a no-op that moves counts only under moved, one that
# imports only under imported; a move or an import with another action
# counts under that action and under moved or imported too.
#
# Plans: tf_mkplan FILE ACTION:TYPE.NAME... writes a small plan of those
# changes.
#
# Markdown: md_cell TEXT prints TEXT as a summary table cell writes it
# (the characters Markdown would read as emphasis or HTML as entities).
#
# Fixtures: TF_FX is ../shared/fixtures/tfplan beside the project (real
# plans, read only); tests that use it skip when it is absent.

TPS=$DA_BIN/terraform-plan-summary
TPS_ENV=()
TPS_TIMEOUT=${TPS_TIMEOUT:-30}
# shellcheck disable=SC2034 # for the sourcing tests
TF_FX=$DA_TOP/../shared/fixtures/tfplan

# need_tps: build/bin/terraform-plan-summary and jq exist, else fail.
need_tps() {
	[ -x "$TPS" ] || _tap_bail "missing $TPS; run: make"
	fail_if_missing jq jq
}

# _tps_exec STDIN ARG...: the common part of tps, tps_stdin and tps_pipe
# (STDIN: a file to redirect from, or "|FILE" to pipe FILE in).
_tps_exec() {
	local in=$1
	local cmd
	shift
	: >"$T/gh-output"
	: >"$T/gh-summary"
	cmd=(env -u GITHUB_ACTIONS -u GITHUB_WORKSPACE -u GITHUB_EVENT_NAME
		-u GITHUB_EVENT_PATH -u GITHUB_BASE_REF -u GITHUB_HEAD_REF
		-u GITHUB_REPOSITORY -u GITHUB_API_URL -u GITHUB_TOKEN
		-u DA_INPUTS -u RUNNER_DEBUG -u RUNNER_TEMP
		TMPDIR="$T" GITHUB_OUTPUT="$T/gh-output"
		GITHUB_STEP_SUMMARY="$T/gh-summary"
		"${TPS_ENV[@]}" timeout "$TPS_TIMEOUT" "$TPS" "$@")
	if [ "${in:0:1}" = "|" ]; then
		cat -- "${in:1}" | "${cmd[@]}" >"$T/.run.out" 2>"$T/.run.err"
	else
		"${cmd[@]}" >"$T/.run.out" 2>"$T/.run.err" <"$in"
	fi
	rc=$?
	out=$(cat "$T/.run.out")
	err=$(cat "$T/.run.err")
	return 0
}

# tps ARG...: runs terraform-plan-summary (see the top of this file).
tps() {
	_tps_exec /dev/null "$@"
}

# tps_stdin FILE ARG...: tps with standard input redirected from FILE.
tps_stdin() {
	local f=$1
	shift
	_tps_exec "$f" "$@"
}

# tps_pipe FILE ARG...: tps with FILE piped into standard input.
tps_pipe() {
	local f=$1
	shift
	_tps_exec "|$f" "$@"
}

# tps_output NAME [FILE]: gh_output (lib.sh) on the last run's
# GITHUB_OUTPUT.
tps_output() {
	gh_output "$@"
}

# tps_json FILTER: jq -r FILTER over the last run's stdout ("" on an error).
tps_json() {
	jq -r "$1" "$T/.run.out" 2>/dev/null
}

# _tps_at_caller: a diagnostic naming the test script's line.
_tps_at_caller() {
	diag "  at ${BASH_SOURCE[2]##*/} line ${BASH_LINENO[1]}"
}

# tps_rc_is WANT DESC: the last run's exit status is WANT; when it is not,
# its stdout and stderr (first 1500 characters each) follow as diagnostics.
tps_rc_is() {
	is "$rc" "$1" "$2" && return 0
	_tps_at_caller
	diag "stdout: ${out:0:1500}"
	diag "stderr: ${err:0:1500}"
	return 1
}

# tps_nothing_written DESC: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and stdout
# stayed empty.
tps_nothing_written() {
	if [ -s "$T/gh-output" ] || [ -s "$T/gh-summary" ] ||
		[ -s "$T/.run.out" ]; then
		_tap_result 1 "$1"
		_tps_at_caller
		diag "GITHUB_OUTPUT: $(head -c 300 "$T/gh-output")"
		diag "GITHUB_STEP_SUMMARY: $(head -c 300 "$T/gh-summary")"
		diag "stdout: $(head -c 300 "$T/.run.out")"
		return 1
	fi
	_tap_result 0 "$1"
}

# md_cell TEXT: TEXT escaped as the summary's table cells write it.
md_cell() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' \
		-e 's/>/\&gt;/g' -e 's/\*/\&#42;/g' -e 's/_/\&#95;/g' \
		-e 's/`/\&#96;/g' -e 's/~/\&#126;/g' -e 's/\\/\\\\/g' \
		-e 's/|/\\|/g'
}

# tf_expect PLAN: the expected counts and address sets (see the top).
tf_expect() {
	jq -S '
	def moved: .previous_address != null and .previous_address != .address;
	def imported: (.change.importing | type) == "object";
	def kind:
		(.change.actions // []) as $a
		| if $a == ["create"] then "create"
		elif $a == ["update"] then "update"
		elif $a == ["delete"] then "delete"
		elif $a == ["delete", "create"] or $a == ["create", "delete"]
		then "replace"
		elif $a == ["read"] then "read"
		elif $a == ["forget"] or $a == ["create", "forget"] then "forget"
		elif $a == ["no-op"] then
			(if moved then "moved" elif imported then "imported"
			else "no-op" end)
		else "other" end;
	def n(f): map(select(f)) | length;
	(.errored == true) as $errored
	| [.resource_changes[]? | {address, kind: kind, moved: moved,
		imported: imported,
		destroys: any((.change.actions // [])[]; . == "delete")}] as $rc
	| ([(.output_changes // {})[]
		| select((.actions // []) != ["no-op"])] | length) as $outs
	| {counts: {
		create: ($rc | n(.kind == "create")),
		update: ($rc | n(.kind == "update")),
		delete: ($rc | n(.kind == "delete")),
		replace: ($rc | n(.kind == "replace")),
		read: ($rc | n(.kind == "read")),
		forget: ($rc | n(.kind == "forget")),
		other: ($rc | n(.kind == "other")),
		moved: ($rc | n(.moved)),
		imported: ($rc | n(.imported)),
		"no-op": ($rc | n(.kind == "no-op")),
		drift: ([.resource_drift[]?] | length),
		"output-changes": $outs}}
	| .has_changes = ([.counts | .create, .update, .delete, .replace,
		.read, .forget, .other, .moved, .imported,
		."output-changes"] | add > 0)
	| .has_destroy = (.counts.delete + .counts.replace > 0)
	| .kinds = ([$rc[] | select(.kind != "no-op")] | group_by(.kind)
		| map({key: .[0].kind, value: (map(.address) | sort)})
		| from_entries)
	| .changed = ([$rc[] | select(.kind != "no-op") | .address] | sort)
	| .unchanged = ([$rc[] | select(.kind == "no-op") | .address] | sort)
	| .destroyed = ([$rc[] | select(.destroys) | .address] | sort)
	| .errored = $errored
	' "$1"
}

# tf_mkplan FILE ACTION:TYPE.NAME...: a plan of those changes, as
# `terraform show -json` prints it (ACTION: create, update, delete,
# replace or no-op).
tf_mkplan() {
	local f=$1
	shift
	jq -n '
	{"create": ["create"], "update": ["update"], "delete": ["delete"],
	 "replace": ["delete", "create"], "no-op": ["no-op"]} as $acts
	| [$ARGS.positional[] | split(":")] as $c
	| {format_version: "1.2", terraform_version: "1.9.8",
	   planned_values: {root_module: {}},
	   resource_changes: [$c[] | .[0] as $a | .[1] as $addr
	     | ($addr | split(".")) as $p
	     | {address: $addr, mode: "managed", type: $p[0], name: $p[1],
		provider_name: "registry.terraform.io/hashicorp/aws",
		change: {actions: $acts[$a],
		  before: (if $a == "create" then null
			   else {name: $p[1], size: 1} end),
		  after: (if $a == "delete" then null
			  else {name: $p[1],
				size: (if $a == "no-op" then 1 else 2 end)} end),
		  after_unknown: {}, before_sensitive: {}, after_sensitive: {}}}],
	   configuration: {root_module: {}},
	   applyable: ([$c[] | select(.[0] != "no-op")] | length > 0),
	   complete: true, errored: false}' --args "$@" >"$f"
}
