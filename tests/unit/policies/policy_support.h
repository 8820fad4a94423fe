/*
 * policy_support.h - helpers for the policy tests: the base policy, a
 * principal, and deciding one call from JSON.
 */
#ifndef KEEL_POLICY_SUPPORT_H
#define KEEL_POLICY_SUPPORT_H

#include "test_support.h"

#include <keel/exec.h>
#include <keel/policy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads policy texts (fails the test on problems). */
static inline keel_policy *ps_policy_texts(keel_kernel *k, const char *const *texts,
                                    size_t n)
{
    const char *names[16];
    size_t lens[16];
    for (size_t i = 0; i < n; i++) {
        names[i] = "test.xml";
        lens[i] = strlen(texts[i]);
    }
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_policy_load_texts(&p, names, texts, lens, n, k, &d)) {
        char *t = NULL;
        keel_diags_text(&t, &d, NULL);
        fail_msg("policy refused:\n%s", t);
    }
    keel_diags_free(&d);
    return p;
}

static inline keel_policy *ps_base(keel_kernel *k)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/data/policies/base.xml",
             ts_source_dir());
    const char *files[] = {path};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_policy_load(&p, files, 1, k, &d))
        fail_msg("base policy refused: %s", d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
}

static inline keel_principal ps_who(const char *uid, const char *group)
{
    static const char *groups[1];
    groups[0] = group;
    keel_principal w = {uid, NULL, groups, group ? 1u : 0u};
    return w;
}

/* Decides fn(args) for who; label, when given, is put on every argument. */
static inline keel_decision ps_decide(const keel_policy *p, keel_kernel *k,
                               const keel_principal *who, const char *fn,
                               const char *args_json, const char *label)
{
    keel_value *args = ts_json(args_json);
    if (label) {
        keel_labels *l = keel_labels_new(label);
        assert_int_equal(keel_value_add_labels(&args, l), 0);
        keel_labels_unref(l);
    }
    const keel_fn_info *f = keel_kernel_lookup(k, fn);
    if (!f)
        fail_msg("no function %s", fn);
    keel_decision d;
    keel_policy_decide(&d, p, who, f, args);
    keel_value_unref(args);
    return d;
}

#endif
