/*
 * ldap_session.c - the login kept between commands: <state_dir>/
 * session.json, written atomically with mode 0600 in a 0700 directory,
 * read back only when it is a regular file owned by the caller that no one
 * else can read or write, and only until it expires. It holds the
 * principal (uid, DN, name, mail, groups) and its times, never a password.
 */
#include "ldap_session.h"

#include "alloc.h"
#include "buf.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SESSION_FILE "session.json"
#define MAX_SESSION_BYTES (1u << 20)
#define MAX_TTL_S 86400

static int session_path(char *buf, size_t cap, const char *dir,
                        const char *name, keel_error *err)
{
    if (!dir || dir[0] != '/') {
        keel_error_set(err, KEEL_EINVAL, "no state directory for the session "
                       "(set state_dir or XDG_STATE_HOME)");
        return KEEL_EINVAL;
    }
    if ((size_t)snprintf(buf, cap, "%s/%s", dir, name) >= cap) {
        keel_error_set(err, KEEL_EINVAL, "state directory path too long");
        return KEEL_EINVAL;
    }
    return 0;
}

static void put_user(keel_buf *b, const keel_dir_user *u, time_t now, long ttl)
{
    keel_value *v = NULL;
    char *json = NULL;
    if (keel_dir_user_to_value(&v, u) || keel_value_to_json(&json, v, false)) {
        b->failed = 1;
    } else {
        keel_buf_printf(b, "{\"version\":1,\"created\":%lld,\"expires\":%lld,"
                        "\"user\":%s}\n", (long long)now,
                        (long long)now + ttl, json);
    }
    keel_free(json);
    keel_value_unref(v);
}

int dir_session_save_at(const char *state_dir, const keel_dir_user *u,
                        long ttl_s, time_t now, keel_error *err)
{
    char path[4096];
    int rc = session_path(path, sizeof(path), state_dir, SESSION_FILE, err);
    if (rc)
        return rc;
    keel_buf b;
    keel_buf_init(&b);
    put_user(&b, u, now, ttl_s < 1 || ttl_s > MAX_TTL_S ? 900 : ttl_s);
    char *text = NULL;
    if (keel_buf_finish(&b, &text))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    /* the directory made 0700, the file written beside it, synced, renamed */
    rc = keel_file_write_atomic(path, text, strlen(text), 0600, err);
    keel_free(text);
    return rc;
}

int keel_session_save(const char *state_dir, const keel_dir_user *u,
                      long ttl_s, keel_error *err)
{
    return dir_session_save_at(state_dir, u, ttl_s, time(NULL), err);
}

/* The file's text, after the ownership and permission checks. */
static int read_checked(char **out, const char *path, keel_error *err)
{
    *out = NULL;
    int fd = -1;
    size_t n = 0;
    int rc = keel_file_open_private(&fd, AT_FDCWD, path, O_RDONLY, 0, 077, err);
    int e = rc ? 0 : keel_file_read_fd(out, &n, fd, MAX_SESSION_BYTES);
    if (fd >= 0)
        close(fd);
    if (rc == KEEL_ENOTFOUND) {
        keel_error_set(err, rc, "not logged in");
        return rc;
    }
    if (rc == KEEL_EUNSAFE || (rc == 0 && e == 0 && n > MAX_SESSION_BYTES)) {
        keel_free(*out);
        *out = NULL;
        keel_error_set(err, KEEL_EUNSAFE, "%s: not a private file of yours "
                       "(mode 0600, owned by you); remove it and log in "
                       "again", path);
        return KEEL_EUNSAFE;
    }
    if (rc)
        return rc;
    if (e == ENOMEM)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (e)
        return keel_error_set(err, KEEL_EIO, "%s: read error", path);
    return 0;
}

static char *field(const keel_value *user, const char *key)
{
    const char *s = keel_value_get_string(keel_value_object_get(user, key), NULL);
    return s ? keel_strdup(s) : NULL;
}

static int user_from(keel_dir_user *u, const keel_value *user)
{
    u->dn = field(user, "dn");
    u->uid = field(user, "uid");
    u->name = field(user, "name");
    u->mail = field(user, "mail");
    u->manager = field(user, "manager");
    const keel_value *g = keel_value_object_get(user, "groups");
    if (!u->dn || !u->uid || keel_value_type(g) != KEEL_TYPE_LIST)
        return KEEL_EINVAL;
    size_t n = keel_value_len(g);
    if (n && !(u->groups = keel_calloc(n, sizeof(char *))))
        return KEEL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *s = keel_value_get_string(keel_value_list_at(g, i), NULL);
        if (!s || !(u->groups[u->n_groups++] = keel_strdup(s)))
            return s ? KEEL_ENOMEM : KEEL_EINVAL;
    }
    return 0;
}

static long long int_of(const keel_value *o, const char *key)
{
    const keel_value *v = keel_value_object_get(o, key);
    return keel_value_type(v) == KEEL_TYPE_INT ? (long long)keel_value_get_int(v) : -1;
}

static int parse_session(keel_dir_user *u, long long *expires,
                         const char *path, const char *text, time_t now,
                         keel_error *err)
{
    keel_value *root = NULL;
    keel_error jerr = {0};
    int rc = keel_value_from_json(&root, text, strlen(text), &jerr);
    long long created = rc ? -1 : int_of(root, "created");
    *expires = rc ? -1 : int_of(root, "expires");
    if (rc == 0 && (int_of(root, "version") != 1 || created < 0 ||
                    *expires <= created || *expires - created > MAX_TTL_S))
        rc = KEEL_EINVAL;
    if (rc == 0)
        rc = user_from(u, keel_value_object_get(root, "user"));
    keel_value_unref(root);
    if (rc == KEEL_ENOMEM)
        return keel_error_set(err, rc, "out of memory");
    if (rc)
        return keel_error_set(err, KEEL_EINVAL, "%s: not a keel session; "
                              "remove it and log in again", path);
    if ((long long)now >= *expires || created > (long long)now + 300)
        return keel_error_set(err, KEEL_EAUTH, "the session of %s expired; "
                              "log in again with `keel login`", u->uid);
    return 0;
}

int dir_session_load_at(keel_dir_user **out, long long *expires,
                        const char *state_dir, time_t now, keel_error *err)
{
    *out = NULL;
    char path[4096];
    char *text = NULL;
    int rc = session_path(path, sizeof(path), state_dir, SESSION_FILE, err);
    if (rc || (rc = read_checked(&text, path, err)))
        return rc;
    keel_dir_user *u = keel_calloc(1, sizeof(*u));
    if (!u) {
        keel_free(text);
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    rc = parse_session(u, expires, path, text, now, err);
    keel_free(text);
    if (rc)
        keel_dir_user_free(u);
    else
        *out = u;
    return rc;
}

int keel_session_load(keel_dir_user **out, long long *expires,
                      const char *state_dir, keel_error *err)
{
    return dir_session_load_at(out, expires, state_dir, time(NULL), err);
}

int keel_session_remove(bool *removed, const char *state_dir,
                        keel_error *err)
{
    *removed = false;
    char path[4096];
    int rc = session_path(path, sizeof(path), state_dir, SESSION_FILE, err);
    if (rc)
        return rc;
    if (unlink(path) == 0)
        *removed = true;
    else if (errno != ENOENT)
        return keel_error_set(err, KEEL_EIO, "%s: %s", path, strerror(errno));
    return 0;
}
