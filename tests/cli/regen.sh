#!/bin/sh
# regen.sh BUILD_DIR [NAME...]: rewrites the expected output of CLI cases
# from what keel does now. Review every diff before committing it.
set -u
build=$(cd "$1" && pwd); shift
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$src/tests/cli/cases
names=$*
[ -z "$names" ] && names=$(cd "$dir" && ls *.cmd | sed 's/\.cmd$//')
for n in $names; do
    tmp=$(mktemp -d)
    cmd=$(sed -e "s|@BUILD@|$build|g" -e "s|@SRC@|$src|g" "$dir/$n.cmd")
    (cd "$src" && eval "set -- $cmd" &&
     extra=""; [ -f "$dir/$n.env" ] && extra=$(sed -e "s|@BUILD@|$build|g" -e "s|@SRC@|$src|g" "$dir/$n.env")
     env -u KEEL_CONFIG -u KEEL_PLUGIN_PATH HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" \
         XDG_STATE_HOME="$tmp/state" $extra "$build/bin/keel" "$@" > "$tmp/out" 2> "$tmp/err"
     echo $? > "$tmp/code")
    sed -i -E -e "s|$tmp|@HOME@|g" -e "s|$build|@BUILD@|g" -e "s|$src|@SRC@|g" \
        -e 's/"([a-z]+_)?ms":[0-9.e+-]+/"\1ms":N/g' \
        -e 's/[0-9]+\.[0-9]+ ms\b/N ms/g' \
        -e 's/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}/RUNID/g' "$tmp/out" "$tmp/err"
    cp "$tmp/out" "$dir/$n.out"
    rm -f "$dir/$n.err" "$dir/$n.code"
    [ -s "$tmp/err" ] && cp "$tmp/err" "$dir/$n.err"
    [ "$(cat "$tmp/code")" != 0 ] && cp "$tmp/code" "$dir/$n.code"
    rm -rf "$tmp"
done
