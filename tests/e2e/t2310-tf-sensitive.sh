#!/usr/bin/env bash
# terraform-plan-summary never prints a sensitive value. `terraform show
# -json` writes every secret in clear text: attributes marked in
# before_sensitive/after_sensitive (a leaf, a block, the whole object),
# sensitive outputs, and the root module's variables. Each of them is
# collected here with jq, independently of the tool, and none may appear
# in anything a run leaves behind (stdout, stderr, GITHUB_OUTPUT, the job
# summary, the pull request comment and what the GitHub fake received) in
# any mode: text, --json, --fail-on-destroy, standard input, a comment,
# several plans. "(sensitive)" stands in their place. Over a real plan
# (OpenTofu's sensitive-values) and one built here with sensitive nested
# maps, lists, list elements, a whole sensitive object, sensitive values
# in replace paths, drift and outputs, secrets with quotes, backslashes,
# newlines, control characters, Markdown and HTML in them, and a
# variables block of secrets.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/tf/lib.sh"
need_tps
need_node_modules

# secrets PLAN: every sensitive value of PLAN (at least 3 characters) as a
# JSON array: the leaves (and the keys) under a mask that is true, the
# values of outputs marked sensitive, and every variable.
secrets() {
	jq -c '
	def every_part:
		if type == "object" then (keys_unsorted[], (.[] | every_part))
		elif type == "array" then (.[] | every_part)
		elif type == "string" then .
		elif type == "number" then tostring
		else empty end;
	def sens($v; $m):
		if $m == true then ($v | every_part)
		elif ($m | type) == "object" and ($v | type) == "object" then
			($m | to_entries[]) as $e | sens($v[$e.key]; $e.value)
		elif ($m | type) == "array" and ($v | type) == "array" then
			range(0; $m | length) as $i | sens($v[$i]; $m[$i])
		else empty end;
	def module_parts:
		(.resources[]? | sens(.values; .sensitive_values)),
		(.child_modules[]? | module_parts);
	[(.resource_changes[]?, .resource_drift[]?, (.output_changes // {})[]
		| (.change // .) | sens(.before; .before_sensitive),
			sens(.after; .after_sensitive)),
	 ((.planned_values.outputs // {}), (.prior_state.values.outputs // {})
		| .[] | select(.sensitive == true) | .value | every_part),
	 (.planned_values.root_module, .prior_state.values.root_module
		| select(. != null) | module_parts),
	 ((.variables // {})[] | .value | every_part),
	 ((.configuration.root_module.variables // {})[]
		| select(.sensitive == true) | .default | every_part)]
	| map(select(length >= 3)) | unique' "$1"
}

# needles: what a leak of the secrets in $T/secrets.json looks like in any
# encoding: the value itself, JSON-escaped, and each run of letters and
# digits (8 or more, with both) that no escaping changes, into
# $T/needles.json.
needles() {
	jq -c '[.[] | ., (tojson | .[1:-1]),
		([match("[A-Za-z0-9]{8,}"; "g").string
		  | select(test("[0-9]") and test("[A-Za-z]"))] | .[])]
		| map(select(length >= 3)) | unique' "$T/secrets.json" \
		>"$T/needles.json"
}

# leaks FILE...: the needles found in the FILEs, one JSON string a line.
leaks() {
	cat -- "$@" 2>/dev/null | jq -Rsr --slurpfile n "$T/needles.json" \
		'. as $t | $n[0][] | select(. as $x | $t | index($x)) | tojson'
}

# no_leak DESC FILE...: no needle in the FILEs.
no_leak() {
	local desc=$1
	shift
	is "$(leaks "$@")" "" "$desc"
}

# check NAME WANT_RC: the last run exited WANT_RC and left no secret
# anywhere; its summary says (sensitive).
check() {
	tps_rc_is "$2" "$1: exit $2"
	no_leak "$1: no sensitive value on stdout" "$T/.run.out"
	no_leak "$1: none on stderr" "$T/.run.err"
	no_leak "$1: none in GITHUB_OUTPUT" "$T/gh-output"
	no_leak "$1: none in the job summary" "$T/gh-summary"
	grep -qF '(sensitive)' "$T/gh-summary"
	ok $? "$1: the job summary says (sensitive) in their place"
}

# --- the GitHub fake and a pull request --------------------------------------
TOK=w-tok-3d9a61f0c2
cat >"$T/state.json" <<EOF
{
  "tokens": {"$TOK": {"login": "github-actions[bot]", "permission": "write"}},
  "issues": [{"repo": "octo/infra", "number": 7, "pull_request": true}],
  "comments": []
}
EOF
github_fake_start "$T/state.json"
jq -n '{pull_request: {number: 7, base: {sha: "b"}, head: {sha: "h"}}}' \
	>"$T/pr.json"
PR_ENV=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request
	"GITHUB_EVENT_PATH=$T/pr.json" GITHUB_REPOSITORY=octo/infra
	"GITHUB_API_URL=$GH_FAKE_URL" "GITHUB_TOKEN=$TOK")
M='<!-- deploy-actions/terraform-plan-summary'

# every_mode NAME PLAN DESTROYS: the runs and checks over one plan
# (DESTROYS: whether it deletes or replaces, so that --fail-on-destroy
# fails).
every_mode() {
	local name=$1 plan=$2 fod_rc=0
	[ "$3" = yes ] && fod_rc=1

	secrets "$plan" >"$T/secrets.json"
	needles
	ok "$([ "$(jq length "$T/secrets.json")" -gt 0 ]; echo $?)" \
		"$name: $(jq length "$T/secrets.json") sensitive values to look for"

	tps "$plan"
	check "$name, text" 0
	tps --json "$plan"
	check "$name, --json" 0
	jq -e '.tool == "terraform-plan-summary"' "$T/.run.out" >/dev/null
	ok $? "$name, --json: stdout is the JSON document"
	tps --fail-on-destroy "$plan"
	check "$name, --fail-on-destroy" "$fod_rc"
	tps_pipe "$plan" -
	check "$name, piped to -" 0

	TPS_ENV=("${PR_ENV[@]}")
	tps --comment --label "$name" "$plan"
	TPS_ENV=()
	check "$name, --comment" 0
	jq -r --arg m "$M $name -->" '[.comments[]
		| select(.body | startswith($m + "\n"))] | last | .body // ""' \
		"$T/dump.json" >"$T/comment.md"
	like "$(head -n 1 "$T/comment.md")" "^$M $name -->\$" \
		"$name, --comment: the comment was posted"
	grep -qF '(sensitive)' "$T/comment.md"
	ok $? "$name, --comment: it says (sensitive)"
	no_leak "$name, --comment: no sensitive value in the comment" "$T/comment.md"
	no_leak "$name, --comment: none in what the GitHub fake received or logged" \
		"$T/dump.json" "$T/fake.out" "$T/fake.err"
}

# --- a real plan --------------------------------------------------------------
real=$TF_FX/opentofu-sensitive-values.plan.json
if [ -f "$real" ]; then
	is "$(secrets "$real")" '["boop"]' \
		"opentofu-sensitive-values: the attribute, output and variable hold \"boop\""
	every_mode opentofu-sensitive-values "$real" no
	tps "$real"
	grep -qxF '+ ami = (sensitive)' "$T/gh-summary"
	ok $? "its ami is (sensitive)"
else
	skip "no shared terraform plan fixtures beside the project"
fi

# --- a plan with secrets everywhere --------------------------------------------
cat >"$T/secret.json" <<'EOF'
{
  "format_version": "1.2",
  "terraform_version": "1.9.8",
  "variables": {
    "db_password": {"value": "varSecretQz81pw"},
    "api_keys": {"value": {"varKeyNameKx42": "varMapSecretLm55"}},
    "tokens": {"value": ["varListSecretPq31", 73914825]},
    "region": {"value": "varRegionSecretRr98"}
  },
  "planned_values": {
    "outputs": {
      "conn": {"sensitive": true,
        "value": {"dsnSecretKeyDs05": "pg://adm:outDsnSecretWq12@dbhost:5432/app"}},
      "plain": {"sensitive": false, "value": "plain-output-visible"}
    },
    "root_module": {}
  },
  "resource_changes": [
    {
      "address": "app_config.main", "mode": "managed",
      "type": "app_config", "name": "main",
      "change": {
        "actions": ["update"],
        "before": {"name": "main-old-visible",
          "settings": {"db": {"password": "oldNestedSecretAb12",
            "user": "plain-user-visible"}}},
        "after": {"name": "main-new-visible",
          "settings": {"db": {"password": "newNestedSecretCd34",
            "user": "plain-user-visible"}}},
        "after_unknown": {},
        "before_sensitive": {"settings": {"db": {"password": true}}},
        "after_sensitive": {"settings": {"db": {"password": true}}}
      }
    },
    {
      "address": "app_secret.keys", "mode": "managed",
      "type": "app_secret", "name": "keys",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {
          "labels": {"mapKeySecretEf56": "mapValSecretGh78",
            "nestedSecretKeyNs06": {"deepKeySecretNn07": ["deepListSecretNo08"]}},
          "tokens": ["listSecretIj90", "listSecretKl21"],
          "mixed": ["visible-element-ok", "elemSecretMn43"],
          "rules": [{"port": 443, "secret": "ruleSecretRu17"},
            {"port": 8443, "secret": "ruleSecretRu18"}],
          "pin": 86420135,
          "count": 3
        },
        "after_unknown": {"id": true},
        "before_sensitive": false,
        "after_sensitive": {"labels": true, "tokens": true,
          "mixed": [false, true], "rules": [{"secret": true},
            {"secret": true}], "pin": true}
      }
    },
    {
      "address": "app_cert.tls", "mode": "managed",
      "type": "app_cert", "name": "tls",
      "change": {
        "actions": ["update"],
        "before": {"pemSecretKeyPk01": "-----BEGIN KEY-----\nbeforeWholeSecretOp65\n-----END KEY-----",
          "bitsSecretKeyBk02": 20481357},
        "after": {"pemSecretKeyPk01": "afterWholeSecretQr87 \"quoted\" \\back",
          "bitsSecretKeyBk02": 40961357},
        "after_unknown": {},
        "before_sensitive": true,
        "after_sensitive": true
      }
    },
    {
      "address": "aws_db_instance.main", "mode": "managed",
      "type": "aws_db_instance", "name": "main",
      "action_reason": "replace_because_cannot_update",
      "change": {
        "actions": ["delete", "create"],
        "before": {"engine": "pgsql-visible", "password": "replOldSecretSt09",
          "master": {"passSecretKeyPs03": "replNestedOldUv32",
            "roleSecretKeyRk04": "roleSecretRo11"}},
        "after": {"engine": "pgsql-visible", "password": "replNewSecretWx54",
          "master": {"passSecretKeyPs03": "replNestedNewYz76",
            "roleSecretKeyRk04": "roleSecretRo11"}},
        "after_unknown": {},
        "before_sensitive": {"password": true, "master": true},
        "after_sensitive": {"password": true, "master": true},
        "replace_paths": [["password"], ["master", "passSecretKeyPs03"]]
      }
    },
    {
      "address": "app_weird.chars", "mode": "managed",
      "type": "app_weird", "name": "chars",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {
          "a": "pipe|Secret|Ba11 <script>alert(1)</script>",
          "b": "fence```Secret`Cb22 --> <!-- x -->",
          "c": "line1\nnewlineSecretDc33\r\n::error::injectedSecretIn44",
          "d": "tab\tSecret\u00e9\u00fc\u2603 unicodeSecretEd44 \ud83d\ude00",
          "e": "quote\"back\\slashSecretFe55 ${{ github.token }} %0A %25",
          "f": "*emph*_under_~strike~ markdownSecretGf66",
          "visible": "plain-weird-visible"
        },
        "after_unknown": {},
        "before_sensitive": false,
        "after_sensitive": {"a": true, "b": true, "c": true, "d": true,
          "e": true, "f": true}
      }
    },
    {
      "address": "app_weird.controls", "mode": "managed",
      "type": "app_weird", "name": "controls",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {"g": "\u0000nulSecretZe70\u007f\u001b[31m",
          "h": "ctl\u0001\u001b[31mescSecretEs71\u007f"},
        "after_unknown": {},
        "before_sensitive": false,
        "after_sensitive": {"g": true, "h": true}
      }
    },
    {
      "address": "aws_ssm_parameter.old", "mode": "managed",
      "type": "aws_ssm_parameter", "name": "old",
      "action_reason": "delete_because_no_resource_config",
      "change": {
        "actions": ["delete"],
        "before": {"name": "/app/old-visible", "value": "deletedSecretHg77"},
        "after": null,
        "after_unknown": {},
        "before_sensitive": {"value": true},
        "after_sensitive": false
      }
    },
    {
      "address": "app_config.same", "mode": "managed",
      "type": "app_config", "name": "same",
      "change": {
        "actions": ["no-op"],
        "before": {"token": "noopSecretIh88"},
        "after": {"token": "noopSecretIh88"},
        "after_unknown": {},
        "before_sensitive": {"token": true},
        "after_sensitive": {"token": true}
      }
    }
  ],
  "resource_drift": [
    {
      "address": "app_config.main", "mode": "managed",
      "type": "app_config", "name": "main",
      "change": {
        "actions": ["update"],
        "before": {"settings": {"db": {"password": "driftOldSecretJi99"}}},
        "after": {"settings": {"db": {"password": "driftNewSecretKj10"}}},
        "after_unknown": {},
        "before_sensitive": {"settings": {"db": {"password": true}}},
        "after_sensitive": {"settings": {"db": {"password": true}}}
      }
    }
  ],
  "output_changes": {
    "conn": {
      "actions": ["update"],
      "before": {"dsnSecretKeyDs05": "outOldDsnSecretLk21"},
      "after": {"dsnSecretKeyDs05": "pg://adm:outDsnSecretWq12@dbhost:5432/app"},
      "after_unknown": false,
      "before_sensitive": true,
      "after_sensitive": true
    },
    "plain": {
      "actions": ["create"],
      "before": null,
      "after": "plain-output-visible",
      "after_unknown": false,
      "before_sensitive": false,
      "after_sensitive": false
    }
  },
  "configuration": {
    "root_module": {
      "variables": {
        "db_password": {"sensitive": true, "default": "varDefaultSecretVd66"}
      }
    }
  }
}
EOF
jq -e . "$T/secret.json" >/dev/null
ok $? "the plan built here is JSON"

# The collector itself: nested leaves, keys inside a sensitive map, list
# elements, whole objects, drift, outputs and variables, and nothing the
# masks leave visible.
secrets "$T/secret.json" >"$T/secrets.json"
is "$(jq -r '[("newNestedSecretCd34", "mapKeySecretEf56", "deepListSecretNo08",
	"elemSecretMn43", "ruleSecretRu18", "86420135", "bitsSecretKeyBk02",
	"passSecretKeyPs03", "driftOldSecretJi99", "outDsnSecretWq12",
	"varKeyNameKx42", "73914825", "varDefaultSecretVd66")
	as $want | select(any(.[]; contains($want)) | not) | $want] | join(" ")' \
	"$T/secrets.json")" "" "the collector finds every kind of sensitive value"
is "$(jq -r '[.[] | select(test("visible|^[0-9]{1,4}$"))] | join(" ")' \
	"$T/secrets.json")" "" "and none of the values left visible"

# The leak check itself: it sees a secret however it is escaped.
needles
md_cell "$(jq -r '.[] | select(contains("markdownSecretGf66"))' "$T/secrets.json")" \
	>"$T/probe.md"
isnt "$(leaks "$T/probe.md")" "" "the leak check sees a secret escaped for Markdown"
jq -a '.[] | select(contains("unicodeSecretEd44"))' "$T/secrets.json" \
	>"$T/probe.json"
isnt "$(leaks "$T/probe.json")" "" "and one escaped as ASCII JSON"
printf 'x %s y\n' 73914825 >"$T/probe.txt"
isnt "$(leaks "$T/probe.txt")" "" "and a sensitive number"

every_mode secret-plan "$T/secret.json" yes

# What the masks leave visible is shown, so the absence above is masking,
# not an empty summary.
tps "$T/secret.json"
for v in main-new-visible visible-element-ok plain-weird-visible \
	/app/old-visible; do
	grep -qF "\"$v\"" "$T/gh-summary"
	ok $? "the summary shows the visible value \"$v\""
done
grep -qxF '~ settings.db.password: (sensitive) -> (sensitive)' "$T/gh-summary"
ok $? "a changed nested secret shows that it changed, not its value"
grep -qxF '~ password: (sensitive) -> (sensitive)  # forces replacement' \
	"$T/gh-summary"
ok $? "a sensitive replace path: (sensitive), # forces replacement"
grep -qxF '~ master: (sensitive) -> (sensitive)  # forces replacement' \
	"$T/gh-summary"
ok $? "a replace path into a sensitive block stops at the block"
grep -qxF '+ labels = (sensitive)' "$T/gh-summary"
ok $? "a sensitive map is one line"
grep -qxF '+ tokens = (sensitive)' "$T/gh-summary"
ok $? "a sensitive list is one line"
like "$out" "${NL}  outputs: update conn, create plain" \
	"outputs are named, never shown"

# Both plans in one run, and with the fixture absent the plan alone.
secrets "$T/secret.json" >"$T/s1.json"
if [ -f "$real" ]; then
	secrets "$real" >"$T/s2.json"
	jq -s 'add | unique' "$T/s1.json" "$T/s2.json" >"$T/secrets.json"
	needles
	tps --fail-on-destroy "$T/secret.json" "$real"
else
	cp -- "$T/s1.json" "$T/secrets.json"
	needles
	tps --fail-on-destroy "$T/secret.json"
fi
check "several plans, --fail-on-destroy" 1
like "$err" "fail-on-destroy is set" "stderr gives the verdict"

done_testing
