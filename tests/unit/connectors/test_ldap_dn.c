/*
 * test_ldap_dn.c - DN normal form: spellings of one DN compare equal,
 * different DNs (including ones that only differ past any fixed buffer)
 * do not, malformed DNs are refused.
 */
#include <keel/keel.h>

#include "alloc.h"
#include "ldap_dn.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static const struct {
    const char *in, *out;
} same[] = {
    {"cn=ops,ou=groups,dc=example,dc=com", "cn=ops,ou=groups,dc=example,dc=com"},
    {"CN=Ops, OU=Groups ,DC=Example;DC=com", "cn=ops,ou=groups,dc=example,dc=com"},
    {"  cn = Ops  Team ,ou=g", "cn=ops team,ou=g"},
    {"cn=Doe\\2C John,ou=p", "cn=doe\\, john,ou=p"},
    {"cn=Doe\\, John,ou=p", "cn=doe\\, john,ou=p"},
    {"cn=a+SN=B,dc=x", "cn=a+sn=b,dc=x"},
    {"cn=\\ lead,dc=x", "cn=lead,dc=x"},
    {"cn=\\23hash,dc=x", "cn=\\#hash,dc=x"},
    {"uid=#04024869,dc=x", "uid=#04024869,dc=x"},
    {"cn=J\xc3\xbcrgen,dc=x", "cn=j\xc3\xbcrgen,dc=x"},
    {"cn=a\\00b,dc=x", "cn=a\\00b,dc=x"},
    {"2.5.4.3=x,dc=y", "2.5.4.3=x,dc=y"},
    {"", ""},
};

static const char *const malformed[] = {
    "cn", "=x", "cn=a,", "cn=a\\", "cn=a\\q", "cn=a\"b", "cn=<x>",
    "cn=#0", "cn=#zz", "c n=x", "cn=a,,dc=x"};

static void test_ldap_dn__normal_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
        char *n = NULL;
        assert_int_equal(keel_dn_normalise(&n, same[i].in, strlen(same[i].in)), 0);
        assert_string_equal(n, same[i].out);
        char *again = NULL; /* idempotent */
        assert_int_equal(keel_dn_normalise(&again, n, strlen(n)), 0);
        assert_string_equal(again, n);
        keel_free(again);
        keel_free(n);
    }
}

static void test_ldap_dn__malformed_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(malformed) / sizeof(*malformed); i++) {
        char *n = NULL;
        assert_int_equal(keel_dn_normalise(&n, malformed[i], strlen(malformed[i])),
                         KEEL_EINVAL);
        assert_null(n);
    }
    char *n = NULL; /* a NUL inside a counted DN is not a terminator */
    assert_int_equal(keel_dn_normalise(&n, "cn=a\0b", 6), KEEL_EINVAL);
}

/* Two long DNs equal on their first 2000 bytes are still different. */
static void test_ldap_dn__long_dns_not_truncated(void **state)
{
    (void)state;
    char a[3000], b[3000];
    memset(a, 'x', sizeof(a));
    memcpy(a, "cn=", 3);
    a[sizeof(a) - 1] = '\0';
    memcpy(b, a, sizeof(b));
    b[sizeof(b) - 2] = 'y';
    char *na = NULL, *nb = NULL;
    assert_int_equal(keel_dn_normalise(&na, a, strlen(a)), 0);
    assert_int_equal(keel_dn_normalise(&nb, b, strlen(b)), 0);
    assert_string_not_equal(na, nb);
    keel_free(na);
    keel_free(nb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ldap_dn__normal_forms),
        cmocka_unit_test(test_ldap_dn__malformed_refused),
        cmocka_unit_test(test_ldap_dn__long_dns_not_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
