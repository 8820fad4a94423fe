/* plan_xml.c - being written (XML plan reader/writer). */
#include <keel/plan.h>

int keel_plan_from_xml(keel_plan **out, const char *text, size_t len,
                       keel_diags *diags)
{
    (void)text, (void)len;
    *out = NULL;
    keel_diags_add(diags, "", 0, KEEL_EINVAL, "XML plans are not read yet");
    return KEEL_EINVAL;
}

int keel_plan_to_xml(char **out, const keel_plan *p)
{
    (void)p;
    *out = NULL;
    return KEEL_EINVAL;
}
