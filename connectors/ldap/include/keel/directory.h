/*
 * keel/directory.h - the company directory over LDAP: authentication
 * (search then bind) producing a principal with its groups, and read-only
 * lookups for the directory plugin.
 *
 * Configured by the "directory" section (docs/directory.md). Every
 * operation opens its own connection, tries the servers in order, and is
 * bounded by the connect, operation and total timeouts. TLS is ldaps:// or
 * StartTLS with certificate and host-name checks; plain LDAP only with
 * tls.mode "insecure", warned about on every connection. libldap's own
 * configuration files and LDAPTLS_* variables never apply.
 *
 * Errors: KEEL_EUNAVAIL when no server could be used (unreachable, TLS
 * refused, timed out, service account refused), always distinct from
 * KEEL_EAUTH (wrong password, unknown or ambiguous user: one message for
 * all three). KEEL_EINVAL for bad input (empty password, name not UTF-8).
 *
 * Ownership: a keel_directory belongs to whoever opened it (free with
 * keel_directory_close); it may be used from several threads. A
 * keel_dir_user belongs to the caller (keel_dir_user_free).
 */
#ifndef KEEL_DIRECTORY_H
#define KEEL_DIRECTORY_H

#include <keel/config.h>
#include <keel/keel.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct keel_directory keel_directory;

/* A person in the directory. Any field but dn and uid may be NULL. */
typedef struct keel_dir_user {
    char *dn;
    char *uid;
    char *name;    /* display name */
    char *mail;
    char *manager; /* the manager's DN */
    char **groups; /* group DNs, direct and nested, each once */
    size_t n_groups;
} keel_dir_user;

/* Stages of a login, reported to the trace callback with their time. */
typedef void (*keel_dir_trace_fn)(void *ud, const char *stage,
                                  const char *detail, long ms);

/* Opens the directory configured in c. KEEL_ENOTFOUND when c has no
 * "directory" section; KEEL_EINVAL for a bad one. Nothing is contacted. */
int keel_directory_open(keel_directory **out, const keel_config *c,
                        keel_error *err);
void keel_directory_close(keel_directory *d);
/* Sink for warnings (insecure transport, ...) and detail the user must not
 * see in errors (which of "no such user" and "several users" happened).
 * source is "directory". */
void keel_directory_set_log(keel_directory *d, keel_log_fn fn, void *ud);
void keel_directory_set_trace(keel_directory *d, keel_dir_trace_fn fn,
                              void *ud);
/* session_ttl_s from the configuration (default 900). */
long keel_directory_session_ttl(const keel_directory *d);

/* Authenticates name with password (len bytes). On success *out holds the
 * principal with its groups. */
int keel_directory_authenticate(keel_dir_user **out, keel_directory *d,
                                const char *name, const char *password,
                                size_t len, keel_error *err);

/* Finds one user by uid (or by mail when key holds '@'), with groups.
 * KEEL_ENOTFOUND when none, KEEL_EINVAL when several match. */
int keel_directory_find_user(keel_dir_user **out, keel_directory *d,
                             const char *key, keel_error *err);
/* The members of a group: direct members (users and groups), or with
 * nested, the users reached through nested groups (each once, cycles and
 * max_depth respected). *out is a list of DN strings (caller unrefs). */
int keel_directory_group_members(keel_value **out, keel_directory *d,
                                 const char *group_dn, bool nested,
                                 keel_error *err);

/* The directory as plugins see it (api->directory): a keel_directory_fn
 * for keel_kernel_set_directory(k, keel_directory_serve, d). ops:
 * find_user {key}, user_groups {key}, group_members {group, nested}. */
int keel_directory_serve(void *d, const char *op, const keel_value *args,
                         keel_value **out, keel_error *err);

void keel_dir_user_free(keel_dir_user *u);
/* The user as an object {dn, uid, name, mail, manager, groups} (caller
 * unrefs). */
int keel_dir_user_to_value(keel_value **out, const keel_dir_user *u);

/* ---- sessions ----
 * A login is kept for ttl_s seconds in <state_dir>/session.json, mode 0600
 * in a 0700 directory: the principal and its groups, never the password.
 * The file is protected by its permissions only: it keeps other users
 * out, not its owner (see docs/directory.md). */

/* Writes the session atomically (temporary file, fsync, rename). */
int keel_session_save(const char *state_dir, const keel_dir_user *u,
                      long ttl_s, keel_error *err);
/* Reads the session: KEEL_ENOTFOUND when there is none, KEEL_EAUTH when it
 * expired, KEEL_EUNSAFE when others may read or write it or it is not a
 * regular file owned by the caller, KEEL_EINVAL when it is malformed.
 * *expires gets its end (seconds since the epoch). */
int keel_session_load(keel_dir_user **out, long long *expires,
                      const char *state_dir, keel_error *err);
/* Removes it; 0 also when there was none (then *removed is false). */
int keel_session_remove(bool *removed, const char *state_dir,
                        keel_error *err);

#ifdef __cplusplus
}
#endif

#endif
