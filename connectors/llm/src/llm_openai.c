/*
 * llm_openai.c - the OpenAI chat completions wire format, used by OpenAI,
 * every OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Ollama's /v1)
 * and Azure OpenAI, which differs only in its URL and key header.
 * Tool-call arguments arrive as a JSON string, streamed in fragments keyed
 * by the call's index.
 */
#include "llm_encode.h"

#include <string.h>

static void url_openai(keel_buf *b, const llm_endpoint *ep)
{
    size_t n = strlen(ep->url);
    /* a base that already ends in /v1 (as many servers document it) */
    bool has_v1 = n >= 3 && strcmp(ep->url + n - 3, "/v1") == 0;
    keel_buf_printf(b, "%s%s/chat/completions", ep->url, has_v1 ? "" : "/v1");
}

static void url_azure(keel_buf *b, const llm_endpoint *ep)
{
    keel_buf_printf(b, "%s/openai/deployments/%s/chat/completions"
                       "?api-version=%s", ep->url, ep->model, ep->version);
}

static void put_response_format(keel_buf *b, const keel_llm_request *req)
{
    if (!req->schema)
        return;
    keel_buf_puts(b, ",\"response_format\":{\"type\":\"json_schema\","
                     "\"json_schema\":{");
    llm_put_str(b, "name", llm_schema_name(req));
    keel_buf_puts(b, ",\"schema\":");
    llm_put_value(b, req->schema);
    keel_buf_puts(b, req->schema_loose ? ",\"strict\":false}}"
                                       : ",\"strict\":true}}");
}

static void encode(keel_buf *b, const llm_endpoint *ep,
                   const keel_llm_request *req)
{
    keel_buf_putc(b, '{');
    llm_put_str(b, "model", ep->model);
    keel_buf_putc(b, ',');
    llm_put_messages(b, req, false);
    llm_put_tools_openai(b, req->tools);
    put_response_format(b, req);
    if (!ep->reasoning) /* reasoning models take the default only */
        llm_put_temperature(b, "temperature", req);
    keel_buf_printf(b, ",\"%s\":%d",
                    ep->reasoning ? "max_completion_tokens" : "max_tokens",
                    llm_max_tokens(req));
    if (req->stream)
        keel_buf_puts(b, ",\"stream\":true,"
                         "\"stream_options\":{\"include_usage\":true}");
    keel_buf_putc(b, '}');
}

static void usage(llm_acc *a, const keel_value *body)
{
    const keel_value *u = keel_value_object_get(body, "usage");
    if (!u)
        return;
    a->in_tokens = llm_jint(u, "prompt_tokens");
    a->out_tokens = llm_jint(u, "completion_tokens");
}

/* tool_calls[] of a message (whole) or a delta (fragments). */
static int calls(llm_acc *a, const keel_value *list, keel_error *err)
{
    for (size_t i = 0; i < keel_value_len(list); i++) {
        const keel_value *c = keel_value_list_at(list, i);
        const keel_value *fn = keel_value_object_get(c, "function");
        const keel_value *idx = keel_value_object_get(c, "index");
        long index = idx ? (long)keel_value_get_int(idx) : (long)i;
        int rc = llm_add_call(a, index, llm_jstr(c, "id"), llm_jstr(fn, "name"),
                              keel_value_object_get(fn, "arguments"), err);
        if (rc)
            return rc;
    }
    return 0;
}

static int decode(llm_acc *a, const keel_value *body, keel_error *err)
{
    const keel_value *choice = llm_jat(body, "choices", 0);
    const keel_value *msg = keel_value_object_get(choice, "message");
    if (keel_value_type(msg) != KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_EUNAVAIL,
                              "reply has no choices[0].message");
    llm_acc_request_id(a, llm_jstr(body, "id"));
    size_t n = 0;
    const char *text = keel_value_get_string(
        keel_value_object_get(msg, "content"), &n);
    llm_acc_text(a, text, n);
    llm_acc_stop(a, llm_jstr(choice, "finish_reason"));
    usage(a, body);
    return calls(a, keel_value_object_get(msg, "tool_calls"), err);
}

static int event(llm_acc *a, const char *name, const char *data, size_t n,
                 keel_error *err)
{
    (void)name;
    if (n == 6 && memcmp(data, "[DONE]", 6) == 0) {
        a->done = true;
        return 0;
    }
    keel_value *v = NULL;
    int rc = llm_event_json(&v, data, n, err);
    if (rc)
        return rc;
    const char *emsg = llm_error_message(v);
    if (keel_value_object_get(v, "error"))
        rc = keel_error_set(err, KEEL_EUNAVAIL, "error in stream: %s",
                            emsg ? emsg : "(no message)");
    const keel_value *choice = llm_jat(v, "choices", 0);
    const keel_value *delta = keel_value_object_get(choice, "delta");
    llm_acc_request_id(a, llm_jstr(v, "id"));
    size_t len = 0;
    const char *text = keel_value_get_string(
        keel_value_object_get(delta, "content"), &len);
    llm_acc_text(a, text, len);
    llm_acc_stop(a, llm_jstr(choice, "finish_reason"));
    usage(a, v);
    if (rc == 0)
        rc = calls(a, keel_value_object_get(delta, "tool_calls"), err);
    keel_value_unref(v);
    return rc;
}

const llm_provider llm_provider_openai = {
    .name = "openai",
    .default_url = "https://api.openai.com",
    .key_env = "OPENAI_API_KEY",
    .auth_header = "Authorization: Bearer ",
    .request_id_header = "x-request-id",
    .framing = LLM_FRAME_SSE,
    .url = url_openai,
    .encode = encode,
    .decode = decode,
    .event = event,
};

const llm_provider llm_provider_azure = {
    .name = "azure",
    .default_url = NULL, /* the resource's endpoint must be configured */
    .key_env = "AZURE_OPENAI_API_KEY",
    .auth_header = "api-key: ",
    .default_version = "2024-10-21",
    .request_id_header = "apim-request-id",
    .framing = LLM_FRAME_SSE,
    .url = url_azure,
    .encode = encode,
    .decode = decode,
    .event = event,
};
