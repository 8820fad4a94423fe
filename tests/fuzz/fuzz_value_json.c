/*
 * fuzz_value_json.c - libFuzzer target for the JSON reader and writer.
 * Whatever parses must serialise, parse again, and compare equal.
 */
#include <keel/keel.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    keel_value *v = NULL, *again = NULL;
    keel_error err;
    if (keel_value_from_json(&v, (const char *)data, size, &err) != 0)
        return 0;
    char *text = NULL;
    if (keel_value_to_json(&text, v, size % 2 == 0) != 0)
        abort();
    if (keel_value_from_json(&again, text, strlen(text), &err) != 0)
        abort(); /* we wrote something we cannot read back */
    /* NaN is written as null, so only compare when equality is defined */
    if (!strstr(text, "null") && !keel_value_equal(v, again))
        abort();
    keel_free(text);
    keel_value_unref(v);
    keel_value_unref(again);
    return 0;
}
