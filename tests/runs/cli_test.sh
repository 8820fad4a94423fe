#!/bin/sh
# cli_test.sh KEEL SOURCE_DIR BUILD_DIR
# The run commands end to end: a step that needs approval stops the run
# (exit 4); keel approve, keel resume; keel reject; keel runs, runs show,
# runs verify on an intact and on an edited journal.
set -u
keel=$1 src=$2 build=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
k() {
    "$keel" "$@" --state-dir "$tmp/st" --plugins "$build/tests/plugins" \
        > "$tmp/out" 2> "$tmp/err"
    code=$?
}
expect() { # NAME WANT_CODE [TEXT_IN_OUT_OR_ERR]
    if [ "$code" != "$2" ]; then
        echo "FAIL: $1: exit $code, want $2"; grep -v 'warning: loader' "$tmp/err"
        failed=1
    elif [ -n "${3:-}" ] && ! grep -qF -- "$3" "$tmp/out" "$tmp/err"; then
        echo "FAIL: $1: no '$3' in:"; cat "$tmp/out"; grep -v 'warning: loader' "$tmp/err"
        failed=1
    else
        echo "ok: $1"
    fi
}
plan=$src/tests/data/plans/json/valid/fields.json
pol="--policy $src/tests/data/policies/base.xml"

k run "$plan" $pol --user ann
expect "a step that needs approval stops the run" 4 "needs approval by rule 'greet-needs-approval'"
id=$(sed -n 's/^keel: run \([^ ]*\)$/\1/p' "$tmp/err" | head -1)
expect "the request shows the step's arguments" 4 'keel: step arguments: {"name":"ada"}'
k runs
expect "runs lists it as waiting" 0 "waiting"
k approve "$id" u --user ann --comment "looks fine" $pol
expect "approve" 0 "approved step 'u' of run $id as ann"
k approve "$id" u --user ann $pol
expect "nothing left to approve" 2 "no approval of step 'u' is pending"
k resume "$id" --user ann
expect "resume after approval" 0 '"HELLO, ADA"'
k runs show "$id"
expect "runs show" 0 "done, 5/5 steps done"
k runs verify "$id"
expect "verify an intact journal" 0 "journal intact"
# edit record 3 (a step record) in place
j="$tmp/st/runs/$id/journal.jsonl"
sed -i '3s/"step":"/"step":"x/' "$j"
k runs verify "$id"
expect "verify names the edited record" 2 "journal.jsonl:3: record 3 was edited"

k run "$plan" $pol --user ann
id2=$(sed -n 's/^keel: run \([^ ]*\)$/\1/p' "$tmp/err" | head -1)
k reject "$id2" u --user bob --reason "not this week"
expect "reject" 0 "rejected step 'u'"
k resume "$id2" --user ann
expect "a rejected step fails the run" 3 "rejected by bob: not this week"
k runs --json
expect "runs --json" 0 "\"state\":\"failed\""
exit $failed
