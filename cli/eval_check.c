/*
 * eval_check.c - checks one planning result against a case's expectations
 * for `keel eval`: the outcome, then (when a plan came as expected) the
 * functions called and not called, argument values, step bounds and the
 * verdict; and the number of LLM calls. One small function per
 * expectation, in a table.
 */
#include "eval_check.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const outcome_names[] = {"plan", "cannot_plan", "denied",
                                            "no_plan", "error"};

const char *eval_outcome_name(eval_outcome o)
{
    return outcome_names[o];
}

bool eval_outcome_parse(eval_outcome *out, const char *s)
{
    for (int i = EVAL_PLAN; s && i < EVAL_ERROR; i++)
        if (strcmp(s, outcome_names[i]) == 0) {
            *out = (eval_outcome)i;
            return true;
        }
    return false;
}

eval_outcome eval_outcome_of(int rc, const keel_planner_result *r)
{
    if (rc == 0 && r->plan)
        return EVAL_PLAN;
    if (rc == KEEL_EINVAL && r->cannot_plan)
        return EVAL_CANNOT_PLAN;
    if (rc == KEEL_EDENIED)
        return EVAL_DENIED;
    if (rc == KEEL_EINVAL && r->diags.n)
        return EVAL_NO_PLAN;
    return EVAL_ERROR;
}

void eval_expect_init(eval_expect *e)
{
    memset(e, 0, sizeof(*e));
    e->outcome = EVAL_PLAN;
    e->min_steps = e->max_steps = e->max_llm_calls = -1;
    e->verdict = -1;
}

static void fail(eval_failures *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fail(eval_failures *f, const char *fmt, ...)
{
    if (f->n == EVAL_MAX_FAILURES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg[f->n++], sizeof(f->msg[0]), fmt, ap);
    va_end(ap);
}

/* Compact JSON of v cut to fit a message, into buf. */
static const char *show(char *buf, size_t cap, const keel_value *v)
{
    char *json = NULL;
    keel_value_to_json(&json, v, false);
    snprintf(buf, cap, "%s", json ? json : "?");
    if (json && strlen(json) >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
    keel_free(json);
    return buf;
}

/* ---- outcome ---- */

static void describe_got(char *buf, size_t cap, eval_outcome got,
                         const keel_planner_result *r, const char *error)
{
    switch (got) {
    case EVAL_PLAN:
        snprintf(buf, cap, "a plan of %zu step%s", r->plan->n_steps,
                 r->plan->n_steps == 1 ? "" : "s");
        break;
    case EVAL_CANNOT_PLAN:
        snprintf(buf, cap, "cannot_plan (%.200s)", r->cannot_plan);
        break;
    case EVAL_DENIED:
    case EVAL_NO_PLAN:
    case EVAL_ERROR:
        snprintf(buf, cap, "%s (%.200s)", eval_outcome_name(got),
                 error && *error ? error : "no message");
        break;
    }
}

static bool check_outcome(eval_failures *f, const eval_expect *e,
                          eval_outcome got, const keel_planner_result *r,
                          const char *error)
{
    if (got == e->outcome)
        return true;
    char buf[256];
    describe_got(buf, sizeof(buf), got, r, error);
    fail(f, "outcome: expected %s, got %s", eval_outcome_name(e->outcome), buf);
    return false;
}

/* ---- the plan's calls ---- */

static const keel_plan_step *find_call(const keel_plan *p, const char *pattern,
                                       size_t from)
{
    for (size_t i = from; i < p->n_steps; i++)
        if (fnmatch(pattern, p->steps[i].call, 0) == 0)
            return &p->steps[i];
    return NULL;
}

static void check_calls(eval_failures *f, const eval_expect *e,
                        const keel_plan *p)
{
    for (size_t i = 0; i < keel_value_len(e->calls); i++) {
        const char *want =
            keel_value_get_string(keel_value_list_at(e->calls, i), NULL);
        if (want && !find_call(p, want, 0))
            fail(f, "calls: no step calls %s", want);
    }
}

static void check_not_calls(eval_failures *f, const eval_expect *e,
                            const keel_plan *p)
{
    for (size_t i = 0; i < keel_value_len(e->not_calls); i++) {
        const char *no =
            keel_value_get_string(keel_value_list_at(e->not_calls, i), NULL);
        const keel_plan_step *s = no ? find_call(p, no, 0) : NULL;
        if (s)
            fail(f, "not_calls: step '%s' calls %s", s->id, s->call);
    }
}

/* ---- argument values ---- */

static bool is_number(const keel_value *v)
{
    keel_type t = keel_value_type(v);
    return t == KEEL_TYPE_INT || t == KEEL_TYPE_FLOAT;
}

static double number(const keel_value *v)
{
    return keel_value_type(v) == KEEL_TYPE_INT ? (double)keel_value_get_int(v)
                                               : keel_value_get_float(v);
}

/* Structural equality where 2 and 2.0 are the same number: a model may
 * write either for a float parameter. */
static bool same_value(const keel_value *a, const keel_value *b)
{
    if (is_number(a) && is_number(b))
        return number(a) == number(b);
    keel_type t = keel_value_type(a);
    if (t != keel_value_type(b) || keel_value_len(a) != keel_value_len(b))
        return false;
    if (t == KEEL_TYPE_LIST) {
        for (size_t i = 0; i < keel_value_len(a); i++)
            if (!same_value(keel_value_list_at(a, i), keel_value_list_at(b, i)))
                return false;
        return true;
    }
    if (t == KEEL_TYPE_OBJECT) {
        for (size_t i = 0; i < keel_value_len(a); i++) {
            const keel_value *o =
                keel_value_object_get(b, keel_value_object_key_at(a, i));
            if (!o || !same_value(keel_value_object_value_at(a, i), o))
                return false;
        }
        return true;
    }
    return keel_value_equal(a, b);
}

/* The first member of want that step s does not have, or NULL. */
static const char *first_mismatch(const keel_plan_step *s,
                                  const keel_value *want)
{
    for (size_t i = 0; i < keel_value_len(want); i++) {
        const char *name = keel_value_object_key_at(want, i);
        const keel_value *got = keel_value_object_get(s->args, name);
        if (!got || !same_value(got, keel_value_object_value_at(want, i)))
            return name;
    }
    return NULL;
}

/* One {"call", "args"}: some step calling it has every member given. */
static void check_one_args(eval_failures *f, const keel_value *spec,
                           const keel_plan *p)
{
    const char *call =
        keel_value_get_string(keel_value_object_get(spec, "call"), NULL);
    const keel_value *want = keel_value_object_get(spec, "args");
    const keel_plan_step *first = call ? find_call(p, call, 0) : NULL;
    if (!first) {
        fail(f, "args: no step calls %s", call ? call : "?");
        return;
    }
    for (const keel_plan_step *s = first; s;
         s = find_call(p, call, (size_t)(s - p->steps) + 1))
        if (!first_mismatch(s, want))
            return;
    const char *name = first_mismatch(first, want);
    const keel_value *got = keel_value_object_get(first->args, name);
    char g[96], w[96];
    show(w, sizeof(w), keel_value_object_get(want, name));
    if (got)
        fail(f, "args: step '%s' (%s) has %s = %s, expected %s", first->id,
             first->call, name, show(g, sizeof(g), got), w);
    else
        fail(f, "args: step '%s' (%s) has no argument '%s', expected %s",
             first->id, first->call, name, w);
}

static void check_args(eval_failures *f, const eval_expect *e,
                       const keel_plan *p)
{
    for (size_t i = 0; i < keel_value_len(e->args); i++)
        check_one_args(f, keel_value_list_at(e->args, i), p);
}

/* ---- size and verdict ---- */

static void check_steps(eval_failures *f, const eval_expect *e,
                        const keel_plan *p)
{
    int64_t n = (int64_t)p->n_steps;
    if (e->max_steps >= 0 && n > e->max_steps)
        fail(f, "max_steps: the plan has %lld steps, at most %lld expected",
             (long long)n, (long long)e->max_steps);
    if (e->min_steps >= 0 && n < e->min_steps)
        fail(f, "min_steps: the plan has %lld step%s, at least %lld expected",
             (long long)n, n == 1 ? "" : "s", (long long)e->min_steps);
}

static void check_verdict(eval_failures *f, const eval_expect *e,
                          const keel_planner_result *r)
{
    static const char *const names[] = {"allow", "approval", "deny"};
    if (e->verdict >= 0 && (int)r->verdict != e->verdict)
        fail(f, "verdict: the plan's verdict is %s, expected %s",
             names[r->verdict], names[e->verdict]);
}

typedef void (*plan_check_fn)(eval_failures *f, const eval_expect *e,
                              const keel_plan *p);

static const plan_check_fn plan_checks[] = {
    check_calls,
    check_not_calls,
    check_args,
    check_steps,
};

bool eval_check(eval_failures *out, const eval_expect *e, int rc,
                const keel_planner_result *r, const char *error)
{
    memset(out, 0, sizeof(*out));
    eval_outcome got = eval_outcome_of(rc, r);
    if (check_outcome(out, e, got, r, error) && got == EVAL_PLAN) {
        for (size_t i = 0; i < sizeof(plan_checks) / sizeof(*plan_checks); i++)
            plan_checks[i](out, e, r->plan);
        check_verdict(out, e, r);
    }
    if (e->max_llm_calls >= 0 && r->llm_calls > e->max_llm_calls)
        fail(out,
             "max_llm_calls: planning took %d LLM call%s, at most %lld "
             "expected",
             r->llm_calls, r->llm_calls == 1 ? "" : "s",
             (long long)e->max_llm_calls);
    return out->n == 0;
}
