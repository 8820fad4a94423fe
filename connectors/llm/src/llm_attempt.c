/*
 * llm_attempt.c - one exchange: encode the request in the endpoint's wire
 * format, POST it, and turn what came back into a reply or a clean error
 * naming the status and a short excerpt of the body. Streams are framed
 * (SSE or NDJSON) and decoded as they arrive.
 */
#include "llm_attempt.h"
#include "llm_encode.h"
#include "llm_endpoint.h"
#include "llm_http.h"
#include "llm_retry.h"
#include "llm_stream.h"

#include <stdio.h>
#include <string.h>

typedef struct exchange {
    const llm_endpoint *ep;
    llm_acc acc;
    llm_stream stream;
    keel_error stream_err;
} exchange;

/* What a status means to the user, beyond the provider's own words. */
static const struct {
    long status;
    const char *hint;
    bool about_key; /* the hint ends by naming where the key comes from */
} status_hints[] = {
    {400, "the provider refused the request", false},
    {401, "the provider refused the API key; check ", true},
    {403, "the API key may not use this model or endpoint; check ", true},
    {404, "no such model or endpoint (check the model name and URL)", false},
    {429, "rate limited", false},
    {529, "the provider is overloaded", false},
};

static void hint_for(char *out, size_t cap, long status,
                     const llm_endpoint *ep)
{
    char file_source[96];
    const char *key = llm_endpoint_key_source(ep);
    if (ep->key_from_file) { /* name where the key really came from */
        snprintf(file_source, sizeof(file_source),
                 "llm.providers.%s.api_key_file", ep->p->name);
        key = file_source;
    }
    for (size_t i = 0; i < sizeof(status_hints) / sizeof(status_hints[0]); i++)
        if (status_hints[i].status == status) {
            snprintf(out, cap, "%s%s", status_hints[i].hint,
                     status_hints[i].about_key ? (key ? key : "the key") : "");
            return;
        }
    snprintf(out, cap, "%s", status >= 500 ? "the provider failed"
                                           : "unexpected status");
}

static int on_event(void *ud, const char *event, const char *data, size_t n)
{
    exchange *x = ud;
    return x->ep->p->event(&x->acc, event, data, n, &x->stream_err);
}

static int on_bytes(void *ud, const char *p, size_t n)
{
    exchange *x = ud;
    return llm_stream_feed(&x->stream, p, n);
}

static int http_failure(const llm_endpoint *ep, const char *url,
                        const llm_http_resp *r, exchange *x, llm_outcome *how,
                        keel_error *err)
{
    how->retry = r->net != LLM_NET_SINK && !r->sank;
    how->unhealthy = r->net != LLM_NET_SINK;
    switch (r->net) {
    case LLM_NET_CONNECT:
        /* libcurl's detail carries timings: keep the message stable */
        return keel_error_set(err, KEEL_EUNAVAIL, "cannot connect to %s (is "
                              "the server running? check the URL)", url);
    case LLM_NET_TIMEOUT:
        return keel_error_set(err, KEEL_EUNAVAIL, "no complete reply from %s "
                              "before the deadline", url);
    case LLM_NET_SINK:
        if (x->stream_err.code == 0)
            keel_error_set(&x->stream_err, KEEL_EUNAVAIL, "stream event too "
                           "large or out of memory");
        *err = x->stream_err;
        return keel_error_prefix(err, "HTTP %ld from %s: malformed stream",
                                 r->status, url);
    default:
        (void)ep;
        return keel_error_set(err, KEEL_EUNAVAIL, "connection to %s failed: "
                              "%s", url, r->detail);
    }
}

static int status_failure(const llm_endpoint *ep, const char *url,
                          llm_http_resp *r, llm_outcome *how, keel_error *err)
{
    keel_value *body = NULL;
    keel_error perr = {0};
    llm_parse_object(&body, r->body.data ? r->body.data : "", r->body.len,
                     &perr);
    bool quota = llm_error_is_quota(body);
    const char *msg = llm_error_message(body);
    how->retry = llm_retryable(r->status, quota, r->should_retry);
    how->unhealthy = how->retry;
    char hint[160], ex[LLM_EXCERPT + 8];
    hint_for(hint, sizeof(hint), r->status, ep);
    llm_excerpt(ex, sizeof(ex), r->body.data ? r->body.data : "", r->body.len);
    int rc = quota ? keel_error_set(err, KEEL_EUNAVAIL, "HTTP %ld from %s: "
                                    "insufficient_quota: this is a billing "
                                    "problem, not load: add credit or raise "
                                    "the quota (not retried): %s", r->status,
                                    url, msg ? msg : ex)
                   : keel_error_set(err, KEEL_EUNAVAIL, "HTTP %ld from %s: %s: "
                                    "%s", r->status, url, hint,
                                    msg ? msg : r->body.len ? ex : "(empty body)");
    keel_value_unref(body);
    return rc;
}

static int success(keel_llm_reply *out, exchange *x, const char *url,
                   llm_http_resp *r, bool stream, keel_error *err)
{
    int rc = 0;
    if (stream) {
        rc = llm_stream_end(&x->stream);
        if (rc == 0 && !x->acc.done)
            rc = keel_error_set(err, KEEL_EUNAVAIL, "the stream ended before "
                                "the reply was complete");
        else if (rc)
            *err = x->stream_err;
    } else {
        keel_value *body = NULL;
        rc = llm_parse_object(&body, r->body.data ? r->body.data : "",
                              r->body.len, err);
        if (rc == 0)
            rc = x->ep->p->decode(&x->acc, body, err);
        keel_value_unref(body);
    }
    llm_acc_request_id(&x->acc, r->request_id);
    if (rc == 0)
        rc = llm_acc_finish(out, &x->acc, err);
    if (rc && rc != KEEL_ENOMEM)
        keel_error_prefix(err, "HTTP %ld from %s: malformed reply", r->status,
                          url);
    return rc;
}

/* Content type, key and version headers; the key one is built in place
 * and wiped by the caller. */
static size_t headers(const char **out, char *auth, size_t acap, char *ver,
                      size_t vcap, const llm_endpoint *ep)
{
    size_t n = 0;
    out[n++] = "Content-Type: application/json";
    if (ep->key && ep->p->auth_header) {
        snprintf(auth, acap, "%s%s", ep->p->auth_header, ep->key);
        out[n++] = auth;
    }
    if (ep->p->version_header) {
        snprintf(ver, vcap, "%s%s", ep->p->version_header, ep->version);
        out[n++] = ver;
    }
    return n;
}

static int send_and_read(keel_llm_reply *out, keel_llm *llm, exchange *x,
                         const keel_llm_request *req, const char *url,
                         const char *body, int64_t timeout_ms,
                         llm_outcome *how, keel_error *err)
{
    const llm_endpoint *ep = x->ep;
    const char *hdrs[4];
    char auth[4200], ver[128];
    llm_http_req hr = {
        .url = url, .headers = hdrs, .body = body, .len = strlen(body),
        .timeout_ms = timeout_ms, .request_id_header = ep->p->request_id_header,
        .sink = req->stream ? on_bytes : NULL, .sink_ud = x};
    hr.n_headers = headers(hdrs, auth, sizeof(auth), ver, sizeof(ver), ep);
    llm_http_resp r;
    llm_http_resp_init(&r);
    int rc = llm_http_post(llm->http, &hr, &r);
    memset(auth, 0, sizeof(auth));
    if (rc == KEEL_ENOMEM)
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    else if (rc)
        rc = http_failure(ep, url, &r, x, how, err);
    else if (r.status < 200 || r.status > 299)
        rc = status_failure(ep, url, &r, how, err);
    else
        rc = success(out, x, url, &r, req->stream, err);
    how->wait_hint = llm_retry_after(r.retry_after_ms, r.retry_after,
                                     llm_wall(llm));
    llm_http_resp_free(&r);
    return rc;
}

/* Replaces every occurrence of s in msg with "<redacted>". */
static void redact_in(char *msg, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 4) /* too short to be a secret, or none */
        return;
    char out[KEEL_ERROR_MAX];
    size_t o = 0;
    for (const char *p = msg; *p && o + 1 < sizeof(out);) {
        if (strncmp(p, s, n) == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "<redacted>");
            p += n;
        } else
            out[o++] = *p++;
    }
    out[o < sizeof(out) ? o : sizeof(out) - 1] = '\0';
    snprintf(msg, cap, "%s", out);
}

/* Drops the user:password part of every URL in msg ("https://u:p@h/" is
 * shown as "https://h/"). */
static void strip_userinfo(char *msg)
{
    for (char *p = strstr(msg, "://"); p; p = strstr(p + 3, "://")) {
        char *host = p + 3;
        size_t span = strcspn(host, "/ @\"'");
        if (host[span] == '@')
            memmove(host, host + span + 1, strlen(host + span + 1) + 1);
    }
}

/* Whatever a provider echoed back (some echo the key in their error text)
 * and whatever URL we print: no secret leaves in a message. */
static void scrub(keel_error *err, const llm_endpoint *ep)
{
    redact_in(err->msg, sizeof(err->msg), ep->key);
    strip_userinfo(err->msg);
}

int llm_attempt(keel_llm_reply *out, keel_llm *llm, llm_endpoint *ep,
                const keel_llm_request *req, int64_t timeout_ms,
                llm_outcome *how, keel_error *err)
{
    memset(how, 0, sizeof(*how));
    how->wait_hint = -1;
    if (llm_endpoint_needs_key(ep))
        return keel_error_set(err, KEEL_EUNAVAIL, "no API key: set %s (or "
                              "llm.providers.%s.api_key_file in the config)",
                              llm_endpoint_key_source(ep), ep->p->name);
    exchange x = {.ep = ep};
    llm_acc_init(&x.acc, req->on_token, req->token_ud);
    x.acc.schema_tool =
        ep->p->schema_as_tool && req->schema ? llm_schema_name(req) : NULL;
    llm_stream_init(&x.stream, ep->p->framing, on_event, &x);
    keel_buf url, body;
    keel_buf_init(&url);
    keel_buf_init(&body);
    ep->p->url(&url, ep);
    ep->p->encode(&body, ep, req);
    int rc = url.failed || body.failed
                 ? keel_error_set(err, KEEL_ENOMEM, "out of memory")
                 : send_and_read(out, llm, &x, req, url.data, body.data,
                                 timeout_ms, how, err);
    keel_buf_free(&url);
    keel_buf_free(&body);
    llm_stream_free(&x.stream);
    llm_acc_free(&x.acc);
    if (rc)
        scrub(err, ep);
    return rc;
}
