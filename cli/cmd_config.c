/*
 * cmd_config.c - `keel config check` and `keel config show`.
 */
#include "cli.h"

int cmd_config_check(cli_ctx *ctx)
{
    if (ctx->n_pos)
        return cli_usage_error("config check takes no arguments (use "
                               "--config FILE)");
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    const char *file = keel_config_file(ctx->config);
    if (file)
        printf("%s: ok\n", file);
    else
        printf("no configuration file; keel uses its defaults\n");
    return KEEL_EXIT_OK;
}

int cmd_config_show(cli_ctx *ctx)
{
    if (ctx->n_pos)
        return cli_usage_error("config show takes no arguments");
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    char *text = NULL;
    if (keel_config_show(&text, ctx->config) != 0)
        return cli_fail(KEEL_ENOMEM, NULL);
    fputs(text, stdout);
    keel_free(text);
    return KEEL_EXIT_OK;
}
