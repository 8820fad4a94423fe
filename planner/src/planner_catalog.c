/*
 * planner_catalog.c - what the model is shown: the functions the
 * principal's policy could permit, and the plan schema built from them.
 *
 * A function no rule could ever permit to this principal is not shown:
 * the model cannot plan with what it does not see, and nobody learns of
 * functions they may never call.
 */
#include "planner_internal.h"

#include "buf.h"
#include "kernel_internal.h"

#include <string.h>

/* Copies member key of src into dst when present. */
static int copy_member(keel_value *dst, const char *as, const keel_value *src,
                       const char *key)
{
    const keel_value *v = keel_value_object_get(src, key);
    return v ? keel_value_object_set(dst, as, v) : 0;
}

/* One entry, reshaped from the kernel's tool definition so that the name
 * is the one plans use ("math.add", not the tool name "math-add"). */
static int catalog_entry(keel_value **out, const keel_fn_info *fn)
{
    keel_value *tool = NULL;
    int rc = keel_catalog_function_value(&tool, fn);
    if (rc)
        return rc;
    const keel_value *f = keel_value_object_get(tool, "function");
    const keel_value *kf = keel_value_object_get(tool, "keel");
    keel_value *e = keel_value_object();
    rc = e ? 0 : KEEL_ENOMEM;
    if (rc == 0)
        rc = keel_value_object_set_take(e, "call",
                                        keel_value_cstring(fn->qualified_name));
    if (rc == 0)
        rc = copy_member(e, "description", f, "description");
    if (rc == 0)
        rc = copy_member(e, "parameters", f, "parameters");
    if (rc == 0)
        rc = copy_member(e, "returns", kf, "returns");
    if (rc == 0 && fn->returns_schema)
        rc = copy_member(e, "returns_schema", kf, "returns_schema");
    if (rc == 0)
        rc = copy_member(e, "effects", kf, "effects");
    if (rc == 0 && fn->untrusted_output)
        rc = keel_value_object_set_take(e, "untrusted_output",
                                        keel_value_bool(true));
    keel_value_unref(tool);
    if (rc) {
        keel_value_unref(e);
        return rc;
    }
    *out = e;
    return 0;
}

int planner_catalog_value(keel_value **out, const keel_kernel *k,
                          const keel_policy *policy,
                          const keel_principal *who)
{
    keel_value *list = keel_value_list();
    if (!list)
        return KEEL_ENOMEM;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < keel_kernel_function_count(k); i++) {
        const keel_fn_info *fn = keel_kernel_function_at(k, i);
        if (!keel_policy_may_call(policy, who, fn))
            continue;
        keel_value *e = NULL;
        rc = catalog_entry(&e, fn);
        if (rc == 0)
            rc = keel_value_list_append_take(list, e);
    }
    if (rc) {
        keel_value_unref(list);
        return rc;
    }
    *out = list;
    return 0;
}

static const char *entry_call(const keel_value *catalog, size_t i)
{
    return keel_value_get_string(
        keel_value_object_get(keel_value_list_at(catalog, i), "call"), NULL);
}

bool planner_catalog_has(const keel_value *catalog, const char *call)
{
    for (size_t i = 0; i < keel_value_len(catalog); i++) {
        const char *c = entry_call(catalog, i);
        if (c && strcmp(c, call) == 0)
            return true;
    }
    return false;
}

const char *planner_catalog_suggest(const keel_value *catalog,
                                    const char *call)
{
    const char *best = NULL;
    size_t best_d = 3; /* two edits at most */
    const char *dot = strchr(call, '.');
    for (size_t i = 0; i < keel_value_len(catalog); i++) {
        const char *c = entry_call(catalog, i);
        const char *cdot = c ? strchr(c, '.') : NULL;
        size_t d = c ? keel_edit_distance(call, c) : 3;
        /* the same function name in another plugin counts as close */
        if (d > 1 && dot && cdot && strcmp(dot, cdot) == 0)
            d = 1;
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

int keel_planner_catalog(char **out, size_t *n, const keel_kernel *k,
                         const keel_policy *policy, const keel_principal *who)
{
    keel_value *list = NULL;
    int rc = planner_catalog_value(&list, k, policy, who);
    if (rc == 0)
        rc = keel_value_to_json(out, list, false);
    *n = keel_value_len(list);
    keel_value_unref(list);
    return rc;
}

/* The schema around the function names: a plan or {"cannot_plan":
 * reason}. Loose enough for any provider's structured output (no $refs, no
 * oneOf), strict where it matters: "call" is an enum of the catalog. */
static const char schema_head[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"version\":{\"type\":\"integer\",\"enum\":[1]},"
    "\"goal\":{\"type\":\"string\"},"
    "\"steps\":{\"type\":\"array\",\"minItems\":1,\"items\":{"
    "\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\",\"pattern\":\"^[A-Za-z_][A-Za-z0-9_]*$\"},"
    "\"call\":{\"type\":\"string\",\"enum\":";
static const char schema_tail[] =
    "},\"args\":{\"type\":\"object\"},"
    "\"after\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"for_each\":{\"type\":\"string\"},"
    "\"why\":{\"type\":\"string\"}},"
    "\"required\":[\"id\",\"call\",\"args\"],"
    "\"additionalProperties\":false}},"
    "\"output\":{},"
    "\"cannot_plan\":{\"type\":\"string\"}},"
    "\"additionalProperties\":false}";

int planner_plan_schema(keel_value **out, const keel_value *catalog)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, schema_head);
    keel_buf_putc(&b, '[');
    for (size_t i = 0; i < keel_value_len(catalog); i++) {
        size_t n = 0;
        const char *name = keel_value_get_string(
            keel_value_object_get(keel_value_list_at(catalog, i), "call"), &n);
        if (i)
            keel_buf_putc(&b, ',');
        keel_buf_json_string(&b, name ? name : "", n);
    }
    keel_buf_putc(&b, ']');
    keel_buf_puts(&b, schema_tail);
    char *text = NULL;
    keel_error err = {0};
    int rc = keel_buf_finish(&b, &text);
    if (rc == 0)
        rc = keel_value_from_json(out, text, strlen(text), &err);
    keel_free(text);
    return rc;
}
