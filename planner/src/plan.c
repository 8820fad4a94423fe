/*
 * plan.c - the plan IR's lifetime, and diagnostics: the list of problems a
 * reader or the checker found, with their loci, as text or JSON.
 */
#include <keel/plan.h>

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void keel_plan_free(keel_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_steps; i++) {
        keel_plan_step *s = &p->steps[i];
        keel_free(s->id);
        keel_free(s->call);
        keel_value_unref(s->args);
        for (size_t j = 0; j < s->n_after; j++)
            keel_free(s->after[j]);
        keel_free(s->after);
        keel_free(s->for_each);
        keel_free(s->why);
    }
    keel_free(p->steps);
    keel_free(p->goal);
    keel_value_unref(p->output);
    keel_free(p);
}

void keel_diags_init(keel_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void keel_diags_free(keel_diags *d)
{
    keel_free(d->items);
    keel_diags_init(d);
}

void keel_diags_add(keel_diags *d, const char *pointer, int line, int code,
                    const char *fmt, ...)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        keel_diag *n = keel_realloc(d->items, cap * sizeof(*n));
        if (!n) {
            d->oom = true;
            return;
        }
        d->items = n;
        d->cap = cap;
    }
    keel_diag *g = &d->items[d->n++];
    snprintf(g->pointer, sizeof(g->pointer), "%s", pointer ? pointer : "");
    g->line = line;
    g->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->message, sizeof(g->message), fmt, ap);
    va_end(ap);
}

int keel_diags_text(char **out, const keel_diags *d, const char *file)
{
    keel_buf b;
    keel_buf_init(&b);
    for (size_t i = 0; i < d->n; i++) {
        const keel_diag *g = &d->items[i];
        if (file)
            keel_buf_printf(&b, "%s: ", file);
        if (g->line)
            keel_buf_printf(&b, "line %d: ", g->line);
        if (g->pointer[0])
            keel_buf_printf(&b, "%s: ", g->pointer);
        keel_buf_printf(&b, "%s\n", g->message);
    }
    if (d->oom)
        keel_buf_puts(&b, "(more problems were lost: out of memory)\n");
    return keel_buf_finish(&b, out);
}

int keel_diags_json(char **out, const keel_diags *d)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_putc(&b, '[');
    for (size_t i = 0; i < d->n; i++) {
        const keel_diag *g = &d->items[i];
        keel_buf_puts(&b, i ? ",\n {\"pointer\":" : "{\"pointer\":");
        keel_buf_json_string(&b, g->pointer, strlen(g->pointer));
        if (g->line)
            keel_buf_printf(&b, ",\"line\":%d", g->line);
        keel_buf_puts(&b, ",\"message\":");
        keel_buf_json_string(&b, g->message, strlen(g->message));
        keel_buf_putc(&b, '}');
    }
    keel_buf_puts(&b, "]\n");
    return keel_buf_finish(&b, out);
}
