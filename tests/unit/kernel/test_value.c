/*
 * test_value.c - typed values: construction, containers, equality, and
 * label propagation through every operation.
 */
#include "test_support.h"

#include "alloc.h"

#include <string.h>

static keel_value *labelled_string(const char *s, const char *label)
{
    keel_value *v = keel_value_cstring(s);
    keel_labels *l = keel_labels_new(label);
    assert_int_equal(keel_value_add_labels(&v, l), 0);
    keel_labels_unref(l);
    return v;
}

static void test_value__scalars_keep_type_and_never_coerce(void **s)
{
    (void)s;
    keel_value *i = keel_value_int(INT64_MIN);
    keel_value *f = keel_value_float(2.5);
    keel_value *str = keel_value_string("a\0b", 3);
    assert_int_equal(keel_value_type(i), KEEL_TYPE_INT);
    assert_true(keel_value_get_int(i) == INT64_MIN);
    assert_true(keel_value_get_float(i) == 0.0); /* not coerced */
    assert_null(keel_value_get_string(f, NULL));
    size_t len;
    assert_memory_equal(keel_value_get_string(str, &len), "a\0b", 3);
    assert_int_equal(len, 3);
    assert_string_equal(keel_type_name(KEEL_TYPE_OBJECT), "object");
    assert_int_equal(keel_type_from_name("float"), KEEL_TYPE_FLOAT);
    assert_int_equal(keel_type_from_name("double"), -1);
    keel_value_unref(i);
    keel_value_unref(f);
    keel_value_unref(str);
}

static void test_value__containers_absorb_item_labels(void **s)
{
    (void)s;
    keel_value *list = keel_value_list();
    keel_value *web = labelled_string("x", "web.get");
    keel_value *usr = labelled_string("y", "user");
    assert_int_equal(keel_value_list_append(list, web), 0);
    assert_int_equal(keel_value_list_append_take(list, keel_value_int(1)), 0);
    keel_value *obj = keel_value_object();
    assert_int_equal(keel_value_object_set(obj, "a", list), 0);
    assert_int_equal(keel_value_object_set(obj, "b", usr), 0);
    assert_int_equal(keel_labels_count(keel_value_labels(list)), 1);
    assert_true(keel_labels_contains(keel_value_labels(obj), "web.get"));
    assert_true(keel_labels_contains(keel_value_labels(obj), "user"));
    /* the untouched int item carries no label of its own */
    assert_null(keel_value_labels(keel_value_list_at(list, 1)));
    keel_value_unref(web);
    keel_value_unref(usr);
    keel_value_unref(list);
    keel_value_unref(obj);
}

static void test_value__object_set_replaces_and_keeps_order(void **s)
{
    (void)s;
    keel_value *o = ts_json("{\"b\":1,\"a\":2}");
    assert_int_equal(keel_value_object_set_take(o, "b", keel_value_int(3)), 0);
    ts_assert_json(o, "{\"b\":3,\"a\":2}");
    assert_null(keel_value_object_get(o, "c"));
    assert_int_equal(keel_value_object_set_take(o, "c", NULL), KEEL_ETYPE);
    keel_value_unref(o);
}

static void test_value__add_labels_copies_shared_nodes(void **s)
{
    (void)s;
    keel_value *shared = ts_json("{\"x\":[1,2]}");
    keel_value *mine = keel_value_ref(shared); /* two owners now */
    keel_labels *l = keel_labels_new("http.get");
    assert_int_equal(keel_value_add_labels(&mine, l), 0);
    assert_ptr_not_equal(mine, shared);
    /* the other owner's value is untouched, deep down too */
    assert_null(keel_value_labels(shared));
    assert_null(keel_value_labels(keel_value_object_get(shared, "x")));
    const keel_value *x = keel_value_object_get(mine, "x");
    assert_true(keel_labels_contains(keel_value_labels(x), "http.get"));
    assert_true(keel_labels_contains(
        keel_value_labels(keel_value_list_at(x, 0)), "http.get"));
    assert_true(keel_value_equal(mine, shared)); /* labels not compared */
    keel_labels_unref(l);
    keel_value_unref(mine);
    keel_value_unref(shared);
}

static void test_value__add_labels_in_place_when_unshared(void **s)
{
    (void)s;
    keel_value *v = ts_json("[\"a\"]");
    keel_value *before = v;
    keel_labels *l = keel_labels_new("user");
    assert_int_equal(keel_value_add_labels(&v, l), 0);
    assert_ptr_equal(v, before);
    assert_true(keel_labels_contains(keel_value_labels(v), "user"));
    keel_labels_unref(l);
    keel_value_unref(v);
}

/* True when v and every node below it carry label. */
static bool every_node_has(const keel_value *v, const char *label)
{
    if (!keel_labels_contains(keel_value_labels(v), label))
        return false;
    keel_type t = keel_value_type(v);
    for (size_t i = 0; t == KEEL_TYPE_LIST && i < keel_value_len(v); i++)
        if (!every_node_has(keel_value_list_at(v, i), label))
            return false;
    for (size_t i = 0; t == KEEL_TYPE_OBJECT && i < keel_value_len(v); i++)
        if (!every_node_has(keel_value_object_value_at(v, i), label))
            return false;
    return true;
}

static bool drop_web(void *ud, const char *name)
{
    (void)ud;
    return strcmp(name, "web.get") != 0;
}

/* A labelled container remembers that everything below it carries the
 * labels (so labelling it again is a set comparison), and forgets it as
 * soon as that may no longer be true. */
static void test_value__add_labels_reaches_every_node_after_changes(void **s)
{
    (void)s;
    keel_labels *web = keel_labels_new("web.get");
    keel_value *v = ts_json("{\"a\": [1, [2]], \"b\": \"x\"}");
    assert_int_equal(keel_value_add_labels(&v, web), 0);
    assert_true(every_node_has(v, "web.get"));
    /* labelling a shared value that carries them already copies nothing */
    keel_value *again = keel_value_ref(v);
    assert_int_equal(keel_value_add_labels(&again, web), 0);
    assert_ptr_equal(again, v);
    keel_value_unref(again);
    /* a member replaced by an unlabelled value is labelled next time */
    assert_int_equal(keel_value_object_set_take(v, "a", ts_json("[3, {}]")), 0);
    assert_false(every_node_has(v, "web.get"));
    assert_int_equal(keel_value_add_labels(&v, web), 0);
    assert_true(every_node_has(v, "web.get"));
    /* ... and so is a new member */
    assert_int_equal(keel_value_object_set_take(v, "c", keel_value_int(4)), 0);
    assert_int_equal(keel_value_add_labels(&v, web), 0);
    assert_true(every_node_has(v, "web.get"));
    /* ... and an item appended to a labelled list */
    keel_value *list = ts_json("[[1]]");
    assert_int_equal(keel_value_add_labels(&list, web), 0);
    assert_int_equal(keel_value_list_append_take(list, ts_json("[2]")), 0);
    assert_int_equal(keel_value_add_labels(&list, web), 0);
    assert_true(every_node_has(list, "web.get"));
    /* a label filtered out must be added again to every node */
    assert_int_equal(keel_value_filter_labels(&v, drop_web, NULL), 0);
    assert_null(keel_value_labels(keel_value_object_get(v, "b")));
    assert_int_equal(keel_value_add_labels(&v, web), 0);
    assert_true(every_node_has(v, "web.get"));
    keel_value_unref(list);
    keel_value_unref(v);
    keel_labels_unref(web);
}

/* A container taken into another is finished: a pointer kept to it
 * cannot change it (its container's labels would no longer hold its
 * elements' labels); nor can a container go into itself. */
static void test_value__a_taken_container_is_finished(void **s)
{
    (void)s;
    keel_value *outer = keel_value_list(), *inner = keel_value_list();
    keel_value *obj = keel_value_object();
    assert_int_equal(keel_value_list_append_take(outer, inner), 0);
    assert_int_equal(keel_value_list_append_take(outer, obj), 0);
    assert_int_equal(keel_value_list_append_take(inner, keel_value_int(2)),
                     KEEL_EINVAL);
    assert_int_equal(keel_value_object_set_take(obj, "k", keel_value_int(2)),
                     KEEL_EINVAL);
    assert_int_equal(keel_value_len(inner), 0);
    assert_int_equal(keel_value_len(obj), 0);
    /* a container put in with its own reference kept stays the caller's to
     * share, not to change: the rule for shared values */
    keel_value *mine = keel_value_list();
    assert_int_equal(keel_value_list_append(outer, mine), 0);
    keel_value *self = keel_value_list();
    assert_int_equal(keel_value_list_append_take(self, keel_value_ref(self)),
                     KEEL_EINVAL);
    keel_value_unref(self);
    keel_value_unref(mine);
    keel_value_unref(outer);
}

/* True when v's labels hold those of every node below it. */
static bool labels_hold_below(const keel_value *v)
{
    keel_type t = keel_value_type(v);
    for (size_t i = 0; i < keel_value_len(v) &&
                       (t == KEEL_TYPE_LIST || t == KEEL_TYPE_OBJECT);
         i++) {
        const keel_value *c = t == KEEL_TYPE_LIST
                                  ? keel_value_list_at(v, i)
                                  : keel_value_object_value_at(v, i);
        if (!keel_labels_subset(keel_value_labels(c), keel_value_labels(v)) ||
            !labels_hold_below(c))
            return false;
    }
    return true;
}

/* Labelling and declassifying that run out of memory part way leave every
 * container's labels holding those below it, and a second try completes
 * the work. */
static void test_value__labels_stay_whole_when_memory_runs_out(void **s)
{
    (void)s;
    keel_labels *web = keel_labels_new("web.get");
    for (long n = 1; n < 200; n++) {
        keel_value *v = ts_json("{\"a\": [1, [2, {\"b\": \"x\"}]], "
                                "\"c\": {\"d\": [3]}}");
        keel_value *other = keel_value_ref(v); /* shared: copies on write */
        keel_alloc_fail_after(n, false);
        int rc = keel_value_add_labels(&v, web);
        keel_alloc_fail_after(0, false);
        assert_true(labels_hold_below(v));
        if (rc)
            assert_int_equal(keel_value_add_labels(&v, web), 0);
        assert_true(every_node_has(v, "web.get"));
        keel_alloc_fail_after(n, false);
        rc = keel_value_filter_labels(&v, drop_web, NULL);
        keel_alloc_fail_after(0, false);
        assert_true(labels_hold_below(v));
        if (rc)
            assert_int_equal(keel_value_filter_labels(&v, drop_web, NULL), 0);
        assert_null(keel_value_labels(v));
        assert_true(labels_hold_below(v));
        assert_null(keel_value_labels(other)); /* never changed */
        keel_value_unref(other);
        keel_value_unref(v);
    }
    keel_labels_unref(web);
}

static void test_value__equality_is_structural(void **s)
{
    (void)s;
    keel_value *a = ts_json("{\"k\":[1,2.5,\"s\",null,true],\"j\":{}}");
    keel_value *b = ts_json("{\"j\":{},\"k\":[1,2.5,\"s\",null,true]}");
    keel_value *c = ts_json("{\"j\":{},\"k\":[1,2.5,\"s\",null,false]}");
    keel_value *i = ts_json("1");
    keel_value *f = ts_json("1.0");
    assert_true(keel_value_equal(a, b));
    assert_false(keel_value_equal(a, c));
    assert_false(keel_value_equal(i, f)); /* int and float differ */
    keel_value_unref(a);
    keel_value_unref(b);
    keel_value_unref(c);
    keel_value_unref(i);
    keel_value_unref(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value__scalars_keep_type_and_never_coerce),
        cmocka_unit_test(test_value__containers_absorb_item_labels),
        cmocka_unit_test(test_value__object_set_replaces_and_keeps_order),
        cmocka_unit_test(test_value__add_labels_copies_shared_nodes),
        cmocka_unit_test(test_value__add_labels_in_place_when_unshared),
        cmocka_unit_test(
            test_value__add_labels_reaches_every_node_after_changes),
        cmocka_unit_test(test_value__a_taken_container_is_finished),
        cmocka_unit_test(test_value__labels_stay_whole_when_memory_runs_out),
        cmocka_unit_test(test_value__equality_is_structural),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
