/*
 * test_eval_suite.c - reading `keel eval` suites: defaults merged into
 * cases, policy paths relative to the suite, and one error per bad suite
 * naming the file and the member.
 */
#include "test_support.h"

#include "alloc.h"
#include "eval_suite.h"

#include <string.h>

static keel_kernel *kernel(void)
{
    static const char *const plugins[] = {"text", "math", NULL};
    return ts_kernel_with(plugins);
}

static int parse(eval_suite *s, const char *json, keel_kernel *k,
                 keel_error *err)
{
    return eval_suite_parse(s, json, strlen(json), "dir/suite.json", k, err);
}

static void test_eval_suite__defaults_and_policy_paths(void **state)
{
    (void)state;
    eval_suite s;
    keel_error err = {0};
    const char *json =
        "{\"policy\": [\"p.xml\", \"/abs/q.xml\"],"
        " \"defaults\": {\"user\": \"ann\", \"groups\": [\"cn=g\"],"
        "               \"expect\": {\"max_steps\": 4, \"not_calls\": "
        "[\"math.*\"]}},"
        " \"cases\": [{\"name\": \"a\", \"goal\": \"do a\"},"
        "            {\"name\": \"b\", \"goal\": \"do b\", \"user\": \"bob\","
        "             \"groups\": [],"
        "             \"expect\": {\"outcome\": \"cannot_plan\", "
        "\"max_steps\": 1,"
        "                        \"verdict\": \"approval\"}},"
        "            {\"name\": \"c\", \"goal\": \"do c\", \"user\": "
        "\"carl\"}]}";
    assert_int_equal(parse(&s, json, NULL, &err), 0);
    assert_int_equal(s.n_policy, 2);
    assert_string_equal(s.policy[0], "dir/p.xml");
    assert_string_equal(s.policy[1], "/abs/q.xml");
    assert_int_equal(s.n_cases, 3);
    const eval_case *a = &s.cases[0], *b = &s.cases[1];
    assert_string_equal(a->user, "ann");
    assert_int_equal(a->n_groups, 1);
    assert_string_equal(a->groups[0], "cn=g");
    assert_int_equal(a->expect.outcome, EVAL_PLAN);
    assert_int_equal(a->expect.max_steps, 4);
    assert_int_equal(keel_value_len(a->expect.not_calls), 1);
    assert_string_equal(b->user, "bob");
    assert_int_equal(b->n_groups, 0);
    assert_int_equal(b->expect.outcome, EVAL_CANNOT_PLAN);
    assert_int_equal(b->expect.max_steps, 1);
    assert_int_equal(b->expect.verdict, KEEL_VERDICT_APPROVAL);
    assert_int_equal(keel_value_len(b->expect.not_calls),
                     1); /* from defaults */
    assert_int_equal(b->expect.min_steps, -1);
    /* a user named without groups never gets the defaults' groups */
    assert_string_equal(s.cases[2].user, "carl");
    assert_int_equal(s.cases[2].n_groups, 0);
    eval_suite_free(&s);
}

/* Each bad suite and the exact error it gives. */
static const struct bad_case {
    const char *json, *error;
} bad_cases[] = {
    {"[]", "dir/suite.json: expected an object"},
    {"{\"cases\": []}",
     "dir/suite.json: cases: expected a non-empty list of cases"},
    {"{\"case\": []}", "dir/suite.json: unknown member 'case' (known: "
                       "description, policy, defaults, cases)"},
    {"{\"policy\": \"p.xml\", \"cases\": [{}]}",
     "dir/suite.json: policy: expected a list of at most 32 policy files "
     "(paths relative to the suite)"},
    {"{\"cases\": [{\"goal\": \"g\"}]}",
     "dir/suite.json: cases[0].name: expected a non-empty string"},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"\"}]}",
     "dir/suite.json: cases[0].goal: expected a non-empty string"},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\"}, {\"name\": \"a\", "
     "\"goal\": \"h\"}]}",
     "dir/suite.json: cases[1].name: 'a' is also the name of cases[0]"},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\", \"groups\": \"cn=x\"}]}",
     "dir/suite.json: cases[0].groups: expected a list of at most 32 group "
     "DNs"},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\", \"expect\": {\"calls\": "
     "[1]}}]}",
     "dir/suite.json: cases[0].expect.calls: expected a list of function "
     "names"},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\", \"expect\": "
     "{\"outcome\": \"error\"}}]}",
     "dir/suite.json: cases[0].expect.outcome: expected one of \"plan\", "
     "\"cannot_plan\", \"denied\", \"no_plan\""},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\", \"expect\": "
     "{\"max_steps\": -1}}]}",
     "dir/suite.json: cases[0].expect.max_steps: expected a whole number, 0 or "
     "more"},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\", \"expect\": "
     "{\"verdict\": \"deny\"}}]}",
     "dir/suite.json: cases[0].expect.verdict: expected \"allow\" or "
     "\"approval\""},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\", \"expect\": {\"args\": "
     "[{\"call\": \"math.add\"}]}}]}",
     "dir/suite.json: cases[0].expect.args[0]: \"args\" must be an object of "
     "argument values"},
    {"{\"defaults\": {\"expect\": {\"calls\": [\"math.nope\"]}}, \"cases\": "
     "[{}]}",
     "dir/suite.json: defaults.expect.calls[0]: no loaded function matches "
     "'math.nope' (see `keel plugins catalog`)"},
    {"{\"cases\": [{\"name\": \"a\", \"goal\": \"g\", \"expect\": {\"args\": "
     "[{\"call\": \"math.add\", \"args\": {\"c\": 1}}]}}]}",
     "dir/suite.json: cases[0].expect.args[0]: math.add has no parameter 'c'"},
};

static void test_eval_suite__bad_suites_name_file_and_member(void **state)
{
    (void)state;
    keel_kernel *k = kernel();
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
        eval_suite s;
        keel_error err = {0};
        int rc = parse(&s, bad_cases[i].json, k, &err);
        if (rc != KEEL_EINVAL || strcmp(err.msg, bad_cases[i].error) != 0)
            fail_msg("case %zu: rc %d, error '%s'; expected '%s'", i, rc,
                     err.msg, bad_cases[i].error);
        eval_suite_free(&s);
    }
    keel_kernel_free(k);
}

static void test_eval_suite__json_syntax_error_names_the_file(void **state)
{
    (void)state;
    eval_suite s;
    keel_error err = {0};
    assert_int_equal(parse(&s, "{\"cases\": [", NULL, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "dir/suite.json: "));
    eval_suite_free(&s);
    assert_int_equal(eval_suite_load(&s, "/nonexistent/suite.json", NULL, &err),
                     KEEL_ENOTFOUND);
    assert_string_equal(err.msg, "/nonexistent/suite.json: cannot open the "
                                 "suite: No such file or directory");
    eval_suite_free(&s);
}

static void test_eval_suite__shipped_suite_reads(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof(path), "%s/examples/eval/suite.json",
             ts_source_dir());
    keel_kernel *k = kernel();
    static const char *const more[] = {"time", "json"};
    for (size_t i = 0; i < 2; i++) {
        char so[1024];
        ts_plugin_path(so, sizeof(so), more[i]);
        assert_int_equal(keel_kernel_load_file(k, so, NULL), 0);
    }
    eval_suite s;
    keel_error err = {0};
    if (eval_suite_load(&s, path, k, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(s.n_cases >= 5);
    assert_int_equal(s.n_policy, 1);
    eval_suite_free(&s);
    keel_kernel_free(k);
}

/* Fails each allocation of reading a suite in turn: every failure is out
 * of memory (or, from the JSON reader, invalid input), never a crash or a
 * leak (ASan). */
static void test_eval_suite__every_allocation_failure_is_clean(void **state)
{
    (void)state;
    const char *json =
        "{\"policy\": [\"a.xml\", \"b.xml\"], \"defaults\": {\"user\": \"u\"},"
        " \"cases\": [{\"name\": \"a\", \"goal\": \"g\","
        " \"expect\": {\"calls\": [\"x.y\"], \"max_steps\": 2}},"
        " {\"name\": \"b\", \"goal\": \"h\"}]}";
    long n;
    for (n = 1; n < 1000; n++) {
        eval_suite s;
        keel_error err = {0};
        keel_alloc_fail_after(n, false);
        int rc = parse(&s, json, NULL, &err);
        keel_alloc_fail_after(0, false);
        eval_suite_free(&s);
        if (rc == 0)
            break;
        if (rc != KEEL_ENOMEM && rc != KEEL_EINVAL)
            fail_msg("allocation %ld: rc %d: %s", n, rc, err.msg);
    }
    assert_true(n > 5 && n < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_suite__defaults_and_policy_paths),
        cmocka_unit_test(test_eval_suite__bad_suites_name_file_and_member),
        cmocka_unit_test(test_eval_suite__json_syntax_error_names_the_file),
        cmocka_unit_test(test_eval_suite__shipped_suite_reads),
        cmocka_unit_test(test_eval_suite__every_allocation_failure_is_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
