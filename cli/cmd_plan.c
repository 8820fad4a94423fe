/*
 * cmd_plan.c - `keel validate`, `keel run`, `keel plan show|convert|hash`.
 */
#include "cli.h"

#include <keel/exec.h>
#include <keel/plan.h>
#include <keel/policy.h>
#include <keel/run.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Loads FILE (the one positional argument); prints problems. */
static int load_plan(keel_plan **out, cli_ctx *ctx, const char *usage)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: %s", usage);
    keel_diags d;
    keel_diags_init(&d);
    int rc = keel_plan_load(out, ctx->pos[0], &d);
    if (rc)
        cli_print_diags(&d, ctx->pos[0]);
    keel_diags_free(&d);
    return rc ? KEEL_EXIT_USAGE : 0;
}

/* Checks the plan against the loaded functions, into d. */
static int check_plan(cli_ctx *ctx, const keel_plan *p, keel_diags *d)
{
    int rc = cli_open_kernel(ctx);
    if (rc)
        return rc;
    keel_plan_check(p, ctx->kernel, NULL, d);
    return 0;
}

/* The static policy phase: one verdict per step, printed unless quiet.
 * Returns 0, KEEL_EXIT_DENIED or KEEL_EXIT_APPROVAL. */
static int policy_phase(const cli_ctx *ctx, const keel_plan *p,
                        const keel_policy *pol, bool quiet, const char *name,
                        const keel_principal *as)
{
    keel_principal who;
    if (as)
        who = *as;
    else
        cli_principal(ctx, &who);
    keel_decision *ds = calloc(p->n_steps ? p->n_steps : 1, sizeof(*ds));
    if (!ds)
        return cli_fail(KEEL_ENOMEM, NULL);
    keel_diags d;
    keel_diags_init(&d);
    keel_verdict v = keel_policy_check_plan(ds, pol, &who, p, ctx->kernel, &d);
    if (!quiet) {
        printf("policy %.12s, principal %s:\n",
               pol ? keel_policy_hash(pol) : "(none)", who.uid);
        for (size_t i = 0; i < p->n_steps; i++)
            printf("%3zu. %s (%s): %s\n", i + 1, p->steps[i].id,
                   p->steps[i].call, ds[i].reason);
    }
    if (v == KEEL_VERDICT_DENY || d.oom)
        cli_print_diags(&d, name);
    if (d.oom) /* a denial may have been lost: fail closed */
        v = KEEL_VERDICT_DENY;
    for (size_t i = 0; v == KEEL_VERDICT_APPROVAL && !quiet && i < p->n_steps; i++)
        if (ds[i].verdict == KEEL_VERDICT_APPROVAL)
            fprintf(stderr, "keel: step '%s' (%s) %s\n", p->steps[i].id,
                    p->steps[i].call, ds[i].reason);
    keel_diags_free(&d);
    free(ds);
    return v == KEEL_VERDICT_DENY       ? KEEL_EXIT_DENIED
           : v == KEEL_VERDICT_APPROVAL ? KEEL_EXIT_APPROVAL
                                        : 0;
}

static int validate_json(const keel_plan *p, const keel_diags *d)
{
    char hash[65] = "", *errors = NULL;
    if (keel_plan_hash(hash, p) != 0 || keel_diags_json(&errors, d) != 0)
        return cli_fail(KEEL_ENOMEM, NULL);
    /* errors ends with a newline */
    printf("{\"valid\": %s, \"hash\": \"%s\", \"errors\": %.*s}\n",
           d->n ? "false" : "true", hash, (int)strlen(errors) - 1, errors);
    keel_free(errors);
    return d->n ? KEEL_EXIT_USAGE : KEEL_EXIT_OK;
}

int cmd_validate(cli_ctx *ctx)
{
    keel_plan *p = NULL;
    int rc = load_plan(&p, ctx, "keel validate FILE [--json]");
    if (rc || !p)
        return rc ? rc : KEEL_EXIT_USAGE;
    keel_diags d;
    keel_diags_init(&d);
    keel_policy *pol = NULL;
    rc = check_plan(ctx, p, &d);
    if (rc == 0 && d.n == 0)
        rc = cli_load_policy(ctx, &pol);
    int verdict = 0;
    if (rc == 0 && pol)
        rc = verdict = policy_phase(ctx, p, pol, ctx->json, ctx->pos[0], NULL);
    if (ctx->json && (rc == 0 || verdict)) {
        /* the plan itself is valid; a policy verdict only sets the exit */
        rc = validate_json(p, &d);
        rc = rc ? rc : verdict;
    }
    else if (rc == 0 && d.n) {
        cli_print_diags(&d, ctx->pos[0]);
        rc = KEEL_EXIT_USAGE;
    } else if (rc == 0) {
        char hash[65] = "";
        if (keel_plan_hash(hash, p) != 0)
            rc = cli_fail(KEEL_ENOMEM, NULL);
        printf("%s: valid plan, %zu step%s, hash %s\n", ctx->pos[0], p->n_steps,
               p->n_steps == 1 ? "" : "s", hash);
    }
    keel_policy_free(pol);
    keel_diags_free(&d);
    keel_plan_free(p);
    return rc;
}

/* ---- run ---- */

int cli_check_before_run(cli_ctx *ctx, const keel_plan *p, const char *name,
                         const keel_policy *pol, const keel_principal *as)
{
    keel_diags d;
    keel_diags_init(&d);
    int rc = check_plan(ctx, p, &d);
    if (rc == 0 && (d.n || d.oom)) {
        cli_print_diags(&d, name);
        rc = KEEL_EXIT_USAGE;
    }
    keel_diags_free(&d);
    if (rc == 0) /* with no policy: no side effects */
        rc = policy_phase(ctx, p, pol, true, name, as);
    /* a step that needs approval stops the run when it is reached */
    return rc == KEEL_EXIT_APPROVAL ? 0 : rc;
}

int cmd_run(cli_ctx *ctx)
{
    keel_exec_opts o;
    int rc = cli_parse_run_opts(&o, ctx);
    keel_plan *p = NULL;
    if (rc || (rc = load_plan(&p, ctx, "keel run FILE [--jobs N] "
                                       "[--keep-going] [--json]")) || !p)
        return rc ? rc : KEEL_EXIT_USAGE;
    keel_policy *pol = NULL;
    rc = cli_load_policy(ctx, &pol);
    if (rc == 0)
        rc = cli_check_before_run(ctx, p, ctx->pos[0], pol, NULL);
    if (rc) { /* denied statically: not a single step runs */
        keel_policy_free(pol);
        keel_plan_free(p);
        return rc;
    }
    keel_principal who;
    cli_principal(ctx, &who);
    keel_run_meta meta = {.principal = &who, .policy = pol,
                          .policy_files = (const char *const *)ctx->policy_used,
                          .n_policy_files = ctx->n_policy_used};
    int code = cli_run_durable(ctx, p, &meta, &o, pol, false);
    keel_policy_free(pol);
    keel_plan_free(p);
    return code;
}

/* ---- plan show / convert / hash ---- */

/* Opens the kernel for effect flags; a plan is shown even when plugins
 * cannot be loaded. */
static const keel_kernel *kernel_if_any(cli_ctx *ctx)
{
    ctx->quiet_loader = true;
    return cli_open_kernel(ctx) == 0 ? ctx->kernel : NULL;
}

static int print_text(int rc, char *text)
{
    if (rc || !text) {
        keel_error err;
        keel_error_set(&err, rc ? rc : KEEL_ENOMEM, "cannot write the plan: %s",
                       keel_strerror(rc ? rc : KEEL_ENOMEM));
        return cli_fail(err.code, &err);
    }
    fputs(text, stdout);
    keel_free(text);
    return KEEL_EXIT_OK;
}

int cmd_plan_show(cli_ctx *ctx)
{
    keel_plan *p = NULL;
    int rc = load_plan(&p, ctx, "keel plan show FILE");
    if (rc || !p)
        return rc ? rc : KEEL_EXIT_USAGE;
    char *text = NULL;
    rc = keel_plan_summary(&text, p, kernel_if_any(ctx));
    rc = print_text(rc, text);
    keel_plan_free(p);
    return rc;
}

int cmd_plan_convert(cli_ctx *ctx)
{
    if (!ctx->to)
        return cli_usage_error("plan convert needs --to json, xml or dot");
    if (strcmp(ctx->to, "json") != 0 && strcmp(ctx->to, "xml") != 0 &&
        strcmp(ctx->to, "dot") != 0)
        return cli_usage_error("--to %s: give json, xml or dot", ctx->to);
    keel_plan *p = NULL;
    int rc = load_plan(&p, ctx, "keel plan convert FILE --to json|xml|dot");
    if (rc || !p)
        return rc ? rc : KEEL_EXIT_USAGE;
    char *text = NULL;
    if (strcmp(ctx->to, "dot") == 0)
        rc = keel_plan_to_dot(&text, p, kernel_if_any(ctx));
    else if (strcmp(ctx->to, "xml") == 0)
        rc = keel_plan_to_xml(&text, p);
    else
        rc = keel_plan_to_json(&text, p);
    keel_plan_free(p);
    if (rc == 0 && strcmp(ctx->to, "json") == 0) {
        int r = print_text(0, text);
        putchar('\n');
        return r;
    }
    return print_text(rc, text);
}

int cmd_plan_hash(cli_ctx *ctx)
{
    keel_plan *p = NULL;
    int rc = load_plan(&p, ctx, "keel plan hash FILE");
    if (rc || !p)
        return rc ? rc : KEEL_EXIT_USAGE;
    char hash[65];
    rc = keel_plan_hash(hash, p);
    keel_plan_free(p);
    if (rc)
        return cli_fail(KEEL_ENOMEM, NULL);
    printf("%s\n", hash);
    return KEEL_EXIT_OK;
}
