/*
 * text_internal.h - what the files of the text plugin share: the callbacks
 * named by the descriptor table in text.c, and small helpers for reading
 * string arguments, searching bytes and building a result string in memory
 * that belongs to the call.
 */
#ifndef KEEL_PLUGIN_TEXT_INTERNAL_H
#define KEEL_PLUGIN_TEXT_INTERNAL_H

#include <keel/plugin.h>

/* A growing byte buffer in call memory (api->call_alloc): never freed by
 * hand, released by the host when the call ends. */
typedef struct text_buf {
    const keel_host_api *api;
    keel_call *call;
    char *p;
    size_t len, cap;
} text_buf;

void text_buf_init(text_buf *b, const keel_host_api *api, keel_call *call);
/* Appends n bytes. 0, or KEEL_ENOMEM with the call's error set. */
int text_buf_put(text_buf *b, const char *s, size_t n);
/* Makes the buffer's bytes the call's string result. */
int text_buf_result(text_buf *b, keel_value **result);

/* The string argument name (borrowed) and its length in *len. The host has
 * checked the type, so this is NULL only for an absent optional argument. */
const char *text_arg(const keel_host_api *api, const keel_value *args,
                     const char *name, size_t *len);
/* A new string value as the call's result; 0 or KEEL_ENOMEM. */
int text_result(const keel_host_api *api, keel_call *call, const char *s,
                size_t len, keel_value **result);
/* Offset of the first needle in hay at or after from, or SIZE_MAX. An empty
 * needle is found at from. Works on bytes: for valid UTF-8 on both sides a
 * match always starts and ends on a character boundary. */
size_t text_find(const char *hay, size_t hay_len, const char *needle,
                 size_t needle_len, size_t from);

#define TEXT_FN(name)                                                      \
    int name(const keel_host_api *api, keel_call *call,                    \
             const keel_value *args, keel_value **result)

TEXT_FN(text_upper);
TEXT_FN(text_lower);
TEXT_FN(text_trim);
TEXT_FN(text_length);
TEXT_FN(text_contains);
TEXT_FN(text_replace);
TEXT_FN(text_split);
TEXT_FN(text_join);
TEXT_FN(text_format);

#endif
