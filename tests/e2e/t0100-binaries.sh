#!/usr/bin/env bash
# The six static binaries as a user gets them: static, stripped, small,
# with --help, --version, --options-json, and exit 2 with one line for a
# bad flag, an unknown input or invalid DA_INPUTS.
. "$(dirname -- "$0")/lib.sh"
fail_if_missing file file
fail_if_missing ldd libc-bin
fail_if_missing jq jq
need_bins

max=2621440
version=$(cat "$DA_TOP/VERSION")
libs="libcurl/8.14.1 mbedTLS/3.6.6 jansson/2.14 libyaml/0.2.5 expat/2.8.3"

# The tools never see DA_INPUTS unless a test sets it.
unset DA_INPUTS

for t in "${DA_TOOLS[@]}"; do
	b=$DA_BIN/$t

	desc=$(file -b "$b")
	like "$desc" "statically linked|static-pie linked" "$t: file says statically linked"
	like "$desc" ", stripped" "$t: file says stripped"
	unlike "$desc" "not stripped|dynamically linked|interpreter" "$t: no interpreter, nothing left to strip"
	run ldd "$b"
	like "$out$err" "not a dynamic executable|statically linked" "$t: ldd finds no shared libraries"
	size=$(stat -c %s "$b")
	ok "$([ "$size" -le "$max" ]; echo $?)" "$t: $size bytes <= $max"

	run "$b" --help
	is "$rc" 0 "$t --help exits 0"
	like "$out" "(^|$NL)[Uu]sage: $t( |$NL|$)" "$t --help prints a usage line"
	is "$err" "" "$t --help prints nothing on stderr"
	run "$b" -h
	is "$rc" 0 "$t -h exits 0"

	run "$b" --version
	is "$rc" 0 "$t --version exits 0"
	first=$(sed -n 1p <<<"$out")
	like "$first" "^$t $version \(rev [0-9a-z]+\)$" "$t --version names tool, version and revision"
	is "$(sed -n 2p <<<"$out")" "$libs" "$t --version names the five libraries and their versions"

	run "$b" --options-json
	is "$rc" 0 "$t --options-json exits 0"
	is "$(jq -r 'type' <<<"$out" 2>&1)" "array" "$t --options-json is a JSON array"
	is "$(jq -c '[.[] | select(.name == "json" or .name == "summary") |
		{name, type, default}] | sort_by(.name)' <<<"$out" 2>&1)" \
		'[{"name":"json","type":"bool","default":"false"},{"name":"summary","type":"bool","default":"true"}]' \
		"$t --options-json has json (default false) and summary (default true)"
	is "$(jq -c '[.[] | keys | sort] | unique' <<<"$out" 2>&1)" \
		'[["action_default","arg","default","description","env","max","min","name","required","secret","short","type"]]' \
		"$t --options-json: every option has the twelve fields"

	run "$b" --no-such-flag
	is "$rc" 2 "$t --no-such-flag exits 2"
	is "$(lines "$err")" 1 "$t --no-such-flag: exactly one line on stderr"
	like "$err" "no-such-flag" "$t --no-such-flag: the line names the flag"
	is "$out" "" "$t --no-such-flag: nothing on stdout"

	run "$b" -Z
	is "$rc" 2 "$t -Z exits 2"
	is "$(lines "$err")" 1 "$t -Z: exactly one line on stderr"
	like "$err" "Z" "$t -Z: the line names the flag"

	run env DA_INPUTS='{"json":"false","no-such-input":"1"}' "$b"
	is "$rc" 2 "$t with an unknown input exits 2"
	is "$(lines "$err")" 1 "$t unknown input: exactly one line on stderr"
	like "$err" "no-such-input" "$t unknown input: the line names it"

	run env DA_INPUTS='{"json": "false",' "$b"
	is "$rc" 2 "$t with invalid JSON in DA_INPUTS exits 2"
	is "$(lines "$err")" 1 "$t invalid DA_INPUTS: exactly one line on stderr"
	like "$err" "DA_INPUTS" "$t invalid DA_INPUTS: the line names DA_INPUTS"

	run env DA_INPUTS='["json"]' "$b"
	is "$rc" 2 "$t with DA_INPUTS not an object exits 2"

	run env DA_INPUTS='{"json":"maybe"}' "$b"
	is "$rc" 2 "$t with a bad bool input exits 2"
	like "$err" "json" "$t bad bool input: the line names the input"

	# A failed run: one line on stderr everywhere, and inside Actions also
	# an error annotation titled with the tool and its DEPLOY_* code.
	run env -u GITHUB_ACTIONS "$b"
	is "$(lines "$err")" 1 "$t failed run: one line on stderr"
	unlike "$out" "::error" "$t failed run outside Actions: no workflow command"
	run env GITHUB_ACTIONS=true "$b"
	is "$(lines "$err")" 1 "$t failed run in Actions: one line on stderr"
	like "$out" "^::error title=$t%3A DEPLOY_[A-Z_]+::" \
		"$t failed run in Actions: an error annotation with the DEPLOY_* code"
done

done_testing
