#!/bin/bash
# install_test.sh BUILD_DIR SOURCE_DIR VERSION
#
# What a plugin author does with an installed keel, end to end:
#   1. cmake --install the build into a private prefix; the SDK files and
#      the shipped plugins are where the layout says.
#   2. pkg-config reports the prefix's include dir and plugindir.
#   3. sdk/examples/hello builds out of tree with find_package(KeelPlugin)
#      and, separately, with pkg-config; each hello.so exports exactly
#      keel_plugin_entry.
#   4. The installed keel (no environment, no configuration) loads each
#      hello.so through --plugins and greets; after `cmake --install` of
#      the example it finds hello.so without --plugins, beside its own
#      shipped plugins.
#   5. The prefix is moved, and the CMake package, pkg-config and keel
#      still work: everything locates the prefix from its own location.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/sdk_lib.sh"

[ $# -eq 3 ] || sdk_fail "usage: $0 BUILD_DIR SOURCE_DIR VERSION"
build=$1 src=$2 version=$3
example="$src/sdk/examples/hello"

sdk_need cmake pkg-config nm readelf realpath
[ -f "$example/CMakeLists.txt" ] || sdk_fail "$example is missing"
sdk_mktemp sdk-install
prefix="$SDK_TMP/prefix"
unset CMAKE_PREFIX_PATH PKG_CONFIG_PATH KEEL_PLUGIN_PATH KEEL_CONFIG

# ---- 1. install -----------------------------------------------------------
sdk_step "cmake --install $build --prefix $prefix"
sdk_run "$SDK_TMP/install.log" cmake --install "$build" --prefix "$prefix"

for f in bin/keel lib/libkeel.so include/keel/plugin.h include/keel/keel.h \
    include/keel/config.h lib/pkgconfig/keel-plugin.pc \
    lib/cmake/KeelPlugin/KeelPluginConfig.cmake \
    lib/cmake/KeelPlugin/KeelPluginConfigVersion.cmake \
    lib/keel/plugins/math.so; do
    [ -e "$prefix/$f" ] || sdk_fail "not installed: $prefix/$f"
done
cmp -s "$src/sdk/include/keel/plugin.h" "$prefix/include/keel/plugin.h" ||
    sdk_fail "installed plugin.h differs from sdk/include/keel/plugin.h"
# The installed keel must find libkeel.so beside itself, not in the build.
rpath=$(readelf -d "$prefix/bin/keel" |
        sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')
case "$rpath" in
*"$build"*) sdk_fail "installed keel has the build tree in its rpath: $rpath" ;;
# shellcheck disable=SC2016 # a literal $ORIGIN
*'$ORIGIN/../lib'*) ;;
*) sdk_fail "installed keel's rpath is '$rpath', not \$ORIGIN/../lib" ;;
esac

# ---- 2. pkg-config -------------------------------------------------------
sdk_step "pkg-config keel-plugin"
sdk_check_pkgconfig "$prefix" "$version"

# ---- 3. build the example both ways ---------------------------------------
sdk_step "hello: find_package(KeelPlugin)"
sdk_build_example "$example" "$SDK_TMP/build-cmake" \
    -DCMAKE_PREFIX_PATH="$prefix"
sdk_expect_cache "$SDK_TMP/build-cmake" \
    "KeelPlugin_DIR:PATH=$prefix/lib/cmake/KeelPlugin"

sdk_step "hello: pkg-config keel-plugin (HELLO_USE_PKGCONFIG=ON)"
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" sdk_build_example "$example" \
    "$SDK_TMP/build-pc" -DHELLO_USE_PKGCONFIG=ON
sdk_expect_cache "$SDK_TMP/build-pc" \
    "KEEL_INCLUDEDIR:INTERNAL=$prefix/lib/pkgconfig/../../include"

# ---- 4. the installed keel runs them --------------------------------------
for b in build-cmake build-pc; do
    sdk_step "installed keel: hello.greet and hello.shout from $b"
    sdk_expect_output '"Hello, World!"' "$prefix/bin/keel" \
        --plugins "$SDK_TMP/$b" invoke hello.greet name=World
    sdk_expect_output '"HELLO, WORLD!"' "$prefix/bin/keel" \
        --plugins "$SDK_TMP/$b" invoke hello.shout name=World
done

sdk_step "hello: cmake --install puts it in keel's plugin directory"
sdk_run "$SDK_TMP/install-hello.log" cmake --install "$SDK_TMP/build-cmake"
[ -f "$prefix/lib/keel/plugins/hello.so" ] ||
    sdk_fail "cmake --install of hello did not write" \
             "$prefix/lib/keel/plugins/hello.so"
sdk_expect_output '"Hello, World!"' "$prefix/bin/keel" \
    invoke hello.greet name=World

sdk_step "installed keel: the schema refuses an empty name"
if out=$(sdk_keel "$prefix/bin/keel" --plugins "$SDK_TMP/build-cmake" \
    invoke hello.greet name= 2>&1); then
    sdk_fail "hello.greet name= succeeded ($out); minLength 1 was not enforced"
fi

sdk_step "installed keel: plugins list finds the shipped plugins"
out=$(sdk_keel "$prefix/bin/keel" plugins list 2>&1) ||
    sdk_fail "keel plugins list failed: $out"
if ! echo "$out" | grep -Eq "^math +.* $prefix/lib/keel/plugins/math\.so\$"; then
    echo "$out" >&2
    sdk_fail "the installed keel did not load math from $prefix/lib/keel/plugins"
fi
if echo "$out" | grep -q '^refused:'; then
    echo "$out" >&2
    sdk_fail "the installed keel refused some of its shipped plugins"
fi

# ---- 5. relocation ---------------------------------------------------------
moved="$SDK_TMP/moved"
sdk_step "move the prefix to $moved; build and run against it"
mv "$prefix" "$moved"
sdk_check_pkgconfig "$moved" "$version"
sdk_build_example "$example" "$SDK_TMP/build-moved" \
    -DCMAKE_PREFIX_PATH="$moved"
sdk_expect_cache "$SDK_TMP/build-moved" \
    "KeelPlugin_DIR:PATH=$moved/lib/cmake/KeelPlugin"
sdk_expect_output '"Hello, World!"' "$moved/bin/keel" \
    --plugins "$SDK_TMP/build-moved" invoke hello.greet name=World

echo "PASS: install, out-of-tree plugin builds, installed keel"
