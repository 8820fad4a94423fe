/*
 * keel/planner.h - from a goal to a validated plan.
 *
 * The planner shows a model the functions the principal's policy could
 * permit, asks for a plan in keel's JSON form (structured output with the
 * plan schema, the function name an enum of that catalog), and puts every
 * reply through the same static check and static policy check as
 * `keel validate`. Errors go back to the model as a repair request, up to
 * max_repairs times. Nothing runs here: the caller runs the plan it gets.
 *
 * Prompt templates are files (system.txt, plan.txt, repair.txt in a
 * directory); see docs/planner.md for the placeholders. Conventions are
 * keel.h's: 0 or a negative KEEL_E* code, keel_error last; results through
 * *out belong to the caller.
 */
#ifndef KEEL_PLANNER_H
#define KEEL_PLANNER_H

#include <keel/llm.h>
#include <keel/plan.h>
#include <keel/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum keel_planner_event_kind {
    KEEL_PLANNER_CACHE_HIT,  /* a cached plan passed the checks again */
    KEEL_PLANNER_REQUEST,    /* about to call the model (attempt) */
    KEEL_PLANNER_REPLY,      /* the model answered (tokens, ms) */
    KEEL_PLANNER_REJECTED,   /* the reply failed a check (diags) */
    KEEL_PLANNER_ACCEPTED    /* the reply is a valid plan */
} keel_planner_event_kind;

typedef struct keel_planner_event {
    keel_planner_event_kind kind;
    int attempt;                 /* 1 for the first request */
    const keel_llm_reply *reply; /* REPLY (borrowed) */
    const keel_diags *diags;     /* REJECTED (borrowed) */
} keel_planner_event;

typedef void (*keel_planner_event_fn)(void *ud, const keel_planner_event *ev);

/* Everything is borrowed for the duration of keel_planner_plan. */
typedef struct keel_planner_opts {
    keel_kernel *kernel;
    keel_llm *llm;
    /* The policy the plan must pass, or NULL: then only functions without
     * side effects are offered and allowed (as `keel run` does). */
    const keel_policy *policy;
    const keel_principal *principal;
    const char *prompts_dir;  /* system.txt, plan.txt, repair.txt */
    const char *examples_dir; /* golden goal/plan pairs, or NULL */
    int max_examples;         /* the most similar shown; < 0: 3 */
    const char *cache_dir;    /* validated plans by key, or NULL: no cache */
    int max_repairs;          /* repair requests after the first; < 0: 2 */
    int max_reply_tokens;     /* per request; 0: 4096 */
    int64_t timeout_ms;       /* per request; 0: the client's */
    keel_planner_event_fn on_event; /* or NULL */
    void *ud;
} keel_planner_opts;

/* One answered model request, for journals and traces. */
typedef struct keel_planner_call {
    char model[96];
    int64_t start_ms; /* wall clock, ms since the epoch */
    double ms;
    int64_t input_tokens, output_tokens;
    double cost;
} keel_planner_call;

#define KEEL_PLANNER_MAX_CALLS 11 /* the first request and 10 repairs */

/* What planning produced. Free with keel_planner_result_free. */
typedef struct keel_planner_result {
    keel_plan *plan;           /* the validated plan, or NULL */
    keel_decision *decisions;  /* plan->n_steps static verdicts, or NULL */
    keel_verdict verdict;      /* the plan's static verdict */
    char *cannot_plan;         /* the model's reason, or NULL */
    keel_diags diags;          /* the last rejected reply's problems */
    char *reply_text;          /* the last reply's text, or NULL */
    int llm_calls;
    int64_t input_tokens, output_tokens;
    double cost, llm_ms;
    bool from_cache;
    bool limited;              /* stopped by a policy limit */
    char template_hash[65];    /* SHA-256 of the prompt templates */
    char cache_key[65];        /* "" when no cache_dir is given */
    size_t catalog_size;       /* functions shown to the model */
    char cache_error[256];     /* why the cache was not used, or "" */
    keel_planner_call calls[KEEL_PLANNER_MAX_CALLS];
    size_t n_calls;
} keel_planner_result;

void keel_planner_result_free(keel_planner_result *r);

/* Plans for goal. Returns 0 with out->plan set (its verdict is ALLOW or
 * APPROVAL); KEEL_EINVAL when the model said it cannot plan
 * (out->cannot_plan) or no valid plan came within the repairs
 * (out->diags); KEEL_EDENIED when the last plan was denied by the policy or
 * a policy limit (max-llm-calls, max-tokens, max-cost) stopped planning;
 * the LLM client's codes (KEEL_EUNAVAIL, ...) when it failed; KEEL_EINVAL
 * or KEEL_ENOTFOUND for bad templates or examples. out is filled in every
 * case and must be freed. */
int keel_planner_plan(keel_planner_result *out, const char *goal,
                      const keel_planner_opts *opts, keel_error *err);

/* The functions the principal's policy could permit (all functions without
 * side effects when policy is NULL), in name order, as the prompt shows
 * them: a JSON array of {"call", "description", "parameters", "returns",
 * "effects", "untrusted_output"} (caller frees). *n gets the count. */
int keel_planner_catalog(char **out, size_t *n, const keel_kernel *k,
                         const keel_policy *policy,
                         const keel_principal *who);

/* Where the plan is in a model's reply: the whole text, a fenced block, or
 * the first balanced JSON object with prose around it. Sets *off and *len
 * to the JSON object's bytes; KEEL_ENOTFOUND when there is none. */
int keel_planner_find_json(size_t *off, size_t *len, const char *text,
                           size_t n);

#ifdef __cplusplus
}
#endif

#endif /* KEEL_PLANNER_H */
