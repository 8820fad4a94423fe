/*
 * test_llm_record.c - --record then replay: the recording holds the reply
 * but never the API key, replay serves it back by request hash, and a
 * request with no recording is a clear KEEL_ENOTFOUND.
 */
#include "llm_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_llm_record__round_trip_redacted(void **state)
{
    (void)state;
    setenv("OPENAI_API_KEY", "sk-secret-key-42", 1);
    char path[] = "/tmp/keel_llm_recXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    mock_llm_reset(lt_mock());
    lt_script("openai_tools.jsonl");
    /* the key also appears in the prompt: it must be redacted there too */
    keel_llm_message m = {KEEL_LLM_USER, "my key is sk-secret-key-42"};
    keel_llm_request req = {.messages = &m, .n_messages = 1, .temperature = -1};
    keel_llm_options o = {.model = "openai:gpt-4o",
                          .base_url = mock_llm_url(lt_mock()),
                          .record_path = path};
    keel_llm *llm = NULL;
    keel_error err = {0};
    assert_int_equal(keel_llm_open(&llm, &o, &err), 0);
    keel_llm_reply r;
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    keel_llm_reply_free(&r);
    keel_llm_free(llm);

    char text[8192] = "";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_null(strstr(text, "sk-secret-key-42"));
    assert_non_null(strstr(text, "<redacted>"));

    char spec[64];
    snprintf(spec, sizeof(spec), "replay:%s", path);
    keel_llm_options ro = {.model = spec};
    assert_int_equal(keel_llm_open(&llm, &ro, &err), 0);
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(r.model, "openai:gpt-4o");
    assert_int_equal(r.n_tool_calls, 2);
    ts_assert_json(r.tool_calls[0].arguments, "{\"a\":1,\"b\":2}");
    assert_int_equal(r.input_tokens, 40);
    keel_llm_reply_free(&r);
    keel_llm_message other = {KEEL_LLM_USER, "something else"};
    req.messages = &other;
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), KEEL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no recording for this request"));
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
    unlink(path);
}

static void test_llm_record__bad_replay_file_names_line(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof(path), "replay:%s/tests/fuzz/corpus/llm_record/"
             "bad_hash", ts_source_dir());
    keel_llm_options o = {.model = path};
    keel_llm *llm = NULL;
    keel_error err = {0};
    assert_int_equal(keel_llm_open(&llm, &o, &err), KEEL_EINVAL);
    assert_non_null(strstr(err.msg, "bad_hash:1: \"hash\" must be 64"));
    assert_null(llm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_record__round_trip_redacted),
        cmocka_unit_test(test_llm_record__bad_replay_file_names_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
