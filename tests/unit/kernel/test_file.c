/*
 * test_file.c - whole-file reads: keel_file_read_fd (the reader with no
 * message, for callers that word their own errors) and keel_file_read's
 * messages over it.
 */
#include "test_support.h"

#include "alloc.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int setup(void **s)
{
    (void)s;
    ts_make_dir(dir, sizeof(dir), "file");
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
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
