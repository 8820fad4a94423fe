/*
 * otlp_config.c - the "trace" section of the configuration: where spans
 * go (otlp_url), whether contents go with them, the timeout and a proxy.
 */
#include <keel/otlp.h>

#include "otlp_config_check.h"

#include <stdio.h>
#include <string.h>

typedef int (*key_fn)(const keel_value *v, const char *path, keel_error *err);

static bool http_url(const char *s)
{
    return s && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

static int check_url(const keel_value *v, const char *path, keel_error *err)
{
    if (http_url(keel_value_get_string(v, NULL)))
        return 0;
    return keel_error_set(err, KEEL_EINVAL, "%s: give an http:// or https:// "
                          "URL", path);
}

static int check_bool(const keel_value *v, const char *path, keel_error *err)
{
    if (keel_value_type(v) == KEEL_TYPE_BOOL)
        return 0;
    return keel_error_set(err, KEEL_ETYPE, "%s: expected true or false", path);
}

static int check_timeout(const keel_value *v, const char *path,
                         keel_error *err)
{
    int64_t ms = keel_value_get_int(v);
    if (keel_value_type(v) == KEEL_TYPE_INT && ms >= 1 && ms <= 600000)
        return 0;
    return keel_error_set(err, KEEL_EINVAL, "%s: give milliseconds from 1 to "
                          "600000", path);
}

static const struct {
    const char *key;
    key_fn check;
} keys[] = {
    {"otlp_url", check_url},
    {"content", check_bool},
    {"timeout_ms", check_timeout},
    {"proxy", check_url},
};

int keel_trace_config_check(keel_config *c, const keel_value *v,
                            keel_error *err)
{
    (void)c;
    if (keel_value_type(v) != KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_ETYPE, "trace: expected object, got %s",
                              keel_type_name(keel_value_type(v)));
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const char *k = keel_value_object_key_at(v, i);
        char path[160];
        snprintf(path, sizeof(path), "trace.%s", k);
        size_t j = 0;
        while (j < sizeof(keys) / sizeof(keys[0]) && strcmp(keys[j].key, k) != 0)
            j++;
        if (j == sizeof(keys) / sizeof(keys[0]))
            return keel_error_set(err, KEEL_EINVAL, "%s: unknown key (known: "
                                  "otlp_url, content, timeout_ms, proxy)", path);
        int rc = keys[j].check(keel_value_object_value_at(v, i), path, err);
        if (rc)
            return rc;
    }
    return 0;
}

void keel_otlp_opts_from_config(keel_otlp_opts *o, const keel_config *c)
{
    const keel_value *t = c ? keel_config_section(c, "trace") : NULL;
    const keel_value *ms = keel_value_object_get(t, "timeout_ms");
    memset(o, 0, sizeof(*o));
    o->url = keel_value_get_string(keel_value_object_get(t, "otlp_url"), NULL);
    o->content = keel_value_get_bool(keel_value_object_get(t, "content"));
    o->timeout_ms = keel_value_type(ms) == KEEL_TYPE_INT
                        ? (long)keel_value_get_int(ms) : 0;
    o->proxy = keel_value_get_string(keel_value_object_get(t, "proxy"), NULL);
}
