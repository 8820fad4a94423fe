#!/bin/sh
# dirs_test.sh KEEL SOURCE_DIR BUILD_DIR
# Run directories through the CLI: a symlinked runs/ is refused; a run
# directory another user owns (as root), or others can write, is refused
# naming it and why; a real keel killed while it creates a run (SIGXFSZ at
# `ulimit -f 0`) leaves a .new-ID that the next `keel runs` removes; a
# .new-ID whose lock a live process holds is left alone until it ends; a
# creation that fails (the same limit, SIGXFSZ ignored) leaves none.
set -u
keel=$1 src=$2 build=$3
tmp=$(mktemp -d) || exit 1
holder=""
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
failed=0
st=$tmp/st
plan=$src/tests/data/plans/json/valid/fields.json
pol="--policy $src/tests/data/policies/base.xml"
k() {
    "$keel" "$@" --state-dir "$st" --plugins "$build/tests/plugins" \
        > "$tmp/out" 2> "$tmp/err"
    code=$?
}
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; cat "$tmp/out"; grep -v 'warning: loader' "$tmp/err"; failed=1; }
expect() { # NAME WANT_CODE TEXT_IN_OUT_OR_ERR
    if [ "$code" != "$2" ]; then fail "$1: exit $code, want $2"
    elif ! grep -qF -- "$3" "$tmp/out" "$tmp/err"; then fail "$1: no '$3'"
    else ok "$1"; fi
}
news() { ls -a "$st/runs" | grep -c '^\.new-'; }

# a run keel made passes; its id
k run "$plan" $pol --user ann
id=$(sed -n 's/^keel: run \([^ ]*\)$/\1/p' "$tmp/err" | head -1)
[ -n "$id" ] && ok "a run is made" || fail "no run id"
k runs
expect "keel runs lists it" 0 "$id"

# runs/ a symbolic link: refused, nothing made through it
mv "$st/runs" "$tmp/real-runs" && ln -s "$tmp/real-runs" "$st/runs"
k run "$plan" $pol --user ann
expect "keel run refuses a symlinked runs/" 2 "keel: error: $st/runs: is a symbolic link"
k runs
expect "keel runs refuses it" 2 "$st/runs: is a symbolic link"
k resume "$id" --user ann
expect "keel resume refuses it" 2 "$st/runs: is a symbolic link"
[ "$(ls "$tmp/real-runs" | wc -l)" = 1 ] && ok "nothing made through the link" \
    || fail "something was made through the link"
rm "$st/runs" && mv "$tmp/real-runs" "$st/runs"

# the run directory another user's (root can give it away), then others'
if [ "$(id -u)" = 0 ]; then
    chown 4242 "$st/runs/$id"
    k resume "$id" --user ann
    expect "another user's run directory is refused" 2 \
        "$st/runs/$id: is owned by uid 4242, not you (uid 0)"
    k runs
    expect "keel runs shows it damaged, saying why" 0 "is owned by uid 4242, not you (uid 0)"
    chown 0 "$st/runs/$id"
fi
chmod 0777 "$st/runs/$id"
k resume "$id" --user ann
expect "a run directory others can write is refused" 2 \
    "$st/runs/$id: is writable by group or others (mode 0777)"
chmod 0700 "$st/runs/$id"
chmod 0666 "$st/runs/$id/journal.jsonl"
k runs verify "$id"
expect "a journal others can write is refused" 2 \
    "$st/runs/$id/journal.jsonl: is writable by group or others (mode 0666)"
chmod 0600 "$st/runs/$id/journal.jsonl"
k runs verify "$id"
expect "put back, it verifies" 0 "journal intact"

# keel killed while it creates a run: plan.json is past `ulimit -f 0`
(ulimit -f 0; exec "$keel" run "$plan" $pol --user ann --state-dir "$st" \
    --plugins "$build/tests/plugins") > /dev/null 2>&1
code=$?
[ "$code" -gt 128 ] && [ "$(news)" = 1 ] && ok "a killed creation leaves a .new- directory" \
    || fail "killed creation: exit $code, $(news) .new- directories"
k runs
[ "$code" = 0 ] && [ "$(news)" = 0 ] && ok "keel runs removes it" \
    || fail "keel runs left $(news) .new- directories"

# a .new- directory whose creator is alive (holds its lock) is left alone
new=$st/runs/.new-20260101T000000Z-abcdef
mkdir -m 700 "$new" && : > "$new/lock" && chmod 600 "$new/lock"
(exec 9<> "$new/lock"; flock -x 9; : > "$tmp/held"; exec sleep 60) &
holder=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    [ -e "$tmp/held" ] && break; sleep 0.1
done
k runs
[ -d "$new" ] && ok "a creator's locked .new- directory stays" \
    || fail "a locked .new- directory was removed"
k run "$plan" $pol --user ann
[ -d "$new" ] && ok "and stays through a creation" \
    || fail "a creation removed a locked .new- directory"
kill "$holder"; wait "$holder" 2>/dev/null; holder=""
k runs
[ ! -e "$new" ] && ok "once its creator is gone, keel runs removes it" \
    || fail "an abandoned .new- directory stayed"

# a creation that fails (the write is refused, not killed) leaves nothing
before=$(ls "$st/runs" | wc -l)
# (its messages go through a pipe: the limit would stop them too)
{ (trap '' XFSZ; ulimit -f 0; exec "$keel" run "$plan" $pol --user ann \
    --state-dir "$st" --plugins "$build/tests/plugins"); echo "exit $?"; } \
    2>&1 | cat > "$tmp/err"
: > "$tmp/out"
code=$(sed -n 's/^exit //p' "$tmp/err")
expect "a failed creation says why" 2 "plan.json: File too large"
[ "$(news)" = 0 ] && [ "$(ls "$st/runs" | wc -l)" = "$before" ] \
    && ok "and leaves no .new- directory" || fail "a failed creation left $(news)"
exit $failed
