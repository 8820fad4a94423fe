/*
 * exec_sched.h - which steps can start: unmet-dependency counts, the steps
 * waiting on each step, and the ready steps, lowest index first (so that
 * one job runs them in file order). All O(1) or O(log n) per step: the
 * executor never rescans the plan.
 */
#ifndef KEEL_EXEC_SCHED_H
#define KEEL_EXEC_SCHED_H

#include "plan_graph.h"

typedef struct sched {
    size_t n;
    size_t *remaining;   /* dependencies not yet done, per step */
    size_t **dependents; /* steps waiting on each step */
    size_t *n_dependents;
    size_t *heap; /* ready steps, a min-heap of indices */
    size_t heap_n;
    size_t *ended; /* steps that ended and were not yet reported, FIFO */
    size_t ended_head, ended_tail;
} sched;

int sched_init(sched *s, const plan_graph *g);
void sched_free(sched *s);
/* Takes the lowest-index ready step; false when none is ready. */
bool sched_pop_ready(sched *s, size_t *step);
/* Step i finished well: the steps waiting only on it become ready. */
void sched_done(sched *s, size_t i);
/* Records that step i ended (done or failed), for the coordinator. */
void sched_ended(sched *s, size_t i);
bool sched_pop_ended(sched *s, size_t *step);

#endif
