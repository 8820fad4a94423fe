/*
 * ldap_entry.c - reading entries: the one user a filter must find, values
 * copied out of libldap's memory into keel's, users filled from entries.
 */
#include "ldap_internal.h"

#include "alloc.h"
#include "ldap_escape.h"

#include <string.h>

char *dir_entry_first(dir_conn *c, LDAPMessage *e, const char *attr)
{
    struct berval **vals = ldap_get_values_len(c->ld, e, attr);
    char *s = NULL;
    if (vals && vals[0] && !memchr(vals[0]->bv_val, '\0', vals[0]->bv_len) &&
        (s = keel_malloc(vals[0]->bv_len + 1))) {
        memcpy(s, vals[0]->bv_val, vals[0]->bv_len);
        s[vals[0]->bv_len] = '\0';
    }
    ldap_value_free_len(vals);
    return s;
}

char *dir_entry_dn(dir_conn *c, LDAPMessage *e)
{
    char *dn = ldap_get_dn(c->ld, e);
    char *copy = dn ? keel_strdup(dn) : NULL;
    ldap_memfree(dn);
    return copy;
}

int dir_find_entry(LDAPMessage **res, LDAPMessage **entry, size_t *n,
                   dir_conn *c, const char *t, const char *key,
                   keel_error *err)
{
    *res = NULL;
    *entry = NULL;
    *n = 0;
    const dir_config *cfg = &c->d->cfg;
    char *filter = NULL;
    if (keel_ldap_filter_format(&filter, t, key, strlen(key)))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    char *attrs[] = {(char *)cfg->attr_uid,
                     (char *)cfg->attr_name,
                     (char *)cfg->attr_mail,
                     (char *)cfg->attr_manager,
                     (char *)cfg->attr_member_of, NULL};
    int scope = cfg->user_scope == DIR_SCOPE_ONE ? LDAP_SCOPE_ONELEVEL
                                                 : LDAP_SCOPE_SUBTREE;
    int rc = dir_conn_search(res, c, cfg->user_base, scope, filter, attrs, 2,
                             err);
    keel_free(filter);
    if (rc)
        return rc;
    *n = (size_t)ldap_count_entries(c->ld, *res);
    if (*n != 1)
        return KEEL_ENOTFOUND;
    *entry = ldap_first_entry(c->ld, *res);
    return 0;
}

int dir_user_from_entry(keel_dir_user *u, dir_conn *c, LDAPMessage *e)
{
    const dir_config *cfg = &c->d->cfg;
    u->dn = dir_entry_dn(c, e);
    u->uid = dir_entry_first(c, e, cfg->attr_uid);
    u->name = dir_entry_first(c, e, cfg->attr_name);
    u->mail = dir_entry_first(c, e, cfg->attr_mail);
    u->manager = dir_entry_first(c, e, cfg->attr_manager);
    return u->dn ? 0 : KEEL_ENOMEM;
}

/* The values of attr in e as a NULL-terminated array (keel_free each and
 * the array), or NULL when none; *oom on allocation failure. */
char **dir_entry_values(dir_conn *c, LDAPMessage *e, const char *attr,
                        bool *oom)
{
    struct berval **vals = ldap_get_values_len(c->ld, e, attr);
    size_t n = vals ? (size_t)ldap_count_values_len(vals) : 0;
    char **out = n ? keel_calloc(n + 1, sizeof(*out)) : NULL;
    if (n && !out)
        *oom = true;
    for (size_t i = 0, k = 0; out && i < n; i++) {
        if (memchr(vals[i]->bv_val, '\0', vals[i]->bv_len))
            continue;
        if (!(out[k] = keel_malloc(vals[i]->bv_len + 1))) {
            *oom = true;
            break;
        }
        memcpy(out[k], vals[i]->bv_val, vals[i]->bv_len);
        out[k++][vals[i]->bv_len] = '\0';
    }
    ldap_value_free_len(vals);
    return out;
}

void dir_strings_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        keel_free(v[i]);
    keel_free(v);
}
