/*
 * ldap_escape.h - putting untrusted text into LDAP filters (RFC 4515) and
 * DN attribute values (RFC 4514), and the reverse, for tests and the fuzz
 * target that proves the round trip.
 *
 * Inputs are length-counted: a NUL inside is data and is escaped (\00).
 * Outputs are NUL-terminated, allocated with keel_malloc; the caller frees
 * them with keel_free. No libldap here, so these are usable (and fuzzable)
 * on their own.
 */
#ifndef KEEL_LDAP_ESCAPE_H
#define KEEL_LDAP_ESCAPE_H

#include <keel/keel.h>

#include <stddef.h>

/* Every '*', '(', ')', '\\', NUL and control byte becomes \XX (lower-case
 * hex). KEEL_ENOMEM on allocation failure. */
int keel_ldap_escape_filter(char **out, size_t *out_len, const char *s,
                            size_t len);
/* "\XX" pairs back to bytes; any other backslash is KEEL_EINVAL. */
int keel_ldap_unescape_filter(char **out, size_t *out_len, const char *s,
                              size_t len);

/* RFC 4514 section 2.4: '"', '+', ',', ';', '<', '>', '\\' and '=' get a
 * backslash; NUL and control bytes become \XX; a leading ' ' or '#' and a
 * trailing ' ' are escaped. */
int keel_ldap_escape_dn_value(char **out, size_t *out_len, const char *s,
                              size_t len);
/* "\XX" and "\<special>" back to bytes; a lone or unknown escape and an
 * unescaped special are KEEL_EINVAL. */
int keel_ldap_unescape_dn_value(char **out, size_t *out_len, const char *s,
                                size_t len);

/* Fills s with "(&(objectClass=x)(uid=%s))"-style template t, its one "%s"
 * replaced by the escaped value: KEEL_EINVAL unless t holds exactly one
 * "%s" and no other '%'. */
int keel_ldap_filter_format(char **out, const char *t, const char *value,
                            size_t len);

#endif
