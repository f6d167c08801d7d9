#!/usr/bin/env bash
# coverage-gate on what `go test -coverprofile` writes, for a small module
# (tests/e2e/cov/go, module example.com/demo) in a git repository: count
# mode, set mode, and a -coverpkg=./... run whose profile holds every
# block once per test binary. The statement counts must be the profile's
# own, merged by block as `go tool cover` merges them, and our percentage
# must agree with the one go prints. Import paths must come out as the
# repository's paths (pkg/..., not example.com/demo/pkg/...).
#
# No network: the module has no dependencies, GOPROXY=off, and GOPATH and
# GOCACHE live in the test's temp dir.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
fail_if_missing go golang-go
fail_if_missing git git
fail_if_missing jq jq

W=$T/ws
mkdir -p "$W"
cp -R "$(cov_src go)/." "$W/"
printf 'module example.com/demo\n\ngo 1.19\n' >"$W/go.mod"
export GOPATH=$T/gopath GOCACHE=$T/gocache GOFLAGS="-mod=mod -modcacherw"
export GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on GOWORK=off GOENV=off
export CGO_ENABLED=0

git -C "$W" init -q &&
	git -C "$W" add -A &&
	git -C "$W" -c user.name=test -c user.email=test@example.com \
		-c commit.gpgsign=false commit -q -m demo
ok $? "the module is committed to a git repository"

# gotest NAME ARG...: go test in the module, the profile to $W/NAME.
gotest() {
	local name=$1
	shift
	(cd "$W" && go test -coverprofile="$name" "$@" ./...) \
		>"$T/$name.log" 2>&1
}

# profile_counts FILE: "covered total" statements of a profile, each
# block counted once however many times it appears (a block is covered
# when any of its records has a count), as `go tool cover` merges them.
profile_counts() {
	awk 'NR > 1 && NF == 3 {
		if (!($1 in st)) { st[$1] = $2; order[n++] = $1 }
		if ($3 > 0) hit[$1] = 1
	} END {
		for (i = 0; i < n; i++) {
			t += st[order[i]]
			if (order[i] in hit) c += st[order[i]]
		}
		print c + 0, t + 0
	}' "$1"
}

# go_total FILE: the "total: (statements) 65.2%" figure, without the %.
go_total() {
	(cd "$W" && go tool cover -func="$1") 2>/dev/null |
		awk '$1 == "total:" { sub(/%$/, "", $NF); print $NF }'
}

# agrees COVERED TOTAL GOPCT DESC: go's one decimal is our counts rounded
# (go formats the float with %.1f), and our truncated two-decimal figure
# is within 0.1 of it.
agrees() {
	local mine
	mine=$(pct_trunc "$1" "$2")
	is "$(awk -v c="$1" -v t="$2" 'BEGIN { printf "%.1f", 100 * c / t }')" \
		"$3" "$4: go's $3% is our $1/$2 rounded"
	ok "$(awk -v a="$mine" -v b="$3" \
		'BEGIN { d = a - b; exit !(d < 0.1 && d > -0.1) }'; echo $?)" \
		"$4: our truncated $mine% is within 0.1 of go's $3%"
}

CG=(--workspace "$W" --unmatched ignore --metric statements --fail-under 0)

# --- count mode --------------------------------------------------------------
gotest count.out -covermode=count
ok $? "go test -covermode=count writes count.out" ||
	diag "$(cat "$T/count.out.log")"
read -r c_cov c_tot <<<"$(profile_counts "$W/count.out")"
ok "$([ "$c_cov" -gt 0 ] && [ "$c_cov" -lt "$c_tot" ]; echo $?)" \
	"the tests cover part of the module ($c_cov of $c_tot statements)"
cg "${CG[@]}" "$W/count.out"
rc_is 0 "count.out: exit 0"
counts_are statements "$c_cov" "$c_tot" "count mode: statements as the profile"
agrees "$c_cov" "$c_tot" "$(go_total count.out)" "count mode"

# --- set mode ----------------------------------------------------------------
gotest set.out -covermode=set
ok $? "go test -covermode=set writes set.out" || diag "$(cat "$T/set.out.log")"
read -r s_cov s_tot <<<"$(profile_counts "$W/set.out")"
cg "${CG[@]}" "$W/set.out"
rc_is 0 "set.out: exit 0"
counts_are statements "$s_cov" "$s_tot" "set mode: statements as the profile"
agrees "$s_cov" "$s_tot" "$(go_total set.out)" "set mode"

# --- -coverpkg=./...: every block once per test binary -----------------------
gotest pkg.out -covermode=count -coverpkg=./...
ok $? "go test -coverpkg=./... writes pkg.out" || diag "$(cat "$T/pkg.out.log")"
read -r p_cov p_tot <<<"$(profile_counts "$W/pkg.out")"
naive=$(awk 'NR > 1 && NF == 3 { t += $2 } END { print t + 0 }' "$W/pkg.out")
ok "$([ "$naive" -gt "$p_tot" ]; echo $?)" \
	"the profile repeats blocks ($naive statements listed, $p_tot distinct)"
ok "$([ "$p_cov" -gt "$c_cov" ]; echo $?)" \
	"report's test covers what inventory's own test does not"
cg "${CG[@]}" --json "$W/pkg.out"
rc_is 0 "pkg.out: exit 0"
json_counts_are statements "$p_cov" "$p_tot" \
	"-coverpkg: duplicate blocks counted once, covered by either binary"
agrees "$p_cov" "$p_tot" "$(go_total pkg.out)" "-coverpkg"

# --- import paths become repository paths -----------------------------------
cg --workspace "$W" --metric statements --fail-under 0 --unmatched fail \
	--json "$W/count.out"
rc_is 0 "--unmatched fail passes: every import path is a file in the repo"
is "$(cg_json '[.files[].path] | sort | join(" ")')" \
	"pkg/inventory/stock.go pkg/report/report.go" \
	"--json files are repository paths, not import paths"
is "$(cg_json '.unmatched | length')" 0 "--json lists no unmatched file"

cg --workspace "$W" --metric statements --fail-under 0 --unmatched fail \
	"$W/count.out"
rc_is 0 "with the job summary: exit 0"
summary=$(cat "$T/gh-summary")
like "$summary" 'pkg/inventory/stock\.go' \
	"the job summary names pkg/inventory/stock.go"
unlike "$summary" 'example\.com/demo' "and never the import path"

# Outside the module's repository the import paths match nothing there.
mkdir -p "$T/elsewhere"
git -C "$T/elsewhere" init -q
cg --workspace "$T/elsewhere" --metric statements --fail-under 0 \
	--unmatched fail "$W/count.out"
rc_is 1 "--unmatched fail fails when the files are not in the workspace"

done_testing
