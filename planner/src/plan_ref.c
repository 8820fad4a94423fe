/*
 * plan_ref.c - references inside plan strings: "${step.a.0}", "${item}",
 * "$$". Parsing (for the checker) and resolution against real outputs (for
 * the executor), with provenance labels carried through interpolation.
 */
#include "plan_internal.h"

#include "alloc.h"
#include "buf.h"

#include <stdio.h>
#include <string.h>

static bool seg_char(char c)
{
    return c != '.' && c != '}' && c != '$' && c != '{' && (unsigned char)c >= 0x20;
}

static int add_part(tmpl *t, size_t *cap, tmpl_part p)
{
    if (t->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        tmpl_part *n = keel_realloc(t->parts, ncap * sizeof(*n));
        if (!n)
            return KEEL_ENOMEM;
        t->parts = n;
        *cap = ncap;
    }
    t->parts[t->n++] = p;
    return 0;
}

/* Parses the inside of "${...}" at s (after "${"), up to the closing brace;
 * *used is what it consumed, brace included. */
static int parse_ref(plan_ref *r, const char *s, size_t len, size_t *used,
                     char *why, size_t cap)
{
    memset(r, 0, sizeof(*r));
    size_t i = 0;
    ref_seg *seg = &r->root;
    for (;;) {
        size_t start = i;
        while (i < len && seg_char(s[i]))
            i++;
        if (i == start) {
            snprintf(why, cap, "empty name in reference");
            return KEEL_EINVAL;
        }
        seg->s = s + start;
        seg->len = i - start;
        if (i == len) {
            snprintf(why, cap, "'${' is not closed by '}'");
            return KEEL_EINVAL;
        }
        if (s[i] == '}')
            break;
        if (s[i] != '.') {
            snprintf(why, cap, "unexpected '%c' in reference", s[i]);
            return KEEL_EINVAL;
        }
        i++;
        if (r->n_path == REF_MAX_PATH) {
            snprintf(why, cap, "reference path deeper than %d", REF_MAX_PATH);
            return KEEL_EINVAL;
        }
        seg = &r->path[r->n_path++];
    }
    *used = i + 1;
    return 0;
}

static tmpl_part literal(const char *s, size_t len)
{
    tmpl_part p;
    memset(&p, 0, sizeof(p));
    p.text.s = s;
    p.text.len = len;
    return p;
}

int tmpl_parse(tmpl *t, const char *s, size_t len, char *why, size_t cap)
{
    memset(t, 0, sizeof(*t));
    size_t pcap = 0, run = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < len;) {
        if (s[i] != '$' || i + 1 >= len || (s[i + 1] != '{' && s[i + 1] != '$')) {
            i++;
            continue; /* a lone '$' is literal text */
        }
        if (i > run)
            rc = add_part(t, &pcap, literal(s + run, i - run));
        if (rc)
            break;
        if (s[i + 1] == '$') {
            rc = add_part(t, &pcap, literal(s + i, 1));
            run = i += 2;
            continue;
        }
        tmpl_part p = literal(s + i, 0);
        p.is_ref = true;
        size_t used = 0;
        rc = parse_ref(&p.ref, s + i + 2, len - i - 2, &used, why, cap);
        if (rc)
            break;
        p.text.len = used + 2;
        rc = add_part(t, &pcap, p);
        run = i += used + 2;
    }
    if (rc == 0 && len > run)
        rc = add_part(t, &pcap, literal(s + run, len - run));
    if (rc == KEEL_ENOMEM)
        snprintf(why, cap, "out of memory");
    if (rc)
        tmpl_free(t);
    return rc;
}

void tmpl_free(tmpl *t)
{
    keel_free(t->parts);
    memset(t, 0, sizeof(*t));
}

bool tmpl_single_ref(const tmpl *t)
{
    return t->n == 1 && t->parts[0].is_ref;
}

bool tmpl_has_ref(const tmpl *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->parts[i].is_ref)
            return true;
    return false;
}

bool ref_root_is(const plan_ref *r, const char *name)
{
    return r->root.len == strlen(name) && memcmp(r->root.s, name, r->root.len) == 0;
}

void ref_format(char *buf, size_t cap, const plan_ref *r)
{
    size_t n = (size_t)snprintf(buf, cap, "${%.*s", (int)r->root.len, r->root.s);
    for (size_t i = 0; i < r->n_path && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, ".%.*s", (int)r->path[i].len,
                              r->path[i].s);
    if (n < cap)
        snprintf(buf + n, cap - n, "}");
}

void plan_pointer_join(char *out, size_t cap, const char *base,
                       const char *key)
{
    size_t n = (size_t)snprintf(out, cap, "%s/", base);
    for (const char *k = key; *k && n + 3 < cap; k++) {
        if (*k == '~' || *k == '/') {
            out[n++] = '~';
            out[n++] = *k == '~' ? '0' : '1';
        } else
            out[n++] = *k;
    }
    out[n < cap ? n : cap - 1] = '\0';
}

int plan_each_string(const keel_value *v, const char *base, string_fn fn,
                     void *ctx)
{
    char ptr[256];
    size_t n = keel_value_len(v);
    switch (keel_value_type(v)) {
    case KEEL_TYPE_STRING: {
        size_t len;
        const char *s = keel_value_get_string(v, &len);
        return fn(ctx, s, len, base);
    }
    case KEEL_TYPE_LIST:
        for (size_t i = 0; i < n; i++) {
            char idx[24];
            snprintf(idx, sizeof(idx), "%zu", i);
            plan_pointer_join(ptr, sizeof(ptr), base, idx);
            int rc = plan_each_string(keel_value_list_at(v, i), ptr, fn, ctx);
            if (rc)
                return rc;
        }
        return 0;
    case KEEL_TYPE_OBJECT:
        for (size_t i = 0; i < n; i++) {
            plan_pointer_join(ptr, sizeof(ptr), base,
                              keel_value_object_key_at(v, i));
            int rc = plan_each_string(keel_value_object_value_at(v, i), ptr,
                                      fn, ctx);
            if (rc)
                return rc;
        }
        return 0;
    default:
        return 0;
    }
}

typedef struct ref_walk {
    ref_fn fn;
    void *ctx;
} ref_walk;

static int refs_of_string(void *ctx, const char *s, size_t len,
                          const char *pointer)
{
    ref_walk *w = ctx;
    tmpl t;
    char why[8];
    if (tmpl_parse(&t, s, len, why, sizeof(why)))
        return 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < t.n; i++)
        if (t.parts[i].is_ref)
            rc = w->fn(w->ctx, &t.parts[i].ref, pointer);
    tmpl_free(&t);
    return rc;
}

int plan_each_ref(const keel_value *v, const char *base, ref_fn fn, void *ctx)
{
    ref_walk w = {fn, ctx};
    return plan_each_string(v, base, refs_of_string, &w);
}

bool plan_size_ok(size_t len, keel_diags *d)
{
    if (len <= KEEL_PLAN_MAX_BYTES)
        return true;
    keel_diags_add(d, "", 0, KEEL_ERANGE, "plan is %zu bytes; the limit is %u",
                   len, KEEL_PLAN_MAX_BYTES);
    return false;
}

/* ---- resolution ---- */

/* Follows one path segment: an object key, or a list index. */
static const keel_value *step_into(const keel_value *v, ref_seg seg)
{
    char key[256];
    if (seg.len >= sizeof(key))
        return NULL;
    memcpy(key, seg.s, seg.len);
    key[seg.len] = '\0';
    if (keel_value_type(v) == KEEL_TYPE_OBJECT)
        return keel_value_object_get(v, key);
    if (keel_value_type(v) != KEEL_TYPE_LIST)
        return NULL;
    size_t idx = 0;
    for (size_t i = 0; i < seg.len; i++) {
        if (key[i] < '0' || key[i] > '9' || idx > (SIZE_MAX - 9) / 10)
            return NULL;
        idx = idx * 10 + (size_t)(key[i] - '0');
    }
    return keel_value_list_at(v, idx);
}

static int lookup(const keel_value **out, const plan_ref *ref,
                  const resolver *r, keel_error *err)
{
    char shown[300];
    ref_format(shown, sizeof(shown), ref);
    const keel_value *v = ref_root_is(ref, "item")
                              ? r->item
                              : r->step_output(r->ctx, ref->root.s, ref->root.len);
    if (!v)
        return keel_error_set(err, KEEL_ENOTFOUND,
                              "%s: no output of '%.*s' is available", shown,
                              (int)ref->root.len, ref->root.s);
    for (size_t i = 0; i < ref->n_path; i++) {
        const keel_value *next = step_into(v, ref->path[i]);
        if (!next)
            return keel_error_set(err, KEEL_ENOTFOUND,
                                  "%s: the %s has no '%.*s'", shown,
                                  keel_type_name(keel_value_type(v)),
                                  (int)ref->path[i].len, ref->path[i].s);
        v = next;
    }
    *out = v;
    return 0;
}

/* Interpolates a string with references into a new string value carrying
 * the union of the referenced values' labels. */
static int interpolate(keel_value **out, const tmpl *t, const resolver *r,
                       keel_error *err)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_labels *labels = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < t->n; i++) {
        const tmpl_part *p = &t->parts[i];
        if (!p->is_ref) {
            keel_buf_append(&b, p->text.s, p->text.len);
            continue;
        }
        const keel_value *v;
        if ((rc = lookup(&v, &p->ref, r, err)))
            break;
        size_t len;
        const char *s = keel_value_get_string(v, &len);
        char *json = NULL;
        if (!s && (rc = keel_value_to_json(&json, v, false)) == 0)
            keel_buf_puts(&b, json);
        else if (s)
            keel_buf_append(&b, s, len);
        keel_free(json);
        int oom = 0;
        keel_labels *u = keel_labels_union(labels, keel_value_labels(v), &oom);
        keel_labels_unref(labels);
        labels = u;
        if (oom)
            rc = KEEL_ENOMEM;
    }
    char *text = NULL;
    if (rc == 0 && (rc = keel_buf_finish(&b, &text)) == 0) {
        *out = keel_value_string(text, strlen(text));
        if (!*out || keel_value_add_labels(out, labels))
            rc = KEEL_ENOMEM;
    }
    keel_buf_free(&b);
    keel_free(text);
    keel_labels_unref(labels);
    if (rc == KEEL_ENOMEM)
        keel_error_set(err, rc, "out of memory");
    return rc;
}

static int resolve_string(keel_value **out, const keel_value *v,
                          const resolver *r, keel_error *err)
{
    size_t len;
    const char *s = keel_value_get_string(v, &len);
    tmpl t;
    char why[128];
    if (tmpl_parse(&t, s, len, why, sizeof(why)))
        return keel_error_set(err, KEEL_EINVAL, "%s", why);
    int rc = 0;
    if (!tmpl_has_ref(&t) && t.n <= 1)
        *out = keel_value_ref(v); /* plain text: share it */
    else if (tmpl_single_ref(&t)) {
        const keel_value *target = NULL;
        if ((rc = lookup(&target, &t.parts[0].ref, r, err)) == 0)
            *out = keel_value_ref(target);
    } else
        rc = interpolate(out, &t, r, err);
    tmpl_free(&t);
    return rc;
}

int plan_resolve(keel_value **out, const keel_value *v, const resolver *r,
                 keel_error *err)
{
    *out = NULL;
    keel_type t = keel_value_type(v);
    if (t == KEEL_TYPE_STRING)
        return resolve_string(out, v, r, err);
    if (t != KEEL_TYPE_LIST && t != KEEL_TYPE_OBJECT) {
        *out = keel_value_ref(v);
        return 0;
    }
    keel_value *c = t == KEEL_TYPE_LIST ? keel_value_list() : keel_value_object();
    int rc = c ? 0 : keel_error_set(err, KEEL_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < keel_value_len(v); i++) {
        const keel_value *item = t == KEEL_TYPE_LIST
                                     ? keel_value_list_at(v, i)
                                     : keel_value_object_value_at(v, i);
        keel_value *res;
        if ((rc = plan_resolve(&res, item, r, err)))
            break;
        rc = t == KEEL_TYPE_LIST
                 ? keel_value_list_append_take(c, res)
                 : keel_value_object_set_take(c, keel_value_object_key_at(v, i), res);
        if (rc)
            keel_error_set(err, rc, "out of memory");
    }
    if (rc) {
        keel_value_unref(c);
        return rc;
    }
    *out = c;
    return 0;
}
