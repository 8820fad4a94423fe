/*
 * otlp_http.c - POSTing a trace to an OTLP/HTTP collector with libcurl:
 * a timeout, no signals, http(s) only, no redirects, and no proxy but the
 * configured one (the environment's proxy variables are ignored, so spans
 * do not leave through a proxy nobody chose for them).
 */
#include <keel/otlp.h>

#include "alloc.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The collector's reply is not needed: read and dropped. */
static size_t drop(char *p, size_t size, size_t n, void *ud) /* NOLINT */
{
    (void)p;
    (void)ud;
    return size * n;
}

static void set_options(CURL *c, const char *url, const char *body,
                        struct curl_slist *hdrs, const keel_otlp_opts *o,
                        char *errbuf)
{
    long t = o->timeout_ms > 0 ? o->timeout_ms : 5000;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, t);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, t);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, o->proxy ? o->proxy : "");
}

static int post(const char *url, const char *body, const keel_otlp_opts *o,
                keel_error *err)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    struct curl_slist *h2 = h ? curl_slist_append(h, "Expect:") : NULL;
    if (!c || !h2) {
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    set_options(c, url, body, h2, o, errbuf);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h2);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: %s", url,
                              errbuf[0] ? errbuf : curl_easy_strerror(rc));
    if (status < 200 || status > 299)
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: the collector answered "
                              "HTTP %ld", url, status);
    return 0;
}

int keel_otlp_export(const keel_trace *t, const keel_otlp_opts *o,
                     keel_error *err)
{
    pthread_once(&once, global_init);
    if (global_rc != CURLE_OK)
        return keel_error_set(err, KEEL_EUNAVAIL, "libcurl cannot start");
    if (!o->url || !*o->url)
        return keel_error_set(err, KEEL_EINVAL, "no OTLP URL");
    size_t n = strlen(o->url);
    while (n && o->url[n - 1] == '/')
        n--;
    char *url = keel_malloc(n + 16), *body = NULL;
    int rc = url ? keel_otlp_encode(&body, t, o) : KEEL_ENOMEM;
    if (rc) {
        keel_free(url);
        return keel_error_set(err, rc, "out of memory");
    }
    snprintf(url, n + 16, "%.*s/v1/traces", (int)n, o->url);
    rc = post(url, body, o, err);
    keel_free(body);
    keel_free(url);
    return rc;
}
