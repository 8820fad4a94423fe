/*
 * cmd_trace.c - `keel trace ID`: a run as a tree of timed spans on the
 * terminal, as an HTML timeline (--html FILE), as OTLP JSON (--json), or
 * sent to an OpenTelemetry collector (--otlp URL); and the automatic
 * export at the end of a run when the configuration names a collector.
 */
#include "cli.h"

#include <keel/otlp.h>
#include <keel/trace.h>

#include <errno.h>
#include <string.h>

static const char *str_attr(const keel_span *s, const char *k)
{
    return keel_value_get_string(keel_value_object_get(s->attrs, k), NULL);
}

static long long int_attr(const keel_span *s, const char *k)
{
    return (long long)keel_value_get_int(keel_value_object_get(s->attrs, k));
}

static bool last_child(const keel_trace *t, size_t i)
{
    for (size_t j = i + 1; j < t->n_spans; j++)
        if (t->spans[j].parent == t->spans[i].parent)
            return false;
    return true;
}

/* "│  " or "   " for each ancestor below the root, then the branch. */
static void tree_prefix(const keel_trace *t, size_t i)
{
    long chain[16];
    int n = 0;
    for (long p = t->spans[i].parent; p > 0 && n < 16; p = t->spans[p].parent)
        chain[n++] = p;
    while (n-- > 0)
        fputs(last_child(t, (size_t)chain[n]) ? "   " : "\xe2\x94\x82  ", stdout);
    fputs(last_child(t, i) ? "\xe2\x94\x94\xe2\x94\x80 " : "\xe2\x94\x9c\xe2\x94\x80 ",
          stdout);
}

static void put_state(const keel_span *s)
{
    if (s->state)
        fputs(s->state, stdout);
    if (s->message[0]) {
        fputs(": ", stdout);
        cli_put_untrusted(stdout, s->message);
    }
}

static void details(const keel_span *s)
{
    switch (s->kind) {
    case KEEL_SPAN_PLANNING:
        printf("%lld LLM call%s, %lld + %lld tokens", int_attr(s, "keel.llm.calls"),
               int_attr(s, "keel.llm.calls") == 1 ? "" : "s",
               int_attr(s, "gen_ai.usage.input_tokens"),
               int_attr(s, "gen_ai.usage.output_tokens"));
        break;
    case KEEL_SPAN_CHAT:
        cli_put_untrusted(stdout, str_attr(s, "gen_ai.provider.name")
                                      ? str_attr(s, "gen_ai.provider.name") : "?");
        printf(", %lld + %lld tokens", int_attr(s, "gen_ai.usage.input_tokens"),
               int_attr(s, "gen_ai.usage.output_tokens"));
        break;
    case KEEL_SPAN_POLICY:
        if (str_attr(s, "keel.policy.hash"))
            printf("policy %.12s, %lld approval%s requested, %lld denied",
                   str_attr(s, "keel.policy.hash"),
                   int_attr(s, "keel.policy.approvals_requested"),
                   int_attr(s, "keel.policy.approvals_requested") == 1 ? "" : "s",
                   int_attr(s, "keel.policy.denied"));
        else
            fputs("no policy", stdout);
        break;
    case KEEL_SPAN_STEP:
        cli_put_untrusted(stdout, str_attr(s, "keel.step.id"));
        putchar(' ');
        put_state(s);
        if (int_attr(s, "keel.step.attempt") > 1)
            printf(" (attempt %lld)", int_attr(s, "keel.step.attempt"));
        break;
    case KEEL_SPAN_APPROVAL:
        put_state(s);
        if (str_attr(s, "keel.approval.approver")) {
            fputs(" by ", stdout);
            cli_put_untrusted(stdout, str_attr(s, "keel.approval.approver"));
        }
        if (s->open && str_attr(s, "keel.approval.reason")) {
            fputs(": ", stdout);
            cli_put_untrusted(stdout, str_attr(s, "keel.approval.reason"));
        }
        break;
    default:
        break;
    }
}

static void print_tree(const keel_trace *t)
{
    const keel_span *run = &t->spans[0];
    const char *goal = keel_value_get_string(
        keel_value_object_get(run->content, "keel.goal"), NULL);
    printf("run %s %.1f ms: ", t->run_id,
           (double)(run->end_us - run->start_us) / 1000.0);
    put_state(run);
    printf("\ntrace id %s\n", t->trace_id);
    if (goal) {
        fputs("goal: ", stdout);
        cli_put_untrusted(stdout, goal);
        putchar('\n');
    }
    for (size_t i = 1; i < t->n_spans; i++) {
        const keel_span *s = &t->spans[i];
        tree_prefix(t, i);
        cli_put_untrusted(stdout, s->name);
        printf(" %.1f ms at +%.1f ms: ", (double)(s->end_us - s->start_us) / 1000.0,
               (double)(s->start_us - t->start_us) / 1000.0);
        details(s);
        putchar('\n');
    }
}

static int write_html(const keel_trace *t, const char *path)
{
    char *html = NULL;
    if (keel_trace_html(&html, t) != 0)
        return cli_fail(KEEL_ENOMEM, NULL);
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(html, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    keel_free(html);
    if (!ok) {
        keel_error err;
        keel_error_set(&err, KEEL_EIO, "%s: %s", path, strerror(errno));
        return cli_fail(KEEL_EIO, &err);
    }
    printf("wrote %s\n", path);
    return 0;
}

/* The configuration's "trace" section, with --otlp URL over its URL. */
static void otlp_opts(keel_otlp_opts *o, cli_ctx *ctx)
{
    keel_otlp_opts_from_config(o, cli_open_config(ctx) == 0 ? ctx->config : NULL);
    if (ctx->otlp)
        o->url = ctx->otlp;
    o->service_version = KEEL_VERSION;
}

static int print_otlp_json(const keel_trace *t, cli_ctx *ctx)
{
    keel_otlp_opts o;
    otlp_opts(&o, ctx);
    char *json = NULL;
    if (keel_otlp_encode(&json, t, &o) != 0)
        return cli_fail(KEEL_ENOMEM, NULL);
    puts(json);
    keel_free(json);
    return 0;
}

int cmd_trace(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel trace ID [--html FILE] [--otlp URL] "
                               "[--json]");
    const char *state = cli_state_dir(ctx);
    if (!state)
        return KEEL_EXIT_USAGE;
    keel_run *r = NULL;
    keel_trace *t = NULL;
    keel_error err = {0};
    int rc = keel_run_open(&r, state, ctx->pos[0], false, &err);
    if (rc == 0)
        rc = keel_trace_build(&t, r, &err);
    if (rc) {
        keel_run_free(r);
        return cli_fail(rc, &err);
    }
    if (ctx->html)
        rc = write_html(t, ctx->html);
    if (rc == 0 && ctx->otlp) {
        keel_otlp_opts o;
        otlp_opts(&o, ctx);
        rc = keel_otlp_export(t, &o, &err);
        if (rc == 0) /* stdout is for the JSON with --json */
            fprintf(ctx->json ? stderr : stdout, "exported %zu spans of run %s "
                    "to %s\n", t->n_spans, t->run_id, o.url);
        rc = rc ? cli_fail(rc, &err) : 0;
    }
    if (rc == 0 && ctx->json)
        rc = print_otlp_json(t, ctx);
    else if (rc == 0 && !ctx->html && !ctx->otlp)
        print_tree(t);
    keel_trace_free(t);
    keel_run_free(r);
    return rc;
}

void cli_export_trace(cli_ctx *ctx, const keel_run *r)
{
    keel_otlp_opts o;
    otlp_opts(&o, ctx);
    if (!o.url)
        return;
    keel_trace *t = NULL;
    keel_error err = {0};
    int rc = keel_trace_build(&t, r, &err);
    if (rc == 0)
        rc = keel_otlp_export(t, &o, &err);
    if (rc)
        cli_warn("the run's trace was not exported: %s", err.msg);
    keel_trace_free(t);
}
