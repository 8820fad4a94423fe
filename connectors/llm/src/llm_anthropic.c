/*
 * llm_anthropic.c - Anthropic's Messages API: top-level "system",
 * content blocks (text, tool_use with object input), x-api-key and
 * anthropic-version headers, usage input_tokens/output_tokens, and a
 * stream of named SSE events where tool input arrives as partial_json
 * fragments per content-block index. A reply schema travels as a forced
 * tool whose input becomes the reply text (llm_acc_finish).
 */
#include "llm_encode.h"

#include <string.h>

static void url(keel_buf *b, const llm_endpoint *ep)
{
    keel_buf_printf(b, "%s/v1/messages", ep->url);
}

static void put_tool(keel_buf *b, const char *name, const char *desc,
                     const keel_value *schema)
{
    keel_buf_putc(b, '{');
    llm_put_str(b, "name", name ? name : "");
    keel_buf_putc(b, ',');
    llm_put_str(b, "description", desc ? desc : "");
    keel_buf_puts(b, ",\"input_schema\":");
    if (schema)
        llm_put_value(b, schema);
    else
        keel_buf_puts(b, "{\"type\":\"object\",\"properties\":{}}");
    keel_buf_putc(b, '}');
}

static void put_tools(keel_buf *b, const keel_llm_request *req)
{
    size_t n = req->tools ? keel_value_len(req->tools) : 0;
    if (n == 0 && !req->schema)
        return;
    keel_buf_puts(b, ",\"tools\":[");
    for (size_t i = 0; i < n; i++) {
        const keel_value *t = keel_value_list_at(req->tools, i);
        if (i)
            keel_buf_putc(b, ',');
        put_tool(b, llm_jstr(t, "name"), llm_jstr(t, "description"),
                 keel_value_object_get(t, "parameters"));
    }
    if (req->schema) {
        if (n)
            keel_buf_putc(b, ',');
        put_tool(b, llm_schema_name(req), "Give the reply in this shape.",
                 req->schema);
    }
    keel_buf_putc(b, ']');
    if (req->schema) {
        keel_buf_puts(b, ",\"tool_choice\":{\"type\":\"tool\",");
        llm_put_str(b, "name", llm_schema_name(req));
        keel_buf_putc(b, '}');
    }
}

static void encode(keel_buf *b, const llm_endpoint *ep,
                   const keel_llm_request *req)
{
    keel_buf_putc(b, '{');
    llm_put_str(b, "model", ep->model);
    keel_buf_printf(b, ",\"max_tokens\":%d,", llm_max_tokens(req));
    if (llm_has_system(req)) {
        keel_buf_puts(b, "\"system\":");
        llm_put_system(b, req);
        keel_buf_putc(b, ',');
    }
    llm_put_messages(b, req, true);
    put_tools(b, req);
    llm_put_temperature(b, "temperature", req);
    if (req->stream)
        keel_buf_puts(b, ",\"stream\":true");
    keel_buf_putc(b, '}');
}

static void usage(llm_acc *a, const keel_value *u)
{
    if (keel_value_object_get(u, "input_tokens"))
        a->in_tokens = llm_jint(u, "input_tokens");
    if (keel_value_object_get(u, "output_tokens"))
        a->out_tokens = llm_jint(u, "output_tokens");
}

static int block(llm_acc *a, long index, const keel_value *blk, bool whole,
                 keel_error *err)
{
    const char *type = llm_jstr(blk, "type");
    if (type && strcmp(type, "text") == 0) {
        size_t n = 0;
        const char *text = keel_value_get_string(
            keel_value_object_get(blk, "text"), &n);
        llm_acc_text(a, text, n);
    } else if (type && strcmp(type, "tool_use") == 0) {
        /* streamed input comes as partial_json; the start block holds {} */
        return llm_add_call(a, index, llm_jstr(blk, "id"), llm_jstr(blk, "name"),
                            whole ? keel_value_object_get(blk, "input") : NULL,
                            err);
    }
    return 0;
}

static int decode(llm_acc *a, const keel_value *body, keel_error *err)
{
    const keel_value *content = keel_value_object_get(body, "content");
    if (keel_value_type(content) != KEEL_TYPE_LIST)
        return keel_error_set(err, KEEL_EUNAVAIL, "reply has no content list");
    llm_acc_request_id(a, llm_jstr(body, "id"));
    for (size_t i = 0; i < keel_value_len(content); i++) {
        int rc = block(a, (long)i, keel_value_list_at(content, i), true, err);
        if (rc)
            return rc;
    }
    llm_acc_stop(a, llm_jstr(body, "stop_reason"));
    usage(a, keel_value_object_get(body, "usage"));
    return 0;
}

static int delta(llm_acc *a, long index, const keel_value *d, keel_error *err)
{
    const char *type = llm_jstr(d, "type");
    size_t n = 0;
    if (type && strcmp(type, "text_delta") == 0) {
        const char *s = keel_value_get_string(keel_value_object_get(d, "text"),
                                              &n);
        llm_acc_text(a, s, n);
    } else if (type && strcmp(type, "input_json_delta") == 0) {
        llm_call_acc *c = llm_acc_call(a, index);
        const char *s = keel_value_get_string(
            keel_value_object_get(d, "partial_json"), &n);
        if (!c)
            return keel_error_set(err, KEEL_EUNAVAIL, "more than %d tool calls",
                                  LLM_MAX_TOOL_CALLS);
        if (s)
            keel_buf_append(&c->args, s, n);
    }
    return 0;
}

static int dispatch(llm_acc *a, const char *type, const keel_value *v,
                    keel_error *err)
{
    long index = (long)llm_jint(v, "index");
    if (strcmp(type, "message_start") == 0) {
        const keel_value *m = keel_value_object_get(v, "message");
        llm_acc_request_id(a, llm_jstr(m, "id"));
        usage(a, keel_value_object_get(m, "usage"));
    } else if (strcmp(type, "content_block_start") == 0) {
        return block(a, index, keel_value_object_get(v, "content_block"), false,
                     err);
    } else if (strcmp(type, "content_block_delta") == 0) {
        return delta(a, index, keel_value_object_get(v, "delta"), err);
    } else if (strcmp(type, "message_delta") == 0) {
        llm_acc_stop(a, llm_jstr(keel_value_object_get(v, "delta"),
                                 "stop_reason"));
        usage(a, keel_value_object_get(v, "usage"));
    } else if (strcmp(type, "message_stop") == 0) {
        a->done = true;
    } else if (strcmp(type, "error") == 0) {
        const char *m = llm_error_message(v);
        return keel_error_set(err, KEEL_EUNAVAIL, "error in stream: %s",
                              m ? m : "(no message)");
    }
    return 0; /* ping, content_block_stop, and types added later */
}

static int event(llm_acc *a, const char *name, const char *data, size_t n,
                 keel_error *err)
{
    keel_value *v = NULL;
    int rc = llm_event_json(&v, data, n, err);
    if (rc)
        return rc;
    const char *type = llm_jstr(v, "type");
    if (!type)
        type = name ? name : "";
    rc = dispatch(a, type, v, err);
    keel_value_unref(v);
    return rc;
}

const llm_provider llm_provider_anthropic = {
    .name = "anthropic",
    .default_url = "https://api.anthropic.com",
    .key_env = "ANTHROPIC_API_KEY",
    .auth_header = "x-api-key: ",
    .version_header = "anthropic-version: ",
    .default_version = "2023-06-01",
    .request_id_header = "request-id",
    .framing = LLM_FRAME_SSE,
    .schema_as_tool = true,
    .url = url,
    .encode = encode,
    .decode = decode,
    .event = event,
};
