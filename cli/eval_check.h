/*
 * eval_check.h - `keel eval`'s expectations, and checking one planning
 * result against them. Plans are checked, never run.
 *
 * The expectation's lists point into the suite's JSON (borrowed); see
 * docs/eval.md for what each member means.
 */
#ifndef KEEL_EVAL_CHECK_H
#define KEEL_EVAL_CHECK_H

#include <keel/planner.h>

/* How planning ended, as an expectation names it. */
typedef enum eval_outcome {
    EVAL_PLAN = 0,    /* a valid plan (verdict allow or approval) */
    EVAL_CANNOT_PLAN, /* the model answered {"cannot_plan": ...} */
    EVAL_DENIED,      /* the policy denied the last plan, or a limit */
    EVAL_NO_PLAN,     /* no valid plan within the repairs */
    EVAL_ERROR        /* the model or the templates failed */
} eval_outcome;

/* "plan", "cannot_plan", "denied", "no_plan", "error". */
const char *eval_outcome_name(eval_outcome o);
/* The outcome named s; false when there is none (ERROR is not nameable). */
bool eval_outcome_parse(eval_outcome *out, const char *s);
/* The outcome of keel_planner_plan's return code and result. */
eval_outcome eval_outcome_of(int rc, const keel_planner_result *r);

typedef struct eval_expect {
    eval_outcome outcome;        /* default EVAL_PLAN */
    const keel_value *calls;     /* names or globs each called, or NULL */
    const keel_value *not_calls; /* names or globs never called, or NULL */
    const keel_value *args;      /* [{"call", "args": {...}}], or NULL */
    int64_t min_steps, max_steps, max_llm_calls; /* -1: no bound */
    int verdict; /* a keel_verdict, or -1: any */
} eval_expect;

/* No expectation but a plan. */
void eval_expect_init(eval_expect *e);

#define EVAL_MAX_FAILURES 8

/* The expectations that did not hold, one line each. */
typedef struct eval_failures {
    char msg[EVAL_MAX_FAILURES][320];
    size_t n;
} eval_failures;

/* Checks planning's result (rc from keel_planner_plan, error its message
 * or NULL) against e. Returns true when every expectation holds; else
 * out lists the failures. Expectations about the plan are only checked
 * when there is a plan and one was expected. */
bool eval_check(eval_failures *out, const eval_expect *e, int rc,
                const keel_planner_result *r, const char *error);

#endif
