#!/bin/bash
# header_test.sh c99|cxx COMPILER SDK_INCLUDE_DIR KEEL
#
# Proves <keel/plugin.h> is clean C99 -pedantic or C++11 -pedantic with
# every warning an error: a TU that only includes it, and a whole plugin
# using KEEL_ABI_STAMP, KEEL_PLUGIN_EXPORT and KEEL_API_HAS. The plugin is
# then linked like a real one (hidden visibility, --no-undefined), must
# export exactly keel_plugin_entry, and is loaded and called by KEEL.
# A missing compiler is a failure, never a skip.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/sdk_lib.sh"

[ $# -eq 4 ] || sdk_fail "usage: $0 c99|cxx COMPILER SDK_INCLUDE_DIR KEEL"
lang=$1 cc=$2 inc=$3 keel=$4

case "$lang" in
c99)
    ext=c name=tiny_c
    flags=(-std=c99 -pedantic -Werror -Wall -Wextra -Wshadow
           -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual -Wconversion
           -Wsign-conversion -Wundef -Wredundant-decls -Wc++-compat)
    ;;
cxx)
    ext=cpp name=tiny_cxx
    flags=(-std=c++11 -pedantic -Werror -Wall -Wextra -Wshadow -Wconversion
           -Wsign-conversion -Wundef)
    ;;
*) sdk_fail "unknown language '$lang' (c99 or cxx)" ;;
esac

case "$cc" in
"" | *-NOTFOUND)
    sdk_fail "no $lang compiler found (install g++, or configure with" \
             "-DKEEL_SDK_CXX=/path/to/c++)" ;;
esac
sdk_need "$cc" nm readelf
[ -f "$inc/keel/plugin.h" ] || sdk_fail "$inc/keel/plugin.h is missing"
[ -x "$keel" ] || sdk_fail "$keel is not built"

sdk_mktemp "header-$lang"
plugins="$SDK_TMP/plugins"
mkdir "$plugins"

sdk_step "$cc ${flags[*]}: include_only.$ext"
sdk_run "$SDK_TMP/include.log" "$cc" "${flags[@]}" -I"$inc" \
    -c "$HERE/header/include_only.$ext" -o "$SDK_TMP/include_only.o"

sdk_step "$cc ${flags[*]}: tiny_plugin.$ext -> $name.so"
sdk_run "$SDK_TMP/plugin.log" "$cc" "${flags[@]}" -I"$inc" -fPIC \
    -fvisibility=hidden -shared -Wl,--no-undefined \
    -o "$plugins/$name.so" "$HERE/header/tiny_plugin.$ext"

sdk_step "exports of $name.so"
sdk_check_exports "$plugins/$name.so"

sdk_step "keel loads $name.so and calls $name.ping"
sdk_expect_output '"pong"' "$keel" --plugins "$plugins" invoke "$name.ping"

echo "PASS: <keel/plugin.h> as $lang"
