/*
 * cmd_llm.c - `keel llm chat` and `keel llm ping`: open an LLM client from
 * the LLM options (--llm, --llm-url, --fallback, --record, --max-cost,
 * --max-tokens) and the config's "llm" section, and present the reply.
 */
#include "cli.h"

#include <keel/llm.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int parse_budgets(keel_llm_options *o, const cli_ctx *ctx)
{
    char *end = NULL;
    if (ctx->max_cost) {
        errno = 0;
        o->max_cost = strtod(ctx->max_cost, &end);
        if (errno || end == ctx->max_cost || *end || !(o->max_cost > 0))
            return cli_usage_error("--max-cost %s: expected a positive number",
                                   ctx->max_cost);
    }
    if (ctx->max_tokens) {
        errno = 0;
        long long n = strtoll(ctx->max_tokens, &end, 10);
        if (errno || end == ctx->max_tokens || *end || n <= 0)
            return cli_usage_error("--max-tokens %s: expected a positive "
                                   "integer", ctx->max_tokens);
        o->max_tokens = n;
    }
    return 0;
}

int cli_open_llm(keel_llm **out, cli_ctx *ctx)
{
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    keel_llm_options o = {
        .model = ctx->llm, .base_url = ctx->llm_url,
        .fallbacks = ctx->fallbacks.v, .n_fallbacks = ctx->fallbacks.n,
        .record_path = ctx->record,
        .config = keel_config_section(ctx->config, "llm")};
    if ((rc = parse_budgets(&o, ctx)))
        return rc;
    keel_error err = {0};
    rc = keel_llm_open(out, &o, &err);
    return rc ? cli_fail(rc, &err) : 0;
}

static void print_token(void *ud, const char *s, size_t n)
{
    (void)ud;
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}

static keel_value *reply_json(const keel_llm_reply *r)
{
    keel_value *o = keel_value_object(), *calls = keel_value_list();
    keel_value *usage = keel_value_object();
    for (size_t i = 0; calls && i < r->n_tool_calls; i++) {
        keel_value *c = keel_value_object();
        keel_value_object_set_take(c, "id", keel_value_cstring(r->tool_calls[i].id));
        keel_value_object_set_take(c, "name", keel_value_cstring(r->tool_calls[i].name));
        keel_value_object_set(c, "arguments", r->tool_calls[i].arguments);
        keel_value_list_append_take(calls, c);
    }
    keel_value_object_set_take(usage, "input_tokens", keel_value_int(r->input_tokens));
    keel_value_object_set_take(usage, "output_tokens", keel_value_int(r->output_tokens));
    keel_value_object_set_take(o, "model", keel_value_cstring(r->model));
    keel_value_object_set_take(o, "text", keel_value_cstring(r->text));
    keel_value_object_set_take(o, "tool_calls", calls);
    keel_value_object_set_take(o, "stop_reason", keel_value_cstring(r->stop_reason));
    keel_value_object_set_take(o, "usage", usage);
    keel_value_object_set_take(o, "cost", keel_value_float(r->cost));
    keel_value_object_set_take(o, "attempts", keel_value_int(r->attempts));
    keel_value_object_set_take(o, "request_id", keel_value_cstring(r->request_id));
    keel_value_object_set_take(o, "ms", keel_value_float(r->latency_ms));
    return o;
}

static void print_reply(const cli_ctx *ctx, const keel_llm_reply *r)
{
    if (ctx->json) {
        keel_value *v = reply_json(r);
        cli_print_json_value(v, false);
        keel_value_unref(v);
        return;
    }
    if (!ctx->stream)
        fputs(r->text, stdout);
    if (r->text[0] || ctx->stream)
        fputc('\n', stdout);
    for (size_t i = 0; i < r->n_tool_calls; i++) {
        char *args = NULL;
        keel_value_to_json(&args, r->tool_calls[i].arguments, false);
        printf("tool call %s: %s %s\n", r->tool_calls[i].id,
               r->tool_calls[i].name, args ? args : "{}");
        keel_free(args);
    }
}

int cmd_llm_chat(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel llm chat TEXT [--llm P:M] "
                               "[--stream] [--json]");
    keel_llm *llm = NULL;
    int rc = cli_open_llm(&llm, ctx);
    if (rc)
        return rc;
    keel_llm_message m = {KEEL_LLM_USER, ctx->pos[0]};
    bool live = ctx->stream && !ctx->json;
    keel_llm_request req = {.messages = &m, .n_messages = 1,
                            .temperature = -1, .stream = ctx->stream,
                            .on_token = live ? print_token : NULL};
    keel_llm_reply r;
    keel_error err = {0};
    rc = keel_llm_chat(&r, llm, &req, &err);
    if (rc == 0)
        print_reply(ctx, &r);
    keel_llm_reply_free(&r);
    keel_llm_free(llm);
    return rc ? cli_fail(rc, &err) : KEEL_EXIT_OK;
}

int cmd_llm_ping(cli_ctx *ctx)
{
    if (ctx->n_pos)
        return cli_usage_error("llm ping takes no arguments");
    keel_llm *llm = NULL;
    int rc = cli_open_llm(&llm, ctx);
    if (rc)
        return rc;
    char line[512];
    keel_error err = {0};
    rc = keel_llm_ping(llm, line, sizeof(line), &err);
    if (rc == 0)
        printf("%s\n", line);
    keel_llm_free(llm);
    return rc ? cli_fail(rc, &err) : KEEL_EXIT_OK;
}
