/*
 * plan_check.c - static checking of a plan before anything runs.
 *
 * Every problem is collected with its JSON Pointer (and XML line), worded so
 * that a person or an LLM asked to repair the plan knows what to change.
 * The checks: step ids, function names (canonical ASCII, registered),
 * arguments (declared, present, well typed, within constraints), references
 * (to earlier steps, to fields the function returns, of a compatible type),
 * for_each over lists, `after` ids, cycles, and size limits.
 */
#include "plan_graph.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

/* What is known of a value before it exists: its type (ANY when unknown)
 * and the JSON Schema describing it, if any. */
typedef struct shape {
    keel_type type;
    const keel_value *schema;
    bool each;      /* the output of a for_each step: a list of results, */
    keel_type elem; /* each of type elem described by schema */
} shape;

typedef struct checker {
    const keel_plan *p;
    const keel_kernel *k;
    const keel_plan_limits *lim;
    keel_diags *d;
    plan_graph g;
    const keel_fn_info **fns; /* per step; NULL when unknown */
    size_t cur;               /* the step being checked */
    shape item;               /* ${item} of the current for_each step */
    bool in_output;           /* checking the plan's output */
    int quiet;                /* > 0: work out shapes, report nothing */
} checker;

static const shape unknown_shape = {KEEL_TYPE_ANY, NULL, false,
                                    KEEL_TYPE_ANY};

static int line_of(const checker *c)
{
    return c->in_output ? 0 : c->p->steps[c->cur].line;
}

#define DIAG(c, ptr, code, ...)                                              \
    do {                                                                     \
        if (!(c)->quiet)                                                     \
            keel_diags_add((c)->d, (ptr), line_of(c), (code), __VA_ARGS__);  \
    } while (0)

/* ---- shapes ---- */

static keel_type schema_type(const keel_value *schema)
{
    static const char *const names[] = {"null",   "boolean", "integer", "number",
                                        "string", "array",   "object"};
    const char *t = keel_value_get_string(keel_value_object_get(schema, "type"),
                                          NULL);
    for (size_t i = 0; t && i < KEEL_COUNTOF(names); i++)
        if (strcmp(t, names[i]) == 0)
            return (keel_type)i;
    return KEEL_TYPE_ANY;
}

static shape shape_of_schema(const keel_value *schema)
{
    shape s = unknown_shape;
    s.type = schema ? schema_type(schema) : KEEL_TYPE_ANY;
    s.schema = schema;
    return s;
}

/* What step i produces. */
static shape step_shape(const checker *c, size_t i)
{
    const keel_fn_info *f = c->fns[i];
    shape s = unknown_shape;
    if (f) {
        const keel_value *rs = keel_fn_returns_schema(f);
        s.type = f->returns;
        s.schema = rs;
    }
    if (c->p->steps[i].for_each) {
        s.each = true;
        s.elem = s.type;
        s.type = KEEL_TYPE_LIST;
    }
    return s;
}

static bool is_index(ref_seg seg)
{
    for (size_t i = 0; i < seg.len; i++)
        if (seg.s[i] < '0' || seg.s[i] > '9')
            return false;
    return seg.len > 0;
}

/* One path segment deeper into s; false (and a diagnostic) when the shape
 * says the segment cannot exist. */
static bool shape_step(checker *c, shape *s, ref_seg seg, const char *shown,
                       const char *ptr)
{
    if (s->each || s->type == KEEL_TYPE_LIST) {
        if (!is_index(seg)) {
            DIAG(c, ptr, KEEL_EINVAL,
                 "%s: '%.*s' is not an index, but the value there is a list "
                 "(use a number, e.g. .0)", shown, (int)seg.len, seg.s);
            return false;
        }
        if (s->each) { /* an element of a for_each output: one result */
            s->each = false;
            s->type = s->elem;
            return true;
        }
        *s = shape_of_schema(keel_value_object_get(s->schema, "items"));
        return true;
    }
    if (s->type == KEEL_TYPE_ANY)
        return true;
    if (s->type != KEEL_TYPE_OBJECT) {
        DIAG(c, ptr, KEEL_EINVAL, "%s: the value there is a %s; it has no "
             "field '%.*s'", shown, keel_type_name(s->type), (int)seg.len, seg.s);
        return false;
    }
    const keel_value *props = keel_value_object_get(s->schema, "properties");
    if (!props) {
        *s = unknown_shape;
        return true;
    }
    char key[128];
    snprintf(key, sizeof(key), "%.*s", (int)seg.len, seg.s);
    const keel_value *p = keel_value_object_get(props, key);
    if (!p) {
        char fields[200] = "";
        for (size_t i = 0; i < keel_value_len(props); i++)
            snprintf(fields + strlen(fields), sizeof(fields) - strlen(fields),
                     "%s%s", i ? ", " : "", keel_value_object_key_at(props, i));
        DIAG(c, ptr, KEEL_EINVAL, "%s: the output has no field '%s' (it has: "
             "%s)", shown, key, fields);
        return false;
    }
    *s = shape_of_schema(p);
    return true;
}

/* Checks one reference and works out the shape it names. */
static bool check_ref(checker *c, const plan_ref *r, const char *ptr,
                      shape *out)
{
    char shown[300];
    ref_format(shown, sizeof(shown), r);
    shape s;
    if (ref_root_is(r, "item")) {
        if (c->in_output || !c->p->steps[c->cur].for_each) {
            DIAG(c, ptr, KEEL_EINVAL, "%s: ${item} is only available in a "
                 "step with for_each", shown);
            return false;
        }
        s = c->item;
    } else {
        long i = plan_graph_find(&c->g, r->root.s, r->root.len);
        if (i < 0) {
            DIAG(c, ptr, KEEL_ENOTFOUND, "%s: there is no step '%.*s'", shown,
                 (int)r->root.len, r->root.s);
            return false;
        }
        if (!c->in_output && (size_t)i == c->cur) {
            DIAG(c, ptr, KEEL_EINVAL, "%s: a step cannot use its own output",
                 shown);
            return false;
        }
        if (!c->in_output && (size_t)i > c->cur) {
            DIAG(c, ptr, KEEL_EINVAL, "%s: step '%.*s' comes later in the "
                 "plan; a step may only use the outputs of earlier steps",
                 shown, (int)r->root.len, r->root.s);
            return false;
        }
        s = step_shape(c, (size_t)i);
    }
    for (size_t j = 0; j < r->n_path; j++)
        if (!shape_step(c, &s, r->path[j], shown, ptr))
            return false;
    *out = s;
    return true;
}

/* ---- strings and references ---- */

typedef struct ref_walk {
    checker *c;
    bool any_ref;
} ref_walk;

static int check_string_refs(void *ctx, const char *s, size_t len,
                             const char *ptr)
{
    ref_walk *w = ctx;
    tmpl t;
    char why[128];
    if (tmpl_parse(&t, s, len, why, sizeof(why))) {
        DIAG(w->c, ptr, KEEL_EINVAL, "bad reference: %s (write \"${step}\" or "
             "\"${step.field}\"; \"$$\" for a literal '$')", why);
        w->any_ref = true; /* no literal check on a broken template */
        return 0;
    }
    shape ignored;
    for (size_t i = 0; i < t.n; i++)
        if (t.parts[i].is_ref) {
            w->any_ref = true;
            check_ref(w->c, &t.parts[i].ref, ptr, &ignored);
        }
    tmpl_free(&t);
    return 0;
}

static bool accepts(keel_type param, keel_type got)
{
    return param == KEEL_TYPE_ANY || got == KEEL_TYPE_ANY || param == got ||
           (param == KEEL_TYPE_FLOAT && got == KEEL_TYPE_INT);
}

/* The type a template string produces, when it has references: the
 * referenced value's for a whole-string reference, else string. */
static bool template_type(checker *c, const keel_value *v, const char *ptr,
                          keel_type *out)
{
    size_t len;
    const char *s = keel_value_get_string(v, &len);
    tmpl t;
    char why[8];
    if (!s || tmpl_parse(&t, s, len, why, sizeof(why)))
        return false;
    bool single = tmpl_single_ref(&t), any = tmpl_has_ref(&t);
    shape sh = unknown_shape;
    c->quiet++; /* the walk over the strings reported what is wrong */
    if (single && !check_ref(c, &t.parts[0].ref, ptr, &sh))
        sh = unknown_shape;
    c->quiet--;
    tmpl_free(&t);
    if (!any)
        return false;
    *out = single ? sh.type : KEEL_TYPE_STRING;
    return true;
}

/* ---- arguments ---- */

static void check_literal(checker *c, const keel_fn_info *f, size_t pi,
                          const keel_value *v, const char *ptr)
{
    keel_value *copy = keel_value_ref(v);
    keel_error err;
    if (keel_fn_check_arg(f, pi, &copy, &err))
        DIAG(c, ptr, err.code, "argument '%s' of %s: %s", f->params[pi].name,
             f->qualified_name, err.msg);
    keel_value_unref(copy);
}

static void check_arg(checker *c, const keel_fn_info *f, size_t pi,
                      const keel_value *v, const char *ptr)
{
    ref_walk w = {c, false};
    plan_each_string(v, ptr, check_string_refs, &w);
    if (!w.any_ref) {
        check_literal(c, f, pi, v, ptr);
        return;
    }
    keel_type got = keel_value_type(v);
    if (got == KEEL_TYPE_STRING && !template_type(c, v, "", &got))
        return;
    /* the walk above already reported broken references; here, types */
    const keel_param *p = &f->params[pi];
    if (!accepts(p->type, got))
        DIAG(c, ptr, KEEL_ETYPE, "argument '%s' of %s expects %s, but the "
             "reference gives %s", p->name, f->qualified_name,
             keel_type_name(p->type), keel_type_name(got));
}

static long param_index(const keel_fn_info *f, const char *name)
{
    for (size_t i = 0; i < f->n_params; i++)
        if (strcmp(f->params[i].name, name) == 0)
            return (long)i;
    return -1;
}

static void check_args(checker *c, const keel_plan_step *s, const char *base)
{
    const keel_fn_info *f = c->fns[c->cur];
    char ptr[256], args_ptr[256];
    plan_pointer_join(args_ptr, sizeof(args_ptr), base, "args");
    if (!f) { /* still check the references */
        ref_walk w = {c, false};
        plan_each_string(s->args, args_ptr, check_string_refs, &w);
        return;
    }
    for (size_t i = 0; i < keel_value_len(s->args); i++) {
        const char *name = keel_value_object_key_at(s->args, i);
        plan_pointer_join(ptr, sizeof(ptr), args_ptr, name);
        long pi = param_index(f, name);
        if (pi < 0) {
            char names[200] = "";
            for (size_t j = 0; j < f->n_params; j++)
                snprintf(names + strlen(names), sizeof(names) - strlen(names),
                         "%s%s", j ? ", " : "", f->params[j].name);
            DIAG(c, ptr, KEEL_EINVAL, "%s has no parameter '%s' (it has: %s)",
                 f->qualified_name, name, f->n_params ? names : "none");
            continue;
        }
        check_arg(c, f, (size_t)pi, keel_value_object_value_at(s->args, i), ptr);
    }
    for (size_t j = 0; j < f->n_params; j++)
        if (f->params[j].required &&
            !keel_value_object_get(s->args, f->params[j].name))
            DIAG(c, args_ptr, KEEL_EINVAL,
                 "missing required argument '%s' (%s: %s) of %s",
                 f->params[j].name, keel_type_name(f->params[j].type),
                 f->params[j].description, f->qualified_name);
}

/* ---- function names ---- */

/* The code point starting at s (at most 4 bytes); U+FFFD if malformed. */
static unsigned long code_point(const unsigned char *s)
{
    if (s[0] >= 0xf0 && s[1] && s[2] && s[3])
        return ((s[0] & 7ul) << 18) | ((s[1] & 63ul) << 12) |
               ((s[2] & 63ul) << 6) | (s[3] & 63ul);
    if (s[0] >= 0xe0 && s[1] && s[2])
        return ((s[0] & 15ul) << 12) | ((s[1] & 63ul) << 6) | (s[2] & 63ul);
    if (s[0] >= 0xc0 && s[1])
        return ((s[0] & 31ul) << 6) | (s[1] & 63ul);
    return 0xfffd;
}

static bool canonical_call(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot || strchr(dot + 1, '.'))
        return false;
    for (const char *p = name; *p; p++) {
        bool first = p == name || p == dot + 1;
        bool ok = (*p >= 'a' && *p <= 'z') ||
                  (!first && ((*p >= '0' && *p <= '9') || *p == '_'));
        if (!ok && p != dot)
            return false;
    }
    return true;
}

static void unknown_function(checker *c, const char *name, const char *ptr)
{
    const char *near[3];
    size_t n = keel_kernel_suggest(c->k, name, near, 3);
    if (n == 0)
        DIAG(c, ptr, KEEL_ENOTFOUND, "unknown function '%s'; use one of the "
             "functions in the catalog", name);
    else
        DIAG(c, ptr, KEEL_ENOTFOUND, "unknown function '%s'; did you mean "
             "%s%s%s%s%s?", name, near[0], n > 1 ? ", " : "",
             n > 1 ? near[1] : "", n > 2 ? ", " : "", n > 2 ? near[2] : "");
}

static const keel_fn_info *check_call(checker *c, const char *name,
                                      const char *ptr)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p >= 0x80 || *p < 0x20) {
            DIAG(c, ptr, KEEL_EINVAL, "function name '%s' contains the "
                 "character U+%04lX at byte %zu; function names are plain "
                 "ASCII (a-z, 0-9, _)", name, *p < 0x20 ? (unsigned long)*p
                 : code_point(p), (size_t)(p - (const unsigned char *)name));
            return NULL;
        }
    if (!canonical_call(name)) {
        char lower[128];
        size_t i = 0;
        for (; name[i] && i + 1 < sizeof(lower); i++)
            lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
        lower[i] = '\0';
        bool hint = strcmp(lower, name) != 0 && keel_kernel_lookup(c->k, lower);
        DIAG(c, ptr, KEEL_EINVAL, "'%s' is not a function name (write "
             "plugin.function in lower case: a-z, 0-9, _)%s%s%s", name,
             hint ? "; did you mean '" : "", hint ? lower : "", hint ? "'?" : "");
        return NULL;
    }
    const keel_fn_info *f = keel_kernel_lookup(c->k, name);
    if (!f)
        unknown_function(c, name, ptr);
    return f;
}

/* ---- steps ---- */

static void check_for_each(checker *c, const keel_plan_step *s,
                           const char *base)
{
    char ptr[256];
    plan_pointer_join(ptr, sizeof(ptr), base, "for_each");
    c->item = unknown_shape;
    tmpl t;
    char why[128];
    if (tmpl_parse(&t, s->for_each, strlen(s->for_each), why, sizeof(why)) ||
        !tmpl_single_ref(&t)) {
        DIAG(c, ptr, KEEL_EINVAL, "for_each must be exactly one reference to "
             "a list, like \"${step.items}\"");
        if (t.parts)
            tmpl_free(&t);
        return;
    }
    shape sh;
    if (ref_root_is(&t.parts[0].ref, "item"))
        DIAG(c, ptr, KEEL_EINVAL, "for_each cannot use ${item}");
    else if (check_ref(c, &t.parts[0].ref, ptr, &sh)) {
        if (sh.type != KEEL_TYPE_LIST && sh.type != KEEL_TYPE_ANY)
            DIAG(c, ptr, KEEL_ETYPE, "for_each needs a list, but %s is %s",
                 s->for_each, keel_type_name(sh.type));
        else if (sh.each) /* over another for_each's results */
            c->item = (shape){sh.elem, sh.schema, false, KEEL_TYPE_ANY};
        else
            c->item = shape_of_schema(keel_value_object_get(sh.schema, "items"));
    }
    tmpl_free(&t);
}

static void check_after(checker *c, const keel_plan_step *s, const char *base)
{
    char ptr[256];
    plan_pointer_join(ptr, sizeof(ptr), base, "after");
    for (size_t j = 0; j < s->n_after; j++) {
        long i = plan_graph_find(&c->g, s->after[j], strlen(s->after[j]));
        if (i < 0)
            DIAG(c, ptr, KEEL_ENOTFOUND, "'after' names '%s', but there is no "
                 "such step", s->after[j]);
        else if ((size_t)i == c->cur)
            DIAG(c, ptr, KEEL_EINVAL, "a step cannot run after itself");
    }
}

static size_t depth_of(const keel_value *v)
{
    size_t best = 0;
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const keel_value *child = keel_value_type(v) == KEEL_TYPE_LIST
                                      ? keel_value_list_at(v, i)
                                      : keel_value_object_value_at(v, i);
        size_t d = depth_of(child);
        if (d > best)
            best = d;
    }
    keel_type t = keel_value_type(v);
    return best + (t == KEEL_TYPE_LIST || t == KEEL_TYPE_OBJECT);
}

static void check_limits(checker *c, const keel_plan_step *s, const char *base)
{
    char ptr[256];
    plan_pointer_join(ptr, sizeof(ptr), base, "args");
    size_t depth = depth_of(s->args);
    if (depth > c->lim->max_arg_depth)
        DIAG(c, ptr, KEEL_ERANGE, "arguments are nested %zu deep; the limit "
             "is %zu", depth, c->lim->max_arg_depth);
    char *json = NULL;
    if (keel_value_to_canonical_json(&json, s->args) == 0 &&
        strlen(json) > c->lim->max_arg_bytes)
        DIAG(c, ptr, KEEL_ERANGE, "arguments are %zu bytes; the limit is %zu",
             strlen(json), c->lim->max_arg_bytes);
    keel_free(json);
}

static void check_step(checker *c, size_t i)
{
    const keel_plan_step *s = &c->p->steps[i];
    char base[64], ptr[256];
    snprintf(base, sizeof(base), "/steps/%zu", i);
    c->cur = i;
    long first = plan_graph_first(&c->g, s->id);
    if (first >= 0 && (size_t)first < i) {
        plan_pointer_join(ptr, sizeof(ptr), base, "id");
        DIAG(c, ptr, KEEL_EEXISTS, "duplicate step id '%s' (step %ld has it "
             "too); ids must be unique", s->id, first);
    }
    if (s->for_each)
        check_for_each(c, s, base);
    check_args(c, s, base);
    check_after(c, s, base);
    check_limits(c, s, base);
}

static void check_cycles(checker *c)
{
    size_t path[64];
    size_t n = plan_graph_cycle(&c->g, path, KEEL_COUNTOF(path));
    if (n == 0)
        return;
    char text[400] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s",
                 i ? " waits for " : "", c->p->steps[path[i]].id);
    char ptr[64];
    snprintf(ptr, sizeof(ptr), "/steps/%zu", path[0]);
    c->cur = path[0];
    DIAG(c, ptr, KEEL_EINVAL, "the steps form a cycle: %s; remove one of "
         "these references or 'after' entries", text);
}

static void check_output(checker *c)
{
    if (!c->p->output)
        return;
    c->in_output = true;
    ref_walk w = {c, false};
    plan_each_string(c->p->output, "/output", check_string_refs, &w);
    c->in_output = false;
}

void keel_plan_limits_default(keel_plan_limits *l)
{
    l->max_steps = 50;
    l->max_arg_bytes = (size_t)64 * 1024;
    l->max_arg_depth = 32;
}

int keel_plan_check(const keel_plan *p, const keel_kernel *k,
                    const keel_plan_limits *limits, keel_diags *d)
{
    keel_plan_limits def;
    if (!limits) {
        keel_plan_limits_default(&def);
        limits = &def;
    }
    checker c = {.p = p, .k = k, .lim = limits, .d = d};
    size_t before = d->n;
    if (p->n_steps > limits->max_steps)
        keel_diags_add(d, "/steps", 0, KEEL_ERANGE,
                       "the plan has %zu steps; the limit is %zu", p->n_steps,
                       limits->max_steps);
    c.fns = keel_calloc(p->n_steps ? p->n_steps : 1, sizeof(*c.fns));
    if (!c.fns || plan_graph_build(&c.g, p)) {
        keel_free(c.fns);
        d->oom = true;
        return KEEL_ENOMEM;
    }
    /* In file order: a step only refers to earlier ones, whose functions
     * are known by then. */
    for (size_t i = 0; i < p->n_steps; i++) {
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/steps/%zu/call", i);
        c.cur = i;
        c.fns[i] = check_call(&c, p->steps[i].call, ptr);
        check_step(&c, i);
    }
    check_cycles(&c);
    check_output(&c);
    plan_graph_free(&c.g);
    keel_free(c.fns);
    return d->n > before || d->oom ? KEEL_EINVAL : 0;
}
