/*
 * llm_replay.c - the replay file: every line read and checked once at
 * open (a bad line is an error naming FILE:LINE), then replies served by
 * request hash.
 */
#include "llm_encode.h"
#include "llm_record.h"

#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_REPLAY_BYTES (64u << 20)

typedef struct entry {
    char hash[65];
    keel_value *reply;
    bool used;
} entry;

struct llm_replay {
    char *name;
    entry *e;
    size_t n, cap;
};

void llm_replay_free(llm_replay *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        keel_value_unref(r->e[i].reply);
    keel_free(r->e);
    keel_free(r->name);
    keel_free(r);
}

size_t llm_replay_count(const llm_replay *r)
{
    return r->n;
}

const char *llm_replay_name(const llm_replay *r)
{
    return r->name;
}

static bool hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static int add(llm_replay *r, const keel_value *line, keel_error *err)
{
    const char *hash = llm_jstr(line, "hash");
    const keel_value *reply = keel_value_object_get(line, "reply");
    if (!hex64(hash))
        return keel_error_set(err, KEEL_EINVAL, "\"hash\" must be 64 "
                              "lower-case hex digits");
    if (keel_value_type(reply) != KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_EINVAL, "\"reply\" must be an object");
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        entry *e = keel_realloc(r->e, cap * sizeof(*e));
        if (!e)
            return keel_error_set(err, KEEL_ENOMEM, "out of memory");
        r->e = e;
        r->cap = cap;
    }
    memcpy(r->e[r->n].hash, hash, 65);
    r->e[r->n].reply = keel_value_ref(reply);
    r->e[r->n++].used = false;
    return 0;
}

static int parse_line(llm_replay *r, const char *p, size_t n, keel_error *err)
{
    keel_value *v = NULL;
    int rc = llm_parse_object(&v, p, n, err);
    if (rc == KEEL_EUNAVAIL)
        rc = err ? (err->code = KEEL_EINVAL) : KEEL_EINVAL;
    if (rc == 0)
        rc = add(r, v, err);
    keel_value_unref(v);
    return rc;
}

int llm_replay_parse(llm_replay **out, const char *name, const char *text,
                     size_t len, keel_error *err)
{
    *out = NULL;
    llm_replay *r = keel_calloc(1, sizeof(*r));
    if (!r || !(r->name = keel_strdup(name))) {
        keel_free(r);
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    size_t lineno = 1;
    for (size_t at = 0; at < len; lineno++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        int rc = n ? parse_line(r, text + at, n, err) : 0;
        if (rc) {
            keel_error_prefix(err, "%s:%zu", name, lineno);
            llm_replay_free(r);
            return rc;
        }
        at += n + 1;
    }
    *out = r;
    return 0;
}

int llm_replay_load(llm_replay **out, const char *path, keel_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = keel_file_read(&text, &len, path, MAX_REPLAY_BYTES, err);
    if (rc == 0)
        rc = llm_replay_parse(out, path, text, len, err);
    keel_free(text);
    return rc;
}

static int fill(keel_llm_reply *out, const keel_value *rec, keel_error *err)
{
    llm_acc a;
    llm_acc_init(&a, NULL, NULL);
    size_t n = 0;
    const char *text = keel_value_get_string(keel_value_object_get(rec, "text"),
                                             &n);
    keel_buf_append(&a.text, text ? text : "", text ? n : 0);
    llm_acc_stop(&a, llm_jstr(rec, "stop_reason"));
    llm_acc_request_id(&a, llm_jstr(rec, "request_id"));
    a.in_tokens = llm_jint(rec, "input_tokens");
    a.out_tokens = llm_jint(rec, "output_tokens");
    const keel_value *calls = keel_value_object_get(rec, "tool_calls");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < keel_value_len(calls); i++) {
        const keel_value *c = keel_value_list_at(calls, i);
        rc = llm_add_call(&a, (long)i, llm_jstr(c, "id"), llm_jstr(c, "name"),
                          keel_value_object_get(c, "arguments"), err);
    }
    if (rc == 0)
        rc = llm_acc_finish(out, &a, err);
    llm_acc_free(&a);
    const char *model = llm_jstr(rec, "model");
    if (rc == 0 && model && *model && !(out->model = keel_strdup(model)))
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    return rc;
}

int llm_replay_serve(keel_llm_reply *out, llm_replay *r, const char *hash,
                     keel_error *err)
{
    entry *last = NULL;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->e[i].hash, hash) != 0)
            continue;
        last = &r->e[i];
        if (!last->used)
            break;
    }
    if (!last)
        return keel_error_set(err, KEEL_ENOTFOUND,
                              "%s: no recording for this request (hash %.12s); "
                              "record one with --record FILE against a real "
                              "model", r->name, hash);
    last->used = true;
    return fill(out, last->reply, err);
}
