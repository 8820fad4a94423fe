/*
 * test_invoke.c - keel_invoke: argument checking before the callback,
 * defaults, result checks, provenance labels, errors, and clean-up when any
 * allocation fails.
 */
#include "test_support.h"

#include "alloc.h"

#include <string.h>

static keel_kernel *fixture_kernel(void)
{
    keel_kernel *k;
    keel_error err = {0};
    char path[1024];
    ts_fixture_path(path, sizeof(path), "good");
    assert_int_equal(keel_kernel_open(&k, &err), 0);
    if (keel_kernel_load_file(k, path, &err) != 0)
        fail_msg("%s", err.msg);
    return k;
}

static void expect_error(keel_kernel *k, const char *fn, const char *args,
                         int code, const char *msg)
{
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(ts_invoke(&out, k, fn, args, &err), code);
    assert_null(out);
    assert_string_equal(err.msg, msg);
}

static void test_invoke__echo_returns_argument(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(ts_invoke(&out, k, "fixture.echo", "{\"text\":\"hi\"}", &err), 0);
    ts_assert_json(out, "\"hi\"");
    keel_value_unref(out);
    keel_kernel_free(k);
}

static void test_invoke__arguments_checked_before_the_call(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    expect_error(k, "fixture.echo", "{}", KEEL_EINVAL,
                 "fixture.echo: missing required argument 'text' (string)");
    expect_error(k, "fixture.echo", "{\"text\":3}", KEEL_ETYPE,
                 "fixture.echo: argument 'text': expected string, got int 3");
    expect_error(k, "fixture.echo", "{\"text\":\"x\",\"txt\":1}", KEEL_EINVAL,
                 "fixture.echo: unknown argument 'txt' (parameters: text)");
    expect_error(k, "fixture.echo", "{\"text\":\"0123456789abcdefg\"}",
                 KEEL_ERANGE,
                 "fixture.echo: argument 'text': must be at most 16 "
                 "characters long, got 17");
    expect_error(k, "fixture.fetch", "{\"count\":1001}", KEEL_ERANGE,
                 "fixture.fetch: argument 'count': must be <= 1000, got 1001");
    expect_error(k, "fixture.greet", "{\"name\":\"Bob\"}", KEEL_EINVAL,
                 "fixture.greet: argument 'name': must match pattern "
                 "/^[a-z]+$/");
    keel_kernel_free(k);
}

static void test_invoke__defaults_and_init_settings_are_used(void **s)
{
    (void)s;
    keel_kernel *k;
    keel_error err = {0};
    assert_int_equal(keel_kernel_open(&k, &err), 0);
    keel_value *settings = ts_json("{\"fixture\":{\"greeting\":\"hej\"}}");
    assert_int_equal(keel_kernel_set_plugin_settings(k, settings, &err), 0);
    keel_value_unref(settings);
    char path[1024];
    ts_fixture_path(path, sizeof(path), "good");
    assert_int_equal(keel_kernel_load_file(k, path, &err), 0);
    keel_value *out = NULL;
    assert_int_equal(ts_invoke(&out, k, "fixture.greet", NULL, &err), 0);
    ts_assert_json(out, "{\"greeting\":\"hej\",\"name\":\"world\"}");
    keel_value_unref(out);
    keel_kernel_free(k);
}

static void test_invoke__plugin_errors_are_runtime_failures(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    expect_error(k, "fixture.fail", NULL, KEEL_EFAILED,
                 "fixture.fail: the fixture failed on purpose");
    expect_error(k, "fixture.liar", NULL, KEEL_EPLUGIN,
                 "fixture.liar returned string but declares int (a plugin "
                 "bug)");
    keel_kernel_free(k);
}

static void test_invoke__unknown_function_suggests_names(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    expect_error(k, "fixture.ecko", NULL, KEEL_ENOTFOUND,
                 "unknown function 'fixture.ecko'; did you mean fixture.echo?");
    expect_error(k, "greet", NULL, KEEL_ENOTFOUND,
                 "unknown function 'greet'; did you mean fixture.greet?");
    expect_error(k, "nothing.like.it", NULL, KEEL_ENOTFOUND,
                 "unknown function 'nothing.like.it' (see `keel plugins "
                 "list`)");
    keel_kernel_free(k);
}

static void test_invoke__result_carries_argument_labels(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    keel_value *args = ts_json("{\"text\":\"hi\"}");
    keel_labels *user = keel_labels_new(KEEL_LABEL_USER);
    assert_int_equal(keel_value_add_labels(&args, user), 0);
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(keel_invoke(&out, k, "fixture.echo", args, &err), 0);
    assert_true(keel_labels_contains(keel_value_labels(out), "user"));
    assert_int_equal(keel_labels_count(keel_value_labels(out)), 1);
    keel_value_unref(out);
    keel_value_unref(args);
    keel_labels_unref(user);
    keel_kernel_free(k);
}

static void test_invoke__untrusted_output_labelled_with_function(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    keel_value *args = ts_json("{\"count\":2}");
    keel_labels *user = keel_labels_new(KEEL_LABEL_USER);
    assert_int_equal(keel_value_add_labels(&args, user), 0);
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(keel_invoke(&out, k, "fixture.fetch", args, &err), 0);
    ts_assert_json(out, "[0,1]");
    const keel_labels *l = keel_value_labels(out);
    assert_int_equal(keel_labels_count(l), 2);
    assert_string_equal(keel_labels_at(l, 0), "fixture.fetch");
    assert_string_equal(keel_labels_at(l, 1), "user");
    /* every element carries them too, so a path into the output does */
    const keel_labels *el = keel_value_labels(keel_value_list_at(out, 1));
    assert_true(keel_labels_contains(el, "fixture.fetch"));
    assert_true(keel_labels_contains(el, "user"));
    keel_value_unref(out);
    keel_value_unref(args);
    keel_labels_unref(user);
    keel_kernel_free(k);
}

static void test_invoke__int_converted_for_float_parameter(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(ts_invoke(&out, k, "fixture.fetch",
                               "{\"count\":1,\"scale\":2}", &err), 0);
    keel_value_unref(out);
    expect_error(k, "fixture.fetch", "{\"count\":1,\"scale\":\"2\"}", KEEL_ETYPE,
                 "fixture.fetch: argument 'scale': expected float, got "
                 "string \"2\"");
    keel_kernel_free(k);
}

/* Fails each allocation of a call in turn: every failure is reported as
 * out of memory (or succeeds), never crashes, never leaks (ASan checks). */
static void test_invoke__every_allocation_failure_is_clean(void **s)
{
    (void)s;
    keel_kernel *k = fixture_kernel();
    keel_value *args = ts_json("{\"count\":20}");
    int failures = 0;
    for (long n = 1; n < 500; n++) {
        keel_value *out = NULL;
        keel_error err = {0};
        keel_alloc_fail_after(n, false);
        int rc = keel_invoke(&out, k, "fixture.fetch", args, &err);
        keel_alloc_fail_after(0, false);
        if (rc == 0) {
            ts_assert_json(out, "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,"
                                "17,18,19]");
            keel_value_unref(out);
            break;
        }
        assert_int_equal(rc, KEEL_ENOMEM);
        assert_null(out);
        failures++;
    }
    assert_true(failures > 10);
    keel_value_unref(args);
    keel_kernel_free(k);
}

static keel_kernel *hostile_kernel(void)
{
    keel_kernel *k;
    keel_error err = {0};
    char path[1024];
    ts_fixture_path(path, sizeof(path), "hostile");
    assert_int_equal(keel_kernel_open(&k, &err), 0);
    if (keel_kernel_load_file(k, path, &err) != 0)
        fail_msg("%s", err.msg);
    return k;
}

static void test_invoke__result_set_before_failure_is_dropped(void **s)
{
    (void)s;
    keel_kernel *k = hostile_kernel();
    expect_error(k, "hostile.result_then_fail", NULL, KEEL_EFAILED,
                 "hostile.result_then_fail: failed after setting a result");
    /* a borrowed argument handed back with a failure is left alone: the
     * caller's object must survive (ASan would see a use after free) */
    keel_value *args = ts_json("{\"x\":[1,2]}");
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(keel_invoke(&out, k, "hostile.arg_then_fail", args, &err),
                     KEEL_EFAILED);
    assert_string_equal(err.msg, "hostile.arg_then_fail failed (code -1) "
                                 "without a message");
    ts_assert_json(args, "{\"x\":[1,2]}");
    keel_value_unref(args);
    keel_kernel_free(k);
}

static void test_invoke__plugins_cannot_build_cycles(void **s)
{
    (void)s;
    keel_kernel *k = hostile_kernel();
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(keel_invoke(&out, k, "hostile.cycle", NULL, &err), 0);
    /* appending o to l works; l into itself, or l back into o, does not */
    ts_assert_json(out, "{\"into\":0,\"self\":-1,\"close\":-1}");
    keel_value_unref(out);
    expect_error(k, "hostile.bad_utf8", NULL, KEEL_EFAILED,
                 "hostile.bad_utf8: hostile.bad_utf8 built a string that is "
                 "not valid UTF-8");
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invoke__echo_returns_argument),
        cmocka_unit_test(test_invoke__arguments_checked_before_the_call),
        cmocka_unit_test(test_invoke__defaults_and_init_settings_are_used),
        cmocka_unit_test(test_invoke__plugin_errors_are_runtime_failures),
        cmocka_unit_test(test_invoke__unknown_function_suggests_names),
        cmocka_unit_test(test_invoke__result_carries_argument_labels),
        cmocka_unit_test(test_invoke__untrusted_output_labelled_with_function),
        cmocka_unit_test(test_invoke__int_converted_for_float_parameter),
        cmocka_unit_test(test_invoke__every_allocation_failure_is_clean),
        cmocka_unit_test(test_invoke__result_set_before_failure_is_dropped),
        cmocka_unit_test(test_invoke__plugins_cannot_build_cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
