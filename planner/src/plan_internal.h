/*
 * plan_internal.h - what the planner's files share: parsed references and
 * templates (plan_ref.c), and JSON Pointer building.
 */
#ifndef KEEL_PLAN_INTERNAL_H
#define KEEL_PLAN_INTERNAL_H

#include <keel/plan.h>

#define REF_MAX_PATH 16

/* A slice of the source string. */
typedef struct ref_seg {
    const char *s;
    size_t len;
} ref_seg;

/* ${root.path0.path1...}: root is a step id or "item". */
typedef struct plan_ref {
    ref_seg root;
    ref_seg path[REF_MAX_PATH];
    size_t n_path;
} plan_ref;

typedef struct tmpl_part {
    bool is_ref;
    ref_seg text; /* literal text (for "$$", the one "$") */
    plan_ref ref;
} tmpl_part;

/* A string split into literal runs and references. Parts point into the
 * string it was parsed from, which must outlive it. */
typedef struct tmpl {
    tmpl_part *parts;
    size_t n;
} tmpl;

/* Parses s; on a syntax error returns KEEL_EINVAL with why filled. A string
 * without references parses to literal parts only. */
int tmpl_parse(tmpl *t, const char *s, size_t len, char *why, size_t cap);
void tmpl_free(tmpl *t);
/* True when the whole string is exactly one reference. */
bool tmpl_single_ref(const tmpl *t);
bool tmpl_has_ref(const tmpl *t);
bool ref_root_is(const plan_ref *r, const char *name);
/* "${a.b}" back as text, for messages. */
void ref_format(char *buf, size_t cap, const plan_ref *r);

/* Calls fn for each string inside v (depth first), with its JSON Pointer
 * relative to base. Stops and returns fn's nonzero result. */
typedef int (*string_fn)(void *ctx, const char *s, size_t len,
                         const char *pointer);
int plan_each_string(const keel_value *v, const char *base, string_fn fn,
                     void *ctx);

/* Calls fn for every reference in every string inside v, with the string's
 * JSON Pointer; strings whose references do not parse are skipped (the
 * checker reports them). Stops at fn's first nonzero result. */
typedef int (*ref_fn)(void *ctx, const plan_ref *r, const char *pointer);
int plan_each_ref(const keel_value *v, const char *base, ref_fn fn, void *ctx);

/* False (with a diagnostic) when a plan text is over KEEL_PLAN_MAX_BYTES. */
bool plan_size_ok(size_t len, keel_diags *d);

/* Appends "/" + key, escaped per RFC 6901. */
void plan_pointer_join(char *out, size_t cap, const char *base,
                       const char *key);

/* Run-time resolution: the value a reference names. */
typedef struct resolver {
    /* The output of the step whose id is (s, len), or NULL when unknown. */
    const keel_value *(*step_output)(void *ctx, const char *s, size_t len);
    void *ctx;
    const keel_value *item; /* the for_each element, or NULL */
} resolver;

/* Replaces every reference inside tmpl_value by what it names, keeping
 * types for whole-string references and interpolating others as text. The
 * result (*out, a new reference) carries the labels of everything it was
 * built from. err says which reference failed and why. */
int plan_resolve(keel_value **out, const keel_value *tmpl_value,
                 const resolver *r, keel_error *err);

#endif
