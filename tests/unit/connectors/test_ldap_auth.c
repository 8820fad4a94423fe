/*
 * test_ldap_auth.c - login against a real slapd (one per binary): search
 * then bind, one message for unknown, ambiguous and wrong password, empty
 * passwords never sent, injection strings matched literally, TLS checks
 * (wrong CA, wrong host, StartTLS without fallback), a server that never
 * answers, failover, nested groups and a cycle, and libldap's own
 * configuration (LDAPTLS_*) having no effect.
 */
#include "test_support.h"

#include "slapd_fixture.h"

#include <keel/directory.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static slapd_fixture fx;
static char logged[4096];

static void on_log(void *ud, int level, const char *source, const char *msg)
{
    (void)ud;
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof(logged) - n, "%d %s: %s\n", level, source, msg);
}

static char traced[2048];

static void on_trace(void *ud, const char *stage, const char *detail, long ms)
{
    (void)ud;
    (void)ms;
    size_t n = strlen(traced);
    snprintf(traced + n, sizeof(traced) - n, "%s(%s) ", stage, detail);
}

static int setup(void **s)
{
    (void)s;
    slapd_start(&fx);
    setenv("KEEL_TEST_LDAP_PW", "service-secret", 1);
    /* libldap would trust anything with these: keel must ignore them */
    setenv("LDAPTLS_REQCERT", "never", 1);
    char ca[128];
    snprintf(ca, sizeof(ca), "%s/ca.pem", fx.dir);
    setenv("LDAPTLS_CACERT", ca, 1);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    slapd_stop(&fx);
    return 0;
}

#define LDAPS "\"servers\": [\"ldaps://127.0.0.1:@TLS@\"], " \
              "\"tls\": {\"ca_file\": \"@DIR@/ca.pem\"}, "

static keel_directory *open_dir(const char *json)
{
    keel_config *c = slapd_config(&fx, json);
    keel_directory *d = NULL;
    keel_error err = {0};
    if (keel_directory_open(&d, c, &err))
        fail_msg("open: %s", err.msg);
    keel_config_free(c);
    logged[0] = traced[0] = '\0';
    keel_directory_set_log(d, on_log, NULL);
    keel_directory_set_trace(d, on_trace, NULL);
    return d;
}

static int login(keel_directory *d, const char *name, const char *pw,
                 keel_dir_user **u, keel_error *err)
{
    *u = NULL;
    return keel_directory_authenticate(u, d, name, pw, strlen(pw), err);
}

static bool has_group(const keel_dir_user *u, const char *dn)
{
    for (size_t i = 0; i < u->n_groups; i++)
        if (strcmp(u->groups[i], dn) == 0)
            return true;
    return false;
}

#define OPS "cn=ops,ou=groups,dc=keel,dc=test"
#define ADMINS "cn=admins,ou=groups,dc=keel,dc=test"
#define STAFF "cn=staff,ou=groups,dc=keel,dc=test"
#define REFUSED "authentication failed: unknown user or wrong password"

static void test_ldap_auth__good_login_with_nested_groups(void **s)
{
    (void)s;
    keel_directory *d = open_dir("{\"directory\": {" LDAPS SLAPD_COMMON "}}");
    keel_dir_user *u = NULL;
    keel_error err = {0};
    assert_int_equal(login(d, "alice", "alice-pw", &u, &err), 0);
    assert_string_equal(u->dn, "uid=alice,ou=people,dc=keel,dc=test");
    assert_string_equal(u->uid, "alice");
    assert_string_equal(u->name, "Alice Admin");
    assert_string_equal(u->mail, "alice@keel.test");
    assert_int_equal(u->n_groups, 3);
    assert_true(has_group(u, OPS) && has_group(u, ADMINS) && has_group(u, STAFF));
    assert_non_null(strstr(traced, "connect(ldaps://127.0.0.1:"));
    assert_non_null(strstr(traced, "tls(ldaps) service bind(cn=keel,"));
    assert_non_null(strstr(traced, "search(uid=alice,"));
    assert_non_null(strstr(traced, "groups(3 groups)"));
    keel_dir_user_free(u);
    keel_directory_close(d);
}

/* Wrong password, unknown user, ambiguous user: one message; the log
 * says which. */
static void test_ldap_auth__refusals_look_the_same(void **s)
{
    (void)s;
    keel_directory *d = open_dir("{\"directory\": {" LDAPS SLAPD_COMMON "}}");
    static const struct {
        const char *name, *pw, *log;
    } rows[] = {
        {"alice", "wrong", "bind as uid=alice,ou=people,dc=keel,dc=test: Invalid credentials"},
        {"nobody", "x", "no entry matches users.filter"},
        {"twin", "twin-pw", "several entries match users.filter"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        keel_dir_user *u = NULL;
        keel_error err = {0};
        logged[0] = '\0';
        assert_int_equal(login(d, rows[i].name, rows[i].pw, &u, &err), KEEL_EAUTH);
        assert_null(u);
        assert_string_equal(err.msg, REFUSED);
        if (!strstr(logged, rows[i].log))
            fail_msg("%s: log has '%s'", rows[i].name, logged);
    }
    keel_directory_close(d);
}

/* An empty password is refused before anything is sent: pointed at a
 * server that never answers, the refusal is immediate. */
static void test_ldap_auth__empty_password_never_sent(void **s)
{
    (void)s;
    keel_directory *d = open_dir(
        "{\"directory\": {\"servers\": [\"ldaps://127.0.0.1:@SILENT@\"], "
        SLAPD_COMMON "}}");
    keel_dir_user *u = NULL;
    keel_error err = {0};
    assert_int_equal(login(d, "alice", "", &u, &err), KEEL_EAUTH);
    assert_non_null(strstr(err.msg, "empty password"));
    assert_string_equal(traced, ""); /* not even a connect */
    keel_directory_close(d);
}

/* Filter metacharacters in the name are matched literally. */
static void test_ldap_auth__injection_strings_are_literal(void **s)
{
    (void)s;
    keel_directory *d = open_dir("{\"directory\": {" LDAPS SLAPD_COMMON "}}");
    static const char *const names[] = {
        "*)(uid=*))(|(uid=*", "*", "alice)(uid=*", "al*", "alice\\2a",
        "*)(|(objectClass=*", "alice\x01"};
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        keel_dir_user *u = NULL;
        keel_error err = {0};
        assert_int_equal(login(d, names[i], "alice-pw", &u, &err), KEEL_EAUTH);
        assert_string_equal(err.msg, REFUSED);
    }
    keel_dir_user *u = NULL; /* and "j*" is simply a uid with a star */
    keel_error err = {0};
    assert_int_equal(login(d, "j*", "star-pw", &u, &err), 0);
    assert_string_equal(u->uid, "j*");
    keel_dir_user_free(u);
    assert_int_equal(login(d, "bad\xff", "x", &u, &err), KEEL_EINVAL);
    keel_directory_close(d);
}

static void expect_unavailable(const char *json, const char *words)
{
    keel_directory *d = open_dir(json);
    keel_dir_user *u = NULL;
    keel_error err = {0};
    assert_int_equal(login(d, "alice", "alice-pw", &u, &err), KEEL_EUNAVAIL);
    assert_null(u);
    if (!strstr(err.msg, "directory unreachable") || !strstr(err.msg, words))
        fail_msg("expected '%s' in: %s", words, err.msg);
    assert_null(strstr(traced, "user bind"));
    keel_directory_close(d);
}

static void test_ldap_auth__tls_refusals(void **s)
{
    (void)s;
    /* a CA that did not sign the server's certificate */
    expect_unavailable("{\"directory\": {\"servers\": [\"ldaps://127.0.0.1:@TLS@\"],"
                       " \"tls\": {\"ca_file\": \"@DIR@/ca-other.pem\"}, "
                       SLAPD_COMMON "}}", "TLS");
    /* the certificate is for 127.0.0.1, not 127.0.0.2 */
    expect_unavailable("{\"directory\": {\"servers\": [\"ldaps://127.0.0.2:@TLS@\"],"
                       " \"tls\": {\"ca_file\": \"@DIR@/ca.pem\"}, "
                       SLAPD_COMMON "}}", "TLS");
    /* StartTLS that fails is never followed by a plaintext bind */
    expect_unavailable("{\"directory\": {\"servers\": [\"ldap://127.0.0.1:@PLAIN@\"],"
                       " \"tls\": {\"mode\": \"starttls\", \"ca_file\": \"@DIR@/ca-other.pem\"}, "
                       SLAPD_COMMON "}}", "TLS handshake");
}

static void test_ldap_auth__starttls_login(void **s)
{
    (void)s;
    keel_directory *d = open_dir(
        "{\"directory\": {\"servers\": [\"ldap://127.0.0.1:@PLAIN@\"],"
        " \"tls\": {\"mode\": \"starttls\", \"ca_file\": \"@DIR@/ca.pem\"}, "
        SLAPD_COMMON "}}");
    keel_dir_user *u = NULL;
    keel_error err = {0};
    assert_int_equal(login(d, "bob", "bob-pw", &u, &err), 0);
    assert_non_null(strstr(traced, "tls(StartTLS)"));
    assert_string_equal(logged, "");
    keel_dir_user_free(u);
    keel_directory_close(d);
}

static void test_ldap_auth__insecure_warns_every_time(void **s)
{
    (void)s;
    keel_directory *d = open_dir(
        "{\"directory\": {\"servers\": [\"ldap://127.0.0.1:@PLAIN@\"],"
        " \"tls\": {\"mode\": \"insecure\"}, " SLAPD_COMMON "}}");
    for (int i = 0; i < 2; i++) {
        keel_dir_user *u = NULL;
        keel_error err = {0};
        logged[0] = '\0';
        assert_int_equal(login(d, "bob", "bob-pw", &u, &err), 0);
        assert_non_null(strstr(logged, "2 directory: ldap://127.0.0.1:"));
        assert_non_null(strstr(logged, "insecure"));
        keel_dir_user_free(u);
    }
    keel_directory_close(d);
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A server that accepts TCP and never answers: ldaps, StartTLS and plain
 * all give up within the deadline, as "unreachable". */
static void test_ldap_auth__silent_server_meets_deadline(void **s)
{
    (void)s;
    static const char *const modes[] = {
        "\"servers\": [\"ldaps://127.0.0.1:@SILENT@\"]",
        "\"servers\": [\"ldap://127.0.0.1:@SILENT@\"], \"tls\": {\"mode\": \"starttls\"}",
        "\"servers\": [\"ldap://127.0.0.1:@SILENT@\"], \"tls\": {\"mode\": \"insecure\"}"};
    for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++) {
        char json[1024];
        snprintf(json, sizeof(json), "{\"directory\": {%s, \"timeouts\": "
                 "{\"connect_ms\": 300, \"operation_ms\": 400, \"total_ms\": 700}, "
                 SLAPD_COMMON "}}", modes[i]);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        expect_unavailable(json, "127.0.0.1");
        long ms = elapsed_ms(&t0);
        if (ms > 2500)
            fail_msg("mode %zu took %ld ms (deadline 700 ms)", i, ms);
    }
}

static void test_ldap_auth__failover_to_second_server(void **s)
{
    (void)s;
    keel_directory *d = open_dir(
        "{\"directory\": {\"servers\": [\"ldaps://127.0.0.1:@DEAD@\", "
        "\"ldaps://127.0.0.1:@SILENT@\", \"ldaps://127.0.0.1:@TLS@\"], "
        "\"tls\": {\"ca_file\": \"@DIR@/ca.pem\"}, \"timeouts\": "
        "{\"connect_ms\": 300, \"operation_ms\": 300, \"total_ms\": 5000}, "
        SLAPD_COMMON "}}");
    keel_dir_user *u = NULL;
    keel_error err = {0};
    assert_int_equal(login(d, "alice", "alice-pw", &u, &err), 0);
    assert_non_null(strstr(logged, "Connection refused"));
    keel_dir_user_free(u);
    keel_directory_close(d);
}

static void test_ldap_auth__group_cycle_and_strategies(void **s)
{
    (void)s;
    static const char *const groups[] = {
        "",
        ", \"groups\": {\"strategy\": \"search\", \"base\": \"ou=groups,dc=keel,dc=test\"}"};
    for (size_t i = 0; i < 2; i++) {
        char json[2048];
        snprintf(json, sizeof(json), "{\"directory\": {" LDAPS SLAPD_COMMON "%s}}",
                 groups[i]);
        keel_directory *d = open_dir(json);
        keel_dir_user *u = NULL;
        keel_error err = {0};
        assert_int_equal(login(d, "carol", "carol-pw", &u, &err), 0);
        assert_int_equal(u->n_groups, 2); /* loop-b, loop-a: each once */
        assert_true(has_group(u, "cn=loop-b,ou=groups,dc=keel,dc=test"));
        assert_true(has_group(u, "cn=loop-a,ou=groups,dc=keel,dc=test"));
        keel_dir_user_free(u);
        assert_int_equal(login(d, "alice", "alice-pw", &u, &err), 0);
        assert_int_equal(u->n_groups, 3);
        keel_dir_user_free(u);
        keel_directory_close(d);
    }
    keel_directory *d = open_dir("{\"directory\": {" LDAPS SLAPD_COMMON
                                 ", \"groups\": {\"max_depth\": 1}}}");
    keel_dir_user *u = NULL;
    keel_error err = {0};
    assert_int_equal(login(d, "alice", "alice-pw", &u, &err), 0);
    assert_int_equal(u->n_groups, 2); /* ops, admins; not staff */
    assert_false(has_group(u, STAFF));
    keel_dir_user_free(u);
    keel_directory_close(d);
}

static void test_ldap_auth__service_account_refused_is_unavailable(void **s)
{
    (void)s;
    setenv("KEEL_TEST_LDAP_PW", "not-the-password", 1);
    expect_unavailable("{\"directory\": {" LDAPS SLAPD_COMMON "}}",
                       "service bind as cn=keel");
    setenv("KEEL_TEST_LDAP_PW", "service-secret", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ldap_auth__good_login_with_nested_groups),
        cmocka_unit_test(test_ldap_auth__refusals_look_the_same),
        cmocka_unit_test(test_ldap_auth__empty_password_never_sent),
        cmocka_unit_test(test_ldap_auth__injection_strings_are_literal),
        cmocka_unit_test(test_ldap_auth__tls_refusals),
        cmocka_unit_test(test_ldap_auth__starttls_login),
        cmocka_unit_test(test_ldap_auth__insecure_warns_every_time),
        cmocka_unit_test(test_ldap_auth__silent_server_meets_deadline),
        cmocka_unit_test(test_ldap_auth__failover_to_second_server),
        cmocka_unit_test(test_ldap_auth__group_cycle_and_strategies),
        cmocka_unit_test(test_ldap_auth__service_account_refused_is_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
