/*
 * run_exec.c - running a run: the executor with every event journalled
 * before it takes effect, earlier outputs reused, steps in doubt stopped
 * for an operator, and approvals bound to exactly what they approve.
 */
#include "run_internal.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct run_ctx {
    keel_run *r;
    keel_kernel *k;
    const keel_run_opts *o;
    keel_value **done; /* outputs reused from earlier attempts */
    char plan_hash[65];   /* of the plan being run, computed at the start */
    const char *journalled; /* run_started's plan_hash */
} run_ctx;


/* Records about a step need to be on disk before anything else happens
 * only when running the step twice would matter. */
static bool effectful(const run_ctx *c, size_t i)
{
    const keel_fn_info *fn = keel_kernel_lookup(c->k, c->r->plan->steps[i].call);
    return !fn || !(fn->effects & KEEL_EFFECT_IDEMPOTENT);
}

/* ---- hooks ---- */

/* "t_us": the wall clock in microseconds, so that traces can time steps
 * shorter than the journal's millisecond "t" (keel trace). */
static void stamp_us(keel_value *ev)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ev)
        keel_value_object_set_take(ev, "t_us", keel_value_int(
            (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000));
}

static int on_starting(void *ud, size_t i, keel_error *err)
{
    run_ctx *c = ud;
    const keel_plan_step *s = &c->r->plan->steps[i];
    /* the plan about to run is the plan the journal started with */
    if (strcmp(c->plan_hash, c->journalled) != 0)
        return keel_error_set(err, KEEL_EINVAL, "step '%s' not started: the "
                              "plan's hash %.12s is not the journalled %.12s",
                              s->id, c->plan_hash, c->journalled);
    keel_value *ev = run_event("step_started");
    run_set_str(ev, "step", s->id);
    run_set_str(ev, "call", s->call);
    stamp_us(ev);
    int rc = run_append(c->r, ev, effectful(c, i), err);
    keel_value_unref(ev);
    if (rc)
        keel_error_prefix(err, "step '%s' not started", s->id);
    return rc;
}

/* {"output": JSON, "labels": map} of a value. */
static int put_output(keel_value *ev, const keel_value *out)
{
    keel_value *map = NULL;
    int rc = keel_value_label_map(&map, out);
    if (rc == 0)
        rc = keel_value_object_set(ev, "output", out);
    if (rc == 0)
        rc = keel_value_object_set_take(ev, "labels", map);
    else
        keel_value_unref(map);
    return rc;
}

/* A failure after which the effect may have happened anyway: the call ran
 * past its deadline or was cancelled (its result was not waited for), or
 * a for_each step failed at an item after earlier items ran. Such a step
 * of a function that is not idempotent is in doubt, not simply failed. A
 * denial or a stop for approval comes before any call (every item of a
 * for_each is checked first). */
static bool failed_in_doubt(const run_ctx *c, size_t i, int code)
{
    if (!effectful(c, i) || code == KEEL_EDENIED || code == KEEL_EAPPROVAL)
        return false;
    return code == KEEL_ETIMEOUT || code == KEEL_ECANCELED ||
           c->r->plan->steps[i].for_each != NULL;
}

static int on_ended(void *ud, size_t i, const keel_value *output,
                    const keel_error *failure, keel_error *err)
{
    run_ctx *c = ud;
    const keel_plan_step *s = &c->r->plan->steps[i];
    keel_value *ev = run_event(output ? "step_finished" : "step_failed");
    run_set_str(ev, "step", s->id);
    stamp_us(ev);
    int rc = ev ? 0 : KEEL_ENOMEM;
    if (rc == 0 && output)
        rc = put_output(ev, output);
    if (rc == 0 && failure) {
        run_set_str(ev, "error", failure->msg);
        rc = keel_value_object_set_take(ev, "code", keel_value_int(failure->code));
        if (rc == 0 && failed_in_doubt(c, i, failure->code))
            rc = keel_value_object_set_take(ev, "in_doubt", keel_value_bool(true));
    }
    rc = rc ? keel_error_set(err, rc, "out of memory")
            : run_append(c->r, ev, effectful(c, i), err);
    keel_value_unref(ev);
    return rc;
}

/* The newest decision on this step for exactly these arguments, by this
 * requester, for this plan; NULL when none. */
static const keel_value *decision_for(const keel_run *r, const char *step,
                                      const char *args_hash)
{
    const keel_value *recs = r->records;
    for (size_t i = keel_value_len(recs); i-- > 0;) {
        const keel_value *rec = keel_value_list_at(recs, i);
        const char *e = run_str(rec, "event");
        if (!e || (strcmp(e, "approval_granted") != 0 &&
                   strcmp(e, "approval_rejected") != 0))
            continue;
        const char *s = run_str(rec, "step"), *h = run_str(rec, "args_hash");
        const char *ph = run_str(rec, "plan_hash"), *req = run_str(rec, "requester");
        if (s && h && ph && req && strcmp(s, step) == 0 &&
            strcmp(h, args_hash) == 0 && strcmp(ph, r->plan_hash) == 0 &&
            strcmp(req, r->who.uid) == 0)
            return rec;
    }
    return NULL;
}

static void approver_of(keel_principal *out, const char **groups,
                        const keel_value *rec)
{
    const keel_value *a = keel_value_object_get(rec, "approver");
    const keel_value *g = keel_value_object_get(a, "groups");
    out->uid = run_str(a, "uid");
    out->dn = run_str(a, "dn");
    out->n_groups = 0;
    for (size_t i = 0; i < keel_value_len(g) && i < RUN_MAX_GROUPS; i++)
        if ((groups[out->n_groups] = keel_value_get_string(keel_value_list_at(g, i), NULL)))
            out->n_groups++;
    out->groups = groups;
}


/* approval_granted / approval_rejected for step and args_hash. */
int run_record_decision(keel_run *r, const char *step, const char *args_hash,
                        const keel_principal *approver, bool granted,
                        const char *text, keel_error *err)
{
    keel_value *ev = run_event(granted ? "approval_granted" : "approval_rejected");
    run_set_str(ev, "step", step);
    run_set_str(ev, "args_hash", args_hash);
    run_set_str(ev, "plan_hash", r->plan_hash);
    run_set_str(ev, "requester", r->who.uid);
    if (ev)
        keel_value_object_set_take(ev, "approver", run_principal_value(approver));
    run_set_str(ev, granted ? "comment" : "reason", text);
    int rc = run_append(r, ev, true, err); /* a person's decision */
    keel_value_unref(ev);
    return rc;
}

static int request(run_ctx *c, const keel_plan_step *s, const keel_value *args,
                   const char *hash, const keel_decision *d, keel_error *err)
{
    run_step_view *v = NULL;
    size_t i = (size_t)(s - c->r->plan->steps);
    bool again = false;
    if (run_views(&v, c->r) == 0 && v[i].request && !v[i].decision) {
        const char *h = run_str(v[i].request, "args_hash");
        again = h && strcmp(h, hash) == 0; /* asked already: say it once */
    }
    keel_free(v);
    int rc = 0;
    if (!again) {
        keel_value *ev = run_event("approval_requested");
        run_set_str(ev, "step", s->id);
        run_set_str(ev, "call", s->call);
        run_set_str(ev, "why", s->why);
        run_set_str(ev, "args_hash", hash);
        run_set_str(ev, "reason", d->reason);
        keel_value *map = NULL;
        if (ev && keel_value_label_map(&map, args) == 0) {
            keel_value_object_set(ev, "args", args);
            /* keel approve decides on the arguments as they were labelled */
            keel_value_object_set_take(ev, "args_labels", map);
        }
        rc = run_append(c->r, ev, false, err);
        keel_value_unref(ev);
    }
    return rc ? rc : keel_error_set(err, KEEL_EAPPROVAL, "%s; approve with: "
                                    "keel approve %s %s", d->reason,
                                    c->r->id, s->id);
}

/* Somebody at the terminal may approve, if the policy lets them. */
static int ask_now(run_ctx *c, const keel_plan_step *s, const keel_value *args,
                   const char *hash, const keel_decision *d, keel_error *err)
{
    char reason[256] = "", why[256];
    const keel_principal *me = c->o->operator_;
    if (!c->o->ask || !me ||
        !keel_policy_may_approve(why, sizeof(why), c->o->policy, d, &c->r->who, me))
        return 1;
    /* one question at a time: parallel steps must not share a terminal
     * answer (a "y" goes to the step whose question was read) */
    static pthread_mutex_t asking = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&asking);
    int answer = c->o->ask(c->o->ask_ud, s, args, d, reason, sizeof(reason));
    pthread_mutex_unlock(&asking);
    if (answer < 0)
        return 1;
    int rc = run_record_decision(c->r, s->id, hash, me, answer == 1,
                                 answer == 1 ? "approved at the terminal"
                                             : reason, err);
    if (rc)
        return rc;
    return answer == 1 ? 0 : keel_error_set(err, KEEL_EDENIED, "rejected by "
                                            "%s: %s", me->uid, reason);
}

static int on_approval(void *ud, size_t i, const keel_value *args,
                       const keel_decision *d, keel_error *err)
{
    run_ctx *c = ud;
    const keel_plan_step *s = &c->r->plan->steps[i];
    char hash[65], why[256];
    if (run_args_hash(hash, args) != 0)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    pthread_mutex_lock(&c->r->mu);
    const keel_value *rec = decision_for(c->r, s->id, hash);
    keel_value *dec = rec ? keel_value_ref(rec) : NULL;
    pthread_mutex_unlock(&c->r->mu);
    int rc = 1;
    if (dec && strcmp(run_str(dec, "event"), "approval_rejected") == 0) {
        rc = keel_error_set(err, KEEL_EDENIED, "rejected by %s: %s",
                            run_str(keel_value_object_get(dec, "approver"), "uid"),
                            run_str(dec, "reason") ? run_str(dec, "reason") : "");
    } else if (dec) {
        const char *groups[RUN_MAX_GROUPS];
        keel_principal approver;
        approver_of(&approver, groups, dec);
        /* the approval still has to satisfy the policy as it is now */
        rc = keel_policy_may_approve(why, sizeof(why), c->o->policy, d,
                                     &c->r->who, &approver)
                 ? 0 : 1;
    }
    keel_value_unref(dec);
    if (rc == 1)
        rc = ask_now(c, s, args, hash, d, err);
    return rc == 1 ? request(c, s, args, hash, d, err) : rc;
}

/* ---- before the run ---- */

static bool listed(const char *const *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], id) == 0)
            return true;
    return false;
}

/* A journalled output with its labels, as the step produced it. */
static int restore(keel_value **out, const keel_value *finish)
{
    const keel_value *labels = keel_value_object_get(finish, "labels");
    const keel_value *output = keel_value_object_get(finish, "output");
    if (!output)
        return KEEL_EINVAL;
    if (!labels) { /* given by an operator: no provenance but theirs */
        *out = keel_value_ref(output);
        return 0;
    }
    return keel_value_relabel(out, output, labels);
}

/* An operator took a step in doubt as done, with this output. */
static int skip_step(run_ctx *c, size_t i, keel_error *err)
{
    const keel_plan_step *s = &c->r->plan->steps[i];
    const keel_value *output = NULL;
    for (size_t j = 0; j < c->o->n_skip; j++)
        if (strcmp(c->o->skip[j], s->id) == 0)
            output = c->o->skip_output[j];
    if (!output)
        return keel_error_set(err, KEEL_EINVAL, "--skip %s needs --output "
                              "JSON", s->id);
    /* what the operator gives carries at least what the step's own output
     * could have: every label of the outputs before it, and the function's
     * own when its output is untrusted; never less provenance than a run
     * that was not interrupted */
    keel_labels *l = NULL;
    int oom = 0;
    for (size_t j = 0; j < c->r->plan->n_steps && !oom; j++) {
        keel_labels *u = c->done[j] ? keel_labels_union(
                             l, keel_value_labels(c->done[j]), &oom) : NULL;
        if (c->done[j]) {
            keel_labels_unref(l);
            l = u;
        }
    }
    const keel_fn_info *fn = keel_kernel_lookup(c->k, s->call);
    keel_labels *self = fn && fn->untrusted_output
                            ? keel_labels_new(fn->qualified_name) : NULL;
    keel_labels *all = keel_labels_union(l, self, &oom);
    keel_value *given = keel_value_ref(output);
    int rc = oom || keel_value_add_labels(&given, all) ? KEEL_ENOMEM : 0;
    keel_labels_unref(l);
    keel_labels_unref(self);
    keel_labels_unref(all);
    keel_value *ev = rc ? NULL : run_event("step_finished");
    run_set_str(ev, "step", s->id);
    run_set_str(ev, "by", c->o->operator_ ? c->o->operator_->uid : "operator");
    rc = !ev || put_output(ev, given) ? keel_error_set(err, KEEL_ENOMEM,
                                                       "out of memory")
                                      : run_append(c->r, ev, true, err);
    keel_value_unref(ev);
    if (rc == 0)
        c->done[i] = keel_value_ref(given);
    keel_value_unref(given);
    return rc;
}

/* For each step: reuse it, run it, or stop for an operator. */
static int plan_attempt(run_ctx *c, const run_step_view *v, keel_error *err)
{
    const keel_plan *p = c->r->plan;
    const keel_run_opts *o = c->o;
    char doubt[512] = "";
    for (size_t i = 0; i < p->n_steps; i++) {
        const char *id = p->steps[i].id;
        bool retry = listed(o->retry, o->n_retry, id);
        bool skip = listed(o->skip, o->n_skip, id);
        if ((retry || skip) && v[i].state != RS_IN_DOUBT)
            return keel_error_set(err, KEEL_EINVAL, "step '%s' is not in "
                                  "doubt; --retry and --skip are for steps "
                                  "that started and did not finish", id);
        if (v[i].state == RS_DONE) {
            int rc = restore(&c->done[i], v[i].finish);
            if (rc)
                return keel_error_set(err, rc, "step '%s': its journalled "
                                      "output cannot be read back", id);
            continue;
        }
        if (v[i].state != RS_IN_DOUBT || retry)
            continue;
        if (skip) {
            int rc = skip_step(c, i, err);
            if (rc)
                return rc;
            continue;
        }
        const keel_fn_info *fn = keel_kernel_lookup(c->k, p->steps[i].call);
        if (fn && (fn->effects & KEEL_EFFECT_IDEMPOTENT))
            continue; /* safe to run again */
        size_t n = strlen(doubt);
        snprintf(doubt + n, sizeof(doubt) - n, "%s'%s' (%s)", n ? ", " : "",
                 id, p->steps[i].call);
    }
    if (doubt[0])
        return keel_error_set(err, KEEL_EFAILED, "step %s started and did "
                              "not finish (the run stopped, or the step ran "
                              "past its deadline); it is not idempotent, so "
                              "keel cannot tell whether it took effect. "
                              "Decide: keel resume %s --retry STEP (run it "
                              "again) or --skip STEP --output JSON (it took "
                              "effect; use JSON as its output)",
                              doubt, c->r->id);
    return 0;
}

static int resumed_record(run_ctx *c, keel_error *err)
{
    keel_value *ev = run_event("run_resumed"), *retry = keel_value_list();
    keel_value *skip = keel_value_list();
    for (size_t i = 0; retry && i < c->o->n_retry; i++)
        keel_value_list_append_take(retry, keel_value_cstring(c->o->retry[i]));
    for (size_t i = 0; skip && i < c->o->n_skip; i++)
        keel_value_list_append_take(skip, keel_value_cstring(c->o->skip[i]));
    if (ev) {
        keel_value_object_set_take(ev, "retry", retry);
        keel_value_object_set_take(ev, "skip", skip);
    } else {
        keel_value_unref(retry);
        keel_value_unref(skip);
    }
    run_set_str(ev, "by", c->o->operator_ ? c->o->operator_->uid : NULL);
    int rc = run_append(c->r, ev, false, err);
    keel_value_unref(ev);
    return rc;
}

static int finished_record(keel_run *r, int rc, const keel_value *out,
                           const keel_error *failure, keel_error *err)
{
    keel_value *ev = run_event("run_finished");
    int mrc = ev ? keel_value_object_set_take(ev, "ok", keel_value_bool(rc == 0))
                 : KEEL_ENOMEM;
    if (mrc == 0 && rc == 0)
        mrc = put_output(ev, out);
    if (mrc == 0 && rc) {
        run_set_str(ev, "error", failure->msg);
        mrc = keel_value_object_set_take(ev, "code", keel_value_int(rc));
    }
    /* durable when anything of the run had to be: a run of pure steps
     * lost in a crash is resumed by running them again */
    int arc = mrc ? keel_error_set(err, mrc, "out of memory")
                  : run_append(r, ev, r->synced, err);
    keel_value_unref(ev);
    return arc;
}

/* A run that is done answers with its output again. */
static bool already_done(keel_value **out, const keel_run *r)
{
    const keel_value *fin = run_last(r, "run_finished");
    const keel_value *res = run_last(r, "run_resumed");
    if (!fin || !keel_value_get_bool(keel_value_object_get(fin, "ok")) ||
        keel_value_get_int(keel_value_object_get(res, "seq")) >
            keel_value_get_int(keel_value_object_get(fin, "seq")))
        return false;
    return restore(out, fin) == 0;
}

int keel_run_execute(keel_value **out, keel_run *r, keel_kernel *k,
                     const keel_run_opts *o, keel_error *err)
{
    *out = NULL;
    int rc = run_lock(r, err);
    if (rc || already_done(out, r))
        return rc;
    run_ctx c = {r, k, o, keel_calloc(r->plan->n_steps ? r->plan->n_steps : 1,
                                      sizeof(keel_value *)), "", NULL};
    c.journalled = keel_value_get_string(keel_value_object_get(
        keel_value_list_at(r->records, 0), "plan_hash"), NULL);
    run_step_view *v = NULL;
    if (!c.done || run_views(&v, r) != 0 ||
        keel_plan_hash(c.plan_hash, r->plan)) {
        rc = KEEL_ENOMEM;
        keel_error_set(err, rc, "out of memory");
    } else if (!c.journalled) {
        rc = KEEL_EINVAL;
        keel_error_set(err, rc,
                       "run %s: the journal does not start with "
                       "run_started",
                       r->id);
    }
    if (rc == 0)
        rc = plan_attempt(&c, v, err);
    if (rc == 0 && keel_value_len(r->records) > 1)
        rc = resumed_record(&c, err);
    if (rc == 0) {
        keel_exec_hooks hooks = {on_starting, on_ended, on_approval, &c};
        keel_exec_opts eo = o->exec;
        eo.policy = o->policy;
        eo.principal = &r->who;
        eo.hooks = &hooks;
        eo.done = c.done;
        rc = keel_plan_run(out, k, r->plan, &eo, err);
        keel_error ferr = {0};
        int frc = finished_record(r, rc, *out, err, &ferr);
        if (frc && rc == 0) { /* the output stands, unrecorded: say so */
            keel_value_unref(*out);
            *out = NULL;
            rc = keel_error_set(err, frc, "%s", ferr.msg);
        }
    }
    for (size_t i = 0; c.done && i < r->plan->n_steps; i++)
        keel_value_unref(c.done[i]);
    keel_free(c.done);
    keel_free(v);
    return rc;
}
