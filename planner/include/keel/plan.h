/*
 * keel/plan.h - plans: the intermediate representation, its JSON and XML
 * forms, static checking, hashing, and execution.
 *
 * A plan is a list of steps, each calling one registered function with
 * arguments that may refer to earlier steps' outputs:
 *   "${step}"        a step's whole output (keeps its type when the string
 *                    is exactly the reference)
 *   "${step.a.0.b}"  a path into it (object keys and list indexes)
 *   "${item}"        inside a for_each step, the current element
 *   "$$"             a literal "$"
 * References inside a longer string are interpolated as text. The plan is
 * fixed before anything runs: tool outputs only flow where references send
 * them.
 *
 * Ownership: a keel_plan and everything in it belongs to whoever got it
 * through **out, freed with keel_plan_free. Strings returned by getters are
 * borrowed from the plan.
 */
#ifndef KEEL_PLAN_H
#define KEEL_PLAN_H

#include <keel/keel.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the IR ------------------------------------------------------------- */

typedef struct keel_plan_step {
    char *id;         /* [A-Za-z_][A-Za-z0-9_]*, unique in the plan */
    char *call;       /* "plugin.function" as written */
    keel_value *args; /* an object; strings may hold references */
    char **after;     /* ids of steps that must finish first */
    size_t n_after;
    char *for_each; /* a reference to a list ("${s.items}"), or NULL */
    char *why;      /* a short reason shown to approvers, or NULL */
    int line;       /* source line (XML), 0 when unknown */
} keel_plan_step;

typedef enum keel_plan_format {
    KEEL_PLAN_JSON = 0,
    KEEL_PLAN_XML = 1
} keel_plan_format;

typedef struct keel_plan {
    int version; /* 1 */
    char *goal;  /* or NULL */
    keel_plan_step *steps;
    size_t n_steps;
    keel_value *output; /* any value, strings may hold references; or NULL */
    keel_plan_format format; /* the form it was read from */
} keel_plan;

void keel_plan_free(keel_plan *p);

/* ---- diagnostics --------------------------------------------------------- */

/* One problem found in a plan. pointer is a JSON Pointer into the plan's
 * JSON form ("/steps/2/args/dn", "" for the whole plan); line is the source
 * line when known (XML), else 0. */
typedef struct keel_diag {
    char pointer[256];
    int line;
    int code; /* KEEL_E* class of the problem */
    char message[512];
} keel_diag;

typedef struct keel_diags {
    keel_diag *items;
    size_t n, cap;
    bool oom; /* a diagnostic was lost for lack of memory */
} keel_diags;

void keel_diags_init(keel_diags *d);
void keel_diags_free(keel_diags *d);
/* Appends one diagnostic (never fails: on out-of-memory sets d->oom). */
void keel_diags_add(keel_diags *d, const char *pointer, int line, int code,
                    const char *fmt, ...) KEEL_PRINTF(5, 6);
/* "PTR (line N): MESSAGE" per line, prefixed with "FILE: " when file is
 * not NULL. Caller frees with keel_free. */
int keel_diags_text(char **out, const keel_diags *d, const char *file);
/* [{"pointer": ..., "line": ..., "message": ...}, ...] (caller frees). */
int keel_diags_json(char **out, const keel_diags *d);

/* ---- reading and writing ------------------------------------------------- */

#define KEEL_PLAN_MAX_BYTES (1u << 20) /* plan file size cap */

/* Reads a plan in JSON form. Every structural problem is collected in
 * diags; returns 0 with *out set, or KEEL_EINVAL (*out NULL) when any
 * problem was found. */
int keel_plan_from_json(keel_plan **out, const char *text, size_t len,
                        keel_diags *diags);
/* Reads a plan in keel's XML form, or imports a Semantic Kernel sequential
 * planner plan (<plan><function.Plugin.Name .../></plan>). No DTD, no
 * network, no entity expansion; at most KEEL_PLAN_MAX_BYTES. */
int keel_plan_from_xml(keel_plan **out, const char *text, size_t len,
                       keel_diags *diags);
/* Picks the reader by the first non-blank character ('<' is XML). */
int keel_plan_parse(keel_plan **out, const char *text, size_t len,
                    keel_diags *diags);
/* Reads FILE (or "-" for stdin) with keel_plan_parse; a file that cannot be
 * read is one diagnostic. */
int keel_plan_load(keel_plan **out, const char *path, keel_diags *diags);

/* The plan as a JSON value (new reference through *out). */
int keel_plan_to_value(keel_value **out, const keel_plan *p);
/* Pretty JSON text, XML text (caller frees with keel_free). */
int keel_plan_to_json(char **out, const keel_plan *p);
int keel_plan_to_xml(char **out, const keel_plan *p);

/* The canonical JSON of the plan and its SHA-256 (64 hex digits + NUL):
 * the same plan gives the same hash whatever its form, key order or
 * whitespace. */
int keel_plan_canonical(char **out, const keel_plan *p);
int keel_plan_hash(char out[65], const keel_plan *p);

/* A Graphviz DOT graph of the plan: one node per step (id, function, and
 * effect flags when k is given), data edges labelled with the referenced
 * field, `after` edges dashed. k may be NULL. Caller frees. */
int keel_plan_to_dot(char **out, const keel_plan *p, const keel_kernel *k);
/* A numbered, readable summary of the steps, for people and approvers
 * (k, for effect flags, may be NULL). Caller frees. */
int keel_plan_summary(char **out, const keel_plan *p, const keel_kernel *k);

/* ---- static checking ----------------------------------------------------- */

typedef struct keel_plan_limits {
    size_t max_steps;      /* default 50 */
    size_t max_arg_bytes;  /* serialised size of one step's args; 64 KiB */
    size_t max_arg_depth;  /* nesting depth of one step's args; 32 */
} keel_plan_limits;

void keel_plan_limits_default(keel_plan_limits *l);

/* Checks the plan against the kernel's registry and the limits, before
 * anything runs: functions exist (with suggestions), names are canonical,
 * arguments are declared, present and well typed, literals satisfy their
 * constraints, references point to earlier steps and to fields the
 * referenced function returns, for_each is over a list, ids are unique, the
 * step graph has no cycle. Every problem is added to diags; returns 0 when
 * there was none, else KEEL_EINVAL. */
int keel_plan_check(const keel_plan *p, const keel_kernel *k,
                    const keel_plan_limits *limits, keel_diags *diags);

#ifdef __cplusplus
}
#endif

#endif
