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
    {"validate", "keel validate FILE [--json]",
     "Check a plan (JSON or XML) against the loaded functions; run nothing.",
     "Every problem is listed with its JSON Pointer (and XML line), one per\n"
     "line on stderr; exit 0 when the plan is valid, 2 when not. With\n"
     "--json, prints {\"valid\": ..., \"hash\": ..., \"errors\": [...]} on\n"
     "stdout: the list the planner sends back to the model for repair.",
     0, cmd_validate},
    {"run", "keel run FILE [--jobs N] [--keep-going] [--step-timeout S] [--json]",
     "Validate a plan, run it, print its output.",
     "Independent steps run in parallel on N threads (default: the number\n"
     "of cores; --jobs 1 runs them one at a time in file order). A failing\n"
     "step stops the run (steps already running finish) unless\n"
     "--keep-going, which still runs whatever does not depend on it. Each\n"
     "step has --step-timeout seconds (default 60). With --json, prints\n"
     "one JSON event per line and a final run_finished event. Exit 0, 1 (a\n"
     "step failed) or 2 (invalid plan).",
     CLI_OPT_RUN, cmd_run},
    {"plan show", "keel plan show FILE",
     "Print a numbered, readable summary of a plan's steps.", NULL, 0,
     cmd_plan_show},
    {"plan convert", "keel plan convert FILE --to json|xml|dot",
     "Write a plan in another form: JSON, XML, or a Graphviz DOT graph.",
     "The DOT graph shows each step's function and effects, data edges\n"
     "labelled with the referenced field, and `after` edges dashed.",
     CLI_OPT_TO, cmd_plan_convert},
    {"plan hash", "keel plan hash FILE",
     "Print the plan's SHA-256 hash over its canonical JSON form.",
     "The same plan gives the same hash in JSON or XML form, whatever its\n"
     "key order or whitespace.", 0, cmd_plan_hash},
    {"config check", "keel config check [--config FILE]",
     "Validate the configuration file.", NULL, 0, cmd_config_check},
    {"config show", "keel config show [--config FILE]",
     "Print the effective configuration (file, environment, defaults) with "
     "secrets redacted.", NULL, 0, cmd_config_show},
};
const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);
