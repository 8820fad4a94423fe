/*
 * plan_graph.h - the step graph of a plan: which steps each step waits for
 * (through references and `after`), found by id through a sorted index.
 * The checker uses it to find cycles; the executor to schedule.
 */
#ifndef KEEL_PLAN_GRAPH_H
#define KEEL_PLAN_GRAPH_H

#include "plan_internal.h"

struct plan_id {
    const char *id;
    size_t index;
};

typedef struct plan_graph {
    size_t n;
    size_t **deps; /* deps[i]: indices step i waits for (unique) */
    size_t *n_deps;
    struct plan_id *order; /* (id, index) sorted by id, for lookup */
    const keel_plan *plan;
} plan_graph;

/* Builds the graph. References and `after` ids that name no step are left
 * out (the checker reports them). */
int plan_graph_build(plan_graph *g, const keel_plan *p);
void plan_graph_free(plan_graph *g);
/* The index of the step with id (s, len), or -1. */
long plan_graph_find(const plan_graph *g, const char *s, size_t len);
/* The lowest index of a step with this id (ids may repeat in a plan that
 * the checker will refuse), or -1. */
long plan_graph_first(const plan_graph *g, const char *id);
/* Fills path (capacity n) with one cycle's step indices, first repeated
 * last, and returns its length; 0 when the graph is acyclic. */
size_t plan_graph_cycle(const plan_graph *g, size_t *path, size_t cap);

#endif
