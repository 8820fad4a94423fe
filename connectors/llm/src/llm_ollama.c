/*
 * llm_ollama.c - Ollama's native /api/chat wire format: "format" carries
 * the reply's JSON Schema, tool calls come whole with object arguments and
 * often no id, usage is prompt_eval_count/eval_count, errors are
 * {"error": "..."}, and streams are newline-delimited JSON objects.
 */
#include "llm_encode.h"

#include <string.h>

static void url(keel_buf *b, const llm_endpoint *ep)
{
    keel_buf_printf(b, "%s/api/chat", ep->url);
}

static void encode(keel_buf *b, const llm_endpoint *ep,
                   const keel_llm_request *req)
{
    keel_buf_putc(b, '{');
    llm_put_str(b, "model", ep->model);
    keel_buf_putc(b, ',');
    llm_put_messages(b, req, false);
    llm_put_tools_openai(b, req->tools);
    if (req->schema) {
        keel_buf_puts(b, ",\"format\":");
        llm_put_value(b, req->schema);
    }
    keel_buf_printf(b, ",\"stream\":%s,\"options\":{\"num_predict\":%d",
                    req->stream ? "true" : "false", llm_max_tokens(req));
    llm_put_temperature(b, "temperature", req);
    keel_buf_puts(b, "}}");
}

/* One object, whole reply or stream line: they have the same shape. */
static int chunk(llm_acc *a, const keel_value *v, keel_error *err)
{
    const keel_value *msg = keel_value_object_get(v, "message");
    size_t n = 0;
    const char *text = keel_value_get_string(
        keel_value_object_get(msg, "content"), &n);
    llm_acc_text(a, text, n);
    const keel_value *list = keel_value_object_get(msg, "tool_calls");
    for (size_t i = 0; i < keel_value_len(list); i++) {
        const keel_value *c = keel_value_list_at(list, i);
        const keel_value *fn = keel_value_object_get(c, "function");
        int rc = llm_add_call(a, (long)a->n_calls, llm_jstr(c, "id"),
                              llm_jstr(fn, "name"),
                              keel_value_object_get(fn, "arguments"), err);
        if (rc)
            return rc;
    }
    if (keel_value_get_bool(keel_value_object_get(v, "done"))) {
        a->done = true;
        llm_acc_stop(a, llm_jstr(v, "done_reason"));
        a->in_tokens = llm_jint(v, "prompt_eval_count");
        a->out_tokens = llm_jint(v, "eval_count");
    }
    return 0;
}

static int decode(llm_acc *a, const keel_value *body, keel_error *err)
{
    const char *emsg = keel_value_get_string(
        keel_value_object_get(body, "error"), NULL);
    if (emsg)
        return keel_error_set(err, KEEL_EUNAVAIL, "%s", emsg);
    if (keel_value_type(keel_value_object_get(body, "message")) !=
        KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_EUNAVAIL, "reply has no message");
    return chunk(a, body, err);
}

static int event(llm_acc *a, const char *name, const char *data, size_t n,
                 keel_error *err)
{
    (void)name;
    keel_value *v = NULL;
    int rc = llm_event_json(&v, data, n, err);
    if (rc == 0) {
        const char *emsg = llm_jstr(v, "error");
        rc = emsg ? keel_error_set(err, KEEL_EUNAVAIL, "error in stream: %s",
                                   emsg)
                  : chunk(a, v, err);
    }
    keel_value_unref(v);
    return rc;
}

const llm_provider llm_provider_ollama = {
    .name = "ollama",
    .default_url = "http://127.0.0.1:11434",
    .framing = LLM_FRAME_NDJSON,
    .url = url,
    .encode = encode,
    .decode = decode,
    .event = event,
};
