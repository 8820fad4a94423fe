/*
 * invoke.c - call one registered function with checked arguments.
 *
 * The order is fixed: find the function, check every argument against its
 * declared schema and fill defaults, call, check the result's type, then
 * label the result with the union of its inputs' provenance (plus the
 * function itself when its output is untrusted). The callback never sees an
 * argument it did not declare or a value of the wrong type.
 */
#include "kernel_internal.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

static int unknown_function(const keel_kernel *k, const char *name,
                            keel_error *err)
{
    const char *near[3];
    size_t n = keel_registry_suggest(k, name, near, 3);
    if (n == 0)
        return keel_error_set(err, KEEL_ENOTFOUND,
                              "unknown function '%s' (see `keel plugins list`)",
                              name);
    return keel_error_set(err, KEEL_ENOTFOUND,
                          "unknown function '%s'; did you mean %s%s%s%s%s?",
                          name, near[0], n > 1 ? ", " : "",
                          n > 1 ? near[1] : "", n > 2 ? ", " : "",
                          n > 2 ? near[2] : "");
}

static int unknown_argument(const fn_entry *f, const char *key,
                            keel_error *err)
{
    char names[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < f->info.n_params && used < sizeof(names); i++)
        used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
                                 i ? ", " : "", f->params[i].name);
    return keel_error_set(err, KEEL_EINVAL,
                          "%s: unknown argument '%s' (parameters: %s)",
                          f->qname, key, f->info.n_params ? names : "none");
}

static bool declared(const fn_entry *f, const char *key)
{
    for (size_t i = 0; i < f->info.n_params; i++)
        if (strcmp(f->params[i].name, key) == 0)
            return true;
    return false;
}

/* Builds the checked argument object in *out: declared arguments checked
 * (and converted where the schema says), defaults filled in. Returns the
 * caller's own object when nothing had to change. */
static int check_args(keel_value **out, const fn_entry *f,
                      const keel_value *args, keel_error *err)
{
    for (size_t i = 0; i < keel_value_len(args); i++) {
        const char *key = keel_value_object_key_at(args, i);
        if (!declared(f, key))
            return unknown_argument(f, key, err);
    }
    keel_value *vals[64] = {0}; /* descriptors have at most 64 parameters */
    bool changed = false;
    int rc = 0;
    size_t n = f->info.n_params;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const keel_param *p = &f->params[i];
        const keel_value *given = keel_value_object_get(args, p->name);
        vals[i] = keel_value_ref(given ? given : f->defaults[i]);
        if (!vals[i] && p->required)
            rc = keel_error_set(err, KEEL_EINVAL,
                                "%s: missing required argument '%s' (%s)",
                                f->qname, p->name, keel_type_name(p->type));
        else if (given && (rc = keel_schema_check(f->schemas[i], &vals[i], err)))
            keel_error_prefix(err, "%s: argument '%s'", f->qname, p->name);
        changed |= vals[i] != given;
    }
    keel_value *checked = NULL;
    if (rc == 0 && changed) {
        if (!(checked = keel_value_object()))
            rc = KEEL_ENOMEM;
        for (size_t i = 0; rc == 0 && i < n; i++)
            if (vals[i])
                rc = keel_value_object_set(checked, f->params[i].name, vals[i]);
        if (rc)
            keel_error_set(err, rc, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        keel_value_unref(vals[i]);
    if (rc) {
        keel_value_unref(checked);
        return rc;
    }
    *out = checked ? checked : keel_value_ref(args);
    return 0;
}

/* The union of the labels of every argument, plus the function's own label
 * when its output is untrusted. */
static int result_labels(keel_labels **out, const fn_entry *f,
                         const keel_value *args)
{
    int oom = 0;
    keel_labels *l = keel_labels_union(keel_value_labels(args), f->self_label,
                                       &oom);
    *out = l;
    return oom ? KEEL_ENOMEM : 0;
}

static int check_result(const fn_entry *f, const keel_value *res,
                        keel_error *err)
{
    keel_type t = keel_value_type(res);
    if (f->info.returns == KEEL_TYPE_ANY || t == f->info.returns)
        return 0;
    return keel_error_set(err, KEEL_EPLUGIN,
                          "%s returned %s but declares %s (a plugin bug)",
                          f->qname, keel_type_name(t),
                          keel_type_name(f->info.returns));
}

int keel_fn_check_arg(const keel_fn_info *fn, size_t i, keel_value **v,
                      keel_error *err)
{
    if (i >= fn->n_params)
        return keel_error_set(err, KEEL_ERANGE, "no parameter %zu", i);
    return keel_schema_check(entry_of(fn)->schemas[i], v, err);
}

const keel_value *keel_fn_returns_schema(const keel_fn_info *fn)
{
    return entry_of(fn)->returns_schema;
}

int keel_invoke(keel_value **out, keel_kernel *k, const char *name,
                const keel_value *args, keel_error *err)
{
    return keel_invoke_ex(out, k, name, args, NULL, err);
}

/* Error classes a caller must tell apart, passed through as the function
 * reported them (docs/errors.md); any other failure is KEEL_EFAILED. */
static const int passthrough[] = {KEEL_EUNAVAIL, KEEL_ETIMEOUT, KEEL_ECANCELED,
                                  KEEL_ENOMEM, KEEL_EAUTH};

static int failure_class(int rc)
{
    for (size_t i = 0; i < KEEL_COUNTOF(passthrough); i++)
        if (rc == passthrough[i])
            return rc;
    return KEEL_EFAILED;
}

/* Runs the callback. On success *res is the result (a new reference, null
 * when the callback left it unset); on failure err holds the function's
 * message, prefixed with its name. */
static int run_callback(keel_value **res, keel_kernel *k, const fn_entry *f,
                        const keel_value *checked, const keel_invoke_opts *opts,
                        keel_error *err)
{
    keel_call c;
    keel_call_begin(&c, k, f->plugin, f->qname, err);
    if (opts) {
        c.deadline_ns = opts->deadline_ns;
        c.cancel = opts->cancel;
    }
    keel_value *r = NULL;
    int rc = f->fn(&keel_host_api_table, &c, checked, &r);
    if (opts && opts->deadline_ns && keel_now_ns() >= opts->deadline_ns)
        rc = keel_error_set(err, KEEL_ETIMEOUT,
                            "%s: did not finish before its deadline", f->qname);
    else if (rc != 0 && c.error_set && rc < 0)
        keel_error_prefix(err, "%s", f->qname);
    else if (rc != 0)
        keel_error_set(err, KEEL_EFAILED, "%s failed (code %d) without a "
                       "message", f->qname, rc);
    /* r is owned by the call, or borrowed from the arguments: take our own
     * reference before the call releases what it made, and never touch it
     * after a failure. */
    *res = rc == 0 ? keel_value_ref(r) : NULL;
    keel_call_end(&c);
    if (rc != 0) {
        rc = failure_class(rc);
        err->code = rc;
        return rc;
    }
    if (!*res && !(*res = keel_value_null()))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    return 0;
}

int keel_invoke_ex(keel_value **out, keel_kernel *k, const char *name,
                   const keel_value *args, const keel_invoke_opts *opts,
                   keel_error *err)
{
    keel_error local;
    if (!err)
        err = &local;
    *out = NULL;
    const fn_entry *f = keel_registry_find(k, name);
    if (!f)
        return unknown_function(k, name, err);
    keel_value *empty = NULL;
    if (!args && !(args = empty = keel_value_object()))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (keel_value_type(args) != KEEL_TYPE_OBJECT) {
        keel_value_unref(empty);
        return keel_error_set(err, KEEL_ETYPE,
                              "%s: arguments must be an object, got %s", name,
                              keel_type_name(keel_value_type(args)));
    }
    keel_value *checked = NULL, *res = NULL;
    keel_labels *labels = NULL;
    int rc = check_args(&checked, f, args, err);
    keel_value_unref(empty);
    if (rc == 0)
        rc = run_callback(&res, k, f, checked, opts, err);
    if (rc == 0)
        rc = check_result(f, res, err);
    if (rc == 0 && ((rc = result_labels(&labels, f, checked)) ||
                    (rc = keel_value_add_labels(&res, labels))))
        keel_error_set(err, rc, "out of memory");
    keel_labels_unref(labels);
    keel_value_unref(checked);
    if (rc) {
        keel_value_unref(res);
        return rc;
    }
    *out = res;
    return 0;
}
