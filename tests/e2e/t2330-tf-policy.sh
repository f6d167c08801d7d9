#!/usr/bin/env bash
# terraform-plan-summary's policy: fail-on-destroy stops on deletions and
# replacements (both orders) that allow-destroy does not name, with
# DEPLOY_APPROVAL_REQUIRED and every output still written; forget is not
# destruction; stateful types are flagged as possible data loss even when
# allowed, and the list is the user's to extend or replace; an errored plan
# fails unless fail-on-errored is off.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/tf/lib.sh"
need_tps
fail_if_missing jq jq

SHOP=$DA_TOP/tests/e2e/fixtures/tfplan/shop-release.plan.json

# plan FILE ADDRESS:TYPE:ACTIONS...: a plan of those changes
plan() {
	local f=$1
	shift
	printf '%s\n' "$@" | jq -R -s '
		split("\n") | map(select(length > 0) | split(":")) |
		{format_version: "1.2", terraform_version: "1.9.0",
		 resource_changes: map({address: .[0], type: .[1],
			mode: "managed", name: (.[0] | split(".") | last),
			change: {actions: (.[2] | split(","))}})}' >"$f"
}

# Without the policy, destruction is reported and passes.
tps "$SHOP"
tps_rc_is 0 "deletions pass without fail-on-destroy"
is "$(tps_output has-destroy)" true "has-destroy"
is "$(tps_output destroyed)" "$(printf 'aws_sqs_queue.legacy_jobs\naws_ecs_task_definition.api')" \
	"destroyed lists the deletion and the replacement, deletion first"
is "$(tps_output verdict)" pass "verdict pass"

# With it, the unallowed ones fail the step.
TPS_ENV=(GITHUB_ACTIONS=true)
tps --fail-on-destroy "$SHOP"
TPS_ENV=()
tps_rc_is 1 "fail-on-destroy fails on unallowed destruction"
like "$out" '::error title=terraform-plan-summary%3A DEPLOY_APPROVAL_REQUIRED::' "an error annotation with the code"
like "$err" '2 resources would be destroyed and fail-on-destroy is set: aws_sqs_queue.legacy_jobs \(delete\), aws_ecs_task_definition.api \(replace\); name them in allow-destroy' \
	"one line names both"
is "$(tps_output verdict)" fail "verdict fail"
is "$(tps_output replace)" 1 "the counts are still written"
is "$(tps_output has-data-loss)" true "has-data-loss too"

tps --fail-on-destroy --allow-destroy 'aws_ecs_task_definition.*' "$SHOP"
tps_rc_is 1 "allowing the replacement leaves the queue"
like "$err" '1 resource would be destroyed and fail-on-destroy is set: aws_sqs_queue.legacy_jobs \(delete\); name it in' \
	"only the queue is named"
unlike "$err" 'aws_ecs_task_definition' "not the allowed task definition"

tps --fail-on-destroy --allow-destroy 'aws_ecs_task_definition.*' \
	--allow-destroy 'aws_sqs_*' "$SHOP"
tps_rc_is 0 "everything destroyed is allowed: pass"
is "$(tps_output verdict)" pass "verdict pass"
is "$(tps_output has-data-loss)" true "the queue is still possible data loss"
is "$(tps_output data-loss)" aws_sqs_queue.legacy_jobs "named in data-loss"
like "$out" 'warning: terraform-plan-summary: possible data loss: 1 stateful resource deleted or replaced: aws_sqs_queue.legacy_jobs \(delete\)' \
	"a warning says so"
like "$(cat "$T/gh-summary")" 'allow-destroy allows all of them' "the summary says all are allowed"
like "$(cat "$T/gh-summary")" 'no longer in the configuration · \*\*possible data loss\*\*' \
	"and marks the queue's row"

# Both replace orders are destruction; forget is not.
plan "$T/p.json" 'aws_instance.a:aws_instance:delete,create' \
	'aws_instance.b:aws_instance:create,delete' \
	'aws_instance.c:aws_instance:forget' \
	'aws_instance.d:aws_instance:create,forget' \
	'aws_instance.e:aws_instance:create'
tps --fail-on-destroy "$T/p.json"
tps_rc_is 1 "replacements in either order fail"
like "$err" '2 resources would be destroyed' "two of them"
unlike "$err" 'aws_instance\.[cde]' "forget and create are not destruction"
is "$(tps_output forget)" 2 "both forget forms count as forget"
is "$(tps_output has-data-loss)" false "instances hold no data"

tps --fail-on-destroy --allow-destroy 'aws_instance.[ab]' "$T/p.json"
tps_rc_is 0 "a class in the glob allows both"

plan "$T/f.json" 'aws_instance.c:aws_instance:forget'
tps --fail-on-destroy "$T/f.json"
tps_rc_is 0 "a plan that only forgets passes fail-on-destroy"
is "$(tps_output has-destroy)" false "and destroys nothing"
is "$(tps_output has-changes)" true "but has changes"

# Globs match whole addresses, modules included.
plan "$T/m.json" 'module.cache.aws_elasticache_cluster.c:aws_elasticache_cluster:delete' \
	'module.cache.module.inner.aws_instance.x:aws_instance:delete' \
	'aws_instance.cache:aws_instance:delete'
tps --fail-on-destroy --allow-destroy 'module.cache.**' "$T/m.json"
tps_rc_is 1 "the root instance is outside module.cache"
like "$err" '1 resource would be destroyed.*: aws_instance.cache \(delete\)' "only it is named"
is "$(tps_output data-loss)" module.cache.aws_elasticache_cluster.c \
	"the cache cluster is stateful"

# The stateful list: the user's types, and only the user's.
plan "$T/s.json" 'acme_vault.v:acme_vault:delete' \
	'aws_db_instance.db:aws_db_instance:delete,create'
tps "$T/s.json"
is "$(tps_output data-loss)" aws_db_instance.db "a database by default"
tps --stateful 'acme_*' "$T/s.json"
is "$(tps_output data-loss)" "$(printf 'acme_vault.v\naws_db_instance.db')" \
	"and a type the user adds"
tps --stateful 'acme_*' --no-default-stateful "$T/s.json"
is "$(tps_output data-loss)" acme_vault.v "only the user's with the defaults off"
tps --stateful '[' "$T/s.json"
tps_rc_is 2 "a bad stateful glob is bad input"
like "$err" "invalid stateful pattern '\['" "and says which"

# An errored plan.
printf '%s' '{"format_version":"1.2","errored":true,"applyable":false,"planned_values":{}}' >"$T/e.json"
TPS_ENV=(GITHUB_ACTIONS=true)
tps "$T/e.json"
TPS_ENV=()
tps_rc_is 1 "an errored plan fails"
like "$out" '::error title=terraform-plan-summary%3A DEPLOY_CI_FAILED::' "with DEPLOY_CI_FAILED"
is "$(tps_output errored)" true "output errored"
like "$(cat "$T/gh-summary")" 'Terraform reported errors while planning' "the summary says so"
tps --no-fail-on-errored "$T/e.json"
tps_rc_is 0 "fail-on-errored off: it passes"
like "$out" "warning: terraform-plan-summary: plan errored: plan '.*e.json' errored" \
	"with a warning"

done_testing
