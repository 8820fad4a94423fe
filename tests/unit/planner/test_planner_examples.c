/*
 * test_planner_examples.c - golden examples: loading, choosing the most
 * similar, and never showing one that calls a hidden function.
 */
#include "test_support.h"

#include "planner_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char golden[1024];

static int setup(void **state)
{
    (void)state;
    snprintf(golden, sizeof(golden), "%s/examples/golden", ts_source_dir());
    return 0;
}

/* A catalog value listing the given functions. */
static keel_value *catalog_of(const char *const *calls)
{
    keel_value *list = keel_value_list();
    for (size_t i = 0; calls[i]; i++) {
        keel_value *e = keel_value_object();
        keel_value_object_set_take(e, "call", keel_value_cstring(calls[i]));
        keel_value_list_append_take(list, e);
    }
    return list;
}

static const char *const everything[] = {
    "math.sum", "math.round", "text.format", "text.split", "text.upper",
    "text.join", "time.add", "time.format", NULL};

static char *render(const char *goal, const char *const *calls, size_t max)
{
    planner_examples ex;
    keel_error err = {0};
    assert_int_equal(planner_examples_load(&ex, golden, &err), 0);
    assert_int_equal(ex.n, 3);
    keel_value *cat = catalog_of(calls);
    char *out = NULL;
    assert_int_equal(planner_examples_render(&out, &ex, goal, cat, max), 0);
    keel_value_unref(cat);
    planner_examples_free(&ex);
    return out;
}

static void test_planner_examples__most_similar_first(void **state)
{
    (void)state;
    char *out = render("Total the invoice amounts 10 and 20.5", everything, 1);
    assert_non_null(strstr(out, "Goal: Total the invoice lines"));
    assert_null(strstr(out, "Upper-case"));
    keel_free(out);
    out = render("Upper-case the names dan and eve", everything, 3);
    const char *names = strstr(out, "Goal: Upper-case each name");
    assert_non_null(names);
    const char *first = strstr(out, "Goal: ");
    assert_ptr_equal(first, names); /* best first */
    keel_free(out);
}

static void test_planner_examples__unrelated_goal_shows_none(void **state)
{
    (void)state;
    char *out = render("zzz qqq", everything, 3);
    assert_string_equal(out, "");
    keel_free(out);
}

static void test_planner_examples__hidden_functions_are_never_shown(
    void **state)
{
    (void)state;
    static const char *const no_math[] = {"text.format", "text.split",
                                          "text.upper", "text.join", NULL};
    char *out = render("Total the invoice amounts 10 and 20.5", no_math, 3);
    assert_null(strstr(out, "math."));
    keel_free(out);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_planner_examples__bad_examples_name_their_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/keel-examples-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "a.json", "{\"version\": 1, \"steps\": [{\"id\": \"x\", "
                              "\"call\": \"text.upper\"}]}");
    planner_examples ex;
    keel_error err = {0};
    assert_int_equal(planner_examples_load(&ex, dir, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "a.json: a golden example needs a \"goal\""));
    write_file(dir, "a.json", "{\"version\": 1, \"goal\": \"x\", \"steps\": [");
    assert_int_equal(planner_examples_load(&ex, dir, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "a.json: "));
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(planner_examples_load(&ex, dir, &err), KEEL_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
        T(test_planner_examples__most_similar_first),
        T(test_planner_examples__unrelated_goal_shows_none),
        T(test_planner_examples__hidden_functions_are_never_shown),
        T(test_planner_examples__bad_examples_name_their_file),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
