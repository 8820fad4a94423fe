/*
 * call.c - the host API table and the per-call context behind it.
 *
 * Every handle a plugin creates during a call is recorded here and released
 * when the call ends; the kernel takes its own reference to the one result
 * it keeps. So a plugin never frees anything, and a failing plugin leaks
 * nothing.
 */
#include "kernel_internal.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void keel_call_begin(keel_call *c, keel_kernel *k, plugin_rec *p,
                     const char *source, keel_error *err)
{
    memset(c, 0, sizeof(*c));
    c->kernel = k;
    c->plugin = p;
    c->source = source;
    c->err = err;
    c->vals = c->inline_vals;
    c->cap_vals = CALL_INLINE_VALUES;
}

void keel_call_end(keel_call *c)
{
    for (size_t i = 0; i < c->n_vals; i++)
        keel_value_unref(c->vals[i]);
    if (c->vals != c->inline_vals)
        keel_free(c->vals);
    for (size_t i = 0; i < c->n_blocks; i++)
        keel_free(c->blocks[i]);
    keel_free(c->blocks);
    c->n_vals = c->n_blocks = 0;
}

/* Records the call's error; with keep_first, an earlier one wins (the
 * host's own failures must not hide what the plugin said first). */
static int call_error_v(keel_call *c, bool keep_first, int code,
                        const char *fmt, va_list ap) KEEL_PRINTF(4, 0);

static int call_error_v(keel_call *c, bool keep_first, int code,
                        const char *fmt, va_list ap)
{
    if (!c || !c->err || (keep_first && c->error_set))
        return code;
    c->err->code = code;
    vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
    c->error_set = true;
    return code;
}

static int call_fail(keel_call *c, int code, const char *fmt, ...)
    KEEL_PRINTF(3, 4);

static int call_fail(keel_call *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    call_error_v(c, true, code, fmt, ap);
    va_end(ap);
    return code;
}

/* Records v as owned by the call; releases it if that fails. */
static keel_value *track(keel_call *c, keel_value *v)
{
    if (!v) {
        call_fail(c, KEEL_ENOMEM, "out of memory");
        return NULL;
    }
    if (c->n_vals == c->cap_vals) {
        size_t cap = c->cap_vals * 2;
        keel_value **n = keel_malloc(cap * sizeof(*n));
        if (!n) {
            keel_value_unref(v);
            call_fail(c, KEEL_ENOMEM, "out of memory");
            return NULL;
        }
        memcpy(n, c->vals, c->n_vals * sizeof(*n));
        if (c->vals != c->inline_vals)
            keel_free(c->vals);
        c->vals = n;
        c->cap_vals = cap;
    }
    c->vals[c->n_vals++] = v;
    return v;
}

/* ---- reading: thin wrappers that check the type and never coerce ---- */

static keel_type api_type_of(const keel_value *v)
{
    return keel_value_type(v);
}

static int api_get_bool(const keel_value *v, bool *out)
{
    if (keel_value_type(v) != KEEL_TYPE_BOOL || !v)
        return KEEL_ETYPE;
    *out = keel_value_get_bool(v);
    return 0;
}

static int api_get_int(const keel_value *v, int64_t *out)
{
    if (!v || keel_value_type(v) != KEEL_TYPE_INT)
        return KEEL_ETYPE;
    *out = keel_value_get_int(v);
    return 0;
}

static int api_get_float(const keel_value *v, double *out)
{
    if (!v || keel_value_type(v) != KEEL_TYPE_FLOAT)
        return KEEL_ETYPE;
    *out = keel_value_get_float(v);
    return 0;
}

static int api_get_number(const keel_value *v, double *out)
{
    if (v && keel_value_type(v) == KEEL_TYPE_INT) {
        *out = (double)keel_value_get_int(v);
        return 0;
    }
    return api_get_float(v, out);
}

static size_t api_list_len(const keel_value *v)
{
    return keel_value_type(v) == KEEL_TYPE_LIST ? keel_value_len(v) : 0;
}

static size_t api_object_len(const keel_value *v)
{
    return keel_value_type(v) == KEEL_TYPE_OBJECT ? keel_value_len(v) : 0;
}

/* ---- building ---- */

static keel_value *api_new_null(keel_call *c)
{
    return track(c, keel_value_null());
}

static keel_value *api_new_bool(keel_call *c, bool b)
{
    return track(c, keel_value_bool(b));
}

static keel_value *api_new_int(keel_call *c, int64_t i)
{
    return track(c, keel_value_int(i));
}

static keel_value *api_new_float(keel_call *c, double d)
{
    return track(c, keel_value_float(d));
}

static keel_value *api_new_string(keel_call *c, const char *s, size_t len)
{
    if (!s && len == 0)
        s = "";
    if (!s || !keel_utf8_valid(s, len)) {
        call_fail(c, KEEL_EINVAL, "%s built a string that is not valid UTF-8",
                  c->source);
        return NULL;
    }
    return track(c, keel_value_string(s, len));
}

static keel_value *api_new_list(keel_call *c)
{
    return track(c, keel_value_list());
}

static keel_value *api_new_object(keel_call *c)
{
    return track(c, keel_value_object());
}

/* A container may change only while it has one owner (the call): once it
 * is inside another value it is frozen. This also makes cycles impossible:
 * closing one would need a container that is already inside another. */
static int check_mutable(keel_call *c, const keel_value *container,
                         const keel_value *item, const char *what)
{
    if (item == container || keel_value_shared(container))
        return call_fail(c, KEEL_EINVAL, "%s: %s on a value that is already "
                         "shared (finish building a container before putting "
                         "it into another)", c->source, what);
    return 0;
}

static int api_list_append(keel_call *c, keel_value *list,
                           const keel_value *item)
{
    if (!list || !item || keel_value_type(list) != KEEL_TYPE_LIST)
        return call_fail(c, KEEL_ETYPE, "%s: list_append on a non-list",
                         c->source);
    if (check_mutable(c, list, item, "list_append"))
        return KEEL_EINVAL;
    int rc = keel_value_list_append(list, item);
    return rc ? call_fail(c, rc, "out of memory") : 0;
}

static int api_object_set(keel_call *c, keel_value *obj, const char *key,
                          const keel_value *item)
{
    if (!obj || !item || !key || keel_value_type(obj) != KEEL_TYPE_OBJECT)
        return call_fail(c, KEEL_ETYPE, "%s: object_set on a non-object",
                         c->source);
    if (!keel_utf8_valid(key, strlen(key)))
        return call_fail(c, KEEL_EINVAL, "%s: object key is not valid UTF-8",
                         c->source);
    if (check_mutable(c, obj, item, "object_set"))
        return KEEL_EINVAL;
    int rc = keel_value_object_set(obj, key, item);
    return rc ? call_fail(c, rc, "out of memory") : 0;
}

static keel_value *api_parse_json(keel_call *c, const char *text, size_t len)
{
    keel_value *v = NULL;
    keel_error e;
    int rc = keel_value_from_json(&v, text ? text : "", text ? len : 0, &e);
    if (rc) {
        call_fail(c, rc, "%s", e.msg);
        return NULL;
    }
    return track(c, v);
}

static void *api_call_alloc(keel_call *c, size_t n)
{
    if (c->n_blocks == c->cap_blocks) {
        size_t cap = c->cap_blocks ? c->cap_blocks * 2 : 4;
        void **b = keel_realloc(c->blocks, cap * sizeof(*b));
        if (!b) {
            call_fail(c, KEEL_ENOMEM, "%s: out of memory", c->source);
            return NULL;
        }
        c->blocks = b;
        c->cap_blocks = cap;
    }
    void *p = keel_calloc(1, n);
    if (!p)
        call_fail(c, KEEL_ENOMEM, "%s: out of memory", c->source);
    else
        c->blocks[c->n_blocks++] = p;
    return p;
}

static const char *api_to_json(keel_call *c, const keel_value *v)
{
    char *json;
    if (keel_value_to_json(&json, v, false) != 0) {
        call_fail(c, KEEL_ENOMEM, "%s: out of memory", c->source);
        return NULL;
    }
    /* Hand the text to the call so it is freed with it. */
    char *copy = api_call_alloc(c, strlen(json) + 1);
    if (copy)
        memcpy(copy, json, strlen(json) + 1);
    keel_free(json);
    return copy;
}

/* ---- the call ---- */

static int api_set_error(keel_call *c, int code, const char *fmt, ...)
    KEEL_PRINTF(3, 4);
static void api_log(keel_call *c, int level, const char *fmt, ...)
    KEEL_PRINTF(3, 4);

static int api_set_error(keel_call *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    call_error_v(c, false, code, fmt, ap);
    va_end(ap);
    return code;
}

static void api_log(keel_call *c, int level, const char *fmt, ...)
{
    if (!c || !c->kernel || !c->kernel->log_fn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->kernel->log_fn(c->kernel->log_ud, level, c->source, msg);
}

static void *api_plugin_state(keel_call *c)
{
    return c && c->plugin ? c->plugin->state : NULL;
}

int64_t keel_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void keel_cancel(int *flag) /* NOLINT(readability-non-const-parameter): written */
{
    __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

static int api_canceled(keel_call *c)
{
    if (!c)
        return 0;
    if (c->cancel && __atomic_load_n(c->cancel, __ATOMIC_ACQUIRE))
        return 1;
    return c->deadline_ns && keel_now_ns() >= c->deadline_ns;
}

static int api_directory(keel_call *c, const char *op, const keel_value *args,
                         keel_value **result)
{
    *result = NULL;
    if (!c->kernel || !c->kernel->dir_fn)
        return call_fail(c, KEEL_EUNAVAIL, "%s: no directory is configured "
                         "(the \"directory\" section)", c->source);
    keel_error e = {0};
    keel_value *v = NULL;
    int rc = c->kernel->dir_fn(c->kernel->dir_ud, op ? op : "", args, &v, &e);
    if (rc)
        return call_fail(c, rc, "%s: %s", c->source, e.msg);
    return (*result = track(c, v)) ? 0 : KEEL_ENOMEM;
}

const keel_host_api keel_host_api_table = {
    .abi_major = KEEL_ABI_MAJOR,
    .abi_minor = KEEL_ABI_MINOR,
    .size = sizeof(keel_host_api),
    .type_of = api_type_of,
    .get_bool = api_get_bool,
    .get_int = api_get_int,
    .get_float = api_get_float,
    .get_number = api_get_number,
    .get_string = keel_value_get_string,
    .list_len = api_list_len,
    .list_at = keel_value_list_at,
    .object_len = api_object_len,
    .object_key_at = keel_value_object_key_at,
    .object_value_at = keel_value_object_value_at,
    .object_get = keel_value_object_get,
    .new_null = api_new_null,
    .new_bool = api_new_bool,
    .new_int = api_new_int,
    .new_float = api_new_float,
    .new_string = api_new_string,
    .new_list = api_new_list,
    .new_object = api_new_object,
    .list_append = api_list_append,
    .object_set = api_object_set,
    .parse_json = api_parse_json,
    .to_json = api_to_json,
    .set_error = api_set_error,
    .log = api_log,
    .call_alloc = api_call_alloc,
    .plugin_state = api_plugin_state,
    .canceled = api_canceled,
    .directory = api_directory,
};
