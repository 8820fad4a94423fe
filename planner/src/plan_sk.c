/*
 * plan_sk.c - importing Semantic Kernel sequential-planner plans:
 *
 *   <plan>
 *     <function.EmailConnector.GetEmail user="$INPUT" setContextVariable="ADDR"/>
 *     <function.WriterPlugin.Translate input="Hello" language="French"
 *                                      appendToResult="RESULT__TEXT"/>
 *   </plan>
 *
 * become one keel step per function element, in order. SK's context
 * variables turn into references to the step that set them, its PascalCase
 * names into keel's snake_case. The mapping and its choices are documented
 * in docs/plan-format.md, "Importing Semantic Kernel plans".
 */
#include "plan_xml.h"

#include "buf.h"

#include <stdio.h>
#include <string.h>

#define SK_FUNCTION "function."

typedef struct sk_import {
    keel_plan *p;
    keel_diags *d;
    char **vars;      /* vars[i]: the variable step i set, or NULL */
    bool *appends;     /* appends[i]: step i has appendToResult */
    size_t n_results;  /* how many have */
    bool used_prev;    /* the current step refers to the previous one */
} sk_import;

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static char lower(char c)
{
    if (is_upper(c))
        return "abcdefghijklmnopqrstuvwxyz"[c - 'A'];
    return c;
}

/* Appends s[0..n) in snake_case: "EmailConnector" -> "email_connector",
 * "HTTPGet" -> "http_get", "getHTTPResponse" -> "get_http_response". A run
 * of capitals is one word that ends before a capital followed by a lower
 * case letter; anything not a letter or digit separates words. */
static void snake(keel_buf *b, const char *s, size_t n)
{
    size_t start = b->len;
    bool sep = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!is_upper(c) && !is_lower(c) && !is_digit(c)) {
            sep = true;
            continue;
        }
        if (is_upper(c) && i > 0) {
            char prev = s[i - 1];
            bool next_lower = i + 1 < n && is_lower(s[i + 1]);
            sep = sep || is_lower(prev) || is_digit(prev) ||
                  (is_upper(prev) && next_lower);
        }
        if (sep && b->len > start)
            keel_buf_putc(b, '_');
        sep = false;
        keel_buf_putc(b, lower(c));
    }
}

static char *snake_dup(const char *s, keel_diags *d)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, "");
    snake(&b, s, strlen(s));
    char *out = NULL;
    if (keel_buf_finish(&b, &out) != 0)
        d->oom = true;
    return out;
}

static bool ascii_ieq(const char *a, size_t n, const char *b)
{
    for (size_t i = 0; i < n; i++, b++) {
        if (!*b || lower(a[i]) != lower(*b))
            return false;
    }
    return *b == '\0';
}

static bool id_taken(const sk_import *im, size_t i, const char *id)
{
    if (strcmp(id, "item") == 0) /* ${item} means the for_each element */
        return true;
    for (size_t j = 0; j < i; j++)
        if (im->p->steps[j].id && strcmp(im->p->steps[j].id, id) == 0)
            return true;
    return false;
}

/* The id of step i: its variable in snake_case, else "step<i+1>"; made
 * unique with "_2", "_3", ... */
static char *make_id(const sk_import *im, size_t i, const char *var)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_putc(&b, '_'); /* kept only before a leading digit */
    if (var)
        snake(&b, var, strlen(var));
    if (b.len == 1)
        keel_buf_printf(&b, "step%zu", i + 1);
    char *buf = NULL, *id = NULL;
    if (keel_buf_finish(&b, &buf) != 0)
        return NULL;
    const char *base = is_digit(buf[1]) ? buf : buf + 1;
    id = keel_strdup(base);
    for (int k = 2; id && id_taken(im, i, id); k++) {
        keel_buf_init(&b);
        keel_buf_printf(&b, "%s_%d", base, k);
        keel_free(id);
        if (keel_buf_finish(&b, &id) != 0)
            id = NULL;
    }
    keel_free(buf);
    return id;
}

/* The id of the step an SK variable reference ("$NAME") in step i means,
 * or NULL (diagnosed). */
static const char *resolve(sk_import *im, size_t i, const char *name,
                           size_t n, const char *ptr, int line)
{
    if (ascii_ieq(name, n, "input")) {
        if (i > 0)
            return im->p->steps[i - 1].id;
        keel_diags_add(im->d, ptr, line, KEEL_EINVAL,
                       "'$%.*s' is the previous step's output, but this is "
                       "the first step",
                       (int)n, name);
        return NULL;
    }
    for (size_t j = i; j-- > 0;)
        if (im->vars[j] && ascii_ieq(name, n, im->vars[j]))
            return im->p->steps[j].id;
    if (im->d->oom) /* the variable may be the name we had no memory for */
        return NULL;
    keel_diags_add(im->d, ptr, line, KEEL_EINVAL,
                   "'$%.*s': no earlier step sets the variable '%.*s' "
                   "(setContextVariable)",
                   (int)n, name, (int)n, name);
    return NULL;
}

static size_t var_len(const char *s)
{
    if (!is_upper(*s) && !is_lower(*s) && *s != '_')
        return 0;
    size_t n = 1;
    while (is_upper(s[n]) || is_lower(s[n]) || is_digit(s[n]) || s[n] == '_')
        n++;
    return n;
}

/* An SK attribute value as a keel string: "$NAME" becomes "${id}" of the
 * step that set NAME, any other "$" becomes "$$". */
static keel_value *sk_value(sk_import *im, size_t i, const char *v,
                            const char *ptr, int line)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, "");
    for (const char *s = v; *s; s++) {
        size_t n = *s == '$' ? var_len(s + 1) : 0;
        const char *id = n ? resolve(im, i, s + 1, n, ptr, line) : NULL;
        if (id) {
            keel_buf_printf(&b, "${%s}", id);
            im->used_prev = im->used_prev || (i > 0 && id == im->p->steps[i - 1].id);
            s += n;
        } else if (*s == '$')
            keel_buf_puts(&b, "$$");
        else
            keel_buf_putc(&b, *s);
    }
    char *text = NULL;
    keel_value *val = NULL;
    if (keel_buf_finish(&b, &text) == 0)
        val = keel_value_cstring(text);
    keel_free(text);
    if (!val)
        im->d->oom = true;
    return val;
}

static void read_arg(sk_import *im, size_t i, const xmlNode *el,
                     const xmlAttr *a)
{
    keel_plan_step *s = &im->p->steps[i];
    char base[64];
    snprintf(base, sizeof(base), "/steps/%zu/args", i);
    if (a->ns) {
        char q[128];
        xml_qname(q, sizeof(q), a->ns, a->name);
        keel_diags_add(im->d, base, xml_line(el), KEEL_EINVAL,
                       "unknown attribute '%s' on <%s>", q,
                       (const char *)el->name);
        return;
    }
    char *name = snake_dup((const char *)a->name, im->d);
    char *text = xml_attr_value(a, im->d);
    if (name && text) {
        char ptr[256];
        plan_pointer_join(ptr, sizeof(ptr), base, name);
        keel_value *v = sk_value(im, i, text, ptr, xml_line(el));
        if (keel_value_object_get(s->args, name))
            keel_diags_add(im->d, ptr, xml_line(el), KEEL_EEXISTS,
                           "argument '%s' is given twice (attribute '%s')",
                           name, (const char *)a->name);
        else if (v && keel_value_object_set_take(s->args, name,
                                                 keel_value_ref(v)))
            im->d->oom = true;
        keel_value_unref(v);
    }
    keel_free(name);
    keel_free(text);
}

/* "function.Plugin.Name" -> "plugin.name"; NULL when diagnosed. */
static char *sk_call(const xmlNode *el, size_t i, keel_diags *d)
{
    const char *full = (const char *)el->name + strlen(SK_FUNCTION);
    const char *dot = strchr(full, '.');
    if (!dot || dot == full || !dot[1] || strchr(dot + 1, '.')) {
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/steps/%zu/call", i);
        keel_diags_add(d, ptr, xml_line(el), KEEL_EINVAL,
                       "<%s> must name a plugin and a function, as "
                       "<function.Plugin.Function>",
                       (const char *)el->name);
        return NULL;
    }
    keel_buf b;
    keel_buf_init(&b);
    snake(&b, full, (size_t)(dot - full));
    keel_buf_putc(&b, '.');
    snake(&b, dot + 1, strlen(dot + 1));
    char *call = NULL;
    if (keel_buf_finish(&b, &call) != 0)
        d->oom = true;
    return call;
}

/* Semantic Kernel runs a plan in order; keel runs steps as soon as their
 * inputs are ready. A step that does not use the previous step's output is
 * ordered after it explicitly, so side effects keep the plan's order. */
static void order_after_previous(sk_import *im, size_t i)
{
    keel_plan_step *s = &im->p->steps[i];
    bool used = im->used_prev;
    im->used_prev = false;
    if (i == 0 || used || !im->p->steps[i - 1].id)
        return;
    if (!(s->after = keel_calloc(1, sizeof(char *))) ||
        !(s->after[0] = keel_strdup(im->p->steps[i - 1].id)))
        im->d->oom = true;
    else
        s->n_after = 1;
}

static void read_function(sk_import *im, size_t i, const xmlNode *el)
{
    keel_plan_step *s = &im->p->steps[i];
    const xmlAttr *var = xml_attr(el, "setContextVariable");
    char *var_text = var ? xml_attr_value(var, im->d) : NULL;
    s->line = xml_line(el);
    s->call = sk_call(el, i, im->d);
    s->id = make_id(im, i, var_text);
    if (!(s->args = keel_value_object()) || !s->id)
        im->d->oom = true;
    if (!xml_empty(el)) {
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/steps/%zu", i);
        keel_diags_add(im->d, ptr, s->line, KEEL_EINVAL,
                       "<%s> takes attributes only, no content",
                       (const char *)el->name);
    }
    for (const xmlAttr *a = el->properties; s->args && a; a = a->next) {
        if (a == var)
            continue;
        if (!a->ns && strcmp((const char *)a->name, "appendToResult") == 0) {
            im->appends[i] = true;
            im->n_results++;
        }
        else
            read_arg(im, i, el, a);
    }
    im->vars[i] = var_text; /* after the arguments: no step refers to itself */
    order_after_previous(im, i);
}

/* "${id}" as a string value; NULL on out-of-memory. */
static keel_value *ref_value(const char *id)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_printf(&b, "${%s}", id);
    char *ref = NULL;
    keel_value *v = NULL;
    if (keel_buf_finish(&b, &ref) == 0)
        v = keel_value_cstring(ref);
    keel_free(ref);
    return v;
}

/* The steps with appendToResult: one is the output, several a list; with
 * none, the last step's output is the plan's. */
static void set_output(sk_import *im)
{
    keel_plan *p = im->p;
    const bool many = im->n_results > 1;
    keel_value *list = many ? keel_value_list() : NULL;
    if (many && !list) {
        im->d->oom = true;
        return;
    }
    for (size_t i = 0; i < p->n_steps; i++) {
        bool last = im->n_results == 0 && i + 1 == p->n_steps;
        if ((!im->appends[i] && !last) || !p->steps[i].id)
            continue;
        keel_value *v = ref_value(p->steps[i].id);
        if (v && !many)
            p->output = v;
        else if (!v || keel_value_list_append_take(list, v))
            im->d->oom = true;
    }
    if (list)
        p->output = list;
}

static bool is_function(const xmlNode *c)
{
    return c->type == XML_ELEMENT_NODE && !c->ns &&
           strncmp((const char *)c->name, SK_FUNCTION, strlen(SK_FUNCTION)) == 0;
}

static void import_steps(sk_import *im, const xmlNode *root)
{
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (xml_stray_text(c, root, "", im->d) || c->type != XML_ELEMENT_NODE)
            continue;
        if (is_function(c)) {
            read_function(im, im->p->n_steps, c);
            im->p->n_steps++;
            continue;
        }
        char q[128];
        xml_qname(q, sizeof(q), c->ns, c->name);
        keel_diags_add(im->d, "", xml_line(c), KEEL_EINVAL,
                       "unknown element <%s> in a Semantic Kernel plan (it "
                       "holds <function.Plugin.Function> elements; keel's own "
                       "form needs <plan xmlns=\"" PLAN_XML_NS "\">)",
                       q);
    }
}

void plan_sk_import(keel_plan *p, const xmlNode *root, keel_diags *d)
{
    sk_import im = {.p = p, .d = d};
    xml_check_attrs(root, NULL, 0, "", d);
    size_t n = 0;
    for (const xmlNode *c = root->children; c; c = c->next)
        n += is_function(c);
    if (n == 0)
        keel_diags_add(d, "/steps", xml_line(root), KEEL_EINVAL,
                       "a plan needs at least one step (<function.Plugin."
                       "Function .../>)");
    /* never zero-sized, so that a plan without steps still gets its other
     * elements diagnosed */
    p->steps = keel_calloc(n + 1, sizeof(keel_plan_step));
    im.vars = keel_calloc(n + 1, sizeof(char *));
    im.appends = keel_calloc(n + 1, sizeof(bool));
    if (p->steps && im.vars && im.appends) {
        import_steps(&im, root);
        if (n)
            set_output(&im);
    } else
        d->oom = true;
    for (size_t i = 0; im.vars && i < n; i++)
        keel_free(im.vars[i]);
    keel_free(im.vars);
    keel_free(im.appends);
}
