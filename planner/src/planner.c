/*
 * planner.c - the plan/repair loop.
 *
 * One conversation per goal: the system template, the plan request, then
 * for each rejected reply the reply itself and a repair request listing
 * every problem with its locus. A reply is accepted only after the static
 * check and the static policy check that `keel validate` runs, so what
 * leaves this file is a plan that could be run as it is; nothing runs here.
 */
#include "planner_internal.h"

#include "prompt.h"

#include "buf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_REPAIRS 10
#define MAX_MESSAGES (2 + 2 * MAX_REPAIRS)

typedef struct planner {
    const keel_planner_opts *o;
    keel_planner_result *r;
    const char *goal;
    keel_error *err;
    prompt_set prompts;
    keel_value *catalog;
    char *catalog_json, *schema_json, *examples, *principal;
    keel_value *schema;
    keel_policy_limits limits;
    keel_llm_message msgs[MAX_MESSAGES];
    char *owned[MAX_MESSAGES];
    size_t n_msgs;
} planner;

static void emit(const planner *pl, keel_planner_event_kind kind, int attempt,
                 const keel_llm_reply *reply, const keel_diags *diags)
{
    if (!pl->o->on_event)
        return;
    keel_planner_event ev = {kind, attempt, reply, diags};
    pl->o->on_event(pl->o->ud, &ev);
}

static int add_message(planner *pl, keel_llm_role role, char *text)
{
    if (!text)
        return keel_error_set(pl->err, KEEL_ENOMEM, "out of memory");
    pl->owned[pl->n_msgs] = text;
    pl->msgs[pl->n_msgs++] = (keel_llm_message){role, text};
    return 0;
}

static int render(planner *pl, prompt_kind which, const char *errors)
{
    prompt_vars v = {pl->goal, pl->catalog_json, pl->schema_json,
                     pl->examples, errors, pl->principal};
    char *text = NULL;
    if (prompt_render(&text, &pl->prompts, which, &v) != 0)
        return keel_error_set(pl->err, KEEL_ENOMEM, "out of memory");
    return add_message(pl, which == PROMPT_SYSTEM ? KEEL_LLM_SYSTEM
                                                  : KEEL_LLM_USER, text);
}

static char *describe_principal(const keel_principal *who)
{
    if (!who || !who->uid)
        return keel_strdup("(none)");
    size_t cap = strlen(who->uid) + (who->dn ? strlen(who->dn) : 0) + 64;
    for (size_t i = 0; i < who->n_groups; i++)
        cap += strlen(who->groups[i]) + 2;
    char *s = keel_malloc(cap);
    if (!s)
        return NULL;
    int n = snprintf(s, cap, "%s%s%s%s", who->uid, who->dn ? " (" : "",
                     who->dn ? who->dn : "", who->dn ? ")" : "");
    for (size_t i = 0; i < who->n_groups; i++)
        n += snprintf(s + n, cap - (size_t)n, "%s%s", i ? "; " : ", groups: ",
                      who->groups[i]);
    return s;
}

static int load_examples(planner *pl)
{
    if (!pl->o->examples_dir) {
        pl->examples = keel_strdup("");
        return pl->examples ? 0 : keel_error_set(pl->err, KEEL_ENOMEM,
                                                 "out of memory");
    }
    planner_examples ex;
    int rc = planner_examples_load(&ex, pl->o->examples_dir, pl->err);
    if (rc)
        return rc;
    rc = planner_examples_render(&pl->examples, &ex, pl->goal, pl->catalog,
                                 pl->o->max_examples < 0
                                     ? 3 : (size_t)pl->o->max_examples);
    planner_examples_free(&ex);
    return rc ? keel_error_set(pl->err, rc, "out of memory") : 0;
}

/* The catalog as a JSON array with one function per line: readable for
 * people checking a prompt, without the tokens pretty-printing costs. */
static int catalog_lines(char **out, const keel_value *catalog)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_putc(&b, '[');
    for (size_t i = 0; i < keel_value_len(catalog); i++) {
        char *json = NULL;
        if (keel_value_to_json(&json, keel_value_list_at(catalog, i), false)) {
            keel_buf_free(&b);
            return KEEL_ENOMEM;
        }
        keel_buf_puts(&b, i ? ",\n " : "\n ");
        keel_buf_puts(&b, json);
        keel_free(json);
    }
    keel_buf_puts(&b, "\n]");
    return keel_buf_finish(&b, out);
}

/* Templates, catalog, schema and examples: everything the prompt needs. */
static int prepare(planner *pl)
{
    const keel_planner_opts *o = pl->o;
    int rc = prompt_set_load(&pl->prompts, o->prompts_dir, pl->err);
    if (rc)
        return rc;
    memcpy(pl->r->template_hash, pl->prompts.hash, 65);
    rc = planner_catalog_value(&pl->catalog, o->kernel, o->policy,
                               o->principal);
    if (rc == 0)
        rc = catalog_lines(&pl->catalog_json, pl->catalog);
    if (rc == 0)
        rc = planner_plan_schema(&pl->schema, pl->catalog);
    if (rc == 0)
        rc = keel_value_to_json(&pl->schema_json, pl->schema, false);
    if (rc == 0 && !(pl->principal = describe_principal(o->principal)))
        rc = KEEL_ENOMEM;
    if (rc)
        return keel_error_set(pl->err, rc, "out of memory");
    pl->r->catalog_size = keel_value_len(pl->catalog);
    if (pl->r->catalog_size == 0)
        return keel_error_set(pl->err, KEEL_EDENIED, "the policy permits no "
                              "function to %s: there is nothing to plan with",
                              o->principal && o->principal->uid
                                  ? o->principal->uid : "this principal");
    keel_policy_get_limits(&pl->limits, o->policy);
    return load_examples(pl);
}

/* Steps calling anything outside the catalog. The static check would
 * name such a function's arguments and its neighbours in the registry:
 * the model must not learn of functions the principal may never call. */
static bool only_catalog(planner *pl, const keel_plan *plan, keel_diags *d)
{
    for (size_t i = 0; i < plan->n_steps; i++) {
        const char *call = plan->steps[i].call;
        if (planner_catalog_has(pl->catalog, call))
            continue;
        const char *near = planner_catalog_suggest(pl->catalog, call);
        /* a function that exists but is hidden is denied by the policy;
         * the model is told the same either way */
        bool hidden = keel_kernel_lookup(pl->o->kernel, call) != NULL;
        if (hidden)
            pl->r->verdict = KEEL_VERDICT_DENY;
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/steps/%zu/call", i);
        keel_diags_add(d, ptr, plan->steps[i].line,
                       hidden ? KEEL_EDENIED : KEEL_ENOTFOUND,
                       "'%s' is not one of the functions you were given%s%s%s",
                       call, near ? "; did you mean " : "", near ? near : "",
                       near ? "?" : "");
    }
    return d->n == 0 && !d->oom;
}

/* The static check and the static policy phase, as `keel validate` runs
 * them. Returns true when the plan may be used; any lost diagnostic or
 * failed check (out of memory) counts against it. */
static bool check(planner *pl, keel_plan *plan, keel_diags *d)
{
    keel_planner_result *r = pl->r;
    r->verdict = KEEL_VERDICT_ALLOW;
    if (!only_catalog(pl, plan, d))
        return false;
    if (keel_plan_check(plan, pl->o->kernel, NULL, d) != 0 || d->n || d->oom) {
        if (d->n == 0)
            keel_diags_add(d, "", 0, KEEL_ENOMEM, "out of memory");
        return false;
    }
    keel_free(r->decisions);
    r->decisions = keel_calloc(plan->n_steps, sizeof(keel_decision));
    if (!r->decisions) {
        keel_diags_add(d, "", 0, KEEL_ENOMEM, "out of memory");
        return false;
    }
    r->verdict = keel_policy_check_plan(r->decisions, pl->o->policy,
                                        pl->o->principal, plan, pl->o->kernel,
                                        d);
    if (d->oom) /* a denial may have been lost: fail closed */
        r->verdict = KEEL_VERDICT_DENY;
    return r->verdict != KEEL_VERDICT_DENY;
}

static void cache_key(planner *pl)
{
    const char *parts[] = {
        pl->goal, pl->principal, pl->catalog_json,
        pl->o->policy ? keel_policy_hash(pl->o->policy) : "no policy",
        keel_llm_model(pl->o->llm), pl->prompts.hash, pl->examples};
    planner_cache_key(pl->r->cache_key, parts, sizeof(parts) / sizeof(*parts));
}

/* A cached plan, checked again; true when it is used. */
static bool from_cache(planner *pl)
{
    keel_plan *plan = NULL;
    keel_error e = {0};
    planner_cache_get(&plan, pl->o->cache_dir, pl->r->cache_key, &e);
    if (e.msg[0])
        snprintf(pl->r->cache_error, sizeof(pl->r->cache_error),
                 "not using the plan cache: %.200s", e.msg);
    if (!plan)
        return false;
    keel_diags d;
    keel_diags_init(&d);
    /* an entry made for another goal is not this goal's plan */
    bool ok = plan->goal && strcmp(plan->goal, pl->goal) == 0 &&
              check(pl, plan, &d);
    keel_diags_free(&d);
    if (!ok) {
        planner_cache_drop(pl->o->cache_dir, pl->r->cache_key);
        keel_plan_free(plan);
        return false;
    }
    pl->r->plan = plan;
    pl->r->from_cache = true;
    emit(pl, KEEL_PLANNER_CACHE_HIT, 0, NULL, NULL);
    return true;
}

/* The policy's limits on planning: checked before each call and after
 * each reply, so an exceeded limit stops planning and denies. */
static int over_limit(planner *pl, bool before_call)
{
    const keel_policy_limits *l = &pl->limits;
    keel_planner_result *r = pl->r;
    int64_t tokens = r->input_tokens + r->output_tokens;
    if (before_call && l->max_llm_calls >= 0 && r->llm_calls >= l->max_llm_calls)
        return keel_error_set(pl->err, KEEL_EDENIED, "denied by limits: the "
                              "policy allows %ld LLM call%s per goal and no "
                              "valid plan came", l->max_llm_calls,
                              l->max_llm_calls == 1 ? "" : "s");
    if (l->max_tokens >= 0 && (before_call ? tokens >= l->max_tokens
                                           : tokens > l->max_tokens))
        return keel_error_set(pl->err, KEEL_EDENIED, "denied by limits: "
                              "planning used %lld tokens and the policy "
                              "allows %ld", (long long)tokens, l->max_tokens);
    /* cost: "max-cost 0" still allows free (local) models */
    if (l->max_cost >= 0 && r->cost > l->max_cost)
        return keel_error_set(pl->err, KEEL_EDENIED, "denied by limits: "
                              "planning cost %.4f and the policy allows "
                              "%.4f", r->cost, l->max_cost);
    return 0;
}

static int ask(planner *pl, keel_llm_reply *reply, int attempt)
{
    keel_planner_result *r = pl->r;
    int rc = over_limit(pl, true);
    if (rc) {
        r->limited = true;
        return rc;
    }
    keel_llm_request req = {
        .messages = pl->msgs, .n_messages = pl->n_msgs, .schema = pl->schema,
        .schema_name = "keel_plan", .schema_loose = true, .temperature = 0,
        .max_tokens = pl->o->max_reply_tokens ? pl->o->max_reply_tokens : 4096,
        .timeout_ms = pl->o->timeout_ms};
    emit(pl, KEEL_PLANNER_REQUEST, attempt, NULL, NULL);
    struct timespec t0;
    clock_gettime(CLOCK_REALTIME, &t0);
    rc = keel_llm_chat(reply, pl->o->llm, &req, pl->err);
    r->llm_calls++;
    if (rc)
        return rc;
    if (r->n_calls < KEEL_PLANNER_MAX_CALLS) {
        keel_planner_call *c = &r->calls[r->n_calls++];
        snprintf(c->model, sizeof(c->model), "%s", reply->model ? reply->model : "");
        c->start_ms = (int64_t)t0.tv_sec * 1000 + t0.tv_nsec / 1000000;
        c->ms = reply->latency_ms;
        c->input_tokens = reply->input_tokens;
        c->output_tokens = reply->output_tokens;
        c->cost = reply->cost;
    }
    r->input_tokens += reply->input_tokens;
    r->output_tokens += reply->output_tokens;
    r->cost += reply->cost;
    r->llm_ms += reply->latency_ms;
    emit(pl, KEEL_PLANNER_REPLY, attempt, reply, NULL);
    if ((rc = over_limit(pl, false)) != 0)
        r->limited = true;
    return rc;
}

typedef enum outcome { ACCEPTED, REJECTED, DENIED, CANNOT } outcome;

/* {"cannot_plan": "reason"} without steps: the model declines instead of
 * inventing a plan. (Structured output may fill an empty cannot_plan
 * beside real steps: that is a plan.) */
static bool cannot_plan(planner *pl, const char *json, size_t len)
{
    keel_value *v = NULL;
    keel_error e = {0};
    if (keel_value_from_json(&v, json, len, &e) != 0)
        return false;
    const char *why = keel_value_get_string(
        keel_value_object_get(v, "cannot_plan"), NULL);
    bool declined = why && *why && !keel_value_object_get(v, "steps");
    if (declined)
        pl->r->cannot_plan = keel_strdup(why);
    keel_value_unref(v);
    return declined;
}

static outcome examine(planner *pl, const char *text, keel_diags *d)
{
    size_t n = strlen(text), off = 0, len = 0;
    if (n > KEEL_PLAN_MAX_BYTES) {
        keel_diags_add(d, "", 0, KEEL_EINVAL, "the reply is larger than %u "
                       "bytes", KEEL_PLAN_MAX_BYTES);
        return REJECTED;
    }
    if (keel_planner_find_json(&off, &len, text, n) != 0) {
        keel_diags_add(d, "", 0, KEEL_EINVAL, "the reply holds no JSON "
                       "object: answer with the plan as one JSON object");
        return REJECTED;
    }
    if (cannot_plan(pl, text + off, len))
        return CANNOT;
    keel_plan *plan = NULL;
    if (keel_plan_from_json(&plan, text + off, len, d) != 0)
        return REJECTED;
    keel_free(plan->goal); /* the plan is for the user's goal, as typed */
    plan->goal = keel_strdup(pl->goal);
    if (!plan->goal) {
        keel_diags_add(d, "", 0, KEEL_ENOMEM, "out of memory");
        keel_plan_free(plan);
        return REJECTED;
    }
    if (!check(pl, plan, d)) {
        keel_plan_free(plan);
        return pl->r->verdict == KEEL_VERDICT_DENY ? DENIED : REJECTED;
    }
    pl->r->plan = plan;
    return ACCEPTED;
}

/* The repair request: the reply as the model's turn, then every problem
 * with its locus, one per line. */
static int add_repair(planner *pl, const char *reply, const keel_diags *d)
{
    char *list = NULL, *errors = NULL;
    if (keel_diags_text(&list, d, NULL) != 0)
        return keel_error_set(pl->err, KEEL_ENOMEM, "out of memory");
    keel_buf b;
    keel_buf_init(&b);
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, "\n");
        keel_buf_puts(&b, "- ");
        keel_buf_append(&b, s, n);
        keel_buf_putc(&b, '\n');
        s += n + (s[n] == '\n');
    }
    keel_free(list);
    int rc = add_message(pl, KEEL_LLM_ASSISTANT, keel_strdup(reply));
    if (rc == 0 && keel_buf_finish(&b, &errors) != 0)
        rc = keel_error_set(pl->err, KEEL_ENOMEM, "out of memory");
    else if (rc)
        keel_buf_free(&b);
    if (rc == 0)
        rc = render(pl, PROMPT_REPAIR, errors);
    keel_free(errors);
    return rc;
}

/* Asks, examines, repairs: until a plan passes, the model declines, the
 * repairs or a limit run out, or the model fails. */
static int converse(planner *pl)
{
    int repairs = pl->o->max_repairs < 0 ? 2 : pl->o->max_repairs;
    if (repairs > MAX_REPAIRS)
        repairs = MAX_REPAIRS;
    keel_planner_result *r = pl->r;
    outcome last = REJECTED;
    for (int attempt = 1; attempt <= repairs + 1; attempt++) {
        keel_llm_reply reply = {0}; /* freed even when never filled */
        int rc = ask(pl, &reply, attempt);
        if (rc) {
            keel_llm_reply_free(&reply);
            return rc;
        }
        keel_diags_free(&r->diags);
        keel_diags_init(&r->diags);
        keel_free(r->reply_text);
        r->reply_text = keel_strdup(reply.text ? reply.text : "");
        keel_llm_reply_free(&reply);
        if (!r->reply_text)
            return keel_error_set(pl->err, KEEL_ENOMEM, "out of memory");
        last = examine(pl, r->reply_text, &r->diags);
        if (last == ACCEPTED) {
            emit(pl, KEEL_PLANNER_ACCEPTED, attempt, NULL, NULL);
            return 0;
        }
        if (last == CANNOT && !r->cannot_plan)
            return keel_error_set(pl->err, KEEL_ENOMEM, "out of memory");
        if (last == CANNOT)
            return keel_error_set(pl->err, KEEL_EINVAL, "the model cannot "
                                  "plan this goal: %s", r->cannot_plan);
        emit(pl, KEEL_PLANNER_REJECTED, attempt, NULL, &r->diags);
        if (attempt <= repairs &&
            (rc = add_repair(pl, r->reply_text, &r->diags)) != 0)
            return rc;
    }
    return keel_error_set(pl->err, last == DENIED ? KEEL_EDENIED : KEEL_EINVAL,
                          "no valid plan after %d repl%s (%d repair%s); the "
                          "last reply's problems follow", r->llm_calls,
                          r->llm_calls == 1 ? "y" : "ies", repairs,
                          repairs == 1 ? "" : "s");
}

static void store(planner *pl)
{
    keel_error e = {0};
    if (pl->r->cache_error[0]) /* a directory others can write: not ours */
        return;
    if (planner_cache_put(pl->o->cache_dir, pl->r->cache_key, pl->r->plan,
                          &e) != 0)
        snprintf(pl->r->cache_error, sizeof(pl->r->cache_error),
                 "the plan was not cached: %.200s", e.msg);
}

int keel_planner_plan(keel_planner_result *out, const char *goal,
                      const keel_planner_opts *opts, keel_error *err)
{
    memset(out, 0, sizeof(*out));
    keel_diags_init(&out->diags);
    planner pl = {.o = opts, .r = out, .goal = goal, .err = err};
    int rc = prepare(&pl);
    if (rc == 0 && opts->cache_dir)
        cache_key(&pl);
    if (rc == 0 && !(opts->cache_dir && from_cache(&pl))) {
        if ((rc = render(&pl, PROMPT_SYSTEM, NULL)) == 0 &&
            (rc = render(&pl, PROMPT_PLAN, NULL)) == 0)
            rc = converse(&pl);
        if (rc == 0 && opts->cache_dir)
            store(&pl);
    }
    for (size_t i = 0; i < pl.n_msgs; i++)
        keel_free(pl.owned[i]);
    prompt_set_free(&pl.prompts);
    keel_value_unref(pl.catalog);
    keel_value_unref(pl.schema);
    keel_free(pl.catalog_json);
    keel_free(pl.schema_json);
    keel_free(pl.examples);
    keel_free(pl.principal);
    return rc;
}

void keel_planner_result_free(keel_planner_result *r)
{
    if (!r)
        return;
    keel_plan_free(r->plan);
    keel_free(r->decisions);
    keel_free(r->cannot_plan);
    keel_free(r->reply_text);
    keel_diags_free(&r->diags);
    memset(r, 0, sizeof(*r));
}
