/*
 * ldap_directory.c - the directory object: open from the configuration,
 * log and trace sinks, users as values, and the DN set used for groups.
 */
#include "ldap_internal.h"

#include "alloc.h"
#include "ldap_dn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int keel_directory_open(keel_directory **out, const keel_config *c,
                        keel_error *err)
{
    *out = NULL;
    const keel_value *v = keel_config_section(c, "directory");
    if (!v)
        return keel_error_set(err, KEEL_ENOTFOUND, "no directory is "
                              "configured (the \"directory\" section)");
    keel_directory *d = keel_calloc(1, sizeof(*d));
    if (!d)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    dir_process_init();
    int rc = dir_config_read(&d->cfg, v, err);
    if (rc) {
        keel_free(d);
        return rc;
    }
    d->section = keel_value_ref(v);
    *out = d;
    return 0;
}

void keel_directory_close(keel_directory *d)
{
    if (!d)
        return;
    keel_value_unref(d->section);
    keel_free(d);
}

void keel_directory_set_log(keel_directory *d, keel_log_fn fn, void *ud)
{
    d->log_fn = fn;
    d->log_ud = ud;
}

void keel_directory_set_trace(keel_directory *d, keel_dir_trace_fn fn,
                              void *ud)
{
    d->trace_fn = fn;
    d->trace_ud = ud;
}

long keel_directory_session_ttl(const keel_directory *d)
{
    return d->cfg.session_ttl_s;
}

void dir_log(const keel_directory *d, int level, const char *fmt, ...)
{
    if (!d->log_fn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    d->log_fn(d->log_ud, level, "directory", msg);
}

void dir_trace(const keel_directory *d, const char *stage, int64_t since,
               const char *fmt, ...)
{
    if (!d->trace_fn)
        return;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    d->trace_fn(d->trace_ud, stage, detail, (long)(dir_now_ms() - since));
}

void keel_dir_user_free(keel_dir_user *u)
{
    if (!u)
        return;
    keel_free(u->dn);
    keel_free(u->uid);
    keel_free(u->name);
    keel_free(u->mail);
    keel_free(u->manager);
    for (size_t i = 0; i < u->n_groups; i++)
        keel_free(u->groups[i]);
    keel_free(u->groups);
    keel_free(u);
}

static int put_string(keel_value *obj, const char *key, const char *s)
{
    keel_value *v = s ? keel_value_cstring(s) : keel_value_null();
    int rc = v ? keel_value_object_set(obj, key, v) : KEEL_ENOMEM;
    keel_value_unref(v);
    return rc;
}

int keel_dir_user_to_value(keel_value **out, const keel_dir_user *u)
{
    *out = NULL;
    keel_value *obj = keel_value_object(), *groups = keel_value_list();
    int rc = obj && groups ? 0 : KEEL_ENOMEM;
    const char *keys[] = {"dn", "uid", "name", "mail", "manager"};
    const char *vals[] = {u->dn, u->uid, u->name, u->mail, u->manager};
    for (size_t i = 0; rc == 0 && i < 5; i++)
        rc = put_string(obj, keys[i], vals[i]);
    for (size_t i = 0; rc == 0 && i < u->n_groups; i++) {
        keel_value *g = keel_value_cstring(u->groups[i]);
        rc = g ? keel_value_list_append(groups, g) : KEEL_ENOMEM;
        keel_value_unref(g);
    }
    if (rc == 0)
        rc = keel_value_object_set(obj, "groups", groups);
    keel_value_unref(groups);
    if (rc)
        keel_value_unref(obj);
    else
        *out = obj;
    return rc;
}

/* ---- DN sets ---- */

int dir_set_add(dir_set *s, const char *dn)
{
    char *key = NULL;
    int rc = keel_dn_normalise(&key, dn, strlen(dn));
    if (rc == KEEL_EINVAL) /* a server's odd DN still counts, as written */
        key = keel_strdup(dn);
    if (!key)
        return KEEL_ENOMEM;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->keys[i], key) == 0) {
            keel_free(key);
            return 0;
        }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **d = keel_realloc(s->dns, cap * sizeof(*d));
        if (d)
            s->dns = d;
        char **k = d ? keel_realloc(s->keys, cap * sizeof(*k)) : NULL;
        if (!k) {
            keel_free(key);
            return KEEL_ENOMEM;
        }
        s->keys = k;
        s->cap = cap;
    }
    if (!(s->dns[s->n] = keel_strdup(dn))) {
        keel_free(key);
        return KEEL_ENOMEM;
    }
    s->keys[s->n++] = key;
    return 1;
}

void dir_set_free(dir_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        keel_free(s->dns ? s->dns[i] : NULL);
        keel_free(s->keys[i]);
    }
    keel_free(s->dns);
    keel_free(s->keys);
    memset(s, 0, sizeof(*s));
}
