/*
 * commands.c - the table of `keel` commands: name, usage, help, the option
 * groups each takes, and its entry point. Adding a command is adding a row.
 */
#include "cli.h"

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
