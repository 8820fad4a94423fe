/*
 * policy_eval.c - deciding one call: principal matching, conditions on
 * argument values, flows by provenance labels, and the combination rule
 * (a forbid or forbidden flow denies; else an applicable permit allows,
 * with approval when every applicable permit asks for it; else deny).
 *
 * Only the rules indexed for the function are looked at, so a decision
 * costs the same with ten rules or a thousand about other functions.
 */
#include "policy_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- principals ---- */

static bool in_role(const keel_policy *p, const char *role,
                    const keel_principal *who)
{
    for (size_t i = 0; i < p->n_roles; i++) {
        const pol_role *r = &p->roles[i];
        if (strcmp(r->name, role) != 0)
            continue;
        for (size_t u = 0; who->uid && u < r->n_users; u++)
            if (strcmp(r->users[u], who->uid) == 0)
                return true;
        for (size_t g = 0; g < who->n_groups; g++) {
            char *norm = pol_normalise_dn(who->groups[g]);
            bool hit = false;
            for (size_t j = 0; norm && !hit && j < r->n_groups; j++)
                hit = strcmp(r->groups[j], norm) == 0;
            keel_free(norm);
            if (hit)
                return true;
        }
    }
    return false;
}

/* A user principal written as a DN matches the principal's DN after both
 * are normalised (the rule's side was normalised at load). */
static bool dn_is(const pol_principal *pr, const keel_principal *who)
{
    if (!who->dn || !strchr(pr->value, '='))
        return false;
    char *norm = pol_normalise_dn(who->dn);
    bool same = norm && strcmp(pr->value, norm) == 0;
    keel_free(norm);
    return same;
}

/* The principal's roles, worked out once per decision (DNs normalised
 * once, not once per rule). */
#define ROLE_CACHE 256
typedef struct who_roles {
    const keel_principal *who;
    bool cached;
    bool member[ROLE_CACHE];
} who_roles;

static void roles_of(who_roles *w, const keel_policy *p, const keel_principal *who)
{
    w->who = who;
    w->cached = p->n_roles <= ROLE_CACHE;
    for (size_t i = 0; w->cached && i < p->n_roles; i++)
        w->member[i] = in_role(p, p->roles[i].name, who);
}

static bool principal_matches(const keel_policy *p, const pol_rule *r,
                              const who_roles *w)
{
    const keel_principal *who = w->who;
    for (size_t i = 0; i < r->n_principals; i++) {
        const pol_principal *pr = &r->principals[i];
        if (pr->kind == PRIN_ANY)
            return true;
        if (pr->kind == PRIN_USER && pr->value &&
            ((who->uid && strcmp(pr->value, who->uid) == 0) || dn_is(pr, who)))
            return true;
        if (pr->kind == PRIN_ROLE && pr->role_index >= 0 &&
            (w->cached ? w->member[pr->role_index]
                       : in_role(p, pr->value, who)))
            return true;
    }
    return false;
}

/* ---- conditions ---- */

typedef enum cond_result { C_TRUE, C_FALSE, C_ABSENT, C_ERROR, C_UNKNOWN } cond_result;

static bool number_of(const keel_value *v, double *out)
{
    if (keel_value_type(v) == KEEL_TYPE_INT)
        *out = (double)keel_value_get_int(v);
    else if (keel_value_type(v) == KEEL_TYPE_FLOAT)
        *out = keel_value_get_float(v);
    else
        return false;
    return true;
}

static bool parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !errno && *end == '\0' && end != s;
}

/* Does v equal the policy's text t? Strings exactly, numbers by value,
 * booleans as true/false. */
static cond_result equals(const keel_value *v, const char *t,
                          const double *num)
{
    double a, b;
    switch (keel_value_type(v)) {
    case KEEL_TYPE_STRING:
        return strcmp(keel_value_get_string(v, NULL), t) == 0 ? C_TRUE : C_FALSE;
    case KEEL_TYPE_INT:
    case KEEL_TYPE_FLOAT:
        if (!number_of(v, &a) || !(num ? (b = *num, true) : parse_number(t, &b)))
            return C_FALSE;
        return a == b ? C_TRUE : C_FALSE;
    case KEEL_TYPE_BOOL:
        return strcmp(keel_value_get_bool(v) ? "true" : "false", t) == 0
                   ? C_TRUE
                   : C_FALSE;
    default:
        return C_ERROR;
    }
}

static cond_result compare(cond_op op, const keel_value *v, double b)
{
    double a;
    if (!number_of(v, &a) || isnan(a))
        return C_ERROR; /* a comparison on a non-number cannot be decided */
    bool r = op == OP_LT ? a < b : op == OP_LE ? a <= b : op == OP_GT ? a > b
                                                                      : a >= b;
    return r ? C_TRUE : C_FALSE;
}

static size_t length_of(const keel_value *v, bool *ok)
{
    *ok = true;
    if (keel_value_type(v) == KEEL_TYPE_STRING) {
        size_t len, n = 0;
        const char *s = keel_value_get_string(v, &len);
        for (size_t i = 0; i < len; i++)
            n += ((unsigned char)s[i] & 0xc0) != 0x80;
        return n;
    }
    if (keel_value_type(v) == KEEL_TYPE_LIST)
        return keel_value_len(v);
    *ok = false;
    return 0;
}

static cond_result eval_cond(const pol_cond *c, const keel_value *v)
{
    const char *t = c->n_values ? c->values[0] : "";
    const char *s = keel_value_get_string(v, NULL);
    bool ok;
    size_t len;
    switch (c->op) {
    case OP_EQ:
        return equals(v, t, c->has_number ? &c->number : NULL);
    case OP_NE: {
        cond_result r = equals(v, t, c->has_number ? &c->number : NULL);
        return r == C_TRUE ? C_FALSE : r == C_FALSE ? C_TRUE : r;
    }
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        return compare(c->op, v, c->number);
    case OP_PREFIX:
        return !s ? C_ERROR : strncmp(s, t, strlen(t)) == 0 ? C_TRUE : C_FALSE;
    case OP_MATCHES:
        return !s ? C_ERROR : pol_glob(t, s) ? C_TRUE : C_FALSE;
    case OP_ONE_OF:
        for (size_t i = 0; i < c->n_values; i++) {
            cond_result r = equals(v, c->values[i], NULL);
            if (r != C_FALSE) /* a list cannot be compared: an error */
                return r;
        }
        return C_FALSE;
    case OP_LENGTH:
        len = length_of(v, &ok);
        if (!ok)
            return C_ERROR;
        return (c->min >= 0 && len < (size_t)c->min) ||
                       (c->max >= 0 && len > (size_t)c->max)
                   ? C_FALSE
                   : C_TRUE;
    }
    return C_ERROR;
}

/* Whether a rule's conditions hold. args may hold unresolved references
 * (static phase): a condition on one is C_UNKNOWN. For a forbid, an absent
 * argument counts per its absent attribute and an error counts as holding
 * (fail closed); for a permit, as not holding. */
static cond_result conditions(const pol_rule *r, const keel_value *args,
                              pol_unresolved_fn unresolved)
{
    bool forbid = r->kind == RULE_FORBID;
    cond_result all = C_TRUE;
    for (size_t i = 0; i < r->n_conds; i++) {
        const pol_cond *c = &r->conds[i];
        const keel_value *v = keel_value_object_get(args, c->arg);
        cond_result res;
        if (!v || keel_value_type(v) == KEEL_TYPE_NULL)
            res = (c->absent_allow != forbid) ? C_TRUE : C_FALSE;
        else if (unresolved && unresolved(v))
            res = C_UNKNOWN;
        else {
            res = eval_cond(c, v);
            if (res == C_ERROR)
                res = forbid ? C_TRUE : C_FALSE;
        }
        if (res == C_FALSE)
            return C_FALSE;
        if (res == C_UNKNOWN)
            all = C_UNKNOWN;
    }
    return all;
}

/* ---- flows ---- */

/* Does any label of v (deep: containers carry their items' labels) come
 * from a source of r? */
static const char *tainted_by(const pol_rule *r, const keel_labels *labels)
{
    for (size_t i = 0; i < keel_labels_count(labels); i++)
        for (size_t s = 0; s < r->n_sources; s++)
            if (pol_glob(r->sources[s].call, keel_labels_at(labels, i)))
                return keel_labels_at(labels, i);
    return NULL;
}

/* The parameter of fn in a sink of r whose argument carries a source
 * label, or NULL; *source is that label. */
static const char *flow_violation(const pol_rule *r, const keel_fn_info *fn,
                                  const keel_value *args,
                                  pol_labels_fn labels_of, void *ctx,
                                  const char **source)
{
    for (size_t s = 0; s < r->n_sinks; s++) {
        const pol_endpoint *e = &r->sinks[s];
        if (!pol_glob(e->call, fn->qualified_name))
            continue;
        for (size_t i = 0; i < fn->n_params; i++) {
            const keel_param *p = &fn->params[i];
            if (e->sink_class &&
                (!p->sink || strcmp(p->sink, e->sink_class) != 0))
                continue;
            const keel_value *v = keel_value_object_get(args, p->name);
            if (!v)
                continue;
            const char *src = tainted_by(r, labels_of(ctx, v));
            if (src) {
                *source = src;
                return p->name;
            }
        }
    }
    return NULL;
}

/* ---- the decision ---- */

/* Adds r's id keeping the list sorted, so it does not depend on the order
 * of the rules; past the cap, the smallest ids are kept. */
/* Approver constraints of a permit that asks for approval: the roles
 * sorted and unique, so that rule order never matters. More roles than fit
 * leave one that nobody holds: no approval is then possible (fail
 * closed). */
static void add_approver(keel_decision *d, const pol_rule *r)
{
    if (!r->approval)
        return;
    d->approver_not_requester |= r->not_requester;
    const char *role = r->approver_role;
    if (!role)
        return;
    size_t at = 0;
    while (at < d->n_approver_roles && strcmp(d->approver_roles[at], role) < 0)
        at++;
    if (at < d->n_approver_roles && strcmp(d->approver_roles[at], role) == 0)
        return;
    if (d->n_approver_roles == KEEL_DECISION_MAX_RULES) {
        d->approver_roles[KEEL_DECISION_MAX_RULES - 1] = "(too many approver roles)";
        return;
    }
    memmove(&d->approver_roles[at + 1], &d->approver_roles[at],
            (d->n_approver_roles - at) * sizeof(d->approver_roles[0]));
    d->approver_roles[at] = role;
    d->n_approver_roles++;
}

static void add_rule(keel_decision *d, const pol_rule *r)
{
    size_t at = d->n_rules;
    while (at > 0 && strcmp(d->rules[at - 1], r->id) > 0)
        at--;
    if (at >= KEEL_DECISION_MAX_RULES)
        return;
    size_t n = d->n_rules < KEEL_DECISION_MAX_RULES ? d->n_rules
                                                    : KEEL_DECISION_MAX_RULES - 1;
    memmove(&d->rules[at + 1], &d->rules[at], (n - at) * sizeof(d->rules[0]));
    d->rules[at] = r->id;
    if (d->n_rules < KEEL_DECISION_MAX_RULES)
        d->n_rules++;
}

static const keel_labels *real_labels(void *ctx, const keel_value *v)
{
    (void)ctx;
    return keel_value_labels(v);
}

/* Both phases decide here; unresolved and labels_of say how arguments are
 * seen. */
void pol_decide(keel_decision *out, const keel_policy *p,
                const keel_principal *who, const keel_fn_info *fn,
                const keel_value *args, pol_unresolved_fn unresolved,
                pol_labels_fn labels_of, void *ctx)
{
    memset(out, 0, sizeof(*out));
    const pol_index *ix = pol_index_find(p, fn->qualified_name);
    size_t n = ix ? ix->n : 0;
    who_roles w;
    roles_of(&w, p, who);
    /* 1. forbids and forbidden flows deny, whatever permits apply. When
     * several do, the smallest id is named, so the explanation does not
     * depend on the order of the rules either. */
    const pol_rule *denier = NULL;
    const char *src = NULL, *param = NULL;
    for (size_t i = 0; i < n; i++) {
        const pol_rule *r = &p->rules[ix->rules[i]];
        const char *s1 = NULL, *p1 = NULL;
        bool hit = false;
        if (r->kind == RULE_FLOW)
            hit = (p1 = flow_violation(r, fn, args, labels_of, ctx, &s1)) != NULL;
        else if (r->kind == RULE_FORBID)
            hit = principal_matches(p, r, &w) &&
                  conditions(r, args, unresolved) == C_TRUE;
        if (hit && (!denier || strcmp(r->id, denier->id) < 0))
            denier = r, src = s1, param = p1;
    }
    if (denier) {
        out->verdict = KEEL_VERDICT_DENY;
        add_rule(out, denier);
        if (denier->kind == RULE_FLOW)
            snprintf(out->reason, sizeof(out->reason),
                     "denied by flow rule '%s': argument '%s' of %s carries "
                     "data from %s%s%s", denier->id, param, fn->qualified_name,
                     src, denier->reason ? ": " : "",
                     denier->reason ? denier->reason : "");
        else
            snprintf(out->reason, sizeof(out->reason), "denied by rule '%s'%s%s",
                     denier->id, denier->reason ? ": " : "",
                     denier->reason ? denier->reason : "");
        return;
    }
    /* 2. permits: allowed when one applies; approval when all that apply
     * ask for it */
    bool any = false, all_approval = true;
    for (size_t i = 0; i < n; i++) {
        const pol_rule *r = &p->rules[ix->rules[i]];
        if (r->kind != RULE_PERMIT || !principal_matches(p, r, &w) ||
            conditions(r, args, unresolved) == C_FALSE)
            continue;
        any = true;
        all_approval &= r->approval;
        add_rule(out, r);
        add_approver(out, r);
    }
    if (!any) {
        out->verdict = KEEL_VERDICT_DENY;
        snprintf(out->reason, sizeof(out->reason),
                 "denied: no permit applies to %s for %s", fn->qualified_name,
                 who->uid ? who->uid : "this principal");
        return;
    }
    out->verdict = all_approval ? KEEL_VERDICT_APPROVAL : KEEL_VERDICT_ALLOW;
    snprintf(out->reason, sizeof(out->reason), "%s by %s'%s'%s",
             all_approval ? "needs approval" : "allowed",
             out->n_rules > 1 ? "rules " : "rule ", out->rules[0],
             out->n_rules > 1 ? " and others" : "");
}

size_t keel_policy_roles_of(const char **out, size_t cap, const keel_policy *p,
                            const keel_principal *who)
{
    size_t n = 0;
    for (size_t i = 0; p && i < p->n_roles; i++)
        if (in_role(p, p->roles[i].name, who)) {
            if (n < cap)
                out[n] = p->roles[i].name;
            n++;
        }
    return n;
}

bool keel_policy_has_role(const keel_policy *p, const keel_principal *who,
                          const char *role)
{
    return p && in_role(p, role, who);
}

bool keel_policy_may_approve(char *why, size_t cap, const keel_policy *p,
                             const keel_decision *d,
                             const keel_principal *requester,
                             const keel_principal *approver)
{
    if (d->approver_not_requester && requester->uid && approver->uid &&
        strcmp(requester->uid, approver->uid) == 0) {
        snprintf(why, cap, "the policy requires an approver other than the "
                 "requester (%s)", requester->uid);
        return false;
    }
    for (size_t i = 0; i < d->n_approver_roles; i++)
        if (!keel_policy_has_role(p, approver, d->approver_roles[i])) {
            snprintf(why, cap, "the policy requires an approver in role '%s' "
                     "and %s is not", d->approver_roles[i],
                     approver->uid ? approver->uid : "the approver");
            return false;
        }
    return true;
}

void keel_policy_decide(keel_decision *out, const keel_policy *p,
                        const keel_principal *who, const keel_fn_info *fn,
                        const keel_value *args)
{
    pol_decide(out, p, who, fn, args, NULL, real_labels, NULL);
}

bool pol_declassifies(const keel_policy *p, const keel_fn_info *fn,
                      const char *label)
{
    const pol_index *ix = pol_index_find(p, fn->qualified_name);
    for (size_t i = 0; ix && i < ix->n; i++) {
        const pol_rule *r = &p->rules[ix->rules[i]];
        for (size_t s = 0; r->kind == RULE_DECLASSIFY && s < r->n_sources; s++)
            if (pol_glob(r->sources[s].call, label))
                return true;
    }
    return false;
}

typedef struct declass_ctx {
    const keel_policy *p;
    const keel_fn_info *fn;
} declass_ctx;

static bool keep_label(void *ud, const char *label)
{
    const declass_ctx *c = ud;
    return !pol_declassifies(c->p, c->fn, label);
}

int keel_policy_declassify(keel_value **v, const keel_policy *p,
                           const keel_fn_info *fn)
{
    declass_ctx c = {p, fn};
    return keel_value_filter_labels(v, keep_label, &c);
}

bool keel_policy_may_call(const keel_policy *p, const keel_principal *who,
                          const keel_fn_info *fn)
{
    if (!p)
        return !(fn->effects & KEEL_SIDE_EFFECTS);
    const pol_index *ix = pol_index_find(p, fn->qualified_name);
    who_roles w;
    roles_of(&w, p, who);
    for (size_t i = 0; ix && i < ix->n; i++) {
        const pol_rule *r = &p->rules[ix->rules[i]];
        /* an unconditional forbid rules the function out entirely */
        if (r->kind == RULE_FORBID && r->n_conds == 0 &&
            principal_matches(p, r, &w))
            return false;
    }
    for (size_t i = 0; ix && i < ix->n; i++) {
        const pol_rule *r = &p->rules[ix->rules[i]];
        if (r->kind == RULE_PERMIT && principal_matches(p, r, &w))
            return true;
    }
    return false;
}
