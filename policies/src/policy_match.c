/*
 * policy_match.c - matching functions, globs and DNs for policies.
 *
 * Globs are the only pattern language policies have: '*' any run, '?' one
 * character (a whole UTF-8 sequence), everything else literal, matched
 * against the whole text. The
 * matcher keeps one backtrack point, so it runs in time proportional to
 * pattern times text at worst and never explodes on hostile input.
 */
#include "policy_internal.h"

#include "alloc.h"
#include "ldap_dn.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool pol_glob(const char *p, const char *t)
{
    const char *star = NULL, *resume = NULL;
    while (*t) {
        if (*p == '?') { /* one character: a whole UTF-8 sequence */
            p++;
            do
                t++;
            while ((*t & 0xC0) == 0x80);
        } else if (*p && *p != '*' && *p == *t) {
            p++;
            t++;
        } else if (*p == '*') {
            star = p++;
            resume = t;
        } else if (star) {
            p = star + 1;
            t = ++resume;
            while ((*t & 0xC0) == 0x80) /* restart on a character boundary */
                t = ++resume;
        } else
            return false;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

bool pol_action_matches(const pol_action *a, const keel_fn_info *fn)
{
    if (!a->call)
        return (fn->effects & a->effect) != 0;
    return pol_glob(a->call, fn->qualified_name);
}

bool pol_rule_matches_fn(const pol_rule *r, const keel_fn_info *fn)
{
    if (r->kind == RULE_FLOW || r->kind == RULE_DECLASSIFY) {
        for (size_t i = 0; i < r->n_sinks; i++)
            if (pol_glob(r->sinks[i].call, fn->qualified_name))
                return true;
        return false;
    }
    for (size_t i = 0; i < r->n_actions; i++)
        if (pol_action_matches(&r->actions[i], fn))
            return true;
    return false;
}

/* "CN=Finance, OU=Groups,DC=Example" -> "cn=finance,ou=groups,dc=example",
 * escapes decoded and re-encoded one way (keel_dn_normalise in
 * connectors/ldap, shared with the directory connector). */
char *pol_normalise_dn(const char *dn)
{
    char *out = NULL;
    return keel_dn_normalise(&out, dn, strlen(dn)) == 0 ? out : NULL;
}

const pol_index *pol_index_find(const keel_policy *p, const char *qname)
{
    size_t lo = 0, hi = p->n_index;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->index[mid].qname, qname);
        if (c == 0)
            return &p->index[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
