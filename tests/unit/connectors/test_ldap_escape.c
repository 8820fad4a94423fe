/*
 * test_ldap_escape.c - RFC 4515 filter and RFC 4514 DN value escaping on
 * hostile inputs: injection strings, NUL inside a counted input,
 * backslashes, edge spaces and '#', non-ASCII UTF-8; and the round trip.
 */
#include <keel/keel.h>

#include "ldap_escape.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

typedef struct row {
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *out;
} row;

static const row filter_rows[] = {
    {"jdoe", 0, "jdoe"},
    {"*)(uid=*))(|(uid=*", 0, "\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a"},
    {"a\0b", 3, "a\\00b"},
    {"back\\slash", 0, "back\\5cslash"},
    {"\\2a", 0, "\\5c2a"},
    {"J\xc3\xbcrgen \xe6\x9d\x8e", 0, "J\xc3\xbcrgen \xe6\x9d\x8e"},
    {"tab\there\nnl", 0, "tab\\09here\\0anl"},
    {"", 0, ""},
};

static const row dn_rows[] = {
    {"Doe, John", 0, "Doe\\, John"},
    {" lead", 0, "\\ lead"},
    {"trail ", 0, "trail\\ "},
    {"#hash", 0, "\\#hash"},
    {"mid#dle", 0, "mid#dle"},
    {"a+b=c;d<e>f\"g\\h", 0, "a\\+b\\=c\\;d\\<e\\>f\\\"g\\\\h"},
    {"nul\0x", 5, "nul\\00x"},
    {"*)(uid=*", 0, "*)(uid\\=*"},
    {"J\xc3\xbcrgen", 0, "J\xc3\xbcrgen"},
    {" ", 0, "\\ "},
};

static size_t len_of(const row *r)
{
    return r->len ? r->len : strlen(r->in);
}

typedef int (*codec)(char **, size_t *, const char *, size_t);

static void check_rows(const row *rows, size_t n, codec enc, codec dec)
{
    for (size_t i = 0; i < n; i++) {
        char *e = NULL, *d = NULL;
        size_t elen = 0, dlen = 0;
        assert_int_equal(enc(&e, &elen, rows[i].in, len_of(&rows[i])), 0);
        assert_string_equal(e, rows[i].out);
        assert_int_equal(elen, strlen(rows[i].out));
        assert_int_equal(dec(&d, &dlen, e, elen), 0);
        assert_int_equal(dlen, len_of(&rows[i]));
        assert_memory_equal(d, rows[i].in, dlen);
        keel_free(e);
        keel_free(d);
    }
}

static void test_ldap_escape__filter_rows(void **state)
{
    (void)state;
    check_rows(filter_rows, sizeof(filter_rows) / sizeof(*filter_rows),
               keel_ldap_escape_filter, keel_ldap_unescape_filter);
}

static void test_ldap_escape__dn_rows(void **state)
{
    (void)state;
    check_rows(dn_rows, sizeof(dn_rows) / sizeof(*dn_rows),
               keel_ldap_escape_dn_value, keel_ldap_unescape_dn_value);
}

static void test_ldap_escape__bad_escapes_refused(void **state)
{
    (void)state;
    static const char *const bad_filter[] = {"\\", "\\2", "\\zz", "a*", "(", ")"};
    static const char *const bad_dn[] = {"\\", "\\q", "a,b", "a+b", "x\\4"};
    char *o = NULL;
    for (size_t i = 0; i < sizeof(bad_filter) / sizeof(*bad_filter); i++) {
        assert_int_equal(keel_ldap_unescape_filter(&o, NULL, bad_filter[i],
                                                   strlen(bad_filter[i])),
                         KEEL_EINVAL);
        assert_null(o);
    }
    for (size_t i = 0; i < sizeof(bad_dn) / sizeof(*bad_dn); i++) {
        assert_int_equal(keel_ldap_unescape_dn_value(&o, NULL, bad_dn[i],
                                                     strlen(bad_dn[i])),
                         KEEL_EINVAL);
        assert_null(o);
    }
}

static void test_ldap_escape__filter_format(void **state)
{
    (void)state;
    char *f = NULL;
    const char *t = "(&(objectClass=inetOrgPerson)(uid=%s))";
    assert_int_equal(keel_ldap_filter_format(&f, t, "*)(uid=*", 8), 0);
    assert_string_equal(f, "(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a))");
    keel_free(f);
    static const char *const bad[] = {"(uid=x)", "(uid=%s)(cn=%s)",
                                      "(uid=%d%s)", "(uid=%s%%)"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(keel_ldap_filter_format(&f, bad[i], "x", 1),
                         KEEL_EINVAL);
        assert_null(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ldap_escape__filter_rows),
        cmocka_unit_test(test_ldap_escape__dn_rows),
        cmocka_unit_test(test_ldap_escape__bad_escapes_refused),
        cmocka_unit_test(test_ldap_escape__filter_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
