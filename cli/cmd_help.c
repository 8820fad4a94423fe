/*
 * cmd_help.c - `keel help [COMMAND]` and `keel version`.
 */
#include "cli.h"

#include <string.h>

#ifndef KEEL_VERSION
#define KEEL_VERSION "0.0.0"
#endif

int cmd_version(cli_ctx *ctx)
{
    (void)ctx;
    printf("keel %s (plugin ABI %d.%d)\n", KEEL_VERSION, KEEL_ABI_MAJOR,
           KEEL_ABI_MINOR);
    return KEEL_EXIT_OK;
}

int cmd_help(cli_ctx *ctx)
{
    if (ctx->n_pos > 0) {
        char name[128] = "";
        for (size_t i = 0; i < ctx->n_pos && i < 2; i++) {
            if (i)
                strncat(name, " ", sizeof(name) - strlen(name) - 1);
            strncat(name, ctx->pos[i], sizeof(name) - strlen(name) - 1);
        }
        for (size_t i = 0; i < cli_n_commands; i++)
            if (strcmp(cli_commands[i].name, name) == 0) {
                cli_print_usage(stdout, &cli_commands[i]);
                return KEEL_EXIT_OK;
            }
        /* "keel help plugins": every command starting with that word */
        bool any = false;
        for (size_t i = 0; i < cli_n_commands; i++)
            if (strncmp(cli_commands[i].name, name, strlen(name)) == 0 &&
                cli_commands[i].name[strlen(name)] == ' ') {
                printf("  %-50s %s\n", cli_commands[i].usage + 5,
                       cli_commands[i].summary);
                any = true;
            }
        if (any)
            return KEEL_EXIT_OK;
        return cli_usage_error("no command '%s' (see `keel help`)", name);
    }
    printf("keel - a plugin kernel with an LLM planner for enterprise "
           "automation\n\nusage: keel COMMAND [ARGS] [OPTIONS]\n\n"
           "commands:\n");
    for (size_t i = 0; i < cli_n_commands; i++)
        printf("  %-18s %s\n", cli_commands[i].name, cli_commands[i].summary);
    printf("\nglobal options:\n"
           "  --config FILE   configuration file (default: $KEEL_CONFIG, then\n"
           "                  $XDG_CONFIG_HOME/keel/config.json)\n"
           "  --plugins DIR   also load plugins from DIR (repeatable)\n"
           "  --json          machine-readable output\n"
           "  --help          help for the command\n\n"
           "`keel help COMMAND` or `keel COMMAND --help` for details.\n"
           "Exit codes: 0 ok, 1 failed at run time, 2 usage or invalid input,\n"
           "3 denied by policy, 4 waiting for approval, 5 service "
           "unavailable,\n6 authentication failed.\n");
    return KEEL_EXIT_OK;
}
