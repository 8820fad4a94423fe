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

static const char llm_options_help[] =
    "--llm PROVIDER:MODEL (openai, azure, ollama, anthropic; or replay:FILE),\n"
    "--llm-url URL (any OpenAI-compatible server), --fallback P:M\n"
    "(repeatable), --record FILE (JSON lines, keys redacted), --max-cost\n"
    "AMOUNT, --max-tokens N, --stream (print tokens as they arrive). With\n"
    "--json, prints the reply as {\"model\", \"text\", \"tool_calls\",\n"
    "\"stop_reason\", \"usage\", ...}. Exit 5 when the model is unreachable\n"
    "or failing. See docs/llm.md.";

const cli_command cli_commands[] = {
    {"help", "keel help [COMMAND]", "Show help for keel or one command.",
     NULL, 0, cmd_help},
    {"version", "keel version", "Print keel's version and plugin ABI.", NULL, 0,
     cmd_version},
    {"goal", "keel goal \"TEXT\" [--yes] [--dry-run] [--json] [--plan-out FILE] [--llm P:M] [--policy FILE]... [--jobs N]",
     "Plan a goal with the model, show the plan and its verdicts, run it.",
     "The model sees only the functions the policy could permit to you and\n"
     "answers with a plan, which keel checks (functions, arguments,\n"
     "references, policy) before anything runs; problems go back to the\n"
     "model for repair, up to --max-repairs times (default 2). The plan is\n"
     "shown with each step's arguments, why, effects and verdict; on a\n"
     "terminal keel asks before running it (--yes skips the question;\n"
     "without a terminal --yes is required), --dry-run stops after showing\n"
     "it, --plan-out FILE saves it as a plan file. Valid plans are cached by\n"
     "goal, functions, policy, model and templates (--no-cache). Templates\n"
     "come from --prompts DIR, golden examples from --examples DIR. With\n"
     "--json, prints one JSON event per line. Exit 0; 1 a step failed; 2 no\n"
     "valid plan or the model cannot plan; 3 denied by policy or a policy\n"
     "limit; 4 a step needs approval; 5 the model is unreachable. See\n"
     "docs/planner.md.",
     CLI_OPT_LLM | CLI_OPT_RUN | CLI_OPT_POLICY | CLI_OPT_PLAN | CLI_OPT_PLANNER |
     CLI_OPT_PRINCIPAL, cmd_goal},
    {"eval", "keel eval SUITE [--llm P:M | --llm replay:FILE] [--record FILE] [--policy FILE]... [--max-repairs N] [--json]",
     "Plan every goal of a suite and check the plans against expectations.",
     "SUITE is JSON: {\"policy\": [files], \"defaults\": {...}, \"cases\":\n"
     "[{\"name\", \"goal\", \"user\", \"groups\", \"expect\": {\"outcome\",\n"
     "\"calls\", \"not_calls\", \"args\", \"min_steps\", \"max_steps\",\n"
     "\"verdict\", \"max_llm_calls\"}}]}; policy paths are relative to the\n"
     "suite. Plans are checked, never run, and never taken from the plan\n"
     "cache. Prints PASS or FAIL per case with the failing expectations,\n"
     "steps, LLM calls, tokens and latency, then pass rate, tokens, cost\n"
     "and latency, and \"N passed, N failed\"; --json prints one JSON object\n"
     "per case and a summary. Exit 0 all pass, 1 any failed, 2 bad suite,\n"
     "5 the model is unreachable. See docs/eval.md.",
     CLI_OPT_LLM | CLI_OPT_POLICY | CLI_OPT_PLANNER, cmd_eval},
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
    {"validate", "keel validate FILE [--policy FILE]... [--user U] [--group DN]... [--json]",
     "Check a plan (JSON or XML) against the loaded functions; run nothing.",
     "Every problem is listed with its JSON Pointer (and XML line), one per\n"
     "line on stderr; exit 0 when the plan is valid, 2 when not. With a\n"
     "policy (--policy, or policy.files in the config), each step's verdict\n"
     "is shown with its rules; exit 3 when the policy denies. With --json,\n"
     "prints {\"valid\": ..., \"hash\": ..., \"errors\": [...]} on stdout:\n"
     "the list the planner sends back to the model for repair.",
     CLI_OPT_POLICY | CLI_OPT_PRINCIPAL, cmd_validate},
    {"run", "keel run FILE [--jobs N] [--keep-going] [--step-timeout S] [--policy FILE]... [--json]",
     "Validate a plan, run it, print its output.",
     "Independent steps run in parallel on N threads (default: the number\n"
     "of cores; --jobs 1 runs them one at a time in file order). A failing\n"
     "step stops the run (steps already running finish) unless\n"
     "--keep-going, which still runs whatever does not depend on it. Each\n"
     "step has --step-timeout seconds (default 60). With --json, prints\n"
     "one JSON event per line and a final run_finished event. Exit 0, 1 (a\n"
     "step failed) or 2 (invalid plan).",
     CLI_OPT_RUN | CLI_OPT_POLICY | CLI_OPT_PRINCIPAL, cmd_run},
    {"resume", "keel resume ID [--retry STEP]... [--skip STEP --output JSON]... [--jobs N]",
     "Continue a stopped, failed or crashed run.",
     "Steps that finished are not run again: their journalled outputs (with\n"
     "their provenance labels) are used. A step that started and has no end\n"
     "is run again only if its function is idempotent; otherwise keel stops\n"
     "and names it, and an operator decides: --retry STEP runs it again,\n"
     "--skip STEP --output JSON takes it as done with that output. The run's\n"
     "policy files are loaded again (or --policy). Exit codes as keel run.",
     CLI_OPT_RUN | CLI_OPT_POLICY | CLI_OPT_RESUME | CLI_OPT_PRINCIPAL,
     cmd_resume},
    {"approve", "keel approve ID STEP [--comment TEXT]",
     "Approve a step that waits for approval; then keel resume ID.",
     "The approval records who approved (--user, or the logged-in user) and\n"
     "is bound to the plan's hash, the step, the exact arguments it was\n"
     "requested with and the requester: if any differs when the step runs,\n"
     "it does not count. The policy may require an approver other than the\n"
     "requester, or one in a role (exit 3 otherwise).",
     CLI_OPT_POLICY | CLI_OPT_DECIDE | CLI_OPT_PRINCIPAL, cmd_approve},
    {"reject", "keel reject ID STEP --reason TEXT",
     "Reject a step that waits for approval: the run fails with the reason.",
     NULL, CLI_OPT_POLICY | CLI_OPT_DECIDE | CLI_OPT_PRINCIPAL, cmd_reject},
    {"runs", "keel runs [list] [--json]",
     "List runs: id, user, state, start, duration, steps, tokens, goal.",
     NULL, 0, cmd_runs_list},
    {"runs list", "keel runs list [--json]",
     "List runs: id, user, state, start, duration, steps, tokens, goal.",
     NULL, 0, cmd_runs_list},
    {"runs show", "keel runs show ID [--json]",
     "Show a run: each step's state, timing, output and decisions.",
     NULL, 0, cmd_runs_show},
    {"runs verify", "keel runs verify ID",
     "Check a run's journal chain; name the first edited, removed or "
     "reordered record.", NULL, 0, cmd_runs_verify},
    {"trace", "keel trace ID [--html FILE] [--otlp URL] [--json]",
     "Show a run as a tree of timed spans: planning, LLM calls, policy, steps.",
     "Each span shows its duration and start (from the run's start): the\n"
     "planning with each LLM call (model, provider, tokens), the policy\n"
     "check, each attempt at each step (function, state, error) and each\n"
     "wait for approval. --html FILE writes a self-contained page with a\n"
     "timeline of the spans (the slowest step marked); --otlp URL sends the\n"
     "spans to an OpenTelemetry collector over OTLP/HTTP JSON ({URL}/v1/\n"
     "traces, GenAI conventions; contents only with trace.content in the\n"
     "config); --json prints that JSON. Exit 5 when the collector cannot\n"
     "be reached. See docs/runs.md.",
     CLI_OPT_TRACE, cmd_trace},
    {"policy check", "keel policy check FILE...",
     "Validate policy files against the schema and the loaded functions.",
     "Each file is checked against policy.xsd, then linted: unknown\n"
     "functions, arguments and roles, and patterns that match no function\n"
     "are errors. Exit 0 when every file is sound, 2 otherwise.",
     0, cmd_policy_check},
    {"policy test", "keel policy test CASES_FILE [--policy FILE]...",
     "Run policy test cases and print N passed, N failed.",
     "CASES_FILE is JSON: {\"policy\": [files...], \"cases\": [{\"name\",\n"
     "\"user\", \"groups\", \"call\", \"args\", \"labels\": {\"arg\": [...]},\n"
     "\"expect\": \"allow|approval|deny\", \"rules\": [ids]}]}. Policy paths\n"
     "are relative to the cases file. Exit 0 when all pass, 1 otherwise.",
     CLI_OPT_POLICY, cmd_policy_test},
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
    {"llm chat", "keel llm chat TEXT [--llm P:M] [--stream] [--json]",
     "Send TEXT to a language model and print its reply.",
     llm_options_help, CLI_OPT_LLM, cmd_llm_chat},
    {"llm ping", "keel llm ping [--llm P:M] [--llm-url URL]",
     "Check that the model is reachable, accepts the key and exists.",
     "Exit 0 when it answers, 5 with the reason when it does not.",
     CLI_OPT_LLM, cmd_llm_ping},
    {"login", "keel login [--user NAME] [--password-file FILE] [--verbose]",
     "Log in to the directory; keep a short-lived session for later commands.",
     "Asks for the password on the terminal without echo, or reads the first\n"
     "line of --password-file FILE (or $KEEL_PASSWORD_FILE). NAME defaults to\n"
     "the local user. The session (the principal and its groups, never the\n"
     "password) lives in the state directory, mode 0600, for session_ttl_s\n"
     "(default 15 minutes). --verbose shows each stage (connect, tls,\n"
     "service bind, search, user bind, groups) with its time. Exit 6 when\n"
     "authentication fails, 5 when the directory is unreachable.",
     CLI_OPT_LOGIN | CLI_OPT_POLICY, cmd_login},
    {"whoami", "keel whoami [--json]",
     "Show who keel acts as: the session's user and groups, or the local user.",
     "Exit 6 when a directory is configured and there is no valid session.",
     0, cmd_whoami},
    {"logout", "keel logout", "Remove the session.", NULL, 0, cmd_logout},
};
const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);
