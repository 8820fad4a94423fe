/*
 * test_time.c - the time plugin, loaded from its built shared object: the
 * clock, strict RFC 3339 reading (offsets, fractions, impossible dates),
 * strftime and strptime layouts, adding seconds, range errors, argument
 * checks made by the host, labels and allocation failures.
 */
#include "plugin_test.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds the clock may move between now() and the check. */
#define CLOCK_SLACK 5

static keel_kernel *time_kernel(void)
{
    return ts_kernel_with((const char *[]){"time", NULL});
}

/* Calls time.now with args, and checks that the result ends in suffix and
 * names the current instant. */
static void expect_now(keel_kernel *k, const char *args, const char *suffix)
{
    keel_value *now = NULL, *parsed = NULL, *in = keel_value_object();
    keel_error err = {0};
    time_t before = time(NULL);
    assert_int_equal(ts_invoke(&now, k, "time.now", args, &err), 0);
    size_t len;
    const char *s = keel_value_get_string(now, &len);
    assert_non_null(s);
    assert_int_equal(len, 19 + strlen(suffix));
    assert_string_equal(s + 19, suffix);
    assert_int_equal(keel_value_object_set(in, "text", now), 0);
    assert_int_equal(keel_invoke(&parsed, k, "time.parse", in, &err), 0);
    int64_t unix_secs =
        keel_value_get_int(keel_value_object_get(parsed, "unix"));
    assert_true(unix_secs >= (int64_t)before &&
                unix_secs <= (int64_t)before + CLOCK_SLACK);
    keel_value_unref(parsed);
    keel_value_unref(in);
    keel_value_unref(now);
}

static void test_time__now_reads_the_clock(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    expect_now(k, NULL, "Z");
    expect_now(k, "{\"tz\":\"UTC\"}", "Z");
    expect_now(k, "{\"tz\":\"+02:00\"}", "+02:00");
    expect_now(k, "{\"tz\":\"-05:30\"}", "-05:30");
    expect_now(k, "{\"tz\":\"+00:00\"}", "Z");
    pt_expect_error(k, "time.now", "{\"tz\":\"Europe/Paris\"}", KEEL_EINVAL,
                    "time.now: argument 'tz': must match pattern "
                    "/^(UTC|Z|[+-][0-9]{2}:[0-9]{2})$/");
    pt_expect_error(k, "time.now", "{\"tz\":\"+24:00\"}", KEEL_EFAILED,
                    "time.now: 'tz' \"+24:00\" is not UTC, Z or an offset "
                    "like +02:00 (hours 00-23, minutes 00-59)");
    keel_kernel_free(k);
}

static void test_time__format_uses_utc(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    pt_expect(k, "time.format",
              "{\"time\":\"2026-11-24T07:00:00Z\",\"layout\":\"%d %b %Y\"}",
              "\"24 Nov 2026\"");
    pt_expect(k, "time.format",
              "{\"time\":\"2026-11-24T08:30:00+01:00\",\"layout\":\"%H:%M\"}",
              "\"07:30\"");
    pt_expect(k, "time.format",
              "{\"time\":\"2026-11-24T07:00:00Z\","
              "\"layout\":\"%A, day %j, %F %T %z %Z 100%%\"}",
              "\"Tuesday, day 328, 2026-11-24 07:00:00 +0000 GMT 100%\"");
    keel_kernel_free(k);
}

static void test_time__bad_times_are_named(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    static const struct {
        const char *time, *why;
    } cases[] = {
        {"yesterday", "too short for YYYY-MM-DDTHH:MM:SS"},
        {"2026/11/24T07:00:00Z", "the year must be 4 digits followed by '-'"},
        {"2026-11-24X07:00:00Z", "the day must be 2 digits followed by 'T'"},
        {"2026-11-24T07:00:0xZ", "the second must be 2 digits"},
        {"2026-13-01T00:00:00Z", "month 13 is not in 1-12"},
        {"2026-11-24T24:00:00Z", "hour 24 is not in 0-23"},
        {"2026-02-29T00:00:00Z", "day 29 does not exist in 2026-02"},
        {"2026-11-24T07:00:00", "the time must end in Z or an offset like "
                                "+02:00"},
        {"2026-11-24T07:00:00+0100", "the time must end in Z or an offset "
                                     "like +02:00"},
        {"2026-11-24T07:00:00.Z", "no digits after the decimal point"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char args[256], msg[512];
        snprintf(args, sizeof(args),
                 "{\"time\":\"%s\",\"layout\":\"%%Y\"}", cases[i].time);
        snprintf(msg, sizeof(msg),
                 "time.format: 'time' \"%s\" is not an RFC 3339 time like "
                 "2026-11-24T07:00:00Z: %s", cases[i].time, cases[i].why);
        pt_expect_error(k, "time.format", args, KEEL_EFAILED, msg);
    }
    pt_expect_plugin_code(k, "time.add",
                          "{\"time\":\"2026-11-31T00:00:00Z\",\"seconds\":1}",
                          KEEL_EINVAL,
                          "'time' \"2026-11-31T00:00:00Z\" is not an RFC 3339 "
                          "time like 2026-11-24T07:00:00Z: day 31 does not "
                          "exist in 2026-11");
    keel_kernel_free(k);
}

static void test_time__bad_layouts_are_named(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    pt_expect_error(k, "time.format",
                    "{\"time\":\"2026-11-24T07:00:00Z\",\"layout\":\"%Y %s\"}",
                    KEEL_EFAILED,
                    "time.format: 'layout' has the unsupported conversion %s "
                    "at offset 3 (supported: "
                    "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%)");
    pt_expect_error(k, "time.format",
                    "{\"time\":\"2026-11-24T07:00:00Z\",\"layout\":\"100%\"}",
                    KEEL_EFAILED,
                    "time.format: 'layout' ends in a lone '%' (write %% for "
                    "a percent sign)");
    pt_expect_error(k, "time.format",
                    "{\"time\":\"2026-11-24T07:00:00Z\",\"layout\":\"\"}",
                    KEEL_ERANGE,
                    "time.format: argument 'layout': must be at least 1 "
                    "characters long, got 0");
    pt_expect_error(k, "time.parse",
                    "{\"text\":\"2026\",\"layout\":\"%G\"}", KEEL_EFAILED,
                    "time.parse: 'layout' has the unsupported conversion %G "
                    "at offset 0 (supported: aAbBcdDeFhHIjmMnprRStTxXyYz%)");
    keel_kernel_free(k);
}

static void test_time__parse_rfc3339_and_layouts(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    const char *want = "{\"unix\":1795503600,\"iso\":\"2026-11-24T07:00:00Z\"}";
    pt_expect(k, "time.parse", "{\"text\":\"2026-11-24T07:00:00Z\"}", want);
    pt_expect(k, "time.parse", "{\"text\":\"2026-11-24T08:00:00+01:00\"}",
              want);
    pt_expect(k, "time.parse", "{\"text\":\"2026-11-24 02:00:00.999-05:00\"}",
              want);
    pt_expect(k, "time.parse", "{\"text\":\"2026-11-24t07:00:00z\"}", want);
    pt_expect(k, "time.parse", "{\"text\":\"1969-12-31T23:59:59Z\"}",
              "{\"unix\":-1,\"iso\":\"1969-12-31T23:59:59Z\"}");
    pt_expect(k, "time.parse", "{\"text\":\"2028-02-29T00:00:00Z\"}",
              "{\"unix\":1835395200,\"iso\":\"2028-02-29T00:00:00Z\"}");
    pt_expect(k, "time.parse",
              "{\"text\":\"24/11/2026 07:00\",\"layout\":\"%d/%m/%Y %H:%M\"}",
              want);
    pt_expect(k, "time.parse",
              "{\"text\":\"24 Nov 2026 08:00 +0100\","
              "\"layout\":\"%d %b %Y %H:%M %z\"}", want);
    pt_expect(k, "time.parse", "{\"text\":\"2026-11-24\",\"layout\":\"%F\"}",
              "{\"unix\":1795478400,\"iso\":\"2026-11-24T00:00:00Z\"}");
    keel_kernel_free(k);
}

static void test_time__parse_errors_name_the_text(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    pt_expect_error(k, "time.parse", "{\"text\":\"next tuesday\"}",
                    KEEL_EFAILED,
                    "time.parse: 'text' \"next tuesday\" is not an RFC 3339 "
                    "time like 2026-11-24T07:00:00Z: too short for "
                    "YYYY-MM-DDTHH:MM:SS");
    pt_expect_error(k, "time.parse",
                    "{\"text\":\"24-11-2026\",\"layout\":\"%d/%m/%Y\"}",
                    KEEL_EFAILED,
                    "time.parse: 'text' \"24-11-2026\" does not match "
                    "'layout' \"%d/%m/%Y\"");
    pt_expect_error(k, "time.parse",
                    "{\"text\":\"24/11/2026 7am\",\"layout\":\"%d/%m/%Y\"}",
                    KEEL_EFAILED,
                    "time.parse: 'text' \"24/11/2026 7am\" has \" 7am\" left "
                    "over after 'layout' \"%d/%m/%Y\"");
    pt_expect_error(k, "time.parse",
                    "{\"text\":\"31/02/2026\",\"layout\":\"%d/%m/%Y\"}",
                    KEEL_EFAILED,
                    "time.parse: 'text' \"31/02/2026\" names a day that does "
                    "not exist");
    keel_kernel_free(k);
}

static void test_time__add_seconds(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    pt_expect(k, "time.add",
              "{\"time\":\"2026-11-24T07:00:00Z\",\"seconds\":86400}",
              "\"2026-11-25T07:00:00Z\"");
    pt_expect(k, "time.add",
              "{\"time\":\"2026-11-24T08:00:00+01:00\",\"seconds\":-3600}",
              "\"2026-11-24T06:00:00Z\"");
    pt_expect(k, "time.add",
              "{\"time\":\"2028-02-28T12:00:00Z\",\"seconds\":86400}",
              "\"2028-02-29T12:00:00Z\"");
    pt_expect(k, "time.add",
              "{\"time\":\"2026-12-31T23:59:59Z\",\"seconds\":1}",
              "\"2027-01-01T00:00:00Z\"");
    pt_expect_error(k, "time.add",
                    "{\"time\":\"9999-12-31T23:59:59Z\",\"seconds\":1}",
                    KEEL_EFAILED,
                    "time.add: the result falls outside the years 0000-9999 "
                    "that RFC 3339 can write");
    pt_expect_plugin_code(k, "time.add",
                          "{\"time\":\"0000-01-01T00:00:00Z\","
                          "\"seconds\":-1}",
                          KEEL_ERANGE,
                          "the result falls outside the years 0000-9999 that "
                          "RFC 3339 can write");
    pt_expect_error(k, "time.add",
                    "{\"time\":\"2026-11-24T07:00:00Z\","
                    "\"seconds\":9223372036854775807}",
                    KEEL_EFAILED,
                    "time.add: 'seconds' 9223372036854775807 moves the time "
                    "out of range");
    keel_kernel_free(k);
}

static void test_time__wrong_types_refused_by_the_host(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    pt_expect_error(k, "time.add",
                    "{\"time\":\"2026-11-24T07:00:00Z\",\"seconds\":\"60\"}",
                    KEEL_ETYPE,
                    "time.add: argument 'seconds': expected int, got string "
                    "\"60\"");
    pt_expect_error(k, "time.format", "{\"time\":1795503600,\"layout\":\"%Y\"}",
                    KEEL_ETYPE,
                    "time.format: argument 'time': expected string, got int "
                    "1795503600");
    keel_kernel_free(k);
}

static void test_time__label_of_argument_reaches_result(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    pt_expect_label_carried(k, "time.add",
                            "{\"time\":\"2026-11-24T07:00:00Z\","
                            "\"seconds\":60}",
                            "time", "\"2026-11-24T07:01:00Z\"");
    keel_kernel_free(k);
}

static void test_time__allocation_failures_are_clean(void **s)
{
    (void)s;
    keel_kernel *k = time_kernel();
    assert_true(pt_expect_oom_clean(
                    k, "time.parse", "{\"text\":\"2026-11-24T07:00:00Z\"}",
                    "{\"unix\":1795503600,\"iso\":\"2026-11-24T07:00:00Z\"}") >
                3);
    assert_true(pt_expect_oom_clean(k, "time.format",
                                    "{\"time\":\"2026-11-24T07:00:00Z\","
                                    "\"layout\":\"%Y\"}",
                                    "\"2026\"") > 0);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time__now_reads_the_clock),
        cmocka_unit_test(test_time__format_uses_utc),
        cmocka_unit_test(test_time__bad_times_are_named),
        cmocka_unit_test(test_time__bad_layouts_are_named),
        cmocka_unit_test(test_time__parse_rfc3339_and_layouts),
        cmocka_unit_test(test_time__parse_errors_name_the_text),
        cmocka_unit_test(test_time__add_seconds),
        cmocka_unit_test(test_time__wrong_types_refused_by_the_host),
        cmocka_unit_test(test_time__label_of_argument_reaches_result),
        cmocka_unit_test(test_time__allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
