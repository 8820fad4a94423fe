/*
 * llm_encode.c - request body pieces shared by the wire formats (messages,
 * OpenAI-style tools, sampling settings) and the decoding step that every
 * format ends with: adding a tool call to the accumulator.
 */
#include "llm_encode.h"

#include <string.h>

static const char *const role_names[] = {"system", "user", "assistant"};

void llm_put_messages(keel_buf *b, const keel_llm_request *req,
                      bool skip_system)
{
    keel_buf_puts(b, "\"messages\":[");
    bool first = true;
    for (size_t i = 0; i < req->n_messages; i++) {
        const keel_llm_message *m = &req->messages[i];
        if (skip_system && m->role == KEEL_LLM_SYSTEM)
            continue;
        keel_buf_puts(b, first ? "{" : ",{");
        llm_put_str(b, "role", role_names[m->role]);
        keel_buf_putc(b, ',');
        llm_put_str(b, "content", m->content ? m->content : "");
        keel_buf_putc(b, '}');
        first = false;
    }
    keel_buf_putc(b, ']');
}

bool llm_has_system(const keel_llm_request *req)
{
    for (size_t i = 0; i < req->n_messages; i++)
        if (req->messages[i].role == KEEL_LLM_SYSTEM)
            return true;
    return false;
}

void llm_put_system(keel_buf *b, const keel_llm_request *req)
{
    keel_buf joined;
    keel_buf_init(&joined);
    for (size_t i = 0; i < req->n_messages; i++) {
        const keel_llm_message *m = &req->messages[i];
        if (m->role != KEEL_LLM_SYSTEM || !m->content)
            continue;
        if (joined.len)
            keel_buf_puts(&joined, "\n\n");
        keel_buf_puts(&joined, m->content);
    }
    keel_buf_json_string(b, joined.data ? joined.data : "", joined.len);
    if (joined.failed)
        b->failed = joined.failed;
    keel_buf_free(&joined);
}

void llm_put_tools_openai(keel_buf *b, const keel_value *tools)
{
    if (!tools || keel_value_len(tools) == 0)
        return;
    keel_buf_puts(b, ",\"tools\":[");
    for (size_t i = 0; i < keel_value_len(tools); i++) {
        const keel_value *t = keel_value_list_at(tools, i);
        keel_buf_puts(b, i ? ",{" : "{");
        keel_buf_puts(b, "\"type\":\"function\",\"function\":{");
        llm_put_str(b, "name", llm_jstr(t, "name") ? llm_jstr(t, "name") : "");
        keel_buf_putc(b, ',');
        llm_put_str(b, "description", llm_jstr(t, "description")
                                          ? llm_jstr(t, "description") : "");
        keel_buf_puts(b, ",\"parameters\":");
        const keel_value *p = keel_value_object_get(t, "parameters");
        if (p)
            llm_put_value(b, p);
        else
            keel_buf_puts(b, "{\"type\":\"object\",\"properties\":{}}");
        keel_buf_puts(b, "}}");
    }
    keel_buf_putc(b, ']');
}

void llm_put_temperature(keel_buf *b, const char *key,
                         const keel_llm_request *req)
{
    if (req->temperature >= 0)
        keel_buf_printf(b, ",\"%s\":%.3g", key, req->temperature);
}

int llm_max_tokens(const keel_llm_request *req)
{
    return req->max_tokens > 0 ? req->max_tokens : 1024;
}

const char *llm_schema_name(const keel_llm_request *req)
{
    return req->schema_name && *req->schema_name ? req->schema_name : "reply";
}

int llm_add_call(llm_acc *a, long index, const char *id, const char *name,
                 const keel_value *args, keel_error *err)
{
    llm_call_acc *c = llm_acc_call(a, index);
    if (!c)
        return keel_error_set(err, KEEL_EUNAVAIL, "more than %d tool calls",
                              LLM_MAX_TOOL_CALLS);
    /* id and name come once, but some servers repeat them in every
     * chunk: keep the first (arguments are the only field sent in pieces) */
    if (id && *id && c->id.len == 0)
        keel_buf_puts(&c->id, id);
    if (name && *name && c->name.len == 0)
        keel_buf_puts(&c->name, name);
    size_t n = 0;
    const char *text = keel_value_get_string(args, &n);
    if (text)
        keel_buf_append(&c->args, text, n);
    else if (keel_value_type(args) == KEEL_TYPE_OBJECT)
        llm_put_value(&c->args, args);
    else if (args && keel_value_type(args) != KEEL_TYPE_NULL)
        return keel_error_set(err, KEEL_EUNAVAIL, "tool call '%s': arguments "
                              "are a %s, not an object", name ? name : "",
                              keel_type_name(keel_value_type(args)));
    return 0;
}

int llm_event_json(keel_value **out, const char *data, size_t n,
                   keel_error *err)
{
    int rc = llm_parse_object(out, data, n, err);
    if (rc && rc != KEEL_ENOMEM)
        keel_error_prefix(err, "stream event");
    return rc;
}
