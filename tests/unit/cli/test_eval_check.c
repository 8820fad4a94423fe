/*
 * test_eval_check.c - `keel eval`'s expectation checker: each expectation
 * against planning results built by hand (no model, no kernel).
 */
#include "test_support.h"

#include "eval_check.h"

#include <string.h>

/* A result holding the plan in JSON, or only rc's outcome. */
typedef struct fixture {
    keel_planner_result r;
    keel_value *spec; /* the expectation's lists */
    eval_expect e;
    eval_failures f;
} fixture;

static const char two_steps[] =
    "{\"version\":1,\"steps\":["
    "{\"id\":\"s\",\"call\":\"math.add\",\"args\":{\"a\":2,\"b\":3.5}},"
    "{\"id\":\"t\",\"call\":\"text.format\",\"args\":{\"template\":\"{x}\","
    "\"fields\":{\"x\":\"${s}\"}}}]}";

static void with_plan(fixture *fx, const char *json)
{
    memset(fx, 0, sizeof(*fx));
    keel_diags_init(&fx->r.diags);
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_from_json(&fx->r.plan, json, strlen(json), &d),
                     0);
    keel_diags_free(&d);
    fx->r.llm_calls = 1;
    eval_expect_init(&fx->e);
}

static void expect_lists(fixture *fx, const char *json)
{
    fx->spec = ts_json(json);
    fx->e.calls = keel_value_object_get(fx->spec, "calls");
    fx->e.not_calls = keel_value_object_get(fx->spec, "not_calls");
    fx->e.args = keel_value_object_get(fx->spec, "args");
}

static void done(fixture *fx)
{
    keel_value_unref(fx->spec);
    keel_planner_result_free(&fx->r);
}

static bool check(fixture *fx, int rc)
{
    return eval_check(&fx->f, &fx->e, rc, &fx->r, "the error");
}

static void test_eval_check__plan_meets_every_expectation(void **state)
{
    (void)state;
    fixture fx;
    with_plan(&fx, two_steps);
    expect_lists(
        &fx,
        "{\"calls\":[\"math.add\",\"text.*\"],"
        "\"not_calls\":[\"time.*\",\"math.mul\"],"
        "\"args\":[{\"call\":\"math.add\",\"args\":{\"a\":2.0,\"b\":3.5}},"
        "{\"call\":\"text.format\",\"args\":{\"fields\":{\"x\":\"${s}\"}}}]}");
    fx.e.min_steps = 2;
    fx.e.max_steps = 2;
    fx.e.max_llm_calls = 1;
    fx.e.verdict = KEEL_VERDICT_ALLOW;
    assert_true(check(&fx, 0));
    assert_int_equal(fx.f.n, 0);
    done(&fx);
}

static void test_eval_check__missing_and_forbidden_calls(void **state)
{
    (void)state;
    fixture fx;
    with_plan(&fx, two_steps);
    expect_lists(&fx, "{\"calls\":[\"json.get\"],\"not_calls\":[\"text.*\"]}");
    assert_false(check(&fx, 0));
    assert_int_equal(fx.f.n, 2);
    assert_string_equal(fx.f.msg[0], "calls: no step calls json.get");
    assert_string_equal(fx.f.msg[1], "not_calls: step 't' calls text.format");
    done(&fx);
}

static void test_eval_check__argument_values(void **state)
{
    (void)state;
    fixture fx;
    with_plan(&fx, two_steps);
    expect_lists(&fx, "{\"args\":[{\"call\":\"math.add\",\"args\":{\"a\":3}},"
                      "{\"call\":\"math.add\",\"args\":{\"c\":1}},"
                      "{\"call\":\"math.mul\",\"args\":{}}]}");
    assert_false(check(&fx, 0));
    assert_int_equal(fx.f.n, 3);
    assert_string_equal(fx.f.msg[0],
                        "args: step 's' (math.add) has a = 2, expected 3");
    assert_string_equal(
        fx.f.msg[1],
        "args: step 's' (math.add) has no argument 'c', expected 1");
    assert_string_equal(fx.f.msg[2], "args: no step calls math.mul");
    done(&fx);
}

/* Any step calling the function may match, not only the first. */
static void test_eval_check__argument_values_of_a_later_step(void **state)
{
    (void)state;
    fixture fx;
    with_plan(
        &fx,
        "{\"version\":1,\"steps\":["
        "{\"id\":\"x\",\"call\":\"math.add\",\"args\":{\"a\":1,\"b\":1}},"
        "{\"id\":\"y\",\"call\":\"math.add\",\"args\":{\"a\":2,\"b\":[1]}}]}");
    expect_lists(&fx, "{\"args\":[{\"call\":\"math.add\",\"args\":{\"a\":2.0,"
                      "\"b\":[1.0]}}]}");
    assert_true(check(&fx, 0));
    done(&fx);
}

static void test_eval_check__step_bounds_verdict_and_calls(void **state)
{
    (void)state;
    fixture fx;
    with_plan(&fx, two_steps);
    fx.e.max_steps = 1;
    fx.e.min_steps = 3;
    fx.e.verdict = KEEL_VERDICT_APPROVAL;
    fx.e.max_llm_calls = 0;
    assert_false(check(&fx, 0));
    assert_int_equal(fx.f.n, 4);
    assert_string_equal(fx.f.msg[0],
                        "max_steps: the plan has 2 steps, at most 1 expected");
    assert_string_equal(fx.f.msg[1],
                        "min_steps: the plan has 2 steps, at least 3 expected");
    assert_string_equal(
        fx.f.msg[2], "verdict: the plan's verdict is allow, expected approval");
    assert_string_equal(
        fx.f.msg[3],
        "max_llm_calls: planning took 1 LLM call, at most 0 expected");
    done(&fx);
}

static void test_eval_check__outcomes(void **state)
{
    (void)state;
    keel_planner_result r;
    memset(&r, 0, sizeof(r));
    keel_diags_init(&r.diags);
    assert_int_equal(eval_outcome_of(KEEL_EUNAVAIL, &r), EVAL_ERROR);
    assert_int_equal(eval_outcome_of(KEEL_EINVAL, &r), EVAL_ERROR);
    assert_int_equal(eval_outcome_of(KEEL_EDENIED, &r), EVAL_DENIED);
    keel_diags_add(&r.diags, "/steps/0", 0, KEEL_EINVAL, "bad");
    assert_int_equal(eval_outcome_of(KEEL_EINVAL, &r), EVAL_NO_PLAN);
    r.cannot_plan = keel_strdup("no mail function");
    assert_int_equal(eval_outcome_of(KEEL_EINVAL, &r), EVAL_CANNOT_PLAN);
    keel_planner_result_free(&r);
    eval_outcome o = EVAL_ERROR;
    assert_true(eval_outcome_parse(&o, "no_plan"));
    assert_int_equal(o, EVAL_NO_PLAN);
    assert_false(eval_outcome_parse(&o, "error"));
    assert_false(eval_outcome_parse(&o, NULL));
}

/* Expected cannot_plan: the plan expectations are not checked. */
static void test_eval_check__cannot_plan_as_expected(void **state)
{
    (void)state;
    fixture fx;
    memset(&fx, 0, sizeof(fx));
    keel_diags_init(&fx.r.diags);
    fx.r.cannot_plan = keel_strdup("no mail function");
    eval_expect_init(&fx.e);
    expect_lists(&fx, "{\"calls\":[\"mail.send\"]}");
    fx.e.outcome = EVAL_CANNOT_PLAN;
    assert_true(check(&fx, KEEL_EINVAL));
    fx.e.outcome = EVAL_PLAN;
    assert_false(check(&fx, KEEL_EINVAL));
    assert_int_equal(fx.f.n, 1);
    assert_string_equal(fx.f.msg[0], "outcome: expected plan, got cannot_plan "
                                     "(no mail function)");
    done(&fx);
}

static void test_eval_check__unexpected_plan_and_errors(void **state)
{
    (void)state;
    fixture fx;
    with_plan(&fx, two_steps);
    fx.e.outcome = EVAL_DENIED;
    assert_false(check(&fx, 0));
    assert_string_equal(fx.f.msg[0],
                        "outcome: expected denied, got a plan of 2 steps");
    keel_plan_free(fx.r.plan);
    fx.r.plan = NULL;
    assert_false(check(&fx, KEEL_ENOTFOUND));
    assert_string_equal(fx.f.msg[0],
                        "outcome: expected denied, got error (the error)");
    done(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_check__plan_meets_every_expectation),
        cmocka_unit_test(test_eval_check__missing_and_forbidden_calls),
        cmocka_unit_test(test_eval_check__argument_values),
        cmocka_unit_test(test_eval_check__argument_values_of_a_later_step),
        cmocka_unit_test(test_eval_check__step_bounds_verdict_and_calls),
        cmocka_unit_test(test_eval_check__outcomes),
        cmocka_unit_test(test_eval_check__cannot_plan_as_expected),
        cmocka_unit_test(test_eval_check__unexpected_plan_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
