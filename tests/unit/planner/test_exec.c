/*
 * test_exec.c - the executor: outputs, parallelism (proved by a rendezvous,
 * not by timing), file order with one job, for_each, failure policy,
 * timeouts with cooperative cancellation, and provenance labels through
 * references, interpolation and for_each.
 */
#include "test_support.h"

#include <keel/exec.h>

#include <stdio.h>
#include <string.h>

static keel_plan *plan_of(const char *json, keel_kernel *k)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_json(&p, json, strlen(json), &d) ||
        keel_plan_check(p, k, NULL, &d)) {
        char *text = NULL;
        keel_diags_text(&text, &d, NULL);
        fail_msg("plan rejected:\n%s", text);
    }
    keel_diags_free(&d);
    return p;
}

/* Events as one line: "+id" started, "=id" finished, "!id" failed,
 * "-id" skipped. */
typedef struct trace {
    char text[2048];
} trace;

static void on_event(void *ud, const keel_exec_event *ev)
{
    trace *t = ud;
    static const char marks[] = "+=!-";
    size_t n = strlen(t->text);
    snprintf(t->text + n, sizeof(t->text) - n, "%s%c%s", n ? " " : "",
             marks[ev->kind], ev->id);
}

static int run(keel_value **out, keel_kernel *k, const char *json,
               unsigned jobs, bool keep_going, trace *t, keel_error *err)
{
    keel_plan *p = plan_of(json, k);
    keel_exec_opts o = {.jobs = jobs, .keep_going = keep_going,
                        .on_event = t ? on_event : NULL, .ud = t};
    int rc = keel_plan_run(out, k, p, &o, err);
    keel_plan_free(p);
    return rc;
}

static char *journal(keel_kernel *k)
{
    keel_value *out = NULL;
    keel_error err;
    assert_int_equal(keel_invoke(&out, k, "exectest.take_journal", NULL, &err), 0);
    static char buf[1024];
    snprintf(buf, sizeof(buf), "%s", keel_value_get_string(out, NULL));
    keel_value_unref(out);
    return buf;
}

static void test_exec__output_resolves_references(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(run(&out, k,
        "{\"version\":1,\"steps\":["
        "{\"id\":\"a\",\"call\":\"math.add\",\"args\":{\"a\":2,\"b\":3}},"
        "{\"id\":\"b\",\"call\":\"math.mul\",\"args\":{\"a\":\"${a}\",\"b\":10}},"
        "{\"id\":\"t\",\"call\":\"time.parse\",\"args\":{\"text\":\"2026-01-01T00:00:00Z\"}}],"
        "\"output\":{\"sum\":\"${a}\",\"product\":\"${b}\",\"unix\":\"${t.unix}\","
        "\"text\":\"b=${b} at ${t.iso}, $$ kept\"}}", 2, false, NULL, &err), 0);
    ts_assert_json(out, "{\"sum\":5.0,\"product\":50.0,\"unix\":1767225600,"
                        "\"text\":\"b=50.0 at 2026-01-01T00:00:00Z, $ kept\"}");
    keel_value_unref(out);
    keel_kernel_free(k);
}

static void test_exec__independent_steps_run_in_parallel(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    char json[2048] = "{\"version\":1,\"steps\":[";
    for (int i = 0; i < 10; i++)
        snprintf(json + strlen(json), sizeof(json) - strlen(json),
                 "%s{\"id\":\"r%d\",\"call\":\"exectest.rendezvous\","
                 "\"args\":{\"n\":10,\"tag\":%d}}", i ? "," : "", i, i);
    strcat(json, "],\"output\":\"${r9}\"}");
    keel_value *out = NULL;
    keel_error err = {0};
    int64_t t0 = keel_now_ns();
    /* each call returns only once all ten are inside at the same time */
    if (run(&out, k, json, 10, false, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    print_message("ten rendezvous steps with --jobs 10: %.0f ms\n",
                  (double)(keel_now_ns() - t0) / 1e6);
    ts_assert_json(out, "10");
    keel_value_unref(out);
    journal(k);
    keel_kernel_free(k);
}

static void test_exec__one_job_runs_in_file_order(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    keel_value *out = NULL;
    keel_error err = {0};
    trace t = {{0}};
    assert_int_equal(run(&out, k,
        "{\"version\":1,\"steps\":["
        "{\"id\":\"c\",\"call\":\"exectest.record\",\"args\":{\"tag\":\"c\"}},"
        "{\"id\":\"a\",\"call\":\"exectest.record\",\"args\":{\"tag\":\"a\"},\"after\":[\"b\"]},"
        "{\"id\":\"b\",\"call\":\"exectest.record\",\"args\":{\"tag\":\"b\"}},"
        "{\"id\":\"d\",\"call\":\"exectest.record\",\"args\":{\"tag\":\"d\",\"after\":\"${a}\"}}]}",
        1, false, &t, &err), 0);
    assert_string_equal(journal(k), "c,b,a,d"); /* a waits for b */
    assert_string_equal(t.text, "+c =c +b =b +a =a +d =d");
    ts_assert_json(out, "null");
    keel_value_unref(out);
    keel_kernel_free(k);
}

static void test_exec__for_each_keeps_input_order(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(run(&out, k,
        "{\"version\":1,\"steps\":["
        "{\"id\":\"t\",\"call\":\"time.parse\",\"args\":{\"text\":\"2026-01-01T00:00:00Z\"}},"
        "{\"id\":\"xs\",\"call\":\"json.parse\",\"args\":{\"text\":\"[{\\\"n\\\":\\\"x\\\"},{\\\"n\\\":\\\"y\\\"}]\"}},"
        "{\"id\":\"up\",\"call\":\"text.upper\",\"for_each\":\"${xs}\","
        " \"args\":{\"text\":\"${item.n}-${t.unix}\"}}],"
        "\"output\":\"${up}\"}", 2, false, NULL, &err), 0);
    ts_assert_json(out, "[\"X-1767225600\",\"Y-1767225600\"]");
    keel_value_unref(out);
    keel_kernel_free(k);
}

static const char fail_plan[] =
    "{\"version\":1,\"steps\":["
    "{\"id\":\"bad\",\"call\":\"exectest.fail\",\"args\":{\"message\":\"boom\"}},"
    "{\"id\":\"dep\",\"call\":\"exectest.record\",\"args\":{\"tag\":\"dep\",\"after\":\"${bad}\"}},"
    "{\"id\":\"free\",\"call\":\"exectest.record\",\"args\":{\"tag\":\"free\"}}]}";

static void test_exec__failure_stops_new_steps(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    keel_value *out = NULL;
    keel_error err = {0};
    trace t = {{0}};
    assert_int_equal(run(&out, k, fail_plan, 1, false, &t, &err), KEEL_EFAILED);
    assert_null(out);
    assert_string_equal(err.msg, "step 'bad' (exectest.fail) failed: "
                                 "exectest.fail: boom");
    assert_string_equal(t.text, "+bad !bad -dep -free");
    assert_string_equal(journal(k), "");
    keel_kernel_free(k);
}

static void test_exec__keep_going_runs_what_does_not_depend(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    keel_value *out = NULL;
    keel_error err = {0};
    trace t = {{0}};
    assert_int_equal(run(&out, k, fail_plan, 1, true, &t, &err), KEEL_EFAILED);
    assert_string_equal(t.text, "+bad !bad -dep +free =free");
    assert_string_equal(journal(k), "free");
    keel_kernel_free(k);
}

static void test_exec__timeout_cancels_cooperative_step(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    keel_plan *p = plan_of("{\"version\":1,\"steps\":[{\"id\":\"z\",\"call\":"
                           "\"exectest.nap\",\"args\":{\"ms\":20000}}]}", k);
    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        keel_exec_opts o = {.jobs = jobs, .step_timeout_s = 0.2};
        keel_value *out = NULL;
        keel_error err = {0};
        int64_t t0 = keel_now_ns();
        assert_int_equal(keel_plan_run(&out, k, p, &o, &err), KEEL_ETIMEOUT);
        /* the nap noticed and stopped: far less than its 20 s */
        assert_true(keel_now_ns() - t0 < 10 * (int64_t)1000000000);
        assert_non_null(strstr(err.msg, "step 'z' (exectest.nap) failed:"));
    }
    keel_plan_free(p);
    keel_kernel_free(k);
}

static void test_exec__labels_flow_through_references(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(run(&out, k,
        "{\"version\":1,\"steps\":["
        "{\"id\":\"f\",\"call\":\"fixture.fetch\",\"args\":{\"count\":2}},"
        "{\"id\":\"s\",\"call\":\"text.upper\",\"args\":{\"text\":\"got ${f}\"}},"
        "{\"id\":\"e\",\"call\":\"math.add\",\"for_each\":\"${f}\",\"args\":{\"a\":\"${item}\",\"b\":1}},"
        "{\"id\":\"c\",\"call\":\"text.upper\",\"args\":{\"text\":\"clean\"}}],"
        "\"output\":{\"s\":\"${s}\",\"e\":\"${e}\",\"c\":\"${c}\"}}",
        2, false, NULL, &err), 0);
    const keel_value *sv = keel_value_object_get(out, "s");
    const keel_value *ev = keel_value_object_get(out, "e");
    const keel_value *cv = keel_value_object_get(out, "c");
    ts_assert_json(sv, "\"GOT [0,1]\"");
    /* interpolated text carries the untrusted source's label */
    assert_true(keel_labels_contains(keel_value_labels(sv), "fixture.fetch"));
    /* so does every for_each result built from its items */
    assert_true(keel_labels_contains(keel_value_labels(ev), "fixture.fetch"));
    assert_true(keel_labels_contains(
        keel_value_labels(keel_value_list_at(ev, 1)), "fixture.fetch"));
    /* and a value built only from plan literals carries none */
    assert_int_equal(keel_labels_count(keel_value_labels(cv)), 0);
    keel_value_unref(out);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exec__output_resolves_references),
        cmocka_unit_test(test_exec__independent_steps_run_in_parallel),
        cmocka_unit_test(test_exec__one_job_runs_in_file_order),
        cmocka_unit_test(test_exec__for_each_keeps_input_order),
        cmocka_unit_test(test_exec__failure_stops_new_steps),
        cmocka_unit_test(test_exec__keep_going_runs_what_does_not_depend),
        cmocka_unit_test(test_exec__timeout_cancels_cooperative_step),
        cmocka_unit_test(test_exec__labels_flow_through_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
