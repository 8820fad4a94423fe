/*
 * cli.h - what the `keel` command's files share: the command table, the
 * parsed global options, exit codes and output helpers.
 *
 * The CLI is thin: it parses arguments, calls libkeel, and presents results.
 */
#ifndef KEEL_CLI_H
#define KEEL_CLI_H

#include <keel/config.h>
#include <keel/exec.h>
#include <keel/keel.h>
#include <keel/policy.h>
#include <keel/run.h>

#include <stdbool.h>
#include <stdio.h>

/* Exit codes: a contract with users' scripts (docs/cli.md). Never renumber. */
enum {
    KEEL_EXIT_OK = 0,
    KEEL_EXIT_FAILED = 1,      /* a step or function failed at run time */
    KEEL_EXIT_USAGE = 2,       /* usage error or invalid input */
    KEEL_EXIT_DENIED = 3,      /* denied by policy */
    KEEL_EXIT_APPROVAL = 4,    /* stopped waiting for approval */
    KEEL_EXIT_UNAVAILABLE = 5, /* LLM or directory unreachable or failing */
    KEEL_EXIT_AUTH = 6         /* authentication failed */
};

#define CLI_MAX_LIST 32
#define CLI_MAX_POSITIONAL 256

/* A repeatable option's values, in the order given. */
typedef struct cli_list {
    const char *v[CLI_MAX_LIST];
    size_t n;
} cli_list;

typedef struct cli_ctx {
    /* global options (rows in options.c) */
    const char *config_path;
    cli_list plugin_dirs;
    bool json;
    bool help;
    bool version;
    bool quiet_loader; /* do not warn about refused plugins */
    const char *state_dir_flag; /* --state-dir DIR */
    /* command options (rows in options.c) */
    const char *args_json; /* invoke --args */
    const char *jobs;         /* run --jobs N */
    bool keep_going;          /* run --keep-going */
    const char *step_timeout; /* run --step-timeout SECONDS */
    const char *durability;   /* run --durability fsync|none */
    cli_list retry;           /* resume --retry STEP */
    cli_list skip;            /* resume --skip STEP */
    cli_list output;          /* resume --output JSON (one per --skip) */
    const char *comment;      /* approve --comment TEXT */
    const char *reason;       /* reject --reason TEXT */
    const char *html;         /* trace --html FILE */
    const char *otlp;         /* trace --otlp URL */
    const char *to;           /* plan convert --to json|xml|dot */
    cli_list policy_files;    /* --policy FILE (repeatable) */
    char *policy_used[CLI_MAX_LIST]; /* absolute paths of the policy loaded */
    size_t n_policy_used;
    const char *user;         /* --user NAME */
    cli_list groups;          /* --group DN (repeatable) */
    /* LLM options (CLI_OPT_LLM): llm chat/ping, later goal */
    const char *llm;        /* --llm PROVIDER:MODEL | replay:FILE */
    const char *llm_url;    /* --llm-url URL */
    cli_list fallbacks;     /* --fallback PROVIDER:MODEL, repeatable */
    const char *record;     /* --record FILE */
    const char *max_cost;   /* --max-cost AMOUNT */
    const char *max_tokens; /* --max-tokens N */
    bool stream;            /* --stream */
    /* planning options (CLI_OPT_PLAN): goal, eval */
    bool yes;                /* --yes: run without asking */
    bool dry_run;            /* --dry-run: show the plan, run nothing */
    const char *plan_out;    /* --plan-out FILE */
    const char *max_repairs; /* --max-repairs N */
    bool no_cache;           /* --no-cache */
    const char *prompts;     /* --prompts DIR */
    const char *examples;    /* --examples DIR */
    /* login options (CLI_OPT_LOGIN) */
    const char *password_file; /* --password-file FILE */
    bool verbose;              /* --verbose */
    /* positional arguments after the command words */
    char *pos[CLI_MAX_POSITIONAL];
    size_t n_pos;
    /* opened on demand */
    keel_config *config;
    keel_kernel *kernel;
    /* the principal, once cli_resolve_principal ran (principal.c) */
    bool principal_ready;
    struct keel_dir_user *session; /* from `keel login`, or NULL */
    struct keel_directory *directory; /* for plugins, when configured */
} cli_ctx;

typedef int (*cli_run_fn)(cli_ctx *ctx);

typedef struct cli_command {
    const char *name;    /* "plugins list" */
    const char *usage;   /* "keel plugins list [--json]" */
    const char *summary; /* one line */
    const char *help;    /* more lines, or NULL */
    unsigned options;    /* CLI_OPT_* this command takes besides globals */
    cli_run_fn run;
} cli_command;

/* Option groups: a command lists the groups it takes besides the global
 * options. */
#define CLI_OPT_GLOBAL 0x00u
#define CLI_OPT_ARGS 0x01u /* --args JSON */
#define CLI_OPT_LLM 0x02u  /* --llm, --llm-url, --fallback, --record, ... */
#define CLI_OPT_RUN 0x04u  /* --jobs, --keep-going, --step-timeout */
#define CLI_OPT_TO 0x08u   /* --to FORMAT */
#define CLI_OPT_POLICY 0x10u /* --policy FILE, --user NAME, --group DN */
#define CLI_OPT_PLAN 0x20u   /* --yes, --dry-run, --plan-out, --no-cache */
#define CLI_OPT_PLANNER 0x40u /* --max-repairs, --prompts, --examples */
#define CLI_OPT_RESUME 0x80u /* --retry STEP, --skip STEP, --output JSON */
#define CLI_OPT_DECIDE 0x100u /* --comment TEXT, --reason TEXT */
#define CLI_OPT_TRACE 0x200u /* --html FILE, --otlp URL */
#define CLI_OPT_LOGIN 0x400u /* --password-file FILE, --verbose */
/* Not an option group: the command acts as the principal, which main.c
 * resolves (session or local user) before the command runs. */
#define CLI_OPT_PRINCIPAL 0x800u

typedef enum cli_opt_kind { CLI_BOOL, CLI_STRING, CLI_LIST } cli_opt_kind;

/* One option: where its value goes in cli_ctx (offsetof), and which group
 * it belongs to. */
typedef struct cli_option {
    const char *name; /* "--config" */
    cli_opt_kind kind;
    size_t offset;
    unsigned group;
    const char *metavar; /* "FILE", or NULL for a flag */
} cli_option;

extern const cli_command cli_commands[];
extern const size_t cli_n_commands;
extern const cli_option cli_options[];
extern const size_t cli_n_options;

/* Command entry points (cmd_*.c). */
int cmd_version(cli_ctx *ctx);
int cmd_help(cli_ctx *ctx);
int cmd_plugins_list(cli_ctx *ctx);
int cmd_plugins_describe(cli_ctx *ctx);
int cmd_plugins_catalog(cli_ctx *ctx);
int cmd_invoke(cli_ctx *ctx);
int cmd_config_check(cli_ctx *ctx);
int cmd_config_show(cli_ctx *ctx);
int cmd_validate(cli_ctx *ctx);
int cmd_run(cli_ctx *ctx);
int cmd_plan_show(cli_ctx *ctx);
int cmd_plan_convert(cli_ctx *ctx);
int cmd_plan_hash(cli_ctx *ctx);
int cmd_policy_check(cli_ctx *ctx);
int cmd_policy_test(cli_ctx *ctx);

struct keel_policy;
struct keel_principal;
/* Loads --policy files, else the config's policy.files; *out is NULL when
 * neither names one. Prints problems; returns an exit code. */
int cli_load_policy(cli_ctx *ctx, struct keel_policy **out);
/* The principal resolved by cli_resolve_principal (borrowed from ctx);
 * without a directory and --user, the first call notes on stderr that keel
 * acts as the local user. A command without CLI_OPT_PRINCIPAL (keel eval,
 * whose cases name their own users) gets --user (else the local user) and
 * --group, never a session. */
void cli_principal(const cli_ctx *ctx, struct keel_principal *out);
/* The local user's name: $USER, else the password database. */
const char *cli_local_user(void);
int cmd_llm_chat(cli_ctx *ctx);
int cmd_goal(cli_ctx *ctx);
int cmd_resume(cli_ctx *ctx);
int cmd_approve(cli_ctx *ctx);
int cmd_reject(cli_ctx *ctx);
int cmd_runs_list(cli_ctx *ctx);
int cmd_runs_show(cli_ctx *ctx);
int cmd_runs_verify(cli_ctx *ctx);
int cmd_trace(cli_ctx *ctx);
/* Sends the run's trace to the collector the configuration names
 * (trace.otlp_url), if any; a failure is a warning. */
void cli_export_trace(cli_ctx *ctx, const keel_run *r);

/* Before a plan runs: the static check and the static policy phase (no
 * policy: no side effects); prints problems naming `name`; returns 0, or
 * the exit code (2 invalid, 3 denied). A step needing approval is not a
 * stop here: the run stops when it reaches it. `as` is the principal
 * (NULL: the one running keel). */
int cli_check_before_run(cli_ctx *ctx, const keel_plan *p, const char *name,
                         const keel_policy *pol, const keel_principal *as);

/* The state directory: --state-dir, else the configuration's. */
const char *cli_state_dir(cli_ctx *ctx);

struct keel_run_meta;
/* Creates a run for a checked plan and runs it: durable, journalled, with
 * progress or JSON events; returns the exit code. */
int cli_run_durable(cli_ctx *ctx, const struct keel_plan *p,
                    struct keel_run_meta *meta, const struct keel_exec_opts *opts,
                    const struct keel_policy *pol, bool show_progress);
int cmd_eval(cli_ctx *ctx);

struct keel_llm;
/* Opens an LLM client from the LLM options and the config's "llm" section;
 * prints problems and returns an exit code. */
int cli_open_llm(struct keel_llm **out, cli_ctx *ctx);

/* Prints diagnostics as "keel: error: FILE: ..." lines on stderr. */
struct keel_diags;
void cli_print_diags(const struct keel_diags *d, const char *file);
/* --jobs, --keep-going, --step-timeout into *o. */
struct keel_exec_opts;
struct keel_plan;
int cli_parse_run_opts(struct keel_exec_opts *o, const cli_ctx *ctx);
/* Progress for a run on stderr (on a terminal, or always when
 * show_progress), or JSON events with --json: sets o->on_event and o->ud. */
void cli_progress_opts(const cli_ctx *ctx, struct keel_exec_opts *o,
                       size_t n_steps, bool show_progress);
/* Prints a run's end (the output, or the error; a run_finished event with
 * --json) and returns the exit code. */
int cli_finish_run(const cli_ctx *ctx, int rc, const keel_value *out,
                   const keel_error *err);
/* <dir of the keel binary>/../REL when it exists, into buf. */
bool cli_install_path(char *buf, size_t cap, const char *rel);
int cmd_login(cli_ctx *ctx);
int cmd_whoami(cli_ctx *ctx);
int cmd_logout(cli_ctx *ctx);
/* Works out who keel acts as, once: with a directory configured, the user
 * of a valid `keel login` session (exit 6 with "log in" otherwise; --user
 * and --group are refused); without one, --user (else the local Unix user)
 * with the --group DNs. Returns an exit code. */
int cli_resolve_principal(cli_ctx *ctx);
int cmd_llm_ping(cli_ctx *ctx);

/* Loads the configuration (once) and fills the plugin directories. */
int cli_open_config(cli_ctx *ctx);
/* Opens the kernel and loads every plugin directory (once). */
int cli_open_kernel(cli_ctx *ctx);
void cli_close(cli_ctx *ctx);

/* Prints "keel: error: MSG" to stderr and returns the exit code for rc. */
int cli_fail(int rc, const keel_error *err);
int cli_usage_error(const char *fmt, ...) KEEL_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) KEEL_PRINTF(1, 2);
int cli_exit_code(int rc);
void cli_print_usage(FILE *out, const cli_command *cmd);

/* Writes text that came from outside (a model, a plugin, a file) with
 * control characters escaped (\x1b, \u009b), so that it cannot move the
 * cursor or rewrite what a person is reading before they confirm. */
void cli_put_untrusted(FILE *out, const char *s);

/* Prints JSON text (pretty when asked) and a newline to stdout. */
void cli_print_json_value(const keel_value *v, bool pretty);

#endif
