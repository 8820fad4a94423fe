/*
 * run_trace_internal.h - what the trace files share: the builder that
 * turns a run into spans, and its helpers. run_trace.c holds the run span,
 * ids and the entry points; run_trace_llm.c the planning spans;
 * run_trace_journal.c the spans of steps, approvals and the policy check.
 */
#ifndef KEEL_RUN_TRACE_INTERNAL_H
#define KEEL_RUN_TRACE_INTERNAL_H

#include <keel/trace.h>

typedef struct trace_builder {
    keel_trace *t;
    const keel_run *r;
    size_t cap;
    const char *plan_hash;
    long *open_step;     /* per plan step: its open attempt's span, or -1 */
    long *open_approval; /* per plan step: its waiting approval, or -1 */
    int *attempts;       /* per plan step */
    bool oom;            /* an attribute could not be set */
} trace_builder;

/* The int member key of o, or 0 (strings: run_str, run_internal.h). */
int64_t trace_int(const keel_value *o, const char *key);
/* A record's time in microseconds: "t_us", else "t" in ms. */
int64_t trace_rec_us(const keel_value *rec);
/* A new span (index into b->t->spans) with an id derived from key, or -1
 * when out of memory. */
long trace_add(trace_builder *b, keel_span_kind kind, long parent, const char *key,
               int64_t start_us);
/* Attribute setters: a failure sets b->oom (keel_trace_build then fails
 * with KEEL_ENOMEM). set_take owns v even on failure. */
void trace_set_take(trace_builder *b, keel_value *o, const char *k, keel_value *v);
void trace_set_str(trace_builder *b, keel_value *o, const char *k, const char *v);
void trace_set_int(trace_builder *b, keel_value *o, const char *k, int64_t v);
void trace_set_json(trace_builder *b, keel_value *o, const char *k,
                    const keel_value *v);
void trace_end_span(keel_span *s, int64_t at, const char *state);

/* The planning span and one chat span per LLM call in run.json. */
int trace_planning(trace_builder *b);
/* The spans the journal tells of: policy check, steps, approvals. */
int trace_journal(trace_builder *b);

#endif
