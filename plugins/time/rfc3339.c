/*
 * rfc3339.c - strict reading and writing of RFC 3339 timestamps for the
 * time plugin.
 *
 * Reading is a fixed-position scan driven by a field table, with every
 * range checked (month 1-12, the real length of the month, leap years), so
 * that "2026-02-30" is refused instead of quietly becoming March 2nd as
 * timegm would make it. Conversion uses timegm and gmtime_r on a 64-bit
 * time_t; years are limited to the 0000-9999 that RFC 3339 can write.
 */
#define _DEFAULT_SOURCE /* timegm */
#include "time_internal.h"

#include <stdio.h>

typedef struct rfc_field {
    unsigned char at, width;
    const char *after; /* separators allowed after the field, or NULL */
    int min, max;
    const char *name;
} rfc_field;

static const rfc_field rfc_fields[] = {
    {0, 4, "-", 0, 9999, "year"},   {5, 2, "-", 1, 12, "month"},
    {8, 2, "Tt ", 1, 31, "day"},    {11, 2, ":", 0, 23, "hour"},
    {14, 2, ":", 0, 59, "minute"},  {17, 2, NULL, 0, 60, "second"},
};

#define RFC_DATETIME_LEN 19 /* "YYYY-MM-DDTHH:MM:SS" */

static bool read_digits(int *out, const char *s, size_t width)
{
    int v = 0;
    for (size_t i = 0; i < width; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool is_one_of(char c, const char *set)
{
    for (; *set; set++)
        if (c == *set)
            return true;
    return false;
}

static int days_in_month(int year, int month)
{
    static const unsigned char days[] = {31, 28, 31, 30, 31, 30,
                                         31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

bool rfc3339_offset(int *secs, const char *s, size_t len)
{
    int hh, mm;
    if (len == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *secs = 0;
        return true;
    }
    if (len != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
        !read_digits(&hh, s + 1, 2) || !read_digits(&mm, s + 4, 2) ||
        hh > 23 || mm > 59)
        return false;
    *secs = (s[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return true;
}

/* Reads the fixed-position fields into v[]; 0 or -1 with why set. */
static int read_fields(int v[], const char *s, char *why, size_t cap)
{
    for (size_t i = 0; i < KEEL_COUNTOF(rfc_fields); i++) {
        const rfc_field *f = &rfc_fields[i];
        if (!read_digits(&v[i], s + f->at, f->width) ||
            (f->after && !is_one_of(s[f->at + f->width], f->after))) {
            if (f->after)
                snprintf(why, cap, "the %s must be %d digits followed by "
                         "'%c'", f->name, f->width, f->after[0]);
            else
                snprintf(why, cap, "the %s must be %d digits", f->name,
                         f->width);
            return -1;
        }
        if (v[i] < f->min || v[i] > f->max) {
            snprintf(why, cap, "%s %d is not in %d-%d", f->name, v[i],
                     f->min, f->max);
            return -1;
        }
    }
    if (v[2] > days_in_month(v[0], v[1])) {
        snprintf(why, cap, "day %d does not exist in %04d-%02d", v[2], v[0],
                 v[1]);
        return -1;
    }
    return 0;
}

int rfc3339_parse(int64_t *unix_secs, const char *s, size_t len, char *why,
                  size_t why_cap)
{
    int v[KEEL_COUNTOF(rfc_fields)], offset;
    if (len < RFC_DATETIME_LEN) {
        snprintf(why, why_cap, "too short for YYYY-MM-DDTHH:MM:SS");
        return -1;
    }
    if (read_fields(v, s, why, why_cap))
        return -1;
    size_t at = RFC_DATETIME_LEN;
    if (at < len && s[at] == '.') {
        size_t digits = ++at;
        while (at < len && s[at] >= '0' && s[at] <= '9')
            at++;
        if (at == digits) {
            snprintf(why, why_cap, "no digits after the decimal point");
            return -1;
        }
    }
    if (!rfc3339_offset(&offset, s + at, len - at)) {
        snprintf(why, why_cap, "the time must end in Z or an offset like "
                 "+02:00");
        return -1;
    }
    struct tm tm = {.tm_year = v[0] - 1900, .tm_mon = v[1] - 1,
                    .tm_mday = v[2], .tm_hour = v[3], .tm_min = v[4],
                    .tm_sec = v[5]};
    *unix_secs = (int64_t)timegm(&tm) - offset;
    return 0;
}

bool time_utc(struct tm *tm, int64_t unix_secs)
{
    time_t t = (time_t)unix_secs;
    if ((int64_t)t != unix_secs || !gmtime_r(&t, tm))
        return false;
    return tm->tm_year >= -1900 && tm->tm_year <= 9999 - 1900;
}

int rfc3339_format(char buf[RFC3339_MAX], int64_t unix_secs, int offset)
{
    struct tm tm;
    if (unix_secs > INT64_MAX - 86400 || unix_secs < INT64_MIN + 86400 ||
        !time_utc(&tm, unix_secs + offset))
        return -1;
    int n = snprintf(buf, RFC3339_MAX, "%04d-%02d-%02dT%02d:%02d:%02d",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
    int a = offset < 0 ? -offset : offset;
    if (offset == 0)
        snprintf(buf + n, (size_t)(RFC3339_MAX - n), "Z");
    else
        snprintf(buf + n, (size_t)(RFC3339_MAX - n), "%c%02d:%02d",
                 offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    return 0;
}
