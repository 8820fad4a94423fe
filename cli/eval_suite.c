/*
 * eval_suite.c - reads a `keel eval` suite: checks every member (unknown
 * members are errors, so a typo never turns an expectation off), merges
 * the defaults into each case, and resolves policy paths against the
 * suite's directory. Expectation members are parsed by a table.
 */
#include "eval_suite.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct reader {
    const char *file;
    const keel_kernel *k;
    keel_error *err;
} reader;

static int bad(const reader *rd, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(const reader *rd, const char *where, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return keel_error_set(rd->err, KEEL_EINVAL, "%s: %s%s%s", rd->file, where,
                          *where ? ": " : "", msg);
}

/* Every member of obj is one of keys[]. */
static int check_members(const reader *rd, const keel_value *obj,
                         const char *where, const char *const *keys, size_t n)
{
    if (keel_value_type(obj) != KEEL_TYPE_OBJECT)
        return bad(rd, where, "expected an object");
    for (size_t i = 0; i < keel_value_len(obj); i++) {
        const char *name = keel_value_object_key_at(obj, i);
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(name, keys[j]) == 0;
        if (known)
            continue;
        char list[256] = "";
        for (size_t j = 0; j < n; j++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                     j ? ", " : "", keys[j]);
        return bad(rd, where, "unknown member '%s' (known: %s)", name, list);
    }
    return 0;
}

static const char *text_member(const keel_value *obj, const char *key)
{
    const char *s =
        keel_value_get_string(keel_value_object_get(obj, key), NULL);
    return s && *s ? s : NULL;
}

/* ---- expectations ---- */

/* A name or glob that matches a loaded function (when the kernel is known). */
static bool names_a_function(const reader *rd, const char *pattern)
{
    if (!rd->k)
        return true;
    for (size_t i = 0; i < keel_kernel_function_count(rd->k); i++)
        if (fnmatch(pattern, keel_kernel_function_at(rd->k, i)->qualified_name,
                    0) == 0)
            return true;
    return false;
}

static int check_function(const reader *rd, const char *where, const char *name)
{
    if (!names_a_function(rd, name))
        return bad(rd, where,
                   "no loaded function matches '%s' (see `keel "
                   "plugins catalog`)",
                   name);
    return 0;
}

static int parse_names(const reader *rd, const keel_value **field,
                       const keel_value *v, const char *where)
{
    bool ok = keel_value_type(v) == KEEL_TYPE_LIST;
    for (size_t i = 0; ok && i < keel_value_len(v); i++)
        ok = keel_value_type(keel_value_list_at(v, i)) == KEEL_TYPE_STRING &&
             keel_value_len(keel_value_list_at(v, i)) > 0;
    if (!ok)
        return bad(rd, where, "expected a list of function names");
    for (size_t i = 0; i < keel_value_len(v); i++) {
        char at[160];
        snprintf(at, sizeof(at), "%s[%zu]", where, i);
        int rc = check_function(
            rd, at, keel_value_get_string(keel_value_list_at(v, i), NULL));
        if (rc)
            return rc;
    }
    *field = v;
    return 0;
}

static int parse_calls(const reader *rd, eval_expect *e, const keel_value *v,
                       const char *where)
{
    return parse_names(rd, &e->calls, v, where);
}

static int parse_not_calls(const reader *rd, eval_expect *e,
                           const keel_value *v, const char *where)
{
    return parse_names(rd, &e->not_calls, v, where);
}

/* With an exact function name, every argument named is a parameter of it:
 * an expectation on an argument that cannot exist could never hold. */
static int check_params(const reader *rd, const char *where, const char *call,
                        const keel_value *args)
{
    const keel_fn_info *fn = rd->k ? keel_kernel_lookup(rd->k, call) : NULL;
    for (size_t i = 0; fn && i < keel_value_len(args); i++) {
        const char *name = keel_value_object_key_at(args, i);
        bool found = false;
        for (size_t j = 0; j < fn->n_params && !found; j++)
            found = strcmp(fn->params[j].name, name) == 0;
        if (!found)
            return bad(rd, where, "%s has no parameter '%s'", call, name);
    }
    return 0;
}

/* [{"call": "math.add", "args": {"a": 2}}, ...] */
static int parse_args(const reader *rd, eval_expect *e, const keel_value *v,
                      const char *where)
{
    static const char *const keys[] = {"call", "args"};
    if (keel_value_type(v) != KEEL_TYPE_LIST)
        return bad(rd, where,
                   "expected a list of {\"call\", \"args\"} objects");
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const keel_value *item = keel_value_list_at(v, i);
        char at[160];
        snprintf(at, sizeof(at), "%s[%zu]", where, i);
        int rc = check_members(rd, item, at, keys, 2);
        if (rc)
            return rc;
        const char *call = text_member(item, "call");
        if (!call)
            return bad(rd, at, "\"call\" must name a function");
        if (keel_value_type(keel_value_object_get(item, "args")) !=
            KEEL_TYPE_OBJECT)
            return bad(rd, at, "\"args\" must be an object of argument values");
        if ((rc = check_function(rd, at, call)) != 0 ||
            (rc = check_params(rd, at, call,
                               keel_value_object_get(item, "args"))))
            return rc;
    }
    e->args = v;
    return 0;
}

static int parse_count(const reader *rd, int64_t *field, const keel_value *v,
                       const char *where)
{
    if (keel_value_type(v) != KEEL_TYPE_INT || keel_value_get_int(v) < 0)
        return bad(rd, where, "expected a whole number, 0 or more");
    *field = keel_value_get_int(v);
    return 0;
}

static int parse_min_steps(const reader *rd, eval_expect *e,
                           const keel_value *v, const char *where)
{
    return parse_count(rd, &e->min_steps, v, where);
}

static int parse_max_steps(const reader *rd, eval_expect *e,
                           const keel_value *v, const char *where)
{
    return parse_count(rd, &e->max_steps, v, where);
}

static int parse_max_llm_calls(const reader *rd, eval_expect *e,
                               const keel_value *v, const char *where)
{
    return parse_count(rd, &e->max_llm_calls, v, where);
}

static int parse_outcome(const reader *rd, eval_expect *e, const keel_value *v,
                         const char *where)
{
    if (!eval_outcome_parse(&e->outcome, keel_value_get_string(v, NULL)))
        return bad(rd, where,
                   "expected one of \"plan\", \"cannot_plan\", "
                   "\"denied\", \"no_plan\"");
    return 0;
}

static int parse_verdict(const reader *rd, eval_expect *e, const keel_value *v,
                         const char *where)
{
    const char *s = keel_value_get_string(v, NULL);
    if (s && strcmp(s, "allow") == 0)
        e->verdict = KEEL_VERDICT_ALLOW;
    else if (s && strcmp(s, "approval") == 0)
        e->verdict = KEEL_VERDICT_APPROVAL;
    else
        return bad(rd, where, "expected \"allow\" or \"approval\"");
    return 0;
}

typedef int (*expect_fn)(const reader *rd, eval_expect *e, const keel_value *v,
                         const char *where);

static const struct expect_member {
    const char *key;
    expect_fn parse;
} expect_members[] = {
    {"outcome", parse_outcome},     {"calls", parse_calls},
    {"not_calls", parse_not_calls}, {"args", parse_args},
    {"min_steps", parse_min_steps}, {"max_steps", parse_max_steps},
    {"verdict", parse_verdict},     {"max_llm_calls", parse_max_llm_calls},
};
#define N_EXPECT (sizeof(expect_members) / sizeof(*expect_members))

/* Sets the members v gives; the others keep what e had (the defaults). */
static int parse_expect(const reader *rd, eval_expect *e, const keel_value *v,
                        const char *where)
{
    const char *keys[N_EXPECT];
    for (size_t i = 0; i < N_EXPECT; i++)
        keys[i] = expect_members[i].key;
    int rc = check_members(rd, v, where, keys, N_EXPECT);
    for (size_t i = 0; rc == 0 && i < N_EXPECT; i++) {
        const keel_value *m = keel_value_object_get(v, expect_members[i].key);
        char at[128];
        snprintf(at, sizeof(at), "%s.%s", where, expect_members[i].key);
        if (m)
            rc = expect_members[i].parse(rd, e, m, at);
    }
    return rc;
}

/* ---- cases ---- */

/* "user" and "groups" of a case or of the defaults, over what c had. */
static int parse_principal(const reader *rd, eval_case *c, const keel_value *v,
                           const char *where)
{
    char at[128];
    const keel_value *user = keel_value_object_get(v, "user");
    const keel_value *groups = keel_value_object_get(v, "groups");
    snprintf(at, sizeof(at), "%s.user", where);
    if (user && !(c->user = text_member(v, "user")))
        return bad(rd, at, "expected a user name");
    if (user && !groups) /* another user's groups never carry over */
        c->n_groups = 0;
    if (!groups)
        return 0;
    snprintf(at, sizeof(at), "%s.groups", where);
    if (keel_value_type(groups) != KEEL_TYPE_LIST ||
        keel_value_len(groups) > EVAL_MAX_GROUPS)
        return bad(rd, at, "expected a list of at most %d group DNs",
                   EVAL_MAX_GROUPS);
    c->n_groups = keel_value_len(groups);
    for (size_t i = 0; i < c->n_groups; i++)
        if (!(c->groups[i] =
                  keel_value_get_string(keel_value_list_at(groups, i), NULL)))
            return bad(rd, at, "expected a list of at most %d group DNs",
                       EVAL_MAX_GROUPS);
    return 0;
}

static int parse_defaults(const reader *rd, eval_case *d, const keel_value *v)
{
    static const char *const keys[] = {"user", "groups", "expect"};
    eval_expect_init(&d->expect);
    if (!v)
        return 0;
    int rc = check_members(rd, v, "defaults", keys, 3);
    if (rc == 0)
        rc = parse_principal(rd, d, v, "defaults");
    const keel_value *e = keel_value_object_get(v, "expect");
    if (rc == 0 && e)
        rc = parse_expect(rd, &d->expect, e, "defaults.expect");
    return rc;
}

static int parse_case(const reader *rd, eval_case *c, const eval_case *defaults,
                      const keel_value *v, size_t i)
{
    static const char *const keys[] = {"name",   "goal",   "user",
                                       "groups", "expect", "description"};
    char where[64], at[96];
    snprintf(where, sizeof(where), "cases[%zu]", i);
    int rc = check_members(rd, v, where, keys, 6);
    if (rc)
        return rc;
    *c = *defaults;
    c->name = text_member(v, "name");
    c->goal = text_member(v, "goal");
    snprintf(at, sizeof(at), "%s.%s", where, c->name ? "goal" : "name");
    if (!c->name || !c->goal)
        return bad(rd, at, "expected a non-empty string");
    if ((rc = parse_principal(rd, c, v, where)) != 0)
        return rc;
    const keel_value *e = keel_value_object_get(v, "expect");
    snprintf(at, sizeof(at), "%s.expect", where);
    return e ? parse_expect(rd, &c->expect, e, at) : 0;
}

static int parse_cases(const reader *rd, eval_suite *s, const eval_case *d)
{
    const keel_value *cases = keel_value_object_get(s->root, "cases");
    if (keel_value_type(cases) != KEEL_TYPE_LIST || keel_value_len(cases) == 0)
        return bad(rd, "cases", "expected a non-empty list of cases");
    s->cases = keel_calloc(keel_value_len(cases), sizeof(*s->cases));
    if (!s->cases)
        return keel_error_set(rd->err, KEEL_ENOMEM, "out of memory");
    for (size_t i = 0; i < keel_value_len(cases); i++, s->n_cases++) {
        int rc =
            parse_case(rd, &s->cases[i], d, keel_value_list_at(cases, i), i);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(s->cases[j].name, s->cases[i].name) == 0) {
                char at[64];
                snprintf(at, sizeof(at), "cases[%zu].name", i);
                rc = bad(rd, at, "'%s' is also the name of cases[%zu]",
                         s->cases[i].name, j);
            }
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- policy files and the whole suite ---- */

static int parse_policy(const reader *rd, eval_suite *s, const char *path)
{
    const keel_value *files = keel_value_object_get(s->root, "policy");
    if (!files)
        return 0;
    bool ok = keel_value_type(files) == KEEL_TYPE_LIST &&
              keel_value_len(files) <= EVAL_MAX_POLICY;
    for (size_t i = 0; ok && i < keel_value_len(files); i++)
        ok = keel_value_len(keel_value_list_at(files, i)) > 0 &&
             keel_value_get_string(keel_value_list_at(files, i), NULL);
    if (!ok)
        return bad(rd, "policy",
                   "expected a list of at most %d policy files "
                   "(paths relative to the suite)",
                   EVAL_MAX_POLICY);
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    const char *base = dirname(dir);
    for (size_t i = 0; i < keel_value_len(files); i++, s->n_policy++) {
        const char *f =
            keel_value_get_string(keel_value_list_at(files, i), NULL);
        size_t cap = strlen(base) + strlen(f) + 2;
        if (!(s->policy[i] = keel_malloc(cap)))
            return keel_error_set(rd->err, KEEL_ENOMEM, "out of memory");
        snprintf(s->policy[i], cap, "%s%s%s", f[0] == '/' ? "" : base,
                 f[0] == '/' ? "" : "/", f);
    }
    return 0;
}

int eval_suite_parse(eval_suite *out, const char *text, size_t len,
                     const char *path, const keel_kernel *k, keel_error *err)
{
    static const char *const keys[] = {"description", "policy", "defaults",
                                       "cases"};
    memset(out, 0, sizeof(*out));
    reader rd = {path, k, err};
    int rc = keel_value_from_json(&out->root, text, len, err);
    if (rc)
        return keel_error_prefix(err, "%s", path);
    eval_case defaults;
    memset(&defaults, 0, sizeof(defaults));
    rc = check_members(&rd, out->root, "", keys, 4);
    if (rc == 0)
        rc = parse_policy(&rd, out, path);
    if (rc == 0)
        rc = parse_defaults(&rd, &defaults,
                            keel_value_object_get(out->root, "defaults"));
    return rc ? rc : parse_cases(&rd, out, &defaults);
}

int eval_suite_load(eval_suite *out, const char *path, const keel_kernel *k,
                    keel_error *err)
{
    memset(out, 0, sizeof(*out));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return keel_error_set(
            err, errno == ENOENT ? KEEL_ENOTFOUND : KEEL_EINVAL,
            "%s: cannot open the suite: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0;
    int e = keel_file_read_fd(&text, &len, fd, EVAL_MAX_SUITE_BYTES);
    close(fd);
    int rc = e == ENOMEM ? keel_error_set(err, KEEL_ENOMEM, "out of memory")
             : e         ? keel_error_set(err, KEEL_EINVAL,
                                          "%s: cannot read "
                                                  "the suite",
                                          path)
             : len > EVAL_MAX_SUITE_BYTES
                 ? keel_error_set(err, KEEL_EINVAL,
                                  "%s: the suite is larger "
                                  "than %u bytes",
                                  path, EVAL_MAX_SUITE_BYTES)
                 : eval_suite_parse(out, text, len, path, k, err);
    keel_free(text);
    return rc;
}

void eval_suite_free(eval_suite *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_policy; i++)
        keel_free(s->policy[i]);
    keel_free(s->cases);
    keel_value_unref(s->root);
    memset(s, 0, sizeof(*s));
}
