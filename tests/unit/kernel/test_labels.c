/*
 * test_labels.c - provenance label sets: sorted, shared, union and subset.
 */
#include "test_support.h"

static void test_labels__empty_set_is_null(void **s)
{
    (void)s;
    assert_int_equal(keel_labels_count(NULL), 0);
    assert_false(keel_labels_contains(NULL, "user"));
    assert_true(keel_labels_subset(NULL, NULL));
    int oom = 1;
    assert_null(keel_labels_union(NULL, NULL, &oom));
    assert_int_equal(oom, 0);
}

static void test_labels__union_is_sorted_and_unique(void **s)
{
    (void)s;
    keel_labels *a = keel_labels_new("web.get");
    keel_labels *b = keel_labels_new("user");
    keel_labels *c = keel_labels_new("mail.read");
    int oom;
    keel_labels *ab = keel_labels_union(a, b, &oom);
    keel_labels *abc = keel_labels_union(ab, c, &oom);
    keel_labels *again = keel_labels_union(abc, a, &oom);
    assert_int_equal(keel_labels_count(abc), 3);
    assert_string_equal(keel_labels_at(abc, 0), "mail.read");
    assert_string_equal(keel_labels_at(abc, 1), "user");
    assert_string_equal(keel_labels_at(abc, 2), "web.get");
    /* a union adding nothing shares the bigger set */
    assert_ptr_equal(again, abc);
    assert_true(keel_labels_subset(a, abc));
    assert_false(keel_labels_subset(abc, a));
    assert_null(keel_labels_at(abc, 3));
    keel_labels_unref(a);
    keel_labels_unref(b);
    keel_labels_unref(c);
    keel_labels_unref(ab);
    keel_labels_unref(abc);
    keel_labels_unref(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels__empty_set_is_null),
        cmocka_unit_test(test_labels__union_is_sorted_and_unique),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
