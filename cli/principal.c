/*
 * principal.c - who keel acts as. With a directory configured, the user of
 * the `keel login` session, and nobody without one; without a directory,
 * the local Unix user (or --user, for trying policies) with no groups (or
 * --group).
 */
#include "cli.h"

#include <keel/directory.h>
#include <keel/policy.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_local_user(void)
{
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(geteuid());
    return pw ? pw->pw_name : "unknown";
}

static int from_session(cli_ctx *ctx)
{
    if (ctx->user || ctx->groups.n)
        return cli_usage_error("--user and --group are for trying policies "
                               "without a directory; with one, keel acts as "
                               "the user of `keel login`");
    keel_error err = {0};
    long long expires = 0;
    int rc = keel_session_load(&ctx->session, &expires,
                               keel_config_state_dir(ctx->config), &err);
    if (rc == KEEL_ENOMEM)
        return cli_fail(rc, &err);
    if (rc) {
        fprintf(stderr, "keel: error: %s%s\n", err.msg,
                rc == KEEL_ENOTFOUND ? ": run `keel login` first" : "");
        return KEEL_EXIT_AUTH;
    }
    return 0;
}

int cli_resolve_principal(cli_ctx *ctx)
{
    if (ctx->principal_ready)
        return 0;
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    if (keel_config_section(ctx->config, "directory"))
        rc = from_session(ctx);
    ctx->principal_ready = rc == 0;
    return rc;
}

void cli_principal(const cli_ctx *ctx, keel_principal *out)
{
    memset(out, 0, sizeof(*out));
    const keel_dir_user *s = ctx->session;
    if (s) {
        out->uid = s->uid;
        out->dn = s->dn;
        out->groups = (const char *const *)s->groups;
        out->n_groups = s->n_groups;
        return;
    }
    static bool noted; /* say it once, when the principal is first used */
    if (ctx->principal_ready && !ctx->user && !noted)
        fprintf(stderr, "keel: note: no directory is configured: acting as "
                        "the local user, with no groups\n");
    noted = true;
    out->uid = ctx->user ? ctx->user : cli_local_user();
    out->groups = ctx->groups.v;
    out->n_groups = ctx->groups.n;
}
