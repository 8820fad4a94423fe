/*
 * keel/llm.h - talk to language models: one request/reply interface over
 * four wire formats (OpenAI and any OpenAI-compatible server, Azure OpenAI,
 * Ollama, Anthropic), with streaming, retries, fallback models, a circuit
 * breaker and rate limits per endpoint, usage and cost budgets, and
 * record/replay of every exchange. See docs/llm.md.
 *
 * Conventions are keel.h's: 0 or a negative KEEL_E* code, keel_error last;
 * results through *out belong to the caller. Service failures (unreachable,
 * refused credentials, unknown model, malformed replies, deadline) are
 * KEEL_EUNAVAIL; a spent budget is KEEL_EDENIED; a request with no
 * recording in a replay file is KEEL_ENOTFOUND; bad options KEEL_EINVAL.
 * API keys never appear in any message, log or recording.
 *
 * A keel_llm may be shared by threads: calls run concurrently and share
 * the breakers, rate limits and usage totals.
 */
#ifndef KEEL_LLM_H
#define KEEL_LLM_H

#include <keel/keel.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct keel_llm keel_llm;

typedef enum keel_llm_role {
    KEEL_LLM_SYSTEM,
    KEEL_LLM_USER,
    KEEL_LLM_ASSISTANT
} keel_llm_role;

typedef struct keel_llm_message {
    keel_llm_role role;
    const char *content; /* UTF-8 */
} keel_llm_message;

/* Called with each piece of text as it arrives when streaming; borrowed
 * for the call. */
typedef void (*keel_llm_token_fn)(void *ud, const char *text, size_t len);

/* One chat request. Everything is borrowed for the call. */
typedef struct keel_llm_request {
    const keel_llm_message *messages;
    size_t n_messages;
    /* A list of {"name", "description", "parameters": JSON Schema} or
     * NULL. */
    const keel_value *tools;
    /* A JSON Schema the reply text must follow (structured output), or
     * NULL; schema_name names it for providers that want a name. */
    const keel_value *schema;
    const char *schema_name;
    /* The schema guides the reply but need not be enforced: OpenAI gets
     * "strict": false, for schemas outside its strict subset (objects
     * with open members). The caller checks the reply itself. */
    bool schema_loose;
    double temperature; /* < 0: the provider's default */
    int max_tokens;     /* 0: 1024 */
    int64_t timeout_ms; /* whole request, retries included; 0: client's */
    bool stream;
    keel_llm_token_fn on_token; /* or NULL */
    void *token_ud;
} keel_llm_request;

typedef struct keel_llm_tool_call {
    char *id;              /* generated ("call_N") when the provider has none */
    char *name;
    keel_value *arguments; /* always an object */
} keel_llm_tool_call;

/* A normalised reply; free with keel_llm_reply_free. */
typedef struct keel_llm_reply {
    char *text; /* "" when the model only called tools */
    keel_llm_tool_call *tool_calls;
    size_t n_tool_calls;
    /* "stop", "length", "tool_calls", "content_filter", or the provider's
     * own word when it has no equivalent. */
    char *stop_reason;
    int64_t input_tokens, output_tokens;
    char *request_id; /* the provider's, or "" */
    char *model;      /* "provider:model" that answered */
    double latency_ms;
    double cost;      /* from the price table; 0 when the model has no row */
    int attempts;     /* HTTP attempts over the whole fallback chain */
} keel_llm_reply;

void keel_llm_reply_free(keel_llm_reply *r);

/* Test hook: time, sleep and randomness. NULL members use the real ones
 * (CLOCK_MONOTONIC, nanosleep, a xorshift seeded from the clock). */
typedef struct keel_llm_clock {
    int64_t (*now_ms)(void *ud);
    void (*sleep_ms)(void *ud, int64_t ms);
    uint64_t (*random)(void *ud);
    /* Seconds since the epoch, for Retry-After as an HTTP date. */
    int64_t (*wall_s)(void *ud);
    void *ud;
} keel_llm_clock;

/* How to open a client. Strings are copied. Anything left 0/NULL comes from
 * the configuration's "llm" section, then from the built-in defaults. */
typedef struct keel_llm_options {
    const char *model; /* "openai:gpt-4o", "replay:FILE"; else llm.model,
                          else $KEEL_LLM */
    const char *const *fallbacks; /* tried in order after model fails */
    size_t n_fallbacks;
    const char *base_url;    /* overrides the first model's endpoint URL */
    const char *record_path; /* append every exchange here (JSON lines) */
    double max_cost;         /* budget in the price table's currency */
    int64_t max_tokens;      /* budget of input+output tokens */
    int max_attempts;        /* per model, first try included */
    int64_t timeout_ms;      /* default per-request deadline */
    const keel_value *config; /* the "llm" section, or NULL */
    const keel_llm_clock *clock; /* tests only; NULL for the real one */
} keel_llm_options;

int keel_llm_open(keel_llm **out, const keel_llm_options *opts,
                  keel_error *err);
void keel_llm_free(keel_llm *llm);

/* Sends req to the first model, then to each fallback in turn; fills *out
 * (which the caller frees with keel_llm_reply_free, also after a failure). */
int keel_llm_chat(keel_llm_reply *out, keel_llm *llm,
                  const keel_llm_request *req, keel_error *err);

/* Checks that the first model is reachable, accepts the credentials and
 * exists: one tiny request with no retries. On success writes a one-line
 * summary ("openai:gpt-4o at https://...: ok, 312 ms") to buf. */
int keel_llm_ping(keel_llm *llm, char *buf, size_t cap, keel_error *err);

/* Usage summed over every call of this client. */
typedef struct keel_llm_usage {
    int64_t calls, attempts, input_tokens, output_tokens;
    double cost;
} keel_llm_usage;

void keel_llm_usage_get(keel_llm_usage *out, keel_llm *llm);

/* "provider:model" of the first model in the chain (borrowed). */
const char *keel_llm_model(const keel_llm *llm);

#ifdef __cplusplus
}
#endif

#endif /* KEEL_LLM_H */
