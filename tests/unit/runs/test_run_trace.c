/*
 * test_run_trace.c - a run's spans (run_trace.c) and its HTML timeline
 * (run_trace_html.c), from a real run of the exectest fixture: planning
 * with its LLM calls, the policy check, parallel steps, a failure, an
 * approval and a second attempt after resume.
 */
#include "test_support.h"
#include "trace_fixture.h"

#include <keel/otlp.h>
#include <keel/trace.h>

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef tf_run fx;

static const char *attr(const keel_span *s, const char *k)
{
    return keel_value_get_string(keel_value_object_get(s->attrs, k), NULL);
}

static int64_t iattr(const keel_span *s, const char *k)
{
    return keel_value_get_int(keel_value_object_get(s->attrs, k));
}

/* The n-th span (0-based) of kind with this name, or NULL. */
static const keel_span *find(const keel_trace *t, keel_span_kind kind,
                             const char *step, int nth)
{
    for (size_t i = 0; i < t->n_spans; i++) {
        const keel_span *s = &t->spans[i];
        const char *id = attr(s, "keel.step.id");
        if (s->kind == kind && (!step || (id && strcmp(id, step) == 0)) &&
            nth-- == 0)
            return s;
    }
    return NULL;
}

static void test_run_trace__root_is_the_run(void **state)
{
    fx *f = *state;
    const keel_span *run = &f->t->spans[0];
    assert_int_equal(run->kind, KEEL_SPAN_RUN);
    assert_int_equal(run->parent, -1);
    assert_string_equal(attr(run, "keel.run.id"), keel_run_id(f->r));
    assert_string_equal(run->state, "failed");
    assert_int_equal(run->status, KEEL_SPAN_ERROR);
    assert_int_equal(iattr(run, "keel.steps.total"), 4);
    /* the goal is content, kept apart from the attributes */
    assert_null(attr(run, "keel.goal"));
    assert_string_equal(keel_value_get_string(keel_value_object_get(
                            run->content, "keel.goal"), NULL), TF_GOAL);
    /* it covers everything, planning included */
    for (size_t i = 1; i < f->t->n_spans; i++) {
        assert_true(f->t->spans[i].start_us >= run->start_us);
        assert_true(f->t->spans[i].end_us <= run->end_us);
        assert_true(f->t->spans[i].parent >= 0);
        assert_true(f->t->spans[i].parent < (long)i);
    }
}

static void test_run_trace__planning_has_each_llm_call(void **state)
{
    fx *f = *state;
    const keel_span *p = find(f->t, KEEL_SPAN_PLANNING, NULL, 0);
    assert_non_null(p);
    assert_int_equal(p->parent, 0);
    assert_int_equal(p->start_us, 1795516463000000LL);
    assert_int_equal(p->end_us, 1795516463900000LL + 400250);
    assert_int_equal(iattr(p, "gen_ai.usage.input_tokens"), 2700);
    for (int i = 0; i < 2; i++) {
        const keel_span *c = find(f->t, KEEL_SPAN_CHAT, NULL, i);
        assert_non_null(c);
        assert_int_equal(c->parent, p - f->t->spans);
        assert_string_equal(c->name, "chat gpt-4o-mini");
        assert_string_equal(attr(c, "gen_ai.operation.name"), "chat");
        assert_string_equal(attr(c, "gen_ai.provider.name"), "openai");
        assert_string_equal(attr(c, "gen_ai.request.model"), "gpt-4o-mini");
    }
    const keel_span *c = find(f->t, KEEL_SPAN_CHAT, NULL, 0);
    assert_int_equal(c->end_us - c->start_us, 812500);
    assert_int_equal(iattr(c, "gen_ai.usage.input_tokens"), 1200);
    assert_int_equal(iattr(c, "gen_ai.usage.output_tokens"), 340);
    /* the accepted plan is the last reply */
    assert_null(keel_value_object_get(c->content, "gen_ai.output.messages"));
    assert_non_null(keel_value_object_get(find(f->t, KEEL_SPAN_CHAT, NULL, 1)->content,
                                          "gen_ai.output.messages"));
}

static void test_run_trace__steps_are_timed_attempts(void **state)
{
    fx *f = *state;
    const keel_span *slow = find(f->t, KEEL_SPAN_STEP, "slow", 0);
    const keel_span *quick = find(f->t, KEEL_SPAN_STEP, "quick", 0);
    assert_non_null(slow);
    assert_non_null(quick);
    assert_string_equal(slow->name, "execute_tool exectest.nap");
    assert_string_equal(attr(slow, "gen_ai.operation.name"), "execute_tool");
    assert_string_equal(attr(slow, "gen_ai.tool.name"), "exectest.nap");
    assert_string_equal(attr(slow, "keel.plan.hash"),
                        keel_value_get_string(keel_value_object_get(
                            keel_run_meta_value(f->r), "plan_hash"), NULL));
    assert_string_equal(slow->state, "done");
    assert_int_equal(slow->status, KEEL_SPAN_OK);
    /* microsecond timing: a 40 ms nap takes at least 40 ms */
    assert_true(slow->end_us - slow->start_us >= 40000);
    /* side by side: quick started before slow ended */
    assert_true(quick->start_us < slow->end_us);
    /* the failing step, in both attempts */
    const keel_span *bad = find(f->t, KEEL_SPAN_STEP, "bad", 0);
    assert_int_equal(bad->status, KEEL_SPAN_ERROR);
    assert_string_equal(bad->state, "failed");
    assert_non_null(strstr(bad->message, TF_FAILURE));
    assert_int_equal(iattr(find(f->t, KEEL_SPAN_STEP, "bad", 1), "keel.step.attempt"), 2);
    /* mail stopped for approval, then ran on resume */
    const keel_span *m1 = find(f->t, KEEL_SPAN_STEP, "mail", 0);
    const keel_span *m2 = find(f->t, KEEL_SPAN_STEP, "mail", 1);
    assert_string_equal(m1->state, "stopped for approval");
    assert_string_equal(m2->state, "done");
    assert_null(find(f->t, KEEL_SPAN_STEP, "slow", 1)); /* reused, not re-run */
    assert_non_null(keel_value_object_get(m2->content, "gen_ai.tool.call.result"));
}

static void test_run_trace__approval_and_policy(void **state)
{
    fx *f = *state;
    const keel_span *a = find(f->t, KEEL_SPAN_APPROVAL, "mail", 0);
    assert_non_null(a);
    assert_string_equal(a->name, "approval mail");
    assert_string_equal(a->state, "granted");
    assert_false(a->open);
    assert_string_equal(attr(a, "keel.approval.approver"), "bob");
    const keel_span *m2 = find(f->t, KEEL_SPAN_STEP, "mail", 1);
    assert_true(a->end_us <= m2->start_us);
    const keel_span *p = find(f->t, KEEL_SPAN_POLICY, NULL, 0);
    assert_non_null(p);
    assert_non_null(attr(p, "keel.policy.hash"));
    assert_int_equal(iattr(p, "keel.policy.approvals_requested"), 1);
}

static void test_run_trace__ids_are_deterministic(void **state)
{
    fx *f = *state;
    keel_trace *again = NULL;
    keel_error err = {0};
    assert_int_equal(keel_trace_build(&again, f->r, &err), 0);
    assert_int_equal(again->n_spans, f->t->n_spans);
    assert_string_equal(again->trace_id, f->t->trace_id);
    assert_int_equal(strlen(f->t->trace_id), 32);
    for (size_t i = 0; i < f->t->n_spans; i++) {
        assert_string_equal(again->spans[i].id, f->t->spans[i].id);
        assert_int_equal(strlen(f->t->spans[i].id), 16);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(f->t->spans[i].id, f->t->spans[j].id);
    }
    keel_trace_free(again);
}

static void test_run_trace__html_escapes_and_marks_the_slowest(void **state)
{
    fx *f = *state;
    char *html = NULL;
    assert_int_equal(keel_trace_html(&html, f->t), 0);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b>bob"));
    assert_null(strstr(html, "http"));  /* nothing fetched */
    assert_non_null(strstr(html, "tell &lt;b&gt;bob&lt;/b&gt; &amp; &quot;co&quot;"));
    assert_non_null(strstr(html, "boom &lt;script&gt;alert(1)&lt;/script&gt;"));
    /* one slowest step: the 40 ms nap */
    const char *slow = strstr(html, " slow\"");
    assert_non_null(slow);
    assert_null(strstr(slow + 1, " slow\""));
    const char *row = slow;
    while (row > html && strncmp(row, "<div class=\"row\"", 16) != 0)
        row--;
    assert_non_null(strstr(row, "(slow)"));
    assert_true(strstr(row, "(slow)") < slow);
    assert_non_null(strstr(html, "class=\"axis\""));
    keel_free(html);
}

/* Every allocation that fails while building, encoding or drawing the
 * trace gives KEEL_ENOMEM and leaks nothing (ASan checks the leaks). */
static void test_run_trace__every_allocation_failure_is_clean(void **state)
{
    fx *f = *state;
    long n;
    keel_otlp_opts o = {.content = true};
    for (n = 1; n < 100000; n++) {
        keel_trace *t = NULL;
        char *json = NULL, *html = NULL;
        keel_error err = {0};
        keel_alloc_fail_after(n, false);
        int rc = keel_trace_build(&t, f->r, &err);
        if (rc == 0)
            rc = keel_otlp_encode(&json, t, &o);
        if (rc == 0)
            rc = keel_trace_html(&html, t);
        keel_alloc_fail_after(0, false);
        keel_trace_free(t);
        keel_free(json);
        keel_free(html);
        if (rc == 0)
            break;
        if (rc != KEEL_ENOMEM)
            fail_msg("allocation %ld: rc %d: %s", n, rc, err.msg);
    }
    assert_true(n > 50 && n < 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_trace__root_is_the_run),
        cmocka_unit_test(test_run_trace__planning_has_each_llm_call),
        cmocka_unit_test(test_run_trace__steps_are_timed_attempts),
        cmocka_unit_test(test_run_trace__approval_and_policy),
        cmocka_unit_test(test_run_trace__ids_are_deterministic),
        cmocka_unit_test(test_run_trace__html_escapes_and_marks_the_slowest),
        cmocka_unit_test(test_run_trace__every_allocation_failure_is_clean),
    };
    return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
