/*
 * ldap_internal.h - what the directory connector's files share: the
 * directory, one connection with its deadline, and the helpers around
 * libldap that enforce timeouts and turn its results into keel errors.
 */
#ifndef KEEL_LDAP_INTERNAL_H
#define KEEL_LDAP_INTERNAL_H

#include <keel/directory.h>

#include "ldap_config.h"

#include <ldap.h>
#include <stdint.h>

struct keel_directory {
    keel_value *section; /* owns the strings cfg borrows */
    dir_config cfg;
    keel_log_fn log_fn;
    void *log_ud;
    keel_dir_trace_fn trace_fn;
    void *trace_ud;
};

/* One connection to one server, bound (or not yet) as someone. */
typedef struct dir_conn {
    keel_directory *d;
    LDAP *ld;
    int fd;           /* the socket libldap was given */
    const char *uri;  /* borrowed from the configuration */
    int64_t deadline; /* monotonic ms: the whole operation's end */
} dir_conn;

int64_t dir_now_ms(void);
/* LDAPNOINIT and SIGPIPE, once per process (see ldap_conn.c). */
void dir_process_init(void);
void dir_log(const keel_directory *d, int level, const char *fmt, ...)
    KEEL_PRINTF(3, 4);
void dir_trace(const keel_directory *d, const char *stage, int64_t since,
               const char *fmt, ...) KEEL_PRINTF(4, 5);

/* Connects to the first server that works, in order: TCP, TLS (ldaps or
 * StartTLS), then a bind as the service account (or none). KEEL_EUNAVAIL
 * naming each server's reason when none does. */
int dir_conn_open(dir_conn *c, keel_directory *d, keel_error *err);
void dir_conn_close(dir_conn *c);

/* A simple bind on c. KEEL_EAUTH when the server refuses the credentials,
 * KEEL_EUNAVAIL when it fails or times out. */
int dir_conn_bind(dir_conn *c, const char *dn, const char *pw, size_t len,
                  keel_error *err);
/* Binds again as the service account (anonymous when none). */
int dir_conn_bind_service(dir_conn *c, keel_error *err);

/* A search bounded by the operation and total timeouts, at most sizelimit
 * entries (0: no limit; hitting it is not an error); *res is freed with
 * ldap_msgfree. KEEL_EUNAVAIL on failure; a missing base is not an error
 * (no entries). */
int dir_conn_search(LDAPMessage **res, dir_conn *c, const char *base,
                    int scope, const char *filter, char **attrs,
                    int sizelimit, keel_error *err);

/* The first value of attr in entry e, copied (keel_free), or NULL. */
char *dir_entry_first(dir_conn *c, LDAPMessage *e, const char *attr);
/* The entry's DN copied with keel_strdup (NULL on OOM). */
char *dir_entry_dn(dir_conn *c, LDAPMessage *e);

/* The user entry for key through filter template t: exactly one. *n is
 * the number found when not one (0 or 2+), and rc KEEL_ENOTFOUND. */
int dir_find_entry(LDAPMessage **res, LDAPMessage **entry, size_t *n,
                   dir_conn *c, const char *t, const char *key,
                   keel_error *err);
/* The values of attr in e as a NULL-terminated array (dir_strings_free),
 * or NULL when none; *oom on allocation failure. */
char **dir_entry_values(dir_conn *c, LDAPMessage *e, const char *attr,
                        bool *oom);
void dir_strings_free(char **v);
/* Fills u from a user entry: dn, uid, name, mail, manager. */
int dir_user_from_entry(keel_dir_user *u, dir_conn *c, LDAPMessage *e);

/* Groups of the user u (direct and nested, per the configured strategy),
 * into u->groups. memberof holds the user's memberOf values. */
int dir_groups_resolve(keel_dir_user *u, dir_conn *c, char **memberof,
                       keel_error *err);

/* A growing set of DNs, compared in normal form. */
typedef struct dir_set {
    char **dns;  /* as the server wrote them */
    char **keys; /* normal forms */
    size_t n, cap;
} dir_set;
/* 1 when added, 0 when already there, KEEL_ENOMEM. */
int dir_set_add(dir_set *s, const char *dn);
void dir_set_free(dir_set *s);

#endif
