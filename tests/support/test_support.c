/*
 * test_support.c - shared helpers for keel's cmocka tests.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ts_build_dir(void)
{
    const char *d = getenv("KEEL_BUILD_DIR");
    if (!d || !*d)
        fail_msg("KEEL_BUILD_DIR is not set; run the tests through ctest");
    return d;
}

const char *ts_source_dir(void)
{
    const char *d = getenv("KEEL_SOURCE_DIR");
    if (!d || !*d)
        fail_msg("KEEL_SOURCE_DIR is not set; run the tests through ctest");
    return d;
}

void ts_plugin_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/lib/keel/plugins/%s.so", ts_build_dir(), name);
}

void ts_fixture_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/tests/plugins/%s.so", ts_build_dir(), name);
}

keel_kernel *ts_kernel_with(const char *const *plugins)
{
    keel_kernel *k = NULL;
    keel_error err = {0};
    assert_int_equal(keel_kernel_open(&k, &err), 0);
    for (size_t i = 0; plugins && plugins[i]; i++) {
        char path[1024];
        ts_plugin_path(path, sizeof(path), plugins[i]);
        if (keel_kernel_load_file(k, path, &err) != 0)
            fail_msg("loading %s: %s", path, err.msg);
    }
    return k;
}

keel_kernel *ts_kernel_all(void)
{
    static const char *const shipped[] = {"text", "math", "time", "json", NULL};
    static const char *const fixtures[] = {"good", "exectest"};
    keel_kernel *k = ts_kernel_with(shipped);
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        char path[1024];
        keel_error err = {0};
        ts_fixture_path(path, sizeof(path), fixtures[i]);
        if (keel_kernel_load_file(k, path, &err) != 0)
            fail_msg("loading %s: %s", path, err.msg);
    }
    return k;
}

keel_value *ts_json(const char *text)
{
    keel_value *v = NULL;
    keel_error err = {0};
    if (keel_value_from_json(&v, text, strlen(text), &err) != 0)
        fail_msg("bad JSON in test: %s: %s", text, err.msg);
    return v;
}

int ts_invoke(keel_value **out, keel_kernel *k, const char *name,
              const char *args_json, keel_error *err)
{
    keel_value *args = args_json ? ts_json(args_json) : NULL;
    int rc = keel_invoke(out, k, name, args, err);
    keel_value_unref(args);
    return rc;
}

void ts_assert_json(const keel_value *v, const char *json)
{
    char *got = NULL;
    assert_int_equal(keel_value_to_json(&got, v, false), 0);
    if (strcmp(got, json) != 0) {
        print_error("expected %s\n     got %s\n", json, got);
        keel_free(got);
        fail();
    }
    keel_free(got);
}
