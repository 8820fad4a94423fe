/*
 * options.c - the table of `keel` options. Global options (group 0) are
 * accepted by every command; the others only by commands whose table row
 * lists their group. Adding an option is adding a row and a cli_ctx field.
 */
#include "cli.h"

#include <stddef.h>

#define F(field) offsetof(cli_ctx, field)

const cli_option cli_options[] = {
    {"--config", CLI_STRING, F(config_path), CLI_OPT_GLOBAL, "FILE"},
    {"--plugins", CLI_LIST, F(plugin_dirs), CLI_OPT_GLOBAL, "DIR"},
    {"--json", CLI_BOOL, F(json), CLI_OPT_GLOBAL, NULL},
    {"--help", CLI_BOOL, F(help), CLI_OPT_GLOBAL, NULL},
    {"-h", CLI_BOOL, F(help), CLI_OPT_GLOBAL, NULL},
    {"--version", CLI_BOOL, F(version), CLI_OPT_GLOBAL, NULL},
    {"--state-dir", CLI_STRING, F(state_dir_flag), CLI_OPT_GLOBAL, "DIR"},
    {"--args", CLI_STRING, F(args_json), CLI_OPT_ARGS, "JSON object"},
    {"--jobs", CLI_STRING, F(jobs), CLI_OPT_RUN, "N"},
    {"--keep-going", CLI_BOOL, F(keep_going), CLI_OPT_RUN, NULL},
    {"--step-timeout", CLI_STRING, F(step_timeout), CLI_OPT_RUN, "SECONDS"},
    {"--durability", CLI_STRING, F(durability), CLI_OPT_RUN, "fsync|none"},
    {"--retry", CLI_LIST, F(retry), CLI_OPT_RESUME, "STEP"},
    {"--skip", CLI_LIST, F(skip), CLI_OPT_RESUME, "STEP"},
    {"--output", CLI_LIST, F(output), CLI_OPT_RESUME, "JSON"},
    {"--comment", CLI_STRING, F(comment), CLI_OPT_DECIDE, "TEXT"},
    {"--reason", CLI_STRING, F(reason), CLI_OPT_DECIDE, "TEXT"},
    {"--html", CLI_STRING, F(html), CLI_OPT_TRACE, "FILE"},
    {"--otlp", CLI_STRING, F(otlp), CLI_OPT_TRACE, "URL"},
    {"--to", CLI_STRING, F(to), CLI_OPT_TO, "FORMAT (json, xml or dot)"},
    {"--policy", CLI_LIST, F(policy_files), CLI_OPT_POLICY, "FILE"},
    {"--user", CLI_STRING, F(user), CLI_OPT_POLICY, "NAME"},
    {"--group", CLI_LIST, F(groups), CLI_OPT_POLICY, "DN"},
    {"--llm", CLI_STRING, F(llm), CLI_OPT_LLM, "PROVIDER:MODEL"},
    {"--llm-url", CLI_STRING, F(llm_url), CLI_OPT_LLM, "URL"},
    {"--fallback", CLI_LIST, F(fallbacks), CLI_OPT_LLM, "PROVIDER:MODEL"},
    {"--record", CLI_STRING, F(record), CLI_OPT_LLM, "FILE"},
    {"--max-cost", CLI_STRING, F(max_cost), CLI_OPT_LLM, "AMOUNT"},
    {"--max-tokens", CLI_STRING, F(max_tokens), CLI_OPT_LLM, "N"},
    {"--stream", CLI_BOOL, F(stream), CLI_OPT_LLM, NULL},
    {"--yes", CLI_BOOL, F(yes), CLI_OPT_PLAN, NULL},
    {"-y", CLI_BOOL, F(yes), CLI_OPT_PLAN, NULL},
    {"--dry-run", CLI_BOOL, F(dry_run), CLI_OPT_PLAN, NULL},
    {"--plan-out", CLI_STRING, F(plan_out), CLI_OPT_PLAN, "FILE"},
    {"--max-repairs", CLI_STRING, F(max_repairs), CLI_OPT_PLANNER, "N"},
    {"--no-cache", CLI_BOOL, F(no_cache), CLI_OPT_PLAN, NULL},
    {"--prompts", CLI_STRING, F(prompts), CLI_OPT_PLANNER, "DIR"},
    {"--examples", CLI_STRING, F(examples), CLI_OPT_PLANNER, "DIR"},
    {"--password-file", CLI_STRING, F(password_file), CLI_OPT_LOGIN, "FILE"},
    {"--verbose", CLI_BOOL, F(verbose), CLI_OPT_LOGIN, NULL},
};
const size_t cli_n_options = sizeof(cli_options) / sizeof(cli_options[0]);
