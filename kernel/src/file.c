/*
 * file.c - whole-file reads with a size cap, files only this user can
 * change, and atomic replacement. One reader, keel_file_read_fd, serves
 * every whole-file read in libkeel; one check, keel_file_open_private,
 * every file keel trusts once read.
 */
#include "file.h"

#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_fd(char **out, size_t *len, int fd, const char *path,
                   size_t max, keel_error *err);

int keel_file_read(char **out, size_t *len, const char *path, size_t max,
                   keel_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return keel_error_set(err, errno == ENOENT ? KEEL_ENOTFOUND : KEEL_EIO,
                              "%s: %s", path, strerror(errno));
    int rc = read_fd(out, len, fd, path, max, err);
    close(fd);
    return rc;
}

/* The checks on an open file: what it is, whose, and who else may write
 * (or, with 077 in deny, read) it. */
static int check_private(const struct stat *st, bool dir, unsigned deny,
                         const char *path, keel_error *err)
{
    if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
        return keel_error_set(err, KEEL_EUNSAFE, "%s: is not a %s", path,
                              dir ? "directory" : "regular file");
    if (st->st_uid != geteuid())
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s: is owned by uid %u, not you (uid %u)", path,
                              (unsigned)st->st_uid, (unsigned)geteuid());
    unsigned bad = (unsigned)st->st_mode & deny;
    if (bad)
        return keel_error_set(
            err, KEEL_EUNSAFE, "%s: is %s by group or others (mode %04o)", path,
            bad & 022 ? "writable" : "readable", (unsigned)st->st_mode & 07777);
    return 0;
}

/* Why openat with O_NOFOLLOW failed. A symbolic link makes it fail with
 * ELOOP, or with ENOTDIR when O_DIRECTORY was asked: look, without
 * following, only to say so (the refusal does not depend on it). */
static int open_error(int at, const char *name, const char *path,
                      keel_error *err)
{
    int e = errno;
    struct stat st;
    if ((e == ELOOP || e == ENOTDIR) &&
        fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            return keel_error_set(err, KEEL_EUNSAFE, "%s: is a symbolic link",
                                  path);
        if (e == ENOTDIR && !S_ISDIR(st.st_mode))
            return keel_error_set(err, KEEL_EUNSAFE, "%s: is not a directory",
                                  path);
    }
    return keel_error_set(err,
                          e == ENOENT  ? KEEL_ENOTFOUND
                          : e == ELOOP ? KEEL_EUNSAFE
                                       : KEEL_EIO,
                          "%s: %s", path, strerror(e));
}

int keel_file_open_private(int *fd, int at, const char *path, int flags,
                           unsigned mode, unsigned deny, keel_error *err)
{
    *fd = -1;
    const char *name = path, *slash = strrchr(path, '/');
    if (at != AT_FDCWD && slash)
        name = slash + 1;
    bool dir = (flags & O_DIRECTORY) != 0;
    /* O_NONBLOCK: a FIFO put there cannot block the open (regular files
     * ignore it) */
    int f = openat(at, name,
                   flags | O_NOFOLLOW | O_CLOEXEC | (dir ? 0 : O_NONBLOCK),
                   (mode_t)mode);
    if (f < 0)
        return open_error(at, name, path, err);
    struct stat st;
    int rc = fstat(f, &st) != 0 ? keel_error_set(err, KEEL_EIO, "%s: %s", path,
                                                 strerror(errno))
                                : check_private(&st, dir, deny, path, err);
    if (rc) {
        close(f);
        return rc;
    }
    *fd = f;
    return 0;
}

/* The buffer starts at the file's size (not at max, which may be a GiB;
 * a pipe has none) and grows if the file does, up to max + 1 bytes. */
int keel_file_read_fd(char **out, size_t *len, int fd, size_t max)
{
    *out = NULL;
    *len = 0;
    struct stat st;
    size_t cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 4096;
    cap = (cap > max ? max : cap) + 1;
    char *buf = keel_malloc(cap);
    if (!buf)
        return ENOMEM;
    size_t n = 0;
    for (;;) {
        if (n + 1 == cap) { /* full: the file grew, or is larger than max */
            if (n > max)
                break;
            size_t grown = cap * 2 > max + 2 ? max + 2 : cap * 2;
            char *g = keel_realloc(buf, grown);
            if (!g) {
                keel_free(buf);
                return ENOMEM;
            }
            buf = g;
            cap = grown;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            keel_free(buf);
            return e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* keel_file_read_fd with keel_error's messages, naming path. */
static int read_fd(char **out, size_t *len, int fd, const char *path,
                   size_t max, keel_error *err)
{
    char *buf;
    size_t n;
    int e = keel_file_read_fd(&buf, &n, fd, max);
    if (e == ENOMEM)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (e)
        return keel_error_set(err, KEEL_EIO, "%s: %s", path, strerror(e));
    if (n > max) {
        keel_free(buf);
        if (max % (1u << 20) == 0) /* "4 MiB" reads better than bytes */
            return keel_error_set(err, KEEL_EIO, "%s: larger than %zu MiB",
                                  path, max >> 20);
        return keel_error_set(err, KEEL_EIO, "%s: larger than %zu bytes", path,
                              max);
    }
    *out = buf;
    *len = n;
    return 0;
}

int keel_file_read_private(char **out, size_t *len, const char *path,
                           size_t max, keel_error *err)
{
    *out = NULL;
    *len = 0;
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t dn = slash ? (size_t)(slash - path) : 0;
    if (dn == 0 || dn >= sizeof(dir))
        return keel_error_set(err, KEEL_EINVAL, "%s: give an absolute path",
                              path);
    memcpy(dir, path, dn);
    dir[dn] = '\0';
    int dfd = -1, fd = -1;
    int rc = keel_file_open_private(&dfd, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY,
                                    0, 022, err);
    if (rc == 0) /* in the directory just checked, not by its name again */
        rc = keel_file_open_private(&fd, dfd, path, O_RDONLY, 0, 077, err);
    if (rc == 0)
        rc = read_fd(out, len, fd, path, max, err);
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    return rc;
}

int keel_file_read_owned(char **out, size_t *len, const char *path, size_t max,
                         keel_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = -1;
    int rc = keel_file_open_private(&fd, AT_FDCWD, path, O_RDONLY, 0, 022, err);
    if (rc == 0) {
        rc = read_fd(out, len, fd, path, max, err);
        close(fd);
    }
    return rc;
}

int keel_file_mkdirs(const char *dir, unsigned mode, keel_error *err)
{
    char path[PATH_MAX];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof(path))
        return keel_error_set(err, KEEL_EINVAL, "%s: bad directory name", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        if (mkdir(path, (mode_t)mode) != 0 && errno != EEXIST)
            return keel_error_set(err, KEEL_EIO, "cannot create %s: %s", path,
                                  strerror(errno));
        path[i] = c;
    }
    return 0;
}

int keel_file_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Makes a rename in dir durable; best effort (some file systems refuse). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int keel_file_create(const char *path, const char *data, size_t len,
                     unsigned mode, keel_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  (mode_t)mode);
    if (fd < 0)
        return keel_error_set(err, KEEL_EIO, "cannot write %s: %s", path,
                              strerror(errno));
    int ok = keel_file_write_all(fd, data, len) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    return ok ? 0
              : keel_error_set(err, KEEL_EIO, "cannot write %s: %s", path,
                               strerror(saved));
}

int keel_file_sync(const char *path, keel_error *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int ok = fd >= 0 && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    return ok ? 0 : keel_error_set(err, KEEL_EIO, "cannot sync %s: %s", path,
                                   strerror(saved));
}

int keel_file_write_atomic(const char *path, const char *data, size_t len,
                           unsigned mode, keel_error *err)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 16];
    const char *slash = strrchr(path, '/');
    size_t dn = slash ? (size_t)(slash - path) : 0;
    if (dn >= sizeof(dir) || strlen(path) >= sizeof(dir))
        return keel_error_set(err, KEEL_EINVAL, "%s: path too long", path);
    if (dn > 0) {
        memcpy(dir, path, dn);
        dir[dn] = '\0';
        int rc = keel_file_mkdirs(dir, 0700, err);
        if (rc)
            return rc;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return keel_error_set(err, KEEL_EIO, "cannot write %s: %s", path,
                              strerror(errno));
    int ok = fchmod(fd, (mode_t)mode) == 0 &&
             keel_file_write_all(fd, data, len) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) == 0) {
        sync_dir(dn > 0 ? dir : ".");
        return 0;
    }
    saved = ok ? errno : saved;
    unlink(tmp);
    return keel_error_set(err, KEEL_EIO, "cannot write %s: %s", path,
                          strerror(saved));
}
