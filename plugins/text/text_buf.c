/*
 * text_buf.c - the text plugin's helpers: a byte buffer that lives in call
 * memory, reading string arguments, making string results, and a plain
 * byte search (memmem is not C11).
 *
 * The buffer grows by taking a new, twice as large block from
 * api->call_alloc and copying; the old block is released with the call, so
 * the total stays under twice the final size and nothing is freed by hand.
 */
#include "text_internal.h"

#include <stdint.h>
#include <string.h>

#define TEXT_BUF_MIN 64

void text_buf_init(text_buf *b, const keel_host_api *api, keel_call *call)
{
    b->api = api;
    b->call = call;
    b->p = NULL;
    b->len = b->cap = 0;
}

static int text_buf_grow(text_buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : TEXT_BUF_MIN;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return b->api->set_error(b->call, KEEL_ENOMEM,
                                     "result is too large");
        cap *= 2;
    }
    char *p = b->api->call_alloc(b->call, cap);
    if (!p)
        return b->api->set_error(b->call, KEEL_ENOMEM, "out of memory");
    if (b->len)
        memcpy(p, b->p, b->len);
    b->p = p;
    b->cap = cap;
    return 0;
}

int text_buf_put(text_buf *b, const char *s, size_t n)
{
    if (n > SIZE_MAX - b->len)
        return b->api->set_error(b->call, KEEL_ENOMEM, "result is too large");
    if (b->len + n > b->cap) {
        int rc = text_buf_grow(b, b->len + n);
        if (rc)
            return rc;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    return 0;
}

int text_buf_result(text_buf *b, keel_value **result)
{
    return text_result(b->api, b->call, b->p ? b->p : "", b->len, result);
}

const char *text_arg(const keel_host_api *api, const keel_value *args,
                     const char *name, size_t *len)
{
    *len = 0;
    const keel_value *v = api->object_get(args, name);
    return v ? api->get_string(v, len) : NULL;
}

int text_result(const keel_host_api *api, keel_call *call, const char *s,
                size_t len, keel_value **result)
{
    /* On failure the host has already set the call's error. */
    *result = api->new_string(call, s, len);
    return *result ? 0 : KEEL_ENOMEM;
}

size_t text_find(const char *hay, size_t hay_len, const char *needle,
                 size_t needle_len, size_t from)
{
    if (from > hay_len || needle_len > hay_len - from)
        return SIZE_MAX;
    if (needle_len == 0)
        return from;
    const char *end = hay + hay_len - needle_len;
    for (const char *p = hay + from; p <= end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p)
            break;
        if (memcmp(p, needle, needle_len) == 0)
            return (size_t)(p - hay);
    }
    return SIZE_MAX;
}
