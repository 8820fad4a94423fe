/*
 * test_otlp.c - exporting a run's trace over OTLP/HTTP JSON (otlp_json.c,
 * otlp_http.c) to a receiver on 127.0.0.1 (the mock HTTP server, which
 * records request bodies), and the "trace" config section (otlp_config.c).
 */
#include "test_support.h"
#include "trace_fixture.h"
#include "mock_llm.h"

#include <keel/config.h>
#include <keel/otlp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fx {
    tf_run *run;
    keel_trace *t; /* the run's, or another build of it */
    mock_llm *m;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    void *run = NULL;
    tf_setup(&run);
    f->run = run;
    f->t = f->run->t;
    assert_int_equal(mock_llm_start(&f->m), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    mock_llm_stop(f->m);
    void *run = f->run;
    tf_teardown(&run);
    free(f);
    return 0;
}

/* Exports to the mock and returns the request body, parsed. */
static keel_value *export(fx *f, bool content)
{
    mock_llm_reset(f->m);
    assert_int_equal(mock_llm_push(f->m, "{\"json\": {}}"), 0);
    keel_otlp_opts o = {.url = mock_llm_url(f->m), .content = content,
                        .service_version = "9.9"};
    keel_error err = {0};
    int rc = keel_otlp_export(f->t, &o, &err);
    if (rc)
        fail_msg("export: %s", err.msg);
    assert_int_equal(mock_llm_count(f->m), 1);
    assert_string_equal(mock_llm_path(f->m, 0), "/v1/traces");
    assert_non_null(strstr(mock_llm_headers(f->m, 0),
                           "Content-Type: application/json"));
    return ts_json(mock_llm_body(f->m, 0));
}

static const keel_value *get(const keel_value *v, const char *k)
{
    return keel_value_object_get(v, k);
}

static const char *sget(const keel_value *v, const char *k)
{
    return keel_value_get_string(get(v, k), NULL);
}

static const keel_value *spans_of(const keel_value *req)
{
    const keel_value *rs = keel_value_list_at(get(req, "resourceSpans"), 0);
    const keel_value *ss = keel_value_list_at(get(rs, "scopeSpans"), 0);
    return get(ss, "spans");
}

/* An attribute's value object ({"stringValue": ...}), or NULL. */
static const keel_value *attr(const keel_value *span, const char *key)
{
    const keel_value *a = get(span, "attributes");
    for (size_t i = 0; i < keel_value_len(a); i++)
        if (strcmp(sget(keel_value_list_at(a, i), "key"), key) == 0)
            return get(keel_value_list_at(a, i), "value");
    return NULL;
}

static const keel_value *span_named(const keel_value *spans, const char *name,
                                    int nth)
{
    for (size_t i = 0; i < keel_value_len(spans); i++)
        if (strcmp(sget(keel_value_list_at(spans, i), "name"), name) == 0 &&
            nth-- == 0)
            return keel_value_list_at(spans, i);
    return NULL;
}

static bool hex(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return false;
    for (; *s; s++)
        if (!strchr("0123456789abcdef", *s))
            return false;
    return true;
}

static void test_otlp__request_structure(void **state)
{
    fx *f = *state;
    keel_value *req = export(f, false);
    const keel_value *rs = keel_value_list_at(get(req, "resourceSpans"), 0);
    const keel_value *res = keel_value_list_at(get(get(rs, "resource"), "attributes"), 0);
    assert_string_equal(sget(res, "key"), "service.name");
    assert_string_equal(sget(get(res, "value"), "stringValue"), "keel");
    const keel_value *spans = spans_of(req);
    assert_int_equal(keel_value_len(spans), f->t->n_spans);
    const keel_value *root = keel_value_list_at(spans, 0);
    assert_string_equal(sget(root, "name"), "run");
    assert_null(get(root, "parentSpanId"));
    assert_string_equal(sget(attr(root, "keel.run.id"), "stringValue"),
                        keel_run_id(f->run->r));
    for (size_t i = 0; i < keel_value_len(spans); i++) {
        const keel_value *s = keel_value_list_at(spans, i);
        assert_true(hex(sget(s, "traceId"), 32));
        assert_string_equal(sget(s, "traceId"), f->t->trace_id);
        assert_true(hex(sget(s, "spanId"), 16));
        /* times are strings of nanoseconds */
        const char *st = sget(s, "startTimeUnixNano"), *en = sget(s, "endTimeUnixNano");
        assert_non_null(st);
        assert_non_null(en);
        assert_true(strtoll(st, NULL, 10) <= strtoll(en, NULL, 10));
        assert_true(strtoll(st, NULL, 10) > 1700000000000000000LL);
        if (i > 0)
            assert_true(hex(sget(s, "parentSpanId"), 16));
    }
    keel_value_unref(req);
}

static void test_otlp__genai_conventions(void **state)
{
    fx *f = *state;
    keel_value *req = export(f, false);
    const keel_value *spans = spans_of(req);
    const keel_value *planning = span_named(spans, "planning", 0);
    const keel_value *chat = span_named(spans, "chat gpt-4o-mini", 0);
    assert_non_null(planning);
    assert_non_null(chat);
    assert_string_equal(sget(chat, "parentSpanId"), sget(planning, "spanId"));
    assert_int_equal(keel_value_get_int(get(chat, "kind")), 3); /* CLIENT */
    assert_string_equal(sget(attr(chat, "gen_ai.operation.name"), "stringValue"), "chat");
    assert_string_equal(sget(attr(chat, "gen_ai.provider.name"), "stringValue"), "openai");
    assert_string_equal(sget(attr(chat, "gen_ai.request.model"), "stringValue"),
                        "gpt-4o-mini");
    /* int64 as a string, by the protobuf JSON mapping */
    assert_string_equal(sget(attr(chat, "gen_ai.usage.input_tokens"), "intValue"), "1200");
    assert_string_equal(sget(attr(chat, "gen_ai.usage.output_tokens"), "intValue"), "340");
    assert_int_equal(keel_value_type(get(attr(chat, "keel.llm.cost"), "doubleValue")),
                     KEEL_TYPE_FLOAT);
    const keel_value *step = span_named(spans, "execute_tool exectest.nap", 0);
    const keel_value *root = keel_value_list_at(spans, 0);
    assert_non_null(step);
    assert_string_equal(sget(step, "parentSpanId"), sget(root, "spanId"));
    assert_string_equal(sget(attr(step, "gen_ai.operation.name"), "stringValue"),
                        "execute_tool");
    assert_string_equal(sget(attr(step, "gen_ai.tool.name"), "stringValue"),
                        "exectest.nap");
    assert_non_null(attr(step, "keel.step.id"));
    assert_non_null(attr(step, "keel.plan.hash"));
    assert_int_equal(keel_value_get_int(get(get(step, "status"), "code")), 1);
    const keel_value *bad = span_named(spans, "execute_tool exectest.fail", 0);
    assert_int_equal(keel_value_get_int(get(get(bad, "status"), "code")), 2);
    assert_non_null(strstr(sget(get(bad, "status"), "message"), TF_FAILURE));
    keel_value_unref(req);
}

static const char *const content_keys[] = {
    "keel.goal", "gen_ai.input.messages", "gen_ai.output.messages",
    "gen_ai.tool.call.arguments", "gen_ai.tool.call.result"};

static void test_otlp__contents_only_when_enabled(void **state)
{
    fx *f = *state;
    keel_value *req = export(f, false);
    const char *body = mock_llm_body(f->m, 0);
    for (size_t i = 0; i < sizeof(content_keys) / sizeof(content_keys[0]); i++)
        assert_null(strstr(body, content_keys[i]));
    assert_null(strstr(body, "secret body"));
    assert_null(strstr(body, "<b>bob"));
    keel_value_unref(req);

    req = export(f, true);
    body = mock_llm_body(f->m, 0);
    for (size_t i = 0; i < sizeof(content_keys) / sizeof(content_keys[0]); i++)
        assert_non_null(strstr(body, content_keys[i]));
    const keel_value *spans = spans_of(req);
    const keel_value *root = keel_value_list_at(spans, 0);
    assert_string_equal(sget(attr(root, "keel.goal"), "stringValue"), TF_GOAL);
    const keel_value *chat = span_named(spans, "chat gpt-4o-mini", 0);
    assert_non_null(strstr(sget(attr(chat, "gen_ai.input.messages"), "stringValue"),
                           "\"role\":\"user\""));
    assert_non_null(strstr(body, "secret body"));
    keel_value_unref(req);
}

static void test_otlp__same_ids_on_reexport(void **state)
{
    fx *f = *state;
    keel_value *a = export(f, false);
    keel_trace *t2 = NULL;
    keel_error err = {0};
    assert_int_equal(keel_trace_build(&t2, f->run->r, &err), 0);
    keel_trace *keep = f->t;
    f->t = t2;
    keel_value *b = export(f, false);
    f->t = keep;
    keel_trace_free(t2);
    assert_true(keel_value_equal(a, b));
    keel_value_unref(a);
    keel_value_unref(b);
}

static void test_otlp__failures_say_why(void **state)
{
    fx *f = *state;
    mock_llm_reset(f->m);
    assert_int_equal(mock_llm_push(f->m, "{\"status\": 503, \"json\": {}}"), 0);
    keel_otlp_opts o = {.url = mock_llm_url(f->m), .timeout_ms = 2000};
    keel_error err = {0};
    assert_int_equal(keel_otlp_export(f->t, &o, &err), KEEL_EUNAVAIL);
    assert_non_null(strstr(err.msg, "HTTP 503"));
    o.url = "http://127.0.0.1:1"; /* nobody listens */
    assert_int_equal(keel_otlp_export(f->t, &o, &err), KEEL_EUNAVAIL);
    assert_non_null(strstr(err.msg, "127.0.0.1:1/v1/traces"));
}

static void test_otlp__config_section(void **state)
{
    (void)state;
    static const struct {
        const char *json, *error;
    } cases[] = {
        {"{\"trace\": {\"otlp_url\": \"http://127.0.0.1:4318\", \"content\": "
         "true, \"timeout_ms\": 2000}}", NULL},
        {"{\"trace\": {\"otlp_url\": \"ftp://x\"}}", "trace.otlp_url: give an http"},
        {"{\"trace\": {\"content\": \"yes\"}}", "trace.content: expected true"},
        {"{\"trace\": {\"timeout_ms\": 0}}", "trace.timeout_ms: give milliseconds"},
        {"{\"trace\": {\"url\": \"http://x\"}}", "trace.url: unknown key"},
        {"{\"trace\": []}", "trace: expected object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        keel_config *c = NULL;
        keel_error err = {0};
        int rc = keel_config_parse(&c, "c.json", cases[i].json,
                                   strlen(cases[i].json), &err);
        if (!cases[i].error) {
            assert_int_equal(rc, 0);
            keel_otlp_opts o;
            keel_otlp_opts_from_config(&o, c);
            assert_string_equal(o.url, "http://127.0.0.1:4318");
            assert_true(o.content);
            assert_int_equal(o.timeout_ms, 2000);
        } else {
            assert_int_not_equal(rc, 0);
            if (!strstr(err.msg, cases[i].error))
                fail_msg("%s: got '%s'", cases[i].json, err.msg);
        }
        keel_config_free(c);
    }
    keel_otlp_opts o;
    keel_otlp_opts_from_config(&o, NULL);
    assert_null(o.url);
    assert_false(o.content);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_otlp__request_structure),
        cmocka_unit_test(test_otlp__genai_conventions),
        cmocka_unit_test(test_otlp__contents_only_when_enabled),
        cmocka_unit_test(test_otlp__same_ids_on_reexport),
        cmocka_unit_test(test_otlp__failures_say_why),
        cmocka_unit_test(test_otlp__config_section),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
