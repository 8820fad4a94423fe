/*
 * mock_llm.c - the mock LLM provider (see mock_llm.h). One thread polls the
 * listening socket, a wake-up pipe and up to MAX_CONN connections (clients
 * keep connections alive between requests); each complete request gets the
 * next scripted reply. Loopback only.
 */
#include "mock_llm.h"

#include <stdarg.h>
#include <keel/keel.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 32
#define MAX_REQ (8u << 20)
#define MAX_SEEN 256

typedef struct conn {
    int fd;
    char *buf;
    size_t len, cap;
} conn;

typedef struct seen {
    char *path, *headers, *body;
} seen;

struct mock_llm {
    int listen_fd, wake[2];
    char url[64];
    pthread_t thread;
    pthread_mutex_t mu;
    keel_value **script; /* replies still to serve */
    size_t n_script, cap_script;
    seen seen[MAX_SEEN];
    size_t n_seen;
    long long busy_ns; /* serving requests: see mock_llm_busy_ns */
    conn conns[MAX_CONN];
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* ---- script ---- */

int mock_llm_push(mock_llm *m, const char *line)
{
    keel_value *v = NULL;
    keel_error err;
    if (keel_value_from_json(&v, line, strlen(line), &err) != 0 ||
        keel_value_type(v) != KEEL_TYPE_OBJECT) {
        fprintf(stderr, "mock_llm: bad scenario line: %s\n", line);
        keel_value_unref(v);
        return -1;
    }
    int64_t repeat = keel_value_get_int(keel_value_object_get(v, "repeat"));
    pthread_mutex_lock(&m->mu);
    for (int64_t i = 0; i < (repeat > 0 ? repeat : 1); i++) {
        if (m->n_script == m->cap_script) {
            m->cap_script = m->cap_script ? m->cap_script * 2 : 16;
            m->script = realloc(m->script, m->cap_script * sizeof(*m->script));
        }
        m->script[m->n_script++] = keel_value_ref(v);
    }
    pthread_mutex_unlock(&m->mu);
    keel_value_unref(v);
    return 0;
}

int mock_llm_load(mock_llm *m, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "mock_llm: cannot open scenario %s\n", path);
        return -1;
    }
    char line[65536];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] && line[0] != '#')
            rc = mock_llm_push(m, line);
    }
    fclose(f);
    return rc;
}

static keel_value *next_reply(mock_llm *m)
{
    keel_value *v = NULL;
    pthread_mutex_lock(&m->mu);
    if (m->n_script) {
        v = m->script[0];
        memmove(m->script, m->script + 1, --m->n_script * sizeof(*m->script));
    }
    pthread_mutex_unlock(&m->mu);
    return v;
}

/* ---- replies ---- */

/* "content": an OpenAI chat completion whose message is that text (a
 * non-string value is sent as its compact JSON text), with "usage":
 * [prompt_tokens, completion_tokens] (default [100, 50]). */
static keel_value *openai_completion(const keel_value *r)
{
    const keel_value *content = keel_value_object_get(r, "content");
    const keel_value *usage = keel_value_object_get(r, "usage");
    char *text = NULL;
    if (keel_value_type(content) != KEEL_TYPE_STRING)
        keel_value_to_json(&text, content, false);
    keel_value *msg = keel_value_object(), *choice = keel_value_object();
    keel_value *choices = keel_value_list(), *u = keel_value_object();
    keel_value *body = keel_value_object();
    keel_value_object_set_take(msg, "role", keel_value_cstring("assistant"));
    if (text)
        keel_value_object_set_take(msg, "content", keel_value_cstring(text));
    else
        keel_value_object_set(msg, "content", content);
    keel_free(text);
    keel_value_object_set_take(choice, "index", keel_value_int(0));
    keel_value_object_set_take(choice, "message", msg);
    keel_value_object_set_take(choice, "finish_reason", keel_value_cstring("stop"));
    keel_value_list_append_take(choices, choice);
    int64_t in = usage ? keel_value_get_int(keel_value_list_at(usage, 0)) : 100;
    int64_t out = usage ? keel_value_get_int(keel_value_list_at(usage, 1)) : 50;
    keel_value_object_set_take(u, "prompt_tokens", keel_value_int(in));
    keel_value_object_set_take(u, "completion_tokens", keel_value_int(out));
    keel_value_object_set_take(u, "total_tokens", keel_value_int(in + out));
    keel_value_object_set_take(body, "id", keel_value_cstring("chatcmpl-mock"));
    keel_value_object_set_take(body, "object", keel_value_cstring("chat.completion"));
    keel_value_object_set_take(body, "model", keel_value_cstring("mock"));
    keel_value_object_set_take(body, "choices", choices);
    keel_value_object_set_take(body, "usage", u);
    return body;
}

static char *body_of(const keel_value *r, size_t *len)
{
    if (keel_value_object_get(r, "content")) {
        keel_value *body = openai_completion(r);
        char *out = NULL;
        keel_value_to_json(&out, body, false);
        keel_value_unref(body);
        *len = out ? strlen(out) : 0;
        return out;
    }
    const keel_value *json = keel_value_object_get(r, "json");
    size_t n = 0;
    const char *raw = keel_value_get_string(keel_value_object_get(r, "body"), &n);
    char *out = NULL;
    if (json)
        keel_value_to_json(&out, json, false);
    else
        out = keel_strndup(raw ? raw : "", raw ? n : 0);
    *len = out ? strlen(out) : 0;
    return out;
}

/* Appends to buf, never past its end (n is what it holds). */
static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
    if (*n + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (w > 0)
        *n = *n + (size_t)w < cap ? *n + (size_t)w : cap - 1;
}

static void head(int fd, const keel_value *r, long status, long length)
{
    char buf[8192];
    size_t n = 0;
    put(buf, sizeof(buf), &n, "HTTP/1.1 %ld Mock\r\nContent-Type: "
        "application/json\r\n", status);
    const keel_value *h = keel_value_object_get(r, "headers");
    for (size_t i = 0; i < keel_value_len(h); i++) {
        const char *v = keel_value_get_string(keel_value_object_value_at(h, i), NULL);
        if (v) /* scenario headers are strings; others are skipped */
            put(buf, sizeof(buf), &n, "%s: %s\r\n", keel_value_object_key_at(h, i), v);
    }
    if (length >= 0)
        put(buf, sizeof(buf), &n, "Content-Length: %ld\r\n\r\n", length);
    else
        put(buf, sizeof(buf), &n, "Connection: close\r\n\r\n");
    write_all(fd, buf, n);
}

/* Sends reply r; returns true when the connection must close after it. */
static bool send_reply(int fd, const keel_value *r)
{
    int64_t delay = keel_value_get_int(keel_value_object_get(r, "delay_ms"));
    if (delay > 0)
        sleep_ms((long)delay);
    if (keel_value_get_bool(keel_value_object_get(r, "drop")))
        return true;
    long status = (long)keel_value_get_int(keel_value_object_get(r, "status"));
    status = status ? status : 200;
    const keel_value *chunks = keel_value_object_get(r, "chunks");
    if (chunks) {
        head(fd, r, status, -1);
        for (size_t i = 0; i < keel_value_len(chunks); i++) {
            size_t n = 0;
            const char *s = keel_value_get_string(keel_value_list_at(chunks, i), &n);
            write_all(fd, s ? s : "", s ? n : 0);
            sleep_ms(1);
        }
        return true;
    }
    size_t len = 0;
    char *body = body_of(r, &len);
    const keel_value *tr = keel_value_object_get(r, "truncate");
    head(fd, r, status, (long)len);
    int64_t cut = tr ? keel_value_get_int(tr) : (int64_t)len;
    write_all(fd, body, cut < 0 ? 0 : (size_t)cut < len ? (size_t)cut : len);
    keel_free(body);
    return tr != NULL;
}

static void default_reply(int fd)
{
    keel_value *r = NULL;
    static const char j[] = "{\"status\":500,\"json\":{\"error\":{\"message\":"
                            "\"mock: no scripted reply\"}}}";
    keel_value_from_json(&r, j, sizeof(j) - 1, NULL);
    send_reply(fd, r);
    keel_value_unref(r);
}

/* ---- requests ---- */

static long content_length(const char *headers, size_t n)
{
    static const char name[] = "\ncontent-length:";
    for (size_t i = 0; i + sizeof(name) - 1 < n; i++)
        if (strncasecmp(headers + i, name, sizeof(name) - 1) == 0)
            return strtol(headers + i + sizeof(name) - 1, NULL, 10);
    return 0;
}

static void remember(mock_llm *m, const char *req, size_t head_len,
                     const char *body, size_t body_len)
{
    pthread_mutex_lock(&m->mu);
    if (m->n_seen < MAX_SEEN) {
        seen *s = &m->seen[m->n_seen++];
        const char *sp = strchr(req, ' ');
        const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
        s->path = sp && sp2 ? keel_strndup(sp + 1, (size_t)(sp2 - sp - 1))
                            : keel_strdup("");
        s->headers = keel_strndup(req, head_len);
        s->body = keel_strndup(body, body_len);
    }
    pthread_mutex_unlock(&m->mu);
}

static void add_busy(mock_llm *m, int64_t ns)
{
    pthread_mutex_lock(&m->mu);
    m->busy_ns += ns;
    pthread_mutex_unlock(&m->mu);
}

/* Serves every complete request in c's buffer; false when c must close. */
static bool serve(mock_llm *m, conn *c)
{
    for (;;) {
        char *end = c->len ? strstr(c->buf, "\r\n\r\n") : NULL;
        if (!end)
            return true;
        size_t head_len = (size_t)(end - c->buf) + 4;
        long body_len = content_length(c->buf, head_len);
        if (body_len < 0 || head_len + (size_t)body_len > MAX_REQ)
            return false;
        if (c->len < head_len + (size_t)body_len)
            return true;
        int64_t t0 = keel_now_ns();
        remember(m, c->buf, head_len, c->buf + head_len, (size_t)body_len);
        keel_value *r = next_reply(m);
        bool close_it = true;
        if (r)
            close_it = send_reply(c->fd, r);
        else
            default_reply(c->fd);
        keel_value_unref(r);
        add_busy(m, keel_now_ns() - t0);
        size_t used = head_len + (size_t)body_len;
        memmove(c->buf, c->buf + used, c->len - used + 1);
        c->len -= used;
        if (close_it)
            return false;
    }
}

static void drop_conn(conn *c)
{
    close(c->fd);
    free(c->buf);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

static void read_conn(mock_llm *m, conn *c)
{
    if (c->cap - c->len < 65536 + 1) {
        c->cap = c->cap ? c->cap * 2 : 131072;
        c->buf = realloc(c->buf, c->cap);
    }
    ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (n <= 0 || c->len + (size_t)n > MAX_REQ) {
        drop_conn(c);
        return;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    if (!serve(m, c))
        drop_conn(c);
}

static void accept_conn(mock_llm *m)
{
    int fd = accept(m->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    for (size_t i = 0; i < MAX_CONN; i++)
        if (m->conns[i].fd < 0) {
            m->conns[i].fd = fd;
            return;
        }
    close(fd);
}

static void *loop(void *ud)
{
    mock_llm *m = ud;
    for (;;) {
        struct pollfd p[MAX_CONN + 2];
        size_t idx[MAX_CONN], n = 2;
        p[0] = (struct pollfd){m->wake[0], POLLIN, 0};
        p[1] = (struct pollfd){m->listen_fd, POLLIN, 0};
        for (size_t i = 0; i < MAX_CONN; i++)
            if (m->conns[i].fd >= 0) {
                idx[n - 2] = i;
                p[n++] = (struct pollfd){m->conns[i].fd, POLLIN, 0};
            }
        if (poll(p, n, 1000) < 0)
            continue;
        if (p[0].revents)
            return NULL;
        if (p[1].revents)
            accept_conn(m);
        for (size_t k = 2; k < n; k++)
            if (p[k].revents)
                read_conn(m, &m->conns[idx[k - 2]]);
    }
}

/* ---- lifetime ---- */

static int listen_loopback(mock_llm *m)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    m->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (m->listen_fd < 0 || bind(m->listen_fd, (struct sockaddr *)&a, len) ||
        listen(m->listen_fd, 64) ||
        getsockname(m->listen_fd, (struct sockaddr *)&a, &len))
        return -1;
    snprintf(m->url, sizeof(m->url), "http://127.0.0.1:%d", ntohs(a.sin_port));
    return 0;
}

int mock_llm_start(mock_llm **out)
{
    mock_llm *m = calloc(1, sizeof(*m));
    *out = NULL;
    if (!m)
        return -1;
    for (size_t i = 0; i < MAX_CONN; i++)
        m->conns[i].fd = -1;
    pthread_mutex_init(&m->mu, NULL);
    if (pipe(m->wake) || listen_loopback(m) ||
        pthread_create(&m->thread, NULL, loop, m)) {
        fprintf(stderr, "mock_llm: cannot start on 127.0.0.1\n");
        free(m);
        return -1;
    }
    *out = m;
    return 0;
}

void mock_llm_reset(mock_llm *m)
{
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < m->n_script; i++)
        keel_value_unref(m->script[i]);
    m->n_script = 0;
    for (size_t i = 0; i < m->n_seen; i++) {
        keel_free(m->seen[i].path);
        keel_free(m->seen[i].headers);
        keel_free(m->seen[i].body);
    }
    m->n_seen = 0;
    m->busy_ns = 0;
    pthread_mutex_unlock(&m->mu);
}

void mock_llm_stop(mock_llm *m)
{
    if (!m)
        return;
    if (write(m->wake[1], "x", 1) == 1)
        pthread_join(m->thread, NULL);
    for (size_t i = 0; i < MAX_CONN; i++)
        if (m->conns[i].fd >= 0)
            drop_conn(&m->conns[i]);
    mock_llm_reset(m);
    free(m->script);
    close(m->listen_fd);
    close(m->wake[0]);
    close(m->wake[1]);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

const char *mock_llm_url(const mock_llm *m)
{
    return m->url;
}

size_t mock_llm_count(mock_llm *m)
{
    pthread_mutex_lock(&m->mu);
    size_t n = m->n_seen;
    pthread_mutex_unlock(&m->mu);
    return n;
}

long long mock_llm_busy_ns(mock_llm *m)
{
    pthread_mutex_lock(&m->mu);
    long long ns = m->busy_ns;
    pthread_mutex_unlock(&m->mu);
    return ns;
}

static const char *part(mock_llm *m, size_t i, int which)
{
    const char *s = NULL;
    pthread_mutex_lock(&m->mu);
    if (i < m->n_seen)
        s = which == 0 ? m->seen[i].path
            : which == 1 ? m->seen[i].headers : m->seen[i].body;
    pthread_mutex_unlock(&m->mu);
    return s ? s : "";
}

const char *mock_llm_path(mock_llm *m, size_t i) { return part(m, i, 0); }
const char *mock_llm_headers(mock_llm *m, size_t i) { return part(m, i, 1); }
const char *mock_llm_body(mock_llm *m, size_t i) { return part(m, i, 2); }
