/*
 * plan_xml_read.c - keel's own XML plan form into the IR. The form carries
 * exactly what the JSON form does (see docs/plan-format.md, "XML form"), so
 * every problem is reported with the JSON Pointer it would have in the JSON
 * form and with the XML line it comes from.
 */
#include "plan_xml.h"

#include <stdio.h>
#include <string.h>

static const char *const plan_attrs[] = {"version"};
static const char *const step_attrs[] = {"id", "call"};
static const char *const arg_attrs[] = {"name", "type"};
static const char *const after_attrs[] = {"step"};
static const char *const text_attrs[] = {"type"};

/* A copy of a required attribute; its absence is diagnosed at pointer. */
static char *need_attr(const xmlNode *el, const char *name,
                       const char *pointer, keel_diags *d)
{
    const xmlAttr *a = xml_attr(el, name);
    if (!a) {
        keel_diags_add(d, pointer, xml_line(el), KEEL_EINVAL,
                       "<%s> has no '%s' attribute", (const char *)el->name,
                       name);
        return NULL;
    }
    return xml_attr_value(a, d);
}

/* The value of a text element: its text exactly, or, with type="json", the
 * JSON value it holds. A new reference, or NULL when diagnosed. */
static keel_value *text_value(const xmlNode *el, const char *pointer,
                              keel_diags *d)
{
    const xmlAttr *ta = xml_attr(el, "type");
    char *type = ta ? xml_attr_value(ta, d) : NULL;
    char *s = xml_text(el, pointer, d);
    keel_value *v = NULL;
    keel_error err;
    if (!s || (ta && !type))
        ; /* out of memory, already noted */
    else if (!type || strcmp(type, "string") == 0) {
        if (!(v = keel_value_cstring(s)))
            d->oom = true;
    } else if (strcmp(type, "json") != 0)
        keel_diags_add(d, pointer, xml_line(el), KEEL_EINVAL,
                       "unknown type '%s' on <%s> (type=\"json\" for a JSON "
                       "value; none for a string)",
                       type, (const char *)el->name);
    else if (keel_value_from_json(&v, s, strlen(s), &err) == KEEL_ENOMEM)
        d->oom = true;
    else if (!v)
        keel_diags_add(d, pointer, xml_line(el), err.code,
                       "type=\"json\" content is not JSON: %s", err.msg);
    keel_free(type);
    keel_free(s);
    return v;
}

/* A text element that must hold a string (goal, why, for-each). */
static char *text_string(const xmlNode *el, const char *pointer,
                         keel_diags *d)
{
    xml_check_attrs(el, text_attrs, KEEL_COUNTOF(text_attrs), pointer, d);
    keel_value *v = text_value(el, pointer, d);
    const char *s = keel_value_get_string(v, NULL);
    char *c = NULL;
    if (v && !s)
        keel_diags_add(d, pointer, xml_line(el), KEEL_ETYPE,
                       "<%s> must hold a string, not %s",
                       (const char *)el->name, keel_type_name(keel_value_type(v)));
    else if (s && !(c = keel_strdup(s)))
        d->oom = true;
    keel_value_unref(v);
    return c;
}

/* For elements allowed once: true (and diagnosed) when seen already. */
static bool repeated(const void *seen, const xmlNode *el, const char *pointer,
                     keel_diags *d)
{
    if (!seen)
        return false;
    keel_diags_add(d, pointer, xml_line(el), KEEL_EINVAL,
                   "more than one <%s> in <%s>", (const char *)el->name,
                   (const char *)el->parent->name);
    return true;
}

static void unknown_element(const xmlNode *el, const char *pointer,
                            const char *allowed, keel_diags *d)
{
    char q[128];
    xml_qname(q, sizeof(q), el->ns, el->name);
    keel_diags_add(d, pointer, xml_line(el), KEEL_EINVAL,
                   "unknown element <%s> in <%s> (it holds: %s)", q,
                   (const char *)el->parent->name, allowed);
}

static void read_arg(keel_plan_step *s, const xmlNode *el, const char *base,
                     keel_diags *d)
{
    char args[256], ptr[256];
    plan_pointer_join(args, sizeof(args), base, "args");
    xml_check_attrs(el, arg_attrs, KEEL_COUNTOF(arg_attrs), args, d);
    char *name = need_attr(el, "name", args, d);
    if (!name)
        return;
    plan_pointer_join(ptr, sizeof(ptr), args, name);
    keel_value *v = text_value(el, ptr, d);
    if (keel_value_object_get(s->args, name))
        keel_diags_add(d, ptr, xml_line(el), KEEL_EEXISTS,
                       "argument '%s' is given twice", name);
    else if (v && s->args &&
             keel_value_object_set_take(s->args, name, keel_value_ref(v)))
        d->oom = true;
    keel_value_unref(v);
    keel_free(name);
}

static void read_after(keel_plan_step *s, const xmlNode *el, const char *base,
                       keel_diags *d)
{
    char after[256], ptr[256], idx[32];
    snprintf(idx, sizeof(idx), "%zu", s->n_after);
    plan_pointer_join(after, sizeof(after), base, "after");
    plan_pointer_join(ptr, sizeof(ptr), after, idx);
    xml_check_attrs(el, after_attrs, KEEL_COUNTOF(after_attrs), ptr, d);
    if (!xml_empty(el))
        keel_diags_add(d, ptr, xml_line(el), KEEL_EINVAL,
                       "<after> takes no content, only step=\"ID\"");
    char *id = need_attr(el, "step", ptr, d);
    if (id)
        s->after[s->n_after++] = id;
}

static size_t count_children(const xmlNode *el, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = el->children; c; c = c->next)
        n += xml_is(c, PLAN_XML_NS, name);
    return n;
}

static void read_step_children(keel_plan_step *s, const xmlNode *el,
                               const char *base, keel_diags *d)
{
    char ptr[256];
    for (const xmlNode *c = el->children; c; c = c->next) {
        if (xml_stray_text(c, el, base, d) || c->type != XML_ELEMENT_NODE)
            continue;
        if (xml_is(c, PLAN_XML_NS, "arg"))
            read_arg(s, c, base, d);
        else if (xml_is(c, PLAN_XML_NS, "after"))
            read_after(s, c, base, d);
        else if (xml_is(c, PLAN_XML_NS, "why")) {
            plan_pointer_join(ptr, sizeof(ptr), base, "why");
            if (!repeated(s->why, c, ptr, d))
                s->why = text_string(c, ptr, d);
        } else if (xml_is(c, PLAN_XML_NS, "for-each")) {
            plan_pointer_join(ptr, sizeof(ptr), base, "for_each");
            if (!repeated(s->for_each, c, ptr, d))
                s->for_each = text_string(c, ptr, d);
        } else
            unknown_element(c, base, "why, arg, after, for-each", d);
    }
}

static void read_step(keel_plan_step *s, const xmlNode *el, size_t i,
                      keel_diags *d)
{
    char base[64];
    snprintf(base, sizeof(base), "/steps/%zu", i);
    s->line = xml_line(el);
    xml_check_attrs(el, step_attrs, KEEL_COUNTOF(step_attrs), base, d);
    s->id = need_attr(el, "id", base, d);
    if (s->id && !xml_id_valid(s->id)) {
        char ptr[256];
        plan_pointer_join(ptr, sizeof(ptr), base, "id");
        keel_diags_add(d, ptr, s->line, KEEL_EINVAL,
                       "step id '%s' must match [A-Za-z_][A-Za-z0-9_]*", s->id);
    }
    s->call = need_attr(el, "call", base, d);
    if (!(s->args = keel_value_object()))
        d->oom = true;
    size_t n_after = count_children(el, "after");
    if (n_after && !(s->after = keel_calloc(n_after, sizeof(char *)))) {
        d->oom = true;
        return;
    }
    read_step_children(s, el, base, d);
}

static void read_version(const xmlNode *root, keel_diags *d)
{
    const xmlAttr *a = xml_attr(root, "version");
    char *v = a ? xml_attr_value(a, d) : NULL;
    if (!a)
        keel_diags_add(d, "", xml_line(root), KEEL_EINVAL,
                       "<plan> needs version=\"1\"");
    else if (v && strcmp(v, "1") != 0)
        keel_diags_add(d, "/version", xml_line(root), KEEL_EINVAL,
                       "unsupported version '%s'; this keel reads version 1", v);
    keel_free(v);
}

static void read_plan_child(keel_plan *p, const xmlNode *c, keel_diags *d)
{
    if (xml_is(c, PLAN_XML_NS, "step")) {
        read_step(&p->steps[p->n_steps], c, p->n_steps, d);
        p->n_steps++;
    } else if (xml_is(c, PLAN_XML_NS, "goal")) {
        if (!repeated(p->goal, c, "/goal", d))
            p->goal = text_string(c, "/goal", d);
    } else if (xml_is(c, PLAN_XML_NS, "output")) {
        if (!repeated(p->output, c, "/output", d)) {
            xml_check_attrs(c, text_attrs, KEEL_COUNTOF(text_attrs), "/output",
                            d);
            p->output = text_value(c, "/output", d);
        }
    } else
        unknown_element(c, "", "goal, step, output", d);
}

void plan_xml_read_keel(keel_plan *p, const xmlNode *root, keel_diags *d)
{
    xml_check_attrs(root, plan_attrs, KEEL_COUNTOF(plan_attrs), "", d);
    read_version(root, d);
    size_t n = count_children(root, "step");
    if (n == 0) {
        keel_diags_add(d, "/steps", xml_line(root), KEEL_EINVAL,
                       "a plan needs at least one <step>");
    } else if (!(p->steps = keel_calloc(n, sizeof(keel_plan_step)))) {
        d->oom = true;
        return;
    }
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (xml_stray_text(c, root, "", d) || c->type != XML_ELEMENT_NODE)
            continue;
        read_plan_child(p, c, d);
    }
}
