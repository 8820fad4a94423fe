/*
 * file.h - whole-file reads with a size cap, files only this user can
 * change, and atomic replacement of a file, for the modules that keep text
 * files (config, templates, caches, runs).
 */
#ifndef KEEL_FILE_H
#define KEEL_FILE_H

#include <keel/keel.h>

/* Reads path into *out (NUL-terminated, caller frees with keel_free) and
 * its length into *len. A file larger than max bytes is refused. Errors
 * name the path: KEEL_ENOTFOUND when it does not exist, KEEL_EIO. */
int keel_file_read(char **out, size_t *len, const char *path, size_t max,
                   keel_error *err);

/* The reading behind keel_file_read, for callers that word their own
 * errors (the plan and policy readers' diagnostics) or read standard
 * input: reads fd to its end, but no further than max + 1 bytes, into
 * *out (NUL-terminated, caller frees with keel_free) and its length into
 * *len. A *len over max says the file is larger than max (the rest is not
 * read). Returns 0 or an errno value, read's or ENOMEM, with *out NULL;
 * sets no message. fd stays open. */
int keel_file_read_fd(char **out, size_t *len, int fd, size_t max);

/* Opens path for a file or directory only this user can change: flags as
 * for open(2), with O_NOFOLLOW and O_CLOEXEC added (and O_NONBLOCK for a
 * file, so that a FIFO put there cannot block; regular files ignore it),
 * then checks the open descriptor with fstat, not the name again: a
 * directory when flags has O_DIRECTORY, else a regular file, owned by the
 * effective user, with none of the mode bits in deny set (022: no one else
 * may write it; 077: nor read it). mode is for O_CREAT. at is a directory
 * descriptor to open path's last component in (one checked before, so the
 * path is not walked again), or AT_FDCWD to open path as it is; errors name
 * path either way. KEEL_EUNSAFE says why ("PATH: is a symbolic link", "is
 * owned by uid 1001, not you (uid 0)", "is writable by group or others
 * (mode 0775)", "is not a directory"); KEEL_ENOTFOUND when it does not
 * exist; else KEEL_EIO. *fd (-1 on failure) is the caller's to close. */
int keel_file_open_private(int *fd, int at, const char *path, int flags,
                           unsigned mode, unsigned deny, keel_error *err);

/* keel_file_read for files only this user may have written: path must be
 * a regular file (not a symlink, FIFO or device) owned by the effective
 * user, without group or other permissions, in a directory owned by the
 * user that no one else can write (keel_file_open_private); else
 * KEEL_EUNSAFE, naming what is wrong. For caches and state that keel
 * trusts once read. */
int keel_file_read_private(char **out, size_t *len, const char *path,
                           size_t max, keel_error *err);
/* The same for a file no one else can write (others may read it), without
 * looking at its directory: for files in a directory the caller checked. */
int keel_file_read_owned(char **out, size_t *len, const char *path, size_t max,
                         keel_error *err);

/* Replaces path with data: written to a temporary file in the same
 * directory, fsynced, then renamed over path, so a reader sees the old
 * file or the new one, never a part. mode is the new file's permissions.
 * Creates the directory (and its parents, mode 0700) when missing. */
int keel_file_write_atomic(const char *path, const char *data, size_t len,
                           unsigned mode, keel_error *err);
/* Creates path, which must not exist (O_EXCL: never through a symbolic
 * link), holding data, with mode (less what the umask takes away) and no
 * fsync. On failure the file may be left, partly written. For files of a
 * directory being built, published whole by a rename and made durable
 * later with keel_file_sync. */
int keel_file_create(const char *path, const char *data, size_t len,
                     unsigned mode, keel_error *err);
/* Writes all len bytes to fd, again after a short write or EINTR; 0, or
 * -1 with errno set. */
int keel_file_write_all(int fd, const char *data, size_t len);
/* fsync of a file or a directory (not through a symbolic link); 0 or
 * KEEL_EIO naming it. */
int keel_file_sync(const char *path, keel_error *err);

/* Creates dir and its missing parents with mode (like mkdir -p). */
int keel_file_mkdirs(const char *dir, unsigned mode, keel_error *err);

#endif
