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

static void put_key(keel_buf *b, const char *k)
{
    keel_buf_json_string(b, k, strlen(k));
    keel_buf_putc(b, ':');
}

static void put_str(keel_buf *b, const char *s)
{
    keel_buf_json_string(b, s, strlen(s));
}

static void put_value(keel_buf *b, const keel_value *v)
{
    char *json = NULL;
    if (keel_value_to_json(&json, v, false) != 0) {
        b->failed = 1;
        return;
    }
    keel_buf_puts(b, json);
    keel_free(json);
}

static void put_param_schema(keel_buf *b, const fn_entry *f, size_t i)
{
    const keel_param *p = &f->params[i];
    /* the schema's type: the declared one, or what "type" narrowed "any" to */
    const char *jt = keel_schema_type_name(keel_schema_type(f->schemas[i]));
    keel_buf_putc(b, '{');
    if (jt) {
        put_key(b, "type");
        put_str(b, jt);
        keel_buf_putc(b, ',');
    }
    put_key(b, "description");
    put_str(b, p->description);
    const keel_value *frag = keel_schema_fragment(f->schemas[i]);
    for (size_t j = 0; j < keel_value_len(frag); j++) {
        const char *k = keel_value_object_key_at(frag, j);
        if (strcmp(k, "type") == 0 || strcmp(k, "description") == 0)
            continue;
        keel_buf_putc(b, ',');
        put_key(b, k);
        put_value(b, keel_value_object_value_at(frag, j));
    }
    if (f->defaults[i]) {
        keel_buf_putc(b, ',');
        put_key(b, "default");
        put_value(b, f->defaults[i]);
    }
    keel_buf_putc(b, '}');
}

static void put_parameters(keel_buf *b, const fn_entry *f)
{
    keel_buf_puts(b, "{\"type\":\"object\",\"properties\":{");
    for (size_t i = 0; i < f->info.n_params; i++) {
        if (i)
            keel_buf_putc(b, ',');
        put_key(b, f->params[i].name);
        put_param_schema(b, f, i);
    }
    keel_buf_puts(b, "},\"required\":[");
    bool first = true;
    for (size_t i = 0; i < f->info.n_params; i++)
        if (f->params[i].required) {
            if (!first)
                keel_buf_putc(b, ',');
            put_str(b, f->params[i].name);
            first = false;
        }
    keel_buf_puts(b, "],\"additionalProperties\":false}");
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

static void put_keel_fields(keel_buf *b, const fn_entry *f)
{
    keel_buf_putc(b, '{');
    put_key(b, "name");
    put_str(b, f->qname);
    keel_buf_putc(b, ',');
    put_key(b, "plugin");
    put_str(b, f->info.plugin);
    keel_buf_putc(b, ',');
    put_key(b, "returns");
    put_str(b, keel_type_name(f->info.returns));
    keel_buf_putc(b, ',');
    put_key(b, "returns_schema");
    if (f->returns_schema)
        put_value(b, f->returns_schema);
    else
        keel_buf_puts(b, "null");
    keel_buf_puts(b, ",\"effects\":[");
    bool first = true;
    for (size_t i = 0; i < sizeof(effect_names) / sizeof(effect_names[0]); i++)
        if (f->info.effects & effect_names[i].flag) {
            if (!first)
                keel_buf_putc(b, ',');
            put_str(b, effect_names[i].name);
            first = false;
        }
    keel_buf_puts(b, "],\"untrusted_output\":");
    keel_buf_puts(b, f->info.untrusted_output ? "true" : "false");
    keel_buf_puts(b, ",\"sinks\":{");
    first = true;
    for (size_t i = 0; i < f->info.n_params; i++)
        if (f->params[i].sink) {
            if (!first)
                keel_buf_putc(b, ',');
            put_key(b, f->params[i].name);
            put_str(b, f->params[i].sink);
            first = false;
        }
    keel_buf_puts(b, "}}");
}

static void put_function(keel_buf *b, const fn_entry *f)
{
    char tool[80];
    keel_tool_name(tool, sizeof(tool), f->qname); /* qnames are <= 64 */
    keel_buf_puts(b, "{\"type\":\"function\",\"function\":{");
    put_key(b, "name");
    put_str(b, tool);
    keel_buf_putc(b, ',');
    put_key(b, "description");
    put_str(b, f->info.description);
    keel_buf_putc(b, ',');
    put_key(b, "parameters");
    put_parameters(b, f);
    keel_buf_puts(b, "},\"keel\":");
    put_keel_fields(b, f);
    keel_buf_putc(b, '}');
}

/* Compact text, re-indented through a value when pretty output is asked. */
static int finish(char **out, keel_buf *b, bool pretty)
{
    char *text;
    int rc = keel_buf_finish(b, &text);
    if (rc || !pretty) {
        *out = text;
        return rc;
    }
    keel_value *v;
    rc = keel_value_from_json(&v, text, strlen(text), NULL);
    keel_free(text);
    if (rc)
        return rc;
    rc = keel_value_to_json(out, v, true);
    keel_value_unref(v);
    return rc;
}

int keel_catalog_function_json(char **out, const keel_fn_info *fn, bool pretty)
{
    keel_buf b;
    keel_buf_init(&b);
    put_function(&b, entry_of(fn));
    return finish(out, &b, pretty);
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
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_putc(&b, '[');
    for (size_t i = 0; i < k->n_index; i++) {
        if (i)
            keel_buf_putc(&b, ',');
        put_function(&b, k->index[i]);
    }
    keel_buf_putc(&b, ']');
    return finish(out, &b, pretty);
}
