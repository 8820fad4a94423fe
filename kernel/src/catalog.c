/*
 * catalog.c - export registered functions as tool definitions.
 *
 * The shape is OpenAI's `tools` entry ({"type":"function","function":{...}})
 * so the planner can send it as is, with keel's own facts (effects, sinks,
 * return schema) in a "keel" member beside it. Tool names cannot contain a
 * dot, so "math.add" travels as "math-add"; canonical names never contain
 * '-', which makes the mapping reversible.
 */
#include "kernel_internal.h"

#include "alloc.h"
#include "buf.h"

#include <string.h>

int keel_tool_name(char *buf, size_t cap, const char *qualified_name)
{
    size_t n = strlen(qualified_name);
    if (n + 1 > cap)
        return KEEL_ERANGE;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (char)(qualified_name[i] == '.' ? '-' : qualified_name[i]);
    return 0;
}

int keel_tool_name_parse(char *buf, size_t cap, const char *tool_name)
{
    size_t n = strlen(tool_name);
    const char *dash = strchr(tool_name, '-');
    if (!dash || strchr(dash + 1, '-'))
        return KEEL_EINVAL;
    if (n + 1 > cap)
        return KEEL_ERANGE;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (char)(tool_name[i] == '-' ? '.' : tool_name[i]);
    return 0;
}

/* Building a definition: each setter takes item (NULL meaning out of
 * memory) and does nothing once *rc is set, so a builder checks once. */
static void set(keel_value *obj, const char *key, keel_value *item, int *rc)
{
    if (*rc == 0 && (!obj || !item))
        *rc = KEEL_ENOMEM;
    if (*rc) {
        keel_value_unref(item);
        return;
    }
    *rc = keel_value_object_set_take(obj, key, item);
}

static void append(keel_value *list, keel_value *item, int *rc)
{
    if (*rc == 0 && (!list || !item))
        *rc = KEEL_ENOMEM;
    if (*rc) {
        keel_value_unref(item);
        return;
    }
    *rc = keel_value_list_append_take(list, item);
}

static keel_value *param_schema(const fn_entry *f, size_t i, int *rc)
{
    const keel_param *p = &f->params[i];
    keel_value *o = keel_value_object();
    /* the schema's type: the declared one, or what "type" narrowed "any" to */
    const char *jt = keel_schema_type_name(keel_schema_type(f->schemas[i]));
    if (jt)
        set(o, "type", keel_value_cstring(jt), rc);
    set(o, "description", keel_value_cstring(p->description), rc);
    const keel_value *frag = keel_schema_fragment(f->schemas[i]);
    for (size_t j = 0; j < keel_value_len(frag); j++) {
        const char *k = keel_value_object_key_at(frag, j);
        if (strcmp(k, "type") != 0 && strcmp(k, "description") != 0)
            set(o, k, keel_value_ref(keel_value_object_value_at(frag, j)), rc);
    }
    if (f->defaults[i])
        set(o, "default", keel_value_ref(f->defaults[i]), rc);
    return o;
}

static keel_value *parameters(const fn_entry *f, int *rc)
{
    keel_value *o = keel_value_object(), *props = keel_value_object();
    keel_value *required = keel_value_list();
    for (size_t i = 0; props && i < f->info.n_params; i++)
        set(props, f->params[i].name, param_schema(f, i, rc), rc);
    for (size_t i = 0; required && i < f->info.n_params; i++)
        if (f->params[i].required)
            append(required, keel_value_cstring(f->params[i].name), rc);
    set(o, "type", keel_value_cstring("object"), rc);
    set(o, "properties", props, rc);
    set(o, "required", required, rc);
    set(o, "additionalProperties", keel_value_bool(false), rc);
    return o;
}

/* Effect names, in flag order (docs/plugin-abi.md). */
static const struct {
    unsigned flag;
    const char *name;
} effect_names[] = {
    {KEEL_EFFECT_READS, "reads"},
    {KEEL_EFFECT_WRITES, "writes"},
    {KEEL_EFFECT_NETWORK, "network"},
    {KEEL_EFFECT_DESTRUCTIVE, "destructive"},
    {KEEL_EFFECT_IDEMPOTENT, "idempotent"},
};

const char *keel_effect_name(unsigned flag)
{
    for (size_t i = 0; i < sizeof(effect_names) / sizeof(effect_names[0]); i++)
        if (effect_names[i].flag == flag)
            return effect_names[i].name;
    return NULL;
}

static void put_effects_text(keel_buf *b, const fn_entry *f)
{
    bool first = true;
    for (size_t i = 0; i < sizeof(effect_names) / sizeof(effect_names[0]); i++)
        if (f->info.effects & effect_names[i].flag) {
            keel_buf_puts(b, first ? "  [" : ", ");
            keel_buf_puts(b, effect_names[i].name);
            first = false;
        }
    if (f->info.untrusted_output) {
        keel_buf_puts(b, first ? "  [" : ", ");
        keel_buf_puts(b, "untrusted output");
        first = false;
    }
    if (!first)
        keel_buf_putc(b, ']');
}

static keel_value *keel_fields(const fn_entry *f, int *rc)
{
    keel_value *o = keel_value_object(), *effects = keel_value_list();
    keel_value *sinks = keel_value_object();
    set(o, "name", keel_value_cstring(f->qname), rc);
    set(o, "plugin", keel_value_cstring(f->info.plugin), rc);
    set(o, "returns", keel_value_cstring(keel_type_name(f->info.returns)), rc);
    set(o, "returns_schema",
        f->returns_schema ? keel_value_ref(f->returns_schema)
                          : keel_value_null(),
        rc);
    for (size_t i = 0;
         effects && i < sizeof(effect_names) / sizeof(effect_names[0]); i++)
        if (f->info.effects & effect_names[i].flag)
            append(effects, keel_value_cstring(effect_names[i].name), rc);
    set(o, "effects", effects, rc);
    set(o, "untrusted_output", keel_value_bool(f->info.untrusted_output), rc);
    for (size_t i = 0; sinks && i < f->info.n_params; i++)
        if (f->params[i].sink)
            set(sinks, f->params[i].name, keel_value_cstring(f->params[i].sink),
                rc);
    set(o, "sinks", sinks, rc);
    return o;
}

static keel_value *definition(const fn_entry *f, int *rc)
{
    char tool[80];
    keel_tool_name(tool, sizeof(tool), f->qname); /* qnames are <= 64 */
    keel_value *o = keel_value_object(), *fn = keel_value_object();
    set(o, "type", keel_value_cstring("function"), rc);
    set(fn, "name", keel_value_cstring(tool), rc);
    set(fn, "description", keel_value_cstring(f->info.description), rc);
    set(fn, "parameters", parameters(f, rc), rc);
    set(o, "function", fn, rc);
    set(o, "keel", keel_fields(f, rc), rc);
    return o;
}

int keel_catalog_function_value(keel_value **out, const keel_fn_info *fn)
{
    int rc = 0;
    keel_value *v = definition(entry_of(fn), &rc);
    if (rc == 0 && !v)
        rc = KEEL_ENOMEM;
    if (rc) {
        keel_value_unref(v);
        v = NULL;
    }
    *out = v;
    return rc;
}

static int to_json(char **out, keel_value *v, int rc, bool pretty)
{
    if (rc == 0 && !v)
        rc = KEEL_ENOMEM;
    if (rc == 0)
        rc = keel_value_to_json(out, v, pretty);
    else
        *out = NULL;
    keel_value_unref(v);
    return rc;
}

int keel_catalog_function_json(char **out, const keel_fn_info *fn, bool pretty)
{
    int rc = 0;
    keel_value *v = definition(entry_of(fn), &rc);
    return to_json(out, v, rc, pretty);
}

int keel_catalog_text(char **out, const keel_kernel *k)
{
    keel_buf b;
    keel_buf_init(&b);
    for (size_t i = 0; i < k->n_index; i++) {
        const fn_entry *f = k->index[i];
        keel_buf_printf(&b, "%s(", f->qname);
        for (size_t j = 0; j < f->info.n_params; j++)
            keel_buf_printf(&b, "%s%s%s: %s", j ? ", " : "",
                            f->params[j].name,
                            f->params[j].required ? "" : "?",
                            keel_type_name(f->params[j].type));
        keel_buf_printf(&b, ") -> %s", keel_type_name(f->info.returns));
        put_effects_text(&b, f);
        keel_buf_printf(&b, "\n    %s\n", f->info.description);
    }
    return keel_buf_finish(&b, out);
}

int keel_catalog_json(char **out, const keel_kernel *k, bool pretty)
{
    int rc = 0;
    keel_value *list = keel_value_list();
    for (size_t i = 0; list && i < k->n_index; i++)
        append(list, definition(k->index[i], &rc), &rc);
    return to_json(out, list, rc, pretty);
}
