/*
 * fuzz_planner_reply.c - libFuzzer target for the planner's reply handling:
 * finding the plan in a model's text, then reading it as a plan. What is
 * found must lie inside the reply and start and end with braces; a found
 * object that reads as a plan must write and read back with the same hash.
 */
#include <keel/plan.h>
#include <keel/planner.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t off = 0, len = 0;
    if (keel_planner_find_json(&off, &len, text, size) != 0)
        return 0;
    if (off + len > size || len < 2 || text[off] != '{' ||
        text[off + len - 1] != '}')
        abort();
    keel_plan *p = NULL, *q = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_json(&p, text + off, len, &d) == 0) {
        char *json = NULL, h1[65], h2[65];
        if (keel_plan_to_json(&json, p) != 0 || keel_plan_hash(h1, p) != 0 ||
            keel_plan_from_json(&q, json, strlen(json), &d) != 0 ||
            keel_plan_hash(h2, q) != 0 || strcmp(h1, h2) != 0)
            abort();
        keel_free(json);
    }
    keel_plan_free(p);
    keel_plan_free(q);
    keel_diags_free(&d);
    return 0;
}
