/*
 * test_prompt.c - prompt templates: loading, checks, hashing, filling.
 */
#include "test_support.h"

#include "prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/keel-prompts-XXXXXX");
    assert_non_null(mkdtemp(dir));
    write_file("system.txt", "You plan. {{principal}}\n");
    write_file("plan.txt", "Goal: {{goal}}\nFunctions: {{catalog}}\n"
                           "Schema: {{schema}}\n{{examples}}Literal {{ braces "
                           "}} and {x} stay.\n");
    write_file("repair.txt", "Problems:\n{{errors}}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void test_prompt__render_fills_placeholders(void **state)
{
    (void)state;
    prompt_set p;
    keel_error err = {0};
    assert_int_equal(prompt_set_load(&p, dir, &err), 0);
    prompt_vars v = {.goal = "add 2 and 3", .catalog = "[math.add]",
                     .schema = "{}", .examples = NULL, .principal = "ann"};
    char *out = NULL;
    assert_int_equal(prompt_render(&out, &p, PROMPT_PLAN, &v), 0);
    assert_string_equal(out, "Goal: add 2 and 3\nFunctions: [math.add]\n"
                             "Schema: {}\nLiteral {{ braces }} and {x} stay.\n");
    keel_free(out);
    assert_int_equal(prompt_render(&out, &p, PROMPT_SYSTEM, &v), 0);
    assert_string_equal(out, "You plan. ann\n");
    keel_free(out);
    prompt_set_free(&p);
}

static void test_prompt__hash_follows_the_files(void **state)
{
    (void)state;
    prompt_set a, b;
    keel_error err = {0};
    assert_int_equal(prompt_set_load(&a, dir, &err), 0);
    assert_int_equal(prompt_set_load(&b, dir, &err), 0);
    assert_string_equal(a.hash, b.hash);
    prompt_set_free(&b);
    write_file("repair.txt", "Problems:\n{{errors}}\n");
    assert_int_equal(prompt_set_load(&b, dir, &err), 0);
    assert_string_not_equal(a.hash, b.hash);
    prompt_set_free(&a);
    prompt_set_free(&b);
}

static void expect_refused(const char *file, const char *text, int code,
                           const char *msg_tail)
{
    write_file(file, text);
    prompt_set p;
    keel_error err = {0};
    assert_int_equal(prompt_set_load(&p, dir, &err), code);
    char want[512];
    snprintf(want, sizeof(want), "%s/%s", dir, msg_tail);
    if (!strstr(err.msg, want))
        fail_msg("got '%s', want '%s'", err.msg, want);
}

static void test_prompt__unknown_placeholder_names_file_and_line(void **state)
{
    (void)state;
    expect_refused("plan.txt", "Goal: {{goal}}\n{{catalog}}\n{{gaol}}\n",
                   KEEL_EINVAL, "plan.txt:3: unknown placeholder {{gaol}}");
}

static void test_prompt__required_placeholders(void **state)
{
    (void)state;
    expect_refused("plan.txt", "Functions: {{catalog}}\n", KEEL_EINVAL,
                   "plan.txt: must use {{goal}}");
    write_file("plan.txt", "{{goal}} {{catalog}}");
    expect_refused("repair.txt", "Try again.\n", KEEL_EINVAL,
                   "repair.txt: must use {{errors}}");
}

static void test_prompt__missing_and_binary_files(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/system.txt", dir);
    unlink(path);
    prompt_set p;
    keel_error err = {0};
    assert_int_equal(prompt_set_load(&p, dir, &err), KEEL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "prompt template: "));
    write_file("system.txt", "caf\xc3");
    assert_int_equal(prompt_set_load(&p, dir, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "system.txt: not valid UTF-8"));
}

static void test_prompt__shipped_templates_load(void **state)
{
    (void)state;
    char shipped[1024];
    snprintf(shipped, sizeof(shipped), "%s/planner/prompts", ts_source_dir());
    prompt_set p;
    keel_error err = {0};
    assert_int_equal(prompt_set_load(&p, shipped, &err), 0);
    assert_int_equal(strlen(p.hash), 64);
    prompt_set_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_prompt__render_fills_placeholders),
        T(test_prompt__hash_follows_the_files),
        T(test_prompt__unknown_placeholder_names_file_and_line),
        T(test_prompt__required_placeholders),
        T(test_prompt__missing_and_binary_files),
        T(test_prompt__shipped_templates_load),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
