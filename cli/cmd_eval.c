/*
 * cmd_eval.c - `keel eval SUITE`: plans every goal of a suite with the
 * model (never from the plan cache), checks each result against the
 * case's expectations (plans are checked, never run), and prints one line
 * per case, then pass rate, tokens, cost and latency, and
 * "N passed, N failed". Suite reading is eval_suite.c, checking
 * eval_check.c.
 */
#include "cli_planner.h"
#include "eval_suite.h"

#include <string.h>

typedef struct eval_totals {
    size_t passed, failed;
    int64_t input_tokens, output_tokens;
    double cost, ms_sum, ms_max;
} eval_totals;

typedef struct eval_run {
    cli_ctx *ctx;
    cli_planner pl;
    eval_suite suite;
    keel_policy *pol;
    keel_llm *llm;
    eval_totals t;
} eval_run;

/* What one case gave. */
typedef struct case_result {
    const eval_case *c;
    const keel_principal *who;
    const keel_planner_result *r;
    eval_outcome outcome;
    const char *error;
    double ms;
    bool pass;
    eval_failures f;
} case_result;

/* ---- text ---- */

static void print_outcome_text(const case_result *cr)
{
    const keel_planner_result *r = cr->r;
    if (cr->outcome == EVAL_PLAN)
        printf("plan of %zu step%s", r->plan->n_steps,
               r->plan->n_steps == 1 ? "" : "s");
    else if (cr->outcome == EVAL_CANNOT_PLAN)
        fputs("cannot plan", stdout);
    else
        fputs(eval_outcome_name(cr->outcome), stdout);
    printf(", %d LLM call%s, %lld + %lld tokens, %.1f ms\n", r->llm_calls,
           r->llm_calls == 1 ? "" : "s", (long long)r->input_tokens,
           (long long)r->output_tokens, cr->ms);
}

static void print_case_text(const case_result *cr)
{
    printf("%s %s: ", cr->pass ? "PASS" : "FAIL", cr->c->name);
    print_outcome_text(cr);
    for (size_t i = 0; i < cr->f.n; i++)
        printf("     %s\n", cr->f.msg[i]);
    if (cr->pass || cr->outcome != EVAL_PLAN)
        return;
    fputs("     the plan:", stdout);
    for (size_t i = 0; i < cr->r->plan->n_steps; i++)
        printf("%s %s (%s)", i ? "," : "", cr->r->plan->steps[i].id,
               cr->r->plan->steps[i].call);
    putchar('\n');
}

static void print_summary_text(const eval_totals *t)
{
    size_t n = t->passed + t->failed;
    printf("\n%zu case%s: %zu passed (%.1f%%)\n", n, n == 1 ? "" : "s",
           t->passed, n ? 100.0 * (double)t->passed / (double)n : 0.0);
    printf("tokens: %lld in, %lld out; cost %.6f\n", (long long)t->input_tokens,
           (long long)t->output_tokens, t->cost);
    printf("latency: mean %.1f ms, max %.1f ms\n",
           n ? t->ms_sum / (double)n : 0.0, t->ms_max);
    printf("%zu passed, %zu failed\n", t->passed, t->failed);
}

/* ---- JSON ---- */

static void set(keel_value *o, const char *key, keel_value *v)
{
    keel_value_object_set_take(o, key, v);
}

static keel_value *failures_value(const eval_failures *f)
{
    keel_value *list = keel_value_list();
    for (size_t i = 0; i < f->n; i++)
        keel_value_list_append_take(list, keel_value_cstring(f->msg[i]));
    return list;
}

static void add_plan_members(keel_value *o, const case_result *cr)
{
    const keel_planner_result *r = cr->r;
    keel_value *plan = NULL;
    if (r->plan)
        keel_plan_to_value(&plan, r->plan);
    set(o, "steps",
        r->plan ? keel_value_int((int64_t)r->plan->n_steps)
                : keel_value_null());
    set(o, "plan", plan ? plan : keel_value_null());
    if (r->cannot_plan)
        set(o, "cannot_plan", keel_value_cstring(r->cannot_plan));
    if (cr->outcome != EVAL_PLAN && cr->outcome != EVAL_CANNOT_PLAN)
        set(o, "error", keel_value_cstring(cr->error));
}

static void print_case_json(const case_result *cr)
{
    const keel_planner_result *r = cr->r;
    keel_value *o = keel_value_object();
    set(o, "event", keel_value_cstring("eval_case"));
    set(o, "name", keel_value_cstring(cr->c->name));
    set(o, "goal", keel_value_cstring(cr->c->goal));
    set(o, "user", keel_value_cstring(cr->who->uid));
    set(o, "pass", keel_value_bool(cr->pass));
    set(o, "outcome", keel_value_cstring(eval_outcome_name(cr->outcome)));
    set(o, "failures", failures_value(&cr->f));
    set(o, "llm_calls", keel_value_int(r->llm_calls));
    set(o, "input_tokens", keel_value_int(r->input_tokens));
    set(o, "output_tokens", keel_value_int(r->output_tokens));
    set(o, "cost", keel_value_float(r->cost));
    set(o, "ms", keel_value_float(cr->ms));
    add_plan_members(o, cr);
    cli_print_json_value(o, false);
    keel_value_unref(o);
}

static void print_summary_json(const eval_totals *t)
{
    size_t n = t->passed + t->failed;
    keel_value *o = keel_value_object();
    set(o, "event", keel_value_cstring("eval_summary"));
    set(o, "cases", keel_value_int((int64_t)n));
    set(o, "passed", keel_value_int((int64_t)t->passed));
    set(o, "failed", keel_value_int((int64_t)t->failed));
    set(o, "pass_rate",
        keel_value_float(n ? (double)t->passed / (double)n : 0));
    set(o, "input_tokens", keel_value_int(t->input_tokens));
    set(o, "output_tokens", keel_value_int(t->output_tokens));
    set(o, "cost", keel_value_float(t->cost));
    set(o, "mean_ms", keel_value_float(n ? t->ms_sum / (double)n : 0));
    set(o, "max_ms", keel_value_float(t->ms_max));
    cli_print_json_value(o, false);
    keel_value_unref(o);
}

/* ---- running ---- */

/* The case's user and groups, else the defaults', else --user/--group. */
static void case_principal(keel_principal *who, const cli_ctx *ctx,
                           const eval_case *c)
{
    cli_principal(ctx, who);
    if (c->user)
        who->uid = c->user;
    if (c->user || c->n_groups) {
        who->groups = c->groups;
        who->n_groups = c->n_groups;
    }
}

static void account(eval_totals *t, const case_result *cr)
{
    cr->pass ? t->passed++ : t->failed++;
    t->input_tokens += cr->r->input_tokens;
    t->output_tokens += cr->r->output_tokens;
    t->cost += cr->r->cost;
    t->ms_sum += cr->ms;
    if (cr->ms > t->ms_max)
        t->ms_max = cr->ms;
}

/* Plans and checks one case; returns an exit code only when the eval must
 * stop (the model is unreachable). */
static int run_case(eval_run *ev, const eval_case *c)
{
    keel_principal who;
    case_principal(&who, ev->ctx, c);
    ev->pl.opts.principal = &who;
    keel_planner_result r;
    keel_error err = {0};
    int64_t t0 = keel_now_ns();
    int rc = keel_planner_plan(&r, c->goal, &ev->pl.opts, &err);
    case_result cr = {.c = c,
                      .who = &who,
                      .r = &r,
                      .outcome = eval_outcome_of(rc, &r),
                      .error = err.msg,
                      .ms = (double)(keel_now_ns() - t0) / 1e6};
    int code = 0;
    if (rc == KEEL_EUNAVAIL || rc == KEEL_ENOMEM) {
        code = cli_fail(rc, &err);
        fprintf(stderr, "keel: eval stopped at case '%s'\n", c->name);
    } else {
        cr.pass = eval_check(&cr.f, &c->expect, rc, &r, err.msg);
        account(&ev->t, &cr);
        ev->ctx->json ? print_case_json(&cr) : print_case_text(&cr);
        fflush(stdout);
    }
    keel_planner_result_free(&r);
    return code;
}

/* The suite's policy files unless --policy names others; then the config's
 * policy.files. */
static int load_policy(eval_run *ev)
{
    cli_ctx *ctx = ev->ctx;
    if (!ctx->policy_files.n)
        for (size_t i = 0; i < ev->suite.n_policy; i++)
            ctx->policy_files.v[ctx->policy_files.n++] = ev->suite.policy[i];
    return cli_load_policy(ctx, &ev->pol);
}

static int open_all(eval_run *ev)
{
    cli_ctx *ctx = ev->ctx;
    int rc = cli_planner_setup(&ev->pl, ctx, false);
    if (rc)
        return rc;
    keel_error err = {0};
    if ((rc = eval_suite_load(&ev->suite, ctx->pos[0], ctx->kernel, &err)) != 0)
        return cli_fail(rc, &err);
    if ((rc = load_policy(ev)) || (rc = cli_open_llm(&ev->llm, ctx)))
        return rc;
    ev->pl.opts.llm = ev->llm;
    ev->pl.opts.policy = ev->pol;
    if (!ctx->json)
        fprintf(stderr, "keel: eval %s: %zu case%s with %s, %s\n", ctx->pos[0],
                ev->suite.n_cases, ev->suite.n_cases == 1 ? "" : "s",
                keel_llm_model(ev->llm),
                ev->pol ? "policy loaded"
                        : "no policy (side-effect-free "
                          "functions only)");
    return 0;
}

int cmd_eval(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel eval SUITE [--llm P:M | --llm "
                               "replay:FILE] [--policy FILE]... [--json]");
    eval_run ev;
    memset(&ev, 0, sizeof(ev));
    ev.ctx = ctx;
    int code = open_all(&ev);
    for (size_t i = 0; code == 0 && i < ev.suite.n_cases; i++)
        code = run_case(&ev, &ev.suite.cases[i]);
    if (code == 0) {
        ctx->json ? print_summary_json(&ev.t) : print_summary_text(&ev.t);
        code = ev.t.failed ? KEEL_EXIT_FAILED : KEEL_EXIT_OK;
    }
    keel_llm_free(ev.llm);
    keel_policy_free(ev.pol);
    eval_suite_free(&ev.suite);
    return code;
}
