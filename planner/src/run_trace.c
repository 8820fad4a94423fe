/*
 * run_trace.c - a run's journal and run.json as a tree of timed spans.
 *
 * Steps are timed by their step_started and step_finished/step_failed
 * records ("t_us" when present, else "t" in ms); LLM calls by run.json's
 * llm_calls. A step that started again after a resume is a new span (its
 * attempt number is an attribute); a span with no end ends with the trace.
 */
#include <keel/trace.h>

#include "alloc.h"

#include <stdio.h>
#include <string.h>

typedef struct builder {
    keel_trace *t;
    const keel_run *r;
    size_t cap;
    const char *plan_hash;
    long *open_step;     /* per plan step: its open attempt's span, or -1 */
    long *open_approval; /* per plan step: its waiting approval, or -1 */
    int *attempts;       /* per plan step */
    bool oom;            /* an attribute could not be set */
} builder;

static const char *str_of(const keel_value *o, const char *key)
{
    return keel_value_get_string(keel_value_object_get(o, key), NULL);
}

static int64_t int_of(const keel_value *o, const char *key)
{
    return keel_value_get_int(keel_value_object_get(o, key));
}

/* A record's time in microseconds. */
static int64_t rec_us(const keel_value *rec)
{
    const keel_value *us = keel_value_object_get(rec, "t_us");
    if (keel_value_type(us) == KEEL_TYPE_INT)
        return keel_value_get_int(us);
    return int_of(rec, "t") * 1000;
}

static void hex(char *out, const unsigned char *h, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The first n bytes of SHA-256 of the parts, in hex. */
static void derived_id(char *out, size_t n, const char *const *parts)
{
    keel_sha256_ctx c;
    unsigned char h[32];
    keel_sha256_init(&c);
    for (; *parts; parts++)
        keel_sha256_update(&c, *parts, strlen(*parts));
    keel_sha256_final(&c, h);
    hex(out, h, n);
}

/* SHA-256("keel-span:RUN:KEY"), 8 bytes. */
static void span_id(char out[17], const char *run, const char *key)
{
    const char *parts[] = {"keel-span:", run, ":", key, NULL};
    derived_id(out, 8, parts);
}

/* SHA-256("keel-trace:RUN"), 16 bytes. */
static void trace_id(char out[33], const char *run)
{
    const char *parts[] = {"keel-trace:", run, NULL};
    derived_id(out, 16, parts);
}

/* A new span (index into t->spans), or -1 when out of memory. */
static long add(builder *b, keel_span_kind kind, long parent, const char *key,
                int64_t start_us)
{
    keel_trace *t = b->t;
    if (t->n_spans == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        keel_span *s = keel_realloc(t->spans, cap * sizeof(*s));
        if (!s)
            return -1;
        t->spans = s;
        b->cap = cap;
    }
    keel_span *s = &t->spans[t->n_spans];
    memset(s, 0, sizeof(*s));
    s->attrs = keel_value_object();
    s->content = keel_value_object();
    if (!s->attrs || !s->content) {
        keel_value_unref(s->attrs);
        keel_value_unref(s->content);
        return -1;
    }
    s->kind = kind;
    s->parent = parent;
    s->start_us = s->end_us = start_us;
    span_id(s->id, t->run_id, key);
    return (long)t->n_spans++;
}

/* Attribute setters: a failure is remembered in b->oom, and
 * keel_trace_build fails with KEEL_ENOMEM at the end. */
static void set_take(builder *b, keel_value *o, const char *k, keel_value *v)
{
    if (keel_value_object_set_take(o, k, v) != 0)
        b->oom = true;
}

static void set_str(builder *b, keel_value *o, const char *k, const char *v)
{
    if (v)
        set_take(b, o, k, keel_value_cstring(v));
}

static void set_int(builder *b, keel_value *o, const char *k, int64_t v)
{
    set_take(b, o, k, keel_value_int(v));
}

static void set_json(builder *b, keel_value *o, const char *k,
                     const keel_value *v)
{
    char *json = NULL;
    if (v && keel_value_to_json(&json, v, false) != 0)
        b->oom = true;
    else if (v)
        set_str(b, o, k, json);
    keel_free(json);
}

static void end_span(keel_span *s, int64_t at, const char *state)
{
    s->end_us = at > s->start_us ? at : s->start_us;
    s->open = false;
    s->state = state;
}

/* ---- planning ---- */

static int add_chat(builder *b, long planning, size_t i, const keel_value *c)
{
    char key[32], provider[96] = "", model[128] = "";
    const char *pm = str_of(c, "model") ? str_of(c, "model") : "";
    const char *colon = strchr(pm, ':');
    if (colon) {
        snprintf(provider, sizeof(provider), "%.*s", (int)(colon - pm), pm);
        snprintf(model, sizeof(model), "%s", colon + 1);
    } else {
        snprintf(model, sizeof(model), "%s", pm);
    }
    snprintf(key, sizeof(key), "chat:%zu", i);
    int64_t start = int_of(c, "start_ms") * 1000;
    long at = add(b, KEEL_SPAN_CHAT, planning, key, start);
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    double ms = keel_value_get_float(keel_value_object_get(c, "ms"));
    end_span(s, start + (int64_t)(ms * 1000.0), "done");
    s->status = KEEL_SPAN_OK;
    snprintf(s->name, sizeof(s->name), "chat %s", model);
    set_str(b, s->attrs, "gen_ai.operation.name", "chat");
    if (provider[0]) {
        set_str(b, s->attrs, "gen_ai.provider.name", provider);
        set_str(b, s->attrs, "gen_ai.system", provider);
    }
    set_str(b, s->attrs, "gen_ai.request.model", model);
    set_str(b, s->attrs, "gen_ai.response.model", model);
    set_int(b, s->attrs, "gen_ai.usage.input_tokens", int_of(c, "input_tokens"));
    set_int(b, s->attrs, "gen_ai.usage.output_tokens", int_of(c, "output_tokens"));
    set_take(b, s->attrs, "keel.llm.cost", keel_value_float(
        keel_value_get_float(keel_value_object_get(c, "cost"))));
    set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    return 0;
}

/* [{"role": role, "parts": [{"type": "text", "content": text}]}] as the
 * content attribute key of span at. */
static void set_message(builder *b, long at, const char *key, const char *role,
                        const char *text)
{
    keel_value *part = keel_value_object(), *parts = keel_value_list();
    keel_value *msg = keel_value_object(), *list = keel_value_list();
    bool ok = part && parts && msg && list;
    ok = ok && keel_value_object_set_take(part, "type", keel_value_cstring("text")) == 0;
    ok = ok && keel_value_object_set_take(part, "content", keel_value_cstring(text)) == 0;
    ok = ok && keel_value_list_append_take(parts, keel_value_ref(part)) == 0;
    ok = ok && keel_value_object_set_take(msg, "role", keel_value_cstring(role)) == 0;
    ok = ok && keel_value_object_set_take(msg, "parts", keel_value_ref(parts)) == 0;
    ok = ok && keel_value_list_append_take(list, keel_value_ref(msg)) == 0;
    if (ok)
        set_json(b, b->t->spans[at].content, key, list);
    else
        b->oom = true;
    keel_value_unref(part);
    keel_value_unref(parts);
    keel_value_unref(msg);
    keel_value_unref(list);
}

/* The goal as the user's message (what the model was asked) and, on the
 * last call, the accepted plan as its reply. */
static void chat_content(builder *b, long at, bool last)
{
    const char *goal = str_of(keel_run_meta_value(b->r), "goal");
    char *plan = NULL;
    if (goal)
        set_message(b, at, "gen_ai.input.messages", "user", goal);
    if (last && keel_plan_to_json(&plan, keel_run_plan(b->r)) != 0)
        b->oom = true;
    else if (last)
        set_message(b, at, "gen_ai.output.messages", "assistant", plan);
    keel_free(plan);
}

static int add_planning(builder *b)
{
    const keel_value *meta = keel_run_meta_value(b->r);
    const keel_value *calls = keel_value_object_get(meta, "llm_calls");
    size_t n = keel_value_len(calls);
    if (n == 0)
        return 0;
    int64_t start = int_of(keel_value_list_at(calls, 0), "start_ms") * 1000;
    long planning = add(b, KEEL_SPAN_PLANNING, 0, "planning", start);
    if (planning < 0)
        return KEEL_ENOMEM;
    int64_t in = 0, out = 0, end = start;
    for (size_t i = 0; i < n; i++) {
        const keel_value *c = keel_value_list_at(calls, i);
        if (add_chat(b, planning, i, c))
            return KEEL_ENOMEM;
        keel_span *s = &b->t->spans[b->t->n_spans - 1];
        chat_content(b, (long)b->t->n_spans - 1, i + 1 == n);
        end = s->end_us > end ? s->end_us : end;
        start = s->start_us < start ? s->start_us : start;
        in += int_of(c, "input_tokens");
        out += int_of(c, "output_tokens");
    }
    keel_span *p = &b->t->spans[planning];
    p->start_us = start;
    end_span(p, end, "done");
    p->status = KEEL_SPAN_OK;
    snprintf(p->name, sizeof(p->name), "planning");
    set_int(b, p->attrs, "keel.llm.calls", (int64_t)n);
    set_int(b, p->attrs, "gen_ai.usage.input_tokens", in);
    set_int(b, p->attrs, "gen_ai.usage.output_tokens", out);
    set_str(b, p->attrs, "keel.template.hash", str_of(meta, "template_hash"));
    set_str(b, p->attrs, "keel.run.id", b->t->run_id);
    return 0;
}

/* ---- the journal ---- */

static long step_index(const keel_plan *p, const char *id)
{
    for (size_t i = 0; id && i < p->n_steps; i++)
        if (strcmp(p->steps[i].id, id) == 0)
            return (long)i;
    return -1;
}

static void common_attrs(builder *b, keel_span *s, const keel_plan_step *st)
{
    set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    set_str(b, s->attrs, "keel.step.id", st->id);
    set_str(b, s->attrs, "keel.plan.hash", b->plan_hash);
}

static int step_started(builder *b, size_t i, const keel_value *rec)
{
    const keel_plan_step *st = &keel_run_plan(b->r)->steps[i];
    char key[200];
    int attempt = ++b->attempts[i];
    snprintf(key, sizeof(key), "step:%s:%d", st->id, attempt);
    long at = add(b, KEEL_SPAN_STEP, 0, key, rec_us(rec));
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    s->open = true;
    s->state = "in doubt";
    snprintf(s->name, sizeof(s->name), "execute_tool %s", st->call);
    set_str(b, s->attrs, "gen_ai.operation.name", "execute_tool");
    set_str(b, s->attrs, "gen_ai.tool.name", st->call);
    set_str(b, s->attrs, "gen_ai.tool.call.id", st->id);
    common_attrs(b, s, st);
    set_int(b, s->attrs, "keel.step.attempt", attempt);
    set_json(b, s->content, "gen_ai.tool.call.arguments", st->args);
    b->open_step[i] = at;
    return 0;
}

static void step_ended(builder *b, size_t i, const keel_value *rec, bool ok)
{
    if (b->open_step[i] < 0)
        return;
    keel_span *s = &b->t->spans[b->open_step[i]];
    b->open_step[i] = -1;
    end_span(s, rec_us(rec), ok ? "done" : "failed");
    s->status = ok ? KEEL_SPAN_OK : KEEL_SPAN_ERROR;
    if (ok) {
        set_json(b, s->content, "gen_ai.tool.call.result",
                 keel_value_object_get(rec, "output"));
        if (str_of(rec, "by")) { /* an operator took it as done */
            s->state = "skipped";
            set_str(b, s->attrs, "keel.step.skipped_by", str_of(rec, "by"));
        }
    } else {
        int code = (int)int_of(rec, "code");
        snprintf(s->message, sizeof(s->message), "%s",
                 str_of(rec, "error") ? str_of(rec, "error") : "failed");
        set_str(b, s->attrs, "error.type", keel_strerror(code));
        if (code == KEEL_EAPPROVAL)
            s->state = "stopped for approval";
        else if (code == KEEL_EDENIED)
            s->state = "denied";
    }
    set_str(b, s->attrs, "keel.step.state", s->state);
}

static int approval_requested(builder *b, size_t i, const keel_value *rec)
{
    const keel_plan_step *st = &keel_run_plan(b->r)->steps[i];
    char key[200];
    snprintf(key, sizeof(key), "approval:%s:%lld", st->id,
             (long long)int_of(rec, "seq"));
    long at = add(b, KEEL_SPAN_APPROVAL, 0, key, rec_us(rec));
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    s->open = true;
    s->state = "waiting";
    snprintf(s->name, sizeof(s->name), "approval %s", st->id);
    common_attrs(b, s, st);
    set_str(b, s->attrs, "gen_ai.tool.name", st->call);
    set_str(b, s->attrs, "keel.approval.reason", str_of(rec, "reason"));
    set_str(b, s->attrs, "keel.approval.args_hash", str_of(rec, "args_hash"));
    set_json(b, s->content, "gen_ai.tool.call.arguments",
             keel_value_object_get(rec, "args"));
    b->open_approval[i] = at;
    return 0;
}

static void approval_decided(builder *b, size_t i, const keel_value *rec,
                             bool granted)
{
    if (b->open_approval[i] < 0)
        return;
    keel_span *s = &b->t->spans[b->open_approval[i]];
    b->open_approval[i] = -1;
    end_span(s, rec_us(rec), granted ? "granted" : "rejected");
    s->status = granted ? KEEL_SPAN_OK : KEEL_SPAN_ERROR;
    set_str(b, s->attrs, "keel.approval.approver",
            str_of(keel_value_object_get(rec, "approver"), "uid"));
    if (!granted)
        snprintf(s->message, sizeof(s->message), "rejected: %s",
                 str_of(rec, "reason") ? str_of(rec, "reason") : "");
    set_str(b, s->attrs, "keel.approval.state", s->state);
}

/* The policy check: its outcome, at the start of the run. */
static int add_policy(builder *b, const keel_value *started)
{
    const keel_value *pol = keel_value_object_get(keel_run_meta_value(b->r),
                                                  "policy");
    long at = add(b, KEEL_SPAN_POLICY, 0, "policy", rec_us(started));
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    snprintf(s->name, sizeof(s->name), "policy check");
    s->status = KEEL_SPAN_OK;
    s->state = str_of(pol, "hash") ? "checked" : "no policy";
    set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    set_str(b, s->attrs, "keel.policy.hash", str_of(pol, "hash"));
    set_int(b, s->attrs, "keel.policy.files",
            (int64_t)keel_value_len(keel_value_object_get(pol, "files")));
    return 0;
}

/* Counts what the policy decided at run time, once the journal is read. */
static void policy_outcome(builder *b)
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
    set_int(b, pol->attrs, "keel.policy.approvals_requested", asked);
    set_int(b, pol->attrs, "keel.policy.denied", denied);
}

typedef int (*rec_fn)(builder *b, long step, const keel_value *rec);

static int on_started(builder *b, long i, const keel_value *rec)
{
    return i < 0 ? 0 : step_started(b, (size_t)i, rec);
}
static int on_finished(builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        step_ended(b, (size_t)i, rec, true);
    return 0;
}
static int on_failed(builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        step_ended(b, (size_t)i, rec, false);
    return 0;
}
static int on_requested(builder *b, long i, const keel_value *rec)
{
    return i < 0 ? 0 : approval_requested(b, (size_t)i, rec);
}
static int on_granted(builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        approval_decided(b, (size_t)i, rec, true);
    return 0;
}
static int on_rejected(builder *b, long i, const keel_value *rec)
{
    if (i >= 0)
        approval_decided(b, (size_t)i, rec, false);
    return 0;
}
static int on_run_started(builder *b, long i, const keel_value *rec)
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

static int read_journal(builder *b)
{
    const keel_value *recs = keel_run_records(b->r);
    const keel_plan *p = keel_run_plan(b->r);
    for (size_t i = 0; i < keel_value_len(recs); i++) {
        const keel_value *rec = keel_value_list_at(recs, i);
        const char *e = str_of(rec, "event");
        for (size_t h = 0; e && h < sizeof(handlers) / sizeof(handlers[0]); h++)
            if (strcmp(handlers[h].event, e) == 0 &&
                handlers[h].fn(b, step_index(p, str_of(rec, "step")), rec))
                return KEEL_ENOMEM;
    }
    return 0;
}

/* ---- the run ---- */

static int add_run(builder *b)
{
    const keel_value *recs = keel_run_records(b->r);
    size_t n = keel_value_len(recs);
    int64_t start = rec_us(keel_value_list_at(recs, 0));
    long at = add(b, KEEL_SPAN_RUN, -1, "run", start);
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    s->end_us = n ? rec_us(keel_value_list_at(recs, n - 1)) : start;
    snprintf(s->name, sizeof(s->name), "run");
    const keel_value *meta = keel_run_meta_value(b->r);
    set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    set_str(b, s->attrs, "keel.plan.hash", b->plan_hash);
    set_str(b, s->attrs, "keel.policy.hash",
            str_of(keel_value_object_get(meta, "policy"), "hash"));
    set_str(b, s->attrs, "keel.principal", keel_run_principal(b->r)->uid);
    set_str(b, s->attrs, "enduser.id", keel_run_principal(b->r)->uid);
    set_int(b, s->attrs, "keel.steps.total", (int64_t)keel_run_plan(b->r)->n_steps);
    set_str(b, s->content, "keel.goal", str_of(meta, "goal"));
    return 0;
}

/* The run's state and outcome, and the ends of what never ended. */
static int finish(builder *b)
{
    keel_trace *t = b->t;
    keel_span *run = &t->spans[0];
    keel_value *sum = NULL;
    if (keel_run_summary(&sum, b->r) != 0)
        return KEEL_ENOMEM;
    run->state = NULL;
    static const char *const states[] = {"running", "waiting", "failed",
                                         "done", "stopped"};
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        if (str_of(sum, "state") && strcmp(str_of(sum, "state"), states[i]) == 0)
            run->state = states[i];
    run->status = run->state && strcmp(run->state, "done") == 0 ? KEEL_SPAN_OK
                  : run->state && strcmp(run->state, "failed") == 0
                      ? KEEL_SPAN_ERROR
                      : KEEL_SPAN_UNSET;
    if (str_of(sum, "error"))
        snprintf(run->message, sizeof(run->message), "%s", str_of(sum, "error"));
    set_str(b, run->attrs, "keel.run.state", run->state);
    set_int(b, run->attrs, "keel.steps.done", int_of(sum, "steps_done"));
    keel_value_unref(sum);
    t->start_us = t->end_us = run->start_us;
    for (size_t i = 0; i < t->n_spans; i++) {
        t->start_us = t->spans[i].start_us < t->start_us ? t->spans[i].start_us
                                                         : t->start_us;
        t->end_us = t->spans[i].end_us > t->end_us ? t->spans[i].end_us
                                                   : t->end_us;
    }
    run->start_us = t->start_us;
    run->end_us = t->end_us;
    for (size_t i = 1; i < t->n_spans; i++)
        if (t->spans[i].open)
            t->spans[i].end_us = t->end_us;
    return 0;
}

void keel_trace_free(keel_trace *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_spans; i++) {
        keel_value_unref(t->spans[i].attrs);
        keel_value_unref(t->spans[i].content);
    }
    keel_free(t->spans);
    keel_free(t);
}

int keel_trace_build(keel_trace **out, const keel_run *r, keel_error *err)
{
    *out = NULL;
    size_t n = keel_run_plan(r)->n_steps;
    builder b = {keel_calloc(1, sizeof(keel_trace)), r, 0,
                 str_of(keel_run_meta_value(r), "plan_hash"),
                 keel_malloc((n ? n : 1) * sizeof(long)),
                 keel_malloc((n ? n : 1) * sizeof(long)),
                 keel_calloc(n ? n : 1, sizeof(int)), false};
    int rc = b.t && b.open_step && b.open_approval && b.attempts ? 0 : KEEL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++)
        b.open_step[i] = b.open_approval[i] = -1;
    if (rc == 0) {
        snprintf(b.t->run_id, sizeof(b.t->run_id), "%s", keel_run_id(r));
        trace_id(b.t->trace_id, b.t->run_id);
        rc = add_run(&b);
    }
    if (rc == 0)
        rc = add_planning(&b);
    if (rc == 0)
        rc = read_journal(&b);
    if (rc == 0) {
        policy_outcome(&b);
        rc = finish(&b);
    }
    if (rc == 0 && b.oom)
        rc = KEEL_ENOMEM;
    keel_free(b.open_step);
    keel_free(b.open_approval);
    keel_free(b.attempts);
    if (rc) {
        keel_trace_free(b.t);
        return keel_error_set(err, rc, "out of memory");
    }
    *out = b.t;
    return 0;
}
