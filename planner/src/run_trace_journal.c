/*
 * run_trace_journal.c - the spans the journal tells of: the policy check,
 * each attempt at each step ("execute_tool {function}") and each wait for
 * approval, read record by record through a table of handlers.
 */
#include "run_trace_internal.h"

#include "run_internal.h"

#include <stdio.h>
#include <string.h>


static void common_attrs(trace_builder *b, keel_span *s, const keel_plan_step *st)
{
    trace_set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    trace_set_str(b, s->attrs, "keel.step.id", st->id);
    trace_set_str(b, s->attrs, "keel.plan.hash", b->plan_hash);
}

static int step_started(trace_builder *b, size_t i, const keel_value *rec)
{
    const keel_plan_step *st = &keel_run_plan(b->r)->steps[i];
    char key[200];
    int attempt = ++b->attempts[i];
    snprintf(key, sizeof(key), "step:%s:%d", st->id, attempt);
    long at = trace_add(b, KEEL_SPAN_STEP, 0, key, trace_rec_us(rec));
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    s->open = true;
    s->state = "in doubt";
    snprintf(s->name, sizeof(s->name), "execute_tool %s", st->call);
    trace_set_str(b, s->attrs, "gen_ai.operation.name", "execute_tool");
    trace_set_str(b, s->attrs, "gen_ai.tool.name", st->call);
    trace_set_str(b, s->attrs, "gen_ai.tool.call.id", st->id);
    common_attrs(b, s, st);
    trace_set_int(b, s->attrs, "keel.step.attempt", attempt);
    trace_set_json(b, s->content, "gen_ai.tool.call.arguments", st->args);
    b->open_step[i] = at;
    return 0;
}

static void step_ended(trace_builder *b, size_t i, const keel_value *rec, bool ok)
{
    if (b->open_step[i] < 0)
        return;
    keel_span *s = &b->t->spans[b->open_step[i]];
    b->open_step[i] = -1;
    trace_end_span(s, trace_rec_us(rec), ok ? "done" : "failed");
    s->status = ok ? KEEL_SPAN_OK : KEEL_SPAN_ERROR;
    if (ok) {
        trace_set_json(b, s->content, "gen_ai.tool.call.result",
                 keel_value_object_get(rec, "output"));
        if (run_str(rec, "by")) { /* an operator took it as done */
            s->state = "skipped";
            trace_set_str(b, s->attrs, "keel.step.skipped_by",
                          run_str(rec, "by"));
        }
    } else {
        int code = (int)trace_int(rec, "code");
        snprintf(s->message, sizeof(s->message), "%s",
                 run_str(rec, "error") ? run_str(rec, "error") : "failed");
        trace_set_str(b, s->attrs, "error.type", keel_strerror(code));
        if (code == KEEL_EAPPROVAL)
            s->state = "stopped for approval";
        else if (code == KEEL_EDENIED)
            s->state = "denied";
    }
    trace_set_str(b, s->attrs, "keel.step.state", s->state);
}

static int approval_requested(trace_builder *b, size_t i, const keel_value *rec)
{
    const keel_plan_step *st = &keel_run_plan(b->r)->steps[i];
    char key[200];
    snprintf(key, sizeof(key), "approval:%s:%lld", st->id,
             (long long)trace_int(rec, "seq"));
    long at = trace_add(b, KEEL_SPAN_APPROVAL, 0, key, trace_rec_us(rec));
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    s->open = true;
    s->state = "waiting";
    snprintf(s->name, sizeof(s->name), "approval %s", st->id);
    common_attrs(b, s, st);
    trace_set_str(b, s->attrs, "gen_ai.tool.name", st->call);
    trace_set_str(b, s->attrs, "keel.approval.reason", run_str(rec, "reason"));
    trace_set_str(b, s->attrs, "keel.approval.args_hash",
                  run_str(rec, "args_hash"));
    trace_set_json(b, s->content, "gen_ai.tool.call.arguments",
             keel_value_object_get(rec, "args"));
    b->open_approval[i] = at;
    return 0;
}

static void approval_decided(trace_builder *b, size_t i, const keel_value *rec,
                             bool granted)
{
    if (b->open_approval[i] < 0)
        return;
    keel_span *s = &b->t->spans[b->open_approval[i]];
    b->open_approval[i] = -1;
    trace_end_span(s, trace_rec_us(rec), granted ? "granted" : "rejected");
    s->status = granted ? KEEL_SPAN_OK : KEEL_SPAN_ERROR;
    trace_set_str(b, s->attrs, "keel.approval.approver",
                  run_str(keel_value_object_get(rec, "approver"), "uid"));
    if (!granted)
        snprintf(s->message, sizeof(s->message), "rejected: %s",
                 run_str(rec, "reason") ? run_str(rec, "reason") : "");
    trace_set_str(b, s->attrs, "keel.approval.state", s->state);
}

/* The policy check: its outcome, at the start of the run. */
static int add_policy(trace_builder *b, const keel_value *started)
{
    const keel_value *pol = keel_value_object_get(keel_run_meta_value(b->r),
                                                  "policy");
    long at = trace_add(b, KEEL_SPAN_POLICY, 0, "policy", trace_rec_us(started));
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    snprintf(s->name, sizeof(s->name), "policy check");
    s->status = KEEL_SPAN_OK;
    s->state = run_str(pol, "hash") ? "checked" : "no policy";
    trace_set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    trace_set_str(b, s->attrs, "keel.policy.hash", run_str(pol, "hash"));
    trace_set_int(b, s->attrs, "keel.policy.files",
            (int64_t)keel_value_len(keel_value_object_get(pol, "files")));
    return 0;
}

/* Counts what the policy decided at run time, once the journal is read. */
static void policy_outcome(trace_builder *b)
{
    int64_t asked = 0, denied = 0;
    keel_span *pol = NULL;
    for (size_t i = 0; i < b->t->n_spans; i++) {
        keel_span *s = &b->t->spans[i];
        if (s->kind == KEEL_SPAN_POLICY)
            pol = s;
        asked += s->kind == KEEL_SPAN_APPROVAL;
        denied += s->kind == KEEL_SPAN_STEP && s->state &&
                  strcmp(s->state, "denied") == 0;
    }
    if (!pol)
        return;
    trace_set_int(b, pol->attrs, "keel.policy.approvals_requested", asked);
    trace_set_int(b, pol->attrs, "keel.policy.denied", denied);
}

typedef int (*rec_fn)(trace_builder *b, long step, const keel_value *rec);

static int on_started(trace_builder *b, long i, const keel_value *rec)
{
    return i < 0 ? 0 : step_started(b, (size_t)i, rec);
}
static int on_finished(trace_builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        step_ended(b, (size_t)i, rec, true);
    return 0;
}
static int on_failed(trace_builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        step_ended(b, (size_t)i, rec, false);
    return 0;
}
static int on_requested(trace_builder *b, long i, const keel_value *rec)
{
    return i < 0 ? 0 : approval_requested(b, (size_t)i, rec);
}
static int on_granted(trace_builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        approval_decided(b, (size_t)i, rec, true);
    return 0;
}
static int on_rejected(trace_builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        approval_decided(b, (size_t)i, rec, false);
    return 0;
}
static int on_run_started(trace_builder *b, long i, const keel_value *rec)
{
    (void)i;
    return add_policy(b, rec);
}

static const struct {
    const char *event;
    rec_fn fn;
} handlers[] = {
    {"run_started", on_run_started},   {"step_started", on_started},
    {"step_finished", on_finished},    {"step_failed", on_failed},
    {"approval_requested", on_requested}, {"approval_granted", on_granted},
    {"approval_rejected", on_rejected},
};

int trace_journal(trace_builder *b)
{
    const keel_value *recs = keel_run_records(b->r);
    for (size_t i = 0; i < keel_value_len(recs); i++) {
        const keel_value *rec = keel_value_list_at(recs, i);
        const char *e = run_str(rec, "event");
        long step = keel_run_step_index(b->r, run_str(rec, "step"));
        for (size_t h = 0; e && h < sizeof(handlers) / sizeof(handlers[0]); h++)
            if (strcmp(handlers[h].event, e) == 0 &&
                handlers[h].fn(b, step, rec))
                return KEEL_ENOMEM;
    }
    policy_outcome(b);
    return 0;
}

