/*
 * value_label_map.c - a value's labels written beside its JSON, and read
 * back, so that provenance survives a journal (a resumed run must decide
 * exactly as an uninterrupted one would).
 *
 * The map names, by JSON Pointer, each node whose labels differ from its
 * container's: an untrusted function's whole output is one entry ("").
 * Rebuilding relies on how labels flow: a container's labels are the union
 * of its children's, and labels added to a value reach everything inside
 * it; so labels need only be put on leaves and empty containers.
 */
#include "alloc.h"
#include "kernel_internal.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64

static bool same_labels(const keel_labels *a, const keel_labels *b)
{
    return keel_labels_subset(a, b) && keel_labels_subset(b, a);
}

static keel_value *labels_list(const keel_labels *l)
{
    keel_value *list = keel_value_list();
    for (size_t i = 0; list && i < keel_labels_count(l); i++)
        if (keel_value_list_append_take(list, keel_value_cstring(keel_labels_at(l, i)))) {
            keel_value_unref(list);
            return NULL;
        }
    return list;
}

/* ptr + "/" + key with ~ and / escaped; false when it does not fit. */
static bool join(char *out, size_t cap, const char *ptr, const char *key)
{
    size_t n = strlen(ptr);
    if (n + 2 > cap)
        return false;
    memcpy(out, ptr, n);
    out[n++] = '/';
    for (; *key; key++) {
        const char *esc = *key == '~' ? "~0" : *key == '/' ? "~1" : NULL;
        size_t add = esc ? 2 : 1;
        if (n + add + 1 > cap)
            return false;
        if (esc)
            memcpy(out + n, esc, 2);
        else
            out[n] = *key;
        n += add;
    }
    out[n] = '\0';
    return true;
}

static int walk(keel_value *map, const keel_value *v, const char *ptr,
                const keel_labels *parent, int depth)
{
    const keel_labels *own = keel_value_labels(v);
    if (depth > MAX_DEPTH)
        return KEEL_ERANGE;
    if (!same_labels(own, parent)) {
        keel_value *l = labels_list(own);
        int rc = l ? keel_value_object_set_take(map, ptr, l) : KEEL_ENOMEM;
        if (rc)
            return rc;
    }
    keel_type t = keel_value_type(v);
    for (size_t i = 0; (t == KEEL_TYPE_LIST || t == KEEL_TYPE_OBJECT) &&
                       i < keel_value_len(v); i++) {
        char child[4096], idx[24];
        snprintf(idx, sizeof(idx), "%zu", i);
        const char *key = t == KEEL_TYPE_LIST ? idx : keel_value_object_key_at(v, i);
        if (!join(child, sizeof(child), ptr, key))
            return KEEL_ERANGE;
        const keel_value *c = t == KEEL_TYPE_LIST ? keel_value_list_at(v, i)
                                                  : keel_value_object_value_at(v, i);
        int rc = walk(map, c, child, own, depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

int keel_value_label_map(keel_value **out, const keel_value *v)
{
    keel_value *map = keel_value_object();
    int rc = map ? walk(map, v, "", NULL, 0) : KEEL_ENOMEM;
    if (rc) {
        keel_value_unref(map);
        return rc;
    }
    *out = map;
    return 0;
}

/* The labels named by a map entry; NULL entry: inherited. */
static int labels_of(keel_labels **out, const keel_value *entry,
                     const keel_labels *inherited)
{
    if (!entry) {
        *out = keel_labels_ref(inherited);
        return 0;
    }
    if (keel_value_type(entry) != KEEL_TYPE_LIST)
        return KEEL_EINVAL;
    keel_labels *acc = NULL;
    for (size_t i = 0; i < keel_value_len(entry); i++) {
        const char *name = keel_value_get_string(keel_value_list_at(entry, i), NULL);
        keel_labels *one = name ? keel_labels_new(name) : NULL;
        int oom = 0;
        keel_labels *u = one ? keel_labels_union(acc, one, &oom) : NULL;
        keel_labels_unref(one);
        keel_labels_unref(acc);
        if (!name || !one || oom)
            return name ? KEEL_ENOMEM : KEEL_EINVAL;
        acc = u;
    }
    *out = acc;
    return 0;
}

static int rebuild(keel_value **out, const keel_value *v, const keel_value *map,
                   const char *ptr, const keel_labels *inherited, int depth);

static int rebuild_children(keel_value *c, const keel_value *v,
                            const keel_value *map, const char *ptr,
                            const keel_labels *own, int depth)
{
    keel_type t = keel_value_type(v);
    for (size_t i = 0; i < keel_value_len(v); i++) {
        char child[4096], idx[24];
        snprintf(idx, sizeof(idx), "%zu", i);
        const char *key = t == KEEL_TYPE_LIST ? idx : keel_value_object_key_at(v, i);
        if (!join(child, sizeof(child), ptr, key))
            return KEEL_ERANGE;
        keel_value *n = NULL;
        const keel_value *src = t == KEEL_TYPE_LIST ? keel_value_list_at(v, i)
                                                    : keel_value_object_value_at(v, i);
        int rc = rebuild(&n, src, map, child, own, depth + 1);
        if (rc == 0)
            rc = t == KEEL_TYPE_LIST ? keel_value_list_append_take(c, n)
                                     : keel_value_object_set_take(c, key, n);
        if (rc)
            return rc;
    }
    return 0;
}

static int rebuild(keel_value **out, const keel_value *v, const keel_value *map,
                   const char *ptr, const keel_labels *inherited, int depth)
{
    keel_labels *own = NULL;
    int rc = depth > MAX_DEPTH ? KEEL_ERANGE
             : labels_of(&own, keel_value_object_get(map, ptr), inherited);
    if (rc)
        return rc;
    keel_type t = keel_value_type(v);
    keel_value *n = t == KEEL_TYPE_LIST     ? keel_value_list()
                    : t == KEEL_TYPE_OBJECT ? keel_value_object()
                                            : keel_value_ref(v);
    rc = n ? 0 : KEEL_ENOMEM;
    if (rc == 0 && (t == KEEL_TYPE_LIST || t == KEEL_TYPE_OBJECT))
        rc = rebuild_children(n, v, map, ptr, own, depth);
    /* leaves and empty containers carry their labels; a container with
     * children has the union of theirs already */
    bool container = t == KEEL_TYPE_LIST || t == KEEL_TYPE_OBJECT;
    if (rc == 0 && own && (!container || keel_value_len(n) == 0))
        rc = keel_value_add_labels(&n, own);
    keel_labels_unref(own);
    if (rc) {
        keel_value_unref(n);
        return rc;
    }
    *out = n;
    return 0;
}

int keel_value_relabel(keel_value **out, const keel_value *v,
                       const keel_value *map)
{
    *out = NULL;
    if (keel_value_type(map) != KEEL_TYPE_OBJECT)
        return KEEL_EINVAL;
    return rebuild(out, v, map, "", NULL, 0);
}
