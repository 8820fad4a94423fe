/*
 * test_json.c - the json plugin, loaded from its built shared object: get
 * and set by dot path (and the segment each error names), merge, keys,
 * parse and stringify, arguments left unchanged, argument checks made by
 * the host, labels and allocation failures.
 */
#include "plugin_test.h"

#define DOC "{\"a\":{\"b\":[5,{\"c\":\"x\"}]},\"n\":null}"

static keel_kernel *json_kernel(void)
{
    return ts_kernel_with((const char *[]){"json", NULL});
}

static void test_json__get_follows_keys_and_indexes(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect(k, "json.get", "{\"value\":" DOC ",\"path\":\"a.b.1.c\"}",
              "\"x\"");
    pt_expect(k, "json.get", "{\"value\":" DOC ",\"path\":\"a.b.0\"}", "5");
    pt_expect(k, "json.get", "{\"value\":" DOC ",\"path\":\"a.b\"}",
              "[5,{\"c\":\"x\"}]");
    pt_expect(k, "json.get", "{\"value\":" DOC ",\"path\":\"n\"}", "null");
    pt_expect(k, "json.get", "{\"value\":" DOC ",\"path\":\"\"}", DOC);
    pt_expect(k, "json.get", "{\"value\":[[1,2]],\"path\":\"0.1\"}", "2");
    pt_expect(k, "json.get", "{\"value\":{\"0\":7},\"path\":\"0\"}", "7");
    keel_kernel_free(k);
}

static void test_json__get_names_the_first_missing_segment(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect_error(k, "json.get", "{\"value\":" DOC ",\"path\":\"a.x.c\"}",
                    KEEL_EFAILED,
                    "json.get: 'path' \"a.x.c\": segment 2 'x' not found: the "
                    "object there has no such key");
    pt_expect_plugin_code(k, "json.get", "{\"value\":{},\"path\":\"q\"}",
                          KEEL_ENOTFOUND,
                          "'path' \"q\": segment 1 'q' not found: the object "
                          "there has no such key");
    pt_expect_error(k, "json.get", "{\"value\":" DOC ",\"path\":\"a.b.2\"}",
                    KEEL_EFAILED,
                    "json.get: 'path' \"a.b.2\": segment 3 '2' is out of "
                    "range: the list has 2 items");
    pt_expect_error(k, "json.get", "{\"value\":" DOC ",\"path\":\"a.b.-1\"}",
                    KEEL_EFAILED,
                    "json.get: 'path' \"a.b.-1\": segment 3 '-1' is not an "
                    "index into the list there");
    pt_expect_plugin_code(k, "json.get",
                          "{\"value\":" DOC ",\"path\":\"a.b.0.c\"}",
                          KEEL_ETYPE,
                          "'path' \"a.b.0.c\": segment 4 'c' steps into a "
                          "value of type int (not an object or list)");
    pt_expect_error(k, "json.get", "{\"value\":" DOC ",\"path\":\"a..b\"}",
                    KEEL_EFAILED,
                    "json.get: 'path' \"a..b\": segment 2 is empty");
    pt_expect_error(k, "json.get", "{\"value\":" DOC ",\"path\":\"a.\"}",
                    KEEL_EFAILED,
                    "json.get: 'path' \"a.\": segment 2 is empty");
    keel_kernel_free(k);
}

static void test_json__set_builds_a_new_object(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect(k, "json.set",
              "{\"value\":{\"a\":{\"b\":1}},\"path\":\"a.c\",\"item\":2}",
              "{\"a\":{\"b\":1,\"c\":2}}");
    pt_expect(k, "json.set",
              "{\"value\":{\"a\":{\"b\":1},\"z\":0},\"path\":\"a.b\","
              "\"item\":[3]}",
              "{\"a\":{\"b\":[3]},\"z\":0}");
    pt_expect(k, "json.set",
              "{\"value\":{},\"path\":\"x.y\",\"item\":true}",
              "{\"x\":{\"y\":true}}");
    pt_expect(k, "json.set",
              "{\"value\":{\"l\":[1,2]},\"path\":\"l.1\",\"item\":\"b\"}",
              "{\"l\":[1,\"b\"]}");
    pt_expect(k, "json.set",
              "{\"value\":{\"l\":[1,2]},\"path\":\"l.2.k\",\"item\":null}",
              "{\"l\":[1,2,{\"k\":null}]}");
    keel_kernel_free(k);
}

static void test_json__set_leaves_its_argument_unchanged(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    keel_value *args = ts_json("{\"value\":{\"a\":{\"b\":[1]}},"
                               "\"path\":\"a.b.0\",\"item\":9}");
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(keel_invoke(&out, k, "json.set", args, &err), 0);
    ts_assert_json(out, "{\"a\":{\"b\":[9]}}");
    ts_assert_json(args,
                   "{\"value\":{\"a\":{\"b\":[1]}},\"path\":\"a.b.0\","
                   "\"item\":9}");
    keel_value_unref(out);
    keel_value_unref(args);
    keel_kernel_free(k);
}

static void test_json__set_errors_name_the_segment(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect_error(k, "json.set",
                    "{\"value\":{\"l\":[1,2]},\"path\":\"l.5\",\"item\":0}",
                    KEEL_EFAILED,
                    "json.set: 'path' \"l.5\": segment 2 '5' is out of range: "
                    "the list has 2 items (its length appends)");
    pt_expect_error(k, "json.set",
                    "{\"value\":{\"a\":\"s\"},\"path\":\"a.b\",\"item\":0}",
                    KEEL_EFAILED,
                    "json.set: 'path' \"a.b\": segment 2 'b' steps into a "
                    "value of type string (not an object or list)");
    pt_expect_error(k, "json.set", "{\"value\":{},\"path\":\"\",\"item\":0}",
                    KEEL_ERANGE,
                    "json.set: argument 'path': must be at least 1 "
                    "characters long, got 0");
    pt_expect_plugin_code(k, "json.set",
                          "{\"value\":{},\"path\":\"\",\"item\":0}",
                          KEEL_EINVAL, "'path' is empty");
    keel_kernel_free(k);
}

static void test_json__merge_and_keys(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect(k, "json.merge",
              "{\"a\":{\"x\":1,\"y\":2},\"b\":{\"y\":3,\"z\":4}}",
              "{\"x\":1,\"y\":3,\"z\":4}");
    pt_expect(k, "json.merge",
              "{\"a\":{\"o\":{\"p\":1}},\"b\":{\"o\":{\"q\":2}}}",
              "{\"o\":{\"q\":2}}");
    pt_expect(k, "json.merge", "{\"a\":{},\"b\":{}}", "{}");
    pt_expect(k, "json.keys", "{\"value\":{\"b\":1,\"a\":{\"c\":2}}}",
              "[\"b\",\"a\"]");
    pt_expect(k, "json.keys", "{\"value\":{}}", "[]");
    keel_kernel_free(k);
}

static void test_json__parse_and_stringify(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect(k, "json.parse",
              "{\"text\":\"{\\\"a\\\": [1, 2.5, \\\"x\\\", null, true]}\"}",
              "{\"a\":[1,2.5,\"x\",null,true]}");
    pt_expect(k, "json.parse", "{\"text\":\" 42 \"}", "42");
    pt_expect(k, "json.stringify", "{\"value\":{\"a\":[1,2.5,\"x\"]}}",
              "\"{\\\"a\\\":[1,2.5,\\\"x\\\"]}\"");
    pt_expect(k, "json.stringify", "{\"value\":\"hi\"}", "\"\\\"hi\\\"\"");
    pt_expect(k, "json.stringify", "{\"value\":2.0}", "\"2.0\"");
    keel_kernel_free(k);
}

static void test_json__parse_error_names_the_place(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    /* The host's JSON reader writes the message, with line and column. */
    pt_expect_error(k, "json.parse", "{\"text\":\"{\\\"a\\\": }\"}",
                    KEEL_EFAILED, "json.parse: 1:7: invalid JSON near '}'");
    pt_expect_plugin_code(k, "json.parse", "{\"text\":\"{\\\"a\\\": }\"}",
                          KEEL_EINVAL, "1:7: invalid JSON near '}'");
    keel_kernel_free(k);
}

static void test_json__wrong_types_refused_by_the_host(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect_error(k, "json.keys", "{\"value\":[1]}", KEEL_ETYPE,
                    "json.keys: argument 'value': expected object, got list "
                    "[1]");
    pt_expect_error(k, "json.merge", "{\"a\":{},\"b\":\"x\"}", KEEL_ETYPE,
                    "json.merge: argument 'b': expected object, got string "
                    "\"x\"");
    pt_expect_error(k, "json.get", "{\"value\":{},\"path\":1}", KEEL_ETYPE,
                    "json.get: argument 'path': expected string, got int 1");
    keel_kernel_free(k);
}

static void test_json__label_of_argument_reaches_result(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    pt_expect_label_carried(k, "json.get",
                            "{\"value\":{\"a\":\"x\"},\"path\":\"a\"}",
                            "value", "\"x\"");
    pt_expect_label_carried(k, "json.set",
                            "{\"value\":{},\"path\":\"a\",\"item\":\"x\"}",
                            "item", "{\"a\":\"x\"}");
    keel_kernel_free(k);
}

static void test_json__allocation_failures_are_clean(void **s)
{
    (void)s;
    keel_kernel *k = json_kernel();
    assert_true(pt_expect_oom_clean(k, "json.set",
                                    "{\"value\":{\"a\":{\"l\":[1,2]},\"b\":0},"
                                    "\"path\":\"a.l.2.x.y\",\"item\":1}",
                                    "{\"a\":{\"l\":[1,2,{\"x\":{\"y\":1}}]},"
                                    "\"b\":0}") > 5);
    assert_true(pt_expect_oom_clean(k, "json.merge",
                                    "{\"a\":{\"x\":1},\"b\":{\"y\":2}}",
                                    "{\"x\":1,\"y\":2}") > 2);
    assert_true(pt_expect_oom_clean(k, "json.keys",
                                    "{\"value\":{\"x\":1,\"y\":2}}",
                                    "[\"x\",\"y\"]") > 2);
    assert_true(pt_expect_oom_clean(k, "json.stringify",
                                    "{\"value\":{\"x\":[1]}}",
                                    "\"{\\\"x\\\":[1]}\"") > 1);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json__get_follows_keys_and_indexes),
        cmocka_unit_test(test_json__get_names_the_first_missing_segment),
        cmocka_unit_test(test_json__set_builds_a_new_object),
        cmocka_unit_test(test_json__set_leaves_its_argument_unchanged),
        cmocka_unit_test(test_json__set_errors_name_the_segment),
        cmocka_unit_test(test_json__merge_and_keys),
        cmocka_unit_test(test_json__parse_and_stringify),
        cmocka_unit_test(test_json__parse_error_names_the_place),
        cmocka_unit_test(test_json__wrong_types_refused_by_the_host),
        cmocka_unit_test(test_json__label_of_argument_reaches_result),
        cmocka_unit_test(test_json__allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
