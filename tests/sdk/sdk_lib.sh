# sdk_lib.sh - shared by header_test.sh and install_test.sh (sourced).
#
# keel refuses plugins whose file or any parent directory is group- or
# world-writable or owned by another user, so work happens in a private
# directory (mode 0700) under /tmp (root-owned and sticky, which keel
# accepts) with umask 022, and is removed on exit.

set -eu -o pipefail
umask 022

SDK_TMP=
sdk_cleanup() {
    if [ -n "$SDK_TMP" ] && [ -d "$SDK_TMP" ]; then
        rm -rf -- "$SDK_TMP"
    fi
}
trap sdk_cleanup EXIT

# sdk_fail MESSAGE...: print and exit nonzero. Never a skip.
sdk_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

sdk_step() {
    echo "--- $*"
}

# sdk_mktemp NAME: the private work directory, in $SDK_TMP.
sdk_mktemp() {
    SDK_TMP=$(mktemp -d "/tmp/keel-$1.XXXXXX") || sdk_fail "mktemp failed"
    chmod 0700 "$SDK_TMP"
}

# sdk_need TOOL...: fail loudly when a tool the test uses is missing.
sdk_need() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || sdk_fail "'$t' is not installed"
    done
}

# sdk_run LOG CMD...: run quietly into LOG; on failure show it and fail.
sdk_run() {
    local log=$1
    shift
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        sdk_fail "command failed: $*"
    fi
}

# sdk_keel KEEL ARGS...: run keel as a user would, with no KEEL_* variables
# and a HOME with no configuration, so only its built-in plugin directory
# and --plugins count. Sanitizer options are passed on.
sdk_keel() {
    local keel=$1
    shift
    mkdir -p "$SDK_TMP/home"
    env -i PATH="$PATH" HOME="$SDK_TMP/home" LC_ALL=C \
        ${ASAN_OPTIONS+"ASAN_OPTIONS=$ASAN_OPTIONS"} \
        ${UBSAN_OPTIONS+"UBSAN_OPTIONS=$UBSAN_OPTIONS"} \
        ${LSAN_OPTIONS+"LSAN_OPTIONS=$LSAN_OPTIONS"} \
        "$keel" "$@"
}

# sdk_expect_output WANT KEEL ARGS...: keel must exit 0 and print exactly
# WANT on stdout.
sdk_expect_output() {
    local want=$1 out rc=0
    shift
    out=$(sdk_keel "$@" 2>"$SDK_TMP/keel.err") || rc=$?
    if [ "$rc" -ne 0 ] || [ "$out" != "$want" ]; then
        echo "keel ${*:2}" >&2
        echo "  exit status: $rc" >&2
        echo "  stdout: $out" >&2
        echo "  wanted: $want" >&2
        sed 's/^/  stderr: /' "$SDK_TMP/keel.err" >&2
        sdk_fail "unexpected output from keel"
    fi
}

# sdk_check_exports SO: exactly one dynamic symbol defined, the entry point.
sdk_check_exports() {
    local so=$1 syms
    [ -f "$so" ] || sdk_fail "$so was not built"
    case "$(basename "$so")" in
    lib*) sdk_fail "$so has a lib prefix; keel plugins are NAME.so" ;;
    esac
    syms=$(nm -D --defined-only "$so" | awk '{print $NF}' | sort -u)
    if [ "$syms" != "keel_plugin_entry" ]; then
        echo "dynamic symbols defined by $so:" >&2
        echo "$syms" | sed 's/^/  /' >&2
        sdk_fail "$so must export exactly keel_plugin_entry"
    fi
    if readelf -d "$so" | grep -q 'NEEDED.*libkeel'; then
        sdk_fail "$so links libkeel; plugins must link nothing of keel"
    fi
}

# sdk_check_pkgconfig PREFIX VERSION: PREFIX/lib/pkgconfig/keel-plugin.pc
# describes PREFIX: its version, -I<PREFIX>/include, no Libs, and plugindir.
sdk_check_pkgconfig() {
    local p=$1 version=$2 cflags libs inc dir
    local PKG_CONFIG_PATH="$p/lib/pkgconfig"
    export PKG_CONFIG_PATH
    pkg-config --exists keel-plugin ||
        sdk_fail "pkg-config cannot find keel-plugin in $PKG_CONFIG_PATH"
    [ "$(pkg-config --modversion keel-plugin)" = "$version" ] ||
        sdk_fail "keel-plugin.pc version is not $version"
    cflags=$(pkg-config --cflags keel-plugin)
    inc=${cflags#-I}
    inc=${inc%"${inc##*[! ]}"}
    if [ "$inc" = "$cflags" ] || [ ! -f "$inc/keel/plugin.h" ] ||
        [ "$(realpath "$inc")" != "$(realpath "$p/include")" ]; then
        sdk_fail "pkg-config --cflags keel-plugin gave '$cflags', not" \
                 "-I$p/include"
    fi
    libs=$(pkg-config --libs keel-plugin)
    [ -z "${libs// /}" ] ||
        sdk_fail "keel-plugin has Libs '$libs'; plugins link nothing of keel"
    dir=$(pkg-config --variable=plugindir keel-plugin)
    if [ -z "$dir" ] ||
        [ "$(realpath "$dir")" != "$(realpath "$p/lib/keel/plugins")" ]; then
        sdk_fail "plugindir is '$dir', not $p/lib/keel/plugins"
    fi
}

# sdk_build_example SRC DIR ARGS...: configure and build the example in SRC
# out of tree in DIR (ARGS go to cmake); DIR/hello.so must export exactly
# the entry point.
sdk_build_example() {
    local src=$1 dir=$2
    shift 2
    sdk_run "$dir.configure.log" cmake -S "$src" -B "$dir" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "$@"
    sdk_run "$dir.build.log" cmake --build "$dir"
    sdk_check_exports "$dir/hello.so"
}

# sdk_expect_cache DIR LINE: DIR/CMakeCache.txt holds LINE exactly.
sdk_expect_cache() {
    grep -qxF "$2" "$1/CMakeCache.txt" ||
        sdk_fail "$1/CMakeCache.txt lacks '$2'; it has:" \
                 "$(grep -E "^${2%%[:=]*}[:=]" "$1/CMakeCache.txt" || echo nothing)"
}
