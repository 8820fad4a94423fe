/*
 * planner_internal.h - the planner's parts: the catalog shown to the
 * model, the plan schema, golden examples and the plan cache.
 */
#ifndef KEEL_PLANNER_INTERNAL_H
#define KEEL_PLANNER_INTERNAL_H

#include <keel/planner.h>

/* The permitted functions as a list of catalog entries (see
 * keel_planner_catalog); *out is a new list. */
int planner_catalog_value(keel_value **out, const keel_kernel *k,
                          const keel_policy *policy,
                          const keel_principal *who);

/* Is call one of the catalog's functions? */
bool planner_catalog_has(const keel_value *catalog, const char *call);
/* The catalog function closest to call (at most two edits, or the same
 * function name in another plugin), or NULL. Borrowed. */
const char *planner_catalog_suggest(const keel_value *catalog,
                                    const char *call);

/* keel's plan JSON Schema with "call" an enum of the catalog's names. */
int planner_plan_schema(keel_value **out, const keel_value *catalog);

/* Golden examples: plan files with a goal, from one directory. */
typedef struct planner_example {
    char *file;  /* name in the directory */
    char *goal;
    char *plan;  /* compact JSON */
    char **calls; /* the functions it calls */
    size_t n_calls;
    char **words; /* the goal's words, sorted, unique */
    size_t n_words;
} planner_example;

typedef struct planner_examples {
    planner_example *items;
    size_t n;
} planner_examples;

/* Loads every *.json in dir, in name order; an example without a goal or
 * that is not a plan is an error naming the file. */
int planner_examples_load(planner_examples *out, const char *dir,
                          keel_error *err);
void planner_examples_free(planner_examples *e);

/* The at most max examples most similar to goal (word overlap, Jaccard),
 * among those that call only functions in catalog, as prompt text ("" when
 * none is similar). */
int planner_examples_render(char **out, const planner_examples *e,
                            const char *goal, const keel_value *catalog,
                            size_t max);

/* The cache key: SHA-256 over the parts (goal, principal, catalog, policy
 * hash, model, template hash, examples text). */
void planner_cache_key(char out[65], const char *const parts[], size_t n);
/* The cached plan for key, or *out NULL when there is none or it cannot be
 * used: a damaged entry is removed; an entry or directory that others
 * could have written is ignored and err says why. */
void planner_cache_get(keel_plan **out, const char *dir, const char *key,
                       keel_error *err);
/* Stores plan under key (written atomically, mode 0600). */
int planner_cache_put(const char *dir, const char *key, const keel_plan *plan,
                      keel_error *err);
void planner_cache_drop(const char *dir, const char *key);

#endif
