#!/bin/sh
# run_case.sh KEEL CASE_DIR NAME BUILD_DIR SOURCE_DIR
# One data-driven CLI test: NAME.cmd holds the arguments (shell words),
# NAME.out the exact stdout, NAME.err the exact stderr (empty when absent),
# NAME.code the exit code (0 when absent). @BUILD@ and @SRC@ in the expected
# text stand for the build and source directories. Cases run with a clean
# environment: no user config, no KEEL_* variables, plus the KEY=VALUE lines
# of NAME.env when present.
set -u
keel=$1 dir=$2 name=$3 build=$4 src=$5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
expand() { sed -e "s|@BUILD@|$build|g" -e "s|@SRC@|$src|g" "$1"; }
expand "$dir/$name.cmd" > "$tmp/cmd"
eval "set -- $(cat "$tmp/cmd")"
cd "$src" || exit 1
: > "$tmp/env"
[ -f "$dir/$name.env" ] && expand "$dir/$name.env" > "$tmp/env"
env -u KEEL_CONFIG -u KEEL_PLUGIN_PATH HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" \
    XDG_STATE_HOME="$tmp/state" $(cat "$tmp/env") "$keel" "$@" > "$tmp/out" 2> "$tmp/err"
code=$?
want_code=0
[ -f "$dir/$name.code" ] && want_code=$(cat "$dir/$name.code")
expand "$dir/$name.out" > "$tmp/want_out"
if [ -f "$dir/$name.err" ]; then expand "$dir/$name.err" > "$tmp/want_err"; else : > "$tmp/want_err"; fi
# timings vary: "ms":12.3 (also "mean_ms", ...) is compared as "ms":N, and
# "12.3 ms" in text as "N ms"; run ids as RUNID
sed -i -E -e "s|$tmp|@HOME@|g" -e 's/"([a-z]+_)?ms":[0-9.e+-]+/"\1ms":N/g' \
        -e 's/[0-9]+\.[0-9]+ ms\b/N ms/g' \
        -e 's/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}/RUNID/g' "$tmp/out" "$tmp/err"
ok=1
if [ "$code" != "$want_code" ]; then
    echo "$name: exit code $code, expected $want_code"; ok=0
fi
if ! diff -u "$tmp/want_out" "$tmp/out" > "$tmp/d1"; then
    echo "$name: stdout differs:"; cat "$tmp/d1"; ok=0
fi
if ! diff -u "$tmp/want_err" "$tmp/err" > "$tmp/d2"; then
    echo "$name: stderr differs:"; cat "$tmp/d2"; ok=0
fi
[ $ok = 1 ] && echo "$name: ok"
[ $ok = 1 ]
