/*
 * labels.c - provenance label sets.
 *
 * A label set is immutable once built and shared by reference count, so that
 * values derived from the same sources share one set. Names are kept sorted,
 * which makes union a merge and equality a walk.
 */
#include "alloc.h"

#include <stdatomic.h>
#include <string.h>

struct keel_labels {
    atomic_size_t refs;
    size_t n;
    char *names[]; /* sorted, unique, owned */
};

static keel_labels *labels_alloc(size_t n)
{
    keel_labels *l = keel_malloc(sizeof(*l) + n * sizeof(char *));
    if (!l)
        return NULL;
    atomic_init(&l->refs, 1);
    l->n = 0;
    return l;
}

keel_labels *keel_labels_new(const char *name)
{
    keel_labels *l = labels_alloc(1);
    if (!l)
        return NULL;
    l->names[0] = keel_strdup(name);
    if (!l->names[0]) {
        keel_free(l);
        return NULL;
    }
    l->n = 1;
    return l;
}

keel_labels *keel_labels_ref(const keel_labels *l)
{
    keel_labels *m = (keel_labels *)l; /* the count is not part of the set */
    if (m)
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void keel_labels_unref(keel_labels *l)
{
    if (!l || atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < l->n; i++)
        keel_free(l->names[i]);
    keel_free(l);
}

size_t keel_labels_count(const keel_labels *l)
{
    return l ? l->n : 0;
}

const char *keel_labels_at(const keel_labels *l, size_t i)
{
    return l && i < l->n ? l->names[i] : NULL;
}

bool keel_labels_contains(const keel_labels *l, const char *name)
{
    size_t lo = 0, hi = keel_labels_count(l);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(l->names[mid], name);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool keel_labels_subset(const keel_labels *a, const keel_labels *b)
{
    if (a == b)
        return true;
    for (size_t i = 0; i < keel_labels_count(a); i++)
        if (!keel_labels_contains(b, a->names[i]))
            return false;
    return true;
}

keel_labels *keel_labels_filter(const keel_labels *l,
                                bool (*keep)(void *ud, const char *name),
                                void *ud, int *oom)
{
    *oom = 0;
    size_t n = 0;
    for (size_t i = 0; i < keel_labels_count(l); i++)
        n += keep(ud, l->names[i]);
    if (n == keel_labels_count(l))
        return keel_labels_ref(l);
    if (n == 0)
        return NULL;
    keel_labels *f = labels_alloc(n);
    if (!f)
        goto fail;
    for (size_t i = 0; i < l->n; i++) {
        if (!keep(ud, l->names[i]))
            continue;
        if (!(f->names[f->n] = keel_strdup(l->names[i]))) {
            keel_labels_unref(f);
            goto fail;
        }
        f->n++;
    }
    return f;
fail:
    *oom = 1;
    return NULL;
}

keel_labels *keel_labels_union(const keel_labels *a, const keel_labels *b,
                               int *oom)
{
    if (oom)
        *oom = 0;
    if (keel_labels_subset(b, a))
        return keel_labels_ref(a);
    if (keel_labels_subset(a, b))
        return keel_labels_ref(b);
    keel_labels *u = labels_alloc(a->n + b->n);
    if (!u)
        goto oom;
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        const char *next;
        if (j == b->n || (i < a->n && strcmp(a->names[i], b->names[j]) < 0))
            next = a->names[i++];
        else if (i == a->n || strcmp(a->names[i], b->names[j]) > 0)
            next = b->names[j++];
        else {
            next = a->names[i++];
            j++;
        }
        u->names[u->n] = keel_strdup(next);
        if (!u->names[u->n]) {
            keel_labels_unref(u);
            goto oom;
        }
        u->n++;
    }
    return u;
oom:
    if (oom)
        *oom = 1;
    return NULL;
}
