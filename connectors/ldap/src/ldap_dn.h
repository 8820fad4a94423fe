/*
 * ldap_dn.h - DN normal form, for comparing the group DNs a directory hands
 * out with those a policy names.
 */
#ifndef KEEL_LDAP_DN_H
#define KEEL_LDAP_DN_H

#include <keel/keel.h>

#include <stddef.h>

/* The normal form of an RFC 4514 DN: attribute types in lower case, no
 * spaces around '=', ',' or '+', ';' read as ',', values unescaped, folded
 * to lower case (ASCII), leading and trailing spaces dropped and inner runs
 * of spaces made one (caseIgnoreMatch), then escaped again the one way
 * keel_ldap_escape_dn_value does. So "CN=Ops\2C Team , ou=Groups" and
 * "cn=ops\, team,OU=groups" give the same string. A '#' hex value is kept
 * in lower case. Multi-valued RDNs keep their order.
 *
 * Returns 0 and *out (keel_free), KEEL_EINVAL for a malformed DN (no '=',
 * empty type, bad escape, unescaped '"', '<', '>' or NUL), KEEL_ENOMEM. */
int keel_dn_normalise(char **out, const char *dn, size_t len);

#endif
