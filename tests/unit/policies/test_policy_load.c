/*
 * test_policy_load.c - loading fails closed: every file in
 * tests/data/policies/invalid/ is refused with exactly the diagnostics in
 * its .expected file (KEEL_REGEN=1 rewrites them; review the diff), and a
 * refused load leaves nothing loaded, even when other files were fine.
 */
#include "policy_support.h"

#include <unistd.h>

static keel_kernel *k;

static int setup(void **s)
{
    (void)s;
    k = ts_kernel_all();
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    keel_kernel_free(k);
    return 0;
}

static char *diagnose(const char *name, const char *text, size_t len)
{
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    int rc = keel_policy_load_texts(&p, &name, &text, &len, 1, k, &d);
    assert_null(p);
    assert_int_not_equal(rc, 0);
    char *out = NULL;
    assert_int_equal(keel_diags_text(&out, &d, NULL), 0);
    keel_diags_free(&d);
    return out;
}

static void invalid_case(void *ctx, const char *dir, const char *name)
{
    (void)ctx;
    char path[2048];
    size_t len = 0, l = strlen(name);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *text = ts_slurp(path, &len);
    assert_non_null(text);
    char *got = diagnose(name, text, len);
    snprintf(path, sizeof(path), "%s/%.*s.expected", dir, (int)(l - 4), name);
    ts_expect_text(name, path, got);
    free(text);
    keel_free(got);
}

static void test_policy_load__invalid_files_are_refused_exactly(void **s)
{
    (void)s;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/data/policies/invalid", ts_source_dir());
    assert_true(ts_each_file(dir, ".xml", invalid_case, NULL) >= 10);
}

static void test_policy_load__one_bad_file_loads_nothing(void **s)
{
    (void)s;
    const char *names[] = {"good.xml", "bad.xml"};
    const char *texts[] = {
        "<policy xmlns=\"urn:keel:policy:1\" id=\"g\"><permit id=\"p\">"
        "<principal any=\"true\"/><action call=\"text.upper\"/></permit></policy>",
        "<policy xmlns=\"urn:keel:policy:1\" id=\"b\"><permit id=\"q\">"
        "<principal any=\"true\"/><action call=\"nope.fn\"/></permit></policy>"};
    size_t lens[] = {strlen(texts[0]), strlen(texts[1])};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_policy_load_texts(&p, names, texts, lens, 2, k, &d),
                     KEEL_EINVAL);
    assert_null(p);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.items[0].message,
                        "bad.xml: line 1: rule 'q': action names 'nope.fn', "
                        "which is not a loaded function");
    keel_diags_free(&d);
}

static void test_policy_load__missing_file_is_an_error(void **s)
{
    (void)s;
    const char *files[] = {"/nonexistent/policy.xml"};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_policy_load(&p, files, 1, k, &d), KEEL_EIO);
    assert_null(p);
    assert_string_equal(d.items[0].message, "/nonexistent/policy.xml: cannot "
                                            "open: No such file or directory");
    keel_diags_free(&d);
    /* a file that opens but cannot be read says so (not "Document is
     * empty") */
    const char *dir[] = {"/tmp"};
    keel_diags_init(&d);
    assert_int_equal(keel_policy_load(&p, dir, 1, k, &d), KEEL_EIO);
    assert_null(p);
    assert_string_equal(d.items[0].message,
                        "/tmp: cannot read: Is a directory");
    keel_diags_free(&d);
}

/* Three times the limit: read only to one byte past it, and refused by
 * size without being parsed. */
static void test_policy_load__file_over_the_limit_is_refused_by_size(void **s)
{
    (void)s;
    char path[] = "/tmp/keel-policy-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < 3u << 20; i++)
        fputc(' ', f);
    assert_int_equal(fclose(f), 0);
    const char *files[] = {path};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_policy_load(&p, files, 1, k, &d), KEEL_EINVAL);
    unlink(path);
    assert_null(p);
    assert_int_equal(d.n, 1);
    char want[128];
    snprintf(want, sizeof(want),
             "%s: 1048577 bytes; a policy file may have "
             "at most 1048576",
             path);
    assert_string_equal(d.items[0].message, want);
    keel_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_load__invalid_files_are_refused_exactly),
        cmocka_unit_test(test_policy_load__one_bad_file_loads_nothing),
        cmocka_unit_test(test_policy_load__missing_file_is_an_error),
        cmocka_unit_test(
            test_policy_load__file_over_the_limit_is_refused_by_size),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
