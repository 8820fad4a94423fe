/*
 * cli_run.c - what `keel run` and `keel goal` share: diagnostics on
 * stderr, the run options, and running a checked plan with progress and
 * its output (or one JSON event per line with --json).
 */
#include "cli.h"

#include <keel/exec.h>
#include <keel/policy.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_print_diags(const keel_diags *d, const char *file)
{
    for (size_t i = 0; i < d->n; i++) {
        const keel_diag *g = &d->items[i];
        fputs("keel: error: ", stderr);
        if (file) {
            cli_put_untrusted(stderr, file);
            fputs(": ", stderr);
        }
        if (g->line)
            fprintf(stderr, "line %d: ", g->line);
        if (g->pointer[0]) {
            cli_put_untrusted(stderr, g->pointer);
            fputs(": ", stderr);
        }
        cli_put_untrusted(stderr, g->message);
        fputc('\n', stderr);
    }
    if (d->oom)
        fputs("keel: error: (more problems were lost: out of memory)\n", stderr);
}

typedef struct progress {
    bool json, show, timed;
    size_t n;
} progress;

static void print_event_json(const keel_exec_event *ev)
{
    static const char *const kinds[] = {"step_started", "step_finished",
                                        "step_failed", "step_skipped",
                                        "step_reused"};
    keel_value *o = keel_value_object();
    if (!o)
        return;
    keel_value_object_set_take(o, "event", keel_value_cstring(kinds[ev->kind]));
    keel_value_object_set_take(o, "step", keel_value_cstring(ev->id));
    keel_value_object_set_take(o, "call", keel_value_cstring(ev->call));
    if (ev->kind == KEEL_EV_STEP_FINISHED || ev->kind == KEEL_EV_STEP_FAILED)
        keel_value_object_set_take(o, "ms", keel_value_float(ev->elapsed_ms));
    if (ev->output)
        keel_value_object_set(o, "output", ev->output);
    if (ev->error)
        keel_value_object_set_take(o, "error", keel_value_cstring(ev->error->msg));
    cli_print_json_value(o, false);
    fflush(stdout);
    keel_value_unref(o);
}

/* "done in 1.2 ms" on a terminal; without timings elsewhere, so that logs
 * and tests compare. */
static void print_elapsed(const progress *pg, const char *what, double ms)
{
    if (pg->timed)
        fprintf(stderr, "%s after %.1f ms", what, ms);
    else
        fputs(what, stderr);
}

static void on_event(void *ud, const keel_exec_event *ev)
{
    const progress *pg = ud;
    if (pg->json) {
        print_event_json(ev);
        return;
    }
    /* "started" lines only live on a terminal; logs keep the outcomes */
    if (!pg->show || (ev->kind == KEEL_EV_STEP_STARTED && !pg->timed))
        return;
    fprintf(stderr, "  [%zu/%zu] %s (%s): ", ev->step + 1, pg->n, ev->id,
            ev->call);
    switch (ev->kind) {
    case KEEL_EV_STEP_STARTED:
        fputs("started", stderr);
        break;
    case KEEL_EV_STEP_FINISHED:
        print_elapsed(pg, "done", ev->elapsed_ms);
        break;
    case KEEL_EV_STEP_FAILED:
        print_elapsed(pg, "FAILED", ev->elapsed_ms);
        fprintf(stderr, ": %s", ev->error->msg);
        break;
    case KEEL_EV_STEP_SKIPPED:
        fputs("skipped", stderr);
        break;
    case KEEL_EV_STEP_REUSED:
        fputs("done in an earlier attempt", stderr);
        break;
    }
    fputc('\n', stderr);
}

int cli_parse_run_opts(keel_exec_opts *o, const cli_ctx *ctx)
{
    memset(o, 0, sizeof(*o));
    char *end;
    if (ctx->jobs) {
        errno = 0;
        long n = strtol(ctx->jobs, &end, 10);
        if (errno || *end || n < 1 || n > 256)
            return cli_usage_error("--jobs %s: give a number from 1 to 256",
                                   ctx->jobs);
        o->jobs = (unsigned)n;
    }
    if (ctx->step_timeout) {
        errno = 0;
        double s = strtod(ctx->step_timeout, &end);
        if (errno || *end || !(s > 0) || s > 86400)
            return cli_usage_error("--step-timeout %s: give seconds, more "
                                   "than 0 and at most 86400",
                                   ctx->step_timeout);
        o->step_timeout_s = s;
    }
    o->keep_going = ctx->keep_going;
    return 0;
}

int cli_finish_run(const cli_ctx *ctx, int rc, const keel_value *out,
                   const keel_error *err)
{
    if (ctx->json) {
        keel_value *o = keel_value_object();
        keel_value_object_set_take(o, "event", keel_value_cstring("run_finished"));
        keel_value_object_set_take(o, "ok", keel_value_bool(rc == 0));
        if (rc == 0)
            keel_value_object_set(o, "output", out);
        else
            keel_value_object_set_take(o, "error", keel_value_cstring(err->msg));
        cli_print_json_value(o, false);
        keel_value_unref(o);
        return cli_exit_code(rc);
    }
    if (rc)
        return cli_fail(rc, err);
    cli_print_json_value(out, true);
    return KEEL_EXIT_OK;
}

void cli_progress_opts(const cli_ctx *ctx, keel_exec_opts *o, size_t n_steps,
                       bool show_progress)
{
    /* one run per keel process: the progress state can be static */
    static progress pg;
    bool tty = isatty(STDERR_FILENO) != 0;
    pg = (progress){ctx->json, show_progress || tty, tty, n_steps};
    o->on_event = on_event;
    o->ud = &pg;
}
