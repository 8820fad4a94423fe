#!/bin/bash
# build_tree_test.sh BUILD_DIR SOURCE_DIR VERSION
#
# keel's build tree mirrors the install tree, SDK files included: before
# anything is installed, sdk/examples/hello builds against BUILD_DIR with
# find_package(KeelPlugin) and with pkg-config, and the build's own keel
# runs it.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/sdk_lib.sh"

[ $# -eq 3 ] || sdk_fail "usage: $0 BUILD_DIR SOURCE_DIR VERSION"
build=$1 src=$2 version=$3
example="$src/sdk/examples/hello"

sdk_need cmake pkg-config nm readelf realpath
[ -f "$example/CMakeLists.txt" ] || sdk_fail "$example is missing"
[ -x "$build/bin/keel" ] || sdk_fail "$build/bin/keel is not built"
sdk_mktemp sdk-build-tree
unset CMAKE_PREFIX_PATH PKG_CONFIG_PATH KEEL_PLUGIN_PATH KEEL_CONFIG

sdk_step "pkg-config keel-plugin in $build/lib/pkgconfig"
sdk_check_pkgconfig "$build" "$version"

sdk_step "hello: find_package(KeelPlugin) from $build"
sdk_build_example "$example" "$SDK_TMP/build-cmake" \
    -DCMAKE_PREFIX_PATH="$build"
sdk_expect_cache "$SDK_TMP/build-cmake" \
    "KeelPlugin_DIR:PATH=$build/lib/cmake/KeelPlugin"

sdk_step "hello: pkg-config keel-plugin from $build"
PKG_CONFIG_PATH="$build/lib/pkgconfig" sdk_build_example "$example" \
    "$SDK_TMP/build-pc" -DHELLO_USE_PKGCONFIG=ON

for b in build-cmake build-pc; do
    sdk_step "$build/bin/keel: hello.greet from $b"
    sdk_expect_output '"Hello, World!"' "$build/bin/keel" \
        --plugins "$SDK_TMP/$b" invoke hello.greet name=World
done

echo "PASS: the build tree works as an SDK prefix"
