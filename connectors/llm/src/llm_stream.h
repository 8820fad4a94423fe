/*
 * llm_stream.h - incremental framing of streamed replies: Server-Sent
 * Events (OpenAI, Azure, Anthropic) and newline-delimited JSON (Ollama).
 * Bytes go in as they arrive, split anywhere; whole events come out.
 */
#ifndef KEEL_LLM_STREAM_H
#define KEEL_LLM_STREAM_H

#include "llm_internal.h"

#define LLM_STREAM_MAX_EVENT (4u << 20)

/* One event: its SSE name (or NULL) and data. Returns 0 or a negative code,
 * which stops the stream. */
typedef int (*llm_stream_fn)(void *ud, const char *event, const char *data,
                             size_t n);

typedef struct llm_stream {
    llm_framing framing;
    keel_buf line; /* the line being read */
    keel_buf data; /* SSE: data lines of the event being read */
    char event[64];
    bool has_data;
    llm_stream_fn fn;
    void *ud;
    int rc; /* sticky */
} llm_stream;

void llm_stream_init(llm_stream *s, llm_framing framing, llm_stream_fn fn,
                     void *ud);
/* Returns 0, or the first error: the callback's, KEEL_ENOMEM, or
 * KEEL_ERANGE for an event longer than LLM_STREAM_MAX_EVENT. */
int llm_stream_feed(llm_stream *s, const char *p, size_t n);
/* Delivers what is left when the connection ends. */
int llm_stream_end(llm_stream *s);
void llm_stream_free(llm_stream *s);

#endif
