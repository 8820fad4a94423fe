/*
 * test_llm_chat.c - resilience of keel_llm_chat against injected failures:
 * which statuses are retried and how long keel waits (fake clock: waits are
 * recorded, not slept), deadlines, dropped and malformed replies, fallback,
 * the circuit breaker, rate limits and budgets.
 */
#include "llm_test.h"
#include "llm_retry.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OK_REPLY "{\"json\":{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":50}}}"
#define ERR_500 "{\"status\":500,\"json\":{\"error\":{\"message\":\"boom\"}}}"

static void push(const char *line)
{
    assert_int_equal(mock_llm_push(lt_mock(), line), 0);
}

/* reply with extra members: with("\"repeat\":3", ERR_500) */
static void with(const char *members, const char *reply)
{
    char line[1024];
    snprintf(line, sizeof(line), "{%s,%s", members, reply + 1);
    push(line);
}

static void expect_ok(keel_llm *llm, int attempts)
{
    keel_llm_reply r;
    keel_error err;
    int rc = lt_chat(llm, &r, &err);
    if (rc)
        fail_msg("chat failed: %s", err.msg);
    assert_string_equal(r.text, "ok");
    assert_int_equal(r.attempts, attempts);
    keel_llm_reply_free(&r);
}

static int expect_fail(keel_llm *llm, const char *needle)
{
    keel_llm_reply r;
    keel_error err;
    int rc = lt_chat(llm, &r, &err);
    assert_int_not_equal(rc, 0);
    if (!strstr(err.msg, needle))
        fail_msg("expected '%s' in: %s", needle, err.msg);
    keel_llm_reply_free(&r);
    return rc;
}

static void test_llm_chat__429_retry_after_ms(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, NULL);
    push("{\"status\":429,\"headers\":{\"retry-after-ms\":\"250\"},\"json\":{}}");
    push(OK_REPLY);
    expect_ok(llm, 2);
    assert_int_equal(c.n_waits, 1);
    assert_int_equal(c.waits[0], 250);
    keel_llm_free(llm);
}

static void test_llm_chat__429_retry_after_seconds_and_date(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, NULL);
    push("{\"status\":429,\"headers\":{\"retry-after\":\"2\"},\"json\":{}}");
    push("{\"status\":503,\"headers\":{\"retry-after\":\"Wed, 21 Oct 2015 "
         "07:28:03 GMT\"},\"json\":{}}");
    push(OK_REPLY);
    expect_ok(llm, 3);
    assert_int_equal(c.n_waits, 2);
    assert_int_equal(c.waits[0], 2000);
    assert_int_equal(c.waits[1], 3000); /* the date is 3 s after "now" */
    keel_llm_free(llm);
}

static void test_llm_chat__backoff_full_jitter(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, "{\"backoff_base_ms\":100,"
                            "\"backoff_max_ms\":300,\"max_attempts\":4}");
    push(ERR_500);
    push("{\"status\":529,\"json\":{\"type\":\"error\",\"error\":{\"type\":"
         "\"overloaded_error\",\"message\":\"Overloaded\"}}}");
    push("{\"status\":408,\"json\":{}}");
    push(OK_REPLY);
    expect_ok(llm, 4);
    assert_int_equal(c.n_waits, 3);
    int64_t caps[] = {100, 200, 300};
    for (int i = 0; i < 3; i++) {
        assert_true(c.waits[i] <= caps[i]);
        assert_int_equal(c.waits[i], llm_backoff(i + 1, 100, 300, c.rnd));
    }
    keel_llm_free(llm);
}

static void test_llm_chat__never_retried(void **state)
{
    (void)state;
    static const long codes[] = {400, 401, 403, 404};
    for (size_t i = 0; i < 4; i++) {
        lt_clock c;
        keel_llm *llm = lt_open("openai:m", &c, NULL);
        char line[160];
        snprintf(line, sizeof(line), "{\"status\":%ld,\"headers\":"
                 "{\"x-should-retry\":\"true\"},\"json\":{\"error\":"
                 "{\"message\":\"nope\"}}}", codes[i]);
        push(line);
        assert_int_equal(expect_fail(llm, "nope"), KEEL_EUNAVAIL);
        assert_int_equal(mock_llm_count(lt_mock()), 1);
        assert_int_equal(c.n_waits, 0);
        keel_llm_free(llm);
    }
}

static void test_llm_chat__insufficient_quota_is_billing(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, NULL);
    push("{\"status\":429,\"json\":{\"error\":{\"message\":\"You exceeded your "
         "current quota\",\"type\":\"insufficient_quota\",\"code\":"
         "\"insufficient_quota\"}}}");
    expect_fail(llm, "billing");
    assert_int_equal(mock_llm_count(lt_mock()), 1);
    keel_llm_free(llm);
}

static void test_llm_chat__x_should_retry_false(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, NULL);
    push("{\"status\":500,\"headers\":{\"x-should-retry\":\"false\"},"
         "\"json\":{}}");
    expect_fail(llm, "HTTP 500");
    assert_int_equal(mock_llm_count(lt_mock()), 1);
    keel_llm_free(llm);
}

static void test_llm_chat__bounded_attempts(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, "{\"max_attempts\":3,"
                            "\"breaker\":{\"failures\":0}}");
    with("\"repeat\":5", ERR_500);
    expect_fail(llm, "openai:m: after 3 attempts: HTTP 500");
    assert_int_equal(mock_llm_count(lt_mock()), 3);
    assert_int_equal(c.n_waits, 2);
    keel_llm_free(llm);
}

static void test_llm_chat__deadline_stops_waiting(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, "{\"timeout_ms\":5000}");
    push("{\"status\":429,\"headers\":{\"retry-after\":\"10\"},\"json\":{}}");
    expect_fail(llm, "deadline reached after 1 attempt");
    assert_int_equal(c.n_waits, 0);
    keel_llm_free(llm);
}

static void test_llm_chat__slow_reply_past_deadline(void **state)
{
    (void)state;
    keel_llm *llm = lt_open("openai:m", NULL, "{\"timeout_ms\":200}");
    with("\"delay_ms\":1500", OK_REPLY);
    int64_t t0 = keel_now_ns();
    expect_fail(llm, "before the deadline");
    assert_true(keel_now_ns() - t0 < 1400000000LL);
    keel_llm_free(llm);
}

static void test_llm_chat__dropped_then_ok(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, NULL);
    push("{\"drop\":true}");
    with("\"truncate\":10", OK_REPLY);
    push(OK_REPLY);
    expect_ok(llm, 3);
    keel_llm_free(llm);
}

static void test_llm_chat__malformed_replies(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"{\"body\":\"{\\\"choices\\\":[{\\\"mess\"}", "not valid JSON"},
        {"{\"body\":\"<html>Bad gateway</html>\"}", "'<html>Bad gateway</html>'"},
        {"{\"body\":\"\"}", "empty body"},
        {"{\"json\":{\"choices\":[]}}", "no choices[0].message"},
        {"{\"status\":502,\"body\":\"<html>proxy</html>\"}", "HTTP 502"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lt_clock c;
        keel_llm *llm = lt_open("openai:m", &c, "{\"max_attempts\":1}");
        push(cases[i][0]);
        assert_int_equal(expect_fail(llm, cases[i][1]), KEEL_EUNAVAIL);
        keel_llm_free(llm);
    }
}

static void test_llm_chat__fallback_names_the_answering_model(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm_clock clock = lt_fake_clock(&c);
    mock_llm_reset(lt_mock());
    char url[128];
    snprintf(url, sizeof(url), "{\"providers\":{\"ollama\":{\"url\":\"%s\"}},"
             "\"max_attempts\":2}", mock_llm_url(lt_mock()));
    keel_value *cfg = ts_json(url);
    const char *fb[] = {"ollama:llama3.1"};
    keel_llm_options o = {.model = "openai:m", .fallbacks = fb,
                          .n_fallbacks = 1, .config = cfg, .clock = &clock,
                          .base_url = mock_llm_url(lt_mock())};
    keel_llm *llm = NULL;
    keel_error err = {0};
    assert_int_equal(keel_llm_open(&llm, &o, &err), 0);
    with("\"repeat\":2", ERR_500);
    push("{\"json\":{\"message\":{\"content\":\"ok\"},\"done\":true,"
         "\"prompt_eval_count\":1,\"eval_count\":1}}");
    keel_llm_reply r;
    assert_int_equal(lt_chat(llm, &r, &err), 0);
    assert_string_equal(r.model, "ollama:llama3.1");
    assert_int_equal(r.attempts, 3);
    assert_string_equal(mock_llm_path(lt_mock(), 2), "/api/chat");
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
    keel_value_unref(cfg);
}

static void test_llm_chat__breaker_opens_and_probes(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, "{\"max_attempts\":1,\"breaker\":"
                            "{\"failures\":2,\"cooldown_ms\":10000}}");
    with("\"repeat\":3", ERR_500);
    expect_fail(llm, "HTTP 500");
    expect_fail(llm, "HTTP 500");
    expect_fail(llm, "circuit open after 2 consecutive failures");
    assert_int_equal(mock_llm_count(lt_mock()), 2); /* failed fast */
    c.now += 10000;                                 /* cool-down over */
    expect_fail(llm, "HTTP 500");                   /* the probe fails */
    expect_fail(llm, "circuit open");               /* open again */
    c.now += 10000;
    mock_llm_reset(lt_mock());
    push(OK_REPLY);
    push(OK_REPLY);
    expect_ok(llm, 1); /* the probe succeeds: closed */
    expect_ok(llm, 1);
    keel_llm_free(llm);
}

static void test_llm_chat__rate_limit_waits(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, "{\"providers\":{\"openai\":"
                            "{\"rpm\":2}}}");
    with("\"repeat\":3", OK_REPLY);
    expect_ok(llm, 1);
    expect_ok(llm, 1);
    assert_int_equal(c.n_waits, 0);
    expect_ok(llm, 1);
    assert_int_equal(c.n_waits, 1);
    assert_int_equal(c.waits[0], 30000); /* one request refills in 30 s */
    keel_llm_free(llm);
}

static void test_llm_chat__token_rate_limit(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, "{\"providers\":{\"openai\":"
                            "{\"tpm\":2000}}}");
    with("\"repeat\":2", OK_REPLY);
    expect_ok(llm, 1); /* estimate 1024, real use 150: refunded */
    expect_ok(llm, 1);
    assert_int_equal(c.n_waits, 0);
    keel_llm_request req = lt_request();
    req.max_tokens = 1900; /* 150 + 150 used + 1900 > 2000 */
    push(OK_REPLY);
    keel_llm_reply r;
    keel_error err;
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_int_equal(c.n_waits, 1);
    assert_true(c.waits[0] > 0 && c.waits[0] <= 60000);
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
}

static void test_llm_chat__budgets(void **state)
{
    (void)state;
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, "{\"max_tokens\":150,"
                            "\"prices\":{\"openai:m\":{\"input\":2.5,"
                            "\"output\":10}}}");
    with("\"repeat\":2", OK_REPLY);
    keel_llm_reply r;
    keel_error err;
    assert_int_equal(lt_chat(llm, &r, &err), 0);
    assert_true(r.cost > 0.00074 && r.cost < 0.00076); /* 100*2.5+50*10 /1e6 */
    keel_llm_reply_free(&r);
    assert_int_equal(expect_fail(llm, "token budget spent: 150 of 150"),
                     KEEL_EDENIED);
    assert_int_equal(mock_llm_count(lt_mock()), 1); /* nothing was sent */
    keel_llm_usage u;
    keel_llm_usage_get(&u, llm);
    assert_int_equal(u.calls, 1);
    assert_int_equal(u.input_tokens + u.output_tokens, 150);
    keel_llm_free(llm);
}

/* A key file holds the key on its first line; nothing else of the file is
 * sent, and a provider echoing the key back does not put it in a message. */
static void test_llm_chat__key_file_first_line_and_redacted_errors(void **state)
{
    (void)state;
    char path[] = "/tmp/keel-key-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "sk-live-SECRET1234\n# old: sk-old-OLDSECRET\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char cfg[512];
    snprintf(cfg, sizeof(cfg), "{\"max_attempts\":1,\"providers\":{\"openai\":"
             "{\"api_key_file\":\"%s\"}}}", path);
    lt_clock c;
    keel_llm *llm = lt_open("openai:m", &c, cfg);
    push("{\"status\":401,\"json\":{\"error\":{\"message\":\"Incorrect API "
         "key provided: sk-live-SECRET1234\"}}}");
    keel_llm_reply r;
    keel_error err;
    assert_int_not_equal(lt_chat(llm, &r, &err), 0);
    assert_non_null(strstr(err.msg, "<redacted>"));
    assert_null(strstr(err.msg, "SECRET"));
    assert_non_null(strstr(err.msg, "llm.providers.openai.api_key_file"));
    assert_int_equal(r.attempts, 1); /* kept on failure */
    keel_llm_reply_free(&r);
    const char *h = mock_llm_headers(lt_mock(), mock_llm_count(lt_mock()) - 1);
    assert_non_null(strstr(h, "Bearer sk-live-SECRET1234"));
    assert_null(strstr(h, "OLDSECRET"));
    keel_llm_free(llm);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_chat__429_retry_after_ms),
        cmocka_unit_test(test_llm_chat__429_retry_after_seconds_and_date),
        cmocka_unit_test(test_llm_chat__backoff_full_jitter),
        cmocka_unit_test(test_llm_chat__never_retried),
        cmocka_unit_test(test_llm_chat__insufficient_quota_is_billing),
        cmocka_unit_test(test_llm_chat__key_file_first_line_and_redacted_errors),
        cmocka_unit_test(test_llm_chat__x_should_retry_false),
        cmocka_unit_test(test_llm_chat__bounded_attempts),
        cmocka_unit_test(test_llm_chat__deadline_stops_waiting),
        cmocka_unit_test(test_llm_chat__slow_reply_past_deadline),
        cmocka_unit_test(test_llm_chat__dropped_then_ok),
        cmocka_unit_test(test_llm_chat__malformed_replies),
        cmocka_unit_test(test_llm_chat__fallback_names_the_answering_model),
        cmocka_unit_test(test_llm_chat__breaker_opens_and_probes),
        cmocka_unit_test(test_llm_chat__rate_limit_waits),
        cmocka_unit_test(test_llm_chat__token_rate_limit),
        cmocka_unit_test(test_llm_chat__budgets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
