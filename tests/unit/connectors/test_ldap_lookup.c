/*
 * test_ldap_lookup.c - directory lookups against a real slapd (find a user
 * by uid or mail with manager and groups; a group's members, direct or
 * nested, through a cycle), and groups from a real login deciding a
 * policy: the same call allowed for one user and denied for another.
 */
#include "test_support.h"

#include "slapd_fixture.h"

#include <keel/directory.h>
#include <keel/policy.h>

#include <stdlib.h>
#include <string.h>

static slapd_fixture fx;
static keel_directory *dir;

static int setup(void **s)
{
    (void)s;
    slapd_start(&fx);
    setenv("KEEL_TEST_LDAP_PW", "service-secret", 1);
    keel_config *c = slapd_config(&fx,
        "{\"directory\": {\"servers\": [\"ldaps://127.0.0.1:@TLS@\"], "
        "\"tls\": {\"ca_file\": \"@DIR@/ca.pem\"}, " SLAPD_COMMON "}}");
    keel_error err = {0};
    if (keel_directory_open(&dir, c, &err))
        fail_msg("%s", err.msg);
    keel_config_free(c);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    keel_directory_close(dir);
    slapd_stop(&fx);
    return 0;
}

#define ALICE "uid=alice,ou=people,dc=keel,dc=test"
#define BOB "uid=bob,ou=people,dc=keel,dc=test"

static void test_ldap_lookup__find_user_by_uid_and_mail(void **s)
{
    (void)s;
    keel_dir_user *u = NULL;
    keel_error err = {0};
    assert_int_equal(keel_directory_find_user(&u, dir, "bob", &err), 0);
    keel_value *v = NULL;
    assert_int_equal(keel_dir_user_to_value(&v, u), 0);
    ts_assert_json(v, "{\"dn\":\"" BOB "\",\"uid\":\"bob\",\"name\":\"Bob Builder\","
                      "\"mail\":\"bob@keel.test\",\"manager\":\"" ALICE "\","
                      "\"groups\":[\"cn=staff,ou=groups,dc=keel,dc=test\"]}");
    keel_value_unref(v);
    keel_dir_user_free(u);
    assert_int_equal(keel_directory_find_user(&u, dir, "alice@keel.test", &err), 0);
    assert_string_equal(u->dn, ALICE);
    assert_int_equal(u->n_groups, 3);
    keel_dir_user_free(u);
    assert_int_equal(keel_directory_find_user(&u, dir, "nobody", &err), KEEL_ENOTFOUND);
    assert_string_equal(err.msg, "no user has the uid 'nobody'");
    assert_int_equal(keel_directory_find_user(&u, dir, "twin", &err), KEEL_EINVAL);
    assert_int_equal(keel_directory_find_user(&u, dir, "*", &err), KEEL_ENOTFOUND);
    assert_null(u);
}

static void test_ldap_lookup__group_members(void **s)
{
    (void)s;
    keel_value *v = NULL;
    keel_error err = {0};
    assert_int_equal(keel_directory_group_members(
                         &v, dir, "cn=staff,ou=groups,dc=keel,dc=test", false, &err), 0);
    ts_assert_json(v, "[\"cn=admins,ou=groups,dc=keel,dc=test\",\"" BOB "\"]");
    keel_value_unref(v);
    assert_int_equal(keel_directory_group_members(
                         &v, dir, "CN=Staff, OU=Groups,dc=keel,dc=test", true, &err), 0);
    ts_assert_json(v, "[\"" BOB "\",\"" ALICE "\"]");
    keel_value_unref(v);
    assert_int_equal(keel_directory_group_members(
                         &v, dir, "cn=loop-a,ou=groups,dc=keel,dc=test", true, &err), 0);
    ts_assert_json(v, "[\"uid=carol,ou=people,dc=keel,dc=test\"]");
    keel_value_unref(v);
    assert_int_equal(keel_directory_group_members(
                         &v, dir, "cn=none,ou=groups,dc=keel,dc=test", true, &err),
                     KEEL_ENOTFOUND);
    assert_int_equal(keel_directory_group_members(&v, dir, BOB, false, &err),
                     KEEL_ENOTFOUND);
    assert_null(v);
}

static const char policy_xml[] =
    "<policy xmlns=\"urn:keel:policy:1\" id=\"p\">"
    "<role name=\"admins\"><group dn=\"CN=Admins, OU=Groups, DC=keel, DC=test\"/></role>"
    "<permit id=\"admins-upper\"><principal role=\"admins\"/>"
    "<action call=\"text.upper\"/></permit></policy>";

/* Login, then the policy decides with the groups the directory gave. */
static keel_verdict decide_for(keel_kernel *k, const keel_policy *p,
                               const char *uid, const char *pw)
{
    keel_dir_user *u = NULL;
    keel_error err = {0};
    if (keel_directory_authenticate(&u, dir, uid, pw, strlen(pw), &err))
        fail_msg("%s: %s", uid, err.msg);
    keel_principal who = {u->uid, u->dn, (const char *const *)u->groups,
                          u->n_groups};
    keel_value *args = ts_json("{\"text\": \"x\"}");
    keel_decision d;
    keel_policy_decide(&d, p, &who, keel_kernel_lookup(k, "text.upper"), args);
    keel_value_unref(args);
    keel_dir_user_free(u);
    return d.verdict;
}

static void test_ldap_lookup__groups_drive_policy(void **s)
{
    (void)s;
    static const char *const plugins[] = {"text", NULL};
    keel_kernel *k = ts_kernel_with(plugins);
    const char *names[] = {"p.xml"};
    const char *texts[] = {policy_xml};
    size_t lens[] = {strlen(policy_xml)};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_policy_load_texts(&p, names, texts, lens, 1, k, &d), 0);
    keel_diags_free(&d);
    /* alice is in ops, inside admins: allowed; bob is in staff only */
    assert_int_equal(decide_for(k, p, "alice", "alice-pw"), KEEL_VERDICT_ALLOW);
    assert_int_equal(decide_for(k, p, "bob", "bob-pw"), KEEL_VERDICT_DENY);
    keel_policy_free(p);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ldap_lookup__find_user_by_uid_and_mail),
        cmocka_unit_test(test_ldap_lookup__group_members),
        cmocka_unit_test(test_ldap_lookup__groups_drive_policy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
