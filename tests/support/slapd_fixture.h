/*
 * slapd_fixture.h - a real OpenLDAP slapd for the directory tests, started
 * once per test binary by tests/ldap/slapd.sh as the calling user on
 * 127.0.0.1 with free ports, and configurations that point at it.
 *
 * The directory (tests/ldap/people.ldif): alice (ops, nested in admins,
 * nested in staff), bob (staff; manager alice), carol (loop-b, in a cycle
 * with loop-a), two entries with uid "twin", one with uid "j*"; the
 * service account cn=keel,ou=services,dc=keel,dc=test whose password is in
 * $KEEL_TEST_LDAP_PW. Passwords are "<uid>-pw".
 */
#ifndef KEEL_SLAPD_FIXTURE_H
#define KEEL_SLAPD_FIXTURE_H

#include <keel/config.h>

typedef struct slapd_fixture {
    char dir[64];
    int plain_port; /* ldap:// with StartTLS */
    int tls_port;   /* ldaps:// on 127.0.0.1 (and 127.0.0.2, wrong host) */
    int silent_fd;  /* listens, accepts nothing, never answers */
    int silent_port;
    int dead_port;  /* nothing listens */
} slapd_fixture;

/* Starts slapd; fails the test (never skips) when it cannot. */
void slapd_start(slapd_fixture *f);
void slapd_stop(slapd_fixture *f);

/* A configuration from JSON in which @PLAIN@, @TLS@, @SILENT@, @DEAD@ and
 * @DIR@ are replaced by the ports and the fixture's directory (where
 * ca.pem and ca-other.pem are). Fails the test when it does not load. */
keel_config *slapd_config(const slapd_fixture *f, const char *json);

/* The usual directory section body after "servers": users, groups, bind. */
#define SLAPD_COMMON                                                        \
    "\"bind\": {\"dn\": \"cn=keel,ou=services,dc=keel,dc=test\","           \
    " \"password_env\": \"KEEL_TEST_LDAP_PW\"},"                            \
    "\"users\": {\"base\": \"dc=keel,dc=test\"}"

#endif
