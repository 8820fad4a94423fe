/*
 * test_llm_wire.c - every wire format against the mock provider: what keel
 * sends (path, key header, body shape) and how each reply, whole or
 * streamed (tool-call fragments split across chunks), is normalised.
 */
#include "llm_test.h"

#include <stdlib.h>
#include <string.h>

static void assert_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected '%s' in:\n%s", needle, hay);
}

static void assert_call(const keel_llm_tool_call *c, const char *id,
                        const char *name, const char *args)
{
    assert_string_equal(c->id, id);
    assert_string_equal(c->name, name);
    ts_assert_json(c->arguments, args);
}

typedef struct tokens {
    char text[256];
    int n;
} tokens;

static void on_token(void *ud, const char *s, size_t n)
{
    tokens *t = ud;
    strncat(t->text, s, n);
    t->n++;
}

static void test_llm_wire__openai_text(void **state)
{
    (void)state;
    setenv("OPENAI_API_KEY", "sk-test-123", 1);
    keel_llm *llm = lt_open("openai:gpt-4o", NULL, NULL);
    lt_script("openai_text.jsonl");
    keel_llm_message msgs[] = {{KEEL_LLM_SYSTEM, "be brief"},
                               {KEEL_LLM_USER, "hi"}};
    keel_value *schema = ts_json("{\"type\":\"object\"}");
    keel_llm_request req = {.messages = msgs, .n_messages = 2,
                            .schema = schema, .temperature = 0.5};
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(r.text, "Hello there.");
    assert_string_equal(r.stop_reason, "stop");
    assert_string_equal(r.model, "openai:gpt-4o");
    assert_string_equal(r.request_id, "chatcmpl-1");
    assert_int_equal(r.input_tokens, 12);
    assert_int_equal(r.output_tokens, 3);
    assert_int_equal(r.attempts, 1);
    mock_llm *m = lt_mock();
    assert_string_equal(mock_llm_path(m, 0), "/v1/chat/completions");
    assert_has(mock_llm_headers(m, 0), "Authorization: Bearer sk-test-123");
    assert_has(mock_llm_body(m, 0), "\"messages\":[{\"role\":\"system\","
                                    "\"content\":\"be brief\"}");
    assert_has(mock_llm_body(m, 0), "\"response_format\":{\"type\":"
                                    "\"json_schema\",\"json_schema\":{\"name\":"
                                    "\"reply\",\"schema\":{\"type\":\"object\"},"
                                    "\"strict\":true}}");
    assert_has(mock_llm_body(m, 0), "\"temperature\":0.5");
    keel_llm_reply_free(&r);
    keel_value_unref(schema);
    keel_llm_free(llm);
}

static void test_llm_wire__openai_tool_calls(void **state)
{
    (void)state;
    keel_llm *llm = lt_open("openai:gpt-4o", NULL, NULL);
    lt_script("openai_tools.jsonl");
    keel_value *tools = ts_json("[{\"name\":\"math-add\",\"description\":"
                                "\"adds\",\"parameters\":{\"type\":\"object\"}}]");
    keel_llm_request req = lt_request();
    req.tools = tools;
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(r.text, "");
    assert_string_equal(r.stop_reason, "tool_calls");
    assert_int_equal(r.n_tool_calls, 2);
    assert_call(&r.tool_calls[0], "call_a", "math-add", "{\"a\":1,\"b\":2}");
    assert_call(&r.tool_calls[1], "call_b", "text-upper", "{\"s\":\"x\"}");
    assert_has(mock_llm_body(lt_mock(), 0),
               "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
               "\"math-add\",\"description\":\"adds\",\"parameters\":"
               "{\"type\":\"object\"}}}]");
    keel_llm_reply_free(&r);
    keel_value_unref(tools);
    keel_llm_free(llm);
}

static void test_llm_wire__openai_stream_tool_fragments(void **state)
{
    (void)state;
    keel_llm *llm = lt_open("openai:gpt-4o", NULL, NULL);
    lt_script("openai_stream_tools.jsonl");
    tokens t = {"", 0};
    keel_llm_request req = lt_request();
    req.stream = true;
    req.on_token = on_token;
    req.token_ud = &t;
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(t.text, "Let me add.");
    assert_int_equal(t.n, 2);
    assert_string_equal(r.text, "Let me add.");
    assert_int_equal(r.n_tool_calls, 1);
    assert_call(&r.tool_calls[0], "call_s", "math-add", "{\"a\":40,\"b\":2}");
    assert_string_equal(r.stop_reason, "tool_calls");
    assert_int_equal(r.input_tokens, 30);
    assert_int_equal(r.output_tokens, 9);
    assert_has(mock_llm_body(lt_mock(), 0), "\"stream\":true,\"stream_options\":"
                                            "{\"include_usage\":true}");
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
}

static void test_llm_wire__azure_url_key_and_stream(void **state)
{
    (void)state;
    setenv("AZURE_OPENAI_API_KEY", "az-key-456", 1);
    keel_llm *llm = lt_open("azure:my-gpt4o", NULL,
                            "{\"providers\":{\"azure\":{\"api_version\":"
                            "\"2024-06-01\"}}}");
    lt_script("azure_stream.jsonl");
    keel_llm_request req = lt_request();
    req.stream = true;
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(r.text, "Hi Azure");
    assert_int_equal(r.input_tokens, 5);
    assert_string_equal(r.request_id, "c");
    mock_llm *m = lt_mock();
    assert_string_equal(mock_llm_path(m, 0), "/openai/deployments/my-gpt4o/"
                                             "chat/completions?api-version="
                                             "2024-06-01");
    assert_has(mock_llm_headers(m, 0), "api-key: az-key-456");
    assert_null(strstr(mock_llm_headers(m, 0), "Authorization"));
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
}

/* A reasoning model takes neither a temperature nor max_tokens: named as
 * OpenAI names them, or listed in llm.reasoning_models (an Azure
 * deployment's name says nothing). Others keep both. */
static void
test_llm_wire__reasoning_models_take_max_completion_tokens(void **state)
{
    (void)state;
    setenv("OPENAI_API_KEY", "sk-test-123", 1);
    setenv("AZURE_OPENAI_API_KEY", "az-key-456", 1);
    const struct {
        const char *spec;
        bool reasoning;
    } cases[] = {{"openai:gpt-5-mini", true}, {"openai:o4-mini", true},
                 {"openai:o1", true},         {"openai:gpt-5.1", true},
                 {"azure:planner", true},     {"openai:gpt-4o", false},
                 {"openai:omni", false},      {"openai:gpt-50x", false},
                 {"azure:other", false}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        keel_llm *llm = lt_open(cases[i].spec, NULL,
                                "{\"reasoning_models\": [\"azure:planner\"]}");
        lt_script("openai_text.jsonl");
        keel_llm_request req = lt_request();
        req.temperature = 0;
        req.max_tokens = 4096;
        keel_llm_reply r;
        keel_error err = {0};
        assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
        const char *body = mock_llm_body(lt_mock(), 0);
        if (cases[i].reasoning) {
            assert_has(body, "\"max_completion_tokens\":4096");
            assert_null(strstr(body, "\"max_tokens\""));
            assert_null(strstr(body, "\"temperature\""));
        } else {
            assert_has(body, "\"max_tokens\":4096");
            assert_has(body, "\"temperature\":0");
        }
        keel_llm_reply_free(&r);
        keel_llm_free(llm);
    }
}

static void test_llm_wire__ollama_tools_without_id(void **state)
{
    (void)state;
    keel_llm *llm = lt_open("ollama:llama3.1:8b", NULL, NULL);
    lt_script("ollama_tools.jsonl");
    keel_value *schema = ts_json("{\"type\":\"object\"}");
    keel_llm_request req = lt_request();
    req.schema = schema;
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_int_equal(r.n_tool_calls, 1);
    assert_call(&r.tool_calls[0], "call_0", "math-add", "{\"a\":1,\"b\":2}");
    assert_int_equal(r.input_tokens, 25);
    assert_int_equal(r.output_tokens, 7);
    mock_llm *m = lt_mock();
    assert_string_equal(mock_llm_path(m, 0), "/api/chat");
    assert_has(mock_llm_body(m, 0), "\"model\":\"llama3.1:8b\"");
    assert_has(mock_llm_body(m, 0), "\"format\":{\"type\":\"object\"}");
    assert_has(mock_llm_body(m, 0), "\"stream\":false");
    keel_llm_reply_free(&r);
    keel_value_unref(schema);
    keel_llm_free(llm);
}

static void test_llm_wire__ollama_ndjson_stream(void **state)
{
    (void)state;
    keel_llm *llm = lt_open("ollama:llama3.1", NULL, NULL);
    lt_script("ollama_stream.jsonl");
    tokens t = {"", 0};
    keel_llm_request req = lt_request();
    req.stream = true;
    req.on_token = on_token;
    req.token_ud = &t;
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(t.text, "Hello");
    assert_string_equal(r.text, "Hello");
    assert_int_equal(r.n_tool_calls, 1);
    assert_call(&r.tool_calls[0], "call_0", "math-add", "{\"a\":3}");
    assert_int_equal(r.output_tokens, 4);
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
}

static void test_llm_wire__anthropic_blocks(void **state)
{
    (void)state;
    setenv("ANTHROPIC_API_KEY", "ant-key-789", 1);
    keel_llm *llm = lt_open("anthropic:claude-sonnet-4", NULL, NULL);
    lt_script("anthropic_tools.jsonl");
    keel_llm_message msgs[] = {{KEEL_LLM_SYSTEM, "sys"},
                               {KEEL_LLM_USER, "hi"}};
    keel_llm_request req = {.messages = msgs, .n_messages = 2,
                            .temperature = -1};
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(r.text, "Adding.");
    assert_string_equal(r.stop_reason, "tool_calls");
    assert_string_equal(r.request_id, "msg_01");
    assert_call(&r.tool_calls[0], "toolu_01", "math-add", "{\"a\":1,\"b\":2}");
    assert_int_equal(r.input_tokens, 50);
    mock_llm *m = lt_mock();
    assert_string_equal(mock_llm_path(m, 0), "/v1/messages");
    assert_has(mock_llm_headers(m, 0), "x-api-key: ant-key-789");
    assert_has(mock_llm_headers(m, 0), "anthropic-version: 2023-06-01");
    assert_has(mock_llm_body(m, 0), "\"system\":\"sys\",\"messages\":"
                                    "[{\"role\":\"user\",\"content\":\"hi\"}]");
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
}

static void test_llm_wire__anthropic_stream_partial_json(void **state)
{
    (void)state;
    keel_llm *llm = lt_open("anthropic:claude-sonnet-4", NULL, NULL);
    lt_script("anthropic_stream_tools.jsonl");
    keel_llm_request req = lt_request();
    req.stream = true;
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(r.text, "Sure");
    assert_call(&r.tool_calls[0], "toolu_02", "math-add", "{\"a\":4,\"b\":5}");
    assert_string_equal(r.stop_reason, "tool_calls");
    assert_int_equal(r.input_tokens, 21);
    assert_int_equal(r.output_tokens, 15);
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
}

static void test_llm_wire__anthropic_schema_as_forced_tool(void **state)
{
    (void)state;
    keel_llm *llm = lt_open("anthropic:claude-sonnet-4", NULL, NULL);
    mock_llm_push(lt_mock(), "{\"json\":{\"id\":\"m\",\"content\":[{\"type\":"
                  "\"tool_use\",\"id\":\"t\",\"name\":\"plan\",\"input\":"
                  "{\"steps\":[]}}],\"stop_reason\":\"tool_use\",\"usage\":"
                  "{\"input_tokens\":1,\"output_tokens\":1}}}");
    keel_value *schema = ts_json("{\"type\":\"object\"}");
    keel_llm_request req = lt_request();
    req.schema = schema;
    req.schema_name = "plan";
    keel_llm_reply r;
    keel_error err = {0};
    assert_int_equal(keel_llm_chat(&r, llm, &req, &err), 0);
    assert_string_equal(r.text, "{\"steps\":[]}");
    assert_int_equal(r.n_tool_calls, 0);
    assert_string_equal(r.stop_reason, "stop");
    assert_has(mock_llm_body(lt_mock(), 0),
               "\"tool_choice\":{\"type\":\"tool\",\"name\":\"plan\"}");
    keel_llm_reply_free(&r);
    keel_value_unref(schema);
    keel_llm_free(llm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_wire__openai_text),
        cmocka_unit_test(
            test_llm_wire__reasoning_models_take_max_completion_tokens),
        cmocka_unit_test(test_llm_wire__openai_tool_calls),
        cmocka_unit_test(test_llm_wire__openai_stream_tool_fragments),
        cmocka_unit_test(test_llm_wire__azure_url_key_and_stream),
        cmocka_unit_test(test_llm_wire__ollama_tools_without_id),
        cmocka_unit_test(test_llm_wire__ollama_ndjson_stream),
        cmocka_unit_test(test_llm_wire__anthropic_blocks),
        cmocka_unit_test(test_llm_wire__anthropic_stream_partial_json),
        cmocka_unit_test(test_llm_wire__anthropic_schema_as_forced_tool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
