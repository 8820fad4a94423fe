/*
 * exec.c - the plan executor: a dependency-driven scheduler over a small
 * thread pool.
 *
 * The coordinator (the calling thread) owns all scheduling state under one
 * mutex: it starts ready steps, delivers events, applies the failure policy
 * and watches deadlines. Workers only run one step at a time and hand the
 * result back. Outputs are immutable once a step is done, so workers read
 * earlier outputs without locking.
 */
#include <keel/exec.h>
#include <keel/policy.h>

#include "alloc.h"
#include "exec_sched.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef enum step_state { PENDING, QUEUED, RUNNING, DONE, FAILED, SKIPPED } step_state;

typedef struct step_run {
    step_state state;
    keel_value *output;
    keel_error error;
    int rc;
    int64_t started_ns, deadline_ns;
    int cancel; /* set with keel_cancel, read atomically by the call */
} step_run;

typedef struct exec {
    keel_kernel *k;
    const keel_plan *p;
    const keel_exec_opts *o;
    plan_graph g;
    sched sc; /* what can start, what ended */
    step_run *runs;
    pthread_mutex_t mu;
    pthread_cond_t work;   /* a step was queued, or shutting down */
    pthread_cond_t done;   /* a worker finished a step */
    size_t *queue;         /* queued step indices, FIFO */
    size_t q_head, q_tail;
    size_t running;
    size_t finished; /* bumped by every step end, so no wake-up is lost */
    bool stopping, failed;
    size_t first_failure;
} exec;

/* ---- one step ---- */

static const keel_value *output_of(void *ctx, const char *s, size_t len)
{
    exec *e = ctx;
    long i = plan_graph_find(&e->g, s, len);
    return i < 0 || e->runs[i].state != DONE ? NULL : e->runs[i].output;
}

/* The run-time policy phase, on the real arguments, just before the call.
 * It can only add denials to what the static phase allowed. */
static int policy_gate(exec *e, const keel_plan_step *s, const keel_fn_info *fn,
                       const keel_value *args, keel_error *err)
{
    if (!e->o->policy)
        return 0;
    if (!e->o->principal) /* nobody to decide for: fail closed */
        return keel_error_set(err, KEEL_EDENIED, "policy: no principal given");
    if (!fn)
        return keel_error_set(err, KEEL_ENOTFOUND, "unknown function %s",
                              s->call);
    keel_decision d;
    keel_policy_decide(&d, e->o->policy, e->o->principal, fn, args);
    const keel_exec_hooks *h = e->o->hooks;
    if (d.verdict == KEEL_VERDICT_APPROVAL && h && h->approval)
        return h->approval(h->ud, (size_t)(s - e->p->steps), args, &d, err);
    if (d.verdict == KEEL_VERDICT_DENY)
        return keel_error_set(err, KEEL_EDENIED, "policy: %s", d.reason);
    if (d.verdict == KEEL_VERDICT_APPROVAL)
        return keel_error_set(err, KEEL_EAPPROVAL, "policy: %s", d.reason);
    return 0;
}

/* True once the step was given up (deadline, cancel): its function must
 * not start after that, even if it was still waiting at the policy gate
 * (an approval asked at the terminal). */
static bool given_up(exec *e, size_t i)
{
    return __atomic_load_n(&e->runs[i].cancel, __ATOMIC_ACQUIRE) != 0 ||
           keel_now_ns() >= e->runs[i].deadline_ns;
}

/* Resolves the arguments and runs the run-time policy phase; with out
 * NULL it stops there (for_each checks every item before calling any). */
static int call_once(keel_value **out, exec *e, size_t i,
                     const keel_value *item, keel_error *err)
{
    const keel_plan_step *s = &e->p->steps[i];
    resolver r = {output_of, e, item};
    keel_value *args = NULL;
    int rc = plan_resolve(&args, s->args, &r, err);
    if (rc) {
        keel_error_prefix(err, "resolving arguments");
        return rc;
    }
    /* looked up once for both policy phases around the call */
    const keel_fn_info *fn =
        e->o->policy ? keel_kernel_lookup(e->k, s->call) : NULL;
    rc = policy_gate(e, s, fn, args, err);
    if (rc == 0 && !out) {
        keel_value_unref(args);
        return 0;
    }
    keel_invoke_opts io = {e->runs[i].deadline_ns, &e->runs[i].cancel};
    if (rc == 0 && given_up(e, i))
        rc = keel_error_set(err, KEEL_ECANCELED, "not started: the step was "
                            "given up (deadline or cancel) before its call");
    if (rc == 0)
        rc = keel_invoke_ex(out, e->k, s->call, args, &io, err);
    if (rc == 0 && e->o->policy &&
        keel_policy_declassify(out, e->o->policy, fn)) {
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
        keel_value_unref(*out);
        *out = NULL;
    }
    keel_value_unref(args);
    return rc;
}

static int call_each(keel_value **out, exec *e, size_t i, keel_error *err)
{
    const keel_plan_step *s = &e->p->steps[i];
    resolver r = {output_of, e, NULL};
    keel_value *list = NULL, *src = keel_value_cstring(s->for_each);
    int rc = src ? plan_resolve(&list, src, &r, err)
                 : keel_error_set(err, KEEL_ENOMEM, "out of memory");
    keel_value_unref(src);
    if (rc == 0 && keel_value_type(list) != KEEL_TYPE_LIST)
        rc = keel_error_set(err, KEEL_ETYPE, "for_each: %s is %s, not a list",
                            s->for_each, keel_type_name(keel_value_type(list)));
    keel_value *results = rc ? NULL : keel_value_list();
    if (rc == 0 && !results)
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    /* every item passes the policy (approvals included) before any item is
     * called: a stop for approval or a denial never leaves half the items
     * done */
    for (size_t j = 0; rc == 0 && j < keel_value_len(list); j++)
        if ((rc = call_once(NULL, e, i, keel_value_list_at(list, j), err)))
            keel_error_prefix(err, "item %zu", j);
    for (size_t j = 0; rc == 0 && j < keel_value_len(list); j++) {
        keel_value *one = NULL;
        rc = call_once(&one, e, i, keel_value_list_at(list, j), err);
        if (rc)
            keel_error_prefix(err, "item %zu", j);
        else if ((rc = keel_value_list_append_take(results, one)))
            keel_error_set(err, rc, "out of memory");
    }
    keel_value_unref(list);
    if (rc) {
        keel_value_unref(results);
        return rc;
    }
    *out = results;
    return 0;
}

static void run_step(exec *e, size_t i)
{
    step_run *sr = &e->runs[i];
    keel_value *out = NULL;
    keel_error err = {0}; /* our own until handed over under the lock */
    int rc = e->p->steps[i].for_each ? call_each(&out, e, i, &err)
                                     : call_once(&out, e, i, NULL, &err);
    pthread_mutex_lock(&e->mu);
    if (sr->state == RUNNING) { /* not already failed by its deadline */
        sr->rc = rc;
        sr->error = err;
        sr->output = out;
        sr->state = rc ? FAILED : DONE;
        sched_ended(&e->sc, i);
        out = NULL;
    }
    e->running--;
    e->finished++;
    pthread_cond_signal(&e->done);
    pthread_mutex_unlock(&e->mu);
    keel_value_unref(out);
}

/* ---- workers ---- */

static void *worker(void *arg)
{
    exec *e = arg;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (e->q_head == e->q_tail && !e->stopping)
            pthread_cond_wait(&e->work, &e->mu);
        if (e->q_head == e->q_tail)
            break;
        size_t i = e->queue[e->q_head++];
        e->runs[i].state = RUNNING;
        pthread_mutex_unlock(&e->mu);
        run_step(e, i);
        pthread_mutex_lock(&e->mu);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

/* ---- the coordinator ---- */

static void emit(exec *e, keel_exec_event_kind kind, size_t i)
{
    if (!e->o->on_event)
        return;
    const step_run *sr = &e->runs[i];
    keel_exec_event ev = {kind, i, e->p->steps[i].id, e->p->steps[i].call,
                          (double)(keel_now_ns() - sr->started_ns) / 1e6,
                          kind == KEEL_EV_STEP_FINISHED ||
                                  kind == KEEL_EV_STEP_REUSED
                              ? sr->output
                              : NULL,
                          kind == KEEL_EV_STEP_FAILED ? &sr->error : NULL};
    /* events go out without the lock: the callback may take its time */
    pthread_mutex_unlock(&e->mu);
    e->o->on_event(e->o->ud, &ev);
    pthread_mutex_lock(&e->mu);
}

static int rank(int rc)
{
    return rc == KEEL_EDENIED ? 2 : rc == KEEL_EAPPROVAL ? 1 : 0;
}

/* With --keep-going, what waits on a failed step can never run. */
static void skip_dependents(exec *e, size_t i)
{
    for (size_t j = 0; j < e->sc.n_dependents[i]; j++) {
        size_t d = e->sc.dependents[i][j];
        if (e->runs[d].state != PENDING)
            continue;
        e->runs[d].state = SKIPPED;
        emit(e, KEEL_EV_STEP_SKIPPED, d);
        skip_dependents(e, d);
    }
}

/* The ended hook, before the end is reported and dependents released: a
 * step whose end cannot be recorded counts as failed. */
static void journal_end(exec *e, size_t i)
{
    const keel_exec_hooks *h = e->o->hooks;
    step_run *sr = &e->runs[i];
    if (!h || !h->ended)
        return;
    keel_error herr = {0};
    pthread_mutex_unlock(&e->mu);
    int rc = h->ended(h->ud, i, sr->state == DONE ? sr->output : NULL,
                      sr->state == DONE ? NULL : &sr->error, &herr);
    pthread_mutex_lock(&e->mu);
    if (rc == 0 || sr->state != DONE)
        return;
    sr->state = FAILED;
    sr->rc = rc;
    sr->error = herr;
}

/* The starting hook; false when the step may not start (it is failed). */
static bool journal_start(exec *e, size_t i)
{
    const keel_exec_hooks *h = e->o->hooks;
    if (!h || !h->starting)
        return true;
    keel_error herr = {0};
    pthread_mutex_unlock(&e->mu);
    int rc = h->starting(h->ud, i, &herr);
    pthread_mutex_lock(&e->mu);
    if (rc == 0)
        return true;
    step_run *sr = &e->runs[i];
    sr->state = FAILED;
    sr->rc = rc;
    sr->error = herr;
    sched_ended(&e->sc, i);
    return false;
}

/* Reports the steps that ended since the last call, in the order they
 * ended, and releases what waited on those that finished well. */
static void report_ends(exec *e)
{
    size_t i;
    while (sched_pop_ended(&e->sc, &i)) {
        step_run *sr = &e->runs[i];
        journal_end(e, i);
        /* the run ends with its worst failure: a denial outranks an
         * approval, which outranks an ordinary failure */
        if (sr->state == FAILED &&
            (!e->failed || rank(sr->rc) > rank(e->runs[e->first_failure].rc))) {
            e->failed = true;
            e->first_failure = i;
        }
        emit(e, sr->state == DONE ? KEEL_EV_STEP_FINISHED : KEEL_EV_STEP_FAILED,
             i);
        if (sr->state == DONE)
            sched_done(&e->sc, i);
        else if (e->o->keep_going)
            skip_dependents(e, i);
    }
}

/* Fails running steps past their deadline and asks them to stop. */
static void check_deadlines(exec *e)
{
    int64_t now = keel_now_ns();
    for (size_t i = 0; i < e->g.n; i++) {
        step_run *sr = &e->runs[i];
        if (sr->state != RUNNING || now < sr->deadline_ns)
            continue;
        keel_cancel(&sr->cancel);
        sr->state = FAILED;
        sched_ended(&e->sc, i);
        sr->rc = KEEL_ETIMEOUT;
        keel_error_set(&sr->error, KEEL_ETIMEOUT,
                       "timed out after %.0f s (still running; asked to stop)",
                       e->o->step_timeout_s > 0 ? e->o->step_timeout_s : 60.0);
    }
}

static int64_t timeout_ns(const exec *e)
{
    double s = e->o->step_timeout_s > 0 ? e->o->step_timeout_s : 60.0;
    return (int64_t)(s * 1e9);
}

/* Starts (or, with one job, runs) every step that can start now, lowest
 * index first. Returns how many were started. */
static size_t start_ready(exec *e, bool inline_run)
{
    size_t started = 0, i;
    while (!(e->failed && !e->o->keep_going) && sched_pop_ready(&e->sc, &i)) {
        step_run *sr = &e->runs[i];
        if (sr->state != PENDING)
            continue;
        if (!journal_start(e, i))
            continue;
        sr->started_ns = keel_now_ns();
        sr->deadline_ns = sr->started_ns + timeout_ns(e);
        emit(e, KEEL_EV_STEP_STARTED, i);
        started++;
        e->running++;
        if (inline_run) {
            sr->state = RUNNING;
            pthread_mutex_unlock(&e->mu);
            run_step(e, i);
            pthread_mutex_lock(&e->mu);
            return started; /* strictly one at a time, in file order */
        }
        sr->state = QUEUED;
        e->queue[e->q_tail++] = i;
        pthread_cond_signal(&e->work);
    }
    return started;
}

/* Waits until a step ends, or at most 100 ms (to check deadlines). A step
 * that ended while the lock was dropped (during an event) is not waited
 * for: seen tells what was already looked at. */
static void wait_for_work(exec *e, size_t seen)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 100 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (e->finished == seen &&
           pthread_cond_timedwait(&e->done, &e->mu, &ts) == 0)
        ;
}

/* Steps done in an earlier attempt count as done from the start. */
static void reuse_done(exec *e)
{
    for (size_t i = 0; e->o->done && i < e->g.n; i++) {
        if (!e->o->done[i])
            continue;
        e->runs[i].state = DONE;
        e->runs[i].output = keel_value_ref(e->o->done[i]);
        e->runs[i].started_ns = keel_now_ns();
        sched_done(&e->sc, i);
        emit(e, KEEL_EV_STEP_REUSED, i);
    }
}

static void coordinate(exec *e, bool inline_run)
{
    pthread_mutex_lock(&e->mu);
    reuse_done(e);
    for (;;) {
        size_t seen = e->finished;
        report_ends(e);
        size_t started = start_ready(e, inline_run);
        report_ends(e);
        if (e->running == 0 && started == 0)
            break;
        if (!inline_run && e->running > 0) {
            wait_for_work(e, seen);
            check_deadlines(e);
        }
    }
    for (size_t i = 0; i < e->g.n; i++) /* stopped by a failure */
        if (e->runs[i].state == PENDING) {
            e->runs[i].state = SKIPPED;
            emit(e, KEEL_EV_STEP_SKIPPED, i);
        }
    e->stopping = true;
    pthread_cond_broadcast(&e->work);
    pthread_mutex_unlock(&e->mu);
}

/* ---- the run ---- */

static unsigned job_count(const keel_exec_opts *o, size_t steps)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = o->jobs ? o->jobs : (unsigned)(cores > 0 ? cores : 1);
    return n > steps ? (unsigned)steps : n;
}

static int finish(keel_value **out, exec *e, keel_error *err)
{
    if (e->failed) {
        const step_run *sr = &e->runs[e->first_failure];
        const keel_plan_step *s = &e->p->steps[e->first_failure];
        return keel_error_set(err, sr->rc ? sr->rc : KEEL_EFAILED,
                              "step '%s' (%s)%s %s", s->id, s->call,
                              sr->rc == KEEL_EAPPROVAL ? ":" : " failed:",
                              sr->error.msg);
    }
    if (!e->p->output) {
        *out = keel_value_null();
        return *out ? 0 : keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    resolver r = {output_of, e, NULL};
    int rc = plan_resolve(out, e->p->output, &r, err);
    return rc ? keel_error_prefix(err, "output") : 0;
}

static void exec_free(exec *e)
{
    for (size_t i = 0; e->runs && i < e->g.n; i++)
        keel_value_unref(e->runs[i].output);
    keel_free(e->runs);
    keel_free(e->queue);
    sched_free(&e->sc);
    plan_graph_free(&e->g);
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->work);
    pthread_cond_destroy(&e->done);
}

int keel_plan_run(keel_value **out, keel_kernel *k, const keel_plan *p,
                  const keel_exec_opts *opts, keel_error *err)
{
    *out = NULL;
    keel_exec_opts defaults = {0};
    exec e = {.k = k, .p = p, .o = opts ? opts : &defaults};
    pthread_mutex_init(&e.mu, NULL);
    pthread_cond_init(&e.work, NULL);
    pthread_condattr_t ca; /* deadlines on the monotonic clock */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&e.done, &ca);
    pthread_condattr_destroy(&ca);
    int rc = plan_graph_build(&e.g, p);
    if (rc == 0)
        rc = sched_init(&e.sc, &e.g);
    e.runs = rc ? NULL : keel_calloc(p->n_steps ? p->n_steps : 1, sizeof(step_run));
    e.queue = rc ? NULL : keel_calloc(p->n_steps ? p->n_steps : 1, sizeof(size_t));
    if (rc || !e.runs || !e.queue) {
        exec_free(&e);
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    unsigned jobs = job_count(e.o, p->n_steps);
    pthread_t threads[256];
    unsigned started = 0;
    if (jobs > 1)
        for (; started < jobs && started < 256; started++)
            if (pthread_create(&threads[started], NULL, worker, &e) != 0)
                break;
    coordinate(&e, started == 0);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    rc = finish(out, &e, err);
    exec_free(&e);
    return rc;
}
