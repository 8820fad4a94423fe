/*
 * value.c - typed, reference-counted values with provenance labels.
 *
 * A value is built by one owner, then shared read-only by reference count
 * (the executor hands one step's output to many later steps without copying).
 * Every value carries the labels of the sources it was derived from; a
 * container's labels include those of everything put into it.
 *
 * A container also keeps `deep`: labels that it and every node below it are
 * known to carry (a lower bound, NULL when unknown). Labelling a big value
 * that already carries the labels, as when many steps pass on one step's
 * output, then costs a set comparison instead of a walk of every node.
 */
#include "alloc.h"
#include "kernel_internal.h"

#include <stdatomic.h>
#include <string.h>

typedef struct member {
    char *key;
    keel_value *value;
} member;

struct keel_value {
    atomic_size_t refs;
    keel_type type;
    keel_labels *labels;
    keel_labels *deep; /* containers: carried by every node below too */
    bool inside; /* taken into a container: finished, never changed again */
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            char *s;
            size_t len;
        } str;
        struct {
            keel_value **items;
            size_t len, cap;
        } list;
        struct {
            member *m;
            size_t len, cap;
        } obj;
    } u;
};

static keel_value *value_new(keel_type t)
{
    keel_value *v = keel_malloc(sizeof(*v));
    if (!v)
        return NULL;
    memset(v, 0, sizeof(*v));
    atomic_init(&v->refs, 1);
    v->type = t;
    return v;
}

keel_value *keel_value_null(void)
{
    return value_new(KEEL_TYPE_NULL);
}

keel_value *keel_value_bool(bool b)
{
    keel_value *v = value_new(KEEL_TYPE_BOOL);
    if (v)
        v->u.b = b;
    return v;
}

keel_value *keel_value_int(int64_t i)
{
    keel_value *v = value_new(KEEL_TYPE_INT);
    if (v)
        v->u.i = i;
    return v;
}

keel_value *keel_value_float(double d)
{
    keel_value *v = value_new(KEEL_TYPE_FLOAT);
    if (v)
        v->u.f = d;
    return v;
}

keel_value *keel_value_string(const char *s, size_t len)
{
    keel_value *v = value_new(KEEL_TYPE_STRING);
    if (!v)
        return NULL;
    v->u.str.s = keel_strndup(s, len);
    if (!v->u.str.s) {
        keel_free(v);
        return NULL;
    }
    v->u.str.len = len;
    return v;
}

keel_value *keel_value_cstring(const char *s)
{
    return keel_value_string(s, strlen(s));
}

keel_value *keel_value_list(void)
{
    return value_new(KEEL_TYPE_LIST);
}

keel_value *keel_value_object(void)
{
    return value_new(KEEL_TYPE_OBJECT);
}

keel_value *keel_value_ref(const keel_value *v)
{
    keel_value *m = (keel_value *)v; /* the count is not part of the value */
    if (m)
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void keel_value_unref(keel_value *v)
{
    if (!v || atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) != 1)
        return;
    switch (v->type) {
    case KEEL_TYPE_STRING:
        keel_free(v->u.str.s);
        break;
    case KEEL_TYPE_LIST:
        for (size_t i = 0; i < v->u.list.len; i++)
            keel_value_unref(v->u.list.items[i]);
        keel_free(v->u.list.items);
        break;
    case KEEL_TYPE_OBJECT:
        for (size_t i = 0; i < v->u.obj.len; i++) {
            keel_free(v->u.obj.m[i].key);
            keel_value_unref(v->u.obj.m[i].value);
        }
        keel_free(v->u.obj.m);
        break;
    default:
        break;
    }
    keel_labels_unref(v->labels);
    keel_labels_unref(v->deep);
    keel_free(v);
}

bool keel_value_shared(const keel_value *v)
{
    return v && atomic_load(&((keel_value *)v)->refs) > 1;
}

keel_type keel_value_type(const keel_value *v)
{
    return v ? v->type : KEEL_TYPE_NULL;
}

/* Indexed by keel_type. */
static const char *const type_names[] = {"null",   "bool", "int",    "float",
                                         "string", "list", "object", "any"};

const char *keel_type_name(keel_type t)
{
    if ((unsigned)t < sizeof(type_names) / sizeof(type_names[0]))
        return type_names[t];
    return "?";
}

int keel_type_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (strcmp(type_names[i], name) == 0)
            return (int)i;
    return -1;
}

bool keel_value_get_bool(const keel_value *v)
{
    return v && v->type == KEEL_TYPE_BOOL ? v->u.b : false;
}

int64_t keel_value_get_int(const keel_value *v)
{
    return v && v->type == KEEL_TYPE_INT ? v->u.i : 0;
}

double keel_value_get_float(const keel_value *v)
{
    return v && v->type == KEEL_TYPE_FLOAT ? v->u.f : 0.0;
}

const char *keel_value_get_string(const keel_value *v, size_t *len)
{
    if (!v || v->type != KEEL_TYPE_STRING)
        return NULL;
    if (len)
        *len = v->u.str.len;
    return v->u.str.s;
}

size_t keel_value_len(const keel_value *v)
{
    if (!v)
        return 0;
    switch (v->type) {
    case KEEL_TYPE_STRING:
        return v->u.str.len;
    case KEEL_TYPE_LIST:
        return v->u.list.len;
    case KEEL_TYPE_OBJECT:
        return v->u.obj.len;
    default:
        return 0;
    }
}

const keel_value *keel_value_list_at(const keel_value *v, size_t i)
{
    if (!v || v->type != KEEL_TYPE_LIST || i >= v->u.list.len)
        return NULL;
    return v->u.list.items[i];
}

const char *keel_value_object_key_at(const keel_value *v, size_t i)
{
    if (!v || v->type != KEEL_TYPE_OBJECT || i >= v->u.obj.len)
        return NULL;
    return v->u.obj.m[i].key;
}

const keel_value *keel_value_object_value_at(const keel_value *v, size_t i)
{
    if (!v || v->type != KEEL_TYPE_OBJECT || i >= v->u.obj.len)
        return NULL;
    return v->u.obj.m[i].value;
}

static member *object_find(const keel_value *v, const char *key)
{
    for (size_t i = 0; i < v->u.obj.len; i++)
        if (strcmp(v->u.obj.m[i].key, key) == 0)
            return &v->u.obj.m[i];
    return NULL;
}

const keel_value *keel_value_object_get(const keel_value *v, const char *key)
{
    if (!v || v->type != KEEL_TYPE_OBJECT)
        return NULL;
    member *m = object_find(v, key);
    return m ? m->value : NULL;
}

/* Unions item's labels into container's. */
static int absorb_labels(keel_value *container, const keel_value *item)
{
    if (keel_labels_subset(item->labels, container->labels))
        return 0;
    int oom;
    keel_labels *u = keel_labels_union(container->labels, item->labels, &oom);
    if (oom)
        return KEEL_ENOMEM;
    keel_labels_unref(container->labels);
    container->labels = u;
    return 0;
}

/* The labels every node of v carries, as far as is known. */
static const keel_labels *deep_of(const keel_value *v)
{
    return v->type == KEEL_TYPE_LIST || v->type == KEEL_TYPE_OBJECT ? v->deep
                                                                    : v->labels;
}

static bool in_set(void *set, const char *name)
{
    return keel_labels_contains(set, name);
}

/* item goes below container (its labels already absorbed). Keeps
 * container's deep labels true: only those item's nodes carry too (out of
 * memory forgets them, which is safe). And when the container holds
 * item's only reference, marks item finished: a pointer the builder kept
 * must not change it any more, or container's labels would no longer hold
 * its own. A shared item is not written to: a shared value never changes
 * anyway. */
static void adopt(keel_value *container, keel_value *item)
{
    const keel_labels *below = deep_of(item);
    if (container->deep && !keel_labels_subset(container->deep, below)) {
        int oom = 0;
        keel_labels *d =
            keel_labels_filter(container->deep, in_set, (void *)below, &oom);
        keel_labels_unref(container->deep);
        container->deep = oom ? NULL : d;
    }
    if (atomic_load(&item->refs) == 1)
        item->inside = true;
}

static int grow(void **items, size_t *cap, size_t len, size_t size)
{
    if (len < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *n = keel_realloc(*items, ncap * size);
    if (!n)
        return KEEL_ENOMEM;
    *items = n;
    *cap = ncap;
    return 0;
}

int keel_value_list_append_take(keel_value *list, keel_value *item)
{
    int rc = KEEL_ETYPE;
    if (!list || list->type != KEEL_TYPE_LIST || !item)
        goto fail;
    rc = KEEL_EINVAL;
    if (list->inside || item == list)
        goto fail;
    rc = grow((void **)&list->u.list.items, &list->u.list.cap,
              list->u.list.len, sizeof(keel_value *));
    if (rc == 0)
        rc = absorb_labels(list, item);
    if (rc)
        goto fail;
    adopt(list, item);
    list->u.list.items[list->u.list.len++] = item;
    return 0;
fail:
    keel_value_unref(item);
    return rc;
}

int keel_value_list_append(keel_value *list, const keel_value *item)
{
    return keel_value_list_append_take(list, keel_value_ref(item));
}

int keel_value_object_set_take(keel_value *obj, const char *key,
                               keel_value *item)
{
    int rc = KEEL_ETYPE;
    if (!obj || obj->type != KEEL_TYPE_OBJECT || !item || !key)
        goto fail;
    rc = KEEL_EINVAL;
    if (obj->inside || item == obj)
        goto fail;
    rc = absorb_labels(obj, item);
    if (rc)
        goto fail;
    member *m = object_find(obj, key);
    if (m) {
        adopt(obj, item);
        keel_value_unref(m->value);
        m->value = item;
        return 0;
    }
    rc = grow((void **)&obj->u.obj.m, &obj->u.obj.cap, obj->u.obj.len,
              sizeof(member));
    if (rc)
        goto fail;
    char *k = keel_strdup(key);
    if (!k) {
        rc = KEEL_ENOMEM;
        goto fail;
    }
    adopt(obj, item);
    obj->u.obj.m[obj->u.obj.len].key = k;
    obj->u.obj.m[obj->u.obj.len].value = item;
    obj->u.obj.len++;
    return 0;
fail:
    keel_value_unref(item);
    return rc;
}

int keel_value_object_set(keel_value *obj, const char *key,
                          const keel_value *item)
{
    return keel_value_object_set_take(obj, key, keel_value_ref(item));
}

const keel_labels *keel_value_labels(const keel_value *v)
{
    return v ? v->labels : NULL;
}

/* A shallow copy of v: same scalar payload, or new references to the same
 * children. */
static keel_value *shallow_copy(const keel_value *v)
{
    keel_value *c;
    switch (v->type) {
    case KEEL_TYPE_STRING:
        c = keel_value_string(v->u.str.s, v->u.str.len);
        break;
    case KEEL_TYPE_LIST:
        c = keel_value_list();
        for (size_t i = 0; c && i < v->u.list.len; i++)
            if (keel_value_list_append(c, v->u.list.items[i])) {
                keel_value_unref(c);
                c = NULL;
            }
        break;
    case KEEL_TYPE_OBJECT:
        c = keel_value_object();
        for (size_t i = 0; c && i < v->u.obj.len; i++)
            if (keel_value_object_set(c, v->u.obj.m[i].key,
                                      v->u.obj.m[i].value)) {
                keel_value_unref(c);
                c = NULL;
            }
        break;
    default:
        c = value_new(v->type);
        if (c)
            c->u = v->u;
        break;
    }
    if (c && v->labels) {
        keel_labels_unref(c->labels);
        c->labels = keel_labels_ref(v->labels);
    }
    if (c && v->deep) { /* the same nodes below */
        keel_labels_unref(c->deep);
        c->deep = keel_labels_ref(v->deep);
    }
    return c;
}

static int add_labels_children(keel_value *v, const keel_labels *labels)
{
    int rc = 0;
    if (v->type == KEEL_TYPE_LIST)
        for (size_t i = 0; rc == 0 && i < v->u.list.len; i++)
            rc = keel_value_add_labels(&v->u.list.items[i], labels);
    else if (v->type == KEEL_TYPE_OBJECT)
        for (size_t i = 0; rc == 0 && i < v->u.obj.len; i++)
            rc = keel_value_add_labels(&v->u.obj.m[i].value, labels);
    return rc;
}

/* True when some node of v lacks one of labels. */
static bool lacks_labels(const keel_value *v, const keel_labels *labels)
{
    if (keel_labels_subset(labels, deep_of(v)))
        return false;
    if (!keel_labels_subset(labels, v->labels))
        return true;
    if (v->type == KEEL_TYPE_LIST) {
        for (size_t i = 0; i < v->u.list.len; i++)
            if (lacks_labels(v->u.list.items[i], labels))
                return true;
    } else if (v->type == KEEL_TYPE_OBJECT) {
        for (size_t i = 0; i < v->u.obj.len; i++)
            if (lacks_labels(v->u.obj.m[i].value, labels))
                return true;
    }
    return false;
}

int keel_value_add_labels(keel_value **pv, const keel_labels *labels)
{
    keel_value *v = *pv;
    if (!v || !labels || !lacks_labels(v, labels))
        return 0;
    if (atomic_load(&v->refs) > 1) {
        /* Shared: change a private copy, never what others can see. */
        keel_value *c = shallow_copy(v);
        if (!c)
            return KEEL_ENOMEM;
        keel_value_unref(v);
        *pv = v = c;
    }
    /* v's own labels first: should a child fail, v still holds every
     * label below it */
    int oom;
    keel_labels *u = keel_labels_union(v->labels, labels, &oom);
    if (oom)
        return KEEL_ENOMEM;
    keel_labels_unref(v->labels);
    v->labels = u;
    int rc = add_labels_children(v, labels);
    if (rc)
        return rc;
    if (v->type == KEEL_TYPE_LIST || v->type == KEEL_TYPE_OBJECT) {
        /* every node below now carries labels too (on failure to say so,
         * the old, smaller bound stays true) */
        keel_labels *d = keel_labels_union(v->deep, labels, &oom);
        if (!oom) {
            keel_labels_unref(v->deep);
            v->deep = d;
        }
    }
    return 0;
}

typedef bool (*keep_fn)(void *ud, const char *name);

/* True when some node of v carries a label keep rejects. A container's
 * labels hold those of every node below it (they are unioned in on every
 * insert and every labelling), so v's own labels tell: no walk. */
static bool has_dropped(const keel_value *v, keep_fn keep, void *ud)
{
    for (size_t i = 0; i < keel_labels_count(v->labels); i++)
        if (!keep(ud, keel_labels_at(v->labels, i)))
            return true;
    return false;
}

int keel_value_filter_labels(keel_value **pv, keep_fn keep, void *ud)
{
    keel_value *v = *pv;
    if (!v || !has_dropped(v, keep, ud))
        return 0;
    if (atomic_load(&v->refs) > 1) { /* shared: change a private copy */
        keel_value *c = shallow_copy(v);
        if (!c)
            return KEEL_ENOMEM;
        keel_value_unref(v);
        *pv = v = c;
    }
    /* v's deep labels, then its children, then its own labels: should
     * anything fail, v's labels still hold every label below it and its
     * deep labels are still carried by every node */
    int oom, rc = 0;
    if (v->deep) { /* every node below loses the same labels */
        keel_labels *d = keel_labels_filter(v->deep, keep, ud, &oom);
        keel_labels_unref(v->deep);
        v->deep = oom ? NULL : d;
    }
    size_t n = keel_value_len(v);
    for (size_t i = 0; rc == 0 && v->type == KEEL_TYPE_LIST && i < n; i++)
        rc = keel_value_filter_labels(&v->u.list.items[i], keep, ud);
    for (size_t i = 0; rc == 0 && v->type == KEEL_TYPE_OBJECT && i < n; i++)
        rc = keel_value_filter_labels(&v->u.obj.m[i].value, keep, ud);
    if (rc)
        return rc;
    keel_labels *f = keel_labels_filter(v->labels, keep, ud, &oom);
    if (oom)
        return KEEL_ENOMEM;
    keel_labels_unref(v->labels);
    v->labels = f;
    return 0;
}

bool keel_value_equal(const keel_value *a, const keel_value *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->type != b->type)
        return false;
    switch (a->type) {
    case KEEL_TYPE_NULL:
        return true;
    case KEEL_TYPE_BOOL:
        return a->u.b == b->u.b;
    case KEEL_TYPE_INT:
        return a->u.i == b->u.i;
    case KEEL_TYPE_FLOAT:
        return a->u.f == b->u.f;
    case KEEL_TYPE_STRING:
        return a->u.str.len == b->u.str.len &&
               memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    case KEEL_TYPE_LIST:
        if (a->u.list.len != b->u.list.len)
            return false;
        for (size_t i = 0; i < a->u.list.len; i++)
            if (!keel_value_equal(a->u.list.items[i], b->u.list.items[i]))
                return false;
        return true;
    case KEEL_TYPE_OBJECT:
        if (a->u.obj.len != b->u.obj.len)
            return false;
        for (size_t i = 0; i < a->u.obj.len; i++) {
            const keel_value *o = keel_value_object_get(b, a->u.obj.m[i].key);
            if (!o || !keel_value_equal(a->u.obj.m[i].value, o))
                return false;
        }
        return true;
    default:
        return false;
    }
}
