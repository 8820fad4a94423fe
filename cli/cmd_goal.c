/*
 * cmd_goal.c - `keel goal "TEXT"`: plan with the model, show the plan with
 * each step's verdict, ask (on a terminal), run, print the output.
 */
#include "cli_planner.h"

#include <keel/exec.h>
#include <keel/run.h>

#include <string.h>
#include <unistd.h>

typedef struct goal_ui {
    const cli_ctx *ctx;
    bool timed; /* stderr is a terminal: timings are shown */
} goal_ui;

static void print_json_take(keel_value *v)
{
    cli_print_json_value(v, false);
    fflush(stdout);
    keel_value_unref(v);
}

static keel_value *event(const char *name)
{
    keel_value *o = keel_value_object();
    keel_value_object_set_take(o, "event", keel_value_cstring(name));
    return o;
}

static keel_value *diags_value(const keel_diags *d)
{
    char *json = NULL;
    keel_value *v = NULL;
    keel_error err = {0};
    if (keel_diags_json(&json, d) == 0)
        keel_value_from_json(&v, json, strlen(json), &err);
    keel_free(json);
    return v ? v : keel_value_list();
}

static void on_planner_json(const keel_planner_event *ev)
{
    keel_value *o = NULL;
    if (ev->kind == KEEL_PLANNER_REPLY) {
        o = event("llm_reply");
        keel_value_object_set_take(o, "attempt", keel_value_int(ev->attempt));
        keel_value_object_set_take(o, "model", keel_value_cstring(ev->reply->model));
        keel_value_object_set_take(o, "input_tokens",
                                   keel_value_int(ev->reply->input_tokens));
        keel_value_object_set_take(o, "output_tokens",
                                   keel_value_int(ev->reply->output_tokens));
        keel_value_object_set_take(o, "ms", keel_value_float(ev->reply->latency_ms));
    } else if (ev->kind == KEEL_PLANNER_REJECTED) {
        o = event("plan_rejected");
        keel_value_object_set_take(o, "attempt", keel_value_int(ev->attempt));
        keel_value_object_set_take(o, "errors", diags_value(ev->diags));
    }
    if (o)
        print_json_take(o);
}

static void on_planner(void *ud, const keel_planner_event *ev)
{
    const goal_ui *ui = ud;
    if (ui->ctx->json) {
        on_planner_json(ev);
        return;
    }
    switch (ev->kind) {
    case KEEL_PLANNER_CACHE_HIT:
        fputs("keel: using a cached plan for this goal, checked again "
              "(--no-cache asks the model)\n", stderr);
        break;
    case KEEL_PLANNER_REQUEST:
        if (ev->attempt > 1)
            fprintf(stderr, "keel: asking the model to repair its plan "
                    "(request %d)\n", ev->attempt);
        break;
    case KEEL_PLANNER_REPLY:
        fprintf(stderr, "keel: reply %d from %s: %lld tokens in, %lld out",
                ev->attempt, ev->reply->model,
                (long long)ev->reply->input_tokens,
                (long long)ev->reply->output_tokens);
        if (ui->timed)
            fprintf(stderr, ", %.0f ms", ev->reply->latency_ms);
        fputc('\n', stderr);
        break;
    case KEEL_PLANNER_REJECTED:
        fprintf(stderr, "keel: reply %d rejected, %zu problem%s:\n",
                ev->attempt, ev->diags->n, ev->diags->n == 1 ? "" : "s");
        for (size_t i = 0; i < ev->diags->n; i++) {
            fputs("    ", stderr);
            cli_put_untrusted(stderr, ev->diags->items[i].pointer);
            fputs(ev->diags->items[i].pointer[0] ? ": " : "", stderr);
            cli_put_untrusted(stderr, ev->diags->items[i].message);
            fputc('\n', stderr);
        }
        break;
    case KEEL_PLANNER_ACCEPTED:
        fprintf(stderr, "keel: reply %d accepted\n", ev->attempt);
        break;
    }
}

/* "[writes, network]" from a function's effect flags. */
static void print_effects(const keel_fn_info *fn)
{
    if (!fn)
        return;
    const char *sep = "  [";
    for (unsigned bit = 1; bit <= KEEL_EFFECT_IDEMPOTENT; bit <<= 1)
        if ((fn->effects & bit) && keel_effect_name(bit)) {
            printf("%s%s", sep, keel_effect_name(bit));
            sep = ", ";
        }
    if (fn->untrusted_output) {
        printf("%suntrusted output", sep);
        sep = ", ";
    }
    if (sep[0] == ',')
        putchar(']');
}

/* One argument per line, each value in full as compact JSON: what a
 * person confirms must be all of what runs. */
static void print_args(const keel_value *args)
{
    for (size_t i = 0; i < keel_value_len(args); i++) {
        char *json = NULL;
        keel_value_to_json(&json, keel_value_object_value_at(args, i), false);
        fputs("       ", stdout);
        cli_put_untrusted(stdout, keel_value_object_key_at(args, i));
        fputs(": ", stdout);
        cli_put_untrusted(stdout, json ? json : "?");
        putchar('\n');
        keel_free(json);
    }
}

/* "       label: text\n" with text from the model, escaped. */
static void print_line(const char *label, const char *text)
{
    printf("       %s: ", label);
    cli_put_untrusted(stdout, text);
    putchar('\n');
}

static void print_plan_text(const cli_ctx *ctx, const keel_planner_result *r)
{
    const keel_plan *p = r->plan;
    char hash[65] = "";
    keel_plan_hash(hash, p);
    fputs("Plan for: ", stdout);
    cli_put_untrusted(stdout, p->goal);
    printf("\n%zu step%s, plan hash %.12s, prompt templates %.12s\n\n",
           p->n_steps, p->n_steps == 1 ? "" : "s", hash, r->template_hash);
    for (size_t i = 0; i < p->n_steps; i++) {
        const keel_plan_step *s = &p->steps[i];
        printf("%3zu. %s: %s", i + 1, s->id, s->call);
        print_effects(keel_kernel_lookup(ctx->kernel, s->call));
        putchar('\n');
        if (s->for_each)
            print_line("for each", s->for_each);
        print_args(s->args);
        if (s->why)
            print_line("why", s->why);
        print_line("policy", r->decisions[i].reason);
    }
    if (p->output) {
        char *json = NULL;
        keel_value_to_json(&json, p->output, false);
        fputs("     output: ", stdout);
        cli_put_untrusted(stdout, json ? json : "?");
        putchar('\n');
        keel_free(json);
    }
    printf("\n");
    fflush(stdout);
}

static keel_value *verdicts_value(const keel_planner_result *r)
{
    static const char *const names[] = {"allow", "approval", "deny"};
    keel_value *list = keel_value_list();
    for (size_t i = 0; i < r->plan->n_steps; i++) {
        const keel_decision *d = &r->decisions[i];
        keel_value *o = keel_value_object(), *rules = keel_value_list();
        for (size_t j = 0; j < d->n_rules; j++)
            keel_value_list_append_take(rules, keel_value_cstring(d->rules[j]));
        keel_value_object_set_take(o, "step", keel_value_cstring(r->plan->steps[i].id));
        keel_value_object_set_take(o, "verdict", keel_value_cstring(names[d->verdict]));
        keel_value_object_set_take(o, "rules", rules);
        keel_value_object_set_take(o, "reason", keel_value_cstring(d->reason));
        keel_value_list_append_take(list, o);
    }
    return list;
}

static void usage_members(keel_value *o, const keel_planner_result *r)
{
    keel_value_object_set_take(o, "llm_calls", keel_value_int(r->llm_calls));
    keel_value_object_set_take(o, "input_tokens", keel_value_int(r->input_tokens));
    keel_value_object_set_take(o, "output_tokens", keel_value_int(r->output_tokens));
    keel_value_object_set_take(o, "cost", keel_value_float(r->cost));
}

static void print_plan_json(const keel_planner_result *r)
{
    char hash[65] = "";
    keel_plan_hash(hash, r->plan);
    keel_value *o = event("plan"), *plan = NULL;
    keel_plan_to_value(&plan, r->plan);
    keel_value_object_set_take(o, "hash", keel_value_cstring(hash));
    keel_value_object_set_take(o, "template_hash",
                               keel_value_cstring(r->template_hash));
    keel_value_object_set_take(o, "from_cache", keel_value_bool(r->from_cache));
    usage_members(o, r);
    keel_value_object_set_take(o, "plan", plan);
    keel_value_object_set_take(o, "verdicts", verdicts_value(r));
    print_json_take(o);
}

/* The plan could not be made: the model declined, no reply passed, a
 * limit stopped planning, or the model failed. */
static int planning_failed(const cli_ctx *ctx, const keel_planner_result *r,
                           int rc, const keel_error *err)
{
    if (ctx->json) {
        keel_value *o = event(r->cannot_plan ? "cannot_plan" : "planning_failed");
        if (r->cannot_plan)
            keel_value_object_set_take(o, "reason", keel_value_cstring(r->cannot_plan));
        else
            keel_value_object_set_take(o, "error", keel_value_cstring(err->msg));
        if (r->diags.n)
            keel_value_object_set_take(o, "errors", diags_value(&r->diags));
        usage_members(o, r);
        print_json_take(o);
        return cli_exit_code(rc);
    }
    if (r->cannot_plan) {
        fputs("keel: the model cannot plan this goal: ", stderr);
        cli_put_untrusted(stderr, r->cannot_plan);
        fputs("\nkeel: nothing ran\n", stderr);
        return KEEL_EXIT_USAGE;
    }
    int code = cli_fail(rc, err);
    if (r->diags.n)
        cli_print_diags(&r->diags, "last reply");
    if (r->llm_calls)
        fputs("keel: nothing ran\n", stderr);
    return code;
}

static int save_plan(const cli_ctx *ctx, const keel_plan *p)
{
    char *json = NULL;
    if (keel_plan_to_json(&json, p) != 0)
        return cli_fail(KEEL_ENOMEM, NULL);
    FILE *f = fopen(ctx->plan_out, "w");
    bool ok = f && fputs(json, f) >= 0 && fputc('\n', f) != EOF;
    ok = f && fclose(f) == 0 && ok;
    keel_free(json);
    if (!ok)
        return cli_usage_error("--plan-out %s: cannot write the plan",
                               ctx->plan_out);
    if (!ctx->json)
        fprintf(stderr, "keel: plan saved to %s\n", ctx->plan_out);
    return 0;
}

/* On a terminal, ask; elsewhere --yes is required, so that a script never
 * runs a plan nobody looked at by accident. */
static int confirm(const cli_ctx *ctx)
{
    if (ctx->yes)
        return 0;
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return cli_usage_error("not running the plan: it needs a "
                               "confirmation and there is no terminal to ask "
                               "on; pass --yes to run it, or --dry-run to "
                               "only show it");
    fputs("Run this plan? [y/N] ", stderr);
    char line[16] = "";
    if (!fgets(line, sizeof(line), stdin) ||
        (strcmp(line, "y\n") != 0 && strcmp(line, "yes\n") != 0)) {
        fputs("keel: not run\n", stderr);
        return -1;
    }
    return 0;
}

static int after_planning(cli_ctx *ctx, const keel_planner_result *r,
                          const keel_exec_opts *run, const keel_policy *pol,
                          const keel_principal *who)
{
    if (r->cache_error[0])
        cli_warn("%s", r->cache_error);
    if (ctx->json)
        print_plan_json(r);
    else
        print_plan_text(ctx, r);
    int rc = ctx->plan_out ? save_plan(ctx, r->plan) : 0;
    if (rc)
        return rc;
    if (ctx->dry_run)
        return KEEL_EXIT_OK;
    if ((rc = confirm(ctx)) != 0)
        return rc < 0 ? KEEL_EXIT_OK : rc;
    keel_run_llm_call calls[KEEL_PLANNER_MAX_CALLS];
    for (size_t i = 0; i < r->n_calls; i++)
        calls[i] = (keel_run_llm_call){r->calls[i].model, r->calls[i].start_ms,
                                       r->calls[i].ms, r->calls[i].input_tokens,
                                       r->calls[i].output_tokens,
                                       r->calls[i].cost};
    keel_run_meta meta = {.goal = r->plan->goal, .principal = who,
                          .policy = pol,
                          .policy_files = (const char *const *)ctx->policy_used,
                          .n_policy_files = ctx->n_policy_used,
                          .template_hash = r->template_hash,
                          .llm_calls = calls, .n_llm_calls = r->n_calls};
    return cli_run_durable(ctx, r->plan, &meta, run, pol, true);
}

static void say_planning(const cli_ctx *ctx, const keel_llm *llm,
                         const keel_policy *pol, const keel_principal *who)
{
    if (ctx->json)
        return;
    if (!pol)
        fputs("keel: no policy is configured: only functions without side "
              "effects are offered and allowed\n", stderr);
    fprintf(stderr, "keel: planning with %s for %s\n", keel_llm_model(llm),
            who->uid);
}

int cmd_goal(cli_ctx *ctx)
{
    if (ctx->n_pos != 1 || !ctx->pos[0][0])
        return cli_usage_error("usage: keel goal \"TEXT\" [--yes] "
                               "[--dry-run] [--llm P:M] [--policy FILE]");
    keel_exec_opts run;
    cli_planner pl;
    keel_policy *pol = NULL;
    keel_llm *llm = NULL;
    int rc = cli_parse_run_opts(&run, ctx);
    if (rc || (rc = cli_planner_setup(&pl, ctx, true)) ||
        (rc = cli_load_policy(ctx, &pol)) || (rc = cli_open_llm(&llm, ctx))) {
        keel_policy_free(pol);
        return rc;
    }
    keel_principal who;
    cli_principal(ctx, &who);
    goal_ui ui = {ctx, isatty(STDERR_FILENO) != 0};
    pl.opts.llm = llm;
    pl.opts.policy = pol;
    pl.opts.principal = &who;
    pl.opts.on_event = on_planner;
    pl.opts.ud = &ui;
    say_planning(ctx, llm, pol, &who);
    keel_planner_result r;
    keel_error err = {0};
    rc = keel_planner_plan(&r, ctx->pos[0], &pl.opts, &err);
    int code = rc ? planning_failed(ctx, &r, rc, &err)
                  : after_planning(ctx, &r, &run, pol, &who);
    keel_planner_result_free(&r);
    keel_llm_free(llm);
    keel_policy_free(pol);
    return code;
}
