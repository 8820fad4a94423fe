#!/bin/sh
# trace_test.sh KEEL MOCK SOURCE_DIR BUILD_DIR
# keel trace end to end: a run's trace on the terminal, as HTML, sent to an
# OTLP receiver on 127.0.0.1 (keel-mock-llm, which logs request bodies)
# by `keel trace --otlp` and automatically at the end of `keel run` when
# the config names a collector; a collector that is down fails the export
# (exit 5 for keel trace) but never the run.
set -u
keel=$1 mock=$2 src=$3 build=$4
tmp=$(mktemp -d) || exit 1
mpid=
trap '[ -n "$mpid" ] && kill $mpid 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
failed=0
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok: $*"; }

for _ in 1 2 3 4 5 6; do echo '{"json": {}}'; done > replies.jsonl
"$mock" --log requests replies.jsonl > url &
mpid=$!
for _ in $(seq 1 50); do [ -s url ] && break; sleep 0.1; done
url=$(cat url)
[ -n "$url" ] || { echo "FAIL: keel-mock-llm did not start"; exit 1; }

k() {
    env -u KEEL_CONFIG -u KEEL_PLUGIN_PATH HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" \
        "$keel" "$@" --state-dir "$tmp/state" --plugins "$build/lib/keel/plugins"
}

printf '{"trace": {"otlp_url": "%s"}}\n' "$url" > config.json
printf '{"trace": {"otlp_url": "http://127.0.0.1:1", "timeout_ms": 2000}}\n' > dead.json

# a run exports its trace when it ends
k run "$src/examples/plan.json" --config config.json > out 2> err
code=$?
id=$(ls state/runs)
[ "$code" = 0 ] && [ -n "$id" ] && ok "keel run with trace.otlp_url" \
    || fail "keel run: exit $code: $(cat err)"

# the tree on the terminal
k trace "$id" > tree 2> err
if [ $? = 0 ] && grep -q "^run $id .*: done$" tree &&
   grep -q "execute_tool text.upper .* ms at +.* ms: names done" tree &&
   grep -q "policy check" tree; then ok "keel trace"; else fail "keel trace:"; cat tree err; fi

# the HTML timeline
k trace "$id" --html trace.html > out 2> err
if [ $? = 0 ] && grep -q "<!DOCTYPE html>" trace.html && grep -q "slowest" trace.html &&
   ! grep -q "<script" trace.html; then ok "keel trace --html"; else fail "--html: $(cat err)"; fi

# sent by hand
k trace "$id" --otlp "$url" > out 2> err
grep -q "^exported [0-9]* spans of run $id to $url" out && ok "keel trace --otlp" \
    || fail "--otlp: $(cat out err)"

# --json prints what is sent
k trace "$id" --json > json 2> err
grep -q '"resourceSpans"' json && ok "keel trace --json" || fail "--json"

# a collector that is down
k trace "$id" --otlp http://127.0.0.1:1 > out 2> err
code=$?
[ "$code" = 5 ] && grep -q "127.0.0.1:1/v1/traces" err && ok "keel trace --otlp down: exit 5" \
    || fail "--otlp down: exit $code: $(cat err)"
k run "$src/examples/plan.json" --config dead.json > out 2> err
code=$?
[ "$code" = 0 ] && grep -q "warning: the run's trace was not exported" err \
    && ok "keel run with the collector down: exit 0 and a warning" \
    || fail "run, collector down: exit $code: $(cat err)"

kill "$mpid"; wait "$mpid" 2>/dev/null; mpid=
# the receiver got the run's automatic export and the one by hand
n=$(wc -l < requests)
[ "$n" = 2 ] && ok "2 exports received" || fail "$n exports received, want 2"
if head -1 requests | grep -q '"name":"execute_tool text.upper"' &&
   head -1 requests | grep -q "\"stringValue\":\"$id\"" &&
   ! grep -q 'gen_ai.tool.call.arguments' requests; then
    ok "the exports hold the run's spans and no contents"
else
    fail "export bodies"
fi
exit $failed
