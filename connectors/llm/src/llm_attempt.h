/*
 * llm_attempt.h - one HTTP exchange with one endpoint, and what the retry
 * loop needs to know about how it went.
 */
#ifndef KEEL_LLM_ATTEMPT_H
#define KEEL_LLM_ATTEMPT_H

#include "llm_internal.h"

typedef struct llm_outcome {
    bool retry;        /* worth trying again */
    bool unhealthy;    /* counts against the endpoint's breaker */
    int64_t wait_hint; /* the server's Retry-After in ms, or -1 */
} llm_outcome;

/* Sends req to ep with timeout_ms left. On failure err says what happened
 * (without the endpoint's name: the caller adds it). */
int llm_attempt(keel_llm_reply *out, keel_llm *llm, llm_endpoint *ep,
                const keel_llm_request *req, int64_t timeout_ms,
                llm_outcome *how, keel_error *err);

#endif
