/*
 * fuzz_llm_reply.c - libFuzzer target for whole replies: the first byte
 * picks a wire format, the rest is the HTTP body given to its decoder
 * (parse, decode, finish). Never a crash or a leak; a refusal says why.
 */
#include "llm_internal.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const llm_provider *const ps[] = {
        &llm_provider_openai, &llm_provider_azure, &llm_provider_ollama,
        &llm_provider_anthropic};
    if (size < 1)
        return 0;
    const llm_provider *p = ps[data[0] % 4];
    keel_error err;
    err.msg[0] = '\0';
    llm_acc a;
    llm_acc_init(&a, NULL, NULL);
    a.schema_tool = (data[0] & 4) ? "reply" : NULL;
    keel_value *body = NULL;
    keel_llm_reply r = {0};
    int rc = llm_parse_object(&body, (const char *)data + 1, size - 1, &err);
    if (rc == 0)
        rc = p->decode(&a, body, &err);
    if (rc == 0)
        rc = llm_acc_finish(&r, &a, &err);
    if (rc && !err.msg[0])
        abort();
    (void)llm_error_message(body);
    (void)llm_error_is_quota(body);
    keel_llm_reply_free(&r);
    keel_value_unref(body);
    llm_acc_free(&a);
    return 0;
}
