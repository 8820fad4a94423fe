#!/bin/sh
# keel's main job, until the planner lands: load the shipped plugins, check a
# plan against them and a policy, run it in parallel, and call single
# functions. Each command is shown as typed, then run.
KEEL=${1:-build/bin/keel}
run() {
    printf '\n$ keel %s\n' "$1"
    eval "\"\$KEEL\" $1"
    code=$?
    [ $code = 0 ] || printf '(exit %d)\n' $code
}
run "plugins list"
run "plan show examples/plan.json"
run "validate examples/plan.json --policy examples/policy.xml --user ann"
run "run examples/plan.json --policy examples/policy.xml --user ann"
printf '\n# A plan that needs math is refused for ann before anything runs (exit 3),\n'
printf '# and allowed for a member of the ops group:'
run "run examples/plan_math.json --policy examples/policy.xml --user ann"
run "run examples/plan_math.json --policy examples/policy.xml --user ann --group cn=ops,ou=groups,dc=example,dc=com"
run "plugins describe math.div"
run "invoke math.add a=2 b=40"
run "invoke text.format template='Hello, {name}! You have {n} tasks.' --args '{\"fields\": {\"name\": \"jdoe\", \"n\": 3}}'"
run "invoke json.get path=user.mail --args '{\"value\": {\"user\": {\"mail\": \"jdoe@example.com\"}}}'"
run "invoke time.add time=2026-11-24T09:00:00Z seconds=5400"
run "invoke text.split text=a,b,c sep=, --json"
printf '\n# A function that fails at run time exits 1; bad input is refused\n'
printf '# before the call and exits 2:'
run "invoke math.div a=1 b=0"
run "invoke math.add a=two b=1"
exit 0
