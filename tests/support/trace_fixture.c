/*
 * trace_fixture.c - see trace_fixture.h.
 */
#include "trace_fixture.h"

#include "test_support.h"

#include <keel/exec.h>
#include <keel/policy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char policy_xml[] =
    "<policy xmlns=\"urn:keel:policy:1\" id=\"trace-test\">"
    "<permit id=\"steps\"><principal any=\"true\"/>"
    "<action call=\"exectest.nap\"/><action call=\"exectest.fail\"/></permit>"
    "<permit id=\"send\"><principal any=\"true\"/><action call=\"exectest.send\"/>"
    "<require-approval/></permit></policy>";

static const char plan_json[] =
    "{\"version\":1,\"goal\":\"" "tell <b>bob</b> & \\\"co\\\"" "\",\"steps\":["
    "{\"id\":\"slow\",\"call\":\"exectest.nap\",\"args\":{\"ms\":40}},"
    "{\"id\":\"quick\",\"call\":\"exectest.nap\",\"args\":{\"ms\":2}},"
    "{\"id\":\"bad\",\"call\":\"exectest.fail\",\"args\":{\"message\":"
    "\"boom <script>alert(1)</script>\"}},"
    "{\"id\":\"mail\",\"call\":\"exectest.send\",\"args\":{\"to\":"
    "\"bob@example.com\",\"body\":\"secret body\"},\"after\":[\"slow\"]}]}";

static keel_policy *load_policy(keel_kernel *k)
{
    const char *names[] = {"trace-test.xml"}, *texts[] = {policy_xml};
    size_t lens[] = {strlen(policy_xml)};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    int rc = keel_policy_load_texts(&p, names, texts, lens, 1, k, &d);
    if (rc)
        fail_msg("policy: %s", d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
}

static keel_plan *checked_plan(keel_kernel *k)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    keel_plan_limits l;
    keel_plan_limits_default(&l);
    if (keel_plan_from_json(&p, plan_json, strlen(plan_json), &d) ||
        keel_plan_check(p, k, &l, &d))
        fail_msg("plan: %s", d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
}

static int execute(keel_run *r, keel_kernel *k, const keel_policy *pol,
                   const keel_principal *op)
{
    keel_run_opts o = {.policy = pol, .operator_ = op};
    o.exec.jobs = 2;
    o.exec.keep_going = true;
    keel_value *out = NULL;
    keel_error err = {0};
    int rc = keel_run_execute(&out, r, k, &o, &err);
    keel_value_unref(out);
    return rc;
}

void tf_make_run(keel_run **out, keel_kernel *k, const char *state_dir)
{
    keel_policy *pol = load_policy(k);
    keel_plan *plan = checked_plan(k);
    keel_principal ann = {"ann", NULL, NULL, 0}, bob = {"bob", NULL, NULL, 0};
    keel_run_llm_call calls[] = {
        {"openai:gpt-4o-mini", 1795516463000, 812.5, 1200, 340, 0.001},
        {"openai:gpt-4o-mini", 1795516463900, 400.25, 1500, 200, 0.002}};
    keel_run_meta meta = {.goal = TF_GOAL, .principal = &ann, .policy = pol,
                          .template_hash = "t0", .llm_calls = calls,
                          .n_llm_calls = 2, .durable = false};
    keel_run *r = NULL;
    keel_error err = {0};
    assert_int_equal(keel_run_create(&r, state_dir, plan, &meta, &err), 0);
    /* the failing step fails the run; mail waits for approval */
    assert_int_not_equal(execute(r, k, pol, &ann), 0);
    assert_int_equal(keel_run_approve(r, "mail", k, pol, &bob, "fine", &err), 0);
    assert_int_not_equal(execute(r, k, pol, &ann), 0);
    char id[64];
    snprintf(id, sizeof(id), "%s", keel_run_id(r));
    keel_run_free(r);
    assert_int_equal(keel_run_open(out, state_dir, id, false, &err), 0);
    keel_plan_free(plan);
    keel_policy_free(pol);
}

int tf_setup(void **state)
{
    tf_run *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/keel-trace-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->k = ts_kernel_all();
    tf_make_run(&f->r, f->k, f->dir);
    keel_error err = {0};
    assert_int_equal(keel_trace_build(&f->t, f->r, &err), 0);
    *state = f;
    return 0;
}

int tf_teardown(void **state)
{
    tf_run *f = *state;
    if (!f)
        return 0;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    keel_trace_free(f->t);
    keel_run_free(f->r);
    keel_kernel_free(f->k);
    free(f);
    return 0;
}
