/*
 * main.c - `keel`: find the command, parse options, run it.
 *
 * Options are accepted anywhere on the line (rows in options.c); commands are
 * one or two words, matched against the table in commands.c.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The command named by the first one or two words of words[]. */
static const cli_command *find_command(char **words, size_t n, size_t *used)
{
    if (n >= 2) {
        char two[128];
        snprintf(two, sizeof(two), "%s %s", words[0], words[1]);
        for (size_t i = 0; i < cli_n_commands; i++)
            if (strcmp(cli_commands[i].name, two) == 0) {
                *used = 2;
                return &cli_commands[i];
            }
    }
    for (size_t i = 0; n >= 1 && i < cli_n_commands; i++)
        if (strcmp(cli_commands[i].name, words[0]) == 0) {
            *used = 1;
            return &cli_commands[i];
        }
    return NULL;
}

static const cli_option *find_option(const char *arg, size_t n)
{
    for (size_t i = 0; i < cli_n_options; i++)
        if (strlen(cli_options[i].name) == n &&
            strncmp(cli_options[i].name, arg, n) == 0)
            return &cli_options[i];
    return NULL;
}

/* Stores one option (--name, --name VALUE or --name=VALUE); advances *i. */
static int parse_option(cli_ctx *ctx, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    const cli_option *o = find_option(arg, n);
    if (!o)
        return cli_usage_error("unknown option '%.*s' (see `keel help`)",
                               (int)n, arg);
    char *field = (char *)ctx + o->offset;
    if (o->kind == CLI_BOOL) {
        if (eq)
            return cli_usage_error("%s takes no value", o->name);
        *(bool *)(void *)field = true;
        return 0;
    }
    const char *val = eq ? eq + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
    if (!val)
        return cli_usage_error("%s needs a %s", o->name, o->metavar);
    if (o->kind == CLI_STRING) {
        *(const char **)(void *)field = val;
        return 0;
    }
    cli_list *list = (cli_list *)(void *)field;
    if (list->n == CLI_MAX_LIST)
        return cli_usage_error("%s given more than %d times", o->name,
                               CLI_MAX_LIST);
    list->v[list->n++] = val;
    return 0;
}

/* The option groups given that cmd does not take, as an error. */
static int check_groups(const cli_ctx *ctx, const cli_command *cmd,
                        char **argv, int argc)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strncmp(argv[i], "--", 2) != 0)
            continue;
        const char *eq = strchr(argv[i], '=');
        const cli_option *o = find_option(
            argv[i], eq ? (size_t)(eq - argv[i]) : strlen(argv[i]));
        if (o && o->group && !(o->group & cmd->options))
            return cli_usage_error("%s does not take %s", cmd->name, o->name);
        if (o && o->kind != CLI_BOOL && !eq)
            i++;
    }
    (void)ctx;
    return 0;
}

static int parse(cli_ctx *ctx, int argc, char **argv)
{
    bool only_positional = false;
    for (int i = 1; i < argc; i++) {
        if (ctx->n_pos == CLI_MAX_POSITIONAL)
            return cli_usage_error("too many arguments");
        if (only_positional || argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
            ctx->pos[ctx->n_pos++] = argv[i];
        else if (strcmp(argv[i], "--") == 0)
            only_positional = true;
        else {
            int rc = parse_option(ctx, argc, argv, &i);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    cli_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    int rc = parse(&ctx, argc, argv);
    if (rc)
        return rc;
    if (ctx.version)
        return cmd_version(&ctx);
    if (ctx.n_pos == 0) {
        if (ctx.help)
            return cmd_help(&ctx);
        cli_usage_error("no command given");
        cmd_help(&ctx);
        return KEEL_EXIT_USAGE;
    }
    size_t used = 0;
    const cli_command *cmd = find_command(ctx.pos, ctx.n_pos, &used);
    if (!cmd)
        return cli_usage_error("unknown command '%s' (see `keel help`)",
                               ctx.pos[0]);
    if (ctx.help) {
        cli_print_usage(stdout, cmd);
        return KEEL_EXIT_OK;
    }
    rc = check_groups(&ctx, cmd, argv, argc);
    if (rc)
        return rc;
    memmove(ctx.pos, ctx.pos + used, (ctx.n_pos - used) * sizeof(char *));
    ctx.n_pos -= used;
    if (cmd->options & CLI_OPT_PRINCIPAL)
        rc = cli_resolve_principal(&ctx);
    if (rc == 0)
        rc = cmd->run(&ctx);
    cli_close(&ctx);
    return rc;
}
