/*
 * test_catalog.c - tool definitions exported for the planner, and the
 * reversible tool-name mapping.
 */
#include "test_support.h"

#include <string.h>

static void test_catalog__tool_names_map_both_ways(void **s)
{
    (void)s;
    char buf[80];
    assert_int_equal(keel_tool_name(buf, sizeof(buf), "mail.send_now"), 0);
    assert_string_equal(buf, "mail-send_now");
    assert_int_equal(keel_tool_name_parse(buf, sizeof(buf), "mail-send_now"), 0);
    assert_string_equal(buf, "mail.send_now");
    assert_int_equal(keel_tool_name_parse(buf, sizeof(buf), "mail"), KEEL_EINVAL);
    assert_int_equal(keel_tool_name_parse(buf, sizeof(buf), "a-b-c"), KEEL_EINVAL);
    assert_int_equal(keel_tool_name(buf, 4, "mail.send"), KEEL_ERANGE);
}

static void test_catalog__function_json_is_an_openai_tool(void **s)
{
    (void)s;
    keel_kernel *k;
    keel_error err = {0};
    char path[1024];
    ts_fixture_path(path, sizeof(path), "good");
    assert_int_equal(keel_kernel_open(&k, &err), 0);
    assert_int_equal(keel_kernel_load_file(k, path, &err), 0);
    char *json = NULL;
    assert_int_equal(keel_catalog_function_json(
                         &json, keel_kernel_lookup(k, "fixture.greet"), false),
                     0);
    assert_string_equal(
        json,
        "{\"type\":\"function\",\"function\":{\"name\":\"fixture-greet\","
        "\"description\":\"Greet someone.\",\"parameters\":{\"type\":"
        "\"object\",\"properties\":{\"name\":{\"type\":\"string\","
        "\"description\":\"Who to greet.\",\"pattern\":\"^[a-z]+$\","
        "\"default\":\"world\"},\"to\":{\"type\":\"string\",\"description\":"
        "\"Recipient address.\"}},\"required\":[],\"additionalProperties\":"
        "false}},\"keel\":{\"name\":\"fixture.greet\",\"plugin\":\"fixture\","
        "\"returns\":\"object\",\"returns_schema\":{\"type\":\"object\","
        "\"properties\":{\"greeting\":{\"type\":\"string\"},\"name\":{\"type\":"
        "\"string\"}}},\"effects\":[\"reads\"],\"untrusted_output\":false,"
        "\"sinks\":{\"to\":\"recipient\"}}}");
    /* the value form is the same definition */
    keel_value *v = NULL;
    char *again = NULL;
    assert_int_equal(
        keel_catalog_function_value(&v, keel_kernel_lookup(k, "fixture.greet")),
        0);
    assert_int_equal(keel_value_to_json(&again, v, false), 0);
    assert_string_equal(again, json);
    keel_free(again);
    keel_value_unref(v);
    keel_free(json);
    /* the whole catalog parses and lists every function in name order */
    assert_int_equal(keel_catalog_json(&json, k, true), 0);
    keel_value *all = ts_json(json);
    assert_int_equal(keel_value_len(all), 5);
    const keel_value *first = keel_value_list_at(all, 0);
    const keel_value *fn = keel_value_object_get(first, "function");
    assert_string_equal(
        keel_value_get_string(keel_value_object_get(fn, "name"), NULL),
        "fixture-echo");
    keel_value_unref(all);
    keel_free(json);
    /* the text form, as a prompt or a person reads it */
    char *text = NULL;
    assert_int_equal(keel_catalog_text(&text, k), 0);
    assert_non_null(strstr(text, "fixture.fetch(count: int, scale?: float) -> "
                                 "list  [reads, network, untrusted output]\n"
                                 "    Fetch a list from outside.\n"));
    assert_non_null(strstr(text, "fixture.fail() -> null\n"));
    keel_free(text);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog__tool_names_map_both_ways),
        cmocka_unit_test(test_catalog__function_json_is_an_openai_tool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
