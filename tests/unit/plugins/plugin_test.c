/*
 * plugin_test.c - assertions shared by the tests of the shipped plugins.
 */
#include "plugin_test.h"

#include "alloc.h"
#include "kernel_internal.h"

#include <string.h>

#define OOM_MAX_ALLOCATIONS 2000

void pt_expect(keel_kernel *k, const char *fn, const char *args,
               const char *want)
{
    keel_value *out = NULL;
    keel_error err = {0};
    int rc = ts_invoke(&out, k, fn, args, &err);
    if (rc != 0)
        fail_msg("%s(%s) failed with %d: %s", fn, args, rc, err.msg);
    ts_assert_json(out, want);
    keel_value_unref(out);
}

void pt_expect_error(keel_kernel *k, const char *fn, const char *args,
                     int code, const char *msg)
{
    keel_value *out = NULL;
    keel_error err = {0};
    int rc = ts_invoke(&out, k, fn, args, &err);
    if (rc != code)
        fail_msg("%s(%s): expected code %d, got %d (%s)", fn, args, code, rc,
                 err.msg);
    assert_null(out);
    assert_string_equal(err.msg, msg);
}

void pt_expect_plugin_code(keel_kernel *k, const char *fn, const char *args,
                           int code, const char *msg)
{
    const fn_entry *f = keel_registry_find(k, fn);
    assert_non_null(f);
    keel_value *in = ts_json(args);
    keel_value *out = NULL;
    keel_error err = {0};
    keel_call c;
    keel_call_begin(&c, k, f->plugin, f->qname, &err);
    int rc = f->fn(&keel_host_api_table, &c, in, &out);
    keel_call_end(&c);
    keel_value_unref(in);
    if (rc != code)
        fail_msg("%s(%s): expected the plugin to return %d, got %d (%s)", fn,
                 args, code, rc, err.msg);
    assert_string_equal(err.msg, msg);
}

/* A copy of the object args with member labelled carrying "user". */
static keel_value *labelled_args(const char *args, const char *labelled)
{
    keel_value *parsed = ts_json(args);
    keel_value *obj = keel_value_object();
    keel_labels *user = keel_labels_new(KEEL_LABEL_USER);
    assert_non_null(obj);
    assert_non_null(user);
    for (size_t i = 0; i < keel_value_len(parsed); i++) {
        const char *key = keel_value_object_key_at(parsed, i);
        keel_value *v = keel_value_ref(keel_value_object_value_at(parsed, i));
        if (strcmp(key, labelled) == 0)
            assert_int_equal(keel_value_add_labels(&v, user), 0);
        assert_int_equal(keel_value_object_set_take(obj, key, v), 0);
    }
    keel_labels_unref(user);
    keel_value_unref(parsed);
    return obj;
}

void pt_expect_label_carried(keel_kernel *k, const char *fn,
                             const char *args, const char *labelled,
                             const char *want)
{
    keel_value *in = labelled_args(args, labelled);
    keel_value *out = NULL;
    keel_error err = {0};
    int rc = keel_invoke(&out, k, fn, in, &err);
    if (rc != 0)
        fail_msg("%s failed with %d: %s", fn, rc, err.msg);
    ts_assert_json(out, want);
    assert_true(keel_labels_contains(keel_value_labels(out), KEEL_LABEL_USER));
    keel_value_unref(out);
    keel_value_unref(in);
}

int pt_expect_oom_clean(keel_kernel *k, const char *fn, const char *args,
                        const char *want)
{
    keel_value *in = ts_json(args);
    int failures = 0;
    for (long n = 1; n < OOM_MAX_ALLOCATIONS; n++) {
        keel_value *out = NULL;
        keel_error err = {0};
        keel_alloc_fail_after(n, false);
        int rc = keel_invoke(&out, k, fn, in, &err);
        keel_alloc_fail_after(0, false);
        if (rc == 0) {
            ts_assert_json(out, want);
            keel_value_unref(out);
            keel_value_unref(in);
            return failures;
        }
        if (rc != KEEL_ENOMEM)
            fail_msg("%s: allocation %ld failed: expected KEEL_ENOMEM, got "
                     "%d (%s)", fn, n, rc, err.msg);
        assert_null(out);
        failures++;
    }
    fail_msg("%s never succeeded", fn);
    return failures;
}
