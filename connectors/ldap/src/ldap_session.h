/*
 * ldap_session.h - sessions with an explicit clock, for tests of expiry.
 */
#ifndef KEEL_LDAP_SESSION_H
#define KEEL_LDAP_SESSION_H

#include <keel/directory.h>

#include <time.h>

int dir_session_save_at(const char *state_dir, const keel_dir_user *u,
                        long ttl_s, time_t now, keel_error *err);
int dir_session_load_at(keel_dir_user **out, long long *expires,
                        const char *state_dir, time_t now, keel_error *err);

#endif
