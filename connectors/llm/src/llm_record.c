/*
 * llm_record.c - the normal form and hash of a request, recording lines
 * (secrets redacted), and the replay file: read once, served by hash.
 */
#include "llm_record.h"

#include <string.h>

static int set(keel_value *obj, const char *key, keel_value *v)
{
    return v ? keel_value_object_set_take(obj, key, v) : KEEL_ENOMEM;
}

static keel_value *ref_or_null(const keel_value *v)
{
    return v ? keel_value_ref(v) : keel_value_null();
}

static keel_value *messages(const keel_llm_request *req)
{
    static const char *const roles[] = {"system", "user", "assistant"};
    keel_value *list = keel_value_list();
    for (size_t i = 0; list && i < req->n_messages; i++) {
        keel_value *m = keel_value_object();
        const char *content = req->messages[i].content;
        if (!m || set(m, "role", keel_value_cstring(roles[req->messages[i].role])) ||
            set(m, "content", keel_value_cstring(content ? content : "")) ||
            keel_value_list_append_take(list, m)) {
            keel_value_unref(list);
            return NULL;
        }
    }
    return list;
}

int llm_request_norm(keel_value **out, const keel_llm_request *req)
{
    keel_value *n = keel_value_object();
    int rc = n ? 0 : KEEL_ENOMEM;
    if (rc == 0)
        rc = set(n, "messages", messages(req));
    if (rc == 0)
        rc = set(n, "tools", ref_or_null(req->tools));
    if (rc == 0)
        rc = set(n, "schema", ref_or_null(req->schema));
    if (rc == 0)
        rc = set(n, "temperature", req->temperature >= 0
                                       ? keel_value_float(req->temperature)
                                       : keel_value_null());
    if (rc == 0)
        rc = set(n, "max_tokens", keel_value_int(req->max_tokens > 0
                                                     ? req->max_tokens : 1024));
    if (rc) {
        keel_value_unref(n);
        return KEEL_ENOMEM;
    }
    *out = n;
    return 0;
}

int llm_request_hash(char hex[65], const keel_value *norm)
{
    char *text = NULL;
    int rc = keel_value_to_canonical_json(&text, norm);
    if (rc)
        return rc;
    keel_sha256_hex(hex, text, strlen(text));
    keel_free(text);
    return 0;
}

static keel_value *calls_value(const keel_llm_reply *r)
{
    keel_value *list = keel_value_list();
    for (size_t i = 0; list && i < r->n_tool_calls; i++) {
        const keel_llm_tool_call *c = &r->tool_calls[i];
        keel_value *o = keel_value_object();
        if (!o || set(o, "id", keel_value_cstring(c->id)) ||
            set(o, "name", keel_value_cstring(c->name)) ||
            set(o, "arguments", keel_value_ref(c->arguments)) ||
            keel_value_list_append_take(list, o)) {
            keel_value_unref(list);
            return NULL;
        }
    }
    return list;
}

static keel_value *reply_value(const keel_llm_reply *r)
{
    keel_value *o = keel_value_object();
    if (!o || set(o, "model", keel_value_cstring(r->model ? r->model : "")) ||
        set(o, "text", keel_value_cstring(r->text ? r->text : "")) ||
        set(o, "tool_calls", calls_value(r)) ||
        set(o, "stop_reason", keel_value_cstring(r->stop_reason ? r->stop_reason : "")) ||
        set(o, "input_tokens", keel_value_int(r->input_tokens)) ||
        set(o, "output_tokens", keel_value_int(r->output_tokens)) ||
        set(o, "request_id", keel_value_cstring(r->request_id ? r->request_id : ""))) {
        keel_value_unref(o);
        return NULL;
    }
    return o;
}

/* Replaces every occurrence of each secret in *text. */
static int redact(char **text, const char *const *secrets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = secrets[i];
        if (!s || strlen(s) < 4)
            continue;
        keel_buf b;
        keel_buf_init(&b);
        const char *p = *text, *hit;
        while ((hit = strstr(p, s))) {
            keel_buf_append(&b, p, (size_t)(hit - p));
            keel_buf_puts(&b, "<redacted>");
            p = hit + strlen(s);
        }
        keel_buf_puts(&b, p);
        char *next = NULL;
        if (keel_buf_finish(&b, &next))
            return KEEL_ENOMEM;
        keel_free(*text);
        *text = next;
    }
    return 0;
}

int llm_record_line(char **out, const char *hash, const keel_value *norm,
                    const keel_llm_reply *reply, const char *const *secrets,
                    size_t n_secrets)
{
    *out = NULL;
    keel_value *line = keel_value_object();
    int rc = line ? 0 : KEEL_ENOMEM;
    if (rc == 0)
        rc = set(line, "hash", keel_value_cstring(hash));
    if (rc == 0)
        rc = set(line, "request", keel_value_ref(norm));
    if (rc == 0)
        rc = set(line, "reply", reply_value(reply));
    if (rc == 0)
        rc = keel_value_to_json(out, line, false);
    keel_value_unref(line);
    if (rc == 0)
        rc = redact(out, secrets, n_secrets);
    if (rc) {
        keel_free(*out);
        *out = NULL;
    }
    return rc ? KEEL_ENOMEM : 0;
}
