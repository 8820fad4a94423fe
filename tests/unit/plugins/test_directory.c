/*
 * test_directory.c - the directory plugin (the real .so, loaded by the
 * kernel) answering through the kernel's directory connection to a real
 * slapd: find_user, user_groups, group_members; arguments checked by its
 * schemas; no directory configured is a clear "unavailable".
 */
#include "test_support.h"

#include "slapd_fixture.h"

#include <keel/directory.h>

#include <stdlib.h>
#include <string.h>

static slapd_fixture fx;
static keel_directory *dir;
static keel_kernel *k;

static int setup(void **s)
{
    (void)s;
    slapd_start(&fx);
    setenv("KEEL_TEST_LDAP_PW", "service-secret", 1);
    keel_config *c = slapd_config(&fx,
        "{\"directory\": {\"servers\": [\"ldap://127.0.0.1:@PLAIN@\"], "
        "\"tls\": {\"mode\": \"starttls\", \"ca_file\": \"@DIR@/ca.pem\"}, "
        SLAPD_COMMON "}}");
    keel_error err = {0};
    if (keel_directory_open(&dir, c, &err))
        fail_msg("%s", err.msg);
    keel_config_free(c);
    static const char *const plugins[] = {"directory", NULL};
    k = ts_kernel_with(plugins);
    keel_kernel_set_directory(k, keel_directory_serve, dir);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    keel_kernel_free(k);
    keel_directory_close(dir);
    slapd_stop(&fx);
    return 0;
}

#define ALICE "uid=alice,ou=people,dc=keel,dc=test"
#define BOB "uid=bob,ou=people,dc=keel,dc=test"

static void expect(const char *fn, const char *args, const char *json)
{
    keel_value *out = NULL;
    keel_error err = {0};
    if (ts_invoke(&out, k, fn, args, &err))
        fail_msg("%s %s: %s", fn, args, err.msg);
    ts_assert_json(out, json);
    keel_value_unref(out);
}

static void expect_error(const char *fn, const char *args, int code,
                         const char *msg)
{
    keel_value *out = NULL;
    keel_error err = {0};
    assert_int_equal(ts_invoke(&out, k, fn, args, &err), code);
    assert_null(out);
    if (!strstr(err.msg, msg))
        fail_msg("%s %s: '%s' lacks '%s'", fn, args, err.msg, msg);
}

static void test_directory__find_user(void **s)
{
    (void)s;
    expect("directory.find_user", "{\"key\": \"bob@keel.test\"}",
           "{\"dn\":\"" BOB "\",\"uid\":\"bob\",\"name\":\"Bob Builder\","
           "\"mail\":\"bob@keel.test\",\"manager\":\"" ALICE "\","
           "\"groups\":[\"cn=staff,ou=groups,dc=keel,dc=test\"]}");
    expect_error("directory.find_user", "{\"key\": \"nobody\"}", KEEL_EFAILED,
                 "no user has the uid 'nobody'");
    expect_error("directory.find_user", "{\"key\": \"\"}", KEEL_ERANGE, "key");
}

static void test_directory__user_groups_and_members(void **s)
{
    (void)s;
    expect("directory.user_groups", "{\"key\": \"carol\"}",
           "[\"cn=loop-b,ou=groups,dc=keel,dc=test\","
           "\"cn=loop-a,ou=groups,dc=keel,dc=test\"]");
    expect("directory.group_members",
           "{\"group\": \"cn=admins,ou=groups,dc=keel,dc=test\"}",
           "[\"cn=ops,ou=groups,dc=keel,dc=test\"]");
    expect("directory.group_members",
           "{\"group\": \"cn=admins,ou=groups,dc=keel,dc=test\", \"nested\": true}",
           "[\"" ALICE "\"]");
    expect_error("directory.group_members", "{\"group\": \"cn=x,dc=nowhere\"}",
                 KEEL_EFAILED, "no group");
}

static void test_directory__effects_are_read_only(void **s)
{
    (void)s;
    const keel_fn_info *f = keel_kernel_lookup(k, "directory.find_user");
    assert_non_null(f);
    assert_true(f->effects & KEEL_EFFECT_READS);
    assert_false(f->effects & (KEEL_EFFECT_WRITES | KEEL_EFFECT_DESTRUCTIVE));
}

static void test_directory__no_directory_is_unavailable(void **s)
{
    (void)s;
    keel_kernel_set_directory(k, NULL, NULL);
    expect_error("directory.find_user", "{\"key\": \"bob\"}", KEEL_EUNAVAIL,
                 "no directory is configured");
    keel_kernel_set_directory(k, keel_directory_serve, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directory__find_user),
        cmocka_unit_test(test_directory__user_groups_and_members),
        cmocka_unit_test(test_directory__effects_are_read_only),
        cmocka_unit_test(test_directory__no_directory_is_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
