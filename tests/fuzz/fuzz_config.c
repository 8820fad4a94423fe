/*
 * fuzz_config.c - libFuzzer target for the configuration reader: any input
 * is accepted or refused with a message, never a crash or a leak.
 */
#include <keel/config.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    keel_config *c = NULL;
    keel_error err;
    err.msg[0] = '\0';
    if (keel_config_parse(&c, "fuzz.json", (const char *)data, size, &err) != 0) {
        if (c || err.msg[0] == '\0')
            abort(); /* a refusal must say why and leave nothing behind */
        return 0;
    }
    char *out = NULL;
    if (keel_config_show(&out, c) != 0)
        abort();
    keel_free(out);
    keel_config_free(c);
    return 0;
}
