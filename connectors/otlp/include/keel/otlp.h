/*
 * keel/otlp.h - a run's trace as OpenTelemetry spans over OTLP/HTTP JSON:
 * one ExportTraceServiceRequest POSTed to {url}/v1/traces, with the GenAI
 * semantic conventions ("chat {model}", "execute_tool {function}",
 * gen_ai.usage.input_tokens / output_tokens). Prompts, replies, tool
 * arguments and outputs are sent only when content is asked for; keys
 * never are (keel does not keep them in a run).
 *
 * Conventions are keel.h's: 0 or a negative KEEL_E* code, keel_error
 * last; results through *out belong to the caller.
 */
#ifndef KEEL_OTLP_H
#define KEEL_OTLP_H

#include <keel/config.h>
#include <keel/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct keel_otlp_opts {
    const char *url;   /* the collector, e.g. "http://127.0.0.1:4318" */
    bool content;      /* also export prompts, replies, arguments, outputs */
    long timeout_ms;   /* 0: 5000 */
    const char *proxy; /* or NULL: none (the environment's is ignored) */
    const char *service_version; /* or NULL */
} keel_otlp_opts;

/* The ExportTraceServiceRequest JSON of t (*out: keel_free). */
int keel_otlp_encode(char **out, const keel_trace *t, const keel_otlp_opts *o);

/* POSTs t to {o->url}/v1/traces. KEEL_EUNAVAIL when the collector cannot
 * be reached or answers other than 2xx (err says which). */
int keel_otlp_export(const keel_trace *t, const keel_otlp_opts *o,
                     keel_error *err);

/* The "trace" section of the configuration (o->url NULL when it names no
 * collector). Strings are borrowed from c. */
void keel_otlp_opts_from_config(keel_otlp_opts *o, const keel_config *c);

#ifdef __cplusplus
}
#endif

#endif /* KEEL_OTLP_H */
