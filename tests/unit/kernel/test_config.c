/*
 * test_config.c - the configuration file. Invalid cases are data:
 * tests/data/config/invalid/NAME.json with NAME.expected holding the exact
 * diagnostic; adding a case is adding two files (KEEL_REGEN=1 rewrites the
 * .expected files from the current output; review the diff).
 */
#include "test_support.h"

#include <keel/config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls fn for every *.json in tests/data/config/<kind>. */
static size_t each_case(const char *kind, ts_file_fn fn)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/data/config/%s", ts_source_dir(), kind);
    return ts_each_file(dir, ".json", fn, NULL);
}

static char *read_case(const char *dir, const char *name, size_t *len)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *text = ts_slurp(path, len);
    if (!text)
        fail_msg("cannot open %s", path);
    return text;
}

static void invalid_case(void *ctx, const char *dir, const char *name)
{
    (void)ctx;
    size_t len = 0;
    char *text = read_case(dir, name, &len);
    keel_config *c = NULL;
    keel_error err = {0};
    int rc = keel_config_parse(&c, name, text, len, &err);
    assert_null(c);
    char got[KEEL_ERROR_MAX + 2] = ""; /* refused: the message, one line */
    if (rc != 0)
        snprintf(got, sizeof(got), "%s\n", err.msg);
    char path[2048];
    snprintf(path, sizeof(path), "%s/%.*s.expected", dir,
             (int)(strlen(name) - 5), name);
    ts_expect_text(name, path, got);
    free(text);
}

static void valid_case(void *ctx, const char *dir, const char *name)
{
    (void)ctx;
    size_t len = 0;
    char *text = read_case(dir, name, &len);
    keel_config *c = NULL;
    keel_error err = {0};
    if (keel_config_parse(&c, name, text, len, &err) != 0)
        fail_msg("%s: %s", name, err.msg);
    keel_config_free(c);
    free(text);
}

static void test_config__invalid_files_give_exact_diagnostics(void **s)
{
    (void)s;
    assert_true(each_case("invalid", invalid_case) >= 10);
}

static void test_config__valid_files_load(void **s)
{
    (void)s;
    assert_true(each_case("valid", valid_case) >= 2);
}

static void test_config__plugin_dirs_keep_search_order(void **s)
{
    (void)s;
    const char *text = "{\"plugins\": {\"paths\": [\"/from/file\"]}}";
    keel_config *c = NULL;
    keel_error err = {0};
    assert_int_equal(keel_config_parse(&c, "c.json", text, strlen(text), &err), 0);
    assert_int_equal(keel_config_add_plugin_dir(c, "/builtin", KEEL_CONFIG_FROM_DEFAULT, &err), 0);
    assert_int_equal(keel_config_add_plugin_dir(c, "/env", KEEL_CONFIG_FROM_ENV, &err), 0);
    assert_int_equal(keel_config_add_plugin_dir(c, "/flag1", KEEL_CONFIG_FROM_FLAG, &err), 0);
    assert_int_equal(keel_config_add_plugin_dir(c, "/flag2", KEEL_CONFIG_FROM_FLAG, &err), 0);
    assert_int_equal(keel_config_add_plugin_dir(c, "/env", KEEL_CONFIG_FROM_FLAG, &err), 0);
    const char *want[] = {"/flag1", "/flag2", "/env", "/from/file", "/builtin"};
    assert_int_equal(keel_config_plugin_dir_count(c), 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(keel_config_plugin_dir_at(c, i), want[i]);
    keel_config_free(c);
}

static void test_config__show_redacts_secret_names(void **s)
{
    (void)s;
    const char *text = "{\"plugins\": {\"settings\": {\"mail\": {\"password_env\":"
                       " \"SMTP_PW\", \"token_count\": 3, \"smtp_password\": null}}}}";
    keel_config *c = NULL;
    keel_error err = {0};
    assert_int_equal(keel_config_parse(&c, "c.json", text, strlen(text), &err), 0);
    char *out = NULL;
    assert_int_equal(keel_config_show(&out, c), 0);
    /* a variable's name is not a secret; a secret-looking number is hidden */
    assert_non_null(strstr(out, "\"password_env\": \"SMTP_PW\""));
    assert_non_null(strstr(out, "\"token_count\": 3"));
    assert_non_null(strstr(out, "\"smtp_password\": \"<redacted>\""));
    keel_free(out);
    keel_config_free(c);
}

static void test_config__missing_explicit_file_is_an_error(void **s)
{
    (void)s;
    keel_config *c = NULL;
    keel_error err = {0};
    assert_int_equal(keel_config_load(&c, "/nonexistent/keel.json", &err),
                     KEEL_ENOTFOUND);
    assert_string_equal(err.msg, "/nonexistent/keel.json: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config__invalid_files_give_exact_diagnostics),
        cmocka_unit_test(test_config__valid_files_load),
        cmocka_unit_test(test_config__plugin_dirs_keep_search_order),
        cmocka_unit_test(test_config__show_redacts_secret_names),
        cmocka_unit_test(test_config__missing_explicit_file_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
