/*
 * test_planner.c - the plan/repair loop against the mock provider on
 * 127.0.0.1, with messy replies as models send them. Each case asserts how
 * many times the model was called (the mock counts the requests) and what
 * keel sent back for repair.
 */
#include "test_support.h"

#include "mock_llm.h"

#include <keel/planner.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fx {
    mock_llm *mock;
    keel_kernel *k;
    keel_llm *llm;
    keel_policy *policy;
    keel_principal who;
    keel_planner_opts opts;
    keel_planner_result r;
    keel_error err;
    char prompts[1024], cache[64];
} fx;

static const char *const shipped[] = {"text", "math", "time", "json", NULL};

/* text.* for everyone, math.* for the ops role only. */
static const char policy_text[] =
    "<policy xmlns='urn:keel:policy:1' id='t'>\n"
    " <role name='ops'><group dn='cn=ops,dc=example,dc=com'/></role>\n"
    " <permit id='text'><principal any='true'/><action call='text.*'/></permit>\n"
    " <permit id='ops-math'><principal role='ops'/><action call='math.*'/></permit>\n"
    "%s</policy>\n";

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    assert_int_equal(mock_llm_start(&f->mock), 0);
    f->k = ts_kernel_with(shipped);
    keel_llm_options lo = {.model = "openai:gpt-4o-mini",
                           .base_url = mock_llm_url(f->mock),
                           .max_attempts = 1};
    assert_int_equal(keel_llm_open(&f->llm, &lo, &f->err), 0);
    snprintf(f->prompts, sizeof(f->prompts), "%s/planner/prompts",
             ts_source_dir());
    f->who = (keel_principal){.uid = "ann"};
    f->opts = (keel_planner_opts){.kernel = f->k, .llm = f->llm,
                                  .principal = &f->who,
                                  .prompts_dir = f->prompts,
                                  .max_repairs = -1};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    keel_planner_result_free(&f->r);
    keel_policy_free(f->policy);
    keel_llm_free(f->llm);
    keel_kernel_free(f->k);
    mock_llm_stop(f->mock);
    if (f->cache[0]) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->cache);
        assert_int_equal(system(cmd), 0);
    }
    free(f);
    return 0;
}

static void use_policy(fx *f, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof(text), policy_text, extra);
    const char *names[] = {"t.xml"};
    const char *texts[] = {text};
    size_t lens[] = {strlen(text)};
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_policy_load_texts(&f->policy, names, texts, lens, 1,
                                            f->k, &d), 0);
    keel_diags_free(&d);
    f->opts.policy = f->policy;
}

static void script(fx *f, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/data/planner/%s.jsonl",
             ts_source_dir(), name);
    mock_llm_reset(f->mock);
    assert_int_equal(mock_llm_load(f->mock, path), 0);
}

static int plan(fx *f, const char *goal)
{
    keel_planner_result_free(&f->r);
    memset(&f->err, 0, sizeof(f->err));
    return keel_planner_plan(&f->r, goal, &f->opts, &f->err);
}

/* The n-th request's body (0-based) contains needle. */
static void assert_request_has(fx *f, size_t n, const char *needle)
{
    assert_true(mock_llm_count(f->mock) > n);
    const char *body = mock_llm_body(f->mock, n);
    if (!strstr(body, needle))
        fail_msg("request %zu lacks '%s'", n, needle);
}

static void assert_request_lacks(fx *f, size_t n, const char *needle)
{
    if (strstr(mock_llm_body(f->mock, n), needle))
        fail_msg("request %zu has '%s'", n, needle);
}

static void assert_calls(fx *f, int n)
{
    assert_int_equal(f->r.llm_calls, n);
    assert_int_equal(mock_llm_count(f->mock), (size_t)n);
}

static void test_planner__plan_in_fence_with_prose_is_found(void **state)
{
    fx *f = *state;
    script(f, "fenced_prose");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_calls(f, 1);
    assert_non_null(f->r.plan);
    assert_string_equal(f->r.plan->steps[0].call, "math.add");
    assert_string_equal(f->r.plan->goal, "add 2 and 3");
    assert_int_equal(f->r.verdict, KEEL_VERDICT_ALLOW);
    assert_int_equal(f->r.input_tokens, 100);
    assert_int_equal(f->r.output_tokens, 50);
    assert_int_equal(strlen(f->r.template_hash), 64);
}

static void test_planner__plan_with_trailing_prose_is_found(void **state)
{
    fx *f = *state;
    script(f, "trailing_prose");
    assert_int_equal(plan(f, "shout hi"), 0);
    assert_calls(f, 1);
    assert_string_equal(f->r.plan->steps[0].call, "text.upper");
}

static void test_planner__invented_function_is_repaired(void **state)
{
    fx *f = *state;
    script(f, "invented_function");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_calls(f, 2);
    /* the second request carries the first reply and the error, located */
    assert_request_has(f, 1, "math.addd");
    assert_request_has(f, 1, "- /steps/0/call: 'math.addd' is not one of the "
                             "functions you were given; did you mean "
                             "math.add?");
    assert_string_equal(f->r.plan->steps[0].call, "math.add");
}

static void test_planner__wrong_argument_types_are_repaired(void **state)
{
    fx *f = *state;
    script(f, "wrong_types");
    assert_int_equal(plan(f, "add two and 3"), 0);
    assert_calls(f, 2);
    assert_request_has(f, 1, "- /steps/0/args/a: ");
    assert_request_has(f, 1, "- /steps/0/args/c: ");
}

static void test_planner__missing_step_reference_is_repaired(void **state)
{
    fx *f = *state;
    script(f, "missing_step");
    assert_int_equal(plan(f, "first word, shouted"), 0);
    assert_calls(f, 2);
    assert_request_has(f, 1, "- /steps/0/args/text: ");
    assert_request_has(f, 1, "words");
    assert_int_equal(f->r.plan->n_steps, 2);
}

#define NO_LONG_TEXT                                                        \
    "<forbid id='no-long'><principal any='true'/><action call='text.upper'/>" \
    "<when><length arg='text' min='12'/></when></forbid>"

static void test_planner__denied_plan_is_repaired(void **state)
{
    fx *f = *state;
    use_policy(f, NO_LONG_TEXT);
    script(f, "denied_then_repaired");
    assert_int_equal(plan(f, "shout a text"), 0);
    assert_calls(f, 2);
    assert_request_has(f, 1, "- /steps/0: step 'up' (text.upper): denied by "
                             "rule 'no-long'");
    assert_int_equal(f->r.verdict, KEEL_VERDICT_ALLOW);
    assert_string_equal(f->r.decisions[0].rules[0], "text");
}

static void test_planner__denied_to_the_end_is_refused(void **state)
{
    fx *f = *state;
    use_policy(f, NO_LONG_TEXT);
    script(f, "denied_always");
    assert_int_equal(plan(f, "shout a text"), KEEL_EDENIED);
    assert_calls(f, 3); /* the first request and two repairs */
    assert_null(f->r.plan);
    assert_false(f->r.limited);
    assert_int_equal(f->r.diags.n, 1);
    assert_int_equal(f->r.diags.items[0].code, KEEL_EDENIED);
    assert_non_null(strstr(f->err.msg, "no valid plan after 3 replies"));
}

static void test_planner__hidden_function_is_not_described(void **state)
{
    fx *f = *state;
    use_policy(f, "");
    script(f, "hidden_function");
    assert_int_equal(plan(f, "how long is abcde"), 0);
    assert_calls(f, 2);
    /* denied, but the repair says only that it was not given: no argument
     * errors, no neighbours (math.sum...), nothing of its schema */
    assert_request_has(f, 1, "- /steps/0/call: 'math.add' is not one of the "
                             "functions you were given\\n");
    assert_request_lacks(f, 1, "math.sub");
    assert_request_lacks(f, 1, "args/b");
    assert_request_lacks(f, 1, "expected float");
    assert_string_equal(f->r.plan->steps[0].call, "text.length");
    /* a model that insists is denied (exit 3), not "invalid" */
    script(f, "hidden_function");
    f->opts.max_repairs = 0;
    assert_int_equal(plan(f, "how long is abcde"), KEEL_EDENIED);
}

static void test_planner__never_valid_stops_after_max_repairs(void **state)
{
    fx *f = *state;
    script(f, "never_valid");
    assert_int_equal(plan(f, "add 2 and 3"), KEEL_EINVAL);
    assert_calls(f, 3); /* the fourth, valid reply is never asked for */
    assert_null(f->r.plan);
    assert_true(f->r.diags.n > 0);
    assert_request_has(f, 1, "the reply holds no JSON object");
    assert_request_has(f, 2, "cannot use it:\\n- 1:59: invalid JSON near");
    f->opts.max_repairs = 0;
    script(f, "never_valid");
    assert_int_equal(plan(f, "add 2 and 3"), KEEL_EINVAL);
    assert_calls(f, 1);
}

static void test_planner__cannot_plan_is_reported(void **state)
{
    fx *f = *state;
    script(f, "cannot_plan");
    assert_int_equal(plan(f, "mail the report to the board"), KEEL_EINVAL);
    assert_calls(f, 1);
    assert_null(f->r.plan);
    assert_string_equal(f->r.cannot_plan, "No function can send e-mail.");
}

static void test_planner__catalog_holds_only_permitted_functions(void **state)
{
    fx *f = *state;
    use_policy(f, "");
    script(f, "trailing_prose");
    assert_int_equal(plan(f, "shout hi"), 0);
    assert_int_equal(f->r.catalog_size, 9); /* text.* */
    assert_request_has(f, 0, "\\\"call\\\":\\\"text.upper\\\"");
    assert_request_lacks(f, 0, "math.");
    /* structured output: the schema's call enum is the catalog, loose */
    assert_request_has(f, 0, "\"response_format\":{\"type\":\"json_schema\"");
    assert_request_has(f, 0, "\"enum\":[\"text.contains\",\"text.format\"");
    assert_request_has(f, 0, "\"strict\":false");
    /* a member of ops sees math too */
    const char *groups[] = {"cn=ops,dc=example,dc=com"};
    f->who.groups = groups;
    f->who.n_groups = 1;
    script(f, "trailing_prose");
    assert_int_equal(plan(f, "shout hi"), 0);
    assert_int_equal(f->r.catalog_size, 17);
    assert_request_has(f, 0, "math.add");
}

static void test_planner__nothing_permitted_asks_nobody(void **state)
{
    fx *f = *state;
    use_policy(f, "<forbid id='none'><principal any='true'/>"
                  "<action call='text.*'/></forbid>");
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), KEEL_EDENIED);
    assert_calls(f, 0);
    assert_non_null(strstr(f->err.msg, "permits no function to ann"));
}

static void test_planner__llm_call_limit_denies(void **state)
{
    fx *f = *state;
    use_policy(f, "<limits max-llm-calls='1'/>");
    const char *groups[] = {"cn=ops,dc=example,dc=com"};
    f->who.groups = groups;
    f->who.n_groups = 1;
    script(f, "invented_function");
    assert_int_equal(plan(f, "add 2 and 3"), KEEL_EDENIED);
    assert_calls(f, 1);
    assert_true(f->r.limited);
    assert_non_null(strstr(f->err.msg, "allows 1 LLM call per goal"));
}

static void test_planner__token_and_cost_limits_deny(void **state)
{
    fx *f = *state;
    use_policy(f, "<limits max-tokens='120'/>");
    script(f, "trailing_prose"); /* 100 in + 50 out > 120 */
    assert_int_equal(plan(f, "shout hi"), KEEL_EDENIED);
    assert_calls(f, 1);
    assert_true(f->r.limited);
    assert_null(f->r.plan);
    assert_non_null(strstr(f->err.msg, "used 150 tokens and the policy "
                                       "allows 120"));
}

static void test_planner__cost_limit_denies_before_and_after(void **state)
{
    fx *f = *state;
    use_policy(f, "<limits max-cost='0'/>");
    /* a model without a price costs 0: allowed under max-cost 0 */
    script(f, "trailing_prose");
    assert_int_equal(plan(f, "shout hi"), 0);
    assert_calls(f, 1);
    keel_policy_free(f->policy);
    f->policy = NULL;
    /* priced per million tokens: 100 in + 50 out at 1000 = 0.15 > 0.1 */
    keel_llm_free(f->llm);
    keel_value *cfg = ts_json("{\"prices\": {\"openai:gpt-4o-mini\": "
                              "{\"input\": 1000, \"output\": 1000}}}");
    keel_llm_options lo = {.model = "openai:gpt-4o-mini",
                           .base_url = mock_llm_url(f->mock),
                           .max_attempts = 1, .config = cfg};
    assert_int_equal(keel_llm_open(&f->llm, &lo, &f->err), 0);
    keel_value_unref(cfg);
    f->opts.llm = f->llm;
    use_policy(f, "<limits max-cost='0.1'/>");
    script(f, "invented_function");
    assert_int_equal(plan(f, "add 2 and 3"), KEEL_EDENIED);
    assert_calls(f, 1);
    assert_true(f->r.limited);
    assert_non_null(strstr(f->err.msg, "planning cost 0.1500 and the policy "
                                       "allows 0.1000"));
}

static void use_cache(fx *f)
{
    snprintf(f->cache, sizeof(f->cache), "/tmp/keel-test-cache-XXXXXX");
    assert_non_null(mkdtemp(f->cache));
    f->opts.cache_dir = f->cache;
}

static void cache_file(char *buf, size_t cap, fx *f, const char *key)
{
    snprintf(buf, cap, "%s/%s.json", f->cache, key);
}

static void plant(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_planner__cache_reuses_a_checked_plan(void **state)
{
    fx *f = *state;
    use_cache(f);
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_calls(f, 1);
    assert_false(f->r.from_cache);
    char key[65];
    memcpy(key, f->r.cache_key, 65);
    /* the same goal again: no model call */
    mock_llm_reset(f->mock);
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_true(f->r.from_cache);
    assert_int_equal(mock_llm_count(f->mock), 0);
    assert_string_equal(f->r.cache_key, key);
    assert_string_equal(f->r.plan->steps[0].call, "math.add");
    /* another goal, or another principal, misses */
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3, please"), 0);
    assert_false(f->r.from_cache);
    f->who.uid = "bob";
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_false(f->r.from_cache);
    assert_string_not_equal(f->r.cache_key, key);
    f->who.uid = "ann";
    /* a damaged entry is a miss and is replaced by the new plan */
    char path[512];
    cache_file(path, sizeof(path), f, key);
    plant(path, "{\"version\": 1, \"steps\": [", 0600);
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_false(f->r.from_cache);
    assert_int_equal(mock_llm_count(f->mock), 1);
    mock_llm_reset(f->mock);
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_true(f->r.from_cache);
}

static void test_planner__cached_plan_is_checked_again(void **state)
{
    fx *f = *state;
    use_cache(f);
    use_policy(f, NO_LONG_TEXT);
    script(f, "trailing_prose");
    assert_int_equal(plan(f, "shout hi"), 0);
    char path[512];
    cache_file(path, sizeof(path), f, f->r.cache_key);
    /* planted: a plan the policy denies */
    plant(path, "{\"version\": 1, \"goal\": \"shout hi\", \"steps\": "
                "[{\"id\": \"up\", \"call\": \"text.upper\", \"args\": "
                "{\"text\": \"a text far too long\"}}]}", 0600);
    script(f, "trailing_prose");
    assert_int_equal(plan(f, "shout hi"), 0);
    assert_false(f->r.from_cache);
    assert_int_equal(mock_llm_count(f->mock), 1);
    assert_string_equal(keel_value_get_string(keel_value_object_get(
                            f->r.plan->steps[0].args, "text"), NULL),
                        "hi {there}");
    /* planted: an allowed plan made for another goal */
    plant(path, "{\"version\": 1, \"goal\": \"something else\", \"steps\": "
                "[{\"id\": \"up\", \"call\": \"text.upper\", \"args\": "
                "{\"text\": \"other\"}}]}", 0600);
    script(f, "trailing_prose");
    assert_int_equal(plan(f, "shout hi"), 0);
    assert_false(f->r.from_cache);
}

static void test_planner__cache_others_could_write_is_not_used(void **state)
{
    fx *f = *state;
    use_cache(f);
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    char path[512], key[65];
    memcpy(key, f->r.cache_key, 65);
    cache_file(path, sizeof(path), f, key);
    /* readable by others: not trusted, and said so */
    assert_int_equal(chmod(path, 0644), 0);
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_false(f->r.from_cache);
    assert_non_null(strstr(f->r.cache_error,
                           ": is readable by group or others (mode 0644)"));
    /* a symbolic link to a good plan: not followed */
    char target[600];
    snprintf(target, sizeof(target), "%s/elsewhere.json", f->cache);
    plant(target, "{\"version\": 1, \"goal\": \"add 2 and 3\", \"steps\": "
                  "[{\"id\": \"s\", \"call\": \"math.add\", \"args\": "
                  "{\"a\": 1, \"b\": 1}}]}", 0600);
    unlink(path);
    assert_int_equal(symlink(target, path), 0);
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_false(f->r.from_cache);
    assert_non_null(strstr(f->r.cache_error, ": is a symbolic link"));
    /* a directory others can write: neither read nor written */
    unlink(path);
    assert_int_equal(chmod(f->cache, 0777), 0);
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), 0);
    assert_non_null(strstr(f->r.cache_error,
                           ": is writable by group or others (mode 0777)"));
    assert_int_equal(access(path, F_OK), -1);
}

static void test_planner__provider_failure_is_unavailable(void **state)
{
    fx *f = *state;
    script(f, "unavailable");
    assert_int_equal(plan(f, "add 2 and 3"), KEEL_EUNAVAIL);
    assert_int_equal(mock_llm_count(f->mock), 1);
    assert_null(f->r.plan);
}

static void test_planner__bad_templates_fail_before_any_call(void **state)
{
    fx *f = *state;
    f->opts.prompts_dir = "/nonexistent/prompts";
    script(f, "good");
    assert_int_equal(plan(f, "add 2 and 3"), KEEL_ENOTFOUND);
    assert_int_equal(mock_llm_count(f->mock), 0);
    assert_non_null(strstr(f->err.msg, "prompt template: "
                                       "/nonexistent/prompts/system.txt"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_planner__plan_in_fence_with_prose_is_found),
        T(test_planner__plan_with_trailing_prose_is_found),
        T(test_planner__invented_function_is_repaired),
        T(test_planner__wrong_argument_types_are_repaired),
        T(test_planner__missing_step_reference_is_repaired),
        T(test_planner__denied_plan_is_repaired),
        T(test_planner__denied_to_the_end_is_refused),
        T(test_planner__hidden_function_is_not_described),
        T(test_planner__never_valid_stops_after_max_repairs),
        T(test_planner__cannot_plan_is_reported),
        T(test_planner__catalog_holds_only_permitted_functions),
        T(test_planner__nothing_permitted_asks_nobody),
        T(test_planner__llm_call_limit_denies),
        T(test_planner__token_and_cost_limits_deny),
        T(test_planner__cost_limit_denies_before_and_after),
        T(test_planner__cache_reuses_a_checked_plan),
        T(test_planner__cached_plan_is_checked_again),
        T(test_planner__cache_others_could_write_is_not_used),
        T(test_planner__provider_failure_is_unavailable),
        T(test_planner__bad_templates_fail_before_any_call),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
