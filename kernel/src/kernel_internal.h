/*
 * kernel_internal.h - the kernel's private structures, shared by the files
 * that make up libkeel's kernel (loader, registry, call, invoke, catalog).
 */
#ifndef KEEL_KERNEL_INTERNAL_H
#define KEEL_KERNEL_INTERNAL_H

#include <keel/keel.h>

#include "schema.h"

#include <pthread.h>

typedef struct plugin_rec plugin_rec;

/* A registered function. info is the public view handed out by lookup. */
typedef struct fn_entry {
    keel_fn_info info;
    char *qname;
    keel_param *params;      /* host-layout copies of the plugin's rows */
    keel_schema **schemas;   /* per parameter */
    keel_value **defaults;   /* per parameter, NULL when none */
    keel_value *returns_schema; /* parsed, or NULL */
    keel_labels *self_label; /* {qname} when output is untrusted, else NULL */
    keel_fn fn;
    plugin_rec *plugin;
} fn_entry;

/* The entry behind a public view: info is fn_entry's first member. */
static inline const fn_entry *entry_of(const keel_fn_info *info)
{
    return (const fn_entry *)(const void *)info;
}

struct plugin_rec {
    char *path;
    char *name; /* copies: the plugin's strings are read once, here */
    char *version;
    char *description;
    char *error; /* why it was refused, or NULL */
    bool loaded;
    keel_init_fn init;
    keel_fini_fn fini;
    void *state;
    fn_entry *fns;
    size_t n_fns;
};

struct keel_kernel {
    plugin_rec **plugins;
    size_t n_plugins, cap_plugins;
    fn_entry **index; /* every loaded function, sorted by qname */
    size_t n_index, cap_index;
    keel_value *settings; /* plugin settings object, or NULL */
    keel_log_fn log_fn;
    void *log_ud;
    keel_directory_fn dir_fn;
    void *dir_ud;
};

/* The host API table handed to every plugin. */
extern const keel_host_api keel_host_api_table;

/* Per-call context (see call.c). Lives on the invoking thread's stack. */
#define CALL_INLINE_VALUES 8
struct keel_call {
    keel_kernel *kernel;
    plugin_rec *plugin;
    const char *source; /* "math.add" or "math (init)", for messages */
    keel_value *inline_vals[CALL_INLINE_VALUES];
    keel_value **vals; /* values created by the call, one reference each */
    size_t n_vals, cap_vals;
    void **blocks; /* call_alloc memory */
    size_t n_blocks, cap_blocks;
    keel_error *err;
    bool error_set;
    int64_t deadline_ns;        /* 0: none */
    const int *cancel; /* or NULL; read atomically */
};

void keel_call_begin(keel_call *c, keel_kernel *k, plugin_rec *p,
                     const char *source, keel_error *err);
/* Frees everything the call created. */
void keel_call_end(keel_call *c);

/* Descriptor validation (descriptor.c): reads the plugin's tables with the
 * strides it declared, checks everything, fills rec (functions unsorted).
 * On failure rec->fns is released. */
int keel_descriptor_read(plugin_rec *rec, const keel_plugin *desc,
                         keel_error *err);
/* Releases what keel_descriptor_read filled in rec (its functions). */
void keel_descriptor_release(plugin_rec *rec);

/* Path safety (loader_path.c). */
int keel_path_check(const char *path, const char *root, keel_error *err);

/* Registry (registry.c). */
int keel_registry_add(keel_kernel *k, plugin_rec *rec, keel_error *err);
const fn_entry *keel_registry_find(const keel_kernel *k, const char *qname);
/* Up to max names close to qname (edit distance), best first. */
size_t keel_registry_suggest(const keel_kernel *k, const char *qname,
                             const char **out, size_t max);

/* True when v has more than one owner: it may no longer change. */
bool keel_value_shared(const keel_value *v);

/* Canonical names: [a-z][a-z0-9_]*. */
bool keel_name_canonical(const char *s);

/* Levenshtein distance of two names of at most 64 bytes ((size_t)-1 for
 * longer ones): how close a misspelt name is to a real one. */
size_t keel_edit_distance(const char *a, const char *b);

#endif
