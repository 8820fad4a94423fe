/*
 * fuzz_ldap_escape.c - libFuzzer target for the LDAP escapers and the DN
 * normal form. For any bytes x: unescape(escape(x)) == x for filters and
 * DN values; an escaped filter holds no '*', '(', ')' or NUL and every '\\'
 * starts a hex pair; an escaped DN value holds no unescaped special, no
 * leading ' ' or '#' and no trailing unescaped ' '; normalising a DN that
 * is accepted twice gives the same text.
 */
#include <keel/keel.h>

#include "alloc.h"
#include "ldap_dn.h"
#include "ldap_escape.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*codec)(char **, size_t *, const char *, size_t);

static void round_trip(const char *s, size_t n, codec enc, codec dec)
{
    char *e = NULL, *d = NULL;
    size_t elen = 0, dlen = 0;
    if (enc(&e, &elen, s, n) || dec(&d, &dlen, e, elen) || dlen != n ||
        memcmp(d, s, n) != 0 || strlen(e) != elen)
        abort();
    keel_free(d);
    keel_free(e);
}

static void filter_is_inert(const char *s, size_t n)
{
    char *e = NULL;
    size_t elen = 0;
    if (keel_ldap_escape_filter(&e, &elen, s, n))
        abort();
    for (size_t i = 0; i < elen; i++) {
        if (strchr("*()", e[i]))
            abort();
        if (e[i] == '\\' && (i + 2 >= elen ||
                             !isxdigit((unsigned char)e[i + 1]) ||
                             !isxdigit((unsigned char)e[i + 2])))
            abort();
    }
    keel_free(e);
}

static void dn_value_is_inert(const char *s, size_t n)
{
    char *e = NULL;
    size_t elen = 0;
    if (keel_ldap_escape_dn_value(&e, &elen, s, n))
        abort();
    if (elen && (e[0] == ' ' || e[0] == '#'))
        abort();
    for (size_t i = 0; i < elen; i++) {
        if (e[i] == '\\') {
            if (i + 1 >= elen)
                abort();
            i += isxdigit((unsigned char)e[i + 1]) ? 2 : 1;
            if (i >= elen)
                abort();
            continue;
        }
        if (strchr("\"+,;<>=", e[i]) || (e[i] == ' ' && i == elen - 1))
            abort();
    }
    keel_free(e);
}

static void normal_form_is_stable(const char *s, size_t n)
{
    char *a = NULL, *b = NULL;
    if (keel_dn_normalise(&a, s, n) != 0)
        return;
    if (keel_dn_normalise(&b, a, strlen(a)) != 0 || strcmp(a, b) != 0)
        abort();
    keel_free(a);
    keel_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    round_trip(s, size, keel_ldap_escape_filter, keel_ldap_unescape_filter);
    round_trip(s, size, keel_ldap_escape_dn_value, keel_ldap_unescape_dn_value);
    filter_is_inert(s, size);
    dn_value_is_inert(s, size);
    normal_form_is_stable(s, size);
    return 0;
}
