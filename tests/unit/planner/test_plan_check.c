/*
 * test_plan_check.c - static checking, data-driven: every
 * tests/data/plans/json/invalid/NAME.json gives exactly the diagnostics in
 * NAME.expected (reader problems, then checker problems); every plan in
 * valid/ passes. Set KEEL_REGEN=1 to rewrite the .expected files from the
 * current output, then review the diff.
 */
#include "test_support.h"

#include <keel/plan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The diagnostics for one plan file, as text (caller frees). */
static char *diagnose(keel_kernel *k, const char *text, size_t len)
{
    keel_diags d;
    keel_diags_init(&d);
    keel_plan *p = NULL;
    if (keel_plan_parse(&p, text, len, &d) == 0)
        keel_plan_check(p, k, NULL, &d);
    keel_plan_free(p);
    char *out = NULL;
    assert_int_equal(keel_diags_text(&out, &d, NULL), 0);
    keel_diags_free(&d);
    return out;
}

/* Calls fn for every plan in tests/data/plans/json/<kind>. */
static size_t each_case(keel_kernel *k, const char *kind, ts_file_fn fn)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/data/plans/json/%s", ts_source_dir(),
             kind);
    return ts_each_file(dir, ".json", fn, k);
}

static void invalid_case(void *k, const char *dir, const char *name)
{
    char path[2048];
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *text = ts_slurp(path, &len);
    assert_non_null(text);
    char *got = diagnose(k, text, len);
    snprintf(path, sizeof(path), "%s/%.*s.expected", dir,
             (int)(strlen(name) - 5), name);
    ts_expect_text(name, path, got);
    free(text);
    keel_free(got);
}

static void valid_case(void *k, const char *dir, const char *name)
{
    char path[2048];
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *text = ts_slurp(path, &len);
    assert_non_null(text);
    char *got = diagnose(k, text, len);
    if (got[0])
        fail_msg("%s should be valid:\n%s", name, got);
    free(text);
    keel_free(got);
}

static void test_plan_check__invalid_plans_give_exact_diagnostics(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    assert_true(each_case(k, "invalid", invalid_case) >= 25);
    keel_kernel_free(k);
}

static void test_plan_check__valid_plans_pass(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    assert_true(each_case(k, "valid", valid_case) >= 2);
    keel_kernel_free(k);
}

static void test_plan_check__limits_are_configurable(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    const char *json = "{\"version\":1,\"steps\":["
                       "{\"id\":\"a\",\"call\":\"text.upper\",\"args\":{\"text\":\"x\"}},"
                       "{\"id\":\"b\",\"call\":\"text.upper\",\"args\":{\"text\":\"y\"}}]}";
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_from_json(&p, json, strlen(json), &d), 0);
    keel_plan_limits l;
    keel_plan_limits_default(&l);
    assert_int_equal(l.max_steps, 50);
    l.max_steps = 1;
    l.max_arg_bytes = 8;
    assert_int_equal(keel_plan_check(p, k, &l, &d), KEEL_EINVAL);
    char *text = NULL;
    keel_diags_text(&text, &d, "p.json");
    assert_string_equal(text,
                        "p.json: /steps: the plan has 2 steps; the limit is 1\n"
                        "p.json: /steps/0/args: arguments are 12 bytes; the limit is 8\n"
                        "p.json: /steps/1/args: arguments are 12 bytes; the limit is 8\n");
    keel_free(text);
    keel_diags_free(&d);
    keel_plan_free(p);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_check__invalid_plans_give_exact_diagnostics),
        cmocka_unit_test(test_plan_check__valid_plans_pass),
        cmocka_unit_test(test_plan_check__limits_are_configurable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
