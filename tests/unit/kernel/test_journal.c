/*
 * test_journal.c - the hash-chained journal: appends read back verified;
 * an edited, removed or reordered record is named; a torn tail is cut.
 */
#include "test_support.h"

#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/keel-journal-%d.jsonl", getpid());
    unlink(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void append_n(int from, int to)
{
    keel_journal *j = NULL;
    keel_error err = {0};
    assert_int_equal(keel_journal_open(&j, path, "run-1", true, &err), 0);
    for (int i = from; i <= to; i++) {
        char json[64];
        snprintf(json, sizeof(json), "{\"event\": \"e%d\", \"n\": %d}", i, i);
        keel_value *r = ts_json(json);
        assert_int_equal(keel_journal_append(j, r, NULL, true, &err), 0);
        keel_value_unref(r);
    }
    keel_journal_close(j);
}

static int read_back(keel_value **out, keel_error *err, bool *torn)
{
    return keel_journal_read(out, torn, path, "run-1", err);
}

/* The file's lines, for editing. */
static char **lines(size_t *n)
{
    size_t len;
    char *text = ts_slurp(path, &len);
    char **v = calloc(64, sizeof(char *));
    *n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save))
        v[(*n)++] = strdup(l);
    free(text);
    return v;
}

static void write_lines(char **v, size_t n, const char *tail)
{
    FILE *f = fopen(path, "w");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", v[i]);
    if (tail)
        fputs(tail, f);
    fclose(f);
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void expect_bad(const char *msg_part, size_t good)
{
    keel_value *recs = NULL;
    keel_error err = {0};
    bool torn;
    assert_int_equal(read_back(&recs, &err, &torn), KEEL_EINVAL);
    if (!strstr(err.msg, msg_part))
        fail_msg("got '%s', want '%s'", err.msg, msg_part);
    assert_int_equal(keel_value_len(recs), good);
    keel_value_unref(recs);
}

static void test_journal__appends_read_back_in_order(void **state)
{
    (void)state;
    append_n(1, 3);
    append_n(4, 5); /* reopened: the chain continues */
    keel_value *recs = NULL;
    keel_error err = {0};
    bool torn;
    assert_int_equal(read_back(&recs, &err, &torn), 0);
    assert_false(torn);
    assert_int_equal(keel_value_len(recs), 5);
    for (size_t i = 0; i < 5; i++) {
        const keel_value *r = keel_value_list_at(recs, i);
        assert_int_equal(keel_value_get_int(keel_value_object_get(r, "seq")), i + 1);
        assert_int_equal(keel_value_get_int(keel_value_object_get(r, "n")), i + 1);
        assert_true(keel_value_get_int(keel_value_object_get(r, "t")) > 0);
    }
    keel_value_unref(recs);
    /* another chain id: the first record does not follow its genesis */
    assert_int_equal(keel_journal_read(&recs, &torn, path, "run-2", &err),
                     KEEL_EINVAL);
    assert_non_null(strstr(err.msg, ":1: record 1 does not follow"));
    keel_value_unref(recs);
}

static void test_journal__edited_record_is_named(void **state)
{
    (void)state;
    append_n(1, 4);
    size_t n;
    char **v = lines(&n);
    char *at = strstr(v[1], "\"n\":2");
    at[4] = '7'; /* record 2 now says n = 7 */
    write_lines(v, n, NULL);
    expect_bad(":2: record 2 was edited", 1);
    free_lines(v, n);
}

static void test_journal__edited_last_record_is_named(void **state)
{
    (void)state;
    append_n(1, 3);
    size_t n;
    char **v = lines(&n);
    strstr(v[2], "\"e3\"")[2] = '9';
    write_lines(v, n, NULL);
    expect_bad(":3: record 3 was edited", 2);
    free_lines(v, n);
}

static void test_journal__removed_record_is_named(void **state)
{
    (void)state;
    append_n(1, 4);
    size_t n;
    char **v = lines(&n);
    free(v[1]);
    memmove(&v[1], &v[2], (n - 2) * sizeof(char *));
    write_lines(v, n - 1, NULL);
    expect_bad(":2: record 2 does not follow record 1", 1);
    free_lines(v, n - 1);
}

static void test_journal__reordered_records_are_named(void **state)
{
    (void)state;
    append_n(1, 4);
    size_t n;
    char **v = lines(&n);
    char *t = v[2];
    v[2] = v[1];
    v[1] = t;
    write_lines(v, n, NULL);
    expect_bad(":2: record 2 does not follow record 1", 1);
    free_lines(v, n);
}

static void test_journal__torn_tail_is_ignored_then_cut(void **state)
{
    (void)state;
    append_n(1, 2);
    size_t n;
    char **v = lines(&n);
    write_lines(v, n, "{\"event\":\"e3\",\"n\":3,\"se"); /* a crash mid-append */
    free_lines(v, n);
    keel_value *recs = NULL;
    keel_error err = {0};
    bool torn;
    assert_int_equal(read_back(&recs, &err, &torn), 0);
    assert_true(torn);
    assert_int_equal(keel_value_len(recs), 2);
    keel_value_unref(recs);
    append_n(3, 3); /* reopening cuts the torn line, the chain goes on */
    assert_int_equal(read_back(&recs, &err, &torn), 0);
    assert_false(torn);
    assert_int_equal(keel_value_len(recs), 3);
    keel_value_unref(recs);
}

static void test_journal__unwritable_journal_fails_to_open(void **state)
{
    (void)state;
    keel_journal *j = NULL;
    keel_error err = {0};
    assert_int_equal(keel_journal_open(&j, "/nonexistent/dir/journal.jsonl",
                                       "x", true, &err), KEEL_EIO);
    assert_null(j);
    assert_non_null(strstr(err.msg, "cannot open the journal"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_journal__appends_read_back_in_order),
        T(test_journal__edited_record_is_named),
        T(test_journal__edited_last_record_is_named),
        T(test_journal__removed_record_is_named),
        T(test_journal__reordered_records_are_named),
        T(test_journal__torn_tail_is_ignored_then_cut),
        T(test_journal__unwritable_journal_fails_to_open),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
