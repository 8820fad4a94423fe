/*
 * test_support.h - shared helpers for keel's cmocka tests.
 */
#ifndef KEEL_TEST_SUPPORT_H
#define KEEL_TEST_SUPPORT_H

#include <keel/keel.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka must come after the headers above */
#include <cmocka.h>

/* $KEEL_BUILD_DIR (set by ctest); fails the test when missing. */
const char *ts_build_dir(void);
const char *ts_source_dir(void);
/* The built plugin NAME: <build>/lib/keel/plugins/NAME.so, or, for test
 * fixtures, <build>/tests/plugins/NAME.so. Static buffer per call site. */
void ts_plugin_path(char *buf, size_t cap, const char *name);
void ts_fixture_path(char *buf, size_t cap, const char *name);

/* A kernel with the shipped plugins named (NULL-terminated) loaded; fails
 * the test if any refuses. */
keel_kernel *ts_kernel_with(const char *const *plugins);

/* A kernel with the shipped plugins and the fixtures "good" (plugin
 * "fixture") and "exectest" loaded. */
keel_kernel *ts_kernel_all(void);

/* The whole file (NUL-terminated, at most 2 MiB; caller frees with free),
 * or NULL when it cannot be opened. */
char *ts_slurp(const char *path, size_t *len);

/* Makes a new empty directory /tmp/keel-NAME-XXXXXX and puts its path in
 * dir; rm_dir removes it with everything in it. Both fail the test on
 * error. */
void ts_make_dir(char *dir, size_t cap, const char *name);
void ts_rm_dir(const char *dir);

/* Calls fn(ctx, dir, name) for every file in dir whose name ends in ext;
 * fails the test when dir cannot be opened. Returns how many. */
typedef void (*ts_file_fn)(void *ctx, const char *dir, const char *name);
size_t ts_each_file(const char *dir, const char *ext, ts_file_fn fn, void *ctx);

/* Data-driven diagnostics: got must be non-empty (the input was refused)
 * and equal the text of expected_path. With KEEL_REGEN=1 in the
 * environment, expected_path is first rewritten from got (review the
 * diff). name is the case's name, for messages. */
void ts_expect_text(const char *name, const char *expected_path,
                    const char *got);

/* Parses JSON (fails the test on error). */
keel_value *ts_json(const char *text);
/* Reads a plan from JSON (fails the test on error; not checked against
 * any functions). Caller frees with keel_plan_free. */
struct keel_plan *ts_plan(const char *json);
/* Invokes name with args given as JSON; returns the rc, result in *out. */
int ts_invoke(keel_value **out, keel_kernel *k, const char *name,
              const char *args_json, keel_error *err);
/* Asserts v serialises to exactly json (compact). */
void ts_assert_json(const keel_value *v, const char *json);

#endif
