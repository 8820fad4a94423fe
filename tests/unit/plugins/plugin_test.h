/*
 * plugin_test.h - assertions shared by the tests of the shipped plugins:
 * call a function of a real, loaded plugin and check its exact result or
 * its exact error, that provenance labels reach the result, and that a
 * failing allocation at any point of a call is a clean KEEL_ENOMEM.
 */
#ifndef KEEL_PLUGIN_TEST_H
#define KEEL_PLUGIN_TEST_H

#include "test_support.h"

/* Calls fn with args (JSON text) and asserts it returns exactly want. */
void pt_expect(keel_kernel *k, const char *fn, const char *args,
               const char *want);

/* Calls fn with args and asserts it fails with code and exactly msg. */
void pt_expect_error(keel_kernel *k, const char *fn, const char *args,
                     int code, const char *msg);

/* keel_invoke reports what a plugin refuses as KEEL_EFAILED. This calls
 * fn's callback directly with args (complete and valid: no checks, no
 * defaults) and asserts the plugin's own code and message. */
void pt_expect_plugin_code(keel_kernel *k, const char *fn, const char *args,
                           int code, const char *msg);

/* Calls fn with args in which the argument labelled carries the label
 * "user", and asserts that the result carries it too and equals want. */
void pt_expect_label_carried(keel_kernel *k, const char *fn,
                             const char *args, const char *labelled,
                             const char *want);

/* Fails each allocation of the call in turn: every failure must return
 * KEEL_ENOMEM and no result, until the call succeeds with want. Returns the
 * number of failures seen. */
int pt_expect_oom_clean(keel_kernel *k, const char *fn, const char *args,
                        const char *want);

#endif
