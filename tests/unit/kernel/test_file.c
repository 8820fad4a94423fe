/*
 * test_file.c - whole-file reads: keel_file_read_fd (the reader with no
 * message, for callers that word their own errors) and keel_file_read's
 * messages over it; files only this user can change:
 * keel_file_open_private refuses a symbolic link, another user's file or
 * directory, one others can write, a FIFO (without blocking), and checks
 * the descriptor it opened, not the name again; keel_file_read_private on
 * top of it.
 */
#include "test_support.h"

#include "alloc.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], file[128]; /* file: dir/mine, "hello", mode 0600 */

static int setup(void **s)
{
    (void)s;
    ts_make_dir(dir, sizeof(dir), "file");
    snprintf(file, sizeof(file), "%s/mine", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("hello", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(file, 0600), 0);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    ts_rm_dir(dir);
    return 0;
}

/* dir/name holding n bytes 'a', 'b', 'c', ... (cycling). */
static void make_file(char *path, size_t cap, const char *name, size_t n)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc('a' + (int)(i % 26), f);
    assert_int_equal(fclose(f), 0);
}

/* keel_file_read_fd of a new file of n bytes, with max; its result. */
static int read_new_file(char **text, size_t *len, size_t n, size_t max)
{
    char path[128];
    make_file(path, sizeof(path), "f", n);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    int e = keel_file_read_fd(text, len, fd, max);
    close(fd);
    return e;
}

static void test_file__read_fd_reads_to_the_end(void **s)
{
    (void)s;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(read_new_file(&text, &len, 30, 30), 0);
    assert_int_equal(len, 30);
    assert_int_equal(strlen(text), 30); /* NUL-terminated */
    assert_memory_equal(text, "abcdefghijklmnopqrstuvwxyzabcd", 30);
    keel_free(text);
}

static void test_file__read_fd_stops_one_byte_past_max(void **s)
{
    (void)s;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(read_new_file(&text, &len, 10000, 100), 0);
    assert_int_equal(len, 101); /* over max: larger than max */
    assert_int_equal(strlen(text), 101);
    keel_free(text);
}

static void test_file__read_fd_reads_a_pipe(void **s)
{
    (void)s;
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "from a pipe", 11), 11);
    close(p[1]);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(keel_file_read_fd(&text, &len, p[0], 1 << 20), 0);
    close(p[0]);
    assert_int_equal(len, 11);
    assert_string_equal(text, "from a pipe");
    keel_free(text);
}

static void test_file__read_fd_returns_reads_errno(void **s)
{
    (void)s;
    int fd = open(dir, O_RDONLY); /* read(2) on a directory: EISDIR */
    assert_true(fd >= 0);
    char *text = (char *)"untouched";
    size_t len = 7;
    assert_int_equal(keel_file_read_fd(&text, &len, fd, 100), EISDIR);
    close(fd);
    assert_null(text);
    assert_int_equal(len, 0);
}

static void test_file__read_fd_out_of_memory_is_enomem(void **s)
{
    (void)s;
    char *text = NULL;
    size_t len = 0;
    for (long n = 1; n <= 2; n++) { /* the first buffer, then its growth */
        keel_alloc_fail_after(n, true);
        int e = read_new_file(&text, &len, 10000, 5000);
        keel_alloc_fail_after(0, false);
        assert_int_equal(e, ENOMEM);
        assert_null(text);
    }
}

static void test_file__read_names_the_path_and_the_limit(void **s)
{
    (void)s;
    char path[128], want[256];
    make_file(path, sizeof(path), "over", 101);
    char *text = NULL;
    size_t len = 0;
    keel_error err = {0};
    assert_int_equal(keel_file_read(&text, &len, path, 100, &err), KEEL_EIO);
    assert_null(text);
    snprintf(want, sizeof(want), "%s: larger than 100 bytes", path);
    assert_string_equal(err.msg, want);

    make_file(path, sizeof(path), "over_mib", (1u << 20) + 1);
    memset(&err, 0, sizeof(err));
    assert_int_equal(keel_file_read(&text, &len, path, 1u << 20, &err),
                     KEEL_EIO);
    snprintf(want, sizeof(want), "%s: larger than 1 MiB", path);
    assert_string_equal(err.msg, want);

    make_file(path, sizeof(path), "exact", 100);
    assert_int_equal(keel_file_read(&text, &len, path, 100, &err), 0);
    assert_int_equal(len, 100);
    keel_free(text);
}

static void test_file__read_of_a_missing_file_is_not_found(void **s)
{
    (void)s;
    char path[128], want[256];
    snprintf(path, sizeof(path), "%s/missing", dir);
    char *text = NULL;
    size_t len = 0;
    keel_error err = {0};
    assert_int_equal(keel_file_read(&text, &len, path, 100, &err),
                     KEEL_ENOTFOUND);
    snprintf(want, sizeof(want), "%s: No such file or directory", path);
    assert_string_equal(err.msg, want);
}

/* keel_file_open_private of path; its error in err, the fd closed. */
static int try_open(const char *path, int flags, unsigned deny, keel_error *err)
{
    int fd = -1;
    memset(err, 0, sizeof(*err));
    int rc =
        keel_file_open_private(&fd, AT_FDCWD, path, flags, 0600, deny, err);
    if (rc == 0) {
        assert_true(fd >= 0);
        close(fd);
    } else {
        assert_int_equal(fd, -1);
        assert_int_equal(err->code, rc);
    }
    return rc;
}

static void expect_msg(const keel_error *err, const char *path, const char *why)
{
    char want[512];
    snprintf(want, sizeof(want), "%s: %s", path, why);
    assert_string_equal(err->msg, want);
}

static void test_file__own_private_files_and_directories_open(void **s)
{
    (void)s;
    keel_error err;
    assert_int_equal(try_open(file, O_RDONLY, 077, &err), 0);
    assert_int_equal(try_open(dir, O_RDONLY | O_DIRECTORY, 022, &err), 0);
    /* readable by others: enough with 022, not with 077 */
    assert_int_equal(chmod(file, 0644), 0);
    assert_int_equal(try_open(file, O_RDONLY, 022, &err), 0);
    assert_int_equal(try_open(file, O_RDONLY, 077, &err), KEEL_EUNSAFE);
    expect_msg(&err, file, "is readable by group or others (mode 0644)");
    /* O_CREAT makes a missing file; a missing one without it is not found */
    char made[160];
    snprintf(made, sizeof(made), "%s/new", dir);
    assert_int_equal(try_open(made, O_RDWR, 022, &err), KEEL_ENOTFOUND);
    assert_int_equal(try_open(made, O_RDWR | O_CREAT, 022, &err), 0);
    struct stat st;
    assert_int_equal(stat(made, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_file__symbolic_link_is_refused_and_said(void **s)
{
    (void)s;
    keel_error err;
    char link[160], dlink[160], dangling[160], target[160];
    snprintf(link, sizeof(link), "%s/link", dir);
    snprintf(dlink, sizeof(dlink), "%s/dlink", dir);
    snprintf(dangling, sizeof(dangling), "%s/dangling", dir);
    snprintf(target, sizeof(target), "%s/target", dir);
    assert_int_equal(symlink(file, link), 0);
    assert_int_equal(symlink(dir, dlink), 0);
    assert_int_equal(symlink(target, dangling), 0);
    assert_int_equal(try_open(link, O_RDONLY, 022, &err), KEEL_EUNSAFE);
    expect_msg(&err, link, "is a symbolic link");
    assert_int_equal(try_open(dlink, O_RDONLY | O_DIRECTORY, 022, &err),
                     KEEL_EUNSAFE);
    expect_msg(&err, dlink, "is a symbolic link");
    /* creating through a dangling link creates nothing */
    assert_int_equal(try_open(dangling, O_RDWR | O_CREAT, 022, &err),
                     KEEL_EUNSAFE);
    expect_msg(&err, dangling, "is a symbolic link");
    assert_int_equal(access(target, F_OK), -1);
}

static void test_file__another_users_file_is_refused(void **s)
{
    (void)s;
    keel_error err;
    char want[128];
    if (geteuid() == 0) { /* root can give it away: compare with geteuid() */
        assert_int_equal(chown(file, 4242, 4242), 0);
        assert_int_equal(try_open(file, O_RDONLY, 022, &err), KEEL_EUNSAFE);
        snprintf(want, sizeof(want), "is owned by uid 4242, not you (uid %u)",
                 (unsigned)geteuid());
        expect_msg(&err, file, want);
        assert_int_equal(chown(dir, 4242, 4242), 0);
        assert_int_equal(try_open(dir, O_RDONLY | O_DIRECTORY, 022, &err),
                         KEEL_EUNSAFE);
        expect_msg(&err, dir, want);
        assert_int_equal(chown(dir, 0, 0), 0);
    } else { /* anyone else: root's own directory */
        assert_int_equal(try_open("/", O_RDONLY | O_DIRECTORY, 022, &err),
                         KEEL_EUNSAFE);
        snprintf(want, sizeof(want), "is owned by uid 0, not you (uid %u)",
                 (unsigned)geteuid());
        expect_msg(&err, "/", want);
    }
}

static void test_file__writable_by_others_is_refused(void **s)
{
    (void)s;
    keel_error err;
    const struct {
        unsigned mode;
        const char *why;
    } cases[] = {
        {0620, "is writable by group or others (mode 0620)"},
        {0602, "is writable by group or others (mode 0602)"},
        {0666, "is writable by group or others (mode 0666)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        assert_int_equal(chmod(file, cases[i].mode), 0);
        assert_int_equal(try_open(file, O_RDONLY, 022, &err), KEEL_EUNSAFE);
        expect_msg(&err, file, cases[i].why);
    }
    assert_int_equal(chmod(dir, 01777), 0); /* sticky does not make it ours */
    assert_int_equal(try_open(dir, O_RDONLY | O_DIRECTORY, 022, &err),
                     KEEL_EUNSAFE);
    expect_msg(&err, dir, "is writable by group or others (mode 1777)");
    assert_int_equal(chmod(dir, 0700), 0);
}

static void test_file__fifo_and_wrong_kinds_are_refused_at_once(void **s)
{
    (void)s;
    keel_error err;
    char fifo[160];
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* no writer: a blocking open would hang here */
    assert_int_equal(try_open(fifo, O_RDONLY, 022, &err), KEEL_EUNSAFE);
    expect_msg(&err, fifo, "is not a regular file");
    assert_int_equal(try_open(dir, O_RDONLY, 022, &err), KEEL_EUNSAFE);
    expect_msg(&err, dir, "is not a regular file");
    assert_int_equal(try_open(file, O_RDONLY | O_DIRECTORY, 022, &err),
                     KEEL_EUNSAFE);
    expect_msg(&err, file, "is not a directory");
}

/* With a directory descriptor, the file is opened in the directory that
 * was checked, even when the name now leads elsewhere. */
static void test_file__at_opens_in_the_checked_directory(void **s)
{
    (void)s;
    keel_error err = {0};
    int dfd = -1, fd = -1;
    assert_int_equal(keel_file_open_private(&dfd, AT_FDCWD, dir,
                                            O_RDONLY | O_DIRECTORY, 0, 022,
                                            &err),
                     0);
    char moved[96], other[96], planted[160];
    snprintf(moved, sizeof(moved), "%s.moved", dir);
    snprintf(other, sizeof(other), "%s.other", dir);
    snprintf(planted, sizeof(planted), "%s/mine", other);
    assert_int_equal(rename(dir, moved), 0);
    assert_int_equal(mkdir(other, 0700), 0);
    FILE *f = fopen(planted, "w");
    assert_non_null(f);
    fputs("planted", f);
    fclose(f);
    assert_int_equal(symlink(other, dir), 0); /* dir now leads elsewhere */
    assert_int_equal(
        keel_file_open_private(&fd, dfd, file, O_RDONLY, 0, 077, &err), 0);
    char buf[16] = {0};
    assert_int_equal(read(fd, buf, sizeof(buf) - 1), 5);
    assert_string_equal(buf, "hello");
    close(fd);
    close(dfd);
    /* by name, the symlinked directory is refused */
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(keel_file_read_private(&text, &len, file, 100, &err),
                     KEEL_EUNSAFE);
    expect_msg(&err, dir, "is a symbolic link");
    assert_null(text);
    unlink(dir);
    unlink(planted);
    rmdir(other);
    assert_int_equal(rename(moved, dir), 0);
}

static void test_file__read_private_reads_only_private_files(void **s)
{
    (void)s;
    keel_error err = {0};
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(keel_file_read_private(&text, &len, file, 100, &err), 0);
    assert_string_equal(text, "hello");
    assert_int_equal(len, 5);
    keel_free(text);
    assert_int_equal(chmod(dir, 0770), 0);
    assert_int_equal(keel_file_read_private(&text, &len, file, 100, &err),
                     KEEL_EUNSAFE);
    expect_msg(&err, dir, "is writable by group or others (mode 0770)");
    assert_null(text);
    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(chmod(file, 0640), 0);
    assert_int_equal(keel_file_read_private(&text, &len, file, 100, &err),
                     KEEL_EUNSAFE);
    expect_msg(&err, file, "is readable by group or others (mode 0640)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_file__read_fd_reads_to_the_end),
        T(test_file__read_fd_stops_one_byte_past_max),
        T(test_file__read_fd_reads_a_pipe),
        T(test_file__read_fd_returns_reads_errno),
        T(test_file__read_fd_out_of_memory_is_enomem),
        T(test_file__read_names_the_path_and_the_limit),
        T(test_file__read_of_a_missing_file_is_not_found),
        T(test_file__own_private_files_and_directories_open),
        T(test_file__symbolic_link_is_refused_and_said),
        T(test_file__another_users_file_is_refused),
        T(test_file__writable_by_others_is_refused),
        T(test_file__fifo_and_wrong_kinds_are_refused_at_once),
        T(test_file__at_opens_in_the_checked_directory),
        T(test_file__read_private_reads_only_private_files),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
