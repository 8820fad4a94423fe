/*
 * test_support.c - shared helpers for keel's cmocka tests.
 */
#include "test_support.h"

#include <keel/plan.h>

#include <dirent.h>
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

void ts_make_dir(char *dir, size_t cap, const char *name)
{
    assert_true((size_t)snprintf(dir, cap, "/tmp/keel-%s-XXXXXX", name) < cap);
    assert_non_null(mkdtemp(dir));
}

void ts_rm_dir(const char *dir)
{
    char cmd[4200];
    assert_true((size_t)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) <
                sizeof(cmd));
    assert_int_equal(system(cmd), 0);
}

char *ts_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 21);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 21) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

size_t ts_each_file(const char *dir, const char *ext, ts_file_fn fn, void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    size_t n = 0, el = strlen(ext);
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len > el && strcmp(e->d_name + len - el, ext) == 0) {
            fn(ctx, dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

void ts_expect_text(const char *name, const char *expected_path,
                    const char *got)
{
    const char *regen = getenv("KEEL_REGEN");
    if (regen && *regen) {
        FILE *f = fopen(expected_path, "w");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    size_t len = 0;
    char *want = ts_slurp(expected_path, &len);
    if (!want)
        fail_msg("%s: no %s; it says:\n%s", name, expected_path, got);
    if (got[0] == '\0')
        fail_msg("%s: accepted, expected:\n%s", name, want);
    if (strcmp(got, want) != 0)
        fail_msg("%s:\n--- expected\n%s--- got\n%s", name, want, got);
    free(want);
}

keel_value *ts_json(const char *text)
{
    keel_value *v = NULL;
    keel_error err = {0};
    if (keel_value_from_json(&v, text, strlen(text), &err) != 0)
        fail_msg("bad JSON in test: %s: %s", text, err.msg);
    return v;
}

keel_plan *ts_plan(const char *json)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_json(&p, json, strlen(json), &d) != 0)
        fail_msg("bad plan in test: %s: %s", json,
                 d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
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
