/*
 * planner_config.c - the "planner" section of the configuration:
 *   {"prompts": DIR, "examples": DIR, "max_repairs": N, "max_examples": N,
 *    "max_reply_tokens": N, "timeout_ms": N, "cache": BOOL}
 * Checked at load so a typo is an error naming its key; read by the CLI.
 */
#include "planner_config.h"

#include <string.h>

typedef enum kind { K_DIR, K_COUNT, K_BOOL } kind;

static const struct rule {
    const char *name;
    kind kind;
    int64_t max; /* for K_COUNT */
} rules[] = {
    {"prompts", K_DIR, 0},           {"examples", K_DIR, 0},
    {"max_repairs", K_COUNT, 10},    {"max_examples", K_COUNT, 20},
    {"max_reply_tokens", K_COUNT, 1000000}, {"timeout_ms", K_COUNT, 3600000},
    {"cache", K_BOOL, 0},
};

static int check_one(const struct rule *r, const keel_value *v,
                     keel_error *err)
{
    switch (r->kind) {
    case K_DIR: {
        const char *s = keel_value_get_string(v, NULL);
        if (!s || s[0] != '/')
            return keel_error_set(err, KEEL_EINVAL, "planner.%s: give an "
                                  "absolute directory", r->name);
        return 0;
    }
    case K_COUNT:
        if (keel_value_type(v) != KEEL_TYPE_INT || keel_value_get_int(v) < 0 ||
            keel_value_get_int(v) > r->max)
            return keel_error_set(err, KEEL_EINVAL, "planner.%s: give an "
                                  "integer from 0 to %lld", r->name,
                                  (long long)r->max);
        return 0;
    case K_BOOL:
        if (keel_value_type(v) != KEEL_TYPE_BOOL)
            return keel_error_set(err, KEEL_EINVAL, "planner.%s: give true "
                                  "or false", r->name);
        return 0;
    }
    return 0;
}

int keel_planner_config_check(keel_config *c, const keel_value *v,
                              keel_error *err)
{
    (void)c;
    if (keel_value_type(v) != KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_EINVAL, "planner: expected an object");
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const char *k = keel_value_object_key_at(v, i);
        const struct rule *r = NULL;
        for (size_t j = 0; !r && j < sizeof(rules) / sizeof(rules[0]); j++)
            if (strcmp(rules[j].name, k) == 0)
                r = &rules[j];
        if (!r)
            return keel_error_set(err, KEEL_EINVAL, "planner.%s: unknown key "
                                  "(known: prompts, examples, max_repairs, "
                                  "max_examples, max_reply_tokens, "
                                  "timeout_ms, cache)", k);
        int rc = check_one(r, keel_value_object_value_at(v, i), err);
        if (rc)
            return rc;
    }
    return 0;
}
