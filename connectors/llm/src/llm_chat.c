/*
 * llm_chat.c - one chat call: budgets first, then each model of the chain
 * in turn; for each, the breaker, the rate limits and up to max_attempts
 * exchanges with backoff, all inside one deadline. Usage, cost and the
 * recording are updated when a model answers.
 */
#include "llm_attempt.h"
#include "llm_config.h"
#include "llm_record.h"
#include "llm_resilience.h"
#include "llm_retry.h"

#include <stdio.h>
#include <string.h>

static int check_budget(keel_llm *llm, keel_error *err)
{
    pthread_mutex_lock(&llm->mu);
    keel_llm_usage u = llm->usage;
    pthread_mutex_unlock(&llm->mu);
    int64_t tokens = u.input_tokens + u.output_tokens;
    if (llm->max_tokens > 0 && tokens >= llm->max_tokens)
        return keel_error_set(err, KEEL_EDENIED, "token budget spent: %lld of "
                              "%lld tokens used (--max-tokens); no further "
                              "LLM calls", (long long)tokens,
                              (long long)llm->max_tokens);
    if (llm->max_cost > 0 && u.cost >= llm->max_cost)
        return keel_error_set(err, KEEL_EDENIED, "cost budget spent: %.4f of "
                              "%.4f used (--max-cost); no further LLM calls",
                              u.cost, llm->max_cost);
    return 0;
}

static double estimate_tokens(const keel_llm_request *req)
{
    size_t bytes = 0;
    for (size_t i = 0; i < req->n_messages; i++)
        bytes += req->messages[i].content ? strlen(req->messages[i].content) : 0;
    size_t tokens = bytes / 4 + (size_t)(req->max_tokens > 0 ? req->max_tokens
                                                             : 1024);
    return (double)tokens;
}

/* Waits for the endpoint's rate limits, within the deadline. */
static int wait_for_limits(keel_llm *llm, llm_endpoint *ep, double tokens,
                           int64_t deadline, keel_error *err)
{
    pthread_mutex_lock(&llm->mu);
    int64_t now = llm_now(llm);
    int64_t a = llm_bucket_take(&ep->rpm, 1, now);
    int64_t b = llm_bucket_take(&ep->tpm, tokens, now);
    pthread_mutex_unlock(&llm->mu);
    int64_t wait = a > b ? a : b;
    if (wait > 0 && now + wait >= deadline) {
        /* refused: the call is not made, so it spends nothing, and a
         * half-open breaker's probe is given back */
        pthread_mutex_lock(&llm->mu);
        llm_bucket_adjust(&ep->rpm, -1);
        llm_bucket_adjust(&ep->tpm, -tokens);
        llm_breaker_release(&ep->breaker);
        pthread_mutex_unlock(&llm->mu);
        return keel_error_set(err, KEEL_EUNAVAIL, "rate limit (llm.providers."
                              "%s rpm/tpm) would delay the call %lld ms, past "
                              "the deadline", ep->p->name, (long long)wait);
    }
    if (wait > 0)
        llm_sleep(llm, wait);
    return 0;
}

static int breaker_gate(keel_llm *llm, llm_endpoint *ep, keel_error *err)
{
    int64_t retry_in = 0;
    pthread_mutex_lock(&llm->mu);
    bool ok = llm_breaker_allow(&ep->breaker, llm_now(llm), &retry_in);
    int failures = ep->breaker.failures;
    pthread_mutex_unlock(&llm->mu);
    if (ok)
        return 0;
    return keel_error_set(err, KEEL_EUNAVAIL, "circuit open after %d "
                          "consecutive failures; calls fail fast for %lld ms "
                          "more", failures, (long long)retry_in);
}

static void judge(keel_llm *llm, llm_endpoint *ep, int rc,
                  const llm_outcome *how, double estimate,
                  const keel_llm_reply *out)
{
    pthread_mutex_lock(&llm->mu);
    if (rc == 0)
        llm_breaker_success(&ep->breaker);
    else if (how->unhealthy)
        llm_breaker_failure(&ep->breaker, llm_now(llm));
    else
        llm_breaker_release(&ep->breaker);
    if (rc == 0)
        llm_bucket_adjust(&ep->tpm, (double)(out->input_tokens +
                                             out->output_tokens) - estimate);
    llm->usage.attempts++;
    pthread_mutex_unlock(&llm->mu);
}

/* How long to wait before attempt n+1; -1 when that would pass the
 * deadline. */
static int64_t next_wait(keel_llm *llm, const llm_outcome *how, int n,
                         int64_t deadline)
{
    int64_t wait = how->wait_hint;
    if (wait < 0 || wait > LLM_MAX_RETRY_AFTER_MS) {
        pthread_mutex_lock(&llm->mu);
        uint64_t rnd = llm_random(llm);
        pthread_mutex_unlock(&llm->mu);
        wait = llm_backoff(n, llm->backoff_base_ms, llm->backoff_max_ms, rnd);
    }
    return llm_now(llm) + wait >= deadline ? -1 : wait;
}

static int one_model(keel_llm_reply *out, keel_llm *llm, llm_endpoint *ep,
                     const keel_llm_request *req, int64_t deadline,
                     int max_attempts, int *attempts, keel_error *err)
{
    double estimate = estimate_tokens(req);
    for (int n = 1;; n++) {
        int rc = breaker_gate(llm, ep, err);
        if (rc == 0)
            rc = wait_for_limits(llm, ep, estimate, deadline, err);
        if (rc)
            return rc;
        if (llm_now(llm) >= deadline) {
            pthread_mutex_lock(&llm->mu);
            llm_breaker_release(&ep->breaker);
            pthread_mutex_unlock(&llm->mu);
            return keel_error_set(err, KEEL_EUNAVAIL, "deadline reached before "
                                  "the request could be sent");
        }
        llm_outcome how;
        rc = llm_attempt(out, llm, ep, req, deadline - llm_now(llm), &how, err);
        ++*attempts;
        judge(llm, ep, rc, &how, estimate, out);
        if (rc == 0)
            return 0;
        keel_llm_reply_free(out); /* whatever a failed attempt left */
        if (!how.retry || n >= max_attempts)
            return n > 1 ? keel_error_prefix(err, "after %d attempts", n) : rc;
        int64_t wait = next_wait(llm, &how, n, deadline);
        if (wait < 0)
            return keel_error_prefix(err, "deadline reached after %d "
                                     "attempt%s", n, n > 1 ? "s" : "");
        llm_sleep(llm, wait);
    }
}

static int from_replay(keel_llm_reply *out, keel_llm *llm, llm_endpoint *ep,
                       const char *hash, const keel_llm_request *req,
                       keel_error *err)
{
    pthread_mutex_lock(&llm->mu);
    int rc = llm_replay_serve(out, ep->replay, hash, err);
    pthread_mutex_unlock(&llm->mu);
    if (rc == 0 && !out->model && !(out->model = keel_strdup(ep->spec)))
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (rc == 0 && req->on_token && out->text[0])
        req->on_token(req->token_ud, out->text, strlen(out->text));
    return rc;
}

static void record(keel_llm *llm, const char *hash, const keel_value *norm,
                   const keel_llm_reply *out)
{
    const char *secrets[16];
    size_t n = 0;
    for (size_t i = 0; i < llm->n_eps && n < 16; i++)
        if (llm->eps[i].key)
            secrets[n++] = llm->eps[i].key;
    char *line = NULL;
    if (llm_record_line(&line, hash, norm, out, secrets, n) != 0)
        return;
    pthread_mutex_lock(&llm->mu);
    fprintf(llm->record, "%s\n", line);
    fflush(llm->record);
    pthread_mutex_unlock(&llm->mu);
    keel_free(line);
}

static void account(keel_llm *llm, keel_llm_reply *out)
{
    const keel_value *price = llm_cfg_price(llm->config, out->model);
    out->cost = ((double)out->input_tokens * llm_cfg_num(price, "input", 0) +
                 (double)out->output_tokens * llm_cfg_num(price, "output", 0)) /
                1e6;
    pthread_mutex_lock(&llm->mu);
    llm->usage.calls++;
    llm->usage.input_tokens += out->input_tokens;
    llm->usage.output_tokens += out->output_tokens;
    llm->usage.cost += out->cost;
    pthread_mutex_unlock(&llm->mu);
}

/* Tries each model of the chain until one answers. */
static int chain(keel_llm_reply *out, keel_llm *llm, const keel_llm_request *req,
                 const char *hash, int max_attempts, size_t n_models,
                 keel_error *err)
{
    int64_t timeout = req->timeout_ms > 0 ? req->timeout_ms : llm->timeout_ms;
    if (timeout <= 0 || timeout > LLM_MAX_TIMEOUT_MS)
        timeout = timeout <= 0 ? 120000 : LLM_MAX_TIMEOUT_MS;
    int64_t deadline = llm_now(llm) + timeout;
    int attempts = 0, rc = KEEL_EUNAVAIL;
    for (size_t i = 0; i < n_models; i++) {
        llm_endpoint *ep = &llm->eps[i];
        if (i > 0 && !ep->replay && llm_now(llm) >= deadline)
            break; /* no fallback is sent past the deadline */
        rc = ep->replay ? from_replay(out, llm, ep, hash, req, err)
                        : one_model(out, llm, ep, req, deadline, max_attempts,
                                    &attempts, err);
        if (rc && !ep->replay)
            keel_error_prefix(err, "%s", ep->spec);
        if (rc == 0 && !out->model && !(out->model = keel_strdup(ep->spec)))
            rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
        if (rc != KEEL_EUNAVAIL)
            break;
    }
    out->attempts = attempts;
    if (rc == KEEL_EUNAVAIL && n_models > 1)
        keel_error_prefix(err, "all %zu models failed; the last one said",
                          n_models);
    return rc;
}

static int check_request(const keel_llm_request *req, keel_error *err)
{
    if (!req || req->n_messages == 0 || !req->messages)
        return keel_error_set(err, KEEL_EINVAL, "an LLM request needs at "
                              "least one message");
    for (size_t i = 0; i < req->n_messages; i++)
        if ((unsigned)req->messages[i].role > KEEL_LLM_ASSISTANT)
            return keel_error_set(err, KEEL_EINVAL, "message %zu: unknown "
                                  "role %d", i, (int)req->messages[i].role);
    if (req->tools && keel_value_type(req->tools) != KEEL_TYPE_LIST)
        return keel_error_set(err, KEEL_EINVAL, "tools must be a list");
    return 0;
}

/* Only a recording and a replay file know a request by its hash: a live
 * request is not normalised and hashed for nothing. */
static bool needs_hash(const keel_llm *llm, size_t n_models)
{
    if (llm->record)
        return true;
    for (size_t i = 0; i < n_models; i++)
        if (llm->eps[i].replay)
            return true;
    return false;
}

int llm_chat_run(keel_llm_reply *out, keel_llm *llm,
                 const keel_llm_request *req, int max_attempts,
                 size_t n_models, keel_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = check_request(req, err);
    if (rc == 0)
        rc = check_budget(llm, err);
    keel_value *norm = NULL;
    char hash[65] = "";
    if (rc == 0 && needs_hash(llm, n_models) &&
        (rc = llm_request_norm(&norm, req)) == 0)
        rc = llm_request_hash(hash, norm);
    if (rc == KEEL_ENOMEM)
        keel_error_set(err, rc, "out of memory");
    int64_t start = keel_now_ns();
    if (rc == 0)
        rc = chain(out, llm, req, hash, max_attempts, n_models, err);
    if (rc == 0) {
        out->latency_ms = (double)(keel_now_ns() - start) / 1e6;
        account(llm, out);
        if (llm->record)
            record(llm, hash, norm, out);
    } else { /* nothing of a failed reply is kept but how hard we tried */
        int attempts = out->attempts;
        keel_llm_reply_free(out);
        out->attempts = attempts;
    }
    keel_value_unref(norm);
    return rc;
}

int keel_llm_chat(keel_llm_reply *out, keel_llm *llm,
                  const keel_llm_request *req, keel_error *err)
{
    return llm_chat_run(out, llm, req, llm->max_attempts, llm->n_eps, err);
}
