#!/bin/sh
# goal_test.sh KEEL MOCK SOURCE_DIR BUILD_DIR
# `keel goal` end to end against keel-mock-llm on 127.0.0.1: exit codes, the
# number of model calls (the mock's request log), and whether the plan's
# side effect (exectest.append writing side-effect.txt) happened. Above
# all: when no valid, permitted, confirmed plan exists, nothing runs.
set -u
keel=$1 mock=$2 src=$3 build=$4
data=$src/tests/data/planner
tmp=$(mktemp -d) || exit 1
mpid=
trap '[ -n "$mpid" ] && kill $mpid 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
failed=0
url=

start_mock() {
    : > url
    "$mock" --log requests "$@" > url &
    mpid=$!
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        [ -s url ] && break
        sleep 0.1
    done
    url=$(cat url)
    [ -n "$url" ] || { echo "FAIL: keel-mock-llm did not start"; exit 1; }
}

stop_mock() {
    kill "$mpid"
    wait "$mpid" 2>/dev/null
    mpid=
}

# goal ARGS...: runs keel goal with the fixtures and the test policy; $code
goal() {
    env -u KEEL_CONFIG -u KEEL_PLUGIN_PATH HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" \
        XDG_STATE_HOME="$tmp/state" "$keel" goal "$@" \
        --plugins "$build/tests/plugins" --llm openai:gpt-4o-mini \
        --llm-url "$url" --policy "$data/goal_policy.xml" \
        > out 2> err < /dev/null
    code=$?
}

# check NAME WANT_CODE WANT_REQUESTS WANT_LINES: the exit code, the model's
# call count and the lines in side-effect.txt (0: the file must not exist).
check() {
    stop_mock
    requests=$(wc -l < requests)
    lines=0
    [ -f side-effect.txt ] && lines=$(wc -l < side-effect.txt)
    if [ "$code" = "$2" ] && [ "$requests" = "$3" ] && [ "$lines" = "$4" ]; then
        echo "ok: $1"
    else
        echo "FAIL: $1: exit $code (want $2), $requests model calls (want $3)," \
             "$lines side effects (want $4)"
        grep -v 'warning: loader' err | sed 's/^/    /'
        failed=1
    fi
}

expect_in() { # FILE TEXT
    grep -qF -- "$2" "$1" || { echo "FAIL: $1 lacks: $2"; failed=1; }
}

W="--group cn=writers,dc=example,dc=com"

start_mock "$data/goal_append_invalid.jsonl"
goal "leave a trace" $W --yes --no-cache
check "an invalid plan never runs, after 2 repairs" 2 3 0
expect_in err "exectest.apend"
expect_in err "nothing ran"

start_mock "$data/goal_append.jsonl"
goal "leave a trace" --yes --no-cache
check "a denied plan never runs (exit 3)" 3 3 0
expect_in err "'exectest.append' is not one of the functions you were given"

start_mock "$data/goal_append.jsonl"
goal "leave a trace" $W --no-cache
check "without a terminal, --yes is required" 2 1 0
expect_in err "pass --yes to run it"
expect_in out "1. w: exectest.append  [writes]"

start_mock "$data/goal_append.jsonl"
goal "leave a trace" $W --dry-run --no-cache --plan-out plan.json
check "--dry-run shows the plan and runs nothing" 0 1 0
expect_in out "policy: allowed by rule 'writers-append'"
expect_in out "why: leave a trace"

start_mock "$data/goal_append.jsonl"
goal "leave a trace" $W --yes
check "--yes runs the checked plan" 0 1 1
expect_in out '"ran"'

start_mock "$data/goal_append.jsonl"
goal "leave a trace" $W --yes
check "the same goal again comes from the cache" 0 0 2
expect_in err "using a cached plan"

start_mock "$data/cannot_plan.jsonl"
goal "mail the board" $W --yes --no-cache
check "cannot plan is shown, exit 2" 2 1 2
expect_in err "the model cannot plan this goal: No function can send e-mail."

start_mock "$data/goal_append.jsonl"
goal "leave a trace" $W --yes --no-cache --json
check "--json prints events and the result" 0 1 3
expect_in out '{"event":"llm_reply","attempt":1,"model":"openai:gpt-4o-mini"'
expect_in out '"event":"plan","hash":"'
expect_in out '{"event":"run_finished","ok":true,"output":"ran"}'

# the saved plan is a plan file keel runs as it is
env -u KEEL_CONFIG HOME="$tmp" "$keel" run plan.json --plugins "$build/tests/plugins" \
    --policy "$data/goal_policy.xml" --group cn=writers,dc=example,dc=com \
    > out 2> err
[ $? = 0 ] && [ "$(wc -l < side-effect.txt)" = 4 ] && echo "ok: --plan-out saves a runnable plan" ||
    { echo "FAIL: --plan-out plan did not run"; failed=1; }

url=http://127.0.0.1:1
goal "leave a trace" $W --yes --no-cache
[ "$code" = 5 ] && echo "ok: an unreachable model is exit 5" ||
    { echo "FAIL: unreachable model: exit $code"; failed=1; }

exit $failed
