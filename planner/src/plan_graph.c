/*
 * plan_graph.c - dependencies between a plan's steps, and cycle finding.
 */
#include "plan_graph.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct plan_id *)a)->id,
                  ((const struct plan_id *)b)->id);
}

long plan_graph_find(const plan_graph *g, const char *s, size_t len)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *id = g->order[mid].id;
        int c = strncmp(id, s, len);
        if (c == 0)
            c = id[len] == '\0' ? 0 : 1;
        if (c == 0)
            return (long)g->order[mid].index;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long plan_graph_first(const plan_graph *g, const char *id)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) { /* the first entry not below id */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(g->order[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    long best = -1;
    for (size_t i = lo; i < g->n && strcmp(g->order[i].id, id) == 0; i++)
        if (best < 0 || g->order[i].index < (size_t)best)
            best = (long)g->order[i].index;
    return best;
}

static int add_dep(plan_graph *g, size_t i, size_t dep, size_t *cap)
{
    if (dep == i)
        return 0; /* waiting for oneself: the checker reports it */
    for (size_t j = 0; j < g->n_deps[i]; j++)
        if (g->deps[i][j] == dep)
            return 0;
    if (g->n_deps[i] == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        size_t *n = keel_realloc(g->deps[i], ncap * sizeof(*n));
        if (!n)
            return KEEL_ENOMEM;
        g->deps[i] = n;
        *cap = ncap;
    }
    g->deps[i][g->n_deps[i]++] = dep;
    return 0;
}

typedef struct dep_ctx {
    plan_graph *g;
    size_t step, cap;
    int rc;
} dep_ctx;

static int dep_of_ref(void *ctx, const plan_ref *r, const char *pointer)
{
    (void)pointer;
    dep_ctx *c = ctx;
    long d = plan_graph_find(c->g, r->root.s, r->root.len);
    if (d >= 0)
        c->rc = add_dep(c->g, c->step, (size_t)d, &c->cap);
    return c->rc;
}

static int step_deps(plan_graph *g, size_t i)
{
    const keel_plan_step *s = &g->plan->steps[i];
    dep_ctx c = {g, i, 0, 0};
    plan_each_ref(s->args, "", dep_of_ref, &c);
    if (c.rc == 0 && s->for_each) {
        keel_value *fe = keel_value_cstring(s->for_each);
        if (!fe)
            return KEEL_ENOMEM;
        plan_each_ref(fe, "", dep_of_ref, &c);
        keel_value_unref(fe);
    }
    for (size_t j = 0; c.rc == 0 && j < s->n_after; j++) {
        long d = plan_graph_find(g, s->after[j], strlen(s->after[j]));
        if (d >= 0)
            c.rc = add_dep(g, i, (size_t)d, &c.cap);
    }
    return c.rc;
}

int plan_graph_build(plan_graph *g, const keel_plan *p)
{
    memset(g, 0, sizeof(*g));
    g->plan = p;
    g->n = p->n_steps;
    g->deps = keel_calloc(g->n, sizeof(*g->deps));
    g->n_deps = keel_calloc(g->n, sizeof(*g->n_deps));
    g->order = keel_calloc(g->n, sizeof(*g->order));
    if (!g->deps || !g->n_deps || !g->order) {
        plan_graph_free(g);
        return KEEL_ENOMEM;
    }
    for (size_t i = 0; i < g->n; i++) {
        g->order[i].id = p->steps[i].id ? p->steps[i].id : "";
        g->order[i].index = i;
    }
    if (g->n > 1)
        qsort(g->order, g->n, sizeof(*g->order), by_id);
    for (size_t i = 0; i < g->n; i++)
        if (step_deps(g, i)) {
            plan_graph_free(g);
            return KEEL_ENOMEM;
        }
    return 0;
}

void plan_graph_free(plan_graph *g)
{
    for (size_t i = 0; g->deps && i < g->n; i++)
        keel_free(g->deps[i]);
    keel_free(g->deps);
    keel_free(g->n_deps);
    keel_free(g->order);
    memset(g, 0, sizeof(*g));
}

/* Depth-first search; colour 0 unseen, 1 on the stack, 2 done. */
static size_t dfs(const plan_graph *g, size_t v, unsigned char *colour,
                  size_t *stack, size_t depth, size_t *path, size_t cap)
{
    colour[v] = 1;
    stack[depth] = v;
    for (size_t j = 0; j < g->n_deps[v]; j++) {
        size_t w = g->deps[v][j];
        if (colour[w] == 1) { /* back edge: the cycle is stack[k..depth] */
            size_t k = depth;
            while (stack[k] != w)
                k--;
            size_t n = 0;
            for (size_t i = k; i <= depth && n + 1 < cap; i++)
                path[n++] = stack[i];
            path[n++] = w;
            return n;
        }
        if (colour[w] == 0) {
            size_t n = dfs(g, w, colour, stack, depth + 1, path, cap);
            if (n)
                return n;
        }
    }
    colour[v] = 2;
    return 0;
}

size_t plan_graph_cycle(const plan_graph *g, size_t *path, size_t cap)
{
    unsigned char *colour = keel_calloc(g->n ? g->n : 1, 1);
    size_t *stack = keel_calloc(g->n ? g->n : 1, sizeof(size_t));
    size_t n = 0;
    for (size_t v = 0; colour && stack && n == 0 && v < g->n; v++)
        if (colour[v] == 0)
            n = dfs(g, v, colour, stack, 0, path, cap);
    keel_free(colour);
    keel_free(stack);
    return n;
}
