/*
 * policy_build.c - from schema-valid policy XML to compiled rules, roles and
 * limits. The schema already guarantees the shape; this file copies what it
 * needs out of the tree and checks what a schema cannot (ids unique across
 * files, numbers that parse).
 */
#include "policy_build.h"

#include "alloc.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* A copy of attribute name, or NULL when absent (or out of memory, noted). */
static char *attr(const xmlNode *n, const char *name, bool *oom);

/* <require-approval approver-role="R" not-requester="true"/> */
static void read_approval(pol_rule *r, const xmlNode *n, bool *oom)
{
    r->approval = true;
    r->approver_role = attr(n, "approver-role", oom);
    char *nr = attr(n, "not-requester", oom);
    r->not_requester = nr && (strcmp(nr, "true") == 0 || strcmp(nr, "1") == 0);
    keel_free(nr);
}

static char *attr(const xmlNode *n, const char *name, bool *oom)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *c = keel_strdup((const char *)v);
    xmlFree(v);
    if (!c)
        *oom = true;
    return c;
}

static char *text_of(const xmlNode *n, bool *oom)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *c = keel_strdup(v ? (const char *)v : "");
    xmlFree(v);
    if (!c)
        *oom = true;
    return c;
}

/* Grows an array by one zeroed element; returns it or NULL. */
static void *push(void *arr, size_t *n, size_t size, bool *oom)
{
    void **a = arr;
    char *grown = keel_realloc(*a, (*n + 1) * size);
    if (!grown) {
        *oom = true;
        return NULL;
    }
    *a = grown;
    memset(grown + *n * size, 0, size);
    return grown + (*n)++ * size;
}

static const struct {
    const char *name;
    unsigned flag;
} effects[] = {{"reads", KEEL_EFFECT_READS},
               {"writes", KEEL_EFFECT_WRITES},
               {"network", KEEL_EFFECT_NETWORK},
               {"destructive", KEEL_EFFECT_DESTRUCTIVE},
               {"idempotent", KEEL_EFFECT_IDEMPOTENT}};

static const struct {
    const char *name;
    cond_op op;
} ops[] = {{"eq", OP_EQ},         {"ne", OP_NE},           {"lt", OP_LT},
           {"le", OP_LE},         {"gt", OP_GT},           {"ge", OP_GE},
           {"prefix", OP_PREFIX}, {"matches", OP_MATCHES}, {"one-of", OP_ONE_OF},
           {"length", OP_LENGTH}};

static void read_principal(pol_rule *r, const xmlNode *n, bool *oom)
{
    pol_principal *p = push(&r->principals, &r->n_principals, sizeof(*p), oom);
    if (!p)
        return;
    p->role_index = -1;
    char *any = attr(n, "any", oom);
    p->conflicting = (any != NULL) +
                         (xmlHasProp(n, (const xmlChar *)"user") != NULL) +
                         (xmlHasProp(n, (const xmlChar *)"role") != NULL) != 1;
    if ((p->value = attr(n, "user", oom))) {
        p->kind = PRIN_USER; /* a DN is normalised by the linter */
    }
    else if ((p->value = attr(n, "role", oom)))
        p->kind = PRIN_ROLE;
    else
        p->kind = any && (strcmp(any, "true") == 0 || strcmp(any, "1") == 0)
                      ? PRIN_ANY
                      : PRIN_ROLE; /* matches nothing: linted below */
    keel_free(any);
}

static void read_action(pol_rule *r, const xmlNode *n, bool *oom)
{
    pol_action *a = push(&r->actions, &r->n_actions, sizeof(*a), oom);
    if (!a)
        return;
    a->call = attr(n, "call", oom);
    char *eff = attr(n, "effect", oom);
    a->conflicting = (a->call != NULL) == (eff != NULL);
    for (size_t i = 0; eff && i < KEEL_COUNTOF(effects); i++)
        if (strcmp(eff, effects[i].name) == 0)
            a->effect = effects[i].flag;
    keel_free(eff);
}

static long number_attr(const xmlNode *n, const char *name, bool *oom)
{
    char *v = attr(n, name, oom);
    long out = -1;
    if (v) {
        char *end;
        errno = 0;
        out = strtol(v, &end, 10);
        if (errno || *end || out < 0)
            out = -2; /* unusable: linted, never taken as "no bound" */
    }
    keel_free(v);
    return out;
}

static void read_cond(pol_rule *r, const xmlNode *n, bool *oom)
{
    pol_cond *c = push(&r->conds, &r->n_conds, sizeof(*c), oom);
    if (!c)
        return;
    for (size_t i = 0; i < KEEL_COUNTOF(ops); i++)
        if (is(n, ops[i].name))
            c->op = ops[i].op;
    c->arg = attr(n, "arg", oom);
    c->line = (int)xmlGetLineNo(n);
    char *absent = attr(n, "absent", oom);
    c->absent_allow = absent && strcmp(absent, "allow") == 0;
    keel_free(absent);
    c->min = number_attr(n, "min", oom);
    c->max = number_attr(n, "max", oom);
    char *v = attr(n, "value", oom);
    if (v) {
        char **slot = push(&c->values, &c->n_values, sizeof(char *), oom);
        if (slot)
            *slot = v;
        else
            keel_free(v);
    }
    for (const xmlNode *ch = n->children; ch; ch = ch->next)
        if (is(ch, "value")) {
            char **slot = push(&c->values, &c->n_values, sizeof(char *), oom);
            if (slot)
                *slot = text_of(ch, oom);
        }
}

static void read_endpoint(pol_endpoint **arr, size_t *n, const xmlNode *node,
                          bool *oom)
{
    pol_endpoint *e = push(arr, n, sizeof(*e), oom);
    if (!e)
        return;
    e->call = attr(node, "call", oom);
    e->sink_class = attr(node, "class", oom);
}

static void read_rule(keel_policy *p, const xmlNode *n, const char *file,
                      bool *oom)
{
    pol_rule *r = push(&p->rules, &p->n_rules, sizeof(*r), oom);
    if (!r)
        return;
    r->kind = is(n, "permit")       ? RULE_PERMIT
              : is(n, "forbid")     ? RULE_FORBID
              : is(n, "declassify") ? RULE_DECLASSIFY
                                    : RULE_FLOW;
    r->id = attr(n, "id", oom);
    r->line = (int)xmlGetLineNo(n);
    if (!(r->file = keel_strdup(file)))
        *oom = true;
    for (const xmlNode *ch = n->children; ch; ch = ch->next) {
        if (is(ch, "principal"))
            read_principal(r, ch, oom);
        else if (is(ch, "action"))
            read_action(r, ch, oom);
        else if (is(ch, "when"))
            for (const xmlNode *c = ch->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE)
                    read_cond(r, c, oom);
        if (is(ch, "require-approval"))
            read_approval(r, ch, oom);
        else if (is(ch, "reason"))
            r->reason = text_of(ch, oom);
        else if (is(ch, "source") || is(ch, "label"))
            read_endpoint(&r->sources, &r->n_sources, ch, oom);
        else if (is(ch, "sink") || is(ch, "through"))
            read_endpoint(&r->sinks, &r->n_sinks, ch, oom);
    }
}

static void read_role(keel_policy *p, const xmlNode *n, const char *file,
                      bool *oom)
{
    pol_role *r = push(&p->roles, &p->n_roles, sizeof(*r), oom);
    if (!r)
        return;
    r->name = attr(n, "name", oom);
    r->line = (int)xmlGetLineNo(n);
    if (!(r->file = keel_strdup(file)))
        *oom = true;
    for (const xmlNode *ch = n->children; ch; ch = ch->next) {
        bool group = is(ch, "group");
        if (!group && !is(ch, "user"))
            continue;
        char *v = attr(ch, group ? "dn" : "uid", oom);
        char ***arr = group ? &r->groups : &r->users;
        size_t *cnt = group ? &r->n_groups : &r->n_users;
        char **slot = push(arr, cnt, sizeof(char *), oom);
        if (slot) /* group DNs are normalised by the linter */
            *slot = v, v = NULL;
        keel_free(v);
    }
}

static void read_limits(keel_policy *p, const xmlNode *n, bool *oom)
{
    /* several files may set limits: the strictest wins */
    static const struct {
        const char *name;
        size_t offset;
    } longs[] = {{"max-steps", offsetof(keel_policy, max_steps)},
                 {"max-llm-calls", offsetof(keel_policy, max_llm_calls)},
                 {"max-tokens", offsetof(keel_policy, max_tokens)}};
    for (size_t i = 0; i < KEEL_COUNTOF(longs); i++) {
        long v = number_attr(n, longs[i].name, oom);
        long *slot = (long *)(void *)((char *)p + longs[i].offset);
        if (v > 0 && (*slot < 0 || v < *slot))
            *slot = v;
    }
    char *cost = attr(n, "max-cost", oom);
    if (cost) {
        double c = strtod(cost, NULL);
        if (c >= 0 && (p->max_cost < 0 || c < p->max_cost))
            p->max_cost = c;
    }
    keel_free(cost);
}

int pol_build(keel_policy *p, const xmlDoc *doc, const char *file)
{
    bool oom = false;
    const xmlNode *root = xmlDocGetRootElement((xmlDoc *)doc);
    for (const xmlNode *n = root ? root->children : NULL; n; n = n->next) {
        if (is(n, "permit") || is(n, "forbid") || is(n, "forbid-flow") ||
            is(n, "declassify"))
            read_rule(p, n, file, &oom);
        else if (is(n, "role"))
            read_role(p, n, file, &oom);
        else if (is(n, "limits"))
            read_limits(p, n, &oom);
    }
    return oom ? KEEL_ENOMEM : 0;
}
