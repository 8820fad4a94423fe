/*
 * test_math.c - the math plugin, loaded from its built shared object:
 * results are floats, division by zero, empty lists, overflow, rounding,
 * argument checks made by the host, labels and allocation failures.
 */
#include "plugin_test.h"

static keel_kernel *math_kernel(void)
{
    return ts_kernel_with((const char *[]){"math", NULL});
}

static void test_math__arithmetic_returns_floats(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect(k, "math.add", "{\"a\":2,\"b\":3}", "5.0");
    pt_expect(k, "math.add", "{\"a\":0.1,\"b\":0.2}", "0.30000000000000004");
    pt_expect(k, "math.sub", "{\"a\":2,\"b\":3.5}", "-1.5");
    pt_expect(k, "math.mul", "{\"a\":-4,\"b\":2.5}", "-10.0");
    pt_expect(k, "math.mul", "{\"a\":-4,\"b\":0}", "0.0");
    pt_expect(k, "math.div", "{\"a\":7,\"b\":2}", "3.5");
    pt_expect(k, "math.div", "{\"a\":1,\"b\":3}", "0.3333333333333333");
    keel_kernel_free(k);
}

static void test_math__division_by_zero_names_b(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect_error(k, "math.div", "{\"a\":1,\"b\":0}", KEEL_EFAILED,
                    "math.div: division by zero: 'b' must not be 0");
    pt_expect_error(k, "math.div", "{\"a\":0,\"b\":-0.0}", KEEL_EFAILED,
                    "math.div: division by zero: 'b' must not be 0");
    keel_kernel_free(k);
}

static void test_math__overflow_is_a_range_error(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect_error(k, "math.mul", "{\"a\":1e308,\"b\":10}", KEEL_EFAILED,
                    "math.mul: a * b overflows a double (beyond "
                    "+/-1.79769e+308)");
    pt_expect_error(k, "math.add", "{\"a\":1.5e308,\"b\":1.5e308}",
                    KEEL_EFAILED,
                    "math.add: a + b overflows a double (beyond "
                    "+/-1.79769e+308)");
    pt_expect_error(k, "math.sub", "{\"a\":-1.5e308,\"b\":1.5e308}",
                    KEEL_EFAILED,
                    "math.sub: a - b overflows a double (beyond "
                    "+/-1.79769e+308)");
    pt_expect_error(k, "math.div", "{\"a\":1e308,\"b\":1e-308}", KEEL_EFAILED,
                    "math.div: a / b overflows a double (beyond "
                    "+/-1.79769e+308)");
    pt_expect_error(k, "math.sum", "{\"values\":[1e308,1e308]}", KEEL_EFAILED,
                    "math.sum: the sum of 'values' overflows a double "
                    "(beyond +/-1.79769e+308)");
    pt_expect_plugin_code(k, "math.mul", "{\"a\":1e308,\"b\":10.0}",
                          KEEL_ERANGE,
                          "a * b overflows a double (beyond "
                          "+/-1.79769e+308)");
    keel_kernel_free(k);
}

static void test_math__sum_min_max(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect(k, "math.sum", "{\"values\":[1,2,3.5]}", "6.5");
    pt_expect(k, "math.sum", "{\"values\":[]}", "0.0");
    pt_expect(k, "math.min", "{\"values\":[3,-1.5,2]}", "-1.5");
    pt_expect(k, "math.max", "{\"values\":[3,-1.5,2]}", "3.0");
    pt_expect(k, "math.max", "{\"values\":[-7]}", "-7.0");
    keel_kernel_free(k);
}

static void test_math__min_max_of_empty_list_refused(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect_error(k, "math.min", "{\"values\":[]}", KEEL_ERANGE,
                    "math.min: argument 'values': must have at least 1 "
                    "items, got 0");
    pt_expect_error(k, "math.max", "{\"values\":[]}", KEEL_ERANGE,
                    "math.max: argument 'values': must have at least 1 "
                    "items, got 0");
    pt_expect_plugin_code(k, "math.min", "{\"values\":[]}", KEEL_EINVAL,
                          "'values' is empty: give at least one number");
    keel_kernel_free(k);
}

static void test_math__round_halves_away_from_zero(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect(k, "math.round", "{\"x\":2.5}", "3.0");
    pt_expect(k, "math.round", "{\"x\":-2.5}", "-3.0");
    pt_expect(k, "math.round", "{\"x\":-0.4}", "0.0");
    pt_expect(k, "math.round", "{\"x\":3.14159,\"digits\":2}", "3.14");
    pt_expect(k, "math.round", "{\"x\":2.675,\"digits\":2}", "2.68");
    pt_expect(k, "math.round", "{\"x\":1.005,\"digits\":2}", "1.01");
    pt_expect(k, "math.round", "{\"x\":-1.005,\"digits\":2}", "-1.01");
    pt_expect(k, "math.round", "{\"x\":9.995,\"digits\":2}", "10.0");
    pt_expect(k, "math.round", "{\"x\":0.05,\"digits\":1}", "0.1");
    pt_expect(k, "math.round", "{\"x\":0.04,\"digits\":0}", "0.0");
    pt_expect(k, "math.round", "{\"x\":0.6}", "1.0");
    pt_expect(k, "math.round", "{\"x\":1234,\"digits\":-2}", "1200.0");
    pt_expect(k, "math.round", "{\"x\":1250,\"digits\":-2}", "1300.0");
    pt_expect(k, "math.round", "{\"x\":49,\"digits\":-2}", "0.0");
    pt_expect(k, "math.round", "{\"x\":1e300,\"digits\":15}", "1e+300");
    pt_expect(k, "math.round", "{\"x\":123456789012345.67,\"digits\":2}",
              "123456789012345.67");
    pt_expect_error(k, "math.round", "{\"x\":1,\"digits\":16}", KEEL_ERANGE,
                    "math.round: argument 'digits': must be <= 15, got 16");
    keel_kernel_free(k);
}

static void test_math__wrong_types_refused_by_the_host(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect_error(k, "math.add", "{\"a\":\"1\",\"b\":2}", KEEL_ETYPE,
                    "math.add: argument 'a': expected float, got string "
                    "\"1\"");
    pt_expect_error(k, "math.add", "{\"a\":1}", KEEL_EINVAL,
                    "math.add: missing required argument 'b' (float)");
    pt_expect_error(k, "math.sum", "{\"values\":[1,\"2\"]}", KEEL_ETYPE,
                    "math.sum: argument 'values': item 1: expected float, "
                    "got string \"2\"");
    pt_expect_error(k, "math.round", "{\"x\":1,\"digits\":1.5}", KEEL_ETYPE,
                    "math.round: argument 'digits': expected int, got float "
                    "1.5");
    keel_kernel_free(k);
}

static void test_math__label_of_argument_reaches_result(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    pt_expect_label_carried(k, "math.add", "{\"a\":1,\"b\":2}", "a", "3.0");
    pt_expect_label_carried(k, "math.max", "{\"values\":[1,2]}", "values",
                            "2.0");
    keel_kernel_free(k);
}

static void test_math__allocation_failures_are_clean(void **s)
{
    (void)s;
    keel_kernel *k = math_kernel();
    assert_true(pt_expect_oom_clean(k, "math.sum", "{\"values\":[1,2,3]}",
                                    "6.0") > 0);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_math__arithmetic_returns_floats),
        cmocka_unit_test(test_math__division_by_zero_names_b),
        cmocka_unit_test(test_math__overflow_is_a_range_error),
        cmocka_unit_test(test_math__sum_min_max),
        cmocka_unit_test(test_math__min_max_of_empty_list_refused),
        cmocka_unit_test(test_math__round_halves_away_from_zero),
        cmocka_unit_test(test_math__wrong_types_refused_by_the_host),
        cmocka_unit_test(test_math__label_of_argument_reaches_result),
        cmocka_unit_test(test_math__allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
