/*
 * cli_planner.c - planner options for `keel goal` and `keel eval`, from
 * flags, then the config's "planner" section, then the defaults: templates
 * installed beside the binary (share/keel/prompts), the plan cache under
 * the state directory.
 */
#include "cli_planner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const keel_value *setting(const cli_ctx *ctx, const char *key)
{
    return keel_value_object_get(keel_config_section(ctx->config, "planner"),
                                 key);
}

static int parse_repairs(int *out, const cli_ctx *ctx)
{
    const keel_value *cfg = setting(ctx, "max_repairs");
    *out = cfg ? (int)keel_value_get_int(cfg) : -1;
    if (!ctx->max_repairs)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(ctx->max_repairs, &end, 10);
    if (errno || end == ctx->max_repairs || *end || n < 0 || n > 10)
        return cli_usage_error("--max-repairs %s: give a number from 0 to 10",
                               ctx->max_repairs);
    *out = (int)n;
    return 0;
}

static int find_prompts(cli_planner *pl, const cli_ctx *ctx)
{
    const char *dir = ctx->prompts;
    if (!dir)
        dir = keel_value_get_string(setting(ctx, "prompts"), NULL);
    if (dir) {
        if ((size_t)snprintf(pl->prompts, sizeof(pl->prompts), "%s", dir) >=
            sizeof(pl->prompts))
            return cli_usage_error("prompts directory: path too long");
        return 0;
    }
    if (cli_install_path(pl->prompts, sizeof(pl->prompts), "share/keel/prompts"))
        return 0;
    return cli_usage_error("no prompt templates: keel's share/keel/prompts is "
                           "missing beside its binary; give --prompts DIR or "
                           "set planner.prompts in the configuration");
}

int cli_planner_setup(cli_planner *pl, cli_ctx *ctx, bool cache)
{
    memset(pl, 0, sizeof(*pl));
    int rc = cli_open_kernel(ctx);
    if (rc == 0)
        rc = find_prompts(pl, ctx);
    if (rc == 0)
        rc = parse_repairs(&pl->opts.max_repairs, ctx);
    if (rc)
        return rc;
    keel_planner_opts *o = &pl->opts;
    o->kernel = ctx->kernel;
    o->prompts_dir = pl->prompts;
    o->examples_dir = ctx->examples ? ctx->examples
                      : keel_value_get_string(setting(ctx, "examples"), NULL);
    const keel_value *mx = setting(ctx, "max_examples");
    o->max_examples = mx ? (int)keel_value_get_int(mx) : -1;
    o->max_reply_tokens = (int)keel_value_get_int(setting(ctx, "max_reply_tokens"));
    o->timeout_ms = keel_value_get_int(setting(ctx, "timeout_ms"));
    const keel_value *use = setting(ctx, "cache");
    if (cache && !ctx->no_cache && (!use || keel_value_get_bool(use))) {
        if ((size_t)snprintf(pl->cache, sizeof(pl->cache), "%s/plan-cache",
                             keel_config_state_dir(ctx->config)) >=
            sizeof(pl->cache))
            return cli_usage_error("state directory: path too long");
        o->cache_dir = pl->cache;
    }
    return 0;
}
