#!/bin/sh
# coverage-gate: how fast it reads big coverage reports, against the peers
# the issue names -- `lcov --summary` (lcov, perl) and lcov-parse (npm) --
# on a generated LCOV tracefile of at least 500 MB and a Go profile of at
# least 200 MB (tests/bench/cov-gen.c says why their shape is realistic).
# Prints MB/s, peak RSS and ratios, and the issue's targets (>= 500 MB/s on
# LCOV, >= 50x `lcov --summary`, peak RSS < 64 MB without a changed-line
# gate) next to them; asserts nothing.
#
#   sh tests/bench/coverage.sh          (make bench runs it)
#
# BENCH_LCOV_MB (default 500, in MiB), BENCH_GO_MB (200) and BENCH_COV_FILES
# (3000) size the reports, BENCH_SLICE_MB (50) the first part of the LCOV
# that lcov-parse reads (it keeps the whole file in node's heap, which a
# 500 MB report outgrows; lcov --summary reads the whole file, once, in
# about a minute); BENCH_COV_GATE names another binary to measure. The reports are
# kept in build/bench/ and made again only when the generator or those
# sizes change. When the binary cannot read a report, its parsers are
# measured behind tests/bench/cov-parse-bench.c instead, and the output
# says so.
set -u
top=${DA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
LCOV_MB=${BENCH_LCOV_MB:-500}
GO_MB=${BENCH_GO_MB:-200}
FILES=${BENCH_COV_FILES:-3000}
SLICE_MB=${BENCH_SLICE_MB:-50}
out=$top/build/bench
bin=${BENCH_COV_GATE:-$top/build/bin/coverage-gate}
lcov_parse=$top/tests/node_modules/lcov-parse
cc=${CC:-cc}

# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
[ -n "$gnu_time" ] || echo "note: GNU time missing (apt-get install time): no peak RSS"

mkdir -p "$out" || exit 1
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT TERM

# --- the reports -------------------------------------------------------------
gen=$out/cov-gen
if [ ! -x "$gen" ] ||
	[ -n "$(find "$top/tests/bench/cov-gen.c" -newer "$gen" 2>/dev/null)" ]; then
	$cc -O2 -o "$gen" "$top/tests/bench/cov-gen.c" ||
		{ echo "cannot build the report generator"; exit 1; }
fi
stamp="$(cksum <"$top/tests/bench/cov-gen.c") $LCOV_MB $GO_MB $FILES"
if [ ! -s "$out/lcov.info" ] || [ ! -s "$out/go.out" ] ||
	[ "$(cat "$out/cov-gen.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "making the reports in build/bench/ (once; kept for later runs)"
	rm -f "$out/cov-gen.stamp" "$out/lcov-slice.stamp"
	if ! "$gen" lcov "$out/lcov.info" "$LCOV_MB" "$FILES" ||
		! "$gen" go "$out/go.out" "$GO_MB" "$FILES"; then
		echo "cannot make the reports"
		exit 1
	fi
	echo "$stamp" >"$out/cov-gen.stamp"
fi
lcov_size=$(size "$out/lcov.info")
go_size=$(size "$out/go.out")
records=$(grep -c '^TN:' "$out/lcov.info" 2>/dev/null)

# The first SLICE_MB MB of the LCOV report, cut after an end_of_record,
# for the peers too slow (or too hungry) to read all of it.
slice=$out/lcov-slice.info
if [ ! -s "$slice" ] ||
	[ "$(cat "$out/lcov-slice.stamp" 2>/dev/null)" != "$stamp $SLICE_MB" ]; then
	LC_ALL=C awk -v max=$((SLICE_MB * 1000000)) '{ n += length($0) + 1; print }
		$0 == "end_of_record" && n >= max { exit }' "$out/lcov.info" >"$slice"
	echo "$stamp $SLICE_MB" >"$out/lcov-slice.stamp"
fi
slice_size=$(size "$slice")

# --- what to measure: the tool, or its parsers until the tool runs reports ----
printf 'SF:a.c\nDA:1,1\nend_of_record\n' >"$d/tiny.info"
if [ -x "$bin" ] && "$bin" --fail-under 0 --unmatched ignore --no-summary \
	"$d/tiny.info" >/dev/null 2>&1; then
	tool="coverage-gate"
	set -- "$bin" --fail-under 0 --unmatched ignore --no-summary
	how="build/bin/coverage-gate, one process"
else
	# The parsers and model as the static binary builds them (musl,
	# the Makefile's flags), behind a small driver.
	drv=$out/cov-parse-bench
	srcs="tests/bench/cov-parse-bench.c actions/coverage-gate/model.c
		actions/coverage-gate/parse.c actions/coverage-gate/lcov.c
		actions/coverage-gate/gocover.c actions/coverage-gate/detect.c
		actions/coverage-gate/cobertura.c actions/coverage-gate/clover.c
		actions/coverage-gate/jacoco.c actions/coverage-gate/istanbul.c
		common/buf.c common/error.c common/fs.c common/json.c common/xml.c"
	(
		cd "$top" || exit 1
		# shellcheck disable=SC2086
		if command -v musl-gcc >/dev/null 2>&1 &&
			[ -d build/deps/musl/lib ]; then
			musl-gcc -std=c11 -Os -ffunction-sections -fdata-sections \
				-fno-plt -fstack-protector-strong -I. \
				-Ibuild/deps/musl/include -D_POSIX_C_SOURCE=200809L \
				-D_DEFAULT_SOURCE -static -Wl,--gc-sections -s \
				-Lbuild/deps/musl/lib -o "$drv" $srcs -ljansson -lexpat
		else
			$cc -std=c11 -O2 -I. -Ibuild/deps/host/include \
				-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
				-Lbuild/deps/host/lib -o "$drv" $srcs -ljansson -lexpat
		fi
	) || { echo "cannot build the parser driver (run: make)"; exit 1; }
	tool="coverage-gate parsers"
	set -- "$drv"
	how="its parsers (driver; the tool cannot run reports yet)"
fi

echo "coverage-gate: an LCOV tracefile of $(mb "$lcov_size") MB ($FILES files," \
	"$records per-test records) and a Go profile of $(mb "$go_size") MB" \
	"($(nproc) CPUs)"
echo "(ratio: coverage-gate's MB/s over the peer's, how many times faster)"
row "runner" "MB/s" "peak RSS" "ratio" "how"

# --- coverage-gate: best of five, page cache warm -----------------------------
# best FILE NAME CMD...: the fastest of five runs of CMD on FILE (a shared
# machine's noise only ever slows a run down); sets best (MB/s, or -) and
# leaves the peak RSS of the fastest in $d/NAME.rss.
best() {
	bf=$1 bn=$2
	shift 2
	best=- bt=0
	for i in 1 2 3 4 5; do
		timed "$bn.$i" "$@" "$bf"
		if [ "$rc" != 0 ]; then
			echo "$tool exited $rc on $bf: $(head -c 300 "$d/$bn.$i.err")"
			return
		fi
		if [ "$bt" = 0 ] || [ "$el" -lt "$bt" ]; then
			bt=$el
			cp "$d/$bn.$i.rss" "$d/$bn.rss" 2>/dev/null
		fi
	done
	best=$(rate "$(size "$bf")" "$bt")
}
cat "$out/lcov.info" "$out/go.out" >/dev/null # into the page cache
f=$out/lcov.info
best "$f" lcov "$@"
lcov_rate=$best
row "$tool, LCOV" "$lcov_rate" "$(rss "$d/lcov.rss")" "-" "$how, best of 5"
best "$out/go.out" go "$@"
go_rate=$best
row "$tool, Go profile" "$go_rate" "$(rss "$d/go.rss")" "-" "$how, best of 5"
best "$slice" slice "$@"
slice_rate=$best
row "$tool, LCOV first $(mb "$slice_size") MB" "$slice_rate" "$(rss "$d/slice.rss")" \
	"-" "the part lcov-parse reads (start-up weighs more here)"

# --- lcov --summary ------------------------------------------------------------------
# extra NS: what reading the whole report would take at the slice's pace
extra() { awk -v t="$1" -v a="$slice_size" -v b="$lcov_size" \
	'BEGIN { printf "%.0f s", t / 1e9 * b / a }'; }
lcov_peer=-
if command -v lcov >/dev/null 2>&1; then
	v=$(lcov --version 2>/dev/null | sed -n 's/.*version //p')
	# the same whole file: about a minute, once
	timed lcovsum lcov --summary "$out/lcov.info"
	if [ "$rc" = 0 ]; then
		lcov_peer=$(rate "$lcov_size" "$el")
		row "lcov $v --summary" "$lcov_peer" "$(rss "$d/lcovsum.rss")" \
			"$(ratio "$lcov_rate" "$lcov_peer")" \
			"the same $(mb "$lcov_size") MB file, one run"
	else
		echo "lcov --summary exited $rc: $(head -c 300 "$d/lcovsum.err")"
	fi
else
	echo "lcov: not installed (apt-get install lcov), skipped"
fi

# --- lcov-parse (npm) ---------------------------------------------------------------
# It reads the whole report into one string and keeps every record as
# objects, so the slice again; the totals are summed to have a result.
if [ -d "$lcov_parse" ] && command -v node >/dev/null 2>&1; then
	cat >"$d/lcov-parse.js" <<'EOF'
const parse = require(process.argv[2]);
parse(process.argv[3], (err, data) => {
	if (err) {
		console.error("lcov-parse: " + err);
		process.exit(1);
	}
	let found = 0, hit = 0;
	for (const r of data) {
		found += r.lines.found;
		hit += r.lines.hit;
	}
	console.log(`${data.length} records, lines ${hit}/${found}`);
});
EOF
	v=$(node -p "require('$lcov_parse/package.json').version" 2>/dev/null)
	timed lcovparse node "$d/lcov-parse.js" "$lcov_parse" "$slice"
	if [ "$rc" = 0 ]; then
		lp=$(rate "$slice_size" "$el")
		row "lcov-parse $v (node $(node --version))" "$lp" \
			"$(rss "$d/lcovparse.rss")" "$(ratio "$slice_rate" "$lp")" \
			"the same first $(mb "$slice_size") MB (the whole file outgrows node's heap); $(extra "$el") for all at that pace"
	else
		echo "lcov-parse exited $rc: $(head -c 300 "$d/lcovparse.err")"
	fi
else
	echo "lcov-parse: not installed (npm ci --prefix tests), skipped"
fi

# --- the issue's targets --------------------------------------------------------
echo
if [ "$lcov_rate" != - ]; then
	printf 'LCOV throughput:        %8s MB/s  (target >= 500 MB/s: %s)\n' \
		"$lcov_rate" "$(met "$lcov_rate" 500 '>=')"
	if [ "$lcov_peer" != - ]; then
		r=$(awk -v a="$lcov_rate" -v b="$lcov_peer" 'BEGIN { printf "%.1f", a / b }')
		printf 'against lcov --summary: %8sx      (target >= 50x: %s)\n' \
			"$r" "$(met "$r" 50 '>=')"
	fi
else
	echo "LCOV throughput: $tool did not run (target >= 500 MB/s)"
fi
for n in lcov go; do
	if [ -s "$d/$n.rss" ]; then
		m=$(awk '{ k = $1 } END { printf "%.1f", k / 1024 }' "$d/$n.rss")
		printf 'peak RSS, %-4s report:  %8s MB    (target < 64 MB, no changed-line gate: %s)\n' \
			"$n" "$m" "$(met "$m" 64 '<')"
	fi
done
[ "$go_rate" != - ] && printf 'Go profile throughput:  %8s MB/s  (no peer named for Go profiles)\n' "$go_rate"
exit 0
