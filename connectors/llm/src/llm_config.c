/*
 * llm_config.c - the "llm" section of the configuration file: one table of
 * rules per object (key, kind), checked at load so that a typo is an error
 * naming its key path, and getters for the connector to read it later.
 * Keys are documented in docs/config.md.
 */
#include "llm_config.h"
#include "llm_config_check.h"

#include <stdio.h>
#include <string.h>

typedef enum kind {
    K_STRING,
    K_COUNT,  /* integer >= 0 */
    K_NUMBER, /* number >= 0 */
    K_SPEC,   /* "provider:model" */
    K_SPECS,  /* list of them */
    K_OBJECT, /* keys from rule->sub */
    K_PROVIDERS,
    K_PRICES
} kind;

typedef struct rule {
    const char *name;
    kind kind;
    const struct rule *sub;
} rule;

static const rule breaker_rules[] = {
    {"failures", K_COUNT, NULL}, {"cooldown_ms", K_COUNT, NULL}, {NULL, 0, NULL}};
static const rule provider_rules[] = {
    {"url", K_STRING, NULL},          {"api_key_env", K_STRING, NULL},
    {"api_key_file", K_STRING, NULL}, {"api_version", K_STRING, NULL},
    {"rpm", K_COUNT, NULL},           {"tpm", K_COUNT, NULL},
    {NULL, 0, NULL}};
static const rule price_rules[] = {
    {"input", K_NUMBER, NULL}, {"output", K_NUMBER, NULL}, {NULL, 0, NULL}};
static const rule llm_rules[] = {{"model", K_SPEC, NULL},
                                 {"fallback", K_SPECS, NULL},
                                 {"reasoning_models", K_SPECS, NULL},
                                 {"timeout_ms", K_COUNT, NULL},
                                 {"max_attempts", K_COUNT, NULL},
                                 {"backoff_base_ms", K_COUNT, NULL},
                                 {"backoff_max_ms", K_COUNT, NULL},
                                 {"max_cost", K_NUMBER, NULL},
                                 {"max_tokens", K_COUNT, NULL},
                                 {"breaker", K_OBJECT, breaker_rules},
                                 {"providers", K_PROVIDERS, provider_rules},
                                 {"prices", K_PRICES, price_rules},
                                 {NULL, 0, NULL}};

static int check(const keel_value *v, const rule *r, const char *path,
                 keel_error *err);

static int bad(keel_error *err, const char *path, const char *what)
{
    return keel_error_set(err, KEEL_EINVAL, "%s: %s", path, what);
}

static int check_spec(const keel_value *v, const char *path, keel_error *err)
{
    const char *s = keel_value_get_string(v, NULL);
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon || colon == s || !colon[1])
        return bad(err, path, "expected \"provider:model\"");
    char name[32];
    snprintf(name, sizeof(name), "%.*s", (int)(colon - s), s);
    if (!llm_provider_find(name) && strcmp(name, "replay") != 0)
        return keel_error_set(err, KEEL_EINVAL, "%s: unknown provider '%s' "
                              "(known: %s, replay)", path, name,
                              llm_provider_names());
    return 0;
}

/* Every member of an object keyed by provider name or model spec. */
static int check_map(const keel_value *v, const rule *r, const char *path,
                     keel_error *err)
{
    if (keel_value_type(v) != KEEL_TYPE_OBJECT)
        return bad(err, path, "expected an object");
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const char *k = keel_value_object_key_at(v, i);
        char sub[256];
        snprintf(sub, sizeof(sub), "%s.%s", path, k);
        keel_value *key = NULL;
        int rc = 0;
        if (r->kind == K_PROVIDERS && !llm_provider_find(k))
            rc = keel_error_set(err, KEEL_EINVAL, "%s: unknown provider "
                                "(known: %s)", sub, llm_provider_names());
        else if (r->kind == K_PRICES && !(key = keel_value_cstring(k)))
            rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
        else if (key)
            rc = check_spec(key, sub, err);
        keel_value_unref(key);
        rule obj = {r->name, K_OBJECT, r->sub};
        if (rc == 0)
            rc = check(keel_value_object_value_at(v, i), &obj, sub, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_object(const keel_value *v, const rule *rules,
                        const char *path, keel_error *err)
{
    if (keel_value_type(v) != KEEL_TYPE_OBJECT)
        return bad(err, path, "expected an object");
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const char *k = keel_value_object_key_at(v, i);
        const rule *r = rules;
        while (r->name && strcmp(r->name, k) != 0)
            r++;
        char sub[256];
        snprintf(sub, sizeof(sub), "%s.%s", path, k);
        if (!r->name) {
            char known[256] = "";
            size_t used = 0;
            for (const rule *q = rules; q->name && used < sizeof(known); q++)
                used += (size_t)snprintf(known + used, sizeof(known) - used,
                                         "%s%s", q == rules ? "" : ", ",
                                         q->name);
            return keel_error_set(err, KEEL_EINVAL, "%s: unknown key "
                                  "(known: %s)", sub, known);
        }
        int rc = check(keel_value_object_value_at(v, i), r, sub, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int check(const keel_value *v, const rule *r, const char *path,
                 keel_error *err)
{
    keel_type t = keel_value_type(v);
    switch (r->kind) {
    case K_STRING:
        return t == KEEL_TYPE_STRING ? 0 : bad(err, path, "expected a string");
    case K_COUNT: /* bounded so that no deadline or count can overflow */
        return t == KEEL_TYPE_INT && keel_value_get_int(v) >= 0 &&
                       keel_value_get_int(v) <= LLM_MAX_TIMEOUT_MS
                   ? 0 : bad(err, path, "expected an integer from 0 to 86400000");
    case K_NUMBER:
        return (t == KEEL_TYPE_INT && keel_value_get_int(v) >= 0) ||
                       (t == KEEL_TYPE_FLOAT && keel_value_get_float(v) >= 0)
                   ? 0 : bad(err, path, "expected a number >= 0");
    case K_SPEC:
        return check_spec(v, path, err);
    case K_SPECS:
        if (t != KEEL_TYPE_LIST)
            return bad(err, path, "expected a list of \"provider:model\"");
        for (size_t i = 0; i < keel_value_len(v); i++) {
            char sub[256];
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            int rc = check_spec(keel_value_list_at(v, i), sub, err);
            if (rc)
                return rc;
        }
        return 0;
    case K_OBJECT:
        return check_object(v, r->sub, path, err);
    default:
        return check_map(v, r, path, err);
    }
}

int llm_config_validate(const keel_value *v, keel_error *err)
{
    rule root = {"llm", K_OBJECT, llm_rules};
    return check(v, &root, "llm", err);
}

int keel_llm_config_check(keel_config *c, const keel_value *v,
                          keel_error *err)
{
    (void)c;
    return llm_config_validate(v, err);
}

int64_t llm_cfg_int(const keel_value *v, const char *key, int64_t dflt)
{
    const keel_value *x = keel_value_object_get(v, key);
    return keel_value_type(x) == KEEL_TYPE_INT ? keel_value_get_int(x) : dflt;
}

double llm_cfg_num(const keel_value *v, const char *key, double dflt)
{
    const keel_value *x = keel_value_object_get(v, key);
    if (keel_value_type(x) == KEEL_TYPE_INT)
        return (double)keel_value_get_int(x);
    return keel_value_type(x) == KEEL_TYPE_FLOAT ? keel_value_get_float(x)
                                                 : dflt;
}

const keel_value *llm_cfg_provider(const keel_value *llm, const char *name)
{
    return keel_value_object_get(keel_value_object_get(llm, "providers"), name);
}

const keel_value *llm_cfg_price(const keel_value *llm, const char *spec)
{
    return keel_value_object_get(keel_value_object_get(llm, "prices"), spec);
}
