/*
 * fuzz_schema.c - libFuzzer target for parameter schema fragments. The
 * first byte picks the declared type; the rest is the fragment. A fragment
 * that compiles is then checked against a handful of values.
 */
#include <keel/keel.h>

#include "schema.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const samples[] = {
    "0", "-5", "3.5", "\"\"", "\"abc\"", "[]", "[1,2,3]", "[\"a\"]", "{}",
    "null", "true",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    keel_type t = (keel_type)(data[0] % 8);
    char *frag = malloc(size);
    if (!frag)
        return 0;
    memcpy(frag, data + 1, size - 1);
    frag[size - 1] = '\0';
    keel_schema *s = NULL;
    keel_error err;
    if (keel_schema_compile(&s, t, frag, &err) == 0) {
        for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
            keel_value *v = NULL;
            if (keel_value_from_json(&v, samples[i], strlen(samples[i]), &err))
                abort();
            keel_schema_check(s, &v, &err);
            keel_value_unref(v);
        }
        keel_schema_free(s);
    }
    free(frag);
    return 0;
}
