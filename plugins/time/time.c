/*
 * time.c - the time plugin: the current time, and reading, writing and
 * shifting RFC 3339 timestamps, for plans that deal with dates.
 *
 * Every time this plugin returns is RFC 3339 in UTC ("...Z"), except now()
 * when asked for an offset; inputs may carry any offset. The clock is read
 * only by now(), which is marked as reading external state; the rest are
 * pure. Layouts are strftime/strptime patterns, checked against a list of
 * conversions that do not depend on the time zone (%s, for one, would read
 * the local zone), and always applied to UTC. Day and month names follow
 * the C locale, which keel never changes: English.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* strptime */
#endif
#define _DEFAULT_SOURCE /* timegm, tm_gmtoff */
#include "time_internal.h"

#include <stdio.h>
#include <string.h>

#define KEEL_PURE KEEL_EFFECT_IDEMPOTENT

/* Input echoed in a message is cut to this many bytes. */
#define ECHO_MAX 64

/* Conversions accepted in layouts, for strftime and for strptime. */
static const char format_convs[] = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
static const char parse_convs[] = "aAbBcdDeFhHIjmMnprRStTxXyYz%";

/* How much of s to echo: at most ECHO_MAX bytes, cut on a UTF-8 character
 * boundary. */
static int echo_len(const char *s, size_t len)
{
    if (len <= ECHO_MAX)
        return (int)len;
    len = ECHO_MAX;
    while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    return (int)len;
}

static const char *str_arg(const keel_host_api *api, const keel_value *args,
                           const char *name, size_t *len)
{
    *len = 0;
    const keel_value *v = api->object_get(args, name);
    return v ? api->get_string(v, len) : NULL;
}

/* Reads the RFC 3339 argument name as seconds since the epoch. */
static int time_arg(int64_t *out, const keel_host_api *api, keel_call *call,
                    const keel_value *args, const char *name)
{
    size_t len;
    const char *s = str_arg(api, args, name, &len);
    char why[96];
    if (s && rfc3339_parse(out, s, len, why, sizeof(why)) == 0)
        return 0;
    return api->set_error(call, KEEL_EINVAL,
                          "'%s' \"%.*s\" is not an RFC 3339 time like "
                          "2026-11-24T07:00:00Z: %s", name,
                          echo_len(s ? s : "", len), s ? s : "",
                          s ? why : "missing");
}

/* *out = unix_secs as an RFC 3339 string at offset (seconds east). */
static int iso_value(keel_value **out, const keel_host_api *api,
                     keel_call *call, int64_t unix_secs, int offset)
{
    char buf[RFC3339_MAX];
    if (rfc3339_format(buf, unix_secs, offset) != 0)
        return api->set_error(call, KEEL_ERANGE,
                              "the result falls outside the years 0000-9999 "
                              "that RFC 3339 can write");
    *out = api->new_string(call, buf, strlen(buf));
    return *out ? 0 : KEEL_ENOMEM;
}

/* Refuses a layout with a NUL byte, a lone trailing '%' or a conversion
 * outside allowed. */
static int check_layout(const keel_host_api *api, keel_call *call,
                        const char *layout, size_t len, const char *allowed)
{
    if (memchr(layout, '\0', len))
        return api->set_error(call, KEEL_EINVAL,
                              "'layout' contains a NUL byte");
    for (size_t i = 0; i < len; i++) {
        if (layout[i] != '%')
            continue;
        if (++i == len)
            return api->set_error(call, KEEL_EINVAL,
                                  "'layout' ends in a lone '%%' (write %%%% "
                                  "for a percent sign)");
        if (!strchr(allowed, layout[i]))
            return api->set_error(call, KEEL_EINVAL,
                                  "'layout' has the unsupported conversion "
                                  "%%%c at offset %zu (supported: %s)",
                                  layout[i], i - 1, allowed);
    }
    return 0;
}

/* ---- now ---- */

static int time_now(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    size_t len;
    const char *tz = str_arg(api, args, "tz", &len);
    int offset = 0;
    bool utc = tz && len == 3 && memcmp(tz, "UTC", 3) == 0;
    if (!utc && (!tz || !rfc3339_offset(&offset, tz, len)))
        return api->set_error(call, KEEL_EINVAL,
                              "'tz' \"%.*s\" is not UTC, Z or an offset like "
                              "+02:00 (hours 00-23, minutes 00-59)",
                              echo_len(tz ? tz : "", len), tz ? tz : "");
    return iso_value(result, api, call, (int64_t)time(NULL), offset);
}

/* ---- format ---- */

/* strftime's worst case in the C locale is well under 32 bytes for each
 * byte of layout (a conversion takes two bytes and %c gives 24). */
#define FORMAT_GROWTH 32

static int time_format(const keel_host_api *api, keel_call *call,
                       const keel_value *args, keel_value **result)
{
    int64_t t = 0;
    size_t len;
    struct tm tm;
    int rc = time_arg(&t, api, call, args, "time");
    const char *layout = str_arg(api, args, "layout", &len);
    if (rc || (rc = check_layout(api, call, layout, len, format_convs)))
        return rc;
    if (!time_utc(&tm, t))
        return api->set_error(call, KEEL_ERANGE,
                              "'time' falls outside the years 0000-9999 once "
                              "converted to UTC");
    char *out = api->call_alloc(call, len * FORMAT_GROWTH + 1);
    if (!out)
        return api->set_error(call, KEEL_ENOMEM, "out of memory");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* checked above */
    size_t n = strftime(out, len * FORMAT_GROWTH + 1, layout, &tm);
#pragma GCC diagnostic pop
    *result = api->new_string(call, out, n);
    return *result ? 0 : KEEL_ENOMEM;
}

/* ---- parse ---- */

/* Reads text with a strptime layout. Fields the layout lacks default to
 * 1900-01-01T00:00:00Z; %z honours the offset. */
static int parse_layout(int64_t *out, const keel_host_api *api,
                        keel_call *call, const char *text, size_t len,
                        const char *layout, size_t layout_len)
{
    int rc = check_layout(api, call, layout, layout_len, parse_convs);
    if (rc)
        return rc;
    struct tm tm = {.tm_mday = 1};
    const char *end = memchr(text, '\0', len) ? NULL
                                              : strptime(text, layout, &tm);
    if (!end)
        return api->set_error(call, KEEL_EINVAL,
                              "'text' \"%.*s\" does not match 'layout' "
                              "\"%s\"", echo_len(text, len), text, layout);
    if (*end)
        return api->set_error(call, KEEL_EINVAL,
                              "'text' \"%.*s\" has \"%.*s\" left over after "
                              "'layout' \"%s\"", echo_len(text, len), text,
                              echo_len(end, strlen(end)), end, layout);
    struct tm given = tm; /* timegm normalises tm and clears tm_gmtoff */
    *out = (int64_t)timegm(&tm) - given.tm_gmtoff;
    if (tm.tm_mday != given.tm_mday || tm.tm_mon != given.tm_mon)
        return api->set_error(call, KEEL_EINVAL,
                              "'text' \"%.*s\" names a day that does not "
                              "exist", echo_len(text, len), text);
    return 0;
}

static int time_parse(const keel_host_api *api, keel_call *call,
                      const keel_value *args, keel_value **result)
{
    size_t len, layout_len;
    const char *text = str_arg(api, args, "text", &len);
    const char *layout = str_arg(api, args, "layout", &layout_len);
    int64_t t = 0;
    int rc = layout ? parse_layout(&t, api, call, text, len, layout,
                                   layout_len)
                    : time_arg(&t, api, call, args, "text");
    keel_value *obj = NULL, *iso = NULL, *secs = NULL;
    if (rc == 0 && (rc = iso_value(&iso, api, call, t, 0)) == 0 &&
        (!(obj = api->new_object(call)) || !(secs = api->new_int(call, t))))
        rc = KEEL_ENOMEM;
    if (rc == 0 && (rc = api->object_set(call, obj, "unix", secs)) == 0)
        rc = api->object_set(call, obj, "iso", iso);
    *result = rc ? NULL : obj;
    return rc;
}

/* ---- add ---- */

static int time_add(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    int64_t t = 0, secs = 0;
    int rc = time_arg(&t, api, call, args, "time");
    if (rc)
        return rc;
    (void)api->get_int(api->object_get(args, "seconds"), &secs);
    if ((secs > 0 && t > INT64_MAX - secs) ||
        (secs < 0 && t < INT64_MIN - secs))
        return api->set_error(call, KEEL_ERANGE,
                              "'seconds' %lld moves the time out of range",
                              (long long)secs);
    return iso_value(result, api, call, t + secs, 0);
}

/* ---- descriptor ---- */

#define DATE_TIME "{\"format\":\"date-time\"}"
#define DATE_TIME_RESULT "{\"type\":\"string\",\"format\":\"date-time\"}"

static const keel_param p_now[] = {
    {"tz", KEEL_TYPE_STRING, "UTC (the default) or a fixed offset such as "
     "+02:00 or -05:30 to give the local time there. Zone names such as "
     "Europe/Paris are not supported.", false, "\"UTC\"",
     "{\"pattern\":\"^(UTC|Z|[+-][0-9]{2}:[0-9]{2})$\"}", NULL},
};

static const keel_param p_format[] = {
    {"time", KEEL_TYPE_STRING, "An RFC 3339 time, e.g. 2026-11-24T07:00:00Z "
     "or 2026-11-24T08:00:00+01:00.", true, NULL, DATE_TIME, NULL},
    {"layout", KEEL_TYPE_STRING, "A strftime layout, e.g. \"%Y-%m-%d\" or "
     "\"%d %B %Y, %H:%M\". Supported conversions: %a %A %b %B %c %C %d %D %e "
     "%F %g %G %h %H %I %j %m %M %n %p %r %R %S %t %T %u %U %V %w %W %x %X %y "
     "%Y %z %Z %%.", true, NULL, "{\"minLength\":1,\"maxLength\":256}", NULL},
};

static const keel_param p_parse[] = {
    {"text", KEEL_TYPE_STRING, "The time to read, e.g. "
     "\"2026-11-24T08:00:00+01:00\", or text matching 'layout'.", true, NULL,
     NULL, NULL},
    {"layout", KEEL_TYPE_STRING, "A strptime layout such as \"%d/%m/%Y "
     "%H:%M\"; omit for RFC 3339. Without %z the text is taken as UTC. "
     "Supported conversions: %a %A %b %B %c %d %D %e %F %h %H %I %j %m %M %n "
     "%p %r %R %S %t %T %x %X %y %Y %z %%.", false, NULL,
     "{\"minLength\":1,\"maxLength\":256}", NULL},
};

static const keel_param p_add[] = {
    {"time", KEEL_TYPE_STRING, "An RFC 3339 time, e.g. 2026-11-24T07:00:00Z.",
     true, NULL, DATE_TIME, NULL},
    {"seconds", KEEL_TYPE_INT, "Seconds to add; negative goes back. 3600 is "
     "an hour, 86400 a day (leap seconds are not counted).", true, NULL,
     NULL, NULL},
};

#define PARAMS(a) a, KEEL_COUNTOF(a)

static const keel_function functions[] = {
    {"now", "Returns the current time as an RFC 3339 string to the second, "
     "in UTC (\"2026-11-24T07:00:00Z\") or, with 'tz', at that offset "
     "(\"2026-11-24T08:00:00+01:00\").", PARAMS(p_now), KEEL_TYPE_STRING,
     DATE_TIME_RESULT, KEEL_EFFECT_READS | KEEL_EFFECT_IDEMPOTENT, false,
     time_now},
    {"format", "Formats an RFC 3339 time with a strftime layout, after "
     "converting it to UTC: time \"2026-11-24T07:00:00Z\" with layout "
     "\"%d %b %Y\" gives \"24 Nov 2026\". Names of days and months are "
     "English.", PARAMS(p_format), KEEL_TYPE_STRING, NULL, KEEL_PURE, false,
     time_format},
    {"parse", "Reads a time, RFC 3339 by default or in a strptime 'layout', "
     "and returns {\"unix\": seconds since 1970-01-01T00:00:00Z, \"iso\": "
     "the same instant as RFC 3339 in UTC}. Fractions of a second are "
     "dropped.", PARAMS(p_parse), KEEL_TYPE_OBJECT,
     "{\"type\":\"object\",\"properties\":{\"unix\":{\"type\":\"integer\"},"
     "\"iso\":{\"type\":\"string\",\"format\":\"date-time\"}},"
     "\"required\":[\"unix\",\"iso\"]}", KEEL_PURE, false, time_parse},
    {"add", "Adds a number of seconds to an RFC 3339 time and returns the "
     "result as RFC 3339 in UTC: 2026-11-24T07:00:00Z plus 86400 gives "
     "2026-11-25T07:00:00Z.", PARAMS(p_add), KEEL_TYPE_STRING,
     DATE_TIME_RESULT, KEEL_PURE, false, time_add},
};

static const keel_plugin time_plugin = {
    .abi = KEEL_ABI_STAMP,
    .name = "time",
    .version = "1.0.0",
    .description = "The current time, and reading, formatting and shifting "
                   "RFC 3339 timestamps (UTC).",
    .functions = functions,
    .n_functions = KEEL_COUNTOF(functions),
};

KEEL_PLUGIN_EXPORT(time_plugin);
