#!/bin/sh
# keel's main job, offline: a goal in plain words becomes a checked plan,
# which runs. The model's answers are a recording (examples/demo/
# goal.replay.jsonl) of scripted replies, made through keel's real HTTP
# path by examples/demo/record.sh: no network and no API key are needed.
# To use a live model instead, replace "--llm replay:..." with
# "--llm openai:gpt-4o-mini" (and set OPENAI_API_KEY) or
# "--llm ollama:llama3.1".
#
# Each command is shown as typed, then run. Exits non-zero if any command's
# exit code is not the one expected, so the demo doubles as a test.
KEEL=${1:-build/bin/keel}
cd "$(dirname "$0")/.." || exit 1
. examples/demo/goal.env
REPLAY=replay:examples/demo/goal.replay.jsonl
XDG_STATE_HOME=$(mktemp -d) && export XDG_STATE_HOME
trap 'rm -rf "$XDG_STATE_HOME"' EXIT
status=0

run() { # WANT_EXIT ARG...: shows the command as typed, runs it
    want=$1
    shift
    printf '\n$ keel'
    for a in "$@"; do
        case $a in
        *" "*) printf ' "%s"' "$a" ;;
        *) printf ' %s' "$a" ;;
        esac
    done
    printf '\n'
    "$KEEL" "$@"
    code=$?
    [ $code = 0 ] || printf '(exit %d)\n' $code
    [ $code = "$want" ] || { echo "demo: expected exit $want"; status=1; }
}

say() { # LINE...: a comment block
    printf '\n'
    for line in "$@"; do printf '# %s\n' "$line"; done
}

say "ann is in the ops group, which the example policy lets use math. keel" \
    "shows the model only what ann may call, checks its plan, shows it with" \
    "each step's verdict, then runs it. The model's answer is a recording."
# shellcheck disable=SC2086
run 0 goal "$GOAL" $ANN $OPTS --llm "$REPLAY" --yes

say "bob may not use math, so the model is never shown it, and says it" \
    "cannot plan instead of inventing something (exit 2, nothing runs):"
# shellcheck disable=SC2086
run 2 goal "$GOAL" $BOB $OPTS --llm "$REPLAY" --yes

say "Plans are files too. A plan that needs math is refused for bob before" \
    "anything runs (exit 3):"
run 0 validate examples/plan.json --policy examples/policy.xml --user bob
run 3 run examples/plan_math.json --policy examples/policy.xml --user bob

say "Every run is journalled, step by step, so it can stop for approval," \
    "survive a crash and resume (keel runs show ID, keel resume ID):"
run 0 runs
exit $status
