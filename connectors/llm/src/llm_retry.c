/*
 * llm_retry.c - retry decisions and waits. Never retried: 400, 401, 403,
 * 404 (the request or the credentials are wrong; trying again changes
 * nothing) and a 429 that says insufficient_quota (billing, not load).
 * x-should-retry, sent by OpenAI and Anthropic, overrides the rest.
 */
#include "llm_retry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const long never[] = {400, 401, 403, 404};
static const long always[] = {408, 409, 429};

static bool listed(long status, const long *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == status)
            return true;
    return false;
}

bool llm_retryable(long status, bool quota, const char *should_retry)
{
    if (quota || listed(status, never, sizeof(never) / sizeof(never[0])))
        return false;
    if (should_retry && strcasecmp(should_retry, "true") == 0)
        return true;
    if (should_retry && strcasecmp(should_retry, "false") == 0)
        return false;
    return status == 0 || status >= 500 ||
           listed(status, always, sizeof(always) / sizeof(always[0]));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* The IMF-fixdate of RFC 9110: "Sun, 06 Nov 1994 08:49:37 GMT". */
int64_t llm_http_date(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (!s || strlen(s) != 29 || s[3] != ',' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
        strcmp(s + 25, " GMT") != 0)
        return -1;
    char mon[4] = {s[8], s[9], s[10], '\0'};
    const char *at = strstr(months, mon);
    int d = digits(s + 5, 2), y = digits(s + 12, 4);
    int64_t hh = digits(s + 17, 2), mm = digits(s + 20, 2), ss = digits(s + 23, 2);
    if (!at || (at - months) % 3 || d < 1 || d > 31 || y < 1970 || hh < 0 ||
        hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
        return -1;
    int m = (int)((at - months) / 3) + 1;
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

/* A non-negative number of units, or -1. */
static double number(const char *s)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v >= 0) || v > 1e9)
        return -1;
    return v;
}

int64_t llm_retry_after(const char *after_ms, const char *after,
                        int64_t now_wall_s)
{
    if (after_ms && *after_ms) {
        double v = number(after_ms);
        if (v >= 0)
            return (int64_t)v;
    }
    if (!after || !*after)
        return -1;
    double secs = number(after);
    if (secs >= 0)
        return (int64_t)(secs * 1000);
    int64_t when = llm_http_date(after);
    if (when < 0)
        return -1;
    return when > now_wall_s ? (when - now_wall_s) * 1000 : 0;
}

int64_t llm_backoff(int attempt, int64_t base_ms, int64_t cap_ms, uint64_t rnd)
{
    int64_t ceiling = base_ms;
    for (int i = 1; i < attempt && ceiling < cap_ms; i++)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    return ceiling > 0 ? (int64_t)(rnd % (uint64_t)(ceiling + 1)) : 0;
}
