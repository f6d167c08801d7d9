# shellcheck shell=bash
# smoke/lib.sh: functions for the smoke-test end-to-end tests (t21xx), sourced
# after tests/e2e/lib.sh:
#
#   . "$(dirname -- "$0")/lib.sh"
#   . "$(dirname -- "$0")/smoke/lib.sh"
#
# Servers: nginx_start NAME PORT CONFIG (see nginx.sh), hostile_start NAME
# (tests/e2e/smoke/hostile-server.mjs; sets HOSTILE_PORT), bg_register PID.
# Everything started is stopped when the test exits, however it exits.
#
# Runs: smoke ARG... runs build/bin/smoke-test under `timeout` with a fresh
# GITHUB_OUTPUT ($T/gh-output) and GITHUB_STEP_SUMMARY ($T/gh-summary) and
# sets out, err, rc like `run`, plus secs (wall time, seconds with 2
# decimals). gh_output NAME reads a step output back. SMOKE_ENV (an array
# of NAME=VALUE) is added to the environment of the run; SMOKE_WRAP (an
# array) is a command put in front of the binary (see rss_wrap).
#
# Checks: need_smoke (the binary is built), rc_is WANT DESC (the exit
# status, showing the run's output when it differs), clean_text TEXT DESC
# (valid UTF-8, no stray control bytes), lt A B (decimal A < B).

# shellcheck source=tests/e2e/smoke/nginx.sh
. "$DA_TOP/tests/e2e/smoke/nginx.sh"

SMOKE=$DA_BIN/smoke-test
SMOKE_ENV=()
SMOKE_WRAP=()
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-40}
_smoke_pids=()

# The cleanup runs before lib.sh's own exit handler, which reads $?.
_smoke_exit() {
	local st=$?
	local p
	[ -n "$_smoke_cur" ] && kill "$_smoke_cur" 2>/dev/null
	for p in "${_smoke_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	nginx_stop_all
	for p in "${_smoke_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	(exit "$st")
	_tap_exit
}
trap _smoke_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
_smoke_cur=

# bg_register PID: kill PID when the test ends.
bg_register() {
	_smoke_pids+=("$1")
}

# wait_port PORT [SECONDS]: waits until 127.0.0.1:PORT accepts a connection.
wait_port() {
	local port=$1 tries=$((${2:-10} * 10))
	while [ "$tries" -gt 0 ]; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# hostile_start NAME [ARG...]: starts hostile-server.mjs on a port the
# kernel picks; sets HOSTILE_PORT. Its log is $T/NAME.log.
hostile_start() {
	local name=$1
	shift
	rm -f "$T/$name.port"
	node "$DA_TOP/tests/e2e/smoke/hostile-server.mjs" \
		--port-file "$T/$name.port" "$@" >"$T/$name.log" 2>&1 &
	bg_register $!
	for _ in $(seq 100); do
		if [ -s "$T/$name.port" ]; then
			HOSTILE_PORT=$(cat "$T/$name.port")
			return 0
		fi
		sleep 0.1
	done
	diag "hostile-server did not start:$NL$(cat "$T/$name.log")"
	return 1
}

# smoke ARG...: runs smoke-test (see the top of this file).
smoke() {
	local t0 t1
	: >"$T/gh-output"
	: >"$T/gh-summary"
	t0=$(date +%s%N)
	# In the background and waited for, so that a signal to the test
	# reaches the exit handler at once, which stops this run too.
	env GITHUB_OUTPUT="$T/gh-output" GITHUB_STEP_SUMMARY="$T/gh-summary" \
		"${SMOKE_ENV[@]}" timeout "$SMOKE_TIMEOUT" "${SMOKE_WRAP[@]}" \
		"$SMOKE" "$@" \
		>"$T/.run.out" 2>"$T/.run.err" </dev/null &
	_smoke_cur=$!
	wait "$_smoke_cur"
	rc=$?
	_smoke_cur=
	t1=$(date +%s%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	out=$(cat "$T/.run.out")
	err=$(cat "$T/.run.err")
	return 0
}

# lt A B: A < B for decimal numbers (status 0 when true).
lt() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'
}

# rss_wrap FILE: sets SMOKE_WRAP so that the next run writes smoke-test's
# peak resident set size in KiB to FILE: GNU time when /usr/bin/time is
# there, else python3's getrusage(RUSAGE_CHILDREN). The exit status is
# passed on (128+N for a signal).
rss_wrap() {
	if /usr/bin/time -f %M true >/dev/null 2>&1; then
		SMOKE_WRAP=(/usr/bin/time -f %M -o "$1")
	else
		SMOKE_WRAP=(python3 -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(128 - rc if rc < 0 else rc)
' "$1")
	fi
}

# rc_is WANT DESC: the last run's exit status is WANT; when it is not, its
# stdout and stderr (first 1500 characters each) follow as diagnostics.
rc_is() {
	is "$rc" "$1" "$2" && return 0
	diag "stdout: ${out:0:1500}"
	diag "stderr: ${err:0:1500}"
	return 1
}

# clean_text TEXT DESC: TEXT is valid UTF-8 without control characters
# other than tab and newline (no stray bytes from a buffer).
clean_text() {
	local bad=0
	printf '%s' "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || bad=1
	if printf '%s' "$1" | LC_ALL=C grep -q '[[:cntrl:]]' 2>/dev/null; then
		# tab and newline are fine; anything else is not
		printf '%s' "$1" | LC_ALL=C tr -d '\t\n' |
			LC_ALL=C grep -q '[[:cntrl:]]' && bad=1
	fi
	ok "$bad" "$2" && return 0
	diag "$(printf '%s' "$1" | LC_ALL=C grep -a -n '[^[:print:][:space:]]' |
		head -n 3 | cat -v)"
	return 1
}

# need_smoke: build/bin/smoke-test exists, else fail with what to run.
need_smoke() {
	[ -x "$SMOKE" ] || _tap_bail "missing $SMOKE; run: make"
}
