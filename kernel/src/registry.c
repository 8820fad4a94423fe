/*
 * registry.c - the function index: lookup by fully qualified name and
 * suggestions for names that do not exist.
 *
 * Functions are registered at start-up and looked up on every call, so the
 * index is a sorted array searched by bisection: no hashing, no rehashing,
 * and listing in name order comes for free.
 */
#include "kernel_internal.h"

#include "alloc.h"

#include <string.h>

static size_t lower_bound(const keel_kernel *k, const char *qname)
{
    size_t lo = 0, hi = k->n_index;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(k->index[mid]->qname, qname) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const fn_entry *keel_registry_find(const keel_kernel *k, const char *qname)
{
    size_t i = lower_bound(k, qname);
    if (i < k->n_index && strcmp(k->index[i]->qname, qname) == 0)
        return k->index[i];
    return NULL;
}

int keel_registry_add(keel_kernel *k, plugin_rec *rec, keel_error *err)
{
    for (size_t i = 0; i < rec->n_fns; i++)
        if (keel_registry_find(k, rec->fns[i].qname))
            return keel_error_set(err, KEEL_EEXISTS,
                                  "function %s is already registered",
                                  rec->fns[i].qname);
    size_t need = k->n_index + rec->n_fns;
    if (need > k->cap_index) {
        size_t cap = k->cap_index ? k->cap_index : 32;
        while (cap < need)
            cap *= 2;
        fn_entry **n = keel_realloc(k->index, cap * sizeof(*n));
        if (!n)
            return keel_error_set(err, KEEL_ENOMEM, "out of memory");
        k->index = n;
        k->cap_index = cap;
    }
    for (size_t i = 0; i < rec->n_fns; i++) {
        size_t at = lower_bound(k, rec->fns[i].qname);
        memmove(&k->index[at + 1], &k->index[at],
                (k->n_index - at) * sizeof(*k->index));
        k->index[at] = &rec->fns[i];
        k->n_index++;
    }
    return 0;
}

/* Levenshtein distance, capped: names are at most 64 characters. */
size_t keel_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

size_t keel_kernel_suggest(const keel_kernel *k, const char *name,
                           const char **out, size_t max)
{
    return keel_registry_suggest(k, name, out, max);
}

size_t keel_registry_suggest(const keel_kernel *k, const char *qname,
                             const char **out, size_t max)
{
    size_t dist[8], n = 0;
    if (max > 8)
        max = 8;
    size_t limit = strlen(qname) / 5 + 1; /* roughly: a typo or two */
    for (size_t i = 0; i < k->n_index; i++) {
        const char *name = k->index[i]->qname;
        size_t d = keel_edit_distance(qname, name);
        /* "add" for "math.add": the same function name in any plugin */
        const char *dot = strchr(name, '.');
        if (d > limit && !(dot && strcmp(dot + 1, qname) == 0))
            continue;
        size_t at = n;
        while (at > 0 && dist[at - 1] > d)
            at--;
        if (at >= max)
            continue;
        size_t move = (n < max ? n : max - 1) - at;
        memmove(&out[at + 1], &out[at], move * sizeof(*out));
        memmove(&dist[at + 1], &dist[at], move * sizeof(*dist));
        out[at] = name;
        dist[at] = d;
        if (n < max)
            n++;
    }
    return n;
}
