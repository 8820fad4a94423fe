/*
 * test_value_label_map.c - labels written beside a value's JSON and read
 * back give the same labels on every node.
 */
#include "test_support.h"

#include <string.h>

static keel_value *labelled(const char *json, const char *label)
{
    keel_value *v = ts_json(json);
    keel_labels *l = keel_labels_new(label);
    assert_int_equal(keel_value_add_labels(&v, l), 0);
    keel_labels_unref(l);
    return v;
}

/* Asserts that a and b have the same labels on every node. */
static void same_labels(const keel_value *a, const keel_value *b)
{
    const keel_labels *la = keel_value_labels(a), *lb = keel_value_labels(b);
    assert_true(keel_labels_subset(la, lb) && keel_labels_subset(lb, la));
    keel_type t = keel_value_type(a);
    assert_int_equal(t, keel_value_type(b));
    if (t != KEEL_TYPE_LIST && t != KEEL_TYPE_OBJECT)
        return;
    assert_int_equal(keel_value_len(a), keel_value_len(b));
    for (size_t i = 0; i < keel_value_len(a); i++)
        same_labels(t == KEEL_TYPE_LIST ? keel_value_list_at(a, i)
                                        : keel_value_object_value_at(a, i),
                    t == KEEL_TYPE_LIST ? keel_value_list_at(b, i)
                                        : keel_value_object_value_at(b, i));
}

static void round_trip(const keel_value *v, const char *want_map)
{
    keel_value *map = NULL, *plain = NULL, *back = NULL;
    char *json = NULL;
    keel_error err = {0};
    assert_int_equal(keel_value_label_map(&map, v), 0);
    if (want_map)
        ts_assert_json(map, want_map);
    assert_int_equal(keel_value_to_json(&json, v, false), 0);
    assert_int_equal(keel_value_from_json(&plain, json, strlen(json), &err), 0);
    assert_int_equal(keel_value_relabel(&back, plain, map), 0);
    assert_true(keel_value_equal(v, back));
    same_labels(v, back);
    keel_free(json);
    keel_value_unref(map);
    keel_value_unref(plain);
    keel_value_unref(back);
}

static void test_value_label_map__whole_value(void **state)
{
    (void)state;
    keel_value *v = labelled("{\"page\": \"hi\", \"n\": [1, 2]}", "exectest.web");
    round_trip(v, "{\"\":[\"exectest.web\"]}");
    keel_value_unref(v);
}

static void test_value_label_map__mixed_children(void **state)
{
    (void)state;
    keel_value *o = ts_json("{\"clean\": 3}");
    keel_value *web = labelled("\"evil@x\"", "exectest.web");
    keel_value *user = labelled("[\"a\", {}]", "user");
    keel_value_object_set_take(o, "to", web);
    keel_value_object_set_take(o, "list", user);
    round_trip(o, "{\"\":[\"exectest.web\",\"user\"],\"/clean\":[],"
                  "\"/to\":[\"exectest.web\"],\"/list\":[\"user\"]}");
    keel_value_unref(o);
}

static void test_value_label_map__keys_are_escaped(void **state)
{
    (void)state;
    keel_value *o = ts_json("{\"plain\": 1}");
    keel_value_object_set_take(o, "a/b~c", labelled("\"x\"", "src"));
    keel_value_object_set_take(o, "d", labelled("\"y\"", "other"));
    round_trip(o, NULL);
    keel_value *map = NULL;
    assert_int_equal(keel_value_label_map(&map, o), 0);
    assert_non_null(keel_value_object_get(map, "/a~1b~0c"));
    keel_value_unref(map);
    keel_value_unref(o);
}

static void test_value_label_map__no_labels_is_an_empty_map(void **state)
{
    (void)state;
    keel_value *v = ts_json("[1, \"a\", {\"b\": null}]");
    round_trip(v, "{}");
    keel_value_unref(v);
}

static void test_value_label_map__bad_map_is_refused(void **state)
{
    (void)state;
    keel_value *v = ts_json("[1]"), *out = NULL;
    keel_value *bad = ts_json("{\"\": \"web\"}"), *list = ts_json("[]");
    assert_int_equal(keel_value_relabel(&out, v, bad), KEEL_EINVAL);
    assert_null(out);
    assert_int_equal(keel_value_relabel(&out, v, list), KEEL_EINVAL);
    keel_value_unref(v);
    keel_value_unref(bad);
    keel_value_unref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_label_map__whole_value),
        cmocka_unit_test(test_value_label_map__mixed_children),
        cmocka_unit_test(test_value_label_map__keys_are_escaped),
        cmocka_unit_test(test_value_label_map__no_labels_is_an_empty_map),
        cmocka_unit_test(test_value_label_map__bad_map_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
