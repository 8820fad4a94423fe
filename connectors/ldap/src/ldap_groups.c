/*
 * ldap_groups.c - a user's groups, direct and nested.
 *
 * Three strategies (groups.strategy): "memberof" reads memberOf on the
 * user, then on each group; "search" looks for groups whose member
 * attribute names the user, then each group; "ad_in_chain" asks Active
 * Directory for the whole chain at once (LDAP_MATCHING_RULE_IN_CHAIN).
 * Nesting is followed breadth first to groups.max_depth levels; a set of
 * DNs in normal form makes each group count once, so a cycle ends.
 */
#include "ldap_internal.h"

#include "alloc.h"
#include "ldap_escape.h"

#include <stdio.h>
#include <string.h>

#define IN_CHAIN "1.2.840.113556.1.4.1941"

static int add_all(dir_set *s, char **dns)
{
    for (size_t i = 0; dns && dns[i]; i++)
        if (dir_set_add(s, dns[i]) < 0)
            return KEEL_ENOMEM;
    return 0;
}

/* "(&GROUP_FILTER(ATTR[:RULE:]=ESCAPED_DN))" */
static char *member_filter(const dir_config *cfg, const char *rule,
                           const char *dn)
{
    char *esc = NULL;
    if (keel_ldap_escape_filter(&esc, NULL, dn, strlen(dn)))
        return NULL;
    size_t n = strlen(cfg->group_filter) + strlen(cfg->attr_member) +
               strlen(esc) + 48;
    char *f = keel_malloc(n);
    if (f)
        snprintf(f, n, "(&%s(%s%s%s%s=%s))", cfg->group_filter,
                 cfg->attr_member, rule ? ":" : "", rule ? rule : "",
                 rule ? ":" : "", esc);
    keel_free(esc);
    return f;
}

/* Adds the DNs of every entry of a search result to s. */
static int add_entries(dir_set *s, dir_conn *c, LDAPMessage *res)
{
    for (LDAPMessage *e = ldap_first_entry(c->ld, res); e;
         e = ldap_next_entry(c->ld, e)) {
        char *dn = ldap_get_dn(c->ld, e);
        int rc = dn ? dir_set_add(s, dn) : KEEL_ENOMEM;
        ldap_memfree(dn);
        if (rc < 0)
            return KEEL_ENOMEM;
    }
    return 0;
}

/* The groups one DN is directly in, into s. */
static int parents(dir_set *s, dir_conn *c, const char *dn, keel_error *err)
{
    const dir_config *cfg = &c->d->cfg;
    LDAPMessage *res = NULL;
    int rc;
    if (cfg->group_strategy == DIR_GROUPS_MEMBEROF) {
        char *attrs[] = {(char *)cfg->attr_member_of, NULL};
        rc = dir_conn_search(&res, c, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
                             attrs, 0, err);
        LDAPMessage *e = rc ? NULL : ldap_first_entry(c->ld, res);
        bool oom = false;
        char **v = e ? dir_entry_values(c, e, cfg->attr_member_of, &oom) : NULL;
        if (rc == 0 && (oom || add_all(s, v)))
            rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
        dir_strings_free(v);
    } else {
        char *f = member_filter(cfg, NULL, dn);
        char *attrs[] = {LDAP_NO_ATTRS, NULL};
        rc = f ? dir_conn_search(&res, c, cfg->group_base, LDAP_SCOPE_SUBTREE,
                                 f, attrs, 0, err)
               : keel_error_set(err, KEEL_ENOMEM, "out of memory");
        if (rc == 0 && add_entries(s, c, res))
            rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
        keel_free(f);
    }
    ldap_msgfree(res);
    return rc;
}

static int in_chain(dir_set *s, dir_conn *c, const char *user_dn,
                    keel_error *err)
{
    const dir_config *cfg = &c->d->cfg;
    char *f = member_filter(cfg, IN_CHAIN, user_dn);
    char *attrs[] = {LDAP_NO_ATTRS, NULL};
    LDAPMessage *res = NULL;
    int rc = f ? dir_conn_search(&res, c, cfg->group_base, LDAP_SCOPE_SUBTREE,
                                 f, attrs, 0, err)
               : keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (rc == 0 && add_entries(s, c, res))
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    ldap_msgfree(res);
    keel_free(f);
    return rc;
}

int dir_groups_resolve(keel_dir_user *u, dir_conn *c, char **memberof,
                       keel_error *err)
{
    const dir_config *cfg = &c->d->cfg;
    dir_set s = {0};
    int rc = 0;
    if (cfg->group_strategy == DIR_GROUPS_AD_IN_CHAIN)
        rc = in_chain(&s, c, u->dn, err);
    else if (cfg->group_strategy == DIR_GROUPS_MEMBEROF)
        rc = add_all(&s, memberof) ? keel_error_set(err, KEEL_ENOMEM,
                                                    "out of memory") : 0;
    else
        rc = parents(&s, c, u->dn, err);
    /* breadth first: level by level, each group's parents once */
    size_t lo = 0;
    for (int depth = 0; rc == 0 && cfg->group_strategy != DIR_GROUPS_AD_IN_CHAIN &&
                        depth < cfg->max_depth && lo < s.n; depth++) {
        size_t hi = s.n;
        for (size_t i = lo; rc == 0 && i < hi; i++)
            rc = parents(&s, c, s.dns[i], err);
        lo = hi;
    }
    if (rc == 0) {
        u->groups = s.dns;
        u->n_groups = s.n;
        s.dns = NULL;
    }
    dir_set_free(&s);
    return rc;
}
