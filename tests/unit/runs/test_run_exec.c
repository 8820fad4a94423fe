/*
 * test_run_exec.c - durable runs: approvals bound to what they approve,
 * approver constraints, rejections, steps in doubt and operator
 * decisions, provenance labels across a resume, a journal that cannot be
 * written, and a plan changed under a run.
 */
#include "test_support.h"

#include "run_internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static keel_kernel *k;
static char state[64], effects[128];

static int setup(void **s)
{
    (void)s;
    k = ts_kernel_all();
    snprintf(state, sizeof(state), "/tmp/keel-runs-XXXXXX");
    assert_non_null(mkdtemp(state));
    snprintf(effects, sizeof(effects), "%s/effects.txt", state);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state);
    assert_int_equal(system(cmd), 0);
    keel_kernel_free(k);
    return 0;
}

static keel_policy *policy(const char *rules)
{
    char text[4096];
    snprintf(text, sizeof(text),
             "<policy xmlns='urn:keel:policy:1' id='t'>"
             "<role name='leads'><group dn='cn=leads,dc=x'/></role>%s</policy>",
             rules);
    const char *names[] = {"t.xml"}, *texts[] = {text};
    size_t lens[] = {strlen(text)};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_policy_load_texts(&p, names, texts, lens, 1, k, &d) != 0)
        fail_msg("policy: %s", d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
}

/* A plan: append "one" to the effects file, then uppercase its output. */
static keel_plan *append_plan(void)
{
    char json[1024];
    snprintf(json, sizeof(json),
             "{\"version\": 1, \"steps\": ["
             "{\"id\": \"a\", \"call\": \"exectest.append\", \"args\": "
             "{\"path\": \"%s\", \"line\": \"one\"}, \"why\": \"record it\"},"
             "{\"id\": \"b\", \"call\": \"text.upper\", \"args\": {\"text\": "
             "\"${a}\"}}], \"output\": \"${b}\"}", effects);
    return ts_plan(json);
}

static const keel_principal ann = {"ann", NULL, NULL, 0};

static keel_run *create(const keel_plan *p, const keel_policy *pol)
{
    keel_run_meta m = {.principal = &ann, .policy = pol, .durable = false};
    keel_run *r = NULL;
    keel_error err = {0};
    if (keel_run_create(&r, state, p, &m, &err) != 0)
        fail_msg("create: %s", err.msg);
    return r;
}

/* Opens the run again, as a later keel process would. */
static keel_run *reopen(keel_run *r)
{
    char id[64];
    snprintf(id, sizeof(id), "%s", keel_run_id(r));
    keel_run_free(r);
    keel_run *again = NULL;
    keel_error err = {0};
    if (keel_run_open(&again, state, id, false, &err) != 0)
        fail_msg("open: %s", err.msg);
    return again;
}

static int execute(keel_value **out, keel_run *r, const keel_policy *pol,
                   const keel_principal *op, keel_error *err)
{
    keel_run_opts o = {.exec = {.jobs = 1}, .policy = pol, .operator_ = op};
    memset(err, 0, sizeof(*err));
    *out = NULL;
    return keel_run_execute(out, r, k, &o, err);
}

static size_t effect_lines(void)
{
    size_t len = 0, n = 0;
    char *text = ts_slurp(effects, &len);
    for (size_t i = 0; text && i < len; i++)
        n += text[i] == '\n';
    free(text);
    return n;
}

#define APPEND_NEEDS_APPROVAL(attrs)                                        \
    "<permit id='text'><principal any='true'/><action call='text.*'/></permit>" \
    "<permit id='append'><principal any='true'/><action call='exectest.append'/>" \
    "<require-approval " attrs "/></permit>"

static void test_run_exec__approval_stops_then_counts_once_given(void **s)
{
    (void)s;
    keel_policy *pol = policy(APPEND_NEEDS_APPROVAL(""));
    keel_plan *p = append_plan();
    keel_run *r = create(p, pol);
    keel_value *out = NULL;
    keel_error err;
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
    assert_non_null(strstr(err.msg, "approve with: keel approve"));
    assert_int_equal(effect_lines(), 0);
    const keel_value *req = run_last(r, "approval_requested");
    assert_non_null(req);
    assert_non_null(keel_value_object_get(req, "args"));
    r = reopen(r);
    keel_principal bob = {"bob", NULL, NULL, 0};
    assert_int_equal(keel_run_approve(r, "a", k, pol, &bob, "fine", &err), 0);
    /* a second approval finds nothing pending */
    assert_int_equal(keel_run_approve(r, "a", k, pol, &bob, "again", &err),
                     KEEL_ENOTFOUND);
    r = reopen(r);
    assert_int_equal(execute(&out, r, pol, &ann, &err), 0);
    ts_assert_json(out, "\"ONE\"");
    assert_int_equal(effect_lines(), 1);
    keel_value_unref(out);
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

/* An approval of other arguments, another plan or another requester does
 * not count. */
static void test_run_exec__approval_is_bound_to_what_it_approves(void **s)
{
    (void)s;
    keel_policy *pol = policy(APPEND_NEEDS_APPROVAL(""));
    keel_plan *p = append_plan();
    keel_run *r = create(p, pol);
    keel_value *out = NULL;
    keel_error err;
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
    const char *hash = keel_value_get_string(
        keel_value_object_get(run_last(r, "approval_requested"), "args_hash"),
        NULL);
    char right[65];
    snprintf(right, sizeof(right), "%s", hash);
    keel_principal bob = {"bob", NULL, NULL, 0};
    /* other arguments */
    assert_int_equal(run_record_decision(r, "a", "00ff", &bob, true, "x", &err), 0);
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
    /* another plan */
    char saved[65];
    memcpy(saved, r->plan_hash, 65);
    memset(r->plan_hash, 'e', 64);
    assert_int_equal(run_record_decision(r, "a", right, &bob, true, "x", &err), 0);
    memcpy(r->plan_hash, saved, 65);
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
    /* another requester */
    r->who.uid = "mallory";
    assert_int_equal(run_record_decision(r, "a", right, &bob, true, "x", &err), 0);
    r->who.uid = "ann";
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
    assert_int_equal(effect_lines(), 0);
    /* exactly this one */
    assert_int_equal(run_record_decision(r, "a", right, &bob, true, "x", &err), 0);
    assert_int_equal(execute(&out, r, pol, &ann, &err), 0);
    assert_int_equal(effect_lines(), 1);
    keel_value_unref(out);
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

static void test_run_exec__approver_constraints_are_enforced(void **s)
{
    (void)s;
    keel_policy *pol = policy(APPEND_NEEDS_APPROVAL(
        "approver-role='leads' not-requester='true'"));
    keel_plan *p = append_plan();
    keel_run *r = create(p, pol);
    keel_value *out = NULL;
    keel_error err;
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
    static const char *leads[] = {"cn=leads,dc=x"};
    keel_principal ann_lead = {"ann", NULL, leads, 1};
    keel_principal bob = {"bob", NULL, NULL, 0}, lea = {"lea", NULL, leads, 1};
    assert_int_equal(keel_run_approve(r, "a", k, pol, &ann_lead, NULL, &err),
                     KEEL_EDENIED);
    assert_non_null(strstr(err.msg, "other than the requester"));
    assert_int_equal(keel_run_approve(r, "a", k, pol, &bob, NULL, &err),
                     KEEL_EDENIED);
    assert_non_null(strstr(err.msg, "in role 'leads'"));
    assert_int_equal(keel_run_approve(r, "a", k, pol, &lea, NULL, &err), 0);
    assert_int_equal(execute(&out, r, pol, &ann, &err), 0);
    assert_int_equal(effect_lines(), 1);
    keel_value_unref(out);
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

static void test_run_exec__rejection_fails_the_run_with_its_reason(void **s)
{
    (void)s;
    keel_policy *pol = policy(APPEND_NEEDS_APPROVAL(""));
    keel_plan *p = append_plan();
    keel_run *r = create(p, pol);
    keel_value *out = NULL;
    keel_error err;
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
    keel_principal bob = {"bob", NULL, NULL, 0};
    assert_int_equal(keel_run_reject(r, "a", &bob, "not today", &err), 0);
    r = reopen(r);
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EDENIED);
    assert_non_null(strstr(err.msg, "rejected by bob: not today"));
    assert_int_equal(effect_lines(), 0);
    keel_value *sum = NULL;
    assert_int_equal(keel_run_summary(&sum, r), 0);
    assert_string_equal(keel_value_get_string(keel_value_object_get(sum, "state"),
                                              NULL), "failed");
    keel_value_unref(sum);
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

/* A crash after step_started: the journal says so, nothing more. */
static void crash_after_start(keel_run *r, const char *step)
{
    keel_error err = {0};
    keel_value *ev = run_event("step_started");
    run_set_str(ev, "step", step);
    assert_int_equal(run_append(r, ev, true, &err), 0);
    keel_value_unref(ev);
}

static void test_run_exec__step_in_doubt_waits_for_an_operator(void **s)
{
    (void)s;
    keel_policy *pol = policy(APPEND_NEEDS_APPROVAL("") /* unused */);
    keel_policy_free(pol);
    pol = policy("<permit id='all'><principal any='true'/>"
                 "<action call='exectest.*'/><action call='text.*'/></permit>");
    keel_plan *p = append_plan();
    keel_run *r = create(p, pol);
    crash_after_start(r, "a");
    r = reopen(r);
    keel_value *out = NULL;
    keel_error err;
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EFAILED);
    assert_non_null(strstr(err.msg, "step 'a' (exectest.append) started "
                                    "and did not finish"));
    assert_non_null(strstr(err.msg, "--retry STEP"));
    assert_int_equal(effect_lines(), 0);
    /* the operator says it took effect: its output is given, not rerun */
    keel_value *given = ts_json("\"done by hand\"");
    const char *skip[] = {"a"};
    const keel_value *outs[] = {given};
    keel_run_opts o = {.exec = {.jobs = 1}, .policy = pol, .operator_ = &ann,
                       .skip = skip, .skip_output = outs, .n_skip = 1};
    assert_int_equal(keel_run_execute(&out, r, k, &o, &err), 0);
    ts_assert_json(out, "\"DONE BY HAND\"");
    assert_int_equal(effect_lines(), 0);
    keel_value_unref(out);
    keel_value_unref(given);
    keel_run_free(r);
    /* or to run it again */
    r = create(p, pol);
    crash_after_start(r, "a");
    const char *retry[] = {"a"};
    keel_run_opts o2 = {.exec = {.jobs = 1}, .policy = pol, .retry = retry,
                        .n_retry = 1};
    assert_int_equal(keel_run_execute(&out, r, k, &o2, &err), 0);
    assert_int_equal(effect_lines(), 1);
    /* --retry of a step that is not in doubt is refused */
    keel_value_unref(out);
    keel_run_free(r);
    r = create(p, pol);
    assert_int_equal(keel_run_execute(&out, r, k, &o2, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "step 'a' is not in doubt"));
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

static void test_run_exec__idempotent_step_in_doubt_runs_again(void **s)
{
    (void)s;
    const char *json = "{\"version\": 1, \"steps\": [{\"id\": \"n\", \"call\": "
                       "\"exectest.nap\", \"args\": {\"ms\": 1}}, {\"id\": \"u\", "
                       "\"call\": \"text.upper\", \"args\": {\"text\": \"x\"}}], "
                       "\"output\": \"${u}\"}";
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_from_json(&p, json, strlen(json), &d), 0);
    keel_diags_free(&d);
    keel_run *r = create(p, NULL);
    crash_after_start(r, "n");
    r = reopen(r);
    keel_value *out = NULL;
    keel_error err;
    assert_int_equal(execute(&out, r, NULL, &ann, &err), 0);
    ts_assert_json(out, "\"X\"");
    keel_value_unref(out);
    /* done: asked again, it answers with the same output */
    r = reopen(r);
    assert_int_equal(execute(&out, r, NULL, &ann, &err), 0);
    ts_assert_json(out, "\"X\"");
    keel_value_unref(out);
    keel_run_free(r);
    keel_plan_free(p);
}

/* Untrusted web content must still be untrusted after a resume: the
 * run-time policy phase sees the journalled labels. */
static void test_run_exec__labels_survive_a_resume(void **s)
{
    (void)s;
    keel_policy *pol = policy(
        "<permit id='all'><principal any='true'/><action call='exectest.*'/></permit>"
        "<forbid-flow id='no-web-recipients'><source call='exectest.web'/>"
        "<sink call='exectest.send' class='recipient'/></forbid-flow>");
    const char *json = "{\"version\": 1, \"steps\": [{\"id\": \"w\", \"call\": "
                       "\"exectest.web\", \"args\": {\"page\": {\"to\": \"x@evil\"}}},"
                       "{\"id\": \"m\", \"call\": \"exectest.send\", \"args\": "
                       "{\"to\": \"${w.to}\"}}]}";
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_from_json(&p, json, strlen(json), &d), 0);
    keel_diags_free(&d);
    keel_run *r = create(p, pol);
    /* the first attempt ran w and crashed before m started */
    keel_value *page = ts_json("{\"to\": \"x@evil\"}");
    keel_labels *web = keel_labels_new("exectest.web");
    assert_int_equal(keel_value_add_labels(&page, web), 0);
    keel_value *ev = run_event("step_finished"), *map = NULL;
    run_set_str(ev, "step", "w");
    keel_value_label_map(&map, page);
    keel_value_object_set(ev, "output", page);
    keel_value_object_set_take(ev, "labels", map);
    keel_error err = {0};
    assert_int_equal(run_append(r, ev, true, &err), 0);
    keel_value_unref(ev);
    keel_value_unref(page);
    keel_labels_unref(web);
    r = reopen(r);
    keel_value *out = NULL;
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EDENIED);
    assert_non_null(strstr(err.msg, "no-web-recipients"));
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

/* A full disk: the journal cannot say the step started, so it does not. */
static void test_run_exec__unwritable_journal_keeps_steps_from_starting(void **s)
{
    (void)s;
    keel_policy *pol = policy("<permit id='all'><principal any='true'/>"
                              "<action call='exectest.*'/><action call='text.*'/></permit>");
    keel_plan *p = append_plan();
    keel_run *r = create(p, pol);
    char path[600];
    snprintf(path, sizeof(path), "%s/runs/%s/journal.jsonl", state, keel_run_id(r));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)st.st_size + 40; /* less than one record */
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    keel_value *out = NULL;
    keel_error err;
    int rc = execute(&out, r, pol, &ann, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    assert_int_equal(rc, KEEL_EIO);
    assert_non_null(strstr(err.msg, "cannot write the run journal"));
    assert_int_equal(effect_lines(), 0); /* the step never started */
    /* the journal is whole: what was written verifies */
    r = reopen(r);
    assert_int_equal(keel_value_len(keel_run_records(r)), 1);
    assert_int_equal(execute(&out, r, pol, &ann, &err), 0);
    assert_int_equal(effect_lines(), 1);
    keel_value_unref(out);
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

static void test_run_exec__changed_plan_is_refused(void **s)
{
    (void)s;
    keel_plan *p = append_plan();
    keel_run *r = create(p, NULL);
    char path[600], id[64];
    snprintf(id, sizeof(id), "%s", keel_run_id(r));
    snprintf(path, sizeof(path), "%s/runs/%s/plan.json", state, id);
    keel_run_free(r);
    FILE *f = fopen(path, "w");
    fputs("{\"version\": 1, \"steps\": [{\"id\": \"a\", \"call\": "
          "\"exectest.append\", \"args\": {\"path\": \"/tmp/x\", \"line\": "
          "\"evil\"}}]}", f);
    fclose(f);
    keel_error err = {0};
    assert_int_equal(keel_run_open(&r, state, id, false, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "the plan was changed after the run started"));
    assert_int_equal(keel_run_open(&r, state, "../etc", false, &err), KEEL_EINVAL);
    keel_plan_free(p);
}

static keel_plan *plan_of(const char *json)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_json(&p, json, strlen(json), &d) != 0)
        fail_msg("plan: %s", d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
}

/* A call still running at its deadline may have taken effect: not
 * "failed", in doubt. */
static void test_run_exec__timed_out_step_is_in_doubt(void **s)
{
    (void)s;
    char json[512];
    snprintf(json, sizeof(json), "{\"version\": 1, \"steps\": [{\"id\": \"a\", "
             "\"call\": \"exectest.append\", \"args\": {\"path\": \"%s\", "
             "\"line\": \"one\", \"delay_ms\": 1500}}]}", effects);
    keel_plan *p = plan_of(json);
    keel_policy *pol = policy("<permit id='all'><principal any='true'/>"
                              "<action call='exectest.*'/></permit>");
    keel_run *r = create(p, pol);
    keel_run_opts o = {.exec = {.jobs = 1, .step_timeout_s = 1}, .policy = pol};
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(keel_run_execute(&out, r, k, &o, &err), KEEL_ETIMEOUT);
    assert_int_equal(effect_lines(), 1);
    r = reopen(r);
    assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EFAILED);
    assert_non_null(strstr(err.msg, "step 'a' (exectest.append) started and "
                                    "did not finish"));
    assert_int_equal(effect_lines(), 1); /* not run twice */
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

/* Every item of a for_each is approved before any item runs: approvals
 * never leave half the items done to be done again. */
static void test_run_exec__for_each_items_approved_before_any_runs(void **s)
{
    (void)s;
    char fixed[600];
    snprintf(fixed, sizeof(fixed), "{\"version\": 1, \"steps\": [{\"id\": \"l\", "
             "\"call\": \"text.split\", \"args\": {\"text\": \"x,y,z\", "
             "\"sep\": \",\"}}, {\"id\": \"a\", \"call\": \"exectest.append\", "
             "\"for_each\": \"${l}\", \"args\": {\"path\": \"%s\", "
             "\"line\": \"${item}\"}}]}", effects);
    keel_plan *p = plan_of(fixed);
    keel_policy *pol = policy(APPEND_NEEDS_APPROVAL(""));
    keel_run *r = create(p, pol);
    keel_principal bob = {"bob", NULL, NULL, 0};
    keel_value *out = NULL;
    keel_error err = {0};
    for (int round = 0; round < 3; round++) {
        assert_int_equal(execute(&out, r, pol, &ann, &err), KEEL_EAPPROVAL);
        assert_int_equal(effect_lines(), 0); /* no item before all approved */
        r = reopen(r);
        assert_int_equal(keel_run_approve(r, "a", k, pol, &bob, NULL, &err), 0);
        r = reopen(r);
    }
    assert_int_equal(execute(&out, r, pol, &ann, &err), 0);
    assert_int_equal(effect_lines(), 3); /* each item once */
    keel_value_unref(out);
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

static void test_run_exec__changed_run_json_is_refused(void **s)
{
    (void)s;
    keel_plan *p = append_plan();
    keel_run *r = create(p, NULL);
    char path[600], id[64];
    snprintf(id, sizeof(id), "%s", keel_run_id(r));
    snprintf(path, sizeof(path), "%s/runs/%s/run.json", state, id);
    keel_run_free(r);
    size_t len = 0;
    char *text = ts_slurp(path, &len);
    char *at = strstr(text, "\"uid\":\"ann\"");
    assert_non_null(at);
    memcpy(at + 7, "bob", 3);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    free(text);
    keel_error err = {0};
    assert_int_equal(keel_run_open(&r, state, id, false, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "run.json was changed after the run started"));
    keel_plan_free(p);
}

/* An output given by an operator carries the provenance the step's own
 * would have: the web page stays untrusted. */
static void test_run_exec__skipped_output_keeps_provenance(void **s)
{
    (void)s;
    keel_policy *pol = policy(
        "<permit id='all'><principal any='true'/><action call='exectest.*'/></permit>"
        "<forbid-flow id='no-web-recipients'><source call='exectest.web'/>"
        "<sink call='exectest.send' class='recipient'/></forbid-flow>");
    keel_plan *p = plan_of(
        "{\"version\": 1, \"steps\": [{\"id\": \"w\", \"call\": "
        "\"exectest.web\", \"args\": {\"page\": \"hello\"}},"
        "{\"id\": \"m\", \"call\": \"exectest.send\", \"args\": "
        "{\"to\": \"${w.to}\"}}]}");
    keel_run *r = create(p, pol);
    crash_after_start(r, "w");
    r = reopen(r);
    keel_value *given = ts_json("{\"to\": \"x@evil\"}");
    const char *skip[] = {"w"};
    const keel_value *outs[] = {given};
    keel_run_opts o = {.exec = {.jobs = 1}, .policy = pol, .operator_ = &ann,
                       .skip = skip, .skip_output = outs, .n_skip = 1};
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(keel_run_execute(&out, r, k, &o, &err), KEEL_EDENIED);
    assert_non_null(strstr(err.msg, "no-web-recipients"));
    keel_value_unref(given);
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

/* run.json keeps the roles the policy gave the principal at the start. */
static void test_run_exec__roles_snapshot(void **s)
{
    (void)s;
    keel_policy *pol = policy(APPEND_NEEDS_APPROVAL(""));
    keel_plan *p = append_plan();
    static const char *leads[] = {"cn=leads,dc=x"};
    keel_principal lea = {"lea", NULL, leads, 1};
    keel_run_meta m = {.principal = &lea, .policy = pol};
    keel_run *r = NULL;
    keel_error err = {0};
    assert_int_equal(keel_run_create(&r, state, p, &m, &err), 0);
    ts_assert_json(keel_value_object_get(keel_run_meta_value(r), "roles"),
                   "[\"leads\"]");
    keel_run_free(r);
    keel_plan_free(p);
    keel_policy_free(pol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_run_exec__approval_stops_then_counts_once_given),
        T(test_run_exec__approval_is_bound_to_what_it_approves),
        T(test_run_exec__approver_constraints_are_enforced),
        T(test_run_exec__rejection_fails_the_run_with_its_reason),
        T(test_run_exec__step_in_doubt_waits_for_an_operator),
        T(test_run_exec__idempotent_step_in_doubt_runs_again),
        T(test_run_exec__labels_survive_a_resume),
        T(test_run_exec__unwritable_journal_keeps_steps_from_starting),
        T(test_run_exec__changed_plan_is_refused),
        T(test_run_exec__timed_out_step_is_in_doubt),
        T(test_run_exec__for_each_items_approved_before_any_runs),
        T(test_run_exec__changed_run_json_is_refused),
        T(test_run_exec__skipped_output_keeps_provenance),
        T(test_run_exec__roles_snapshot),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
