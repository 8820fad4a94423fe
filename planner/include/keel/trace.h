/*
 * keel/trace.h - a run as a tree of timed spans, read from its journal and
 * run.json: the run; planning with each LLM call; the policy check; each
 * attempt of each step; the waits for approval. For `keel trace` on the
 * terminal, as an HTML timeline, and as OpenTelemetry spans (keel/otlp.h).
 *
 * Span ids are derived from the run id and what the span stands for
 * (SHA-256), so the same run always gives the same ids. Conventions are
 * keel.h's: 0 or a negative KEEL_E* code, keel_error last; results
 * through *out belong to the caller. See docs/runs.md.
 */
#ifndef KEEL_TRACE_H
#define KEEL_TRACE_H

#include <keel/run.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum keel_span_kind {
    KEEL_SPAN_RUN,      /* the root: the whole run, across resumes */
    KEEL_SPAN_PLANNING, /* from the first LLM call to the end of the last */
    KEEL_SPAN_CHAT,     /* one LLM call */
    KEEL_SPAN_POLICY,   /* the policy check (its outcome; not timed) */
    KEEL_SPAN_STEP,     /* one attempt at one step */
    KEEL_SPAN_APPROVAL  /* from the request to the decision */
} keel_span_kind;

typedef enum keel_span_status {
    KEEL_SPAN_UNSET,
    KEEL_SPAN_OK,
    KEEL_SPAN_ERROR
} keel_span_status;

typedef struct keel_span {
    keel_span_kind kind;
    char id[17];        /* 16 hex digits */
    long parent;        /* index into the trace's spans; -1 for the root */
    char name[160];     /* "run", "planning", "chat gpt-4o", "policy check",
                           "execute_tool text.upper", "approval s2" */
    int64_t start_us, end_us; /* wall clock, microseconds since the epoch */
    bool open;          /* no end recorded: ends at the trace's end */
    keel_span_status status;
    const char *state;  /* "done", "failed", "in doubt", "waiting", ...
                           (static), or NULL */
    char message[256];  /* why it failed, or "" */
    /* OpenTelemetry attributes: name -> string, int, float or bool. */
    keel_value *attrs;
    /* Prompt, reply, arguments and outputs: exported only when asked. */
    keel_value *content;
} keel_span;

typedef struct keel_trace {
    char trace_id[33]; /* 32 hex digits */
    char run_id[64];
    keel_span *spans;  /* spans[0] is the run; parents come before children */
    size_t n_spans;
    int64_t start_us, end_us;
} keel_trace;

/* The spans of run r. */
int keel_trace_build(keel_trace **out, const keel_run *r, keel_error *err);
void keel_trace_free(keel_trace *t);

/* A self-contained HTML page (inline CSS, no scripts or external assets)
 * with the spans as a timeline; everything from the run is escaped. */
int keel_trace_html(char **out, const keel_trace *t);

#ifdef __cplusplus
}
#endif

#endif /* KEEL_TRACE_H */
