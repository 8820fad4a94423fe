/*
 * planner_cache.c - validated plans kept by what produced them.
 *
 * The key covers everything that shapes the model's answer (goal, the
 * catalog shown, the policy, the model, the templates, the examples), so a
 * change to any of them misses. A hit is not trusted: the planner checks
 * the cached plan again, as it would a reply, before using it.
 */
#include "planner_internal.h"

#include "file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void planner_cache_key(char out[65], const char *const parts[], size_t n)
{
    keel_sha256_ctx h;
    keel_sha256_init(&h);
    for (size_t i = 0; i < n; i++) { /* each part with its NUL: unambiguous */
        const char *p = parts[i] ? parts[i] : "";
        keel_sha256_update(&h, p, strlen(p) + 1);
    }
    keel_sha256_final_hex(&h, out);
}

static int entry_path(char *buf, size_t cap, const char *dir, const char *key)
{
    return (size_t)snprintf(buf, cap, "%s/%s.json", dir, key) < cap ? 0 : -1;
}

void planner_cache_get(keel_plan **out, const char *dir, const char *key,
                       keel_error *err)
{
    *out = NULL;
    char path[4096], *text = NULL;
    size_t len = 0;
    if (entry_path(path, sizeof(path), dir, key) != 0)
        return;
    /* only a file this user wrote, in a directory only this user can
     * write: anyone else could plant a plan */
    int rc = keel_file_read_private(&text, &len, path, KEEL_PLAN_MAX_BYTES, err);
    if (rc == KEEL_ENOTFOUND)
        memset(err, 0, sizeof(*err));
    if (rc)
        return;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_parse(out, text, len, &d) != 0)
        unlink(path);
    keel_diags_free(&d);
    keel_free(text);
}

int planner_cache_put(const char *dir, const char *key, const keel_plan *plan,
                      keel_error *err)
{
    char path[4096], *json = NULL;
    if (entry_path(path, sizeof(path), dir, key) != 0)
        return keel_error_set(err, KEEL_EINVAL, "%s: path too long", dir);
    int rc = keel_plan_to_json(&json, plan);
    if (rc)
        return keel_error_set(err, rc, "out of memory");
    rc = keel_file_write_atomic(path, json, strlen(json), 0600, err);
    keel_free(json);
    return rc;
}

void planner_cache_drop(const char *dir, const char *key)
{
    char path[4096];
    if (entry_path(path, sizeof(path), dir, key) == 0)
        unlink(path);
}
