#!/usr/bin/env bash
# Each of the six actions run through the local runner harness from the
# main tree (actions/<tool>/action.yml -> actions/launch.sh ->
# build/bin/<tool>): --help and --version through the real action path,
# a bad flag, an unknown input, input text never reaching the shell; and
# launch.sh building a missing binary and refusing an unsupported OS.
. "$(dirname -- "$0")/lib.sh"
need_node_modules
need_bins

RA=$DA_TOP/scripts/run-action
mkdir -p "$T/ws"
version=$(cat "$DA_TOP/VERSION")

# stderr without the harness's own "Warning: Unexpected input(s)" line.
tool_err() {
	grep -v '^Warning: Unexpected input(s)' <<<"$err"
}

for t in "${DA_TOOLS[@]}"; do
	a=$DA_TOP/actions/$t

	run "$RA" --workspace "$T/ws" --append-args --help "$a"
	is "$rc" 0 "$t action --help exits 0"
	like "$out" "[Uu]sage: $t" "$t action --help prints the usage"

	run "$RA" --workspace "$T/ws" --append-args --version "$a"
	is "$rc" 0 "$t action --version exits 0"
	like "$(sed -n 1p <<<"$out")" "^$t $version \(rev " "$t action --version names the tool"

	run "$RA" --workspace "$T/ws" --append-args --no-such-flag "$a"
	is "$rc" 2 "$t action with a bad flag exits 2"
	is "$(lines "$err")" 1 "$t action bad flag: one line on stderr"
	like "$err" "no-such-flag" "$t action bad flag: the line names it"

	run "$RA" --workspace "$T/ws" --with no-such-input=1 "$a"
	is "$rc" 2 "$t action with an unknown input exits 2"
	like "$err" "Unexpected input\(s\) 'no-such-input'" "$t: the runner warns about it"
	is "$(tool_err | wc -l)" 1 "$t unknown input: the tool prints one line"
	like "$(tool_err)" "no-such-input" "$t unknown input: the tool's line names it"

	# Input text is data: a command substitution in a value is neither
	# run by the action's shell nor accepted by the tool.
	run "$RA" --workspace "$T/ws" --with "json=\$(touch $T/pwned-$t)" "$a"
	is "$rc" 2 "$t action: a shell command as a bool input is a bad value (exit 2)"
	ok "$([ ! -e "$T/pwned-$t" ]; echo $?)" "$t action: the input was not run by a shell"
done

# --- launch.sh --------------------------------------------------------------
L=$DA_TOP/actions/launch.sh
run "$L" no-such-tool
is "$rc" 3 "launch.sh with an unknown tool exits 3"
is "$(lines "$err")" 1 "and prints one line"
like "$err" "unknown tool 'no-such-tool'" "naming the tool"

run "$L" smoke-test --version
is "$rc" 0 "launch.sh runs build/bin/<tool> in the main tree, passing arguments"
like "$out" "^smoke-test $version " "with the tool's own output"

# A fake uname says macOS: one line, exit 3, before anything else.
mkdir -p "$T/fakebin"
cat >"$T/fakebin/uname" <<'EOF'
#!/bin/sh
case $1 in -s) echo Darwin ;; -m) echo arm64 ;; *) echo Darwin ;; esac
EOF
chmod +x "$T/fakebin/uname"
run env PATH="$T/fakebin:$PATH" "$L" rollback --version
is "$rc" 3 "launch.sh on an unsupported OS exits 3"
is "$(lines "$err")" 1 "with one line"
like "$err" "^rollback: unsupported operating system 'Darwin'" "saying which OS"
is "$out" "" "and the tool did not run"

# A source checkout without the binary: launch.sh says so on stderr, builds
# it with make -C <repo> build/bin/<tool>, then runs it. The checkout here
# is a copy of the action files with a Makefile that records its goal.
repo=$T/checkout
mkdir -p "$repo/actions/smoke-test"
cp "$L" "$repo/actions/launch.sh"
cp "$DA_TOP/actions/smoke-test/action.yml" "$repo/actions/smoke-test/"
cat >"$repo/Makefile" <<'EOF'
build/bin/%:
	@echo "make output for $@"
	@echo "$@" >> goals.log
	@mkdir -p build/bin
	@printf '#!/bin/sh\necho "built tool ran with: $$*"\necho "DA_INPUTS=$$DA_INPUTS"\n' > $@
	@chmod +x $@
EOF
run "$RA" --workspace "$T/ws" --with json=true --append-args "--flag x" \
	"$repo/actions/smoke-test"
is "$rc" 0 "a checkout without the binary builds it and runs the action"
is "$(cat "$repo/goals.log")" "build/bin/smoke-test" "make was asked for build/bin/smoke-test only"
like "$(sed -n 1p <<<"$err")" "^smoke-test: no binary at build/bin/smoke-test; building it with make" \
	"the first stderr line says it is building"
like "$err" "make output for build/bin/smoke-test" "make's output goes to stderr"
like "$out" "^built tool ran with: --flag x${NL}DA_INPUTS=\\{${NL}  \"json\": \"true\",${NL}" \
	"stdout is the tool's alone, with DA_INPUTS from the action, the given input first"
like "$out" "${NL}  \"summary\": \"true\"${NL}\\}\$" \
	"then the declared inputs with their defaults"
run "$RA" --workspace "$T/ws" "$repo/actions/smoke-test"
is "$(cat "$repo/goals.log")" "build/bin/smoke-test" "an existing binary is not rebuilt"

# A failing build: exit 3 with a line saying so.
rm -f "$repo/build/bin/smoke-test"
printf 'build/bin/%%:\n\t@echo "cc: error" >&2; exit 1\n' >"$repo/Makefile"
run "$repo/actions/launch.sh" smoke-test --help
is "$rc" 3 "a failing build exits 3"
like "$(tail -n 1 <<<"$err")" "^smoke-test: building '.*' failed" "and the last line says the build failed"

done_testing
