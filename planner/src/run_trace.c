/*
 * run_trace.c - a run's journal and run.json as a tree of timed spans: the
 * run span, derived ids, and the entry points (run_trace_internal.h says
 * which file builds which spans).
 *
 * Steps are timed by their step_started and step_finished/step_failed
 * records ("t_us" when present, else "t" in ms); LLM calls by run.json's
 * llm_calls. A step that started again after a resume is a new span (its
 * attempt number is an attribute); a span with no end ends with the trace.
 */
#include "run_trace_internal.h"

#include "alloc.h"
#include "run_internal.h"

#include <stdio.h>
#include <string.h>

int64_t trace_int(const keel_value *o, const char *key)
{
    return keel_value_get_int(keel_value_object_get(o, key));
}

/* A record's time in microseconds. */
int64_t trace_rec_us(const keel_value *rec)
{
    const keel_value *us = keel_value_object_get(rec, "t_us");
    if (keel_value_type(us) == KEEL_TYPE_INT)
        return keel_value_get_int(us);
    return trace_int(rec, "t") * 1000;
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
long trace_add(trace_builder *b, keel_span_kind kind, long parent, const char *key,
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
void trace_set_take(trace_builder *b, keel_value *o, const char *k, keel_value *v)
{
    if (keel_value_object_set_take(o, k, v) != 0)
        b->oom = true;
}

void trace_set_str(trace_builder *b, keel_value *o, const char *k, const char *v)
{
    if (v)
        trace_set_take(b, o, k, keel_value_cstring(v));
}

void trace_set_int(trace_builder *b, keel_value *o, const char *k, int64_t v)
{
    trace_set_take(b, o, k, keel_value_int(v));
}

void trace_set_json(trace_builder *b, keel_value *o, const char *k,
                     const keel_value *v)
{
    char *json = NULL;
    if (v && keel_value_to_json(&json, v, false) != 0)
        b->oom = true;
    else if (v)
        trace_set_str(b, o, k, json);
    keel_free(json);
}

void trace_end_span(keel_span *s, int64_t at, const char *state)
{
    s->end_us = at > s->start_us ? at : s->start_us;
    s->open = false;
    s->state = state;
}

static int add_run(trace_builder *b)
{
    const keel_value *recs = keel_run_records(b->r);
    size_t n = keel_value_len(recs);
    int64_t start = trace_rec_us(keel_value_list_at(recs, 0));
    long at = trace_add(b, KEEL_SPAN_RUN, -1, "run", start);
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    s->end_us = n ? trace_rec_us(keel_value_list_at(recs, n - 1)) : start;
    snprintf(s->name, sizeof(s->name), "run");
    const keel_value *meta = keel_run_meta_value(b->r);
    trace_set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    trace_set_str(b, s->attrs, "keel.plan.hash", b->plan_hash);
    trace_set_str(b, s->attrs, "keel.policy.hash",
                  run_str(keel_value_object_get(meta, "policy"), "hash"));
    trace_set_str(b, s->attrs, "keel.principal", keel_run_principal(b->r)->uid);
    trace_set_str(b, s->attrs, "enduser.id", keel_run_principal(b->r)->uid);
    trace_set_int(b, s->attrs, "keel.steps.total", (int64_t)keel_run_plan(b->r)->n_steps);
    trace_set_str(b, s->content, "keel.goal", run_str(meta, "goal"));
    return 0;
}

/* The run's state and outcome, and the ends of what never ended. */
static int finish(trace_builder *b)
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
        if (run_str(sum, "state") &&
            strcmp(run_str(sum, "state"), states[i]) == 0)
            run->state = states[i];
    run->status = run->state && strcmp(run->state, "done") == 0 ? KEEL_SPAN_OK
                  : run->state && strcmp(run->state, "failed") == 0
                      ? KEEL_SPAN_ERROR
                      : KEEL_SPAN_UNSET;
    if (run_str(sum, "error"))
        snprintf(run->message, sizeof(run->message), "%s",
                 run_str(sum, "error"));
    trace_set_str(b, run->attrs, "keel.run.state", run->state);
    trace_set_int(b, run->attrs, "keel.steps.done", trace_int(sum, "steps_done"));
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
    trace_builder b = {keel_calloc(1, sizeof(keel_trace)),
                       r,
                       0,
                       run_str(keel_run_meta_value(r), "plan_hash"),
                       keel_malloc((n ? n : 1) * sizeof(long)),
                       keel_malloc((n ? n : 1) * sizeof(long)),
                       keel_calloc(n ? n : 1, sizeof(int)),
                       false};
    int rc = b.t && b.open_step && b.open_approval && b.attempts ? 0 : KEEL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++)
        b.open_step[i] = b.open_approval[i] = -1;
    if (rc == 0) {
        snprintf(b.t->run_id, sizeof(b.t->run_id), "%s", keel_run_id(r));
        trace_id(b.t->trace_id, b.t->run_id);
        rc = add_run(&b);
    }
    if (rc == 0)
        rc = trace_planning(&b);
    if (rc == 0)
        rc = trace_journal(&b);
    if (rc == 0)
        rc = finish(&b);
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
