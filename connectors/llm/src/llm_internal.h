/*
 * llm_internal.h - what the LLM connector's files share: the provider row,
 * the endpoint (one model of the fallback chain), the reply accumulator that
 * both whole and streamed replies fill, and the client itself.
 */
#ifndef KEEL_LLM_INTERNAL_H
#define KEEL_LLM_INTERNAL_H

#include <keel/llm.h>

#include "buf.h"

#include <pthread.h>

#define LLM_MAX_TOOL_CALLS 64
/* Bounds that keep deadline arithmetic far from overflow. */
#define LLM_MAX_TIMEOUT_MS 86400000LL /* one day */
#define LLM_EXCERPT 80

/* ---- reply accumulator (llm_reply.c) ---- */

typedef struct llm_call_acc {
    long index; /* the provider's index (stream) or position */
    keel_buf id, name, args;
} llm_call_acc;

typedef struct llm_acc {
    keel_buf text;
    llm_call_acc calls[LLM_MAX_TOOL_CALLS];
    size_t n_calls;
    char stop[32];
    char request_id[128];
    int64_t in_tokens, out_tokens;
    keel_llm_token_fn on_token;
    void *token_ud;
    bool done; /* the stream said it finished */
    /* The forced tool that carries a reply schema (schema_as_tool): its
     * arguments become the reply text. NULL otherwise. */
    const char *schema_tool;
} llm_acc;

void llm_acc_init(llm_acc *a, keel_llm_token_fn fn, void *ud);
void llm_acc_free(llm_acc *a);
/* Appends reply text and hands it to the token callback. */
void llm_acc_text(llm_acc *a, const char *s, size_t n);
/* The tool call with this index, added when new; NULL past the limit. */
llm_call_acc *llm_acc_call(llm_acc *a, long index);
/* Records the provider's stop reason, normalised. */
void llm_acc_stop(llm_acc *a, const char *reason);
void llm_acc_request_id(llm_acc *a, const char *id);
/* Moves the result into *out: arguments are parsed into objects, missing
 * ids generated. Fails (KEEL_EUNAVAIL) on arguments that are not a JSON
 * object. */
int llm_acc_finish(keel_llm_reply *out, llm_acc *a, keel_error *err);

/* ---- JSON helpers (llm_json.c) ---- */

const char *llm_jstr(const keel_value *v, const char *key);
int64_t llm_jint(const keel_value *v, const char *key);
/* v[key][i], or NULL. */
const keel_value *llm_jat(const keel_value *v, const char *key, size_t i);
/* Appends v as JSON text (sticky buffer errors). */
void llm_put_value(keel_buf *b, const keel_value *v);
/* "key":"value" with a leading comma when asked. */
void llm_put_str(keel_buf *b, const char *key, const char *value);
/* Copies up to LLM_EXCERPT printable bytes of s, for error messages. */
void llm_excerpt(char *out, size_t cap, const char *s, size_t n);
/* Parses text that must be a JSON object; the message has no locus. */
int llm_parse_object(keel_value **out, const char *text, size_t n,
                     keel_error *err);
/* The provider's error message in an error body ({"error":{"message"}},
 * {"error":"..."}, {"message"}); NULL when it has none (borrowed). */
const char *llm_error_message(const keel_value *body);
/* True when an error body says insufficient_quota. */
bool llm_error_is_quota(const keel_value *body);

/* ---- providers (llm_openai.c, llm_anthropic.c, llm_ollama.c) ---- */

typedef struct llm_endpoint llm_endpoint;

typedef enum llm_framing { LLM_FRAME_SSE, LLM_FRAME_NDJSON } llm_framing;

typedef struct llm_provider {
    const char *name;
    const char *default_url;
    const char *key_env;         /* NULL: no key needed */
    const char *auth_header;     /* "Name: " the key follows */
    const char *version_header;  /* "Name: " the version follows, or NULL */
    const char *default_version; /* api-version / anthropic-version */
    const char *request_id_header;
    llm_framing framing;
    bool schema_as_tool; /* a reply schema is sent as a forced tool */
    void (*url)(keel_buf *b, const llm_endpoint *ep);
    void (*encode)(keel_buf *b, const llm_endpoint *ep,
                   const keel_llm_request *req);
    /* A whole 2xx body, parsed. */
    int (*decode)(llm_acc *a, const keel_value *body, keel_error *err);
    /* One stream event (SSE event name or NULL, and its data). */
    int (*event)(llm_acc *a, const char *event, const char *data, size_t n,
                 keel_error *err);
} llm_provider;

extern const llm_provider llm_provider_openai;
extern const llm_provider llm_provider_azure;
extern const llm_provider llm_provider_ollama;
extern const llm_provider llm_provider_anthropic;

/* The row named name, or NULL. */
const llm_provider *llm_provider_find(const char *name);
/* "openai, azure, ollama, anthropic" */
const char *llm_provider_names(void);

/* ---- resilience (llm_retry.c, llm_breaker.c, llm_ratelimit.c) ---- */

typedef struct llm_breaker {
    int failures;  /* consecutive */
    int threshold; /* opens at this many; 0 disables */
    int64_t cooldown_ms;
    int64_t open_until; /* 0 when closed */
    bool probing;       /* half-open: one call is testing the endpoint */
} llm_breaker;

typedef struct llm_bucket {
    double level, cap, per_ms; /* cap 0: unlimited */
    int64_t last;
} llm_bucket;

struct llm_endpoint {
    const llm_provider *p; /* NULL for replay */
    char *spec;            /* "openai:gpt-4o" */
    char *model;
    char *url;
    char *version;
    char *key;     /* secret: never printed */
    char *key_env; /* llm.providers.P.api_key_env, or NULL */
    bool key_from_file; /* the key came from llm.providers.P.api_key_file */
    bool reasoning;     /* takes no temperature; max_completion_tokens */
    llm_breaker breaker;
    llm_bucket rpm, tpm;
    struct llm_replay *replay;
};

/* ---- the client (llm.c) ---- */

typedef struct llm_http llm_http;

struct keel_llm {
    llm_endpoint *eps;
    size_t n_eps;
    keel_llm_clock clock;
    uint64_t rng;
    int max_attempts;
    int64_t timeout_ms, backoff_base_ms, backoff_max_ms;
    double max_cost;
    int64_t max_tokens;
    keel_value *config; /* the "llm" section (prices), or NULL */
    FILE *record;
    pthread_mutex_t mu; /* usage, breakers, buckets, rng, record */
    keel_llm_usage usage;
    llm_http *http;
};

/* keel_llm_chat with a given number of attempts per model, over the first
 * n_models of the chain (llm_chat.c). */
int llm_chat_run(keel_llm_reply *out, keel_llm *llm,
                 const keel_llm_request *req, int max_attempts,
                 size_t n_models, keel_error *err);

int64_t llm_now(keel_llm *llm);
void llm_sleep(keel_llm *llm, int64_t ms);
uint64_t llm_random(keel_llm *llm);
int64_t llm_wall(keel_llm *llm);

#endif
