/*
 * llm_ratelimit.c - token buckets for requests and tokens per minute. A
 * bucket holds up to a minute's allowance and refills continuously. Taking
 * more than is there leaves it in debt and tells the caller how long to
 * wait, so concurrent callers queue in order instead of racing. The caller
 * holds the client's mutex.
 */
#include "llm_resilience.h"

void llm_bucket_init(llm_bucket *b, double per_minute, int64_t now)
{
    b->cap = per_minute > 0 ? per_minute : 0;
    b->level = b->cap;
    b->per_ms = b->cap / 60000.0;
    b->last = now;
}

static void refill(llm_bucket *b, int64_t now)
{
    if (now > b->last) {
        b->level += (double)(now - b->last) * b->per_ms;
        if (b->level > b->cap)
            b->level = b->cap;
    }
    b->last = now;
}

int64_t llm_bucket_take(llm_bucket *b, double n, int64_t now)
{
    if (b->cap <= 0)
        return 0;
    refill(b, now);
    b->level -= n < b->cap ? n : b->cap;
    if (b->level >= 0)
        return 0;
    double wait = -b->level / b->per_ms;
    return (int64_t)wait + (wait > (double)(int64_t)wait);
}

void llm_bucket_adjust(llm_bucket *b, double n)
{
    if (b->cap > 0)
        b->level -= n;
}
