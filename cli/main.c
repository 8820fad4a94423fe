/*
 * main.c - `keel`: find the command, parse options, run it.
 *
 * Global options (--config, --plugins, --json, --help) are accepted anywhere
 * on the line; commands are one or two words, matched against the table.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char summary_invoke_help[] =
    "Arguments are converted from text by the parameter's declared type:\n"
    "n=3 is an int for an int parameter and the string \"3\" for a string\n"
    "one; list, object and any parameters take JSON. --args takes a JSON\n"
    "object; KEY=VALUE pairs override its members. The result is printed\n"
    "as JSON on stdout; with --json, as {\"ok\":..., \"result\":...,\n"
    "\"labels\":[...]} (or {\"ok\":false,\"error\":...}).";

const cli_command cli_commands[] = {
    {"help", "keel help [COMMAND]", "Show help for keel or one command.",
     NULL, 0, cmd_help},
    {"version", "keel version", "Print keel's version and plugin ABI.", NULL, 0,
     cmd_version},
    {"plugins list", "keel plugins list [--json]",
     "List plugins: name, version, file, function count; refused plugins "
     "with their reason.", NULL, 0, cmd_plugins_list},
    {"plugins describe", "keel plugins describe NAME [--json]",
     "Describe a plugin, or one function (NAME = plugin.function).",
     "For one function, --json prints the tool definition exactly as the\n"
     "planner sends it to an OpenAI-compatible model, with keel's own\n"
     "fields (effects, sink classes, return schema) beside it under \"keel\".",
     0, cmd_plugins_describe},
    {"plugins catalog", "keel plugins catalog [--json]",
     "Print every function: as text, or as a JSON array of tool definitions.",
     NULL, 0, cmd_plugins_catalog},
    {"invoke", "keel invoke PLUGIN.FUNCTION [KEY=VALUE ...] [--args JSON] [--json]",
     "Call one function with checked arguments and print its result.",
     summary_invoke_help, CLI_OPT_ARGS, cmd_invoke},
    {"config check", "keel config check [--config FILE]",
     "Validate the configuration file.", NULL, 0, cmd_config_check},
    {"config show", "keel config show [--config FILE]",
     "Print the effective configuration (file, environment, defaults) with "
     "secrets redacted.", NULL, 0, cmd_config_show},
};
const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

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

/* The value of --opt VALUE or --opt=VALUE; advances *i. */
static const char *option_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int parse_option(cli_ctx *ctx, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    const char *val;
#define IS(name) (n == strlen(name) && strncmp(arg, name, n) == 0)
    if (IS("--json") && !eq)
        ctx->json = true;
    else if ((IS("--help") || IS("-h")) && !eq)
        ctx->help = true;
    else if (IS("--config")) {
        if (!(val = option_value(argc, argv, i, eq)))
            return cli_usage_error("--config needs a FILE");
        ctx->config_path = val;
    } else if (IS("--plugins")) {
        if (!(val = option_value(argc, argv, i, eq)))
            return cli_usage_error("--plugins needs a DIR");
        if (ctx->n_plugin_dirs == CLI_MAX_DIRS)
            return cli_usage_error("at most %d --plugins directories",
                                   CLI_MAX_DIRS);
        ctx->plugin_dirs[ctx->n_plugin_dirs++] = val;
    } else if (IS("--args")) {
        if (!(val = option_value(argc, argv, i, eq)))
            return cli_usage_error("--args needs a JSON object");
        ctx->args_json = val;
    } else if (IS("--version") && !eq)
        ctx->pos[ctx->n_pos++] = "version";
    else
        return cli_usage_error("unknown option '%s' (see `keel help`)", arg);
#undef IS
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
    if (ctx.args_json && !(cmd->options & CLI_OPT_ARGS))
        return cli_usage_error("%s does not take --args", cmd->name);
    memmove(ctx.pos, ctx.pos + used, (ctx.n_pos - used) * sizeof(char *));
    ctx.n_pos -= used;
    rc = cmd->run(&ctx);
    cli_close(&ctx);
    return rc;
}
