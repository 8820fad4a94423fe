/*
 * run_trace_html.c - a trace as one self-contained HTML page: a timeline
 * (Gantt) with one row per span, bars placed by start and duration on a
 * shared time axis, so that steps running side by side and the slowest
 * step show at a glance. Inline CSS only: no scripts, no external assets,
 * nothing fetched. Every text that came from the run is escaped.
 */
#include <keel/trace.h>

#include "alloc.h"
#include "buf.h"

#include <stdio.h>
#include <string.h>

static const char style[] =
    "body{font:13px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.2em;margin:0 0 .2em}.meta{color:#555;margin:0 0 1em}"
    ".row{display:flex;align-items:center;height:22px}"
    ".row:hover{background:#f3f3f3}"
    ".label{width:30%;min-width:16em;white-space:nowrap;overflow:hidden;"
    "text-overflow:ellipsis;font-family:ui-monospace,monospace;font-size:12px}"
    ".track{position:relative;flex:1;height:16px;border-left:1px solid #ccc}"
    ".bar{position:absolute;top:2px;height:12px;min-width:2px;"
    "border-radius:2px;opacity:.85}"
    ".dur{width:7em;text-align:right;color:#555;font-size:12px}"
    ".k-run{background:#607d8b}.k-planning{background:#7e57c2}"
    ".k-chat{background:#ab47bc}.k-policy{background:#26a69a}"
    ".k-step{background:#42a5f5}.k-approval{background:#ffb300}"
    ".error{background:#e53935}.open{background-image:repeating-linear-gradient("
    "45deg,transparent 0 4px,rgba(255,255,255,.5) 4px 8px)}"
    ".slow{outline:2px solid #d81b60;outline-offset:1px}"
    ".slowtag{color:#d81b60;font-weight:600}"
    ".axis{display:flex;margin-left:30%;position:relative;height:18px;"
    "color:#777;font-size:11px}.axis span{position:absolute;transform:"
    "translateX(-50%)}.legend span{display:inline-block;padding:0 .5em;"
    "margin-right:.5em;color:#fff;border-radius:2px}";

static const char *const kind_class[] = {"run", "planning", "chat",
                                         "policy", "step", "approval"};

static void esc(keel_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': keel_buf_puts(b, "&amp;"); break;
        case '<': keel_buf_puts(b, "&lt;"); break;
        case '>': keel_buf_puts(b, "&gt;"); break;
        case '"': keel_buf_puts(b, "&quot;"); break;
        case '\'': keel_buf_puts(b, "&#39;"); break;
        default: keel_buf_putc(b, *s);
        }
    }
}

static void esc_value(keel_buf *b, const keel_value *v)
{
    char *json = NULL;
    if (keel_value_type(v) == KEEL_TYPE_STRING)
        esc(b, keel_value_get_string(v, NULL));
    else if (keel_value_to_json(&json, v, false) == 0)
        esc(b, json);
    else
        b->failed = 1; /* keel_buf_finish reports it */
    keel_free(json);
}

static double ms_between(int64_t a, int64_t b)
{
    return (double)(b - a) / 1000.0;
}

/* The hover text: timing, state, error, attributes and contents. */
static void title(keel_buf *b, const keel_trace *t, const keel_span *s)
{
    esc(b, s->name);
    keel_buf_printf(b, "&#10;start +%.3f ms, %.3f ms",
                    ms_between(t->start_us, s->start_us),
                    ms_between(s->start_us, s->end_us));
    if (s->state) {
        keel_buf_puts(b, ", ");
        esc(b, s->state);
    }
    if (s->message[0]) {
        keel_buf_puts(b, "&#10;error: ");
        esc(b, s->message);
    }
    const keel_value *sets[] = {s->attrs, s->content};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < keel_value_len(sets[k]); i++) {
            keel_buf_puts(b, "&#10;");
            esc(b, keel_value_object_key_at(sets[k], i));
            keel_buf_puts(b, " = ");
            esc_value(b, keel_value_object_value_at(sets[k], i));
        }
}

static int depth_of(const keel_trace *t, const keel_span *s)
{
    int d = 0;
    for (long p = s->parent; p >= 0 && d < 16; p = t->spans[p].parent)
        d++;
    return d;
}

/* The step that took longest, or -1. */
static long slowest(const keel_trace *t)
{
    long best = -1;
    for (size_t i = 0; i < t->n_spans; i++) {
        const keel_span *s = &t->spans[i];
        if (s->kind == KEEL_SPAN_STEP &&
            (best < 0 || s->end_us - s->start_us >
                             t->spans[best].end_us - t->spans[best].start_us))
            best = (long)i;
    }
    return best;
}

static void row(keel_buf *b, const keel_trace *t, size_t i, bool slow)
{
    const keel_span *s = &t->spans[i];
    double total = (double)(t->end_us > t->start_us ? t->end_us - t->start_us : 1);
    double left = 100.0 * (double)(s->start_us - t->start_us) / total;
    double width = 100.0 * (double)(s->end_us - s->start_us) / total;
    keel_buf_puts(b, "<div class=\"row\" title=\"");
    title(b, t, s);
    keel_buf_printf(b, "\"><div class=\"label\" style=\"padding-left:%dem\">",
                    depth_of(t, s));
    esc(b, s->name);
    const char *step = keel_value_get_string(
        keel_value_object_get(s->attrs, "keel.step.id"), NULL);
    if (step && s->kind == KEEL_SPAN_STEP) {
        keel_buf_puts(b, " (");
        esc(b, step);
        keel_buf_puts(b, ")");
    }
    if (slow)
        keel_buf_puts(b, " <span class=\"slowtag\">slowest</span>");
    keel_buf_printf(b, "</div><div class=\"track\"><div class=\"bar k-%s%s%s%s\" "
                    "style=\"left:%.3f%%;width:%.3f%%\"></div></div>"
                    "<div class=\"dur\">%.1f ms</div></div>\n",
                    kind_class[s->kind],
                    s->status == KEEL_SPAN_ERROR ? " error" : "",
                    s->open ? " open" : "", slow ? " slow" : "", left, width,
                    ms_between(s->start_us, s->end_us));
}

static void axis(keel_buf *b, const keel_trace *t)
{
    double total = ms_between(t->start_us, t->end_us);
    keel_buf_puts(b, "<div class=\"axis\">");
    for (int i = 0; i <= 4; i++)
        keel_buf_printf(b, "<span style=\"left:%d%%\">%.1f ms</span>", i * 25,
                        total * i / 4.0);
    keel_buf_puts(b, "</div>\n");
}

static void header(keel_buf *b, const keel_trace *t)
{
    const keel_span *run = &t->spans[0];
    const keel_value *goal = keel_value_object_get(run->content, "keel.goal");
    keel_buf_puts(b, "<h1>keel run ");
    esc(b, t->run_id);
    keel_buf_puts(b, "</h1>\n<p class=\"meta\">");
    esc(b, run->state ? run->state : "unknown");
    keel_buf_printf(b, ", %.1f ms", ms_between(t->start_us, t->end_us));
    if (goal) {
        keel_buf_puts(b, "; goal: ");
        esc_value(b, goal);
    }
    if (run->message[0]) {
        keel_buf_puts(b, "<br>error: ");
        esc(b, run->message);
    }
    keel_buf_puts(b, "</p>\n<p class=\"legend\">");
    for (size_t i = 0; i < sizeof(kind_class) / sizeof(kind_class[0]); i++)
        keel_buf_printf(b, "<span class=\"k-%s\">%s</span>", kind_class[i],
                        kind_class[i]);
    keel_buf_puts(b, "<span class=\"error\">failed</span> hover a row for "
                     "details</p>\n");
}

int keel_trace_html(char **out, const keel_trace *t)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                      "charset=\"utf-8\"><title>keel trace ");
    esc(&b, t->run_id);
    keel_buf_printf(&b, "</title>\n<style>%s</style></head><body>\n", style);
    header(&b, t);
    axis(&b, t);
    long slow = slowest(t);
    for (size_t i = 0; i < t->n_spans; i++)
        row(&b, t, i, (long)i == slow);
    axis(&b, t);
    keel_buf_puts(&b, "</body></html>\n");
    return keel_buf_finish(&b, out);
}
