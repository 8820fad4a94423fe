/*
 * fuzz_policy.c - libFuzzer target for the policy loader: any input is
 * loaded or refused with a message, never a crash or a leak. A policy that
 * loads is asked for decisions on a few calls. Functions come from a small
 * in-process plugin registered once (no files needed).
 */
#include <keel/policy.h>

#include "kernel_internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int echo(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    (void)api, (void)call, (void)args, (void)result;
    return 0;
}

static const keel_param params[] = {
    {"to", KEEL_TYPE_STRING, "Recipient.", false, NULL, NULL, KEEL_SINK_RECIPIENT},
    {"amount", KEEL_TYPE_INT, "Amount.", false, NULL, NULL, NULL},
};
static const keel_function fns[] = {
    {"send", "Send.", params, 2, KEEL_TYPE_NULL, NULL, KEEL_EFFECT_WRITES, false, echo},
    {"get", "Get.", params, 1, KEEL_TYPE_ANY, NULL, KEEL_EFFECT_NETWORK, true, echo},
};
static const keel_plugin plugin = {KEEL_ABI_STAMP, "fz", "1", "Fuzz.", fns, 2, NULL, NULL};

static keel_kernel *kernel(void)
{
    static keel_kernel *k;
    if (k)
        return k;
    keel_error err;
    if (keel_kernel_open(&k, &err))
        abort();
    plugin_rec *rec = keel_calloc(1, sizeof(*rec));
    rec->path = keel_strdup("/fuzz");
    if (keel_descriptor_read(rec, &plugin, &err) || keel_registry_add(k, rec, &err))
        abort();
    rec->loaded = true;
    k->plugins = keel_calloc(1, sizeof(plugin_rec *));
    k->plugins[0] = rec;
    k->n_plugins = k->cap_plugins = 1;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    keel_kernel *k = kernel();
    const char *name = "fuzz.xml", *text = (const char *)data;
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_policy_load_texts(&p, &name, &text, &size, 1, k, &d) != 0) {
        if (p || (d.n == 0 && !d.oom))
            abort(); /* refusals say why and load nothing */
        keel_diags_free(&d);
        return 0;
    }
    const char *groups[] = {"cn=a,dc=x"};
    keel_principal who = {"u", NULL, groups, 1};
    keel_value *args = NULL;
    keel_error err;
    const char *json = "{\"to\":\"x@y\",\"amount\":5}";
    if (keel_value_from_json(&args, json, strlen(json), &err))
        abort();
    keel_labels *l = keel_labels_new("fz.get");
    keel_value_add_labels(&args, l);
    for (size_t i = 0; i < keel_kernel_function_count(k); i++) {
        keel_decision dec;
        keel_policy_decide(&dec, p, &who, keel_kernel_function_at(k, i), args);
        keel_policy_may_call(p, &who, keel_kernel_function_at(k, i));
    }
    keel_labels_unref(l);
    keel_value_unref(args);
    keel_policy_free(p);
    keel_diags_free(&d);
    return 0;
}
