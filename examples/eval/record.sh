#!/bin/sh
# record.sh [BUILD_DIR [OUT]]: regenerates examples/eval/replay.jsonl (or
# writes OUT instead; ctest's eval_recording compares the two), the
# recording `keel eval examples/eval/suite.json --llm replay:...` answers
# from. It runs the suite through keel's real HTTP path against
# keel-mock-llm, which serves the hand-written replies in
# model-replies.jsonl, and records every request with --record.
#
# Replay matches a request by the hash of its normal form, so any change to
# the prompt templates, the plugins' catalog, the policy or the suite's
# goals and users needs a new recording: run this script (after `make`).
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here/replay.jsonl}
mock=$build/tests/bin/keel-mock-llm
keel=$build/bin/keel
for f in "$mock" "$keel"; do
    [ -x "$f" ] || { echo "record.sh: $f is missing; build keel first" >&2; exit 2; }
done
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
"$mock" "$here/model-replies.jsonl" > "$tmp/url" &
pid=$!
while [ ! -s "$tmp/url" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "record.sh: keel-mock-llm failed" >&2; exit 1; }
    sleep 0.05
done
# a clean environment: no user configuration, plugins from the build only
env -u KEEL_CONFIG -u KEEL_PLUGIN_PATH -u KEEL_LLM HOME="$tmp" \
    XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" \
    "$keel" eval "$here/suite.json" --llm openai:scripted \
    --llm-url "$(cat "$tmp/url")" --record "$tmp/replay.jsonl"
mv "$tmp/replay.jsonl" "$out"
echo "record.sh: wrote $out ($(wc -l < "$out") requests)"
