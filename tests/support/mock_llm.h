/*
 * mock_llm.h - a mock LLM provider for tests and benchmarks: an HTTP/1.1
 * server on 127.0.0.1 (ephemeral port) running in a thread of the test
 * process. It serves scripted replies in order, whatever the path, so one
 * server speaks every wire format; the script says what to send.
 *
 * A scenario file holds one reply per line, as a JSON object:
 *   "status": 200                  HTTP status (default 200)
 *   "headers": {"retry-after": "2"} extra response headers
 *   "json": {...} | "body": "text"  the body (a value, or raw text)
 *   "content": "text" | {...}       an OpenAI chat completion carrying this
 *                                   message (a value as its JSON text)
 *   "usage": [in, out]              its token counts (default [100, 50])
 *   "chunks": ["data: ...\n\n", ...] a streamed body, sent piece by piece
 *   "delay_ms": 500                 wait before replying
 *   "drop": true                    close the connection without a reply
 *   "truncate": 10                  send only N body bytes, then close
 *   "repeat": 3                     serve this reply N times
 * Lines starting with '#' are comments. With no reply left the mock sends
 * 500 {"error":{"message":"mock: no scripted reply"}}.
 */
#ifndef KEEL_MOCK_LLM_H
#define KEEL_MOCK_LLM_H

#include <stddef.h>

typedef struct mock_llm mock_llm;

/* Starts the server; 0 or -1. */
int mock_llm_start(mock_llm **out);
/* Stops it and frees everything. */
void mock_llm_stop(mock_llm *m);
/* "http://127.0.0.1:PORT" (borrowed). */
const char *mock_llm_url(const mock_llm *m);
/* Appends the replies of a scenario file / of one JSON line; 0 or -1 (with
 * a message on stderr). */
int mock_llm_load(mock_llm *m, const char *path);
int mock_llm_push(mock_llm *m, const char *json_line);
/* Forgets scripted replies and received requests. */
void mock_llm_reset(mock_llm *m);
/* Requests received so far, and the i-th one's parts (borrowed until the
 * next reset or stop). headers is the raw request line and headers. */
size_t mock_llm_count(mock_llm *m);
const char *mock_llm_path(mock_llm *m, size_t i);
const char *mock_llm_headers(mock_llm *m, size_t i);
const char *mock_llm_body(mock_llm *m, size_t i);
/* Time spent serving requests since the start or the last reset, in
 * nanoseconds: from a request's last byte to the end of writing its reply
 * (scripted delays included). Benchmarks subtract it to get the client's
 * own time. */
long long mock_llm_busy_ns(mock_llm *m);

#endif
