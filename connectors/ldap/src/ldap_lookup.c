/*
 * ldap_lookup.c - read-only lookups for the directory plugin: one user by
 * uid or mail with manager and groups, and a group's members, direct or
 * through nested groups. Each opens its own connection as the service
 * account, with the same TLS and timeouts as a login.
 */
#include "ldap_internal.h"

#include "alloc.h"

#include <string.h>

int keel_directory_find_user(keel_dir_user **out, keel_directory *d,
                             const char *key, keel_error *err)
{
    *out = NULL;
    keel_dir_user *u = keel_calloc(1, sizeof(*u));
    if (!u)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    bool by_mail = strchr(key, '@') != NULL;
    dir_conn c;
    LDAPMessage *res = NULL, *e = NULL;
    size_t n = 0;
    char **memberof = NULL;
    bool oom = false;
    int rc = dir_conn_open(&c, d, err);
    if (rc == 0)
        rc = dir_find_entry(&res, &e, &n, &c, by_mail ? d->cfg.mail_filter
                                                      : d->cfg.user_filter,
                            key, err);
    if (rc == KEEL_ENOTFOUND && n)
        rc = keel_error_set(err, KEEL_EINVAL, "%zu or more users have the "
                            "%s '%s'", n, by_mail ? "mail" : "uid", key);
    else if (rc == KEEL_ENOTFOUND)
        rc = keel_error_set(err, KEEL_ENOTFOUND, "no user has the %s '%s'",
                            by_mail ? "mail" : "uid", key);
    if (rc == 0 && (dir_user_from_entry(u, &c, e) ||
                    ((memberof = dir_entry_values(&c, e, d->cfg.attr_member_of,
                                                  &oom)), oom)))
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = dir_groups_resolve(u, &c, memberof, err);
    ldap_msgfree(res);
    dir_strings_free(memberof);
    dir_conn_close(&c);
    if (rc)
        keel_dir_user_free(u);
    else
        *out = u;
    return rc;
}

/* The member values of group dn, or *is_group false when dn is no group
 * (no entry matching groups.filter). */
static int members_of(char ***out, bool *is_group, dir_conn *c,
                      const char *dn, keel_error *err)
{
    const dir_config *cfg = &c->d->cfg;
    char *attrs[] = {(char *)cfg->attr_member, NULL};
    LDAPMessage *res = NULL;
    *out = NULL;
    int rc = dir_conn_search(&res, c, dn, LDAP_SCOPE_BASE, cfg->group_filter,
                             attrs, 0, err);
    LDAPMessage *e = rc ? NULL : ldap_first_entry(c->ld, res);
    bool oom = false;
    *is_group = e != NULL;
    if (e)
        *out = dir_entry_values(c, e, cfg->attr_member, &oom);
    ldap_msgfree(res);
    return rc ? rc : oom ? keel_error_set(err, KEEL_ENOMEM, "out of memory") : 0;
}

/* Breadth first from the group: users into found, groups into seen. */
static int expand(dir_set *found, dir_conn *c, const char *group,
                  bool nested, keel_error *err)
{
    dir_set seen = {0};
    int rc = dir_set_add(&seen, group) < 0 ? KEEL_ENOMEM : 0;
    size_t lo = 0;
    for (int depth = 0; rc == 0 && lo < seen.n && depth <= c->d->cfg.max_depth;
         depth++) {
        size_t hi = seen.n;
        for (size_t i = lo; rc == 0 && i < hi; i++) {
            char **m = NULL;
            bool is_group = false;
            rc = members_of(&m, &is_group, c, seen.dns[i], err);
            if (rc == 0 && i == 0 && depth == 0 && !is_group)
                rc = keel_error_set(err, KEEL_ENOTFOUND, "no group '%s'", group);
            for (size_t j = 0; rc == 0 && m && m[j]; j++) {
                bool sub = false;
                char **ignored = NULL;
                if (nested)
                    rc = members_of(&ignored, &sub, c, m[j], err);
                dir_strings_free(ignored);
                if (rc == 0 && dir_set_add(sub ? &seen : found, m[j]) < 0)
                    rc = KEEL_ENOMEM;
            }
            dir_strings_free(m);
        }
        lo = hi;
        if (!nested)
            break;
    }
    dir_set_free(&seen);
    return rc == KEEL_ENOMEM ? keel_error_set(err, rc, "out of memory") : rc;
}

int keel_directory_group_members(keel_value **out, keel_directory *d,
                                 const char *group_dn, bool nested,
                                 keel_error *err)
{
    *out = NULL;
    dir_conn c;
    dir_set found = {0};
    int rc = dir_conn_open(&c, d, err);
    if (rc == 0)
        rc = expand(&found, &c, group_dn, nested, err);
    dir_conn_close(&c);
    keel_value *list = rc ? NULL : keel_value_list();
    if (rc == 0 && !list)
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < found.n; i++) {
        keel_value *s = keel_value_cstring(found.dns[i]);
        if (!s || keel_value_list_append_take(list, s))
            rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    dir_set_free(&found);
    if (rc)
        keel_value_unref(list);
    else
        *out = list;
    return rc;
}
