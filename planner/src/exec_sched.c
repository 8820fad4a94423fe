/*
 * exec_sched.c - the executor's ready set (see exec_sched.h).
 */
#include "exec_sched.h"

#include "alloc.h"

#include <string.h>

static void heap_push(sched *s, size_t v)
{
    size_t i = s->heap_n++;
    s->heap[i] = v;
    while (i > 0 && s->heap[(i - 1) / 2] > s->heap[i]) {
        size_t p = (i - 1) / 2, t = s->heap[p];
        s->heap[p] = s->heap[i];
        s->heap[i] = t;
        i = p;
    }
}

bool sched_pop_ready(sched *s, size_t *step)
{
    if (s->heap_n == 0)
        return false;
    *step = s->heap[0];
    s->heap[0] = s->heap[--s->heap_n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->heap_n && s->heap[l] < s->heap[m])
            m = l;
        if (r < s->heap_n && s->heap[r] < s->heap[m])
            m = r;
        if (m == i)
            break;
        size_t t = s->heap[m];
        s->heap[m] = s->heap[i];
        s->heap[i] = t;
        i = m;
    }
    return true;
}

int sched_init(sched *s, const plan_graph *g)
{
    memset(s, 0, sizeof(*s));
    size_t n = s->n = g->n, c = n ? n : 1;
    s->remaining = keel_calloc(c, sizeof(size_t));
    s->dependents = keel_calloc(c, sizeof(size_t *));
    s->n_dependents = keel_calloc(c, sizeof(size_t));
    s->heap = keel_calloc(c, sizeof(size_t));
    s->ended = keel_calloc(c, sizeof(size_t));
    if (!s->remaining || !s->dependents || !s->n_dependents || !s->heap ||
        !s->ended)
        goto oom;
    for (size_t i = 0; i < n; i++) { /* count first, then fill */
        s->remaining[i] = g->n_deps[i];
        for (size_t j = 0; j < g->n_deps[i]; j++)
            s->n_dependents[g->deps[i][j]]++;
    }
    for (size_t i = 0; i < n; i++) {
        s->dependents[i] = keel_calloc(s->n_dependents[i] ? s->n_dependents[i] : 1,
                                       sizeof(size_t));
        if (!s->dependents[i])
            goto oom;
        s->n_dependents[i] = 0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < g->n_deps[i]; j++) {
            size_t d = g->deps[i][j];
            s->dependents[d][s->n_dependents[d]++] = i;
        }
    for (size_t i = 0; i < n; i++)
        if (s->remaining[i] == 0)
            heap_push(s, i);
    return 0;
oom:
    sched_free(s);
    return KEEL_ENOMEM;
}

void sched_free(sched *s)
{
    for (size_t i = 0; s->dependents && i < s->n; i++)
        keel_free(s->dependents[i]);
    keel_free(s->dependents);
    keel_free(s->n_dependents);
    keel_free(s->remaining);
    keel_free(s->heap);
    keel_free(s->ended);
    memset(s, 0, sizeof(*s));
}

void sched_done(sched *s, size_t i)
{
    for (size_t j = 0; j < s->n_dependents[i]; j++) {
        size_t d = s->dependents[i][j];
        if (--s->remaining[d] == 0)
            heap_push(s, d);
    }
}

void sched_ended(sched *s, size_t i)
{
    s->ended[s->ended_tail++] = i;
}

bool sched_pop_ended(sched *s, size_t *step)
{
    if (s->ended_head == s->ended_tail)
        return false;
    *step = s->ended[s->ended_head++];
    return true;
}
