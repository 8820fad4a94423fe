/*
 * test_schema.c - parameter constraints: what compiles, what is refused,
 * and how real values are checked.
 */
#include "test_support.h"

#include "schema.h"

#include <string.h>

static void compile_error(keel_type t, const char *frag, const char *msg)
{
    keel_schema *s = NULL;
    keel_error err = {0};
    assert_int_not_equal(keel_schema_compile(&s, t, frag, &err), 0);
    assert_null(s);
    assert_string_equal(err.msg, msg);
}

/* Checks json against (t, frag); expects msg, or success when msg is NULL. */
static void check(keel_type t, const char *frag, const char *json,
                  const char *msg)
{
    keel_schema *s = NULL;
    keel_error err = {0};
    assert_int_equal(keel_schema_compile(&s, t, frag, &err), 0);
    keel_value *v = ts_json(json);
    int rc = keel_schema_check(s, &v, &err);
    if (msg) {
        assert_int_not_equal(rc, 0);
        assert_string_equal(err.msg, msg);
    } else if (rc)
        fail_msg("%s against %s: %s", json, frag ? frag : "(none)", err.msg);
    keel_value_unref(v);
    keel_schema_free(s);
}

static void test_schema__refuses_unknown_and_misplaced_keywords(void **s)
{
    (void)s;
    compile_error(KEEL_TYPE_INT, "{\"maximun\": 3}",
                  "unknown keyword 'maximun' (supported: enum, minimum, "
                  "maximum, exclusiveMinimum, exclusiveMaximum, minLength, "
                  "maxLength, pattern, minItems, maxItems, items, type)");
    compile_error(KEEL_TYPE_INT, "{\"maxLength\": 3}",
                  "keyword 'maxLength' does not apply to type int");
    compile_error(KEEL_TYPE_STRING, "{\"enum\": [\"a\", 1]}",
                  "'enum' member 1 is not of type string");
    compile_error(KEEL_TYPE_STRING, "{\"pattern\": \"a(\"}",
                  "'pattern' /a(/ does not compile: Unmatched ( or \\(");
    compile_error(KEEL_TYPE_STRING, "{\"type\": \"integer\"}",
                  "'type' is \"integer\" but the parameter is declared string");
    compile_error(KEEL_TYPE_STRING, "[1]", "schema must be a JSON object");
    compile_error(KEEL_TYPE_STRING, "{\"minLength\": -1}",
                  "'minLength' must be a non-negative integer");
    compile_error(KEEL_TYPE_LIST, "{\"items\": {\"type\": \"string\", "
                                  "\"minimum\": 1}}",
                  "items: keyword 'minimum' does not apply to type string");
    compile_error(KEEL_TYPE_INT, "{\"minimum\": ", "invalid JSON: unexpected "
                                                  "end of input");
}

static void test_schema__numbers(void **s)
{
    (void)s;
    const char *frag = "{\"minimum\": 0, \"exclusiveMaximum\": 10}";
    check(KEEL_TYPE_INT, frag, "0", NULL);
    check(KEEL_TYPE_INT, frag, "-1", "must be >= 0, got -1");
    check(KEEL_TYPE_INT, frag, "10", "must be < 10, got 10");
    check(KEEL_TYPE_INT, frag, "2.5", "expected int, got float 2.5");
    check(KEEL_TYPE_FLOAT, frag, "9.99", NULL);
}

static void test_schema__strings_count_characters(void **s)
{
    (void)s;
    const char *frag = "{\"minLength\": 2, \"maxLength\": 3}";
    check(KEEL_TYPE_STRING, frag, "\"\xc3\xa9t\xc3\xa9\"", NULL); /* 3 chars */
    check(KEEL_TYPE_STRING, frag, "\"abcd\"",
          "must be at most 3 characters long, got 4");
    check(KEEL_TYPE_STRING, frag, "\"a\"",
          "must be at least 2 characters long, got 1");
}

static void test_schema__pattern_cannot_be_cut_short_by_nul(void **s)
{
    (void)s;
    const char *frag = "{\"pattern\": \"^[a-z]+$\"}";
    check(KEEL_TYPE_STRING, frag, "\"abc\"", NULL);
    check(KEEL_TYPE_STRING, frag, "\"ab1\"", "must match pattern /^[a-z]+$/");
    /* cJSON stops a string at \u0000, so build the value by hand */
    keel_schema *sc = NULL;
    keel_error err = {0};
    assert_int_equal(keel_schema_compile(&sc, KEEL_TYPE_STRING, frag, &err), 0);
    keel_value *v = keel_value_string("abc\0; rm -rf /", 14);
    assert_int_equal(keel_schema_check(sc, &v, &err), KEEL_EINVAL);
    assert_string_equal(err.msg, "contains a NUL byte, which pattern "
                                 "/^[a-z]+$/ cannot check");
    keel_value_unref(v);
    keel_schema_free(sc);
}

static void test_schema__enum_and_items(void **s)
{
    (void)s;
    check(KEEL_TYPE_STRING, "{\"enum\": [\"low\", \"high\"]}", "\"low\"", NULL);
    check(KEEL_TYPE_STRING, "{\"enum\": [\"low\", \"high\"]}", "\"mid\"",
          "must be one of [\"low\",\"high\"], got \"mid\"");
    const char *frag = "{\"minItems\": 1, \"items\": {\"type\": \"integer\", "
                       "\"maximum\": 5}}";
    check(KEEL_TYPE_LIST, frag, "[1, 5]", NULL);
    check(KEEL_TYPE_LIST, frag, "[]", "must have at least 1 items, got 0");
    check(KEEL_TYPE_LIST, frag, "[1, 6]", "item 1: must be <= 5, got 6");
    check(KEEL_TYPE_LIST, frag, "[1, \"2\"]",
          "item 1: expected int, got string \"2\"");
}

static void test_schema__int_becomes_float_keeping_labels(void **s)
{
    (void)s;
    keel_schema *sc = NULL;
    keel_error err = {0};
    assert_int_equal(keel_schema_compile(&sc, KEEL_TYPE_FLOAT, NULL, &err), 0);
    keel_value *v = keel_value_int(7);
    keel_labels *l = keel_labels_new("user");
    assert_int_equal(keel_value_add_labels(&v, l), 0);
    assert_int_equal(keel_schema_check(sc, &v, &err), 0);
    assert_int_equal(keel_value_type(v), KEEL_TYPE_FLOAT);
    assert_true(keel_value_get_float(v) == 7.0);
    assert_true(keel_labels_contains(keel_value_labels(v), "user"));
    keel_value_unref(v);
    v = keel_value_int(INT64_MAX);
    assert_int_equal(keel_schema_check(sc, &v, &err), KEEL_ERANGE);
    assert_string_equal(err.msg, "integer 9223372036854775807 cannot be a "
                                 "float exactly");
    keel_value_unref(v);
    keel_labels_unref(l);
    keel_schema_free(sc);
    /* a list of floats given ints is converted item by item */
    assert_int_equal(keel_schema_compile(&sc, KEEL_TYPE_LIST,
                                         "{\"items\": {\"type\": \"number\"}}",
                                         &err), 0);
    v = ts_json("[1, 2.5]");
    assert_int_equal(keel_schema_check(sc, &v, &err), 0);
    ts_assert_json(v, "[1.0,2.5]");
    keel_value_unref(v);
    keel_schema_free(sc);
}

static void test_schema__inclusive_and_exclusive_bounds_both_hold(void **s)
{
    (void)s;
    const char *frag = "{\"minimum\": 10, \"exclusiveMinimum\": 0, "
                       "\"maximum\": 20, \"exclusiveMaximum\": 20}";
    check(KEEL_TYPE_INT, frag, "10", NULL);
    check(KEEL_TYPE_INT, frag, "5", "must be >= 10, got 5");
    check(KEEL_TYPE_INT, frag, "20", "must be < 20, got 20");
}

static void test_schema__enum_of_floats_matches_by_value(void **s)
{
    (void)s;
    check(KEEL_TYPE_FLOAT, "{\"enum\": [1, 2.5]}", "1", NULL);
    check(KEEL_TYPE_FLOAT, "{\"enum\": [1, 2.5]}", "1.0", NULL);
    check(KEEL_TYPE_FLOAT, "{\"enum\": [1, 2.5]}", "2", "must be one of "
          "[1,2.5], got 2.0");
    check(KEEL_TYPE_INT, "{\"enum\": [1, 2]}", "1", NULL);
}

static void test_schema__type_narrows_an_any_parameter(void **s)
{
    (void)s;
    const char *frag = "{\"type\": \"string\", \"minLength\": 3}";
    check(KEEL_TYPE_ANY, frag, "\"abc\"", NULL);
    check(KEEL_TYPE_ANY, frag, "5", "expected string, got int 5");
    check(KEEL_TYPE_ANY, NULL, "5", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema__refuses_unknown_and_misplaced_keywords),
        cmocka_unit_test(test_schema__numbers),
        cmocka_unit_test(test_schema__strings_count_characters),
        cmocka_unit_test(test_schema__pattern_cannot_be_cut_short_by_nul),
        cmocka_unit_test(test_schema__enum_and_items),
        cmocka_unit_test(test_schema__int_becomes_float_keeping_labels),
        cmocka_unit_test(test_schema__inclusive_and_exclusive_bounds_both_hold),
        cmocka_unit_test(test_schema__enum_of_floats_matches_by_value),
        cmocka_unit_test(test_schema__type_narrows_an_any_parameter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
