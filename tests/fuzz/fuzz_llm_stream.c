/*
 * fuzz_llm_stream.c - libFuzzer target for streamed replies: the first byte
 * picks a wire format, the rest is fed to its framing (SSE or NDJSON) in
 * pieces whose sizes come from the data, and every event goes to the
 * provider's stream decoder. Any input ends in a reply or a clean error,
 * never a crash or a leak.
 */
#include "llm_internal.h"
#include "llm_stream.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct ctx {
    const llm_provider *p;
    llm_acc acc;
    keel_error err;
} ctx;

static int on_event(void *ud, const char *event, const char *d, size_t n)
{
    ctx *c = ud;
    return c->p->event(&c->acc, event, d, n, &c->err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const llm_provider *const ps[] = {
        &llm_provider_openai, &llm_provider_azure, &llm_provider_ollama,
        &llm_provider_anthropic};
    if (size < 1)
        return 0;
    ctx c = {.p = ps[data[0] % 4]};
    c.err.msg[0] = '\0';
    llm_acc_init(&c.acc, NULL, NULL);
    llm_stream s;
    llm_stream_init(&s, c.p->framing, on_event, &c);
    const char *p = (const char *)data + 1;
    size_t left = size - 1, step = (data[0] >> 2) + 1;
    int rc = 0;
    while (rc == 0 && left) {
        size_t n = left < step ? left : step;
        rc = llm_stream_feed(&s, p, n);
        p += n;
        left -= n;
    }
    if (rc == 0)
        rc = llm_stream_end(&s);
    keel_llm_reply r = {0};
    if (rc == 0 && llm_acc_finish(&r, &c.acc, &c.err) != 0 && !c.err.msg[0])
        abort(); /* a refusal must say why */
    keel_llm_reply_free(&r);
    llm_stream_free(&s);
    llm_acc_free(&c.acc);
    return 0;
}
