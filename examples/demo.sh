#!/bin/sh
# keel's main job, until the planner lands: the kernel loads the shipped
# plugins and runs typed, checked functions through the CLI.
set -e
KEEL=${1:-build/bin/keel}
run() {
    printf '\n$ keel %s\n' "$*"
    "$KEEL" "$@"
}
run plugins list
run plugins describe math.div
run invoke math.add a=2 b=40
run invoke text.format template='Hello, {name}! You have {n} tasks.' \
    --args '{"fields": {"name": "jdoe", "n": 3}}'
run invoke json.get --args '{"value": {"user": {"mail": "jdoe@example.com"}}, "path": "user.mail"}'
run invoke time.add time=2026-11-24T09:00:00Z seconds=5400
printf '\n$ keel invoke math.div a=1 b=0   # a run-time failure: exit 1\n'
"$KEEL" invoke math.div a=1 b=0 || echo "(exit $?)"
printf '\n$ keel invoke math.add a=two b=1  # bad input, refused before the call: exit 2\n'
"$KEEL" invoke math.add a=two b=1 || echo "(exit $?)"
