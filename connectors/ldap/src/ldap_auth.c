/*
 * ldap_auth.c - login by search then bind: connect and bind as the
 * service account, find exactly one entry for the name, bind as that DN
 * with the user's password, then read the groups as the service again.
 *
 * An unknown user, an ambiguous one and a wrong password all give the one
 * message (no user enumeration); the log says which. An empty password is
 * refused before anything is sent: a simple bind with a DN and no password
 * is an "unauthenticated bind" that servers answer with success.
 */
#include "ldap_internal.h"

#include "alloc.h"

#include <string.h>

#define MAX_NAME 256

static int refused(keel_error *err)
{
    return keel_error_set(err, KEEL_EAUTH, "authentication failed: unknown "
                          "user or wrong password");
}

static int check_input(const char *name, size_t pwlen, keel_error *err)
{
    if (!name || !*name)
        return keel_error_set(err, KEEL_EINVAL, "give a user name");
    if (strlen(name) > MAX_NAME || !keel_utf8_valid(name, strlen(name)))
        return keel_error_set(err, KEEL_EINVAL, "the user name must be UTF-8 "
                              "text of at most %d bytes", MAX_NAME);
    if (pwlen == 0)
        return keel_error_set(err, KEEL_EAUTH, "authentication failed: empty "
                              "password (refused before contacting the "
                              "directory)");
    return 0;
}

/* The one entry for name; the log tells "none" from "several". */
static int search_user(keel_dir_user *u, char ***memberof, dir_conn *c,
                       const char *name, keel_error *err)
{
    int64_t t0 = dir_now_ms();
    LDAPMessage *res = NULL, *e = NULL;
    size_t n = 0;
    int rc = dir_find_entry(&res, &e, &n, c, c->d->cfg.user_filter, name, err);
    bool oom = false;
    if (rc == KEEL_ENOTFOUND) {
        dir_log(c->d, KEEL_LOG_INFO, "login '%s' refused: %s", name,
                n ? "several entries match users.filter"
                  : "no entry matches users.filter");
        rc = refused(err);
    } else if (rc == 0) {
        rc = dir_user_from_entry(u, c, e);
        if (rc == 0 && !u->uid) /* no uid attribute: the name used */
            oom = !(u->uid = keel_strdup(name));
        *memberof = dir_entry_values(c, e, c->d->cfg.attr_member_of, &oom);
        if (rc || oom)
            rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
        else
            dir_trace(c->d, "search", t0, "%s", u->dn);
    }
    ldap_msgfree(res);
    return rc;
}

static int user_bind(dir_conn *c, const keel_dir_user *u, const char *name,
                     const char *pw, size_t len, keel_error *err)
{
    int64_t t0 = dir_now_ms();
    int rc = dir_conn_bind(c, u->dn, pw, len, err);
    if (rc == KEEL_EAUTH) {
        dir_log(c->d, KEEL_LOG_INFO, "login '%s' refused: bind as %s: %s",
                name, u->dn, err->msg);
        return refused(err);
    }
    if (rc == 0)
        dir_trace(c->d, "user bind", t0, "%s", u->dn);
    return rc;
}

static int groups(keel_dir_user *u, dir_conn *c, char **memberof,
                  keel_error *err)
{
    int64_t t0 = dir_now_ms();
    int rc = dir_conn_bind_service(c, err);
    if (rc == 0)
        rc = dir_groups_resolve(u, c, memberof, err);
    if (rc == 0)
        dir_trace(c->d, "groups", t0, "%zu group%s", u->n_groups,
                  u->n_groups == 1 ? "" : "s");
    return rc;
}

int keel_directory_authenticate(keel_dir_user **out, keel_directory *d,
                                const char *name, const char *password,
                                size_t len, keel_error *err)
{
    *out = NULL;
    int rc = check_input(name, len, err);
    if (rc)
        return rc;
    keel_dir_user *u = keel_calloc(1, sizeof(*u));
    if (!u)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    char **memberof = NULL;
    dir_conn c;
    rc = dir_conn_open(&c, d, err);
    if (rc == 0)
        rc = search_user(u, &memberof, &c, name, err);
    if (rc == 0)
        rc = user_bind(&c, u, name, password, len, err);
    if (rc == 0)
        rc = groups(u, &c, memberof, err);
    dir_conn_close(&c);
    dir_strings_free(memberof);
    if (rc)
        keel_dir_user_free(u);
    else
        *out = u;
    return rc;
}
