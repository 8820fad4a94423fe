/*
 * run_state.c - what a run's journal says: the state of each step, what
 * waits for approval, and a summary for `keel runs`.
 */
#include "run_internal.h"

#include "alloc.h"

#include <string.h>

const keel_value *run_last(const keel_run *r, const char *event)
{
    for (size_t i = keel_value_len(r->records); i-- > 0;) {
        const keel_value *rec = keel_value_list_at(r->records, i);
        const char *e = run_str(rec, "event");
        if (e && strcmp(e, event) == 0)
            return rec;
    }
    return NULL;
}

/* How one record changes its step's view. */
static void apply(run_step_view *v, const char *e, const keel_value *rec)
{
    if (strcmp(e, "step_started") == 0) {
        v->state = RS_IN_DOUBT;
        v->finish = NULL;
    } else if (strcmp(e, "step_finished") == 0) {
        v->state = RS_DONE;
        v->finish = rec;
    } else if (strcmp(e, "step_failed") == 0) {
        bool doubt = keel_value_get_bool(keel_value_object_get(rec, "in_doubt"));
        v->state = doubt ? RS_IN_DOUBT : RS_FAILED;
    } else if (strcmp(e, "approval_requested") == 0) {
        v->request = rec;
        v->decision = NULL;
    } else if (strcmp(e, "approval_granted") == 0 ||
               strcmp(e, "approval_rejected") == 0) {
        v->decision = rec;
    }
}

int run_views(run_step_view **out, const keel_run *r)
{
    size_t n = r->plan->n_steps;
    run_step_view *v = keel_calloc(n ? n : 1, sizeof(*v));
    if (!v)
        return KEEL_ENOMEM;
    pthread_mutex_lock((pthread_mutex_t *)&r->mu);
    for (size_t i = 0; i < keel_value_len(r->records); i++) {
        const keel_value *rec = keel_value_list_at(r->records, i);
        const char *e = run_str(rec, "event");
        long s = keel_run_step_index(r, run_str(rec, "step"));
        if (e && s >= 0)
            apply(&v[s], e, rec);
    }
    pthread_mutex_unlock((pthread_mutex_t *)&r->mu);
    *out = v;
    return 0;
}

/* running / waiting / failed / done / stopped, from the last records. */
static const char *state_of(const keel_run *r, const run_step_view *v,
                            keel_value *waiting)
{
    for (size_t i = 0; i < r->plan->n_steps; i++)
        if (v[i].request && !v[i].decision && v[i].state != RS_DONE)
            keel_value_list_append_take(waiting,
                                        keel_value_cstring(r->plan->steps[i].id));
    const keel_value *fin = run_last(r, "run_finished");
    const keel_value *res = run_last(r, "run_resumed");
    int64_t fin_seq = keel_value_get_int(keel_value_object_get(fin, "seq"));
    int64_t res_seq = keel_value_get_int(keel_value_object_get(res, "seq"));
    if (!fin || res_seq > fin_seq)
        return "stopped"; /* or running: the caller checks the lock */
    if (keel_value_get_bool(keel_value_object_get(fin, "ok")))
        return "done";
    return keel_value_len(waiting) ? "waiting" : "failed";
}

static void usage_totals(const keel_run *r, int64_t *tokens, double *cost)
{
    const keel_value *calls = keel_value_object_get(r->meta, "llm_calls");
    *tokens = 0;
    *cost = 0;
    for (size_t i = 0; i < keel_value_len(calls); i++) {
        const keel_value *c = keel_value_list_at(calls, i);
        *tokens += keel_value_get_int(keel_value_object_get(c, "input_tokens")) +
                   keel_value_get_int(keel_value_object_get(c, "output_tokens"));
        *cost += keel_value_get_float(keel_value_object_get(c, "cost"));
    }
}

static void put_times(keel_value *o, const keel_run *r)
{
    const keel_value *first = keel_value_list_at(r->records, 0);
    size_t n = keel_value_len(r->records);
    const keel_value *last = keel_value_list_at(r->records, n ? n - 1 : 0);
    int64_t t0 = keel_value_get_int(keel_value_object_get(first, "t"));
    int64_t t1 = keel_value_get_int(keel_value_object_get(last, "t"));
    keel_value_object_set_take(o, "started", keel_value_int(t0));
    keel_value_object_set_take(o, "duration_ms", keel_value_int(t1 - t0));
}

int keel_run_summary(keel_value **out, const keel_run *r)
{
    run_step_view *v = NULL;
    if (run_views(&v, r) != 0)
        return KEEL_ENOMEM;
    keel_value *o = keel_value_object(), *waiting = keel_value_list();
    size_t done = 0;
    for (size_t i = 0; i < r->plan->n_steps; i++)
        done += v[i].state == RS_DONE;
    run_set_str(o, "id", r->id);
    run_set_str(o, "goal", keel_value_get_string(
                               keel_value_object_get(r->meta, "goal"), NULL));
    run_set_str(o, "principal", r->who.uid);
    run_set_str(o, "state", state_of(r, v, waiting));
    put_times(o, r);
    keel_value_object_set_take(o, "steps_done", keel_value_int((int64_t)done));
    keel_value_object_set_take(o, "steps_total",
                               keel_value_int((int64_t)r->plan->n_steps));
    int64_t tokens;
    double cost;
    usage_totals(r, &tokens, &cost);
    keel_value_object_set_take(o, "tokens", keel_value_int(tokens));
    keel_value_object_set_take(o, "cost", keel_value_float(cost));
    const keel_value *fin = run_last(r, "run_finished");
    const keel_value *error = keel_value_object_get(fin, "error");
    if (error && !keel_value_get_bool(keel_value_object_get(fin, "ok")))
        keel_value_object_set(o, "error", error);
    if (keel_value_len(waiting))
        keel_value_object_set(o, "waiting_for", waiting);
    keel_value_unref(waiting);
    keel_free(v);
    if (!o)
        return KEEL_ENOMEM;
    *out = o;
    return 0;
}
