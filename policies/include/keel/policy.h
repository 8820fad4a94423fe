/*
 * keel/policy.h - security policies: which principal may call which
 * function with which arguments, which data may flow where, and limits.
 *
 * Policies are XML files validated against policies/policy.xsd, then
 * checked against the loaded functions. The semantics (docs/policy.md):
 * default deny; a forbid, a forbidden flow or an exceeded limit denies
 * whatever permits apply; approval is asked only when nothing denies;
 * decisions depend on the set of rules only, never their order; anything
 * malformed or unknown fails closed. Every decision names its rules.
 *
 * Ownership: a keel_policy belongs to whoever got it through **out and is
 * freed with keel_policy_free; it is read-only afterwards and may be shared
 * between threads.
 */
#ifndef KEEL_POLICY_H
#define KEEL_POLICY_H

#include <keel/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct keel_policy keel_policy;

/* Effects that change the world: without a policy, none of them runs. */
#define KEEL_SIDE_EFFECTS \
    (KEEL_EFFECT_WRITES | KEEL_EFFECT_NETWORK | KEEL_EFFECT_DESTRUCTIVE)

/* Who is asking: uid, DN and directory group DNs (borrowed). */
typedef struct keel_principal {
    const char *uid;
    const char *dn; /* or NULL */
    const char *const *groups;
    size_t n_groups;
} keel_principal;

typedef enum keel_verdict {
    KEEL_VERDICT_ALLOW = 0,
    KEEL_VERDICT_APPROVAL = 1, /* allowed once a person approves */
    KEEL_VERDICT_DENY = 2
} keel_verdict;

#define KEEL_DECISION_MAX_RULES 8

/* A decision with the rules that made it: the forbid or flow rule that
 * denied, or the permits that applied; none for "no permit applies". */
typedef struct keel_decision {
    keel_verdict verdict;
    const char *rules[KEEL_DECISION_MAX_RULES]; /* rule ids (borrowed) */
    size_t n_rules;
    char reason[512]; /* one line for people and for the planner */
    /* APPROVAL: who may approve. Every role listed (borrowed) must hold
     * the approver; not_requester: the approver is not the requester. */
    const char *approver_roles[KEEL_DECISION_MAX_RULES];
    size_t n_approver_roles;
    bool approver_not_requester;
} keel_decision;

/* Loads and merges policy files (all or nothing). Each is validated
 * against the XSD, then linted against k's functions: unknown functions,
 * arguments and roles, and globs that match nothing, are errors. Problems go
 * to diags as "file: line N: rule 'id': message". */
int keel_policy_load(keel_policy **out, const char *const *files, size_t n,
                     const keel_kernel *k, keel_diags *diags);
/* The same from texts in memory (names are used in messages). */
int keel_policy_load_texts(keel_policy **out, const char *const *names,
                           const char *const *texts, const size_t *lens,
                           size_t n, const keel_kernel *k, keel_diags *diags);
void keel_policy_free(keel_policy *p);

/* The policy's limits; -1 (or a negative cost) when a limit is not set,
 * and all of them for p NULL.
 * Several files: the strictest value wins. max_steps is enforced by
 * keel_policy_check_plan; the LLM limits are for whoever calls the model on
 * the principal's behalf (the planner). */
typedef struct keel_policy_limits {
    long max_steps;
    long max_llm_calls;
    long max_tokens;
    double max_cost;
} keel_policy_limits;

void keel_policy_get_limits(keel_policy_limits *out, const keel_policy *p);

/* Is who in role (a role name of the policy)? */
bool keel_policy_has_role(const keel_policy *p, const keel_principal *who,
                          const char *role);

/* May approver approve a call that d says needs approval, requested by
 * requester? false with the reason in why otherwise. */
bool keel_policy_may_approve(char *why, size_t cap, const keel_policy *p,
                             const keel_decision *d,
                             const keel_principal *requester,
                             const keel_principal *approver);

/* SHA-256 over the canonical form of the rules (order independent). */
const char *keel_policy_hash(const keel_policy *p);
size_t keel_policy_rule_count(const keel_policy *p);

/* The names of the roles who holds (borrowed from p), at most cap of them;
 * returns how many there are. NULL p: none. */
size_t keel_policy_roles_of(const char **out, size_t cap, const keel_policy *p,
                            const keel_principal *who);

/* Could the principal ever be permitted to call fn (ignoring arguments)?
 * The planner shows the model only these functions. With p NULL (no
 * policy configured): only functions without side effects (writes,
 * network, destructive). */
bool keel_policy_may_call(const keel_policy *p, const keel_principal *who,
                          const keel_fn_info *fn);

/* Decides one call with real argument values (an object whose values carry
 * provenance labels). */
void keel_policy_decide(keel_decision *out, const keel_policy *p,
                        const keel_principal *who, const keel_fn_info *fn,
                        const keel_value *args);

/* Applies the policy's declassify rules for fn to its result: labels the
 * rules remove through fn leave *v (copy on write). The one way a label is
 * ever removed. */
int keel_policy_declassify(keel_value **v, const keel_policy *p,
                           const keel_fn_info *fn);

/* Static check of a whole plan before anything runs: for each step the
 * function permission, conditions on literal arguments, flows along the
 * plan's references (a step's output carries the labels its inputs can
 * carry, and its own name when untrusted), and limits. decisions gets one
 * decision per step (array of p->n_steps, filled by the caller's
 * allocation). Returns the worst verdict. Denials are also added to diags
 * with the step's pointer. With pol NULL (no policy configured), a step
 * whose function has side effects is denied and every other is allowed. */
keel_verdict keel_policy_check_plan(keel_decision *decisions,
                                    const keel_policy *pol,
                                    const keel_principal *who,
                                    const keel_plan *plan,
                                    const keel_kernel *k, keel_diags *diags);

#ifdef __cplusplus
}
#endif

#endif
