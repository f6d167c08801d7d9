#!/bin/sh
# terraform-plan-summary: how fast it reads a big plan, against the peer
# the issue names -- jq computing the same per-action counts -- on a
# generated 'terraform show -json' plan of 100,000 resource changes
# (tests/bench/tf-gen.c says why its shape is realistic). Prints MB/s, peak
# RSS and the ratio, the issue's targets (>= 10x jq, about 750 MB/s; peak
# RSS < 128 MB whatever the plan size) next to them, and whether the
# tool's counts agree with jq's; asserts nothing.
#
#   sh tests/bench/tfplan.sh          (make bench runs it)
#
# BENCH_TF_CHANGES (default 100000) sizes the plan and BENCH_TF_SEED (1)
# picks another one of that size; BENCH_TF_BIN names another binary to
# measure; BENCH_TF_RSS_CHECK=0 skips the run on a plan twice the size
# (made the same way) that shows whether the peak RSS stays flat. The plans
# are kept in build/bench/ and made again only when the generator or those
# numbers change; plans of other sizes are removed (they are large).
#
# jq holds the whole plan in memory, about nine times its size: when the
# machine has less available, jq is skipped and the tool's counts are
# checked against the generator's own tally instead. Until the binary
# reads plans, only jq is measured, and the output says so.
set -u
top=${DA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
N=${BENCH_TF_CHANGES:-100000}
SEED=${BENCH_TF_SEED:-1}
RSS_CHECK=${BENCH_TF_RSS_CHECK:-1}
out=$top/build/bench
bin=${BENCH_TF_BIN:-$top/build/bin/terraform-plan-summary}
cc=${CC:-cc}

# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
[ -n "$gnu_time" ] || echo "note: GNU time missing (apt-get install time): no peak RSS"

case $N in
"" | *[!0-9]* | 0*) echo "BENCH_TF_CHANGES: not a count of changes: '$N'"; exit 1 ;;
esac
case $SEED in
"" | *[!0-9]*) echo "BENCH_TF_SEED: not a number: '$SEED'"; exit 1 ;;
esac

mkdir -p "$out" || exit 1
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT TERM

# vs RATE: the tool's MB/s over RATE, "-" while the tool has no figure
vs() { if [ "$tool_rate" = - ]; then echo -; else ratio "$tool_rate" "$1"; fi; }
# tally FILE KEY: a count from the generator's tally (one JSON line)
tally() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1"; }

# --- the plan generator -------------------------------------------------------
gen=$out/tf-gen
if [ ! -x "$gen" ] ||
	[ -n "$(find "$top/tests/bench/tf-gen.c" -newer "$gen" 2>/dev/null)" ]; then
	$cc -O2 -o "$gen" "$top/tests/bench/tf-gen.c" ||
		{ echo "cannot build the plan generator"; exit 1; }
fi

# --- does the binary read plans yet? -------------------------------------------
"$gen" 3 "$SEED" "$d/tiny.json" 2>/dev/null
reads=0
why="$bin is not built (run: make)"
if [ -x "$bin" ]; then
	"$bin" --json --no-summary "$d/tiny.json" >"$d/tiny.out" 2>"$d/tiny.err"
	r=$?
	# 1 is a verdict (a policy the plan fails), not an error
	if { [ "$r" = 0 ] || [ "$r" = 1 ]; } && grep -q '"counts"' "$d/tiny.out"; then
		reads=1
	else
		why="exit $r: $(head -c 200 "$d/tiny.err" | tr '\n' ' ' | sed 's/ *$//')"
	fi
fi

# --- the plans -------------------------------------------------------------------
sum=$(cksum <"$top/tests/bench/tf-gen.c")
N2=$((N * 2))
for f in "$out"/tfplan-*.json; do
	[ -e "$f" ] || continue
	case $f in
	"$out/tfplan-$N.json" | "$out/tfplan-$N2.json") ;;
	*) rm -f "$f" "$f.stamp" "$f.tally" ;;
	esac
done

# plan CHANGES: sets p to build/bench/tfplan-CHANGES.json, made when it is
# missing or was made by another generator or seed. What the generator
# counted is kept next to it, in p.tally.
plan() {
	p=$out/tfplan-$1.json
	if [ ! -s "$p" ] || [ ! -s "$p.tally" ] ||
		[ "$(cat "$p.stamp" 2>/dev/null)" != "$sum $1 $SEED" ]; then
		echo "making a plan of $1 changes in build/bench/ (once; kept for later runs)"
		rm -f "$p.stamp"
		if ! "$gen" "$1" "$SEED" "$p" 2>"$p.tally"; then
			echo "cannot make the plan: $(head -c 300 "$p.tally")"
			rm -f "$p" "$p.tally"
			return 1
		fi
		echo "$sum $1 $SEED" >"$p.stamp"
	fi
}
plan "$N" || exit 1
p1=$p
size1=$(size "$p1")
p2=
if [ "$RSS_CHECK" != 0 ] && [ "$reads" = 1 ]; then
	plan "$N2" || exit 1
	p2=$p
fi

t=$p1.tally
rcb=$(tally "$t" resource_changes_bytes)
echo "terraform-plan-summary: a plan of $N resource changes, $(mb "$size1") MB" \
	"($(mb "$rcb") MB of it in resource_changes, $(awk -v b="$rcb" -v n="$N" \
		'BEGIN { printf "%.1f", b / n / 1000 }') KB an element; $(nproc) CPUs)"
echo "as generated: no-op $(tally "$t" no-op), update $(tally "$t" update)," \
	"create $(tally "$t" create), delete $(tally "$t" delete)," \
	"delete-then-create $(tally "$t" 'delete,create')," \
	"create-then-delete $(tally "$t" 'create,delete'), read $(tally "$t" read)," \
	"forget $(tally "$t" forget); moved $(tally "$t" moved)," \
	"imported $(tally "$t" imported), drift $(tally "$t" drift)"
[ "$reads" = 1 ] ||
	echo "the binary cannot read plans yet ($why): only jq is measured"
echo "(the page cache is warm: each plan is read twice before it is timed)"
echo "(MB/s: the plan's bytes over the wall time; the tool's figures are the" \
	"fastest of 3 runs and that run's peak RSS)"
echo "(ratio: terraform-plan-summary's MB/s over the peer's, how many times faster)"
row "runner" "MB/s" "peak RSS" "ratio" "how"

# --- terraform-plan-summary: fastest of three ------------------------------
tool_rate=-
verdict=0
if [ "$reads" = 1 ]; then
	cat "$p1" >/dev/null
	cat "$p1" >/dev/null
	bt=0
	for i in 1 2 3; do
		timed "tool.$i" "$bin" --json --no-summary "$p1"
		if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
			echo "terraform-plan-summary exited $rc on the plan:" \
				"$(head -c 300 "$d/tool.$i.err")"
			bt=0
			break
		fi
		[ "$rc" = 1 ] && verdict=1
		if [ "$bt" = 0 ] || [ "$el" -lt "$bt" ]; then
			bt=$el
			cp "$d/tool.$i.rss" "$d/tool.rss" 2>/dev/null
			mv "$d/tool.$i.out" "$d/tool.out"
		fi
		rm -f "$d/tool.$i.out"
	done
	if [ "$bt" != 0 ]; then
		tool_rate=$(rate "$size1" "$bt")
		row "terraform-plan-summary --json" "$tool_rate" "$(rss "$d/tool.rss")" \
			"-" "$(basename "$bin"), one process, fastest of 3"
		[ "$verdict" = 1 ] &&
			echo "(it exited 1: the plan fails a policy check, a verdict and not an error)"
	fi
fi

# --- jq: the same counts ------------------------------------------------------
# The issue's per-action counts; the moves and imports besides, because the
# tool counts a no-op that moves or imports apart from the other no-ops.
cat >"$d/counts.jq" <<'EOF'
[.resource_changes[]
 | (.change.actions | join(",")) as $a
 | ((.previous_address // .address) != .address) as $m
 | (.change.importing != null) as $i
 | $a,
   (if $m then "moved" else empty end),
   (if $i then "imported" else empty end),
   (if $a == "no-op" and ($m or $i) then "no-op, moved or imported"
    else empty end)]
| group_by(.) | map({key: .[0], value: length}) | from_entries
EOF
jq_rate=-
jq_need=$((size1 * 9 / 1000000))
if ! command -v jq >/dev/null 2>&1; then
	echo "jq: not installed (apt-get install jq), skipped"
else
	avail=$(awk '/^MemAvailable:/ { printf "%d", $2 / 1024 }' /proc/meminfo 2>/dev/null)
	if [ -n "$avail" ] && [ "$avail" -lt "$jq_need" ]; then
		echo "jq: skipped: it would need about $jq_need MB of memory for" \
			"this plan, and $avail MB are available"
	else
		cat "$p1" >/dev/null
		cat "$p1" >/dev/null
		timed jq jq -c -f "$d/counts.jq" "$p1"
		if [ "$rc" = 0 ]; then
			jq_rate=$(rate "$size1" "$el")
			row "$(jq --version), the same counts" "$jq_rate" "$(rss "$d/jq.rss")" \
				"$(vs "$jq_rate")" \
				"the same $(mb "$size1") MB file, one run"
		else
			echo "jq exited $rc: $(head -c 300 "$d/jq.err")"
		fi
	fi
fi
row "jq 1.6, as the issue measured it" "78.0" "178.0 MB" \
	"$(vs 78)" "105 MB in 1.35 s on another machine (not run here)"

# --- the same tool on a plan twice the size: does the peak RSS stay flat? ---
if [ -n "$p2" ] && [ "$reads" = 1 ] && [ "$tool_rate" != - ]; then
	size2=$(size "$p2")
	cat "$p2" >/dev/null
	cat "$p2" >/dev/null
	timed tool2 "$bin" --json --no-summary "$p2"
	if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
		row "terraform-plan-summary, $N2 changes" "$(rate "$size2" "$el")" \
			"$(rss "$d/tool2.rss")" "-" \
			"$(mb "$size2") MB, one run (jq not run: it would hold about $((size2 * 9 / 1000000)) MB)"
	else
		echo "terraform-plan-summary exited $rc on the plan of $N2 changes:" \
			"$(head -c 300 "$d/tool2.err")"
		rm -f "$d/tool2.rss"
	fi
fi

# --- the issue's targets -------------------------------------------------------
echo
if [ "$tool_rate" != - ]; then
	printf 'throughput:            %8s MB/s  (target >= 750 MB/s, 10x jq in the issue: %s)\n' \
		"$tool_rate" "$(met "$tool_rate" 750 '>=')"
	if [ "$jq_rate" != - ]; then
		r=$(awk -v a="$tool_rate" -v b="$jq_rate" 'BEGIN { printf "%.1f", a / b }')
		printf 'against jq here:       %8sx      (target >= 10x: %s)\n' \
			"$r" "$(met "$r" 10 '>=')"
	fi
else
	echo "throughput: terraform-plan-summary did not run (target >= 750 MB/s, 10x jq)"
fi
for n in tool tool2; do
	[ -s "$d/$n.rss" ] || continue
	m=$(awk '{ k = $1 } END { printf "%.1f", k / 1024 }' "$d/$n.rss")
	c=$N
	[ "$n" = tool2 ] && c=$N2
	printf 'peak RSS, %7s changes: %5s MB  (target < 128 MB whatever the plan size: %s)\n' \
		"$c" "$m" "$(met "$m" 128 '<')"
done
if [ -s "$d/tool.rss" ] && [ -s "$d/tool2.rss" ]; then
	awk -v a="$(tail -n 1 "$d/tool.rss")" -v b="$(tail -n 1 "$d/tool2.rss")" 'BEGIN {
		printf "twice the plan: peak RSS %+.1f MB (%+.0f%%)\n",
			(b - a) / 1024, (a > 0 ? (b - a) * 100 / a : 0) }'
fi

# --- do the counts agree? --------------------------------------------------------
[ "$tool_rate" != - ] || exit 0
if ! command -v jq >/dev/null 2>&1; then
	echo "counts not compared: jq is not installed"
	exit 0
fi
if [ "$jq_rate" != - ]; then
	want=$d/jq.out
	from="jq's"
else
	want=$p1.tally
	from="the generator's (jq did not run)"
fi
cat >"$d/check.jq" <<'EOF'
$w[0] as $w
| .counts as $c
| {create: ($w.create // 0), update: ($w.update // 0),
   delete: ($w.delete // 0),
   replace: (($w["delete,create"] // 0) + ($w["create,delete"] // 0)),
   read: ($w.read // 0), forget: ($w.forget // 0),
   "no-op": (($w["no-op"] // 0) - ($w["no-op, moved or imported"] // 0))}
  as $want
| ({moved: ($w.moved // 0), imported: ($w.imported // 0)}
   | with_entries(select(($c | type) == "object" and $c[.key] != null)))
  as $also
| if ($c | type) != "object" then
    "DIFFER: the tool's --json has no counts object"
  else
    [($want + $also) | to_entries[] | select($c[.key] != .value)
     | "\(.key): the tool says \($c[.key] // "nothing"), expected \(.value)"
       + (if .key == "no-op" then
            " (\($w["no-op"] // 0) no-ops, less \($w["no-op, moved or imported"] // 0) that move or import, which count apart)"
          else "" end)]
    | if length > 0 then "DIFFER: " + join("; ")
      else "agree: " + ([($want + $also) | to_entries[] | "\(.key) \(.value)"]
                        | join(", "))
      end
  end
EOF
res=$(jq -r --slurpfile w "$want" -f "$d/check.jq" "$d/tool.out" 2>&1) ||
	res="DIFFER: the tool's --json is not JSON jq reads: $(printf '%s' "$res" | head -c 200)"
echo "counts $res (checked against $from)"
exit 0
