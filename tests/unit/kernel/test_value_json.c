/*
 * test_value_json.c - JSON text to values and back: exact integers, floats
 * that stay floats, errors with line and column.
 */
#include "test_support.h"

#include <string.h>

static void roundtrip(const char *in, const char *out)
{
    keel_value *v = ts_json(in);
    ts_assert_json(v, out);
    keel_value_unref(v);
}

static void parse_error(const char *in, const char *msg)
{
    keel_value *v = NULL;
    keel_error err = {0};
    int rc = keel_value_from_json(&v, in, strlen(in), &err);
    assert_int_equal(rc, strstr(msg, "out of range") ? KEEL_ERANGE : KEEL_EINVAL);
    assert_null(v);
    assert_string_equal(err.msg, msg);
}

static void test_value_json__integers_are_exact(void **s)
{
    (void)s;
    roundtrip("9007199254740993", "9007199254740993");
    roundtrip("-9223372036854775808", "-9223372036854775808");
    keel_value *v = ts_json("[1, 1.0, 1e2, -0, 18446744073709551616]");
    assert_int_equal(keel_value_type(keel_value_list_at(v, 0)), KEEL_TYPE_INT);
    assert_int_equal(keel_value_type(keel_value_list_at(v, 1)), KEEL_TYPE_FLOAT);
    assert_int_equal(keel_value_type(keel_value_list_at(v, 2)), KEEL_TYPE_FLOAT);
    assert_int_equal(keel_value_type(keel_value_list_at(v, 3)), KEEL_TYPE_INT);
    /* too big for int64: kept as a float */
    assert_int_equal(keel_value_type(keel_value_list_at(v, 4)), KEEL_TYPE_FLOAT);
    keel_value_unref(v);
}

static void test_value_json__numbers_inside_strings_do_not_confuse(void **s)
{
    (void)s;
    roundtrip("{\"a\\\"1\":\"2.5 -3\",\"b\":[7,\"8\",9.5]}",
              "{\"a\\\"1\":\"2.5 -3\",\"b\":[7,\"8\",9.5]}");
}

static void test_value_json__floats_read_back_as_floats(void **s)
{
    (void)s;
    roundtrip("3.0", "3.0");
    roundtrip("0.1", "0.1");
    roundtrip("1e300", "1e+300");
    roundtrip("-2.5e-7", "-2.5e-07");
}

static void test_value_json__strings_escaped(void **s)
{
    (void)s;
    roundtrip("\"tab\\t nl\\n quote\\\" bs\\\\ \\u0001 \\u00e9\"",
              "\"tab\\t nl\\n quote\\\" bs\\\\ \\u0001 \xc3\xa9\"");
}

static void test_value_json__errors_name_line_and_column(void **s)
{
    (void)s;
    parse_error("{\n  \"a\": 1,\n  \"b\": tru\n}", "3:8: invalid JSON near 'tru'");
    parse_error("[1, 2", "1:5: invalid JSON near '2'");
    parse_error("{} x", "1:4: unexpected text after the JSON value");
    parse_error("\"\xff\"", "at /: string is not valid UTF-8");
    parse_error("{\"a\": [1, \"\xc0\xaf\"]}", "at /a/1: string is not valid UTF-8");
    parse_error("{\"k\": [1,\n 1e400]}", "2:2: number 1e400 is out of range");
    parse_error("{\"a\": {\"b\": 1, \"b\": 2}}", "at /a: duplicate key 'b'");
    parse_error("", "invalid JSON: unexpected end of input");
}

static void test_value_json__pretty_output(void **s)
{
    (void)s;
    keel_value *v = ts_json("{\"a\":[1,{}],\"b\":{}}");
    char *out = NULL;
    assert_int_equal(keel_value_to_json(&out, v, true), 0);
    assert_string_equal(out, "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}");
    keel_free(out);
    keel_value_unref(v);
}

static void test_value_json__utf8_validation(void **s)
{
    (void)s;
    assert_true(keel_utf8_valid("h\xc3\xa9llo \xf0\x9f\x98\x80", 11));
    assert_false(keel_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(keel_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(keel_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(keel_utf8_valid("\xe2\x82", 2));         /* truncated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_json__integers_are_exact),
        cmocka_unit_test(test_value_json__numbers_inside_strings_do_not_confuse),
        cmocka_unit_test(test_value_json__floats_read_back_as_floats),
        cmocka_unit_test(test_value_json__strings_escaped),
        cmocka_unit_test(test_value_json__errors_name_line_and_column),
        cmocka_unit_test(test_value_json__pretty_output),
        cmocka_unit_test(test_value_json__utf8_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
