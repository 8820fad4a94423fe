/*
 * keel/run.h - durable runs: a directory per run under the state
 * directory, holding the validated plan, who asked for it under which
 * policy, and an append-only, hash-chained journal of everything that
 * happened. A run can stop (a crash, a failure, a step that needs
 * approval) and be resumed: finished steps are not run again, and a step
 * that started but did not finish is run again only if its function is
 * idempotent. See docs/runs.md.
 *
 * Conventions are keel.h's: 0 or a negative KEEL_E* code, keel_error
 * last; results through *out belong to the caller.
 */
#ifndef KEEL_RUN_H
#define KEEL_RUN_H

#include <keel/exec.h>
#include <keel/plan.h>
#include <keel/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct keel_run keel_run;

/* One model call made while planning, for the journal and traces. */
typedef struct keel_run_llm_call {
    const char *model;
    int64_t start_ms; /* wall clock, ms since the epoch */
    double ms;
    int64_t input_tokens, output_tokens;
    double cost;
} keel_run_llm_call;

/* What a new run records besides its plan. Borrowed for the call. */
typedef struct keel_run_meta {
    const char *goal;             /* or NULL (a plan file) */
    const keel_principal *principal;
    const keel_policy *policy;    /* or NULL */
    const char *const *policy_files; /* absolute paths, for resume */
    size_t n_policy_files;
    const char *template_hash;    /* or NULL (no planning) */
    const keel_run_llm_call *llm_calls;
    size_t n_llm_calls;
    bool durable;                 /* fsync each record (default: true) */
} keel_run_meta;

/* Creates runs/<id>/ under state_dir with plan.json, run.json and a
 * journal whose first record is run_started. The id is new and sortable by
 * time ("20261124T101500Z-3fa2c1"). */
int keel_run_create(keel_run **out, const char *state_dir,
                    const keel_plan *plan, const keel_run_meta *meta,
                    keel_error *err);

/* Opens an existing run: reads run.json and plan.json, verifies the
 * journal's chain and that the plan still has the journalled hash. */
int keel_run_open(keel_run **out, const char *state_dir, const char *id,
                  bool durable, keel_error *err);
void keel_run_free(keel_run *r);

const char *keel_run_id(const keel_run *r);
const keel_plan *keel_run_plan(const keel_run *r);
/* The journal's records so far (borrowed list of objects). */
const keel_value *keel_run_records(const keel_run *r);
/* run.json as read or written (borrowed object). */
const keel_value *keel_run_meta_value(const keel_run *r);
/* The principal who asked for the run (borrowed, lives with r). */
const keel_principal *keel_run_principal(const keel_run *r);
/* The policy files recorded at creation (borrowed), and how many. */
const char *const *keel_run_policy_files(const keel_run *r, size_t *n);
/* The index in keel_run_plan(r)->steps of the step with this id, or -1
 * when the plan has none (or id is NULL, as for a journal record that
 * names no step). */
long keel_run_step_index(const keel_run *r, const char *id);

/* A person at the terminal, asked for an approval: return 1 to approve,
 * 0 to reject (reason filled), -1 when nobody can be asked. */
typedef int (*keel_run_ask_fn)(void *ud, const keel_plan_step *step,
                               const keel_value *args, const keel_decision *d,
                               char *reason, size_t cap);

typedef struct keel_run_opts {
    keel_exec_opts exec;        /* jobs, timeouts, events; policy, principal,
                                   hooks and done are set by the run */
    const keel_policy *policy;  /* or NULL */
    /* Operator decisions for steps in doubt (started, not finished, not
     * idempotent): run them again, or take them as done with this output. */
    const char *const *retry;
    size_t n_retry;
    const char *const *skip;
    const keel_value *const *skip_output;
    size_t n_skip;
    const keel_principal *operator_; /* who decided, for the journal */
    keel_run_ask_fn ask;        /* or NULL */
    void *ask_ud;
} keel_run_opts;

/* Runs (or resumes) the run: steps finished earlier are reused, the rest
 * run with every event journalled before it takes effect. Returns the
 * output as keel_plan_run does. KEEL_EAPPROVAL when a step waits for
 * approval (the request is journalled); KEEL_EFAILED naming the step when
 * one is in doubt and no operator decision was given; KEEL_EIO when the
 * journal cannot be written (the step does not start). A run that is
 * already done returns its output again. */
int keel_run_execute(keel_value **out, keel_run *r, keel_kernel *k,
                     const keel_run_opts *opts, keel_error *err);

/* Records an approval of step by approver for the arguments it was
 * requested with. KEEL_ENOTFOUND when no approval of that step is pending;
 * KEEL_EDENIED when the policy does not let this approver approve it (the
 * approver is the requester, or not in the required role). */
int keel_run_approve(keel_run *r, const char *step, const keel_kernel *k,
                     const keel_policy *policy, const keel_principal *approver,
                     const char *comment, keel_error *err);
/* Records a rejection: the step, and so the run, fails with the reason. */
int keel_run_reject(keel_run *r, const char *step,
                    const keel_principal *approver, const char *reason,
                    keel_error *err);

/* A summary of a run: {"id", "goal", "principal", "state" (running,
 * waiting, failed, done, stopped), "started" (ms), "duration_ms",
 * "steps_done", "steps_total", "tokens", "cost", "error"?,
 * "waiting_for"?: [step ids]}. *out is new. */
int keel_run_summary(keel_value **out, const keel_run *r);

/* Summaries of every run under state_dir, newest first; runs that cannot
 * be read appear with "state": "damaged" and "error". */
int keel_run_list(keel_value **out, const char *state_dir, keel_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KEEL_RUN_H */
