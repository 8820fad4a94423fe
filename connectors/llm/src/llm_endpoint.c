/*
 * llm_endpoint.c - set up one model of the chain. The URL is --llm-url,
 * else llm.providers.P.url, else the provider's public one. The key is read
 * from llm.providers.P.api_key_file, else the variable named by api_key_env,
 * else the provider's usual variable (OPENAI_API_KEY...). A key is required
 * only at the provider's public URL (Azure: always); OpenAI-compatible
 * local servers usually take none.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "llm_endpoint.h"
#include "llm_config.h"
#include "llm_record.h"
#include "llm_resilience.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEY 4096

/* The first line, trimmed. A key with control bytes left in it (which
 * would split the HTTP header it goes into) is refused: NULL with *bad. */
static char *dup_trimmed(const char *s, size_t n, bool *bad)
{
    size_t line = 0;
    while (line < n && s[line] != '\n' && s[line] != '\r')
        line++;
    while (line && s[line - 1] == ' ')
        line--;
    *bad = line == 0;
    for (size_t i = 0; i < line; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            *bad = true;
    return *bad ? NULL : keel_strndup(s, line);
}

static int key_from_file(char **out, const char *path, keel_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return keel_error_set(err, KEEL_EIO, "api_key_file %s: %s", path,
                              strerror(errno));
    char buf[MAX_KEY + 1];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    if (n == 0 || n > MAX_KEY)
        return keel_error_set(err, KEEL_EINVAL, "api_key_file %s: %s", path,
                              n ? "longer than 4096 bytes" : "empty");
    bool bad;
    *out = dup_trimmed(buf, n, &bad);
    explicit_bzero(buf, sizeof(buf));
    if (bad)
        return keel_error_set(err, KEEL_EINVAL, "api_key_file %s: the first "
                              "line must hold the key, without control "
                              "characters", path);
    return *out ? 0 : keel_error_set(err, KEEL_ENOMEM, "out of memory");
}

static int load_key(llm_endpoint *ep, const keel_value *pc, keel_error *err)
{
    const char *file = llm_jstr(pc, "api_key_file");
    if (file) {
        ep->key_from_file = true;
        return key_from_file(&ep->key, file, err);
    }
    const char *var = llm_endpoint_key_source(ep);
    const char *val = var ? getenv(var) : NULL;
    if (!val || !*val)
        return 0;
    bool bad;
    if (!(ep->key = dup_trimmed(val, strlen(val), &bad)))
        return bad ? keel_error_set(err, KEEL_EINVAL, "%s: the key holds "
                                    "control characters", var)
                   : keel_error_set(err, KEEL_ENOMEM, "out of memory");
    return 0;
}

const char *llm_endpoint_key_source(const llm_endpoint *ep)
{
    return ep->key_env ? ep->key_env : ep->p ? ep->p->key_env : NULL;
}

bool llm_endpoint_needs_key(const llm_endpoint *ep)
{
    if (!ep->p || !ep->p->key_env || ep->key)
        return false;
    return !ep->p->default_url || strcmp(ep->url, ep->p->default_url) == 0;
}

static int split(llm_endpoint *ep, const char *spec, keel_error *err)
{
    const char *colon = strchr(spec, ':');
    if (!colon || colon == spec || !colon[1])
        return keel_error_set(err, KEEL_EINVAL, "model '%s': expected "
                              "PROVIDER:MODEL (e.g. openai:gpt-4o)", spec);
    char name[32];
    snprintf(name, sizeof(name), "%.*s", (int)(colon - spec), spec);
    if (strcmp(name, "replay") != 0 && !(ep->p = llm_provider_find(name)))
        return keel_error_set(err, KEEL_EINVAL, "model '%s': unknown provider "
                              "'%s' (known: %s, replay)", spec, name,
                              llm_provider_names());
    if (!(ep->spec = keel_strdup(spec)) || !(ep->model = keel_strdup(colon + 1)))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    return 0;
}

static int set_url(llm_endpoint *ep, const char *url, const keel_value *pc,
                   keel_error *err)
{
    if (!url)
        url = llm_jstr(pc, "url");
    if (!url)
        url = ep->p->default_url;
    if (!url)
        return keel_error_set(err, KEEL_EINVAL, "%s: no endpoint URL: set "
                              "llm.providers.%s.url or give --llm-url",
                              ep->spec, ep->p->name);
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return keel_error_set(err, KEEL_EINVAL, "%s: URL '%s' must start "
                              "with http:// or https://", ep->spec, url);
    size_t n = strlen(url);
    while (n > 8 && url[n - 1] == '/')
        n--;
    const char *ver = llm_jstr(pc, "api_version");
    if (!ver)
        ver = ep->p->default_version ? ep->p->default_version : "";
    const char *kenv = llm_jstr(pc, "api_key_env");
    if (!(ep->url = keel_strndup(url, n)) || !(ep->version = keel_strdup(ver)) ||
        (kenv && !(ep->key_env = keel_strdup(kenv))))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    return 0;
}

/* OpenAI's reasoning models (o1, o3, o4-mini, gpt-5, ...) refuse any
 * temperature but the default and max_tokens; so does any model listed in
 * llm.reasoning_models (an Azure deployment may have any name). */
static bool reasoning_model(const llm_endpoint *ep, const keel_value *cfg)
{
    const keel_value *listed = keel_value_object_get(cfg, "reasoning_models");
    for (size_t i = 0; i < keel_value_len(listed); i++) {
        const char *s =
            keel_value_get_string(keel_value_list_at(listed, i), NULL);
        if (s && strcmp(s, ep->spec) == 0)
            return true;
    }
    if (ep->p != &llm_provider_openai && ep->p != &llm_provider_azure)
        return false;
    const char *m = ep->model;
    if (m[0] == 'o' && m[1] >= '1' && m[1] <= '9')
        return m[2] == '\0' || m[2] == '-';
    return strncmp(m, "gpt-5", 5) == 0 &&
           (m[5] == '\0' || m[5] == '-' || m[5] == '.');
}

int llm_endpoint_init(llm_endpoint *ep, const char *spec, const char *url,
                      const keel_value *cfg, int64_t now, keel_error *err)
{
    memset(ep, 0, sizeof(*ep));
    int rc = split(ep, spec, err);
    if (rc)
        return rc;
    if (!ep->p)
        return llm_replay_load(&ep->replay, ep->model, err);
    const keel_value *pc = llm_cfg_provider(cfg, ep->p->name);
    const keel_value *breaker = keel_value_object_get(cfg, "breaker");
    ep->breaker.threshold = (int)llm_cfg_int(breaker, "failures", 5);
    ep->breaker.cooldown_ms = llm_cfg_int(breaker, "cooldown_ms", 30000);
    llm_bucket_init(&ep->rpm, (double)llm_cfg_int(pc, "rpm", 0), now);
    llm_bucket_init(&ep->tpm, (double)llm_cfg_int(pc, "tpm", 0), now);
    ep->reasoning = reasoning_model(ep, cfg);
    rc = set_url(ep, url, pc, err);
    return rc ? rc : load_key(ep, pc, err);
}

void llm_endpoint_fini(llm_endpoint *ep)
{
    if (ep->key) /* do not leave the secret in freed memory */
        memset(ep->key, 0, strlen(ep->key));
    keel_free(ep->key);
    keel_free(ep->key_env);
    keel_free(ep->spec);
    keel_free(ep->model);
    keel_free(ep->url);
    keel_free(ep->version);
    llm_replay_free(ep->replay);
}
