/*
 * llm_retry.h - when to try again and how long to wait: which failures are
 * worth retrying, the server's Retry-After hints, and exponential backoff
 * with full jitter. Pure functions, so tests can pin every rule.
 */
#ifndef KEEL_LLM_RETRY_H
#define KEEL_LLM_RETRY_H

#include <stdbool.h>
#include <stdint.h>

/* Longest server-suggested wait keel honours; longer ones fall back to
 * backoff (and the deadline still bounds the whole request). */
#define LLM_MAX_RETRY_AFTER_MS 60000

/* status 0 means no HTTP reply (connection failed, timed out, dropped).
 * should_retry is the x-should-retry header, or NULL/"" when absent. */
bool llm_retryable(long status, bool quota, const char *should_retry);

/* The wait asked for by retry-after-ms (milliseconds) or retry-after
 * (seconds, or an HTTP date compared with now_wall_s); -1 for none. */
int64_t llm_retry_after(const char *after_ms, const char *after,
                        int64_t now_wall_s);

/* Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]. attempt
 * counts from 1 (the wait after the first failure). */
int64_t llm_backoff(int attempt, int64_t base_ms, int64_t cap_ms,
                    uint64_t rnd);

/* "Sun, 06 Nov 1994 08:49:37 GMT" as seconds since the epoch; -1 if not a
 * date. */
int64_t llm_http_date(const char *s);

#endif
