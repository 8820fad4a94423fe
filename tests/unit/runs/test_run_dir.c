/*
 * test_run_dir.c - run directories on disk: runs/, a run directory and
 * each of its files are refused when a symbolic link, another user's, or
 * writable by group or others, and runs keel makes pass; a .new-ID left by
 * a crashed creator is removed by the next listing or creation, one whose
 * creator is alive (or between its mkdir and its lock) is left alone, and
 * so is anything that is not keel's; a failed creation leaves no .new-ID.
 */
#include "test_support.h"

#include "alloc.h"
#include "run_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define OTHER_UID 4242

static char state[64], runs[96];

static int setup(void **s)
{
    (void)s;
    ts_make_dir(state, sizeof(state), "rundir");
    snprintf(runs, sizeof(runs), "%s/runs", state);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    ts_rm_dir(state);
    return 0;
}

static keel_plan *plan(void)
{
    return ts_plan("{\"version\": 1, \"steps\": [{\"id\": \"u\", \"call\": "
                   "\"text.upper\", \"args\": {\"text\": \"hi\"}}]}");
}

static const keel_principal ann = {"ann", NULL, NULL, 0};

static int create(char id[64], const char *st, keel_error *err)
{
    keel_plan *p = plan();
    keel_run_meta m = {.principal = &ann, .durable = false};
    keel_run *r = NULL;
    memset(err, 0, sizeof(*err));
    int rc = keel_run_create(&r, st, p, &m, err);
    if (rc == 0)
        snprintf(id, 64, "%s", keel_run_id(r));
    else
        assert_null(r);
    keel_run_free(r);
    keel_plan_free(p);
    return rc;
}

/* A run made by keel in the test's state directory; its id. */
static void make_run(char id[64])
{
    keel_error err;
    if (create(id, state, &err) != 0)
        fail_msg("create: %s", err.msg);
}

static int open_run(const char *st, const char *id, keel_error *err)
{
    keel_run *r = NULL;
    memset(err, 0, sizeof(*err));
    int rc = keel_run_open(&r, st, id, false, err);
    keel_run_free(r);
    return rc;
}

/* keel_run_list of st (*out is the caller's, also on failure). */
static int list(keel_value **out, const char *st, keel_error *err)
{
    memset(err, 0, sizeof(*err));
    return keel_run_list(out, st, err);
}

static void expect_err(const keel_error *err, const char *path, const char *why)
{
    char want[600];
    snprintf(want, sizeof(want), "%s: %s", path, why);
    assert_string_equal(err->msg, want);
}

static void owned_by_other(char *buf, size_t cap)
{
    snprintf(buf, cap, "is owned by uid %d, not you (uid %u)", OTHER_UID,
             (unsigned)geteuid());
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* How many entries of runs/ start with prefix. */
static size_t count(const char *prefix)
{
    DIR *d = opendir(runs);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *de; (de = readdir(d));)
        n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0600), 0);
}

/* runs/.new-<id> as a creator leaves it after writing plan.json: its lock
 * (not held) and plan.json; with_lock false: before it took its lock. */
static void new_dir(char *path, size_t cap, const char *id, bool with_lock)
{
    char file[256];
    assert_true(mkdir(runs, 0700) == 0 || exists(runs));
    snprintf(path, cap, "%s/.new-%s", runs, id);
    assert_int_equal(mkdir(path, 0700), 0);
    if (with_lock) {
        snprintf(file, sizeof(file), "%s/lock", path);
        put(file, "");
    }
    snprintf(file, sizeof(file), "%s/plan.json", path);
    put(file, "{\"version\":1,\"st");
}

static void test_run_dir__runs_made_by_keel_pass(void **s)
{
    (void)s;
    char id[64], path[256];
    make_run(id);
    struct stat st;
    assert_int_equal(lstat(runs, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/%s", runs, id);
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    const char *files[] = {"lock", "journal.jsonl", "plan.json", "run.json"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s/%s", runs, id, files[i]);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(st.st_uid, geteuid());
    }
    assert_int_equal(count(".new-"), 0);
    keel_error err;
    assert_int_equal(open_run(state, id, &err), 0);
    keel_value *l = NULL;
    assert_int_equal(list(&l, state, &err), 0);
    assert_int_equal(keel_value_len(l), 1);
    assert_string_equal(run_str(keel_value_list_at(l, 0), "state"), "stopped");
    keel_value_unref(l);
}

static void test_run_dir__symlinked_runs_is_refused(void **s)
{
    (void)s;
    char id[64], other[96], other_runs[128];
    make_run(id); /* the real runs/ the link leads to */
    snprintf(other, sizeof(other), "%s/other", state);
    snprintf(other_runs, sizeof(other_runs), "%s/runs", other);
    assert_int_equal(mkdir(other, 0700), 0);
    assert_int_equal(symlink(runs, other_runs), 0);
    keel_error err;
    char id2[64];
    assert_int_equal(create(id2, other, &err), KEEL_EUNSAFE);
    expect_err(&err, other_runs, "is a symbolic link");
    assert_int_equal(open_run(other, id, &err), KEEL_EUNSAFE);
    expect_err(&err, other_runs, "is a symbolic link");
    keel_value *l = NULL;
    assert_int_equal(list(&l, other, &err), KEEL_EUNSAFE);
    expect_err(&err, other_runs, "is a symbolic link");
    keel_value_unref(l);
    /* nothing was made through the link */
    assert_int_equal(count("2"), 1);
    assert_int_equal(count(".new-"), 0);
}

static void test_run_dir__symlinked_run_dir_is_refused(void **s)
{
    (void)s;
    char id[64], other[96], other_runs[128], link[256], target[256];
    make_run(id);
    snprintf(other, sizeof(other), "%s/other", state);
    snprintf(other_runs, sizeof(other_runs), "%s/runs", other);
    assert_int_equal(mkdir(other, 0700), 0);
    assert_int_equal(mkdir(other_runs, 0700), 0);
    snprintf(target, sizeof(target), "%s/%s", runs, id);
    snprintf(link, sizeof(link), "%s/%s", other_runs, id);
    assert_int_equal(symlink(target, link), 0);
    keel_error err;
    assert_int_equal(open_run(other, id, &err), KEEL_EUNSAFE);
    expect_err(&err, link, "is a symbolic link");
    keel_value *l = NULL;
    assert_int_equal(list(&l, other, &err), 0);
    assert_int_equal(keel_value_len(l), 1);
    const keel_value *e = keel_value_list_at(l, 0);
    assert_string_equal(run_str(e, "state"), "damaged");
    char want[512];
    snprintf(want, sizeof(want), "%s: is a symbolic link", link);
    assert_string_equal(run_str(e, "error"), want);
    keel_value_unref(l);
}

static void test_run_dir__others_run_dirs_are_refused(void **s)
{
    (void)s;
    char id[64], dir[256], why[128];
    keel_error err;
    make_run(id);
    snprintf(dir, sizeof(dir), "%s/%s", runs, id);
    if (geteuid() != 0) { /* only root can give a directory away */
        assert_int_equal(chown(dir, OTHER_UID, OTHER_UID), -1);
        return;
    }
    owned_by_other(why, sizeof(why));
    assert_int_equal(chown(dir, OTHER_UID, OTHER_UID), 0);
    assert_int_equal(open_run(state, id, &err), KEEL_EUNSAFE);
    expect_err(&err, dir, why);
    keel_value *l = NULL;
    assert_int_equal(list(&l, state, &err), 0);
    assert_string_equal(run_str(keel_value_list_at(l, 0), "state"), "damaged");
    assert_non_null(strstr(run_str(keel_value_list_at(l, 0), "error"), why));
    keel_value_unref(l);
    assert_int_equal(chown(dir, 0, 0), 0);
    assert_int_equal(open_run(state, id, &err), 0);
    /* runs/ itself: nothing is created in it, listed or opened */
    assert_int_equal(chown(runs, OTHER_UID, OTHER_UID), 0);
    char id2[64];
    assert_int_equal(create(id2, state, &err), KEEL_EUNSAFE);
    expect_err(&err, runs, why);
    assert_int_equal(open_run(state, id, &err), KEEL_EUNSAFE);
    expect_err(&err, runs, why);
    assert_int_equal(list(&l, state, &err), KEEL_EUNSAFE);
    expect_err(&err, runs, why);
    keel_value_unref(l);
    assert_int_equal(count("2"), 1);
}

/* The owner is compared with the effective uid (geteuid(), which is 0 for
 * root): a process whose effective uid is another user's does not trust
 * root's runs, even with its real uid 0. */
static void test_run_dir__owner_is_compared_with_the_effective_uid(void **s)
{
    (void)s;
    char id[64];
    make_run(id);
    if (geteuid() != 0) { /* only root can take another effective uid */
        assert_int_equal(seteuid(OTHER_UID), -1);
        return;
    }
    /* let the other uid look in (readable is allowed) */
    assert_int_equal(chmod(state, 0755), 0);
    assert_int_equal(chmod(runs, 0755), 0);
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(out[0]);
        keel_error err = {0};
        int rc = seteuid(OTHER_UID) == 0 ? open_run(state, id, &err) : 1;
        size_t n = strlen(err.msg);
        _exit(write(out[1], err.msg, n) == (ssize_t)n && rc == KEEL_EUNSAFE
                  ? 0
                  : 1);
    }
    close(out[1]);
    char msg[800] = {0}, want[800];
    ssize_t n = read(out[0], msg, sizeof(msg) - 1);
    close(out[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(n > 0);
    snprintf(want, sizeof(want), "%s: is owned by uid 0, not you (uid %d)",
             runs, OTHER_UID);
    assert_string_equal(msg, want);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_run_dir__writable_by_others_is_refused(void **s)
{
    (void)s;
    char id[64], dir[256], why[128];
    keel_error err;
    make_run(id);
    snprintf(dir, sizeof(dir), "%s/%s", runs, id);
    const unsigned modes[] = {0770, 0707, 0720, 0702};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(chmod(dir, modes[i]), 0);
        assert_int_equal(open_run(state, id, &err), KEEL_EUNSAFE);
        snprintf(why, sizeof(why), "is writable by group or others (mode %04o)",
                 modes[i]);
        expect_err(&err, dir, why);
    }
    assert_int_equal(chmod(dir, 0750), 0); /* readable is fine */
    assert_int_equal(open_run(state, id, &err), 0);
    assert_int_equal(chmod(runs, 0777), 0);
    char id2[64];
    assert_int_equal(create(id2, state, &err), KEEL_EUNSAFE);
    expect_err(&err, runs, "is writable by group or others (mode 0777)");
    keel_value *l = NULL;
    assert_int_equal(list(&l, state, &err), KEEL_EUNSAFE);
    expect_err(&err, runs, "is writable by group or others (mode 0777)");
    keel_value_unref(l);
    assert_int_equal(count("2"), 1);
}

/* Each file of a run: a symbolic link (to a good copy), another user's,
 * writable by others. */
static void test_run_dir__files_of_a_run_are_checked(void **s)
{
    (void)s;
    const char *files[] = {"run.json", "plan.json", "journal.jsonl"};
    char why[128];
    keel_error err;
    for (size_t i = 0; i < 3; i++) {
        for (int how = 0; how < 3; how++) {
            char id[64], path[256], copy[300], cmd[700];
            make_run(id);
            snprintf(path, sizeof(path), "%s/%s/%s", runs, id, files[i]);
            if (how == 0) {
                snprintf(copy, sizeof(copy), "%s/copy-%s-%s", state, id,
                         files[i]);
                snprintf(cmd, sizeof(cmd), "cp -p '%s' '%s'", path, copy);
                assert_int_equal(system(cmd), 0);
                assert_int_equal(unlink(path), 0);
                assert_int_equal(symlink(copy, path), 0);
                snprintf(why, sizeof(why), "is a symbolic link");
            } else if (how == 1) {
                if (geteuid() != 0)
                    continue; /* only root can give a file away */
                assert_int_equal(chown(path, OTHER_UID, OTHER_UID), 0);
                owned_by_other(why, sizeof(why));
            } else {
                assert_int_equal(chmod(path, 0622), 0);
                snprintf(why, sizeof(why),
                         "is writable by group or others (mode 0622)");
            }
            assert_int_equal(open_run(state, id, &err), KEEL_EUNSAFE);
            expect_err(&err, path, why);
        }
    }
}

/* The lock, and the journal once more when it is opened for appending. */
static void test_run_dir__lock_and_journal_for_appending_are_checked(void **s)
{
    (void)s;
    char id[64], path[256], why[300];
    keel_error err = {0};
    make_run(id);
    keel_run *r = NULL;
    assert_int_equal(keel_run_open(&r, state, id, false, &err), 0);
    snprintf(path, sizeof(path), "%s/%s/journal.jsonl", runs, id);
    assert_int_equal(chmod(path, 0666), 0); /* after it was read */
    assert_int_equal(run_lock(r, &err), KEEL_EUNSAFE);
    snprintf(why, sizeof(why),
             "cannot open the journal: %s: is writable by "
             "group or others (mode 0666)",
             path);
    assert_string_equal(err.msg, why);
    keel_run_free(r);
    assert_int_equal(chmod(path, 0600), 0);

    snprintf(path, sizeof(path), "%s/%s/lock", runs, id);
    assert_int_equal(unlink(path), 0);
    char elsewhere[128];
    snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", state);
    put(elsewhere, "");
    assert_int_equal(symlink(elsewhere, path), 0);
    r = NULL;
    assert_int_equal(keel_run_open(&r, state, id, false, &err), 0);
    assert_int_equal(run_lock(r, &err), KEEL_EUNSAFE);
    expect_err(&err, path, "is a symbolic link");
    keel_run_free(r);
    keel_value *l = NULL;
    assert_int_equal(list(&l, state, &err), 0);
    assert_string_equal(run_str(keel_value_list_at(l, 0), "state"), "damaged");
    snprintf(why, sizeof(why), "%s: is a symbolic link", path);
    assert_string_equal(run_str(keel_value_list_at(l, 0), "error"), why);
    keel_value_unref(l);
}

/* A real creator killed in the middle of keel_run_create: SIGXFSZ (the
 * default action ends the process) when it writes plan.json past
 * RLIMIT_FSIZE. */
static void test_run_dir__crashed_creators_new_dir_is_removed(void **s)
{
    (void)s;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit none = {0, 0}, small = {8, 8};
        setrlimit(RLIMIT_CORE, &none);
        signal(SIGXFSZ, SIG_DFL);
        setrlimit(RLIMIT_FSIZE, &small);
        char id[64];
        keel_error err;
        create(id, state, &err);
        _exit(0); /* not reached: the write of plan.json ends it */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGXFSZ);
    assert_int_equal(count(".new-"), 1); /* what the crash left */
    assert_int_equal(count("2"), 0);
    /* the next creation removes it */
    char id[64];
    make_run(id);
    assert_int_equal(count(".new-"), 0);
    assert_int_equal(count("2"), 1);
}

static void test_run_dir__listing_removes_abandoned_new_dirs(void **s)
{
    (void)s;
    char a[256], b[256];
    new_dir(a, sizeof(a), "20260101T000000Z-aaaaaa", true);
    new_dir(b, sizeof(b), "20260101T000000Z-bbbbbb", false); /* no lock */
    keel_value *l = NULL;
    keel_error err;
    assert_int_equal(list(&l, state, &err), 0);
    assert_int_equal(keel_value_len(l), 0);
    keel_value_unref(l);
    assert_false(exists(a));
    assert_false(exists(b));
}

/* A creator that holds its lock, in another process. */
static void test_run_dir__live_creators_new_dir_is_left_alone(void **s)
{
    (void)s;
    char dir[256], lock[300], plan_path[300];
    new_dir(dir, sizeof(dir), "20260101T000000Z-cccccc", true);
    snprintf(lock, sizeof(lock), "%s/lock", dir);
    snprintf(plan_path, sizeof(plan_path), "%s/plan.json", dir);
    int ready[2], done[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        close(done[1]); /* so that the parent's close ends the read */
        int fd = open(lock, O_RDWR);
        char c = flock(fd, LOCK_EX) == 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1 || read(done[0], &c, 1) < 0)
            _exit(1);
        _exit(0); /* the lock goes with the process */
    }
    close(ready[1]);
    close(done[0]);
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    keel_value *l = NULL;
    keel_error err;
    assert_int_equal(list(&l, state, &err), 0);
    keel_value_unref(l);
    char id[64];
    make_run(id); /* a creation sweeps too */
    assert_true(exists(dir));
    assert_true(exists(lock));
    assert_true(exists(plan_path));
    close(done[1]); /* the creator ends */
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(list(&l, state, &err), 0);
    assert_int_equal(keel_value_len(l), 1);
    keel_value_unref(l);
    assert_false(exists(dir));
    close(ready[0]);
}

/* A creator between its mkdir and its lock holds runs/ shared: no sweep
 * then (a separate open of runs/ conflicts like another process). */
static void test_run_dir__creator_before_its_lock_is_left_alone(void **s)
{
    (void)s;
    char dir[256];
    new_dir(dir, sizeof(dir), "20260101T000000Z-dddddd", false);
    int fd = open(runs, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_SH), 0);
    keel_value *l = NULL;
    keel_error err;
    assert_int_equal(list(&l, state, &err), 0);
    keel_value_unref(l);
    assert_true(exists(dir));
    close(fd);
    assert_int_equal(list(&l, state, &err), 0);
    keel_value_unref(l);
    assert_false(exists(dir));
}

/* Only a keel .new-ID directory of this user holding keel's files goes. */
static void test_run_dir__only_keels_new_dirs_are_removed(void **s)
{
    (void)s;
    char path[16][256], file[300], outside[128], outside_file[200];
    size_t n = 0;
    snprintf(outside, sizeof(outside), "%s/outside", state);
    assert_int_equal(mkdir(outside, 0700), 0);
    snprintf(outside_file, sizeof(outside_file), "%s/lock", outside);
    put(outside_file, "");
    snprintf(outside_file, sizeof(outside_file), "%s/plan.json", outside);
    put(outside_file, "keep");
    /* 0: a file of another name in it */
    new_dir(path[n], sizeof(path[n]), "20260101T000000Z-000000", true);
    snprintf(file, sizeof(file), "%s/notes.txt", path[n++]);
    put(file, "mine");
    /* 1: others can write it */
    new_dir(path[n], sizeof(path[n]), "20260101T000000Z-000001", true);
    assert_int_equal(chmod(path[n++], 0777), 0);
    /* 2: a symbolic link to a directory that looks like one */
    snprintf(path[n], sizeof(path[n]), "%s/.new-20260101T000000Z-000002", runs);
    assert_int_equal(symlink(outside, path[n++]), 0);
    /* 3: plan.json is a symbolic link */
    new_dir(path[n], sizeof(path[n]), "20260101T000000Z-000003", true);
    snprintf(file, sizeof(file), "%s/plan.json", path[n++]);
    assert_int_equal(unlink(file), 0);
    assert_int_equal(symlink(outside_file, file), 0);
    /* 4: a directory named like a run file */
    new_dir(path[n], sizeof(path[n]), "20260101T000000Z-000004", true);
    snprintf(file, sizeof(file), "%s/run.json", path[n++]);
    assert_int_equal(mkdir(file, 0700), 0);
    /* 5: a regular file named .new-ID */
    snprintf(path[n], sizeof(path[n]), "%s/.new-20260101T000000Z-000005", runs);
    put(path[n++], "");
    /* 6: not a run id after .new- */
    snprintf(path[n], sizeof(path[n]), "%s/.new-not.an.id", runs);
    assert_int_equal(mkdir(path[n++], 0700), 0);
    /* 7: not .new- at all */
    snprintf(path[n], sizeof(path[n]), "%s/.keep", runs);
    assert_int_equal(mkdir(path[n++], 0700), 0);
    /* 8, 9: another user's directory; another user's file in ours */
    if (geteuid() == 0) {
        new_dir(path[n], sizeof(path[n]), "20260101T000000Z-000008", true);
        assert_int_equal(chown(path[n++], OTHER_UID, OTHER_UID), 0);
        new_dir(path[n], sizeof(path[n]), "20260101T000000Z-000009", true);
        snprintf(file, sizeof(file), "%s/plan.json", path[n++]);
        assert_int_equal(chown(file, OTHER_UID, OTHER_UID), 0);
    }
    /* and one that is keel's and abandoned: removed */
    char gone[256];
    new_dir(gone, sizeof(gone), "20260101T000000Z-ffffff", true);
    keel_value *l = NULL;
    keel_error err;
    assert_int_equal(list(&l, state, &err), 0);
    keel_value_unref(l);
    assert_false(exists(gone));
    for (size_t i = 0; i < n; i++)
        if (!exists(path[i]))
            fail_msg("%s was removed", path[i]);
    snprintf(file, sizeof(file), "%s/notes.txt", path[0]);
    assert_true(exists(file));
    snprintf(file, sizeof(file), "%s/plan.json", path[1]);
    assert_true(exists(file));
    size_t len = 0;
    char *kept = ts_slurp(outside_file, &len);
    assert_non_null(kept);
    assert_string_equal(kept, "keep");
    free(kept);
}

/* RLIMIT_FSIZE: the creation fails writing plan.json, and removes what
 * it made. */
static void test_run_dir__failed_creation_leaves_no_new_dir(void **s)
{
    (void)s;
    struct rlimit old, small = {8, 8};
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    char id[64];
    keel_error err;
    int rc = create(id, state, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(rc, KEEL_EIO);
    assert_non_null(strstr(err.msg, "/plan.json: File too large"));
    assert_int_equal(count(".new-"), 0);
    assert_int_equal(count("2"), 0);
}

/* Every allocation of a creation failing in turn: each failure removes
 * its .new-ID (and, under ASan, frees what it took). */
static void test_run_dir__each_failed_allocation_leaves_no_new_dir(void **s)
{
    (void)s;
    keel_plan *p = plan();
    keel_run_meta m = {.principal = &ann, .durable = false};
    keel_run *r = NULL;
    keel_error err = {0};
    unsigned long before = keel_alloc_count();
    assert_int_equal(keel_run_create(&r, state, p, &m, &err), 0);
    long total = (long)(keel_alloc_count() - before);
    keel_run_free(r);
    size_t failed = 0;
    for (long n = 1; n <= total; n++) {
        r = NULL;
        memset(&err, 0, sizeof(err));
        keel_alloc_fail_after(n, false);
        int rc = keel_run_create(&r, state, p, &m, &err);
        keel_alloc_fail_after(0, false);
        if (rc) {
            assert_null(r);
            failed++;
        }
        keel_run_free(r);
        if (count(".new-") != 0)
            fail_msg("allocation %ld of %ld failed (%s) and left a .new- "
                     "directory",
                     n, total, err.msg);
    }
    assert_true(failed > 10); /* creations did fail along the way */
    keel_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_run_dir__runs_made_by_keel_pass),
        T(test_run_dir__symlinked_runs_is_refused),
        T(test_run_dir__symlinked_run_dir_is_refused),
        T(test_run_dir__others_run_dirs_are_refused),
        T(test_run_dir__owner_is_compared_with_the_effective_uid),
        T(test_run_dir__writable_by_others_is_refused),
        T(test_run_dir__files_of_a_run_are_checked),
        T(test_run_dir__lock_and_journal_for_appending_are_checked),
        T(test_run_dir__crashed_creators_new_dir_is_removed),
        T(test_run_dir__listing_removes_abandoned_new_dirs),
        T(test_run_dir__live_creators_new_dir_is_left_alone),
        T(test_run_dir__creator_before_its_lock_is_left_alone),
        T(test_run_dir__only_keels_new_dirs_are_removed),
        T(test_run_dir__failed_creation_leaves_no_new_dir),
        T(test_run_dir__each_failed_allocation_leaves_no_new_dir),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
