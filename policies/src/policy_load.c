/*
 * policy_load.c - load policy files all or nothing: read and validate each,
 * compile the rules, lint them against the loaded functions, index them by
 * function, and hash the result.
 */
#include "policy_build.h"
#include "policy_xml.h"

#include "alloc.h"
#include "buf.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINT(d, r, ...)                                                      \
    keel_diags_add((d), "", 0, KEEL_EINVAL, __VA_ARGS__)

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        keel_free(s[i]);
    keel_free(s);
}

static void free_rule(pol_rule *r)
{
    keel_free(r->id);
    keel_free(r->file);
    keel_free(r->reason);
    keel_free(r->approver_role);
    for (size_t i = 0; i < r->n_principals; i++)
        keel_free(r->principals[i].value);
    keel_free(r->principals);
    for (size_t i = 0; i < r->n_actions; i++)
        keel_free(r->actions[i].call);
    keel_free(r->actions);
    for (size_t i = 0; i < r->n_conds; i++) {
        keel_free(r->conds[i].arg);
        free_strings(r->conds[i].values, r->conds[i].n_values);
    }
    keel_free(r->conds);
    for (size_t i = 0; i < r->n_sources; i++)
        keel_free(r->sources[i].call), keel_free(r->sources[i].sink_class);
    for (size_t i = 0; i < r->n_sinks; i++)
        keel_free(r->sinks[i].call), keel_free(r->sinks[i].sink_class);
    keel_free(r->sources);
    keel_free(r->sinks);
}

void keel_policy_free(keel_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_rules; i++)
        free_rule(&p->rules[i]);
    keel_free(p->rules);
    for (size_t i = 0; i < p->n_roles; i++) {
        keel_free(p->roles[i].name);
        keel_free(p->roles[i].file);
        free_strings(p->roles[i].groups, p->roles[i].n_groups);
        free_strings(p->roles[i].users, p->roles[i].n_users);
    }
    keel_free(p->roles);
    for (size_t i = 0; i < p->n_index; i++)
        keel_free(p->index[i].rules);
    keel_free(p->index);
    keel_free(p);
}

void keel_policy_get_limits(keel_policy_limits *out, const keel_policy *p)
{
    if (!p) { /* no policy: no limits */
        *out = (keel_policy_limits){-1, -1, -1, -1.0};
        return;
    }
    out->max_steps = p->max_steps;
    out->max_llm_calls = p->max_llm_calls;
    out->max_tokens = p->max_tokens;
    out->max_cost = p->max_cost;
}

const char *keel_policy_hash(const keel_policy *p)
{
    return p->hash;
}

size_t keel_policy_rule_count(const keel_policy *p)
{
    return p->n_rules;
}

/* ---- lint ---- */

/* Replaces the DN in *s by its normal form; a malformed DN is an error. */
static void normalise_dn(char **s, const char *what, const char *owner,
                         keel_diags *d)
{
    if (!*s)
        return;
    char *norm = pol_normalise_dn(*s);
    if (!norm) {
        LINT(d, NULL, "%s: %s '%s' is not a valid DN (RFC 4514)", owner,
             what, *s);
        return;
    }
    keel_free(*s);
    *s = norm;
}

/* Group DNs of roles, and user principals written as DNs, are compared
 * in normal form: computed once here. */
static void normalise_dns(keel_policy *p, keel_diags *d)
{
    char owner[300];
    for (size_t i = 0; i < p->n_roles; i++) {
        snprintf(owner, sizeof(owner), "%s: line %d: role '%s'",
                 p->roles[i].file ? p->roles[i].file : "", p->roles[i].line,
                 p->roles[i].name ? p->roles[i].name : "");
        for (size_t g = 0; g < p->roles[i].n_groups; g++)
            normalise_dn(&p->roles[i].groups[g], "group", owner, d);
    }
    for (size_t i = 0; i < p->n_rules; i++) {
        pol_rule *r = &p->rules[i];
        snprintf(owner, sizeof(owner), "%s: line %d: rule '%s'",
                 r->file ? r->file : "", r->line, r->id ? r->id : "");
        for (size_t j = 0; j < r->n_principals; j++)
            if (r->principals[j].kind == PRIN_USER && r->principals[j].value &&
                strchr(r->principals[j].value, '='))
                normalise_dn(&r->principals[j].value, "user", owner, d);
    }
}

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?") != NULL;
}

static size_t count_matches(const keel_kernel *k, const char *glob)
{
    size_t n = 0;
    for (size_t i = 0; i < keel_kernel_function_count(k); i++)
        n += pol_glob(glob, keel_kernel_function_at(k, i)->qualified_name);
    return n;
}

static void lint_call(const keel_kernel *k, const pol_rule *r, const char *call,
                      const char *what, keel_diags *d)
{
    if (!has_glob(call) && !keel_kernel_lookup(k, call))
        LINT(d, r, "%s: line %d: rule '%s': %s names '%s', which is not a "
             "loaded function", r->file, r->line, r->id, what, call);
    else if (has_glob(call) && count_matches(k, call) == 0)
        LINT(d, r, "%s: line %d: rule '%s': %s pattern '%s' matches no loaded "
             "function", r->file, r->line, r->id, what, call);
}

static const pol_role *find_role(const keel_policy *p, const char *name)
{
    for (size_t i = 0; i < p->n_roles; i++)
        if (p->roles[i].name && strcmp(p->roles[i].name, name) == 0)
            return &p->roles[i];
    return NULL;
}

static bool fn_has_param(const keel_fn_info *f, const char *name)
{
    for (size_t i = 0; i < f->n_params; i++)
        if (strcmp(f->params[i].name, name) == 0)
            return true;
    return false;
}

static bool numeric_op(cond_op op)
{
    return op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
}

static void lint_cond(const keel_policy *p, const keel_kernel *k,
                      const pol_rule *r, const pol_cond *c, keel_diags *d)
{
    (void)p;
    if (c->n_values) { /* parsed once here, not at every decision */
        char *end;
        errno = 0;
        double v = strtod(c->values[0], &end);
        ((pol_cond *)c)->has_number = !errno && !*end && end != c->values[0];
        ((pol_cond *)c)->number = v;
    }
    if (numeric_op(c->op)) {
        if (!c->has_number)
            LINT(d, r, "%s: line %d: rule '%s': '%s' is not a number",
                 r->file, c->line, r->id, c->values[0]);
    }
    if (c->min < -1 || c->max < -1)
        LINT(d, r, "%s: line %d: rule '%s': a length bound is out of range",
             r->file, c->line, r->id);
    else if (c->op == OP_LENGTH && c->min < 0 && c->max < 0)
        LINT(d, r, "%s: line %d: rule '%s': <length> needs min or max",
             r->file, c->line, r->id);
    /* the argument must exist on every function the rule names by call */
    for (size_t i = 0; i < keel_kernel_function_count(k); i++) {
        const keel_fn_info *f = keel_kernel_function_at(k, i);
        for (size_t a = 0; a < r->n_actions; a++)
            if (r->actions[a].call && pol_glob(r->actions[a].call,
                                               f->qualified_name) &&
                !fn_has_param(f, c->arg)) {
                LINT(d, r, "%s: line %d: rule '%s': %s has no argument '%s'",
                     r->file, c->line, r->id, f->qualified_name, c->arg);
                return;
            }
    }
}

static void lint_flow(const keel_kernel *k, const pol_rule *r, keel_diags *d)
{
    for (size_t i = 0; i < r->n_sources; i++)
        lint_call(k, r, r->sources[i].call, "source", d);
    for (size_t i = 0; i < r->n_sinks; i++) {
        const pol_endpoint *e = &r->sinks[i];
        lint_call(k, r, e->call, "sink", d);
        if (!e->sink_class)
            continue;
        bool found = false;
        for (size_t f = 0; !found && f < keel_kernel_function_count(k); f++) {
            const keel_fn_info *fn = keel_kernel_function_at(k, f);
            if (!pol_glob(e->call, fn->qualified_name))
                continue;
            for (size_t j = 0; j < fn->n_params; j++)
                found |= fn->params[j].sink &&
                         strcmp(fn->params[j].sink, e->sink_class) == 0;
        }
        if (!found)
            LINT(d, r, "%s: line %d: rule '%s': no parameter of '%s' has sink "
                 "class '%s'", r->file, r->line, r->id, e->call, e->sink_class);
    }
}

static void lint_rule(const keel_policy *p, const keel_kernel *k,
                      const pol_rule *r, keel_diags *d)
{
    for (const pol_rule *o = p->rules; o < r; o++)
        if (strcmp(o->id, r->id) == 0)
            LINT(d, r, "%s: line %d: rule id '%s' is already used (%s, line "
                 "%d)", r->file, r->line, r->id, o->file, o->line);
    if (r->kind == RULE_FLOW) {
        lint_flow(k, r, d);
        return;
    }
    if (r->kind == RULE_DECLASSIFY) {
        for (size_t i = 0; i < r->n_sources; i++)
            if (strcmp(r->sources[i].call, KEEL_LABEL_USER) != 0)
                lint_call(k, r, r->sources[i].call, "label", d);
        for (size_t i = 0; i < r->n_sinks; i++)
            lint_call(k, r, r->sinks[i].call, "through", d);
        return;
    }
    for (size_t i = 0; i < r->n_principals; i++) {
        const pol_principal *pr = &r->principals[i];
        if (pr->conflicting)
            LINT(d, r, "%s: line %d: rule '%s': a principal takes exactly one "
                 "of any=\"true\", user or role", r->file, r->line, r->id);
        else if (pr->kind == PRIN_ROLE && !pr->value)
            LINT(d, r, "%s: line %d: rule '%s': a principal needs "
                 "any=\"true\", user or role", r->file, r->line, r->id);
        else if (pr->kind == PRIN_ROLE && !find_role(p, pr->value))
            LINT(d, r, "%s: line %d: rule '%s': unknown role '%s' (define it "
                 "with <role name=\"%s\">)", r->file, r->line, r->id,
                 pr->value, pr->value);
        else if (pr->kind == PRIN_ROLE) /* decisions test roles by index */
            ((pol_principal *)pr)->role_index = find_role(p, pr->value) - p->roles;
    }
    if (r->approver_role && !find_role(p, r->approver_role))
        LINT(d, r, "%s: line %d: rule '%s': unknown approver role '%s' "
             "(define it with <role name=\"%s\">)", r->file, r->line, r->id,
             r->approver_role, r->approver_role);
    for (size_t i = 0; i < r->n_actions; i++) {
        if (r->actions[i].conflicting)
            LINT(d, r, "%s: line %d: rule '%s': an action takes exactly one of "
                 "call or effect", r->file, r->line, r->id);
        else if (r->actions[i].call)
            lint_call(k, r, r->actions[i].call, "action", d);
        else if (!r->actions[i].effect)
            LINT(d, r, "%s: line %d: rule '%s': an action needs call or effect",
                 r->file, r->line, r->id);
    }
    for (size_t i = 0; i < r->n_conds; i++)
        lint_cond(p, k, r, &r->conds[i], d);
}

/* ---- index ---- */

static int build_index(keel_policy *p, const keel_kernel *k)
{
    size_t n = keel_kernel_function_count(k);
    p->index = keel_calloc(n ? n : 1, sizeof(pol_index));
    if (!p->index)
        return KEEL_ENOMEM;
    for (size_t i = 0; i < n; i++) { /* the registry lists names sorted */
        const keel_fn_info *f = keel_kernel_function_at(k, i);
        pol_index *e = &p->index[p->n_index++];
        e->qname = f->qualified_name;
        for (size_t r = 0; r < p->n_rules; r++) {
            if (!pol_rule_matches_fn(&p->rules[r], f))
                continue;
            size_t *grown = keel_realloc(e->rules, (e->n + 1) * sizeof(size_t));
            if (!grown)
                return KEEL_ENOMEM;
            e->rules = grown;
            e->rules[e->n++] = r;
        }
    }
    return 0;
}

/* ---- hash ---- */

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends a field as "<length>:<text>", so no two different field lists
 * serialise alike whatever characters the fields hold. */
static void field(keel_buf *b, const char *s)
{
    s = s ? s : "";
    keel_buf_printf(b, "%zu:%s", strlen(s), s);
}

typedef struct parts {
    char **v;
    size_t n, cap;
    bool oom;
} parts;

/* Takes a finished buffer's text as one more part. */
static void part_add(parts *ps, keel_buf *b)
{
    char *text = NULL;
    if (keel_buf_finish(b, &text) != 0 ||
        (ps->n == ps->cap &&
         !(ps->v = keel_realloc(ps->v, (ps->cap = ps->cap ? ps->cap * 2 : 16) *
                                           sizeof(char *))))) {
        keel_free(text);
        ps->oom = true;
        return;
    }
    ps->v[ps->n++] = text;
}

/* A rule's members, each serialised, sorted, then joined: the hash does not
 * depend on the order of rules, files, or a rule's members. */
static char *rule_line(const pol_rule *r)
{
    parts ps = {0};
    keel_buf b;
    for (size_t i = 0; i < r->n_principals; i++) {
        keel_buf_init(&b);
        keel_buf_printf(&b, "p%d", (int)r->principals[i].kind);
        field(&b, r->principals[i].value);
        part_add(&ps, &b);
    }
    for (size_t i = 0; i < r->n_actions; i++) {
        keel_buf_init(&b);
        keel_buf_printf(&b, "a%u", r->actions[i].effect);
        field(&b, r->actions[i].call);
        part_add(&ps, &b);
    }
    for (size_t i = 0; i < r->n_conds; i++) {
        const pol_cond *c = &r->conds[i];
        keel_buf_init(&b);
        keel_buf_printf(&b, "c%d|%d|%ld|%ld|", (int)c->op, (int)c->absent_allow,
                        c->min, c->max);
        field(&b, c->arg);
        for (size_t v = 0; v < c->n_values; v++)
            field(&b, c->values[v]);
        part_add(&ps, &b);
    }
    for (size_t i = 0; i < r->n_sources + r->n_sinks; i++) {
        const pol_endpoint *e = i < r->n_sources ? &r->sources[i]
                                                 : &r->sinks[i - r->n_sources];
        keel_buf_init(&b);
        keel_buf_puts(&b, i < r->n_sources ? "src" : "snk");
        field(&b, e->call);
        field(&b, e->sink_class);
        part_add(&ps, &b);
    }
    if (ps.n > 1)
        qsort(ps.v, ps.n, sizeof(char *), by_str);
    keel_buf_init(&b);
    keel_buf_printf(&b, "rule|%d|%d|%d|", (int)r->kind, (int)r->approval,
                    (int)r->not_requester);
    field(&b, r->approver_role);
    field(&b, r->id);
    field(&b, r->reason);
    for (size_t i = 0; i < ps.n; i++) {
        field(&b, ps.v[i]);
        keel_free(ps.v[i]);
    }
    keel_free(ps.v);
    char *out = NULL;
    if (keel_buf_finish(&b, &out) != 0 || ps.oom) {
        keel_free(out);
        return NULL;
    }
    return out;
}

static int compute_hash(keel_policy *p)
{
    size_t n = p->n_rules + p->n_roles + 1;
    char **lines = keel_calloc(n, sizeof(char *));
    if (!lines)
        return KEEL_ENOMEM;
    for (size_t i = 0; i < p->n_rules; i++)
        lines[i] = rule_line(&p->rules[i]);
    for (size_t i = 0; i < p->n_roles; i++) {
        const pol_role *r = &p->roles[i];
        char **sorted = keel_calloc(r->n_groups + r->n_users + 1, sizeof(char *));
        keel_buf b;
        keel_buf_init(&b);
        keel_buf_puts(&b, "role|");
        field(&b, r->name);
        size_t m = 0;
        for (size_t g = 0; sorted && g < r->n_groups; g++)
            sorted[m++] = r->groups[g];
        for (size_t u = 0; sorted && u < r->n_users; u++)
            sorted[m++] = r->users[u];
        if (m > 1)
            qsort(sorted, m, sizeof(char *), by_str);
        for (size_t j = 0; j < m; j++)
            field(&b, sorted[j]);
        keel_free(sorted);
        keel_buf_finish(&b, &lines[p->n_rules + i]);
    }
    char lim[64];
    snprintf(lim, sizeof(lim), "limits|%ld|%ld|%ld|%.17g", p->max_steps,
             p->max_llm_calls, p->max_tokens, p->max_cost);
    lines[n - 1] = keel_strdup(lim);
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (!lines[i])
            rc = KEEL_ENOMEM;
    keel_sha256_ctx h;
    keel_sha256_init(&h);
    if (rc == 0) {
        qsort(lines, n, sizeof(char *), by_str);
        for (size_t i = 0; i < n; i++)
            keel_sha256_update(&h, lines[i], strlen(lines[i]) + 1);
        keel_sha256_final_hex(&h, p->hash);
    }
    for (size_t i = 0; i < n; i++)
        keel_free(lines[i]);
    keel_free(lines);
    return rc;
}

/* ---- loading ---- */

int keel_policy_load_texts(keel_policy **out, const char *const *names,
                           const char *const *texts, const size_t *lens,
                           size_t n, const keel_kernel *k, keel_diags *d)
{
    *out = NULL;
    size_t before = d->n;
    keel_policy *p = keel_calloc(1, sizeof(*p));
    if (!p)
        return KEEL_ENOMEM;
    p->max_steps = p->max_llm_calls = p->max_tokens = -1;
    p->max_cost = -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc != KEEL_ENOMEM; i++) {
        xmlDocPtr doc = NULL;
        if (pol_xml_read(&doc, names[i], texts[i], lens[i], d) == 0) {
            rc = pol_build(p, doc, names[i]);
            xmlFreeDoc(doc);
        }
    }
    if (rc == 0)
        normalise_dns(p, d);
    for (size_t i = 0; rc == 0 && i < p->n_rules; i++)
        lint_rule(p, k, &p->rules[i], d);
    if (rc == 0 && d->n == before)
        rc = build_index(p, k);
    if (rc == 0 && d->n == before)
        rc = compute_hash(p);
    if (rc || d->n > before || d->oom) {
        keel_policy_free(p); /* all or nothing */
        return rc ? rc : KEEL_EINVAL;
    }
    *out = p;
    return 0;
}

/* A file over the limit is read one byte past it, for pol_xml_read to
 * refuse with its diagnostic. A read error (a directory) is said as such. */
static int read_policy(char **text, size_t *len, const char *file,
                       keel_diags *d)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        keel_diags_add(d, "", 0, KEEL_EIO, "%s: cannot open: %s", file,
                       strerror(errno));
        return KEEL_EIO;
    }
    int e = keel_file_read_fd(text, len, fd, POL_MAX_BYTES);
    close(fd);
    if (e == ENOMEM)
        return KEEL_ENOMEM;
    if (e) {
        keel_diags_add(d, "", 0, KEEL_EIO, "%s: cannot read: %s", file,
                       strerror(e));
        return KEEL_EIO;
    }
    return 0;
}

int keel_policy_load(keel_policy **out, const char *const *files, size_t n,
                     const keel_kernel *k, keel_diags *d)
{
    *out = NULL;
    char **texts = keel_calloc(n ? n : 1, sizeof(char *));
    size_t *lens = keel_calloc(n ? n : 1, sizeof(size_t));
    int rc = texts && lens ? 0 : KEEL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = read_policy(&texts[i], &lens[i], files[i], d);
    if (rc == 0)
        rc = keel_policy_load_texts(out, files, (const char *const *)texts,
                                    lens, n, k, d);
    for (size_t i = 0; texts && i < n; i++)
        keel_free(texts[i]);
    keel_free(texts);
    keel_free(lens);
    return rc;
}
