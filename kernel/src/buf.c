/*
 * buf.c - growable text buffer with sticky errors.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void keel_buf_init(keel_buf *b)
{
    memset(b, 0, sizeof(*b));
}

static bool reserve(keel_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *d = keel_realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void keel_buf_append(keel_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void keel_buf_puts(keel_buf *b, const char *s)
{
    keel_buf_append(b, s, strlen(s));
}

void keel_buf_putc(keel_buf *b, char c)
{
    keel_buf_append(b, &c, 1);
}

void keel_buf_printf(keel_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        keel_buf_append(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void keel_buf_json_string(keel_buf *b, const char *s, size_t n)
{
    keel_buf_putc(b, '"');
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char hex[8];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20) {
                snprintf(hex, sizeof(hex), "\\u%04x", c);
                esc = hex;
            }
        }
        if (!esc)
            continue;
        keel_buf_append(b, s + run, i - run);
        keel_buf_puts(b, esc);
        run = i + 1;
    }
    keel_buf_append(b, s + run, n - run);
    keel_buf_putc(b, '"');
}

int keel_buf_finish(keel_buf *b, char **out)
{
    if (!b->failed && !b->data)
        reserve(b, 0);
    if (b->failed || !b->data) {
        keel_buf_free(b);
        *out = NULL;
        return KEEL_ENOMEM;
    }
    b->data[b->len] = '\0';
    *out = b->data;
    keel_buf_init(b);
    return 0;
}

void keel_buf_free(keel_buf *b)
{
    keel_free(b->data);
    keel_buf_init(b);
}
