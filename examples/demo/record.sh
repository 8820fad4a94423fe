#!/bin/sh
# Re-records examples/demo/goal.replay.jsonl, which `make demo` replays.
# Needed whenever the prompt templates, the shipped plugins' functions or
# the example policy change (a replay matches a request by its hash).
#
# The "model" here is keel-mock-llm serving the scripted replies in
# model-replies.jsonl over HTTP on 127.0.0.1; keel talks to it exactly as to
# OpenAI and records each request and reply (--record). To record a live
# model instead, drop --llm-url and use --llm openai:gpt-4o-mini with
# OPENAI_API_KEY set.
#
#   sh examples/demo/record.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
keel=$build/bin/keel mock=$build/tests/bin/keel-mock-llm
out=examples/demo/goal.replay.jsonl
state=$(mktemp -d)
"$mock" examples/demo/model-replies.jsonl > "$state/url" &
mpid=$!
trap 'kill $mpid 2>/dev/null; rm -rf "$state"' EXIT
i=0
while [ ! -s "$state/url" ]; do
    i=$((i + 1))
    [ $i -le 50 ] || { echo "record.sh: keel-mock-llm did not start" >&2; exit 1; }
    sleep 0.1
done
rm -f "$out"
. examples/demo/goal.env
# ann gets a plan (exit 0), bob is not shown math and gets "cannot plan" (2)
for case in "0 $ANN" "2 $BOB"; do
    want=${case%% *} who=${case#* }
    set +e
    # shellcheck disable=SC2086
    XDG_STATE_HOME=$state "$keel" goal "$GOAL" $who $OPTS \
        --llm "$MODEL" --llm-url "$(cat "$state/url")" --record "$out" \
        --no-cache --dry-run > /dev/null
    code=$?
    set -e
    [ $code = "$want" ] || { echo "record.sh: $who: exit $code, expected $want" >&2; exit 1; }
done
echo "recorded $(wc -l < "$out") exchanges in $out"
