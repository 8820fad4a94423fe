/*
 * eval_suite.h - reading a `keel eval` suite file (JSON; the format is in
 * docs/eval.md): policy files relative to the suite, defaults for the
 * principal and the expectations, and the cases.
 *
 * A bad suite is one error naming the file and the member:
 * "suite.json: cases[2].expect.calls: expected a list of function names".
 */
#ifndef KEEL_EVAL_SUITE_H
#define KEEL_EVAL_SUITE_H

#include "eval_check.h"

#define EVAL_MAX_POLICY 32
#define EVAL_MAX_GROUPS 32
#define EVAL_MAX_SUITE_BYTES (4u << 20)

typedef struct eval_case {
    const char *name, *goal; /* borrowed from the suite */
    const char *user;        /* or NULL: --user, else $USER */
    const char *groups[EVAL_MAX_GROUPS];
    size_t n_groups;
    eval_expect expect; /* the defaults' expectations, then the case's */
} eval_case;

typedef struct eval_suite {
    keel_value *root;
    char *policy[EVAL_MAX_POLICY]; /* paths, relative to the suite's dir */
    size_t n_policy;
    eval_case *cases;
    size_t n_cases;
} eval_suite;

/* Reads and checks the suite at path. With k, every function name or glob
 * in the expectations must match a loaded function. Returns 0, or
 * KEEL_EINVAL (KEEL_ENOTFOUND for a missing file, KEEL_ENOMEM) with err
 * naming the file and member. out is always set; free it. */
int eval_suite_load(eval_suite *out, const char *path, const keel_kernel *k,
                    keel_error *err);
/* The same from text; path names the file in errors and anchors the
 * policy paths. */
int eval_suite_parse(eval_suite *out, const char *text, size_t len,
                     const char *path, const keel_kernel *k, keel_error *err);
void eval_suite_free(eval_suite *s);

#endif
