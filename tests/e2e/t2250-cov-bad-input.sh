#!/usr/bin/env bash
# coverage-gate on reports that are not reports, or are broken or hostile:
# truncated LCOV, malformed XML, binary garbage, an XML entity bomb, deep
# nesting, absurd and negative counts, impossible line numbers, an empty
# file, a directory, a missing file and a glob that matches nothing. Each
# is bad input: exit 2 and one line on stderr that names the file (and the
# line or offset where there is one), and nothing half-done: no step
# output, no job summary and no badge. A bad report next to a good one
# spoils the whole run the same way.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg

W=$T/ws
B=$T/bad
mkdir -p "$W" "$B"

# A good report, to show that a bad one beside it still stops everything.
printf 'SF:%s/a.c\nDA:1,1\nDA:2,0\nend_of_record\n' "$W" >"$B/good.info"

# --- the bad reports ---------------------------------------------------------
# LCOV cut off in the middle of line 3.
printf 'TN:\nSF:%s/a.c\nDA:1,' "$W" >"$B/truncated.info"
# Cobertura whose </class> closes a <lines> (line 5).
cat >"$B/malformed.xml" <<'EOF'
<?xml version="1.0"?>
<coverage line-rate="1" branch-rate="0" version="1" timestamp="1">
<packages><package name="p"><classes>
<class name="a" filename="a.c"><lines>
<line number="1" hits="1"/></class>
</classes></package></packages></coverage>
EOF
# Bytes that are no text format at all.
awk 'BEGIN { for (i = 0; i < 4096; i++) printf "%c", (i * 7919 + 13) % 256 }' \
	</dev/null >"$B/garbage.bin"
# Billion laughs: ten levels of ten references, 10^9 "lol"s if expanded.
{
	echo '<?xml version="1.0"?>'
	echo '<!DOCTYPE coverage ['
	echo ' <!ENTITY l0 "lol">'
	for i in 1 2 3 4 5 6 7 8 9; do
		p=$((i - 1))
		printf ' <!ENTITY l%d "' "$i"
		for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&l%d;' "$p"; done
		echo '">'
	done
	echo ']>'
	echo '<coverage line-rate="1" branch-rate="0" version="&l9;" timestamp="1">'
	echo '<packages><package name="&l9;"><classes>'
	echo '<class name="a" filename="a.c"><lines><line number="1" hits="1"/>'
	echo '</lines></class></classes></package></packages></coverage>'
} >"$B/bomb.xml"
# 100,000 nested elements inside a Cobertura root, and 100,000 nested
# arrays in Istanbul JSON (a statementMap first, so that it is read as
# Istanbul and reaches the JSON parser).
{
	printf '<?xml version="1.0"?>\n<coverage line-rate="1" version="1">'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "<packages>" }'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "</packages>" }'
	printf '</coverage>\n'
} </dev/null >"$B/deep.xml"
{
	printf '{"%s/a.js": {"path": "%s/a.js", "statementMap": {}, "s": ' \
		"$W" "$W"
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "[" }'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "]" }'
	printf '}}\n'
} </dev/null >"$B/deep.json"
# A hit count no 64-bit counter holds, on line 3.
printf 'TN:\nSF:%s/a.c\nDA:1,99999999999999999999999\nend_of_record\n' "$W" \
	>"$B/huge.info"
# A negative hit count in Cobertura (line 5).
cat >"$B/negative.xml" <<'EOF'
<?xml version="1.0"?>
<coverage line-rate="1" branch-rate="0" version="1" timestamp="1">
<packages><package name="p"><classes>
<class name="a" filename="a.c"><lines>
<line number="1" hits="-1"/>
</lines></class></classes></package></packages></coverage>
EOF
# Line numbers no source file has: 0, and one past 100,000,000 (line 3).
printf 'TN:\nSF:%s/a.c\nDA:0,1\nend_of_record\n' "$W" >"$B/line0.info"
printf 'TN:\nSF:%s/a.c\nDA:100000001,1\nend_of_record\n' "$W" \
	>"$B/line-huge.info"
: >"$B/empty.info"
mkdir -p "$B/a-directory.info"

# bad NAME WHERE DESC: the report $B/NAME is refused: exit 2, one line on
# stderr naming it and matching WHERE (an ERE; "" for no place), nothing
# written. Four tests.
bad() {
	local name=$1 where=$2 desc=$3
	rm -f "$T/badge.svg"
	cg --workspace "$W" --unmatched ignore --badge "$T/badge.svg" "$B/$name"
	rc_is 2 "$desc: exit 2"
	is "$(lines "$err")" 1 "$desc: one line on stderr" ||
		diag "stderr: ${err:0:1500}"
	like "$err" "${name//./\\.}${where:+.*$where}" \
		"$desc: it names the file${where:+ and the place}"
	ok "$([ ! -s "$T/gh-output" ] && [ ! -s "$T/gh-summary" ] &&
		[ ! -e "$T/badge.svg" ]; echo $?)" \
		"$desc: no step output, no summary, no badge"
}

bad truncated.info 'line 3' "LCOV cut off mid-record"
bad malformed.xml '(line 5|offset [0-9]+)' "mismatched XML tags"
bad garbage.bin '' "binary garbage"
bad bomb.xml '' "an XML entity bomb"
bad deep.xml '' "XML nested 100,000 deep"
bad deep.json '' "JSON nested 100,000 deep"
bad huge.info 'line 3' "a hit count over 64 bits"
bad negative.xml '(line 5|offset [0-9]+)' "a negative Cobertura hit count"
bad line0.info 'line 3' "line number 0"
bad line-huge.info 'line 3' "line number 100,000,001"
bad empty.info '' "an empty file"
bad a-directory.info '' "a directory"
bad no-such-report.info '' "a file that does not exist"

# --- a good report and a bad one ---------------------------------------------
rm -f "$T/badge.svg"
cg --workspace "$W" --unmatched ignore --badge "$T/badge.svg" \
	"$B/good.info" "$B/huge.info"
rc_is 2 "a good report beside a bad one: exit 2"
like "$err" 'huge\.info' "the message names the bad one"
ok "$([ ! -s "$T/gh-output" ] && [ ! -s "$T/gh-summary" ] &&
	[ ! -e "$T/badge.svg" ]; echo $?)" \
	"and nothing is written for the good one either"
# The same good report alone writes all three: the checks above are not
# passing only because nothing ever writes them.
cg --workspace "$W" --unmatched ignore --fail-under 0 --badge "$T/badge.svg" \
	"$B/good.info"
rc_is 0 "the good report alone: exit 0"
ok "$([ -s "$T/gh-output" ] && [ -s "$T/gh-summary" ] &&
	[ -s "$T/badge.svg" ]; echo $?)" \
	"it writes step outputs, a summary and the badge"

# --- a glob that matches nothing ---------------------------------------------
cg --workspace "$W" --unmatched ignore "$B/*.nothing"
rc_is 2 "a glob matching no file: exit 2"
like "$err" "no report matches '[^']*\\*\\.nothing'" \
	"the message says no report matches the glob"
nothing_written "a glob matching no file: nothing written"
cg --workspace "$W" --unmatched ignore --reports "$B/*.nothing"
rc_is 2 "--reports with a glob matching no file: exit 2"

done_testing
