/*
 * loader_path.c - decide whether a plugin file is safe to load.
 *
 * Loading a shared object runs its code with keel's privileges, so the file
 * and every directory above it must be changeable only by root or by the
 * user running keel (the rule ssh applies to authorized_keys). A root-owned
 * sticky directory such as /tmp is fine: others cannot replace what is in
 * it. Symlinks may not lead out of the plugin directory.
 */
#include "kernel_internal.h"

#include "alloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_one(const char *path, bool is_file, keel_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return keel_error_set(err, KEEL_EIO, "cannot stat %s: %s", path,
                              strerror(errno));
    const char *what = is_file ? "file" : "directory";
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s %s is owned by uid %u, not by root or the "
                              "user running keel (uid %u)", what, path,
                              (unsigned)st.st_uid, (unsigned)geteuid());
    bool sticky_root = !is_file && (st.st_mode & S_ISVTX) && st.st_uid == 0;
    if ((st.st_mode & S_IWOTH) && !sticky_root)
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s %s is world-writable; others could replace "
                              "the plugin (chmod o-w %s)", what, path, path);
    if ((st.st_mode & S_IWGRP) && !sticky_root)
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s %s is group-writable; others could replace "
                              "the plugin (chmod g-w %s)", what, path, path);
    return 0;
}

/* True when path is root itself or lies below it. */
static bool inside(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return true;
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int keel_path_check(const char *path, const char *root, keel_error *err)
{
    if (path[0] != '/')
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s: plugin paths must be absolute", path);
    char real[PATH_MAX], real_root[PATH_MAX];
    if (!realpath(path, real))
        return keel_error_set(err, KEEL_EIO, "%s: %s", path, strerror(errno));
    if (!realpath(root, real_root))
        return keel_error_set(err, KEEL_EIO, "%s: %s", root, strerror(errno));
    if (!inside(real, real_root))
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s: symlink leads to %s, outside the plugin "
                              "directory %s", path, real, real_root);
    int rc = check_one(real, true, err);
    char dir[PATH_MAX];
    memcpy(dir, real, sizeof(dir));
    for (char *slash = strrchr(dir, '/'); rc == 0 && slash;
         slash = strrchr(dir, '/')) {
        if (slash == dir) {
            rc = check_one("/", false, err);
            break;
        }
        *slash = '\0';
        rc = check_one(dir, false, err);
    }
    if (rc)
        keel_error_prefix(err, "%s", path);
    return rc;
}
