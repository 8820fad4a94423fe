/*
 * test_planner_reply.c - finding the plan in a model's reply.
 */
#include "test_support.h"

#include <keel/planner.h>

#include <stdlib.h>
#include <string.h>

/* The JSON keel_planner_find_json picks out of text, or NULL. */
static char *found(const char *text)
{
    size_t off = 0, len = 0;
    if (keel_planner_find_json(&off, &len, text, strlen(text)) != 0)
        return NULL;
    assert_true(off + len <= strlen(text));
    return strndup(text + off, len);
}

static void assert_found(const char *text, const char *want)
{
    char *got = found(text);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_planner_reply__whole_text(void **state)
{
    (void)state;
    assert_found("  {\"steps\": []}\n", "{\"steps\": []}");
    /* any object, when it is all there is: its errors go to the model */
    assert_found("{\"version\": 1}", "{\"version\": 1}");
}

static void test_planner_reply__fenced_block_with_prose(void **state)
{
    (void)state;
    assert_found("Here is the plan:\n```json\n{\"steps\": \"}\"}\n```\nDone {x}.",
                 "{\"steps\": \"}\"}");
    /* a first fence that holds no object is passed over */
    assert_found("```\nnot json\n```\n```json\n{\"steps\": 2}\n```",
                 "{\"steps\": 2}");
    /* a fence on one line */
    assert_found("Plan: ```json {\"steps\": []}``` and ```x```",
                 "{\"steps\": []}");
}

static void test_planner_reply__object_inside_prose(void **state)
{
    (void)state;
    assert_found("Use {braces} wisely. {\"steps\": [{\"x\": \"{\"}]} ok",
                 "{\"steps\": [{\"x\": \"{\"}]}");
    assert_found("{\"steps\": 1} and then {\"steps\": 2}", "{\"steps\": 1}");
    assert_found("{ unclosed, then {\"steps\": 1}", "{\"steps\": 1}");
    /* an example object in the prose is not the answer */
    assert_found("Like {\"a\": 2}. Plan: {\"steps\": []}", "{\"steps\": []}");
    /* a plan inside braces of prose */
    assert_found("{see: {\"cannot_plan\": \"no\"}}", "{\"cannot_plan\": \"no\"}");
}

static void test_planner_reply__broken_plan_is_returned_not_its_inside(
    void **state)
{
    (void)state;
    /* the parser's error on the whole goes back to the model, instead of
     * the valid inner "{}" */
    assert_found("{\"steps\": [{\"call\": \"x\" \"args\": {}}]}",
                 "{\"steps\": [{\"call\": \"x\" \"args\": {}}]}");
}

static void test_planner_reply__escaped_quotes_in_strings(void **state)
{
    (void)state;
    assert_found("{\"steps\": \"say \\\"}\\\" loudly\"}",
                 "{\"steps\": \"say \\\"}\\\" loudly\"}");
}

static void test_planner_reply__references_in_prose_do_not_count(void **state)
{
    (void)state;
    char text[4096] = "I use ";
    for (int i = 0; i < 200; i++)
        strcat(text, "${s} ");
    strcat(text, "in {\"steps\": []}");
    assert_found(text, "{\"steps\": []}");
}

static void test_planner_reply__none(void **state)
{
    (void)state;
    assert_null(found("I would add the numbers."));
    assert_null(found(""));
    assert_null(found("[1, 2, 3]"));
    assert_null(found("{{{{"));
}

static void test_planner_reply__many_braces_stay_cheap(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *s = malloc(n + 1);
    memset(s, '{', n);
    s[n] = '\0';
    assert_null(found(s)); /* bounded starts: returns promptly */
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planner_reply__whole_text),
        cmocka_unit_test(test_planner_reply__fenced_block_with_prose),
        cmocka_unit_test(test_planner_reply__object_inside_prose),
        cmocka_unit_test(test_planner_reply__broken_plan_is_returned_not_its_inside),
        cmocka_unit_test(test_planner_reply__escaped_quotes_in_strings),
        cmocka_unit_test(test_planner_reply__references_in_prose_do_not_count),
        cmocka_unit_test(test_planner_reply__none),
        cmocka_unit_test(test_planner_reply__many_braces_stay_cheap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
