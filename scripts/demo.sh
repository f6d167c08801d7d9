#!/usr/bin/env bash
# make demo: the pipeline of the design documents, end to end on loopback,
# with the tools that are in this build.
#
#   1. CI: a small C program is built with --coverage and run; lcov
#      captures its coverage; coverage-gate gates it (fail under 70,
#      warn under 90) in a git repository, as a workflow would.
#   2. Infra pull request: terraform-plan-summary reads the release's
#      plan, fails on the destruction nobody allowed, then passes once it
#      is allowed, flagging the queue as possible data loss.
#   3. Deploy: "release 2.0.1" goes live behind a real nginx on
#      127.0.0.1; smoke-test waits for it and asserts status, body and
#      version, as the job after a deploy would.
#   4. A broken release (version 2.0.0 still serving) is caught by the same
#      smoke-test: exit 1, the code DEPLOY_HEALTH_CHECK_FAILED.
#
# Everything happens in a temporary directory that is removed at the end;
# nothing listens anywhere but 127.0.0.1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
tmp=$(mktemp -d -t da-demo.XXXXXX)
nginx_bin=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
cleanup() {
	if [ -f "$tmp/web/nginx.pid" ]; then
		"$nginx_bin" -p "$tmp/web" -c "$tmp/web/nginx.conf" -s stop \
			>/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }

echo "deploy-actions demo"
for t in coverage-gate terraform-plan-summary data-residency-check \
	smoke-test blue-green-switch rollback; do
	printf '  %-24s %8d bytes  %s\n' "$t" "$(wc -c <"$bin/$t")" \
		"$("$bin/$t" --version | head -n 1)"
done

# --- 1. CI: coverage ------------------------------------------------------------
step "CI: unit tests with coverage, then coverage-gate"
repo=$tmp/shop
mkdir -p "$repo/src"
cp "$top"/tests/e2e/cov/c/*.c "$top"/tests/e2e/cov/c/*.h "$repo/src/"
git -C "$repo" init -q
git -C "$repo" add .
git -C "$repo" -c user.name=demo -c user.email=demo@example.com \
	commit -qm "shop service"
(cd "$repo/src" && gcc --coverage -O0 -o grade main.c grade.c &&
	./grade >/dev/null)
(cd "$repo" && lcov --quiet --capture --directory src \
	--rc lcov_branch_coverage=1 --output-file lcov.info) >/dev/null 2>&1
say "lcov wrote lcov.info; its own figures:"
lcov --summary "$repo/lcov.info" --rc lcov_branch_coverage=1 2>&1 |
	sed -n 's/^ *\(lines\|functions\|branches\)\.*: /     \1: /p'
say "\$ coverage-gate --fail-under 70 --warn-under 90 lcov.info"
set +e
(cd "$repo" && GITHUB_STEP_SUMMARY=$tmp/summary.md GITHUB_OUTPUT=$tmp/out \
	"$bin/coverage-gate" --fail-under 70 --warn-under 90 \
	--thresholds 'branches: 50' --badge "$tmp/badge.svg" lcov.info) |
	sed 's/^/     /'
rc=${PIPESTATUS[0]}
set -e
say "exit status $rc; step outputs: $(grep -E '^(verdict|lines|branches)=' "$tmp/out" | tr '\n' ' ')"
say "job summary: $(wc -c <"$tmp/summary.md") bytes of Markdown; badge: $(wc -c <"$tmp/badge.svg") bytes of SVG"

# --- 2. Infra pull request: the plan -------------------------------------------
step "Infra pull request: terraform-plan-summary on the release's plan"
plan=$top/tests/e2e/fixtures/tfplan/shop-release.plan.json
say "\$ terraform-plan-summary --fail-on-destroy --allow-destroy 'aws_ecs_task_definition.*' plan.json"
set +e
: >"$tmp/out"
GITHUB_STEP_SUMMARY=$tmp/plan.md GITHUB_OUTPUT=$tmp/out \
	"$bin/terraform-plan-summary" --fail-on-destroy \
	--allow-destroy 'aws_ecs_task_definition.*' "$plan" 2>&1 |
	sed 's/^/     /'
rc=${PIPESTATUS[0]}
set -e
say "exit status $rc: the queue's deletion was not allowed (DEPLOY_APPROVAL_REQUIRED)"
say "\$ ... --allow-destroy 'aws_sqs_queue.legacy_jobs' (a reviewer approved it)"
set +e
: >"$tmp/out"
GITHUB_STEP_SUMMARY=$tmp/plan.md GITHUB_OUTPUT=$tmp/out \
	"$bin/terraform-plan-summary" --fail-on-destroy \
	--allow-destroy 'aws_ecs_task_definition.*' \
	--allow-destroy 'aws_sqs_queue.legacy_jobs' "$plan" >/dev/null 2>&1
rc=$?
set -e
say "exit status $rc; step outputs: $(grep -E '^(has-destroy|has-data-loss|replace|delete)=' "$tmp/out" | tr '\n' ' ')"
say "job summary: $(wc -c <"$tmp/plan.md") bytes of Markdown, the secret's value masked: $(grep -c '(sensitive)' "$tmp/plan.md") line(s) say (sensitive)"

# --- 3. Deploy and smoke test ----------------------------------------------------------
step "Deploy: release 2.0.1 behind nginx on 127.0.0.1, then smoke-test"
port=$(node -e 'const s = require("net").createServer();
	s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
web=$tmp/web
mkdir -p "$web/tmp"
user=
[ "$(id -u)" = 0 ] && user="user root;"
serve() { # serve VERSION: (re)writes the config for VERSION
	cat >"$web/nginx.conf" <<EOF
$user
worker_processes 1;
pid $web/nginx.pid;
error_log $web/error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $web/tmp/body;
	proxy_temp_path $web/tmp/proxy;
	fastcgi_temp_path $web/tmp/fastcgi;
	uwsgi_temp_path $web/tmp/uwsgi;
	scgi_temp_path $web/tmp/scgi;
	server {
		listen 127.0.0.1:$port;
		default_type application/json;
		location = /health { return 200 '{"status": "UP", "version": "$1"}'; }
	}
}
EOF
}
serve 2.0.1
"$nginx_bin" -p "$web" -c "$web/nginx.conf" -e "$web/error.log"
say "\$ smoke-test --url http://127.0.0.1:$port/health --condition '[BODY].version == 2.0.1'"
set +e
"$bin/smoke-test" --url "http://127.0.0.1:$port/health" \
	--timeout 10s --samples 20 --latency 'p95 < 500ms' \
	--condition '[STATUS] == 200' --condition '[BODY].status == UP' \
	--condition '[BODY].version == 2.0.1' 2>&1 |
	sed 's/^/     /'
rc=${PIPESTATUS[0]}
set -e
say "exit status $rc: healthy"

step "A release that did not go out: the old version still answers"
serve 2.0.0
"$nginx_bin" -p "$web" -c "$web/nginx.conf" -e "$web/error.log" -s reload
sleep 0.3
set +e
"$bin/smoke-test" --url "http://127.0.0.1:$port/health" \
	--timeout 3s --condition '[BODY].version == 2.0.1' 2>&1 |
	sed 's/^/     /'
rc=${PIPESTATUS[0]}
set -e
say "exit status $rc: not healthy; the workflow's next step would be rollback"

step "Still to come in this pipeline"
say "data-residency-check (af-south-1), blue-green-switch"
say "and rollback arrive with their own releases; they answer --help today."
