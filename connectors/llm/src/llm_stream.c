/*
 * llm_stream.c - Server-Sent Events and NDJSON framing. Both are read line
 * by line (LF or CRLF); an NDJSON line is an event, an SSE event is its
 * "data:" lines joined by LF, dispatched at the blank line that ends it.
 */
#include "llm_stream.h"

#include <string.h>

void llm_stream_init(llm_stream *s, llm_framing framing, llm_stream_fn fn,
                     void *ud)
{
    memset(s, 0, sizeof(*s));
    keel_buf_init(&s->line);
    keel_buf_init(&s->data);
    s->framing = framing;
    s->fn = fn;
    s->ud = ud;
}

void llm_stream_free(llm_stream *s)
{
    keel_buf_free(&s->line);
    keel_buf_free(&s->data);
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return false;
    return true;
}

static int sse_dispatch(llm_stream *s)
{
    int rc = 0;
    if (s->has_data)
        rc = s->fn(s->ud, s->event[0] ? s->event : NULL,
                   s->data.data ? s->data.data : "", s->data.len);
    s->data.len = 0;
    s->event[0] = '\0';
    s->has_data = false;
    return rc;
}

/* "name: value" or "name:value": the value after one optional space. */
static const char *field(const char *p, size_t n, const char *name,
                         size_t *vlen)
{
    size_t k = strlen(name);
    if (n < k + 1 || memcmp(p, name, k) != 0 || p[k] != ':')
        return NULL;
    size_t skip = k + 1 + (n > k + 1 && p[k + 1] == ' ');
    *vlen = n - skip;
    return p + skip;
}

static int sse_line(llm_stream *s, const char *p, size_t n)
{
    size_t vlen = 0;
    const char *v;
    if (n == 0)
        return sse_dispatch(s);
    if ((v = field(p, n, "data", &vlen))) {
        if (s->has_data)
            keel_buf_putc(&s->data, '\n');
        keel_buf_append(&s->data, v, vlen);
        s->has_data = true;
        if (s->data.len > LLM_STREAM_MAX_EVENT)
            return KEEL_ERANGE;
        return s->data.failed ? KEEL_ENOMEM : 0;
    }
    if ((v = field(p, n, "event", &vlen))) {
        size_t m = vlen < sizeof(s->event) - 1 ? vlen : sizeof(s->event) - 1;
        memcpy(s->event, v, m);
        s->event[m] = '\0';
    }
    return 0; /* comments (":..."), id:, retry: and unknown fields */
}

static int line(llm_stream *s, const char *p, size_t n)
{
    if (n && p[n - 1] == '\r')
        n--;
    if (s->framing == LLM_FRAME_SSE)
        return sse_line(s, p, n);
    return blank(p, n) ? 0 : s->fn(s->ud, NULL, p, n);
}

int llm_stream_feed(llm_stream *s, const char *p, size_t n)
{
    while (s->rc == 0 && n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        if (s->line.len == 0 && nl) {
            s->rc = line(s, p, take); /* whole line in hand: no copy */
        } else {
            keel_buf_append(&s->line, p, take);
            if (s->line.failed)
                s->rc = KEEL_ENOMEM;
            else if (s->line.len > LLM_STREAM_MAX_EVENT)
                s->rc = KEEL_ERANGE;
            else if (nl) {
                s->rc = line(s, s->line.data, s->line.len);
                s->line.len = 0;
            }
        }
        p += take + (nl != NULL);
        n -= take + (nl != NULL);
    }
    return s->rc;
}

int llm_stream_end(llm_stream *s)
{
    if (s->rc == 0 && s->line.len) {
        s->rc = line(s, s->line.data, s->line.len);
        s->line.len = 0;
    }
    if (s->rc == 0 && s->framing == LLM_FRAME_SSE)
        s->rc = sse_dispatch(s);
    return s->rc;
}
