/*
 * cmd_runs.c - durable runs on the command line: running a checked plan
 * as a journalled run, `keel resume`, `keel approve`, `keel reject`,
 * `keel runs [list]`, `keel runs show`, `keel runs verify`.
 */
#include "cli.h"

#include <keel/run.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *cli_state_dir(cli_ctx *ctx)
{
    if (ctx->state_dir_flag)
        return ctx->state_dir_flag;
    return cli_open_config(ctx) == 0 ? keel_config_state_dir(ctx->config)
                                     : NULL;
}

static int parse_durability(bool *durable, const cli_ctx *ctx)
{
    *durable = true;
    if (!ctx->durability || strcmp(ctx->durability, "fsync") == 0)
        return 0;
    if (strcmp(ctx->durability, "none") == 0) {
        *durable = false;
        return 0;
    }
    return cli_usage_error("--durability %s: give fsync or none",
                           ctx->durability);
}

/* At a terminal, the approver may answer at once. */
static int ask_terminal(void *ud, const keel_plan_step *step,
                        const keel_value *args, const keel_decision *d,
                        char *reason, size_t cap)
{
    (void)ud;
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return -1;
    char *json = NULL;
    keel_value_to_json(&json, args, false);
    fprintf(stderr, "\nStep '%s' (%s) %s.\n  arguments: ", step->id,
            step->call, d->reason);
    cli_put_untrusted(stderr, json ? json : "?");
    keel_free(json);
    if (step->why) {
        fputs("\n  why: ", stderr);
        cli_put_untrusted(stderr, step->why);
    }
    fputs("\nApprove it? [y/N] ", stderr);
    char line[256] = "";
    if (!fgets(line, sizeof(line), stdin))
        return -1;
    if (strcmp(line, "y\n") == 0 || strcmp(line, "yes\n") == 0)
        return 1;
    snprintf(reason, cap, "rejected at the terminal");
    return 0;
}

typedef struct run_view {
    cli_ctx *ctx;
    bool json;
} run_view;

static void say_run(cli_ctx *ctx, const keel_run *r, const char *verb)
{
    if (ctx->json) {
        keel_value *o = keel_value_object();
        keel_value_object_set_take(o, "event", keel_value_cstring(verb));
        keel_value_object_set_take(o, "run", keel_value_cstring(keel_run_id(r)));
        cli_print_json_value(o, false);
        keel_value_unref(o);
        fflush(stdout);
    } else {
        fprintf(stderr, "keel: run %s\n", keel_run_id(r));
    }
}

/* The step waiting for approval: its arguments and why, as journalled. */
static void show_request(const keel_run *r)
{
    const keel_value *recs = keel_run_records(r), *req = NULL;
    for (size_t i = keel_value_len(recs); !req && i-- > 0;) {
        const keel_value *rec = keel_value_list_at(recs, i);
        const char *e = keel_value_get_string(keel_value_object_get(rec, "event"), NULL);
        if (e && strcmp(e, "approval_requested") == 0)
            req = rec;
    }
    if (!req)
        return;
    char *json = NULL;
    keel_value_to_json(&json, keel_value_object_get(req, "args"), false);
    fputs("keel: step arguments: ", stderr);
    cli_put_untrusted(stderr, json ? json : "?");
    keel_free(json);
    const char *why = keel_value_get_string(keel_value_object_get(req, "why"), NULL);
    if (why) {
        fputs("\nkeel: why: ", stderr);
        cli_put_untrusted(stderr, why);
    }
    fputc('\n', stderr);
}

/* After a stop for approval or a step in doubt: what to do next. */
static void hint(const keel_run *r, int rc)
{
    if (rc == KEEL_EAPPROVAL) {
        show_request(r);
        fprintf(stderr, "keel: run %s waits for approval; then: keel resume "
                "%s\n", keel_run_id(r), keel_run_id(r));
    }
    if (rc && rc != KEEL_EAPPROVAL && rc != KEEL_EDENIED && rc != KEEL_EINVAL)
        fprintf(stderr, "keel: continue it with: keel resume %s\n",
                keel_run_id(r));
}

static int execute(cli_ctx *ctx, keel_run *r, const keel_run_opts *opts)
{
    keel_principal me;
    cli_principal(ctx, &me);
    keel_run_opts ro = *opts;
    ro.operator_ = &me;
    ro.ask = ask_terminal;
    keel_value *out = NULL;
    keel_error err = {0};
    int rc = keel_run_execute(&out, r, ctx->kernel, &ro, &err);
    cli_export_trace(ctx, r);
    int code = cli_finish_run(ctx, rc, out, &err);
    if (rc == KEEL_EIO) /* the journal could not be written: a run failure */
        code = KEEL_EXIT_FAILED;
    if (!ctx->json)
        hint(r, rc);
    keel_value_unref(out);
    return code;
}

int cli_run_durable(cli_ctx *ctx, const keel_plan *p, keel_run_meta *meta,
                    const keel_exec_opts *opts, const keel_policy *pol,
                    bool show_progress)
{
    const char *state = cli_state_dir(ctx);
    int rc = state ? parse_durability(&meta->durable, ctx) : KEEL_EXIT_USAGE;
    if (rc)
        return rc;
    keel_run *r = NULL;
    keel_error err = {0};
    if ((rc = keel_run_create(&r, state, p, meta, &err)) != 0)
        return cli_fail(rc, &err);
    say_run(ctx, r, "run_created");
    keel_run_opts ro = {.exec = *opts, .policy = pol};
    cli_progress_opts(ctx, &ro.exec, p->n_steps, show_progress);
    int code = execute(ctx, r, &ro);
    keel_run_free(r);
    return code;
}

/* ---- keel resume ---- */

static int open_run(keel_run **out, cli_ctx *ctx, bool durable)
{
    const char *state = cli_state_dir(ctx);
    if (!state)
        return KEEL_EXIT_USAGE;
    keel_error err = {0};
    int rc = keel_run_open(out, state, ctx->pos[0], durable, &err);
    return rc ? cli_fail(rc, &err) : 0;
}

/* The policy of a resumed run: --policy, else the files it started with. */
static int run_policy(keel_policy **out, cli_ctx *ctx, const keel_run *r)
{
    size_t n;
    const char *const *files = keel_run_policy_files(r, &n);
    if (ctx->policy_files.n || n == 0)
        return cli_load_policy(ctx, out);
    for (size_t i = 0; i < n && ctx->policy_files.n < CLI_MAX_LIST; i++)
        ctx->policy_files.v[ctx->policy_files.n++] = files[i];
    return cli_load_policy(ctx, out);
}

/* --skip STEP --output JSON pairs. */
static int skip_outputs(keel_value **outs, const cli_ctx *ctx)
{
    if (ctx->output.n != ctx->skip.n)
        return cli_usage_error("give one --output JSON for each --skip STEP "
                               "(%zu --skip, %zu --output)", ctx->skip.n,
                               ctx->output.n);
    for (size_t i = 0; i < ctx->skip.n; i++) {
        keel_error err = {0};
        const char *j = ctx->output.v[i];
        if (keel_value_from_json(&outs[i], j, strlen(j), &err) != 0)
            return cli_usage_error("--output for step '%s': %s", ctx->skip.v[i],
                                   err.msg);
    }
    return 0;
}

int cmd_resume(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel resume ID [--retry STEP]... "
                               "[--skip STEP --output JSON]...");
    keel_run_opts ro = {0};
    keel_value *outs[CLI_MAX_LIST] = {0};
    keel_run *r = NULL;
    keel_policy *pol = NULL;
    bool durable;
    int rc = cli_parse_run_opts(&ro.exec, ctx);
    if (rc == 0)
        rc = parse_durability(&durable, ctx);
    if (rc == 0)
        rc = skip_outputs(outs, ctx);
    if (rc == 0)
        rc = cli_open_kernel(ctx);
    if (rc == 0)
        rc = open_run(&r, ctx, durable);
    if (rc == 0)
        rc = run_policy(&pol, ctx, r);
    /* plugins or the policy may have changed since the run started */
    if (rc == 0)
        rc = cli_check_before_run(ctx, keel_run_plan(r), keel_run_id(r), pol,
                                  keel_run_principal(r));
    if (rc == 0) {
        ro.policy = pol;
        ro.retry = ctx->retry.v;
        ro.n_retry = ctx->retry.n;
        ro.skip = ctx->skip.v;
        ro.skip_output = (const keel_value *const *)outs;
        ro.n_skip = ctx->skip.n;
        say_run(ctx, r, "run_resumed");
        cli_progress_opts(ctx, &ro.exec, keel_run_plan(r)->n_steps, true);
        rc = execute(ctx, r, &ro);
    }
    for (size_t i = 0; i < CLI_MAX_LIST; i++)
        keel_value_unref(outs[i]);
    keel_policy_free(pol);
    keel_run_free(r);
    return rc;
}

/* ---- keel approve / reject ---- */

static int decide(cli_ctx *ctx, bool approve)
{
    if (ctx->n_pos != 2)
        return cli_usage_error(approve ? "usage: keel approve ID STEP "
                                         "[--comment TEXT]"
                                       : "usage: keel reject ID STEP "
                                         "--reason TEXT");
    if (!approve && (!ctx->reason || !*ctx->reason))
        return cli_usage_error("keel reject needs --reason TEXT");
    keel_run *r = NULL;
    keel_policy *pol = NULL;
    int rc = cli_open_kernel(ctx);
    if (rc == 0)
        rc = open_run(&r, ctx, true);
    if (rc == 0 && approve)
        rc = run_policy(&pol, ctx, r);
    keel_principal me;
    cli_principal(ctx, &me);
    keel_error err = {0};
    if (rc == 0) {
        rc = approve ? keel_run_approve(r, ctx->pos[1], ctx->kernel, pol, &me,
                                        ctx->comment, &err)
                     : keel_run_reject(r, ctx->pos[1], &me, ctx->reason, &err);
        rc = rc ? cli_fail(rc, &err) : 0;
    }
    if (rc == 0)
        printf("%s step '%s' of run %s as %s; continue with: keel resume %s\n",
               approve ? "approved" : "rejected", ctx->pos[1], ctx->pos[0],
               me.uid, ctx->pos[0]);
    keel_policy_free(pol);
    keel_run_free(r);
    return rc;
}

int cmd_approve(cli_ctx *ctx) { return decide(ctx, true); }
int cmd_reject(cli_ctx *ctx) { return decide(ctx, false); }

/* ---- keel runs ---- */

static const char *str_of(const keel_value *o, const char *key)
{
    return keel_value_get_string(keel_value_object_get(o, key), NULL);
}

static void print_summary_line(const keel_value *s)
{
    char when[32] = "-";
    time_t t = (time_t)(keel_value_get_int(keel_value_object_get(s, "started")) / 1000);
    struct tm tm;
    if (t > 0 && gmtime_r(&t, &tm))
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
    printf("%-24s %-8s %-10s %s %7.1fs %3lld/%-3lld %7lld %8.4f ",
           str_of(s, "id"), str_of(s, "principal") ? str_of(s, "principal") : "-",
           str_of(s, "state"), when,
           (double)keel_value_get_int(keel_value_object_get(s, "duration_ms")) / 1000.0,
           (long long)keel_value_get_int(keel_value_object_get(s, "steps_done")),
           (long long)keel_value_get_int(keel_value_object_get(s, "steps_total")),
           (long long)keel_value_get_int(keel_value_object_get(s, "tokens")),
           keel_value_get_float(keel_value_object_get(s, "cost")));
    const char *goal = str_of(s, "goal");
    cli_put_untrusted(stdout, goal ? goal : str_of(s, "error") ? str_of(s, "error") : "");
    putchar('\n');
}

int cmd_runs_list(cli_ctx *ctx)
{
    const char *state = cli_state_dir(ctx);
    if (!state)
        return KEEL_EXIT_USAGE;
    keel_value *list = NULL;
    keel_error err = {0};
    int rc = keel_run_list(&list, state, &err);
    if (rc == 0 && ctx->json)
        cli_print_json_value(list, false);
    else if (rc == 0) {
        printf("%-24s %-8s %-10s %-20s %8s %7s %7s %8s %s\n", "ID", "USER",
               "STATE", "STARTED", "TIME", "STEPS", "TOKENS", "COST", "GOAL");
        for (size_t i = 0; i < keel_value_len(list); i++)
            print_summary_line(keel_value_list_at(list, i));
    }
    keel_value_unref(list);
    return rc ? cli_fail(rc, &err) : 0;
}

/* ---- keel runs show / verify ---- */

/* Per step: when it started and ended, and its last end record. */
typedef struct step_times {
    int64_t start, end;
    const keel_value *last; /* step_finished / step_failed / approval_* */
} step_times;

static void collect(step_times *t, const keel_run *r)
{
    const keel_value *recs = keel_run_records(r);
    for (size_t i = 0; i < keel_value_len(recs); i++) {
        const keel_value *rec = keel_value_list_at(recs, i);
        long s = keel_run_step_index(r, str_of(rec, "step"));
        const char *e = str_of(rec, "event");
        int64_t at = keel_value_get_int(keel_value_object_get(rec, "t"));
        if (s < 0 || !e)
            continue;
        if (strcmp(e, "step_started") == 0)
            t[s].start = at;
        else
            t[s].end = at;
        t[s].last = rec;
    }
}

static void print_brief(const char *label, const keel_value *v)
{
    char *json = NULL;
    keel_value_to_json(&json, v, false);
    size_t n = json ? strlen(json) : 0;
    printf("  %s ", label);
    if (n > 100)
        json[100] = '\0';
    cli_put_untrusted(stdout, json ? json : "?");
    puts(n > 100 ? "..." : "");
    keel_free(json);
}

static void print_step(const keel_plan_step *s, size_t i, const step_times *t)
{
    const char *e = t->last ? str_of(t->last, "event") : NULL;
    printf("%3zu. %s: %s  ", i + 1, s->id, s->call);
    if (!e)
        puts("pending");
    else if (strcmp(e, "step_started") == 0)
        puts("started, no end recorded");
    else if (strcmp(e, "step_finished") == 0) {
        printf("done in %lld ms", (long long)(t->end - t->start));
        print_brief("->", keel_value_object_get(t->last, "output"));
    } else if (strcmp(e, "step_failed") == 0) {
        fputs("failed: ", stdout);
        cli_put_untrusted(stdout, str_of(t->last, "error"));
        putchar('\n');
    } else if (strcmp(e, "approval_requested") == 0) {
        fputs("waits for approval: ", stdout);
        cli_put_untrusted(stdout, str_of(t->last, "reason"));
        print_brief("; arguments", keel_value_object_get(t->last, "args"));
    } else {
        const keel_value *a = keel_value_object_get(t->last, "approver");
        printf("%s by %s\n", strcmp(e, "approval_granted") == 0 ? "approved"
                                                               : "rejected",
               str_of(a, "uid") ? str_of(a, "uid") : "?");
    }
}

static void print_run(const keel_run *r, const keel_value *sum)
{
    const keel_value *meta = keel_run_meta_value(r);
    printf("run %s: %s, %lld/%lld steps done\n", keel_run_id(r),
           str_of(sum, "state"),
           (long long)keel_value_get_int(keel_value_object_get(sum, "steps_done")),
           (long long)keel_value_get_int(keel_value_object_get(sum, "steps_total")));
    if (str_of(meta, "goal")) {
        fputs("goal: ", stdout);
        cli_put_untrusted(stdout, str_of(meta, "goal"));
        putchar('\n');
    }
    const char *ph = str_of(keel_value_object_get(meta, "policy"), "hash");
    printf("principal %s, policy %.12s, plan %.12s\n", keel_run_principal(r)->uid,
           ph ? ph : "(none)", str_of(meta, "plan_hash"));
    size_t n = keel_run_plan(r)->n_steps;
    step_times *t = calloc(n ? n : 1, sizeof(*t));
    if (!t)
        return;
    collect(t, r);
    for (size_t i = 0; i < n; i++)
        print_step(&keel_run_plan(r)->steps[i], i, &t[i]);
    free(t);
    if (str_of(sum, "error")) {
        fputs("error: ", stdout);
        cli_put_untrusted(stdout, str_of(sum, "error"));
        putchar('\n');
    }
}

int cmd_runs_show(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel runs show ID [--json]");
    keel_run *r = NULL;
    int rc = open_run(&r, ctx, false);
    keel_value *sum = NULL;
    if (rc == 0 && keel_run_summary(&sum, r) != 0)
        rc = cli_fail(KEEL_ENOMEM, NULL);
    if (rc == 0 && ctx->json) {
        keel_value *o = keel_value_object(), *plan = NULL;
        keel_plan_to_value(&plan, keel_run_plan(r));
        keel_value_object_set(o, "summary", sum);
        keel_value_object_set(o, "run", keel_run_meta_value(r));
        keel_value_object_set_take(o, "plan", plan);
        keel_value_object_set(o, "journal", keel_run_records(r));
        cli_print_json_value(o, false);
        keel_value_unref(o);
    } else if (rc == 0) {
        print_run(r, sum);
    }
    keel_value_unref(sum);
    keel_run_free(r);
    return rc;
}

int cmd_runs_verify(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel runs verify ID");
    keel_run *r = NULL;
    int rc = open_run(&r, ctx, false);
    if (rc == 0)
        printf("run %s: journal intact, %zu records, plan hash %s\n",
               keel_run_id(r), keel_value_len(keel_run_records(r)),
               str_of(keel_run_meta_value(r), "plan_hash"));
    keel_run_free(r);
    return rc;
}
