/*
 * policy_internal.h - the compiled form of policies, shared by the loader
 * (policy_load.c), the evaluator (policy_eval.c) and the plan checker
 * (policy_plan.c).
 */
#ifndef KEEL_POLICY_INTERNAL_H
#define KEEL_POLICY_INTERNAL_H

#include <keel/policy.h>

/* RULE_DECLASSIFY keeps the labels it removes in sources and the
 * functions it removes them through in sinks. */
typedef enum pol_kind {
    RULE_PERMIT,
    RULE_FORBID,
    RULE_FLOW,
    RULE_DECLASSIFY
} pol_kind;

typedef enum prin_kind { PRIN_ANY, PRIN_USER, PRIN_ROLE } prin_kind;

typedef struct pol_principal {
    prin_kind kind;
    char *value;     /* uid or DN (user), role name */
    long role_index; /* roles[] entry for PRIN_ROLE, set at load; -1: none */
    bool conflicting; /* more than one of any, user, role: refused */
} pol_principal;

/* An action: a function name, a "plugin.*" glob, or an effect class. */
typedef struct pol_action {
    char *call;      /* NULL for an effect action */
    unsigned effect; /* KEEL_EFFECT_* when call is NULL */
    bool conflicting; /* both call and effect: refused */
} pol_action;

typedef enum cond_op {
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_PREFIX, OP_MATCHES,
    OP_ONE_OF, OP_LENGTH
} cond_op;

typedef struct pol_cond {
    cond_op op;
    char *arg;
    char **values; /* one for comparisons, several for one-of */
    size_t n_values;
    long min, max; /* length bounds; -1: none */
    double number; /* values[0] as a number, parsed at load */
    bool has_number;
    bool absent_allow;
    int line;
} pol_cond;

/* A flow endpoint: functions by glob, and for sinks a parameter class. */
typedef struct pol_endpoint {
    char *call;
    char *sink_class; /* sinks only; NULL: any parameter */
} pol_endpoint;

typedef struct pol_rule {
    pol_kind kind;
    char *id;
    char *file;
    int line;
    pol_principal *principals;
    size_t n_principals;
    pol_action *actions;
    size_t n_actions;
    pol_cond *conds;
    size_t n_conds;
    bool approval;
    char *approver_role;  /* or NULL: any role */
    bool not_requester;   /* the approver must be someone else */
    char *reason;
    pol_endpoint *sources, *sinks;
    size_t n_sources, n_sinks;
} pol_rule;

typedef struct pol_role {
    char *name;
    char *file; /* where it was defined, for messages */
    int line;
    char **groups; /* normalised DNs */
    size_t n_groups;
    char **users;
    size_t n_users;
} pol_role;

/* Rules that can apply to one function, found once at load. */
typedef struct pol_index {
    const char *qname; /* borrowed from the kernel's registry */
    size_t *rules;
    size_t n;
} pol_index;

struct keel_policy {
    pol_rule *rules;
    size_t n_rules;
    pol_role *roles;
    size_t n_roles;
    long max_steps; /* -1: none */
    long max_llm_calls, max_tokens; /* -1: none */
    double max_cost;                /* < 0: none */
    pol_index *index; /* sorted by qname */
    size_t n_index;
    char hash[65];
};

/* Matching, shared by the linter and the evaluator. */
bool pol_glob(const char *pattern, const char *text);
bool pol_action_matches(const pol_action *a, const keel_fn_info *fn);
bool pol_rule_matches_fn(const pol_rule *r, const keel_fn_info *fn);
/* The normal form of dn (caller frees), or NULL when dn is malformed or
 * memory ran out: either way it matches nothing. */
char *pol_normalise_dn(const char *dn);
const pol_index *pol_index_find(const keel_policy *p, const char *qname);

/* How arguments are seen: real values at run time; templates, with the
 * labels they may carry, in the static phase. */
typedef bool (*pol_unresolved_fn)(const keel_value *v);
typedef const keel_labels *(*pol_labels_fn)(void *ctx, const keel_value *v);

void pol_decide(keel_decision *out, const keel_policy *p,
                const keel_principal *who, const keel_fn_info *fn,
                const keel_value *args, pol_unresolved_fn unresolved,
                pol_labels_fn labels_of, void *ctx);

/* True when a declassify rule for fn removes label. */
bool pol_declassifies(const keel_policy *p, const keel_fn_info *fn,
                      const char *label);

#endif
