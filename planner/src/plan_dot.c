/*
 * plan_dot.c - plans for people: a Graphviz DOT graph of the steps and a
 * numbered text summary.
 */
#include "plan_internal.h"

#include "buf.h"

#include <string.h>

static void put_effects(keel_buf *b, const keel_kernel *k, const char *call,
                        const char *open, const char *close)
{
    const keel_fn_info *f = k ? keel_kernel_lookup(k, call) : NULL;
    if (!f || (!f->effects && !f->untrusted_output))
        return;
    keel_buf_puts(b, open);
    bool first = true;
    for (unsigned flag = 1; flag && flag <= f->effects; flag <<= 1)
        if ((f->effects & flag) && keel_effect_name(flag)) {
            keel_buf_printf(b, "%s%s", first ? "" : ", ", keel_effect_name(flag));
            first = false;
        }
    if (f->untrusted_output)
        keel_buf_printf(b, "%suntrusted output", first ? "" : ", ");
    keel_buf_puts(b, close);
}

/* Escapes text for a DOT double-quoted string. */
static void dot_text(keel_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            keel_buf_putc(b, '\\');
        if (s[i] == '\n')
            keel_buf_puts(b, "\\n");
        else
            keel_buf_putc(b, s[i]);
    }
}

typedef struct edge_ctx {
    keel_buf *b;
    const char *to;
} edge_ctx;

static int data_edge(void *ctx, const plan_ref *r, const char *ptr)
{
    (void)ptr;
    edge_ctx *e = ctx;
    if (!ref_root_is(r, "item")) {
        keel_buf_puts(e->b, "  \"");
        dot_text(e->b, r->root.s, r->root.len);
        keel_buf_puts(e->b, "\" -> \"");
        dot_text(e->b, e->to, strlen(e->to));
        keel_buf_puts(e->b, "\" [label=\"");
        for (size_t j = 0; j < r->n_path; j++) {
            keel_buf_puts(e->b, j ? "." : "");
            dot_text(e->b, r->path[j].s, r->path[j].len);
        }
        keel_buf_puts(e->b, "\"];\n");
    }
    return 0;
}

int keel_plan_to_dot(char **out, const keel_plan *p, const keel_kernel *k)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, "digraph plan {\n  rankdir=LR;\n  node [shape=box];\n");
    for (size_t i = 0; i < p->n_steps; i++) {
        const keel_plan_step *s = &p->steps[i];
        keel_buf_puts(&b, "  \"");
        dot_text(&b, s->id, strlen(s->id));
        keel_buf_puts(&b, "\" [label=\"");
        dot_text(&b, s->id, strlen(s->id));
        keel_buf_puts(&b, "\\n");
        dot_text(&b, s->call, strlen(s->call));
        if (s->for_each)
            keel_buf_puts(&b, "\\nfor each");
        put_effects(&b, k, s->call, "\\n[", "]");
        keel_buf_puts(&b, "\"];\n");
    }
    for (size_t i = 0; i < p->n_steps; i++) {
        const keel_plan_step *s = &p->steps[i];
        edge_ctx e = {&b, s->id};
        plan_each_ref(s->args, "", data_edge, &e);
        keel_value *fe = s->for_each ? keel_value_cstring(s->for_each) : NULL;
        if (fe)
            plan_each_ref(fe, "", data_edge, &e);
        keel_value_unref(fe);
        for (size_t j = 0; j < s->n_after; j++) {
            keel_buf_puts(&b, "  \"");
            dot_text(&b, s->after[j], strlen(s->after[j]));
            keel_buf_puts(&b, "\" -> \"");
            dot_text(&b, s->id, strlen(s->id));
            keel_buf_puts(&b, "\" [style=dashed];\n");
        }
    }
    keel_buf_puts(&b, "}\n");
    return keel_buf_finish(&b, out);
}

int keel_plan_summary(char **out, const keel_plan *p, const keel_kernel *k)
{
    keel_buf b;
    keel_buf_init(&b);
    char hash[65];
    if (keel_plan_hash(hash, p) != 0)
        return KEEL_ENOMEM;
    keel_buf_printf(&b, "plan: %s\n%zu step%s, hash %.12s\n",
                    p->goal ? p->goal : "(no goal given)", p->n_steps,
                    p->n_steps == 1 ? "" : "s", hash);
    for (size_t i = 0; i < p->n_steps; i++) {
        const keel_plan_step *s = &p->steps[i];
        keel_buf_printf(&b, "%3zu. %s: %s", i + 1, s->id, s->call);
        put_effects(&b, k, s->call, "  [", "]");
        keel_buf_putc(&b, '\n');
        if (s->for_each)
            keel_buf_printf(&b, "       for each item of %s\n", s->for_each);
        for (size_t j = 0; j < keel_value_len(s->args); j++) {
            char *json = NULL;
            if (keel_value_to_json(&json, keel_value_object_value_at(s->args, j),
                                   false) == 0)
                keel_buf_printf(&b, "       %s = %s\n",
                                keel_value_object_key_at(s->args, j), json);
            keel_free(json);
        }
        for (size_t j = 0; j < s->n_after; j++)
            keel_buf_printf(&b, "       after %s\n", s->after[j]);
        if (s->why)
            keel_buf_printf(&b, "       why: %s\n", s->why);
    }
    if (p->output) {
        char *json = NULL;
        if (keel_value_to_json(&json, p->output, false) == 0)
            keel_buf_printf(&b, "output: %s\n", json);
        keel_free(json);
    }
    return keel_buf_finish(&b, out);
}
