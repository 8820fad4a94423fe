/*
 * fuzz_llm_record.c - libFuzzer target for the replay file reader: any
 * input loads or is refused with FILE:LINE and a reason; a loaded file
 * serves every recording it holds without a crash or a leak.
 */
#include "llm_record.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llm_replay *r = NULL;
    keel_error err;
    err.msg[0] = '\0';
    if (llm_replay_parse(&r, "fuzz.jsonl", (const char *)data, size, &err)) {
        if (r || !err.msg[0])
            abort();
        return 0;
    }
    /* every hash in the input, tried against the file */
    const char *p = (const char *)data, *end = p + size;
    while ((p = memchr(p, '"', (size_t)(end - p))) && end - p > 65) {
        char hash[65];
        memcpy(hash, p + 1, 64);
        hash[64] = '\0';
        keel_llm_reply reply = {0};
        if (llm_replay_serve(&reply, r, hash, &err) && !err.msg[0])
            abort();
        keel_llm_reply_free(&reply);
        p++;
    }
    llm_replay_free(r);
    return 0;
}
