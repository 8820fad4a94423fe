/*
 * buf.h - a growable byte buffer for building text (JSON, messages).
 *
 * Errors are sticky: after a failed append every later append is a no-op and
 * keel_buf_finish reports KEEL_ENOMEM, so callers check once at the end.
 */
#ifndef KEEL_BUF_H
#define KEEL_BUF_H

#include <keel/keel.h>

typedef struct keel_buf {
    char *data;
    size_t len, cap;
    int failed;
} keel_buf;

void keel_buf_init(keel_buf *b);
void keel_buf_append(keel_buf *b, const char *s, size_t n);
void keel_buf_puts(keel_buf *b, const char *s);
void keel_buf_putc(keel_buf *b, char c);
void keel_buf_printf(keel_buf *b, const char *fmt, ...) KEEL_PRINTF(2, 3);
/* Appends s as a quoted JSON string with escapes. */
void keel_buf_json_string(keel_buf *b, const char *s, size_t n);
/* Hands the NUL-terminated text to *out (caller frees with keel_free), or
 * frees it and returns KEEL_ENOMEM if any append failed. */
int keel_buf_finish(keel_buf *b, char **out);
void keel_buf_free(keel_buf *b);

#endif
