/*
 * llm_http.c - the libcurl transport. Handles are pooled so that
 * connections are kept between calls; curl_easy_reset clears options but
 * keeps the connection cache. No verbose output is ever enabled, so keys in
 * headers cannot reach a log.
 */
#include "llm_http.h"

#include <curl/curl.h>
#include <string.h>
#include <strings.h>

#define POOL 16

struct llm_http {
    pthread_mutex_t mu;
    CURL *idle[POOL];
    size_t n_idle;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int llm_http_open(llm_http **out)
{
    pthread_once(&global_once, global_init);
    *out = NULL;
    if (global_rc != CURLE_OK)
        return KEEL_EUNAVAIL;
    llm_http *h = keel_calloc(1, sizeof(*h));
    if (!h)
        return KEEL_ENOMEM;
    pthread_mutex_init(&h->mu, NULL);
    *out = h;
    return 0;
}

void llm_http_free(llm_http *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_idle; i++)
        curl_easy_cleanup(h->idle[i]);
    pthread_mutex_destroy(&h->mu);
    keel_free(h);
}

static CURL *take(llm_http *h)
{
    CURL *c = NULL;
    pthread_mutex_lock(&h->mu);
    if (h->n_idle)
        c = h->idle[--h->n_idle];
    pthread_mutex_unlock(&h->mu);
    if (c)
        curl_easy_reset(c);
    return c ? c : curl_easy_init();
}

static void give_back(llm_http *h, CURL *c)
{
    pthread_mutex_lock(&h->mu);
    if (h->n_idle < POOL) {
        h->idle[h->n_idle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&h->mu);
    if (c)
        curl_easy_cleanup(c);
}

void llm_http_resp_init(llm_http_resp *r)
{
    memset(r, 0, sizeof(*r));
    keel_buf_init(&r->body);
}

void llm_http_resp_free(llm_http_resp *r)
{
    keel_buf_free(&r->body);
}

typedef struct xfer {
    CURL *curl;
    const llm_http_req *req;
    llm_http_resp *resp;
} xfer;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    if (x->resp->status == 0)
        curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->resp->status);
    long st = x->resp->status;
    if (x->req->sink && st >= 200 && st < 300) {
        x->resp->sank = true;
        x->resp->sink_rc = x->req->sink(x->req->sink_ud, p, len);
        return x->resp->sink_rc ? 0 : len;
    }
    /* a broken or hostile server cannot make keel allocate without end */
    if (st >= 200 && st < 300 && x->resp->body.len + len > LLM_MAX_BODY) {
        x->resp->too_big = true;
        return 0;
    }
    if (x->resp->body.len < LLM_MAX_ERROR_BODY || (st >= 200 && st < 300))
        keel_buf_append(&x->resp->body, p, len);
    return x->resp->body.failed ? 0 : len;
}

/* Copies the value of header "name:" in line into out. */
static void header(const char *line, size_t n, const char *name, char *out,
                   size_t cap)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return;
    const char *v = line + k + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t m = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
    memcpy(out, v, m);
    out[m] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    llm_http_resp *r = x->resp;
    header(p, len, "retry-after", r->retry_after, sizeof(r->retry_after));
    header(p, len, "retry-after-ms", r->retry_after_ms,
           sizeof(r->retry_after_ms));
    header(p, len, "x-should-retry", r->should_retry, sizeof(r->should_retry));
    if (x->req->request_id_header)
        header(p, len, x->req->request_id_header, r->request_id,
               sizeof(r->request_id));
    return len;
}

static const struct {
    CURLcode code;
    llm_net net;
} net_kinds[] = {
    {CURLE_COULDNT_CONNECT, LLM_NET_CONNECT},
    {CURLE_COULDNT_RESOLVE_HOST, LLM_NET_CONNECT},
    {CURLE_COULDNT_RESOLVE_PROXY, LLM_NET_CONNECT},
    {CURLE_OPERATION_TIMEDOUT, LLM_NET_TIMEOUT},
    {CURLE_GOT_NOTHING, LLM_NET_DROPPED},
    {CURLE_RECV_ERROR, LLM_NET_DROPPED},
    {CURLE_SEND_ERROR, LLM_NET_DROPPED},
    {CURLE_PARTIAL_FILE, LLM_NET_DROPPED},
    {CURLE_WRITE_ERROR, LLM_NET_SINK},
};

static llm_net classify(CURLcode rc)
{
    for (size_t i = 0; i < sizeof(net_kinds) / sizeof(net_kinds[0]); i++)
        if (net_kinds[i].code == rc)
            return net_kinds[i].net;
    return LLM_NET_OTHER;
}

static struct curl_slist *header_list(const llm_http_req *req, bool *oom)
{
    struct curl_slist *list = NULL;
    *oom = false;
    for (size_t i = 0; i <= req->n_headers; i++) {
        /* "Expect:" turns off 100-continue round trips */
        const char *h = i < req->n_headers ? req->headers[i] : "Expect:";
        struct curl_slist *next = curl_slist_append(list, h);
        if (!next) {
            curl_slist_free_all(list);
            *oom = true;
            return NULL;
        }
        list = next;
    }
    return list;
}

static void set_options(CURL *c, const llm_http_req *req,
                        struct curl_slist *hdrs, xfer *x, char *errbuf)
{
    int64_t t = req->timeout_ms > 0 ? req->timeout_ms : 1;
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)t);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(t < 10000 ? t : 10000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
}

int llm_http_post(llm_http *h, const llm_http_req *req, llm_http_resp *resp)
{
    bool oom = false;
    CURL *c = take(h);
    struct curl_slist *hdrs = c ? header_list(req, &oom) : NULL;
    if (!c || oom) {
        if (c)
            curl_easy_cleanup(c);
        return KEEL_ENOMEM;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    xfer x = {c, req, resp};
    set_options(c, req, hdrs, &x, errbuf);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_slist_free_all(hdrs);
    /* nothing of this request (header list, buffers on our stack) stays
     * set on a handle that goes back to the pool */
    curl_easy_reset(c);
    give_back(h, c);
    if (rc == CURLE_OK)
        return resp->body.failed ? KEEL_ENOMEM : 0;
    resp->net = resp->body.failed || resp->too_big ? LLM_NET_OTHER : classify(rc);
    snprintf(resp->detail, sizeof(resp->detail), "%s",
             resp->too_big ? "the reply is larger than 64 MiB"
             : errbuf[0]   ? errbuf
                           : curl_easy_strerror(rc));
    return resp->body.failed ? KEEL_ENOMEM : KEEL_EUNAVAIL;
}
