/*
 * llm.c - per-request overhead of keel's LLM connector against a bare
 * libcurl + cJSON request, both to the mock provider on loopback in the
 * same run, with kept-alive connections. Prints figures; asserts nothing.
 */
#include "mock_llm.h"

#include <keel/llm.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#define N 2000
#define REPLY "{\"repeat\":%d,\"json\":{\"id\":\"c\",\"choices\":[{\"message\":" \
              "{\"content\":\"Hello there, this is a reply.\"},\"finish_reason\":" \
              "\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":7}}}"

static size_t collect(char *p, size_t s, size_t n, void *ud)
{
    char *buf = ud;
    size_t len = strlen(buf), add = s * n;
    if (len + add < 65536) {
        memcpy(buf + len, p, add);
        buf[len + add] = '\0';
    }
    return add;
}

static double bare(const char *url)
{
    char full[256], body[65536];
    snprintf(full, sizeof(full), "%s/v1/chat/completions", url);
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Authorization: Bearer sk-bench");
    const char *req = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                      "\"content\":\"hi\"}],\"max_tokens\":1024}";
    int64_t t0 = keel_now_ns();
    for (int i = 0; i < N; i++) {
        body[0] = '\0';
        curl_easy_setopt(c, CURLOPT_URL, full);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
        curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_perform(c);
        cJSON *j = cJSON_Parse(body);
        cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0);
        if (!cJSON_GetObjectItem(cJSON_GetObjectItem(ch, "message"), "content"))
            fprintf(stderr, "bench_llm: bare request got no text\n");
        cJSON_Delete(j);
    }
    double us = (double)(keel_now_ns() - t0) / 1e3 / N;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return us;
}

static double with_keel(const char *url)
{
    keel_llm_options o = {.model = "openai:m", .base_url = url};
    keel_llm *llm = NULL;
    keel_error err;
    if (keel_llm_open(&llm, &o, &err) != 0) {
        fprintf(stderr, "bench_llm: %s\n", err.msg);
        return -1;
    }
    keel_llm_message m = {KEEL_LLM_USER, "hi"};
    keel_llm_request req = {.messages = &m, .n_messages = 1, .temperature = -1};
    int64_t t0 = keel_now_ns();
    for (int i = 0; i < N; i++) {
        keel_llm_reply r;
        if (keel_llm_chat(&r, llm, &req, &err) != 0)
            fprintf(stderr, "bench_llm: %s\n", err.msg);
        keel_llm_reply_free(&r);
    }
    double us = (double)(keel_now_ns() - t0) / 1e3 / N;
    keel_llm_free(llm);
    return us;
}

int main(void)
{
    mock_llm *m = NULL;
    if (mock_llm_start(&m) != 0)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char line[512];
    snprintf(line, sizeof(line), REPLY, 4 * N + 100);
    mock_llm_push(m, line);
    bare(mock_llm_url(m)); /* warm-up */
    double b = bare(mock_llm_url(m));
    double k = with_keel(mock_llm_url(m));
    double b2 = bare(mock_llm_url(m));
    double base = (b + b2) / 2;
    printf("llm request against the mock on loopback, %d requests each:\n", N);
    printf("  bare libcurl + cJSON:  %8.1f us/request\n", base);
    printf("  keel_llm_chat:         %8.1f us/request\n", k);
    printf("  overhead:              %+7.1f%% (target: within 10%%)\n",
           (k - base) / base * 100);
    mock_llm_stop(m);
    curl_global_cleanup();
    return 0;
}
