/*
 * fuzz_plan_json.c - libFuzzer target for the JSON plan reader. A plan that
 * reads must write, read back, and keep its hash; references in it must
 * parse or be reported, never crash.
 */
#include <keel/plan.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    keel_plan *p = NULL, *q = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_json(&p, (const char *)data, size, &d) != 0) {
        if (p || (d.n == 0 && !d.oom))
            abort(); /* a refusal must say why and leave nothing behind */
        keel_diags_free(&d);
        return 0;
    }
    char *json = NULL, h1[65], h2[65];
    if (keel_plan_to_json(&json, p) != 0 || keel_plan_hash(h1, p) != 0)
        abort();
    if (keel_plan_from_json(&q, json, strlen(json), &d) != 0)
        abort();
    if (keel_plan_hash(h2, q) != 0 || strcmp(h1, h2) != 0)
        abort();
    char *dot = NULL, *sum = NULL;
    if (keel_plan_to_dot(&dot, p, NULL) || keel_plan_summary(&sum, p, NULL))
        abort();
    keel_free(dot);
    keel_free(sum);
    keel_free(json);
    keel_plan_free(p);
    keel_plan_free(q);
    keel_diags_free(&d);
    return 0;
}
