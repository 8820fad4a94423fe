/*
 * keel/keel.h - the public C API of libkeel, for applications that embed the
 * kernel: open a kernel, load plugins, look functions up, build typed values
 * and invoke functions with them.
 *
 * Conventions (see docs/architecture.md):
 *   - Fallible functions return 0 or a negative KEEL_E* code and fill the
 *     keel_error given last (which may be NULL). Output parameters come first.
 *   - Results through **out belong to the caller, who frees them with the
 *     matching _free/_unref (which accept NULL). Pointers returned directly are
 *     borrowed from their owner and live as long as it does.
 *   - Values are reference-counted and immutable once shared; every value
 *     carries a set of provenance labels.
 */
#ifndef KEEL_KEEL_H
#define KEEL_KEEL_H

#include <keel/plugin.h>

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */
#define KEEL_ERROR_MAX 768

/* Fixed-size, never allocates. msg is one line a user can act on, with a
 * locus ("plugins/x.so: function 'add': parameter 'a': ...") first. */
typedef struct keel_error {
    int code;
    char msg[KEEL_ERROR_MAX];
} keel_error;

/* Sets err (when not NULL) and returns code. */
int keel_error_set(keel_error *err, int code, const char *fmt, ...)
    KEEL_PRINTF(3, 4);
/* Prefixes err->msg with "prefix: ". Returns err->code, or KEEL_EINVAL when
 * err is NULL: callers that may get a NULL err return their own code. */
int keel_error_prefix(keel_error *err, const char *fmt, ...) KEEL_PRINTF(2, 3);
/* A short fixed name for a code ("invalid input"); never NULL. */
const char *keel_strerror(int code);

/* ---- provenance labels ------------------------------------------------- */
/* An immutable, reference-counted, sorted set of source names such as
 * "user" or "http.get". NULL is the empty set everywhere. */
typedef struct keel_labels keel_labels;

#define KEEL_LABEL_USER "user"

/* A new set holding one name (copied). NULL on out-of-memory. */
keel_labels *keel_labels_new(const char *name);
/* a ∪ b as a new reference (either argument may be NULL). Returns NULL for
 * the empty set; sets *oom when it fails for lack of memory. */
keel_labels *keel_labels_union(const keel_labels *a, const keel_labels *b,
                               int *oom);
keel_labels *keel_labels_ref(const keel_labels *l);
void keel_labels_unref(keel_labels *l);
size_t keel_labels_count(const keel_labels *l);
const char *keel_labels_at(const keel_labels *l, size_t i);
bool keel_labels_contains(const keel_labels *l, const char *name);
/* True when every name of a is in b. */
bool keel_labels_subset(const keel_labels *a, const keel_labels *b);
/* The names of l for which keep(ud, name) is true, as a new reference
 * (NULL for the empty set; *oom set when it fails for lack of memory). */
keel_labels *keel_labels_filter(const keel_labels *l,
                                bool (*keep)(void *ud, const char *name),
                                void *ud, int *oom);

/* ---- values ------------------------------------------------------------ */
/* Constructors return a new reference, or NULL on out-of-memory. */
keel_value *keel_value_null(void);
keel_value *keel_value_bool(bool b);
keel_value *keel_value_int(int64_t i);
keel_value *keel_value_float(double d);
/* Copies len bytes. The caller vouches for UTF-8 (see keel_utf8_valid). */
keel_value *keel_value_string(const char *s, size_t len);
keel_value *keel_value_cstring(const char *s);
keel_value *keel_value_list(void);
keel_value *keel_value_object(void);

keel_value *keel_value_ref(const keel_value *v);
void keel_value_unref(keel_value *v);

keel_type keel_value_type(const keel_value *v);
const char *keel_type_name(keel_type t); /* "int", "string", ... */
/* Parses a type name as written in docs and schemas; -1 if unknown. */
int keel_type_from_name(const char *name);

bool keel_value_get_bool(const keel_value *v);       /* false if not bool */
int64_t keel_value_get_int(const keel_value *v);     /* 0 if not int */
double keel_value_get_float(const keel_value *v);    /* 0 if not float */
const char *keel_value_get_string(const keel_value *v, size_t *len);
size_t keel_value_len(const keel_value *v); /* list/object/string length */
const keel_value *keel_value_list_at(const keel_value *v, size_t i);
const char *keel_value_object_key_at(const keel_value *v, size_t i);
const keel_value *keel_value_object_value_at(const keel_value *v, size_t i);
const keel_value *keel_value_object_get(const keel_value *v, const char *key);

/* Mutators for values still being built (not yet shared). The container
 * takes its own reference to item and unions item's labels into its own.
 * A container taken into another (the _take forms) is finished: changing
 * it afterwards through a pointer kept to it is refused (KEEL_EINVAL), as
 * is putting a container into itself, so that a container's labels always
 * hold those of everything below it. */
int keel_value_list_append(keel_value *list, const keel_value *item);
int keel_value_object_set(keel_value *obj, const char *key,
                          const keel_value *item);
/* As above, but take the caller's reference to item (even on failure). */
int keel_value_list_append_take(keel_value *list, keel_value *item);
int keel_value_object_set_take(keel_value *obj, const char *key,
                               keel_value *item);

/* Labels of the value (borrowed; NULL when empty). */
const keel_labels *keel_value_labels(const keel_value *v);
/* Makes *v and everything inside it carry at least labels. Nodes shared with
 * other owners are copied rather than changed (copy on write). */
int keel_value_add_labels(keel_value **v, const keel_labels *labels);

/* Removes from *v and everything inside it the labels for which keep(ud,
 * name) is false: the one way a label leaves a value (a policy's declassify
 * rule). Shared nodes are copied rather than changed. */
int keel_value_filter_labels(keel_value **v,
                             bool (*keep)(void *ud, const char *name),
                             void *ud);

/* Where the labels inside v are, for storing beside its JSON: an object
 * mapping a JSON Pointer to a list of label names, for each node whose
 * labels differ from its container's ("" for v itself). *out is new. */
int keel_value_label_map(keel_value **out, const keel_value *v);
/* A copy of v (read from JSON, without labels) carrying the labels of a
 * map made by keel_value_label_map: the value as it was labelled. A
 * malformed map is KEEL_EINVAL. */
int keel_value_relabel(keel_value **out, const keel_value *v,
                       const keel_value *map);

/* Structural equality; labels are not compared. */
bool keel_value_equal(const keel_value *a, const keel_value *b);

/* ---- JSON -------------------------------------------------------------- */
/* Parses JSON text into *out. Integers that fit int64 stay ints; other
 * numbers become floats (too large for a double: KEEL_ERANGE). Strings must
 * be valid UTF-8 and object keys unique. On error the message names the line
 * and column, or the JSON Pointer of the offending value. */
int keel_value_from_json(keel_value **out, const char *text, size_t len,
                         keel_error *err);
/* Compact JSON into *out (caller frees with keel_free). Floats are written
 * with the fewest of 15, 16 or 17 significant digits that read back
 * exactly, and always show a fraction or exponent so they read back as
 * floats; NaN and infinities (which JSON lacks) are written as null. */
int keel_value_to_json(char **out, const keel_value *v, bool pretty);
bool keel_utf8_valid(const char *s, size_t len);

/* Canonical JSON into *out (caller frees with keel_free): no whitespace,
 * object members sorted by key (byte order of the UTF-8 key), integers as
 * written, floats in their shortest round-trip form. The same value always
 * gives the same text, whatever order its members were built in. */
int keel_value_to_canonical_json(char **out, const keel_value *v);

/* ---- hashing ----------------------------------------------------------- */
typedef struct keel_sha256_ctx {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t fill;
} keel_sha256_ctx;

void keel_sha256_init(keel_sha256_ctx *c);
void keel_sha256_update(keel_sha256_ctx *c, const void *data, size_t n);
void keel_sha256_final(keel_sha256_ctx *c, unsigned char out[32]);
/* SHA-256 of data as 64 lower-case hex digits and a NUL. */
void keel_sha256_hex(char out[65], const void *data, size_t n);
/* keel_sha256_final as 64 lower-case hex digits and a NUL. */
void keel_sha256_final_hex(keel_sha256_ctx *c, char out[65]);

/* ---- memory ------------------------------------------------------------ */
void *keel_malloc(size_t n);
void *keel_calloc(size_t n, size_t size);
void *keel_realloc(void *p, size_t n);
char *keel_strdup(const char *s);
char *keel_strndup(const char *s, size_t n);
void keel_free(void *p);

/* ---- the kernel --------------------------------------------------------- */
typedef struct keel_kernel keel_kernel;

/* Read-only view of a registered function (borrowed from the kernel). */
typedef struct keel_fn_info {
    const char *qualified_name; /* "plugin.function" */
    const char *plugin;
    const char *name;
    const char *description;
    const keel_param *params; /* the plugin's own table, host layout */
    size_t n_params;
    keel_type returns;
    const char *returns_schema;
    unsigned effects;
    bool untrusted_output;
} keel_fn_info;

/* Read-only view of a plugin that loaded or failed. */
typedef struct keel_plugin_info {
    const char *name;    /* NULL when it failed before its name was read */
    const char *version; /* NULL when it failed before it was read */
    const char *description;
    const char *path;
    size_t n_functions;
    bool loaded;
    const char *error; /* why it failed, or NULL */
} keel_plugin_info;

/* Log sink for plugin and kernel messages; NULL writes nothing. */
typedef void (*keel_log_fn)(void *ud, int level, const char *source,
                            const char *msg);

/* The directory behind api->directory (plugin ABI 1.1): fn answers op on
 * args with a new value in *out (the caller unrefs it), or fails with a
 * message in err. The kernel does not own ud. */
typedef int (*keel_directory_fn)(void *ud, const char *op,
                                 const keel_value *args, keel_value **out,
                                 keel_error *err);

int keel_kernel_open(keel_kernel **out, keel_error *err);
/* Calls every loaded plugin's fini, frees the kernel. Plugins stay mapped. */
void keel_kernel_free(keel_kernel *k);
void keel_kernel_set_log(keel_kernel *k, keel_log_fn fn, void *ud);
/* Attaches the directory plugins reach through api->directory; without
 * one, that call fails with KEEL_EUNAVAIL. */
void keel_kernel_set_directory(keel_kernel *k, keel_directory_fn fn, void *ud);

/* Per-plugin settings handed to init: an object keyed by plugin name.
 * The kernel takes its own reference. */
int keel_kernel_set_plugin_settings(keel_kernel *k, const keel_value *settings,
                                    keel_error *err);

/* Loads one plugin file (absolute path). A refused plugin is recorded with
 * its reason (see keel_kernel_plugin_at) and nothing of it is registered. */
int keel_kernel_load_file(keel_kernel *k, const char *path, keel_error *err);
/* Loads every *.so in an absolute directory, in name order. One bad plugin
 * does not stop the others; returns the number of plugins refused (>= 0) or
 * a negative code when the directory itself is unusable. */
int keel_kernel_load_dir(keel_kernel *k, const char *dir, keel_error *err);

size_t keel_kernel_plugin_count(const keel_kernel *k);
int keel_kernel_plugin_at(keel_plugin_info *out, const keel_kernel *k,
                          size_t i);

size_t keel_kernel_function_count(const keel_kernel *k);
/* Functions sorted by qualified name. */
const keel_fn_info *keel_kernel_function_at(const keel_kernel *k, size_t i);
const keel_fn_info *keel_kernel_lookup(const keel_kernel *k, const char *name);

/* Up to max (at most 8) registered names close to name (typos, or the same
 * function name in another plugin), best first; returns how many.
 * Borrowed. */
size_t keel_kernel_suggest(const keel_kernel *k, const char *name,
                           const char **out, size_t max);

/* Checks v against parameter i of fn (type and constraints); an int given
 * for a float parameter is replaced by the equal float, so *v may change.
 * err->msg has no locus: the caller adds one. */
int keel_fn_check_arg(const keel_fn_info *fn, size_t i, keel_value **v,
                      keel_error *err);
/* The function's return schema as a value (borrowed), or NULL. */
const keel_value *keel_fn_returns_schema(const keel_fn_info *fn);

/* Checks args (an object) against fn's parameters, fills defaults, calls the
 * function and returns its result (a new reference) through *out. The result
 * carries the union of the arguments' labels, plus "plugin.function" when
 * the function's output is untrusted. */
int keel_invoke(keel_value **out, keel_kernel *k, const char *name,
                const keel_value *args, keel_error *err);

/* Options for one call. A plugin sees cancellation through api->canceled(),
 * which turns true once *cancel is nonzero or the deadline has passed; a
 * call still running at its deadline fails with KEEL_ETIMEOUT when it
 * returns, whatever it returned. *cancel is read atomically: set it from
 * another thread with keel_cancel(). */
typedef struct keel_invoke_opts {
    int64_t deadline_ns; /* CLOCK_MONOTONIC, 0 for none */
    const int *cancel;   /* or NULL */
} keel_invoke_opts;

/* Sets *flag to 1 atomically (release), for keel_invoke_opts.cancel. */
void keel_cancel(int *flag);

int keel_invoke_ex(keel_value **out, keel_kernel *k, const char *name,
                   const keel_value *args, const keel_invoke_opts *opts,
                   keel_error *err);
/* CLOCK_MONOTONIC now, in nanoseconds. */
int64_t keel_now_ns(void);

/* The name of one KEEL_EFFECT_* flag ("reads", "destructive"...), or NULL
 * for anything else. */
const char *keel_effect_name(unsigned flag);

/* ---- catalog ----------------------------------------------------------- */
/* The OpenAI tool name of a function ("math-add") and back. The mapping is
 * reversible because canonical names never contain '-'. Return 0 or
 * KEEL_ERANGE when cap is too small. */
int keel_tool_name(char *buf, size_t cap, const char *qualified_name);
int keel_tool_name_parse(char *buf, size_t cap, const char *tool_name);
/* One function as an OpenAI-compatible tool definition with keel's fields
 * beside it, as JSON text (caller frees with keel_free). */
int keel_catalog_function_json(char **out, const keel_fn_info *fn, bool pretty);
/* The same definition as a value (*out is a new reference). It shares
 * nodes with the kernel's registry (schema fragments, defaults, the return
 * schema): read it, put it into other values, never change it. */
int keel_catalog_function_value(keel_value **out, const keel_fn_info *fn);
/* Every function, as a JSON array of the above. */
int keel_catalog_json(char **out, const keel_kernel *k, bool pretty);
/* Every function as readable text, two lines each:
 *   math.round(x: float, digits?: int) -> float  [idempotent]
 *       Rounds x to ...
 * (caller frees with keel_free). */
int keel_catalog_text(char **out, const keel_kernel *k);

#ifdef __cplusplus
}
#endif

#endif /* KEEL_KEEL_H */
