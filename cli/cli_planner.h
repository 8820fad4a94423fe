/*
 * cli_planner.h - planner options from flags and configuration, for the
 * commands that plan (`keel goal`, `keel eval`).
 */
#ifndef KEEL_CLI_PLANNER_H
#define KEEL_CLI_PLANNER_H

#include "cli.h"

#include <keel/planner.h>

#include <limits.h>

typedef struct cli_planner {
    keel_planner_opts opts; /* llm, policy and principal left to the caller */
    char prompts[PATH_MAX];
    char cache[PATH_MAX];
} cli_planner;

/* Opens the kernel and fills pl->opts: templates (--prompts, else
 * planner.prompts, else share/keel/prompts beside the binary), examples,
 * repairs, and the cache directory when cache is true and neither
 * --no-cache nor planner.cache false says otherwise. Returns an exit code. */
int cli_planner_setup(cli_planner *pl, cli_ctx *ctx, bool cache);

#endif
