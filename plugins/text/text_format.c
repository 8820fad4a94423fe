/*
 * text_format.c - text.format: fill {name} placeholders of a template from
 * an object of fields.
 *
 * The template language is deliberately tiny so that an LLM gets it right:
 * {name} is replaced by the field's value (a string as is, anything else as
 * compact JSON), {{ and }} stand for literal braces, and everything else is
 * copied. A placeholder naming no field, an empty or unclosed placeholder
 * and a lone '}' are errors that give the offset in the template.
 */
#include "text_internal.h"

#include <string.h>

typedef struct fmt_ctx {
    const keel_host_api *api;
    keel_call *call;
    const keel_value *fields;
    text_buf out;
} fmt_ctx;

/* Appends the value of the field named by name[0..len). */
static int put_field(fmt_ctx *f, const char *name, size_t len, size_t at)
{
    const keel_host_api *api = f->api;
    char *key = api->call_alloc(f->call, len + 1);
    if (!key)
        return api->set_error(f->call, KEEL_ENOMEM, "out of memory");
    memcpy(key, name, len);
    const keel_value *v = api->object_get(f->fields, key);
    if (!v || memchr(name, '\0', len))
        return api->set_error(f->call, KEEL_ENOTFOUND,
                              "'template' uses {%s} at offset %zu but "
                              "'fields' has no key '%s'", key, at, key);
    size_t vlen;
    const char *s = api->get_string(v, &vlen);
    if (!s) {
        if (!(s = api->to_json(f->call, v)))
            return api->set_error(f->call, KEEL_ENOMEM, "out of memory");
        vlen = strlen(s);
    }
    return text_buf_put(&f->out, s, vlen);
}

/* Handles the placeholder opening at t[i] ('{' not followed by '{');
 * sets *next past its '}'. */
static int placeholder(fmt_ctx *f, const char *t, size_t len, size_t i,
                       size_t *next)
{
    size_t end = i + 1;
    while (end < len && t[end] != '}' && t[end] != '{')
        end++;
    if (end == len || t[end] == '{')
        return f->api->set_error(f->call, KEEL_EINVAL,
                                 "'template' has an unclosed '{' at offset "
                                 "%zu (write '{{' for a literal brace)", i);
    if (end == i + 1)
        return f->api->set_error(f->call, KEEL_EINVAL,
                                 "'template' has an empty placeholder {} at "
                                 "offset %zu (write {name})", i);
    *next = end + 1;
    return put_field(f, t + i + 1, end - i - 1, i);
}

static int render(fmt_ctx *f, const char *t, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        while (run < len && t[run] != '{' && t[run] != '}')
            run++;
        int rc = text_buf_put(&f->out, t + i, run - i);
        if (rc || run == len)
            return rc;
        i = run;
        bool doubled = i + 1 < len && t[i + 1] == t[i];
        if (doubled) {
            rc = text_buf_put(&f->out, t + i, 1);
            i += 2;
        } else if (t[i] == '}')
            return f->api->set_error(f->call, KEEL_EINVAL,
                                     "'template' has a lone '}' at offset "
                                     "%zu (write '}}' for a literal brace)",
                                     i);
        else
            rc = placeholder(f, t, len, i, &i);
        if (rc)
            return rc;
    }
    return 0;
}

int text_format(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    size_t len;
    const char *t = text_arg(api, args, "template", &len);
    fmt_ctx f = {api, call, api->object_get(args, "fields"), {0}};
    text_buf_init(&f.out, api, call);
    int rc = render(&f, t, len);
    return rc ? rc : text_buf_result(&f.out, result);
}
