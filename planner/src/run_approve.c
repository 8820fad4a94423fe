/*
 * run_approve.c - a person's decision on a step that waits for approval:
 * recorded with who decided, and bound to the plan, the step, the exact
 * arguments and the requester, so that it approves nothing else.
 */
#include "run_internal.h"

#include "alloc.h"

#include <string.h>

/* The pending request of step, or NULL (err set). */
static const keel_value *pending(keel_run *r, const char *step,
                                 run_step_view **views, keel_error *err)
{
    long i = keel_run_step_index(r, step);
    if (i < 0) {
        keel_error_set(err, KEEL_ENOTFOUND, "run %s has no step '%s'", r->id,
                       step);
        return NULL;
    }
    if (run_views(views, r) != 0) {
        keel_error_set(err, KEEL_ENOMEM, "out of memory");
        return NULL;
    }
    const run_step_view *v = &(*views)[i];
    if (!v->request || v->decision || v->state == RS_DONE) {
        keel_error_set(err, KEEL_ENOTFOUND, "no approval of step '%s' is "
                       "pending in run %s", step, r->id);
        return NULL;
    }
    return v->request;
}


int keel_run_approve(keel_run *r, const char *step, const keel_kernel *k,
                     const keel_policy *policy, const keel_principal *approver,
                     const char *comment, keel_error *err)
{
    run_step_view *v = NULL;
    int rc = run_lock(r, err);
    const keel_value *req = rc ? NULL : pending(r, step, &v, err);
    if (!req) {
        keel_free(v);
        return rc ? rc : err->code;
    }
    const keel_fn_info *fn = keel_kernel_lookup(k, run_str(req, "call"));
    keel_decision d;
    char why[256];
    if (!fn) {
        rc = keel_error_set(err, KEEL_ENOTFOUND, "%s is not loaded",
                            run_str(req, "call"));
    } else {
        /* who may approve is the policy's call, as it is now, on the
         * arguments with the labels they had */
        keel_value *args = NULL;
        const keel_value *map = keel_value_object_get(req, "args_labels");
        const keel_value *raw = keel_value_object_get(req, "args");
        if (!map || keel_value_relabel(&args, raw, map) != 0)
            args = keel_value_ref(raw);
        keel_policy_decide(&d, policy, &r->who, fn, args);
        keel_value_unref(args);
        if (policy && d.verdict == KEEL_VERDICT_DENY)
            rc = keel_error_set(err, KEEL_EDENIED, "the policy now denies "
                                "this call: %s", d.reason);
        else if (!keel_policy_may_approve(why, sizeof(why), policy, &d,
                                          &r->who, approver))
            rc = keel_error_set(err, KEEL_EDENIED, "%s may not approve step "
                                "'%s': %s", approver->uid, step, why);
    }
    if (rc == 0)
        rc = run_record_decision(r, step, run_str(req, "args_hash"), approver,
                                 true, comment, err);
    keel_free(v);
    return rc;
}

int keel_run_reject(keel_run *r, const char *step,
                    const keel_principal *approver, const char *reason,
                    keel_error *err)
{
    run_step_view *v = NULL;
    int rc = run_lock(r, err);
    const keel_value *req = rc ? NULL : pending(r, step, &v, err);
    if (req)
        rc = run_record_decision(r, step, run_str(req, "args_hash"), approver,
                                 false, reason, err);
    else if (rc == 0)
        rc = err->code;
    keel_free(v);
    return rc;
}
