/*
 * keel/exec.h - running a checked plan.
 *
 * A step starts when every step it references or follows has finished.
 * Independent steps run in parallel on a pool of jobs threads; jobs = 1 runs
 * them one at a time in file order, on the calling thread. Before each call
 * the step's arguments are resolved from earlier outputs (carrying their
 * provenance labels) and checked again with the real values by
 * keel_invoke. Events are delivered on the calling thread, in order.
 *
 * The plan must have passed keel_plan_check against the same kernel.
 */
#ifndef KEEL_EXEC_H
#define KEEL_EXEC_H

#include <keel/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum keel_exec_event_kind {
    KEEL_EV_STEP_STARTED,
    KEEL_EV_STEP_FINISHED,
    KEEL_EV_STEP_FAILED,
    KEEL_EV_STEP_SKIPPED, /* not run: a step it depends on failed */
    KEEL_EV_STEP_REUSED   /* done in an earlier attempt: its output is used */
} keel_exec_event_kind;

typedef struct keel_exec_event {
    keel_exec_event_kind kind;
    size_t step;       /* index in the plan */
    const char *id;    /* borrowed from the plan */
    const char *call;
    double elapsed_ms;  /* for FINISHED and FAILED */
    const keel_value *output; /* FINISHED: the step's output (borrowed) */
    const keel_error *error;  /* FAILED: why (borrowed) */
} keel_exec_event;

typedef void (*keel_exec_event_fn)(void *ud, const keel_exec_event *ev);

struct keel_policy;
struct keel_principal;
struct keel_decision;

/* How a durable run (keel/run.h) watches and steers the executor. Every
 * member may be NULL. */
typedef struct keel_exec_hooks {
    /* Before step `step` starts, on the coordinating thread. Nonzero keeps
     * it from starting and fails it with that code and err's message: if
     * the journal cannot say a step started, the step does not start. */
    int (*starting)(void *ud, size_t step, keel_error *err);
    /* After a step ended, with its output (finished) or error (failed),
     * before anything that depends on it starts; on the coordinating
     * thread. Nonzero fails the step (its output is not used). */
    int (*ended)(void *ud, size_t step, const keel_value *output,
                 const keel_error *failure, keel_error *err);
    /* The run-time policy says this call needs approval. 0 when an
     * approval of exactly these resolved arguments is on record (the call
     * goes ahead); KEEL_EAPPROVAL when it is still to be given (the hook
     * records the request); KEEL_EDENIED when it was rejected. err says
     * why. On a worker thread. */
    int (*approval)(void *ud, size_t step, const keel_value *args,
                    const struct keel_decision *d, keel_error *err);
    void *ud;
} keel_exec_hooks;

typedef struct keel_exec_opts {
    unsigned jobs;          /* threads; 0 = the number of cores */
    bool keep_going;        /* on a failure, still run what does not
                               depend on it (default: start nothing new) */
    double step_timeout_s;  /* per step; 0 = 60 s */
    keel_exec_event_fn on_event; /* or NULL */
    void *ud;
    /* The run-time policy phase: before every call the policy decides on
     * the real argument values and labels; a denial fails the step with
     * KEEL_EDENIED, a required approval stops it with KEEL_EAPPROVAL. NULL
     * policy: no check (the caller ran the static phase or chose none). */
    const struct keel_policy *policy;
    const struct keel_principal *principal;
    const keel_exec_hooks *hooks; /* or NULL */
    /* Outputs of steps done in an earlier attempt (p->n_steps entries,
     * NULL for a step still to run), or NULL: those steps are not run
     * again; their outputs feed the others. Borrowed. */
    keel_value *const *done;
} keel_exec_opts;

/* Runs p. On success *out is the plan's output (null when it declares
 * none; a new reference). When steps fail, returns the worst failure's code
 * (KEEL_EDENIED, then KEEL_EAPPROVAL, then the first other one, such as
 * KEEL_EFAILED or KEEL_ETIMEOUT) with err naming its step; *out is NULL. A
 * function that ignores cancellation delays the end of the run until it
 * returns. With one job there is no watchdog thread: a step past its
 * deadline is failed when its function returns. */
int keel_plan_run(keel_value **out, keel_kernel *k, const keel_plan *p,
                  const keel_exec_opts *opts, keel_error *err);

#ifdef __cplusplus
}
#endif

#endif
