/*
 * llm_http.h - POST over libcurl with a pool of reusable handles (kept
 * connections), the response headers the retry logic needs, and an
 * optional sink that receives a 2xx body as it arrives (streaming).
 */
#ifndef KEEL_LLM_HTTP_H
#define KEEL_LLM_HTTP_H

#include "llm_internal.h"

#define LLM_MAX_ERROR_BODY (1u << 20)
#define LLM_MAX_BODY (64u << 20) /* a successful reply, not streamed */

typedef enum llm_net {
    LLM_NET_OK,
    LLM_NET_CONNECT, /* could not connect */
    LLM_NET_TIMEOUT, /* the deadline passed */
    LLM_NET_DROPPED, /* the connection ended early */
    LLM_NET_SINK,    /* the sink refused the data */
    LLM_NET_OTHER
} llm_net;

typedef struct llm_http_req {
    const char *url;
    const char *const *headers; /* "Name: value" */
    size_t n_headers;
    const char *body;
    size_t len;
    int64_t timeout_ms;
    const char *request_id_header; /* or NULL */
    int (*sink)(void *ud, const char *p, size_t n);
    void *sink_ud;
} llm_http_req;

typedef struct llm_http_resp {
    long status; /* 0 when no reply came */
    keel_buf body; /* whole body; a non-2xx one even when streaming */
    char retry_after[64], retry_after_ms[32], should_retry[16];
    char request_id[128];
    llm_net net;
    char detail[256]; /* libcurl's words for a transport failure */
    int sink_rc;
    bool sank;    /* the sink received data */
    bool too_big; /* the reply passed LLM_MAX_BODY and was cut off */
} llm_http_resp;

int llm_http_open(llm_http **out);
void llm_http_free(llm_http *h);
/* Returns 0 when an HTTP reply arrived (any status); otherwise
 * KEEL_EUNAVAIL with resp->net and resp->detail set (or KEEL_ENOMEM). */
int llm_http_post(llm_http *h, const llm_http_req *req, llm_http_resp *resp);
void llm_http_resp_init(llm_http_resp *r);
void llm_http_resp_free(llm_http_resp *r);

#endif
