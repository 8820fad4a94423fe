/*
 * llm_breaker.c - the circuit breaker of one endpoint. After `threshold`
 * consecutive failed attempts it opens for `cooldown_ms`: calls fail at
 * once (and the client falls back). After the cool-down one call goes
 * through as a probe; its success closes the breaker, its failure opens it
 * again. The caller holds the client's mutex.
 */
#include "llm_resilience.h"

bool llm_breaker_allow(llm_breaker *b, int64_t now, int64_t *retry_in)
{
    *retry_in = 0;
    if (b->open_until == 0)
        return true;
    if (now < b->open_until || b->probing) {
        *retry_in = now < b->open_until ? b->open_until - now : 0;
        return false;
    }
    b->probing = true; /* half-open: this call is the probe */
    return true;
}

void llm_breaker_success(llm_breaker *b)
{
    b->failures = 0;
    b->open_until = 0;
    b->probing = false;
}

void llm_breaker_failure(llm_breaker *b, int64_t now)
{
    b->failures++;
    if (b->probing || (b->threshold > 0 && b->failures >= b->threshold))
        b->open_until = now + b->cooldown_ms;
    b->probing = false;
}

/* A call that neither failed nor succeeded (refused before sending) ends
 * its probe without judging the endpoint. */
void llm_breaker_release(llm_breaker *b)
{
    b->probing = false;
}
