/*
 * json_path.c - dot paths for the json plugin: "a.b.0.c" is key a, key b,
 * list index 0, key c. A segment is a list index when the value it applies
 * to is a list, and a key otherwise, so a key may well be "0"; a key that
 * contains a dot cannot be addressed.
 *
 * Every error names the path and the first segment that failed, with its
 * position: missing keys and indexes past the end are KEEL_ENOTFOUND,
 * stepping into a scalar or indexing a list with a word KEEL_ETYPE.
 */
#include "json_internal.h"

#include <stdio.h>
#include <string.h>

/* Indexes of more digits than this are out of range of any list. */
#define INDEX_DIGITS_MAX 18

static size_t count_segments(const char *s, size_t len)
{
    size_t n = len ? 1 : 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '.';
    return n;
}

int json_path_split(json_path *p, const keel_host_api *api, keel_call *call,
                    const char *path, size_t len)
{
    if (memchr(path, '\0', len))
        return api->set_error(call, KEEL_EINVAL,
                              "'path' contains a NUL byte");
    p->text = path;
    p->n = count_segments(path, len);
    char *buf = api->call_alloc(call, len + 1);
    p->seg = api->call_alloc(call, (p->n + 1) * sizeof(*p->seg));
    if (!buf || !p->seg)
        return api->set_error(call, KEEL_ENOMEM, "out of memory");
    memcpy(buf, path, len);
    for (size_t i = 0; i < p->n; i++) {
        p->seg[i] = buf;
        buf += strcspn(buf, ".");
        *buf++ = '\0';
        if (!*p->seg[i])
            return api->set_error(call, KEEL_EINVAL,
                                  "'path' \"%s\": segment %zu is empty",
                                  p->text, i + 1);
    }
    return 0;
}

/* Sets an error about segment i and returns code. */
static int seg_error(const keel_host_api *api, keel_call *call, int code,
                     const json_path *p, size_t i, const char *what)
{
    return api->set_error(call, code, "'path' \"%s\": segment %zu '%s' %s",
                          p->text, i + 1, p->seg[i], what);
}

/* Decimal digits only: no sign, no spaces. */
static bool parse_index(size_t *out, const char *s)
{
    size_t v = 0, n = 0;
    for (; *s >= '0' && *s <= '9' && n < INDEX_DIGITS_MAX; s++, n++)
        v = v * 10 + (size_t)(*s - '0');
    *out = v;
    return n > 0 && *s == '\0';
}

int json_path_index(size_t *idx, const keel_host_api *api, keel_call *call,
                    const json_path *p, size_t i, size_t len, bool append)
{
    char what[96];
    if (!parse_index(idx, p->seg[i]))
        return seg_error(api, call, KEEL_ETYPE, p, i,
                         "is not an index into the list there");
    if (*idx < len || (append && *idx == len))
        return 0;
    snprintf(what, sizeof(what), "is out of range: the list has %zu item%s%s",
             len, len == 1 ? "" : "s",
             append ? " (its length appends)" : "");
    return seg_error(api, call, KEEL_ENOTFOUND, p, i, what);
}

int json_path_not_container(const keel_host_api *api, keel_call *call,
                            const json_path *p, size_t i,
                            const keel_value *v)
{
    static const char *const names[] = {"null",   "bool", "int",    "float",
                                        "string", "list", "object", "any"};
    char what[80];
    keel_type t = api->type_of(v);
    snprintf(what, sizeof(what),
             "steps into a value of type %s (not an object or list)",
             names[(unsigned)t < KEEL_COUNTOF(names) ? t : KEEL_TYPE_ANY]);
    return seg_error(api, call, KEEL_ETYPE, p, i, what);
}

int json_path_step(const keel_value **child, const keel_host_api *api,
                   keel_call *call, const json_path *p, size_t i,
                   const keel_value *node)
{
    size_t idx;
    int rc;
    switch (api->type_of(node)) {
    case KEEL_TYPE_OBJECT:
        if ((*child = api->object_get(node, p->seg[i])) != NULL)
            return 0;
        return seg_error(api, call, KEEL_ENOTFOUND, p, i,
                         "not found: the object there has no such key");
    case KEEL_TYPE_LIST:
        rc = json_path_index(&idx, api, call, p, i, api->list_len(node),
                             false);
        if (rc == 0)
            *child = api->list_at(node, idx);
        return rc;
    default:
        return json_path_not_container(api, call, p, i, node);
    }
}
