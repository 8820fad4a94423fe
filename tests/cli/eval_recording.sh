#!/bin/sh
# eval_recording.sh BUILD_DIR SOURCE_DIR
# The shipped eval suite through keel's real HTTP path: examples/eval/
# record.sh runs `keel eval` against keel-mock-llm serving the scripted
# replies, into a scratch file. Every case must pass, and the recording
# must equal the shipped examples/eval/replay.jsonl; when it does not, the
# prompt templates, the plugins' catalog, the policy or the suite changed
# and the shipped recording is stale.
set -u
build=$1 src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! sh "$src/examples/eval/record.sh" "$build" "$tmp/replay.jsonl" \
        > "$tmp/log" 2>&1; then
    cat "$tmp/log"
    echo "FAIL: the shipped eval suite fails against its scripted replies"
    exit 1
fi
if ! cmp -s "$tmp/replay.jsonl" "$src/examples/eval/replay.jsonl"; then
    echo "FAIL: examples/eval/replay.jsonl is stale; re-record it:"
    echo "  sh examples/eval/record.sh && sh tests/cli/regen.sh build eval_suite eval_suite_json eval_failing"
    exit 1
fi
echo "eval_recording: ok"
