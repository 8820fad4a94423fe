/*
 * fuzz_plan_xml.c - libFuzzer target for the XML plan reader (keel's form
 * and the Semantic Kernel import). A refusal must say why and leave nothing
 * behind; a plan that reads must write as XML, read back, and keep its hash.
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
    if (keel_plan_from_xml(&p, (const char *)data, size, &d) != 0) {
        if (p || (d.n == 0 && !d.oom))
            abort();
        keel_diags_free(&d);
        return 0;
    }
    char *xml = NULL, h1[65], h2[65];
    if (keel_plan_to_xml(&xml, p) != 0 || keel_plan_hash(h1, p) != 0)
        abort();
    if (keel_plan_from_xml(&q, xml, strlen(xml), &d) != 0)
        abort();
    if (keel_plan_hash(h2, q) != 0 || strcmp(h1, h2) != 0)
        abort();
    keel_free(xml);
    keel_plan_free(p);
    keel_plan_free(q);
    keel_diags_free(&d);
    return 0;
}
