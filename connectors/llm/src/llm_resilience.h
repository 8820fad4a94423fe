/*
 * llm_resilience.h - the circuit breaker (llm_breaker.c) and the rate
 * limiting token buckets (llm_ratelimit.c) kept per endpoint.
 */
#ifndef KEEL_LLM_RESILIENCE_H
#define KEEL_LLM_RESILIENCE_H

#include "llm_internal.h"

/* True when a call may go; otherwise *retry_in says when it may (0 while a
 * probe is out). */
bool llm_breaker_allow(llm_breaker *b, int64_t now, int64_t *retry_in);
void llm_breaker_success(llm_breaker *b);
void llm_breaker_failure(llm_breaker *b, int64_t now);
void llm_breaker_release(llm_breaker *b);

/* per_minute 0: unlimited. */
void llm_bucket_init(llm_bucket *b, double per_minute, int64_t now);
/* Takes n units (at most a minute's worth); returns the wait in ms before
 * they may be used (0 when available now). */
int64_t llm_bucket_take(llm_bucket *b, double n, int64_t now);
/* Takes n more (or gives back -n) once the real amount is known. */
void llm_bucket_adjust(llm_bucket *b, double n);

#endif
