/*
 * test_plan_json.c - the JSON plan form: reading into the IR, writing back,
 * and the plan hash's independence from key order and whitespace.
 */
#include "test_support.h"

#include <keel/plan.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static keel_plan *read_plan(const char *json)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_json(&p, json, strlen(json), &d) != 0)
        fail_msg("%s: %s", json, d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
}

static void test_plan_json__reads_every_member(void **s)
{
    (void)s;
    keel_plan *p = read_plan(
        "{\"version\":1,\"goal\":\"g\",\"steps\":[{\"id\":\"a\",\"call\":\"x.y\","
        "\"args\":{\"k\":[1,\"${b}\"]},\"after\":[\"b\"],\"for_each\":\"${b}\","
        "\"why\":\"because\"},{\"id\":\"b\",\"call\":\"x.z\"}],\"output\":\"${a}\"}");
    assert_int_equal(p->version, 1);
    assert_string_equal(p->goal, "g");
    assert_int_equal(p->n_steps, 2);
    assert_string_equal(p->steps[0].id, "a");
    assert_string_equal(p->steps[0].call, "x.y");
    ts_assert_json(p->steps[0].args, "{\"k\":[1,\"${b}\"]}");
    assert_int_equal(p->steps[0].n_after, 1);
    assert_string_equal(p->steps[0].after[0], "b");
    assert_string_equal(p->steps[0].for_each, "${b}");
    assert_string_equal(p->steps[0].why, "because");
    ts_assert_json(p->steps[1].args, "{}"); /* args may be left out */
    ts_assert_json(p->output, "\"${a}\"");
    keel_plan_free(p);
}

static void test_plan_json__hash_ignores_key_order_and_space(void **s)
{
    (void)s;
    keel_plan *a = read_plan(
        "{\"version\":1,\"steps\":[{\"id\":\"a\",\"call\":\"m.add\",\"args\":"
        "{\"a\":1,\"b\":2.5}}],\"output\":\"${a}\"}");
    keel_plan *b = read_plan(
        "{ \"output\" : \"${a}\",\n \"steps\": [ { \"args\": { \"b\": 2.50, "
        "\"a\": 1 }, \"call\": \"m.add\", \"id\": \"a\" } ],\n\"version\": 1 }");
    keel_plan *c = read_plan(
        "{\"version\":1,\"steps\":[{\"id\":\"a\",\"call\":\"m.add\",\"args\":"
        "{\"a\":1,\"b\":2.5}}],\"output\":\"${a}\",\"goal\":\"x\"}");
    char ha[65], hb[65], hc[65];
    assert_int_equal(keel_plan_hash(ha, a), 0);
    assert_int_equal(keel_plan_hash(hb, b), 0);
    assert_int_equal(keel_plan_hash(hc, c), 0);
    assert_string_equal(ha, hb);
    assert_string_not_equal(ha, hc); /* the goal is part of the plan */
    char *canon = NULL;
    assert_int_equal(keel_plan_canonical(&canon, b), 0);
    assert_string_equal(canon, "{\"output\":\"${a}\",\"steps\":[{\"args\":{\"a\":1,"
                               "\"b\":2.5},\"call\":\"m.add\",\"id\":\"a\"}],"
                               "\"version\":1}");
    keel_free(canon);
    keel_plan_free(a);
    keel_plan_free(b);
    keel_plan_free(c);
}

static void test_plan_json__written_form_reads_back_identical(void **s)
{
    (void)s;
    keel_plan *p = read_plan(
        "{\"version\":1,\"goal\":\"\\u00e9t\\u00e9 \\\"q\\\"\",\"steps\":[{\"id\":"
        "\"a\",\"call\":\"x.y\",\"args\":{\"n\":-3,\"f\":0.1,\"s\":\"$$ ${b.c}\","
        "\"o\":{\"z\":null,\"t\":true}},\"why\":\"w\"},{\"id\":\"b\",\"call\":"
        "\"x.z\",\"after\":[\"a\"]}]}");
    char *json = NULL;
    assert_int_equal(keel_plan_to_json(&json, p), 0);
    keel_plan *q = read_plan(json);
    char h1[65], h2[65];
    keel_plan_hash(h1, p);
    keel_plan_hash(h2, q);
    assert_string_equal(h1, h2);
    keel_free(json);
    keel_plan_free(p);
    keel_plan_free(q);
}

static void test_plan_json__unreadable_file_is_one_diagnostic(void **s)
{
    (void)s;
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_load(&p, "/nonexistent/plan.json", &d), KEEL_EIO);
    assert_null(p);
    char *text = NULL;
    keel_diags_text(&text, &d, "/nonexistent/plan.json");
    assert_string_equal(text, "/nonexistent/plan.json: cannot open: No such "
                              "file or directory\n");
    keel_free(text);
    keel_diags_free(&d);
}

/* The one diagnostic of loading path (or "-" for standard input). */
static char *load_diag(const char *path, int want_rc)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_load(&p, path, &d), want_rc);
    assert_null(p);
    assert_int_equal(d.n, 1);
    char *msg = strdup(d.items[0].message);
    keel_diags_free(&d);
    return msg;
}

/* A temporary file of n spaces; its name in path. */
static void spaces_file(char *path, size_t n)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc(' ', f);
    assert_int_equal(fclose(f), 0);
}

/* Three times the limit: read only to one byte past it, and refused by
 * size, from a file and from standard input. */
static void test_plan_json__text_over_the_limit_is_refused_by_size(void **s)
{
    (void)s;
    char path[] = "/tmp/keel-plan-XXXXXX";
    spaces_file(path, 3u * KEEL_PLAN_MAX_BYTES);
    char *msg = load_diag(path, KEEL_EINVAL);
    assert_string_equal(msg, "plan is 1048577 bytes; the limit is 1048576");
    free(msg);

    int saved = dup(STDIN_FILENO), fd = open(path, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    msg = load_diag("-", KEEL_EINVAL);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    close(saved);
    unlink(path);
    assert_string_equal(msg, "plan is 1048577 bytes; the limit is 1048576");
    free(msg);
}

static void test_plan_json__directory_is_a_read_error(void **s)
{
    (void)s;
    char *msg = load_diag("/tmp", KEEL_EIO);
    assert_string_equal(msg, "read error");
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_json__reads_every_member),
        cmocka_unit_test(test_plan_json__hash_ignores_key_order_and_space),
        cmocka_unit_test(test_plan_json__written_form_reads_back_identical),
        cmocka_unit_test(test_plan_json__unreadable_file_is_one_diagnostic),
        cmocka_unit_test(
            test_plan_json__text_over_the_limit_is_refused_by_size),
        cmocka_unit_test(test_plan_json__directory_is_a_read_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
