/*
 * run_dir.c - run directories on disk: checked before use, built under a
 * hidden name and published.
 *
 * runs/, each run directory and the files in it must be as keel made them:
 * not a symbolic link, owned by the user running keel, writable by no one
 * else. Each is checked on the descriptor keel opened
 * (keel_file_open_private), never by looking at its name before opening it.
 */
#include "run_internal.h"

#include "alloc.h"
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* flock with a short wait (tries of 20 ms): `keel runs` probes a run's
 * lock for a moment; wait that out, not a run. */
static int flock_briefly(int fd, int op, int tries)
{
    for (int i = 0; flock(fd, op | LOCK_NB) != 0; i++) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || i == tries)
            return -1;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void new_id(char *out, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    unsigned char rnd[3] = {0};
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(rnd, 1, sizeof(rnd), f) != sizeof(rnd)) {
        uint64_t x = (uint64_t)keel_now_ns() ^ (uint64_t)getpid() << 20;
        memcpy(rnd, &x, sizeof(rnd));
    }
    if (f)
        fclose(f);
    snprintf(out, cap, "%s-%02x%02x%02x", stamp, rnd[0], rnd[1], rnd[2]);
}

bool run_valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 60 || id[0] == '.')
        return false;
    for (const char *c = id; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= 'a' && *c <= 'z') || *c == '-' || *c == '_'))
            return false;
    return true;
}

int run_dir_open_runs(int *fd, char *runs, size_t cap, const char *state_dir,
                      bool create, keel_error *err)
{
    *fd = -1;
    if ((size_t)snprintf(runs, cap, "%s/runs", state_dir) >= cap)
        return keel_error_set(err, KEEL_EINVAL,
                              "state directory: path too long");
    int rc = create ? keel_file_mkdirs(runs, 0700, err) : 0;
    return rc ? rc
              : keel_file_open_private(fd, AT_FDCWD, runs,
                                       O_RDONLY | O_DIRECTORY, 0, 022, err);
}

int run_dir_check(int runs_fd, const char *dir, keel_error *err)
{
    int fd = -1;
    int rc = keel_file_open_private(&fd, runs_fd, dir, O_RDONLY | O_DIRECTORY,
                                    0, 022, err);
    if (fd >= 0)
        close(fd);
    return rc;
}

int run_dir_lock(int *fd, const char *dir, const char *id, keel_error *err)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/lock", dir);
    int rc = keel_file_open_private(fd, AT_FDCWD, path, O_RDWR | O_CREAT, 0600,
                                    022, err);
    if (rc == 0 && flock_briefly(*fd, LOCK_EX, 10) != 0) {
        close(*fd);
        *fd = -1;
        rc = keel_error_set(err, KEEL_EEXISTS,
                            "run %s is being worked on by another keel process",
                            id);
    }
    return rc;
}

int run_dir_busy(const char *dir, keel_error *err)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/lock", dir);
    int fd = -1;
    int rc = keel_file_open_private(&fd, AT_FDCWD, path, O_RDONLY, 0, 022, err);
    if (rc) /* no lock yet: nobody holds it */
        return rc == KEEL_ENOTFOUND ? 0 : rc;
    bool busy = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);
    return busy;
}

/* A new descriptor of the directory dfd, read from its start. */
static DIR *open_listing(int dfd)
{
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d && fd >= 0)
        close(fd);
    return d;
}

int run_dir_make(keel_run *r, int runs_fd, const char *runs, char *tmp,
                 size_t cap, keel_error *err)
{
    for (int tries = 0; tries < 10; tries++) {
        new_id(r->id, sizeof(r->id));
        snprintf(r->dir, sizeof(r->dir), "%s/%s", runs, r->id);
        snprintf(tmp, cap, "%s/.new-%s", runs, r->id);
        if (faccessat(runs_fd, r->id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            continue; /* the id is taken */
        if (mkdirat(runs_fd, strrchr(tmp, '/') + 1, 0700) == 0)
            return 0;
        if (errno != EEXIST)
            return keel_error_set(err, KEEL_EIO, "cannot create %s: %s", tmp,
                                  strerror(errno));
    }
    return keel_error_set(err, KEEL_EIO, "cannot create a run directory in %s",
                          runs);
}

int run_dir_publish(int runs_fd, const char *tmp, const keel_run *r,
                    keel_error *err)
{
    if (renameat(runs_fd, strrchr(tmp, '/') + 1, runs_fd, r->id) != 0)
        return keel_error_set(err, KEEL_EIO, "cannot create %s: %s", r->dir,
                              strerror(errno));
    return 0;
}

int run_dir_ids(char ***ids, size_t *n, int runs_fd, const char *runs,
                keel_error *err)
{
    *ids = NULL;
    *n = 0;
    DIR *d = open_listing(runs_fd);
    if (!d)
        return keel_error_set(err, KEEL_EIO, "%s: %s", runs, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    for (struct dirent *de; rc == 0 && (de = readdir(d)) != NULL;) {
        if (!run_valid_id(de->d_name))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = keel_realloc(*ids, cap * sizeof(char *));
            if (!grown) {
                rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
                break;
            }
            *ids = grown;
        }
        if (!((*ids)[*n] = keel_strdup(de->d_name)))
            rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
        else
            (*n)++;
    }
    closedir(d);
    return rc;
}
