/*
 * test_run_store.c - the run object's accessors: finding a step of the
 * run's plan by id.
 */
#include "test_support.h"

#include <keel/run.h>

#include <string.h>

static char state[64];

static int setup(void **s)
{
    (void)s;
    ts_make_dir(state, sizeof(state), "run-store");
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    ts_rm_dir(state);
    return 0;
}

/* A new run of a three-step plan. */
static keel_run *three_steps(keel_plan **plan)
{
    static const char json[] =
        "{\"version\": 1, \"steps\": ["
        "{\"id\": \"first\", \"call\": \"text.upper\", \"args\": {\"text\": "
        "\"a\"}},"
        "{\"id\": \"second\", \"call\": \"text.upper\", \"args\": {\"text\": "
        "\"b\"}},"
        "{\"id\": \"third\", \"call\": \"text.upper\", \"args\": {\"text\": "
        "\"c\"}}]}";
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_from_json(plan, json, strlen(json), &d), 0);
    keel_diags_free(&d);
    static const keel_principal ann = {"ann", NULL, NULL, 0};
    keel_run_meta m = {.principal = &ann, .durable = false};
    keel_run *r = NULL;
    keel_error err = {0};
    if (keel_run_create(&r, state, *plan, &m, &err) != 0)
        fail_msg("create: %s", err.msg);
    return r;
}

static void test_run_store__step_index_finds_each_step_by_id(void **s)
{
    (void)s;
    keel_plan *p = NULL;
    keel_run *r = three_steps(&p);
    const keel_plan *rp = keel_run_plan(r);
    assert_int_equal(rp->n_steps, 3);
    for (size_t i = 0; i < rp->n_steps; i++)
        assert_int_equal(keel_run_step_index(r, rp->steps[i].id), (long)i);
    assert_int_equal(keel_run_step_index(r, "second"), 1);
    keel_run_free(r);
    keel_plan_free(p);
}

static void test_run_store__step_index_is_minus_one_for_no_such_step(void **s)
{
    (void)s;
    keel_plan *p = NULL;
    keel_run *r = three_steps(&p);
    assert_int_equal(keel_run_step_index(r, "fourth"), -1);
    assert_int_equal(keel_run_step_index(r, ""), -1);
    assert_int_equal(keel_run_step_index(r, "firs"), -1);   /* a prefix */
    assert_int_equal(keel_run_step_index(r, "first_"), -1); /* longer */
    assert_int_equal(keel_run_step_index(r, NULL), -1); /* a record's "step" */
    keel_run_free(r);
    keel_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_run_store__step_index_finds_each_step_by_id),
        T(test_run_store__step_index_is_minus_one_for_no_such_step),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
