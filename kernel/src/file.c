/*
 * file.c - whole-file reads with a size cap, and atomic replacement.
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

int keel_file_read(char **out, size_t *len, const char *path, size_t max,
                   keel_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return keel_error_set(err, errno == ENOENT ? KEEL_ENOTFOUND : KEEL_EIO,
                              "%s: %s", path, strerror(errno));
    char *buf = keel_malloc(max + 1);
    if (!buf) {
        fclose(f);
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    size_t n = fread(buf, 1, max + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > max) {
        keel_free(buf);
        if (bad)
            return keel_error_set(err, KEEL_EIO, "%s: read error", path);
        return keel_error_set(err, KEEL_EIO, "%s: larger than %zu bytes",
                              path, max);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
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

static int write_all(int fd, const char *data, size_t len)
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
    int ok = fchmod(fd, (mode_t)mode) == 0 && write_all(fd, data, len) == 0 &&
             fsync(fd) == 0;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) == 0)
        return 0;
    saved = ok ? errno : saved;
    unlink(tmp);
    return keel_error_set(err, KEEL_EIO, "cannot write %s: %s", path,
                          strerror(saved));
}
