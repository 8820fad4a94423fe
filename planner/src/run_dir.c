/*
 * run_dir.c - run directories on disk: checked before use, built under a
 * hidden name and published, and the abandoned ones removed.
 *
 * runs/, each run directory and the files in it must be as keel made them:
 * not a symbolic link, owned by the user running keel, writable by no one
 * else. Each is checked on the descriptor keel opened
 * (keel_file_open_private), never by looking at its name before opening it.
 *
 * A new run is built in runs/.new-ID and renamed to runs/ID when whole. A
 * .new-ID whose creator died (a crash, a kill) is removed by the next
 * creation or listing, and only when that is certain:
 *
 *   - a creator holds the run's lock (.new-ID/lock, flock) from just after
 *     its mkdir until it has published the directory or removed it;
 *   - the moment between that mkdir and that lock is covered by a shared
 *     flock on runs/ itself, which a sweep takes exclusively without
 *     waiting (a creator is in that moment: no sweep this time);
 *   - so while the sweep holds runs/, a .new-ID whose lock is free or
 *     missing has no living creator. It is removed only when it is a
 *     directory of this user that no one else can write, holding nothing
 *     but this user's regular files with the names keel writes there.
 *
 * No age threshold: a creator stopped for an hour still holds its lock, and
 * a crashed one is cleaned up at once.
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

#define NEW_PREFIX ".new-"

/* Everything keel writes in a run directory. */
static const char *const run_files[] = {"lock", "journal.jsonl", "plan.json",
                                        "run.json"};

/* flock with a short wait (tries of 20 ms): `keel runs` probes a run's
 * lock, and a sweep holds runs/, for a moment; wait that out, not a run or
 * a stopped process. */
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

static bool is_run_file(const char *name)
{
    for (size_t i = 0; i < sizeof(run_files) / sizeof(*run_files); i++)
        if (strcmp(name, run_files[i]) == 0)
            return true;
    return false;
}

/* True when the directory dfd holds nothing but this user's regular files
 * with the names keel gives them. */
static bool only_run_files(int dfd)
{
    DIR *d = open_listing(dfd);
    bool ok = d != NULL;
    while (ok) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            ok = errno == 0;
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        ok = is_run_file(de->d_name) &&
             fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
             S_ISREG(st.st_mode) && st.st_uid == geteuid();
    }
    if (d)
        closedir(d);
    return ok;
}

/* Removes path, a .new-ID in the directory runs_fd, when it is a directory
 * of this user that no one else can write holding only what keel writes
 * there, and (unless own: the caller holds it) its lock is free or missing;
 * leaves anything else as it is. The lock is held while removing. */
static void discard(int runs_fd, const char *path, bool own)
{
    keel_error e = {0};
    int dfd = -1, lfd = -1;
    if (keel_file_open_private(&dfd, runs_fd, path, O_RDONLY | O_DIRECTORY, 0,
                               022, &e) != 0)
        return;
    if (!own) {
        char lock[PATH_MAX + 32];
        snprintf(lock, sizeof(lock), "%s/lock", path);
        int rc = keel_file_open_private(&lfd, dfd, lock, O_RDONLY, 0, 022, &e);
        if ((rc && rc != KEEL_ENOTFOUND) || /* not a lock keel made */
            (lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) != 0)) /* alive */
            goto out;
    }
    if (only_run_files(dfd)) {
        for (size_t i = 0; i < sizeof(run_files) / sizeof(*run_files); i++)
            unlinkat(dfd, run_files[i], 0);
        unlinkat(runs_fd, strrchr(path, '/') + 1, AT_REMOVEDIR);
    }
out:
    if (lfd >= 0)
        close(lfd);
    close(dfd);
}

void run_dir_discard(int runs_fd, const char *tmp)
{
    discard(runs_fd, tmp, true);
}

void run_dir_sweep(int runs_fd, const char *runs)
{
    if (flock(runs_fd, LOCK_EX | LOCK_NB) != 0)
        return; /* a creator is between its mkdir and its lock: next time */
    DIR *d = open_listing(runs_fd);
    char path[PATH_MAX];
    for (struct dirent *de; d && (de = readdir(d)) != NULL;) {
        const char *name = de->d_name;
        if (strncmp(name, NEW_PREFIX, strlen(NEW_PREFIX)) == 0 &&
            run_valid_id(name + strlen(NEW_PREFIX)) &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", runs, name) <
                sizeof(path))
            discard(runs_fd, path, false);
    }
    if (d)
        closedir(d);
    flock(runs_fd, LOCK_UN);
}

int run_dir_make(keel_run *r, int runs_fd, const char *runs, char *tmp,
                 size_t cap, keel_error *err)
{
    if (flock_briefly(runs_fd, LOCK_SH, 100) != 0)
        return keel_error_set(err, KEEL_EIO, "cannot lock %s: %s", runs,
                              errno == EWOULDBLOCK
                                  ? "another keel process holds it (removing "
                                    "abandoned runs)"
                                  : strerror(errno));
    int rc = 0;
    bool made = false;
    for (int tries = 0; rc == 0 && !made && tries < 10; tries++) {
        new_id(r->id, sizeof(r->id));
        snprintf(r->dir, sizeof(r->dir), "%s/%s", runs, r->id);
        snprintf(tmp, cap, "%s/" NEW_PREFIX "%s", runs, r->id);
        if (faccessat(runs_fd, r->id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            continue; /* the id is taken */
        if (mkdirat(runs_fd, strrchr(tmp, '/') + 1, 0700) == 0)
            made = true;
        else if (errno != EEXIST)
            rc = keel_error_set(err, KEEL_EIO, "cannot create %s: %s", tmp,
                                strerror(errno));
    }
    if (made)
        rc = run_dir_lock(&r->lock_fd, tmp, r->id, err);
    else if (rc == 0)
        rc = keel_error_set(err, KEEL_EIO,
                            "cannot create a run directory in %s", runs);
    if (rc && made) /* no sweep runs while we hold runs/ */
        discard(runs_fd, tmp, true);
    flock(runs_fd, LOCK_UN);
    return rc;
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
