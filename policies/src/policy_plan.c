/*
 * policy_plan.c - the static phase: a whole plan is decided before any step
 * runs. Arguments that hold references are not known yet, so conditions on
 * them are left to the run-time phase; but the labels they can carry are
 * known from the plan's references (a step's output may carry whatever its
 * inputs may carry, and its own name when its output is untrusted), so
 * forbidden flows are denied here already.
 */
#include "policy_internal.h"

#include "../../planner/src/plan_internal.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

typedef struct declass_ctx {
    const keel_policy *p;
    const keel_fn_info *fn;
} declass_ctx;

static bool static_keep(void *ud, const char *label)
{
    const declass_ctx *c = ud;
    return !pol_declassifies(c->p, c->fn, label);
}

typedef struct static_ctx {
    const keel_policy *pol;
    const keel_plan *plan;
    keel_labels **possible; /* per step: labels its output may carry */
    keel_labels *item;      /* labels ${item} may carry in this step */
    keel_labels *scratch;   /* the last answer of labels_of, owned */
    size_t cur;
    bool oom;
} static_ctx;

static bool has_ref(const keel_value *v);

static int note_ref(void *ctx, const char *s, size_t len, const char *ptr)
{
    (void)ptr;
    bool *found = ctx;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '$' && s[i + 1] == '{')
            *found = true;
    return 0;
}

static bool has_ref(const keel_value *v)
{
    bool found = false;
    plan_each_string(v, "", note_ref, &found);
    return found;
}

static long step_index(const keel_plan *p, ref_seg root)
{
    for (size_t i = 0; i < p->n_steps; i++)
        if (strlen(p->steps[i].id) == root.len &&
            memcmp(p->steps[i].id, root.s, root.len) == 0)
            return (long)i;
    return -1;
}

typedef struct union_ctx {
    static_ctx *sc;
    keel_labels *acc;
} union_ctx;

static void absorb(union_ctx *u, const keel_labels *l)
{
    int oom = 0;
    keel_labels *n = keel_labels_union(u->acc, l, &oom);
    keel_labels_unref(u->acc);
    u->acc = n;
    u->sc->oom |= oom != 0;
}

static int union_ref(void *ctx, const plan_ref *r, const char *ptr)
{
    (void)ptr;
    union_ctx *u = ctx;
    if (ref_root_is(r, "item")) {
        absorb(u, u->sc->item);
        return 0;
    }
    long j = step_index(u->sc->plan, r->root);
    if (j >= 0)
        absorb(u, u->sc->possible[j]);
    return 0;
}

/* The labels a template value may carry (a new reference). */
static keel_labels *possible_labels(static_ctx *sc, const keel_value *v)
{
    union_ctx u = {sc, NULL};
    plan_each_ref(v, "", union_ref, &u);
    return u.acc;
}

static const keel_labels *labels_of(void *ctx, const keel_value *v)
{
    static_ctx *sc = ctx;
    keel_labels_unref(sc->scratch);
    sc->scratch = possible_labels(sc, v);
    return sc->scratch;
}

/* What step i's output may carry: its inputs' labels, and its own name when
 * the function's output is untrusted. */
static keel_labels *output_labels(static_ctx *sc, const keel_plan_step *s,
                                  const keel_fn_info *fn)
{
    keel_labels *l = possible_labels(sc, s->args);
    if (s->for_each) {
        keel_value *fe = keel_value_cstring(s->for_each);
        keel_labels *more = fe ? possible_labels(sc, fe) : NULL;
        keel_value_unref(fe);
        union_ctx u = {sc, l};
        absorb(&u, more);
        keel_labels_unref(more);
        l = u.acc;
    }
    if (fn && fn->untrusted_output) {
        keel_labels *self = keel_labels_new(fn->qualified_name);
        union_ctx u = {sc, l};
        absorb(&u, self);
        keel_labels_unref(self);
        l = u.acc;
        sc->oom |= !self;
    }
    if (fn && l) { /* then declassify rules remove labels through fn, as
                    * the run-time phase does after the call */
        int oom = 0;
        declass_ctx dc = {sc->pol, fn};
        keel_labels *f = keel_labels_filter(l, static_keep, &dc, &oom);
        keel_labels_unref(l);
        l = f;
        sc->oom |= oom != 0;
    }
    return l;
}

static keel_verdict worst(keel_verdict a, keel_verdict b)
{
    return a > b ? a : b;
}

static void deny_limit(keel_decision *d, const keel_plan *plan, long max)
{
    memset(d, 0, sizeof(*d));
    d->verdict = KEEL_VERDICT_DENY;
    d->rules[d->n_rules++] = "limits";
    snprintf(d->reason, sizeof(d->reason), "denied by limits: the plan has "
             "%zu steps and the policy allows %ld", plan->n_steps, max);
}

/* No policy configured: what has no side effects runs, nothing else. */
static keel_verdict check_unconfigured(keel_decision *decisions,
                                       const keel_plan *plan,
                                       const keel_kernel *k, keel_diags *diags)
{
    keel_verdict all = KEEL_VERDICT_ALLOW;
    for (size_t i = 0; i < plan->n_steps; i++) {
        const keel_plan_step *s = &plan->steps[i];
        const keel_fn_info *fn = keel_kernel_lookup(k, s->call);
        keel_decision *d = &decisions[i];
        memset(d, 0, sizeof(*d));
        if (fn && keel_policy_may_call(NULL, NULL, fn)) {
            snprintf(d->reason, sizeof(d->reason), "allowed: no side effects "
                     "(no policy is configured)");
            continue;
        }
        d->verdict = all = KEEL_VERDICT_DENY;
        if (fn)
            snprintf(d->reason, sizeof(d->reason), "denied: %s has side "
                     "effects and no policy is configured; pass --policy FILE "
                     "or set policy.files in the configuration", s->call);
        else
            snprintf(d->reason, sizeof(d->reason), "denied: %s is not a "
                     "loaded function", s->call);
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/steps/%zu", i);
        keel_diags_add(diags, ptr, s->line, KEEL_EDENIED, "step '%s' (%s): %s",
                       s->id, s->call, d->reason);
    }
    return all;
}

keel_verdict keel_policy_check_plan(keel_decision *decisions,
                                    const keel_policy *pol,
                                    const keel_principal *who,
                                    const keel_plan *plan,
                                    const keel_kernel *k, keel_diags *diags)
{
    if (!pol)
        return check_unconfigured(decisions, plan, k, diags);
    static_ctx sc = {pol, plan, keel_calloc(plan->n_steps ? plan->n_steps : 1,
                                            sizeof(keel_labels *)),
                     NULL, NULL, 0, false};
    keel_verdict all = KEEL_VERDICT_ALLOW;
    for (size_t i = 0; i < plan->n_steps; i++) {
        const keel_plan_step *s = &plan->steps[i];
        const keel_fn_info *fn = keel_kernel_lookup(k, s->call);
        keel_decision *d = &decisions[i];
        sc.cur = i;
        keel_labels_unref(sc.item);
        sc.item = NULL;
        if (s->for_each) {
            keel_value *fe = keel_value_cstring(s->for_each);
            sc.item = fe && sc.possible ? possible_labels(&sc, fe) : NULL;
            keel_value_unref(fe);
        }
        if (!sc.possible || sc.oom) {
            memset(d, 0, sizeof(*d));
            d->verdict = KEEL_VERDICT_DENY;
            snprintf(d->reason, sizeof(d->reason), "out of memory");
        } else if (pol->max_steps >= 0 && (long)plan->n_steps > pol->max_steps)
            deny_limit(d, plan, pol->max_steps);
        else if (!fn) {
            memset(d, 0, sizeof(*d));
            d->verdict = KEEL_VERDICT_DENY;
            snprintf(d->reason, sizeof(d->reason), "denied: %s is not a "
                     "loaded function", s->call);
        } else
            pol_decide(d, pol, who, fn, s->args, has_ref, labels_of, &sc);
        if (sc.oom && d->verdict != KEEL_VERDICT_DENY) { /* fail closed */
            memset(d, 0, sizeof(*d));
            d->verdict = KEEL_VERDICT_DENY;
            snprintf(d->reason, sizeof(d->reason), "out of memory");
        }
        if (sc.possible)
            sc.possible[i] = output_labels(&sc, s, fn);
        if (d->verdict == KEEL_VERDICT_DENY) {
            char ptr[64];
            snprintf(ptr, sizeof(ptr), "/steps/%zu", i);
            keel_diags_add(diags, ptr, s->line, KEEL_EDENIED, "step '%s' (%s): "
                           "%s", s->id, s->call, d->reason);
        }
        all = worst(all, d->verdict);
    }
    for (size_t i = 0; sc.possible && i < plan->n_steps; i++)
        keel_labels_unref(sc.possible[i]);
    keel_free(sc.possible);
    keel_labels_unref(sc.item);
    keel_labels_unref(sc.scratch);
    return all;
}
