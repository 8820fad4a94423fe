/*
 * plan_json.c - plans in JSON: read (collecting every structural problem
 * with its JSON Pointer), write, canonical form and plan hash, and picking
 * the reader for a file.
 */
#include "plan_internal.h"

#include "alloc.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const plan_keys[] = {"version", "goal", "steps", "output"};
static const char *const step_keys[] = {"id",       "call", "args", "after",
                                        "for_each", "why"};

static bool known(const char *k, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], k) == 0)
            return true;
    return false;
}

static void unknown_keys(const keel_value *obj, const char *base,
                         const char *const *keys, size_t n, keel_diags *d)
{
    for (size_t i = 0; i < keel_value_len(obj); i++) {
        const char *k = keel_value_object_key_at(obj, i);
        if (known(k, keys, n))
            continue;
        char ptr[256];
        plan_pointer_join(ptr, sizeof(ptr), base, k);
        char list[128] = "";
        for (size_t j = 0; j < n; j++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                     j ? ", " : "", keys[j]);
        keel_diags_add(d, ptr, 0, KEEL_EINVAL,
                       "unknown member '%s' (a %s has: %s)", k,
                       keys == plan_keys ? "plan" : "step", list);
    }
}

/* A copy of an optional string member; diagnoses a wrong type. */
static char *opt_string(const keel_value *obj, const char *key,
                        const char *base, keel_diags *d)
{
    const keel_value *v = keel_value_object_get(obj, key);
    if (!v)
        return NULL;
    const char *s = keel_value_get_string(v, NULL);
    if (!s) {
        char ptr[256];
        plan_pointer_join(ptr, sizeof(ptr), base, key);
        keel_diags_add(d, ptr, 0, KEEL_ETYPE, "'%s' must be a string, not %s",
                       key, keel_type_name(keel_value_type(v)));
        return NULL;
    }
    char *c = keel_strdup(s);
    if (!c)
        d->oom = true;
    return c;
}

static bool id_valid(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static void read_after(keel_plan_step *s, const keel_value *v,
                       const char *base, keel_diags *d)
{
    char ptr[256];
    plan_pointer_join(ptr, sizeof(ptr), base, "after");
    if (keel_value_type(v) != KEEL_TYPE_LIST) {
        keel_diags_add(d, ptr, 0, KEEL_ETYPE,
                       "'after' must be a list of step ids");
        return;
    }
    s->after = keel_calloc(keel_value_len(v), sizeof(char *));
    if (!s->after) {
        d->oom = true;
        return;
    }
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const char *id = keel_value_get_string(keel_value_list_at(v, i), NULL);
        if (!id) {
            keel_diags_add(d, ptr, 0, KEEL_ETYPE,
                           "'after' item %zu must be a step id (a string)", i);
            continue;
        }
        if (!(s->after[s->n_after] = keel_strdup(id)))
            d->oom = true;
        else
            s->n_after++;
    }
}

static void read_step(keel_plan_step *s, const keel_value *v, size_t i,
                      keel_diags *d)
{
    char base[64], ptr[256];
    snprintf(base, sizeof(base), "/steps/%zu", i);
    if (keel_value_type(v) != KEEL_TYPE_OBJECT) {
        keel_diags_add(d, base, 0, KEEL_ETYPE,
                       "a step must be an object with id, call and args");
        return;
    }
    unknown_keys(v, base, step_keys, KEEL_COUNTOF(step_keys), d);
    s->id = opt_string(v, "id", base, d);
    s->call = opt_string(v, "call", base, d);
    s->for_each = opt_string(v, "for_each", base, d);
    s->why = opt_string(v, "why", base, d);
    if (!keel_value_object_get(v, "id"))
        keel_diags_add(d, base, 0, KEEL_EINVAL, "missing 'id'");
    else if (s->id && !id_valid(s->id)) {
        plan_pointer_join(ptr, sizeof(ptr), base, "id");
        keel_diags_add(d, ptr, 0, KEEL_EINVAL,
                       "step id '%s' must match [A-Za-z_][A-Za-z0-9_]*", s->id);
    }
    if (!keel_value_object_get(v, "call"))
        keel_diags_add(d, base, 0, KEEL_EINVAL,
                       "missing 'call' (the function, as plugin.function)");
    const keel_value *args = keel_value_object_get(v, "args");
    if (args && keel_value_type(args) != KEEL_TYPE_OBJECT) {
        plan_pointer_join(ptr, sizeof(ptr), base, "args");
        keel_diags_add(d, ptr, 0, KEEL_ETYPE,
                       "'args' must be an object of argument names to values");
    } else
        s->args = args ? keel_value_ref(args) : keel_value_object();
    if (!s->args && !args)
        d->oom = true;
    const keel_value *after = keel_value_object_get(v, "after");
    if (after)
        read_after(s, after, base, d);
}

static void read_steps(keel_plan *p, const keel_value *steps, keel_diags *d)
{
    if (!steps) {
        keel_diags_add(d, "", 0, KEEL_EINVAL, "missing 'steps'");
        return;
    }
    if (keel_value_type(steps) != KEEL_TYPE_LIST || keel_value_len(steps) == 0) {
        keel_diags_add(d, "/steps", 0, KEEL_EINVAL,
                       "'steps' must be a non-empty list of steps");
        return;
    }
    size_t n = keel_value_len(steps);
    p->steps = keel_calloc(n, sizeof(keel_plan_step));
    if (!p->steps) {
        d->oom = true;
        return;
    }
    p->n_steps = n;
    for (size_t i = 0; i < n; i++)
        read_step(&p->steps[i], keel_value_list_at(steps, i), i, d);
}

static void read_plan(keel_plan *p, const keel_value *v, keel_diags *d)
{
    if (keel_value_type(v) != KEEL_TYPE_OBJECT) {
        keel_diags_add(d, "", 0, KEEL_EINVAL,
                       "a plan must be a JSON object with version, steps and "
                       "output");
        return;
    }
    unknown_keys(v, "", plan_keys, KEEL_COUNTOF(plan_keys), d);
    const keel_value *ver = keel_value_object_get(v, "version");
    if (!ver)
        keel_diags_add(d, "", 0, KEEL_EINVAL, "missing 'version' (use 1)");
    else if (keel_value_type(ver) != KEEL_TYPE_INT || keel_value_get_int(ver) != 1)
        keel_diags_add(d, "/version", 0, KEEL_EINVAL,
                       "unsupported version; this keel reads version 1");
    p->version = 1;
    p->goal = opt_string(v, "goal", "", d);
    read_steps(p, keel_value_object_get(v, "steps"), d);
    p->output = keel_value_ref(keel_value_object_get(v, "output"));
}

int keel_plan_from_json(keel_plan **out, const char *text, size_t len,
                        keel_diags *d)
{
    *out = NULL;
    size_t before = d->n;
    if (!plan_size_ok(len, d))
        return KEEL_EINVAL;
    keel_value *v = NULL;
    keel_error err;
    if (keel_value_from_json(&v, text, len, &err) != 0) {
        keel_diags_add(d, "", 0, err.code, "%s", err.msg);
        return KEEL_EINVAL;
    }
    keel_plan *p = keel_calloc(1, sizeof(*p));
    if (!p) {
        keel_value_unref(v);
        d->oom = true;
        return KEEL_ENOMEM;
    }
    p->format = KEEL_PLAN_JSON;
    read_plan(p, v, d);
    keel_value_unref(v);
    if (d->n > before || d->oom) {
        keel_plan_free(p);
        return d->oom && d->n == before ? KEEL_ENOMEM : KEEL_EINVAL;
    }
    *out = p;
    return 0;
}

/* ---- writing ---- */

static int set_str(keel_value *o, const char *k, const char *s)
{
    return s ? keel_value_object_set_take(o, k, keel_value_cstring(s)) : 0;
}

static keel_value *step_value(const keel_plan_step *s)
{
    keel_value *o = keel_value_object();
    if (!o)
        return NULL;
    int rc = set_str(o, "id", s->id) | set_str(o, "call", s->call);
    rc |= keel_value_object_set(o, "args", s->args);
    if (s->n_after) {
        keel_value *a = keel_value_list();
        for (size_t i = 0; a && i < s->n_after; i++)
            rc |= keel_value_list_append_take(a, keel_value_cstring(s->after[i]));
        rc |= keel_value_object_set_take(o, "after", a);
    }
    rc |= set_str(o, "for_each", s->for_each) | set_str(o, "why", s->why);
    if (rc) {
        keel_value_unref(o);
        return NULL;
    }
    return o;
}

int keel_plan_to_value(keel_value **out, const keel_plan *p)
{
    keel_value *o = keel_value_object(), *steps = keel_value_list();
    int rc = (!o || !steps) ? KEEL_ENOMEM : 0;
    if (rc == 0)
        rc = keel_value_object_set_take(o, "version", keel_value_int(p->version));
    if (rc == 0)
        rc = set_str(o, "goal", p->goal);
    for (size_t i = 0; rc == 0 && i < p->n_steps; i++)
        rc = keel_value_list_append_take(steps, step_value(&p->steps[i]));
    if (rc == 0)
        rc = keel_value_object_set(o, "steps", steps);
    if (rc == 0 && p->output)
        rc = keel_value_object_set(o, "output", p->output);
    keel_value_unref(steps);
    if (rc) {
        keel_value_unref(o);
        return KEEL_ENOMEM;
    }
    *out = o;
    return 0;
}

int keel_plan_to_json(char **out, const keel_plan *p)
{
    keel_value *v;
    int rc = keel_plan_to_value(&v, p);
    if (rc)
        return rc;
    rc = keel_value_to_json(out, v, true);
    keel_value_unref(v);
    return rc;
}

int keel_plan_canonical(char **out, const keel_plan *p)
{
    keel_value *v;
    int rc = keel_plan_to_value(&v, p);
    if (rc)
        return rc;
    rc = keel_value_to_canonical_json(out, v);
    keel_value_unref(v);
    return rc;
}

int keel_plan_hash(char out[65], const keel_plan *p)
{
    char *canon;
    int rc = keel_plan_canonical(&canon, p);
    if (rc)
        return rc;
    keel_sha256_hex(out, canon, strlen(canon));
    keel_free(canon);
    return 0;
}

/* ---- choosing the reader ---- */

int keel_plan_parse(keel_plan **out, const char *text, size_t len,
                    keel_diags *d)
{
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", text[i]) && text[i])
        i++;
    if (i < len && text[i] == '<')
        return keel_plan_from_xml(out, text, len, d);
    return keel_plan_from_json(out, text, len, d);
}

/* A text over the limit is read one byte past it, for the parser to
 * refuse with the plan's own diagnostic. */
int keel_plan_load(keel_plan **out, const char *path, keel_diags *d)
{
    *out = NULL;
    bool in = strcmp(path, "-") == 0;
    int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        keel_diags_add(d, "", 0, KEEL_EIO, "cannot open: %s", strerror(errno));
        return KEEL_EIO;
    }
    char *buf;
    size_t n;
    int e = keel_file_read_fd(&buf, &n, fd, KEEL_PLAN_MAX_BYTES);
    if (!in)
        close(fd);
    int rc;
    if (e == ENOMEM)
        rc = KEEL_ENOMEM;
    else if (e) {
        keel_diags_add(d, "", 0, KEEL_EIO, "read error");
        rc = KEEL_EIO;
    } else
        rc = keel_plan_parse(out, buf, n, d);
    keel_free(buf);
    return rc;
}
