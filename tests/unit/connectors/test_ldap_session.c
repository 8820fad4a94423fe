/*
 * test_ldap_session.c - sessions on disk: round trip, mode 0600 in a 0700
 * directory, expiry, refusal of files others can read, malformed files,
 * logout.
 */
#include "test_support.h"

#include "alloc.h"
#include "ldap_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static char state[128];
static char file[160];

static int setup(void **s)
{
    (void)s;
    snprintf(dir, sizeof(dir), "/tmp/keel-session.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(state, sizeof(state), "%s/state/keel", dir);
    snprintf(file, sizeof(file), "%s/session.json", state);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd);
}

static void save(time_t now, long ttl)
{
    char *groups[] = {"cn=ops,dc=x", "cn=a\\, b,dc=x"};
    keel_dir_user u = {"uid=alice,dc=x", "alice", "Alice", "a@x", NULL,
                       groups, 2};
    keel_error err = {0};
    assert_int_equal(dir_session_save_at(state, &u, ttl, now, &err), 0);
}

static void test_ldap_session__round_trip_private(void **s)
{
    (void)s;
    save(1000, 600);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(state, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    keel_dir_user *u = NULL;
    long long expires = 0;
    keel_error err = {0};
    assert_int_equal(dir_session_load_at(&u, &expires, state, 1599, &err), 0);
    assert_int_equal(expires, 1600);
    assert_string_equal(u->uid, "alice");
    assert_string_equal(u->dn, "uid=alice,dc=x");
    assert_null(u->manager);
    assert_int_equal(u->n_groups, 2);
    assert_string_equal(u->groups[1], "cn=a\\, b,dc=x");
    keel_dir_user_free(u);
}

static void test_ldap_session__expires(void **s)
{
    (void)s;
    save(1000, 600);
    keel_dir_user *u = NULL;
    long long expires = 0;
    keel_error err = {0};
    assert_int_equal(dir_session_load_at(&u, &expires, state, 1600, &err), KEEL_EAUTH);
    assert_null(u);
    assert_string_equal(err.msg, "the session of alice expired; log in again "
                                 "with `keel login`");
    /* a session from the future (clock moved back) is not trusted either */
    assert_int_equal(dir_session_load_at(&u, &expires, state, 500, &err), KEEL_EAUTH);
}

static void test_ldap_session__refuses_unsafe_or_malformed(void **s)
{
    (void)s;
    save(1000, 600);
    keel_dir_user *u = NULL;
    long long expires = 0;
    keel_error err = {0};
    assert_int_equal(chmod(file, 0640), 0);
    assert_int_equal(dir_session_load_at(&u, &expires, state, 1001, &err), KEEL_EUNSAFE);
    static const char *const bad[] = {
        "{", "{\"version\":2,\"created\":1,\"expires\":2,\"user\":{}}",
        "{\"version\":1,\"created\":1000,\"expires\":999999,\"user\":"
        "{\"dn\":\"x\",\"uid\":\"y\",\"groups\":[]}}",
        "{\"version\":1,\"created\":1000,\"expires\":1600,\"user\":"
        "{\"dn\":\"x\",\"uid\":\"y\",\"groups\":[1]}}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        FILE *f = fopen(file, "w");
        assert_non_null(f);
        fputs(bad[i], f);
        fclose(f);
        assert_int_equal(chmod(file, 0600), 0);
        assert_int_equal(dir_session_load_at(&u, &expires, state, 1001, &err),
                         KEEL_EINVAL);
        assert_null(u);
    }
}

static void test_ldap_session__logout(void **s)
{
    (void)s;
    save(1000, 600);
    bool removed = false;
    keel_error err = {0};
    assert_int_equal(keel_session_remove(&removed, state, &err), 0);
    assert_true(removed);
    assert_int_equal(keel_session_remove(&removed, state, &err), 0);
    assert_false(removed);
    keel_dir_user *u = NULL;
    long long expires = 0;
    assert_int_equal(dir_session_load_at(&u, &expires, state, 1001, &err),
                     KEEL_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ldap_session__round_trip_private),
        cmocka_unit_test(test_ldap_session__expires),
        cmocka_unit_test(test_ldap_session__refuses_unsafe_or_malformed),
        cmocka_unit_test(test_ldap_session__logout),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
