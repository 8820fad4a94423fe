/*
 * llm.c - the client: open it from options, the configuration and the
 * environment (in that order of precedence), the clock it runs on, usage
 * totals, and `ping`.
 */
#include "llm_config.h"
#include "llm_endpoint.h"
#include "llm_http.h"
#include "llm_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CHAIN 16

int64_t llm_now(keel_llm *llm)
{
    if (llm->clock.now_ms)
        return llm->clock.now_ms(llm->clock.ud);
    return keel_now_ns() / 1000000;
}

void llm_sleep(keel_llm *llm, int64_t ms)
{
    if (llm->clock.sleep_ms) {
        llm->clock.sleep_ms(llm->clock.ud, ms);
        return;
    }
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

uint64_t llm_random(keel_llm *llm)
{
    if (llm->clock.random)
        return llm->clock.random(llm->clock.ud);
    uint64_t x = llm->rng; /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return llm->rng = x;
}

int64_t llm_wall(keel_llm *llm)
{
    if (llm->clock.wall_s)
        return llm->clock.wall_s(llm->clock.ud);
    return (int64_t)time(NULL);
}

/* The first model: the option, else $KEEL_LLM, else llm.model. */
static const char *first_model(const keel_llm_options *o)
{
    const char *env = getenv("KEEL_LLM");
    if (o->model && *o->model)
        return o->model;
    if (env && *env)
        return env;
    return llm_jstr(o->config, "model");
}

static int add_endpoints(keel_llm *llm, const keel_llm_options *o,
                         keel_error *err)
{
    const char *specs[MAX_CHAIN];
    size_t n = 0;
    const keel_value *cfg_fb = keel_value_object_get(o->config, "fallback");
    specs[n++] = first_model(o);
    if (!specs[0])
        return keel_error_set(err, KEEL_EINVAL, "no model: give --llm "
                              "PROVIDER:MODEL, set KEEL_LLM, or set llm.model "
                              "in the config");
    size_t nfb = o->n_fallbacks ? o->n_fallbacks : keel_value_len(cfg_fb);
    if (nfb >= MAX_CHAIN)
        return keel_error_set(err, KEEL_EINVAL, "at most %d fallback models",
                              MAX_CHAIN - 1);
    for (size_t i = 0; i < nfb; i++)
        specs[n++] = o->n_fallbacks ? o->fallbacks[i]
                                    : keel_value_get_string(
                                          keel_value_list_at(cfg_fb, i), NULL);
    if (!(llm->eps = keel_calloc(n, sizeof(*llm->eps))))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        llm->n_eps = i + 1;
        int rc = llm_endpoint_init(&llm->eps[i], specs[i] ? specs[i] : "",
                                   i == 0 ? o->base_url : NULL, o->config,
                                   llm_now(llm), err);
        if (rc)
            return rc;
    }
    return 0;
}

static void settings(keel_llm *llm, const keel_llm_options *o)
{
    const keel_value *c = o->config;
    llm->max_attempts = o->max_attempts > 0
                            ? o->max_attempts
                            : (int)llm_cfg_int(c, "max_attempts", 4);
    if (llm->max_attempts < 1)
        llm->max_attempts = 1;
    llm->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms
                                        : llm_cfg_int(c, "timeout_ms", 120000);
    llm->backoff_base_ms = llm_cfg_int(c, "backoff_base_ms", 500);
    llm->backoff_max_ms = llm_cfg_int(c, "backoff_max_ms", 20000);
    llm->max_cost = o->max_cost > 0 ? o->max_cost : llm_cfg_num(c, "max_cost", 0);
    llm->max_tokens = o->max_tokens > 0 ? o->max_tokens
                                        : llm_cfg_int(c, "max_tokens", 0);
    llm->rng = (uint64_t)keel_now_ns() | 1u;
}

static int open_parts(keel_llm *llm, const keel_llm_options *o,
                      keel_error *err)
{
    if (o->config) {
        int rc = llm_config_validate(o->config, err);
        if (rc)
            return rc;
        llm->config = keel_value_ref(o->config);
    }
    settings(llm, o);
    if (llm_http_open(&llm->http) != 0)
        return keel_error_set(err, KEEL_EUNAVAIL, "libcurl failed to start");
    int rc = add_endpoints(llm, o, err);
    if (rc == 0 && o->record_path && !(llm->record = fopen(o->record_path, "a")))
        rc = keel_error_set(err, KEEL_EIO, "--record %s: cannot open for "
                            "appending", o->record_path);
    return rc;
}

int keel_llm_open(keel_llm **out, const keel_llm_options *opts,
                  keel_error *err)
{
    static const keel_llm_options none;
    const keel_llm_options *o = opts ? opts : &none;
    *out = NULL;
    keel_llm *llm = keel_calloc(1, sizeof(*llm));
    if (!llm)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    pthread_mutex_init(&llm->mu, NULL);
    if (o->clock)
        llm->clock = *o->clock;
    int rc = open_parts(llm, o, err);
    if (rc) {
        keel_llm_free(llm);
        return rc;
    }
    *out = llm;
    return 0;
}

void keel_llm_free(keel_llm *llm)
{
    if (!llm)
        return;
    for (size_t i = 0; i < llm->n_eps; i++)
        llm_endpoint_fini(&llm->eps[i]);
    keel_free(llm->eps);
    if (llm->record)
        fclose(llm->record);
    llm_http_free(llm->http);
    keel_value_unref(llm->config);
    pthread_mutex_destroy(&llm->mu);
    keel_free(llm);
}

void keel_llm_usage_get(keel_llm_usage *out, keel_llm *llm)
{
    pthread_mutex_lock(&llm->mu);
    *out = llm->usage;
    pthread_mutex_unlock(&llm->mu);
}

const char *keel_llm_model(const keel_llm *llm)
{
    return llm->eps[0].spec;
}

int keel_llm_ping(keel_llm *llm, char *buf, size_t cap, keel_error *err)
{
    const llm_endpoint *ep = &llm->eps[0];
    if (ep->replay) {
        snprintf(buf, cap, "%s: %zu recordings", ep->spec,
                 llm_replay_count(ep->replay));
        return 0;
    }
    keel_llm_message m = {KEEL_LLM_USER, "Reply with the word pong."};
    keel_llm_request req = {.messages = &m, .n_messages = 1,
                            .temperature = -1, .max_tokens = 8,
                            .timeout_ms = llm->timeout_ms < 30000
                                              ? llm->timeout_ms : 30000};
    keel_llm_reply r;
    int rc = llm_chat_run(&r, llm, &req, 1, 1, err); /* no retry, no fallback */
    if (rc == 0)
        snprintf(buf, cap, "%s at %s: ok, %.0f ms", ep->spec, ep->url,
                 r.latency_ms);
    keel_llm_reply_free(&r);
    return rc;
}
