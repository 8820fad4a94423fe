#!/bin/sh
# keel's main job, until the planner lands: the kernel loads the shipped
# plugins and runs typed, checked functions through the CLI. Each command is
# shown as typed, then run.
KEEL=${1:-build/bin/keel}
run() {
    printf '\n$ keel %s\n' "$1"
    eval "\"\$KEEL\" $1"
    code=$?
    [ $code = 0 ] || printf '(exit %d)\n' $code
}
run "plugins list"
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
