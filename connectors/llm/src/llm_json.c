/*
 * llm_json.c - small JSON helpers the providers share: typed getters that
 * tolerate missing members, appending values to request bodies, error
 * bodies, and excerpts of bad replies for error messages.
 */
#include "llm_internal.h"

#include <string.h>

const char *llm_jstr(const keel_value *v, const char *key)
{
    return keel_value_get_string(keel_value_object_get(v, key), NULL);
}

int64_t llm_jint(const keel_value *v, const char *key)
{
    return keel_value_get_int(keel_value_object_get(v, key));
}

const keel_value *llm_jat(const keel_value *v, const char *key, size_t i)
{
    const keel_value *list = keel_value_object_get(v, key);
    if (keel_value_type(list) != KEEL_TYPE_LIST || i >= keel_value_len(list))
        return NULL;
    return keel_value_list_at(list, i);
}

void llm_put_value(keel_buf *b, const keel_value *v)
{
    char *json = NULL;
    if (keel_value_to_json(&json, v, false) != 0) {
        b->failed = KEEL_ENOMEM;
        return;
    }
    keel_buf_puts(b, json);
    keel_free(json);
}

void llm_put_str(keel_buf *b, const char *key, const char *value)
{
    keel_buf_json_string(b, key, strlen(key));
    keel_buf_putc(b, ':');
    keel_buf_json_string(b, value, strlen(value));
}

void llm_excerpt(char *out, size_t cap, const char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n && i < LLM_EXCERPT && j + 4 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[j] = ' ';
        if (ch >= 0x20 && ch < 0x7f)
            out[j] = s[i];
        j++;
    }
    if (n > LLM_EXCERPT && j + 4 < cap) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

int llm_parse_object(keel_value **out, const char *text, size_t n,
                     keel_error *err)
{
    *out = NULL;
    int rc = keel_value_from_json(out, text, n, err);
    if (rc == KEEL_ENOMEM)
        return rc;
    if (rc == 0 && keel_value_type(*out) == KEEL_TYPE_OBJECT)
        return 0;
    keel_value_unref(*out);
    *out = NULL;
    char ex[LLM_EXCERPT + 8];
    llm_excerpt(ex, sizeof(ex), text, n);
    return keel_error_set(err, KEEL_EUNAVAIL, "%s: '%s'",
                          n == 0   ? "empty body"
                          : rc == 0 ? "not a JSON object"
                                    : "not valid JSON",
                          ex);
}

const char *llm_error_message(const keel_value *body)
{
    const keel_value *e = keel_value_object_get(body, "error");
    const char *s = keel_value_get_string(e, NULL);
    if (s)
        return s;
    if ((s = llm_jstr(e, "message")))
        return s;
    return llm_jstr(body, "message");
}

bool llm_error_is_quota(const keel_value *body)
{
    const keel_value *e = keel_value_object_get(body, "error");
    const char *code = llm_jstr(e, "code"), *type = llm_jstr(e, "type");
    return (code && strcmp(code, "insufficient_quota") == 0) ||
           (type && strcmp(type, "insufficient_quota") == 0);
}
