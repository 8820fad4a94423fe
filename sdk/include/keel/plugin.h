/*
 * keel/plugin.h - the one header a keel plugin includes.
 *
 * A plugin is a shared object that links against nothing of keel. It exports
 * exactly one symbol, keel_plugin_entry, declared with KEEL_PLUGIN_EXPORT(d);
 * The host calls it with its API table and gets back a constant descriptor:
 * the ABI stamp, the plugin's name, version and description, and a static
 * table of typed functions.
 *
 * Values cross the boundary only as opaque handles (keel_value), read and
 * built through the host API table. The host checks every argument against
 * the declared parameter schema before a callback runs, so a callback never
 * sees a missing required argument or a value of the wrong type.
 *
 * Ownership, in one place:
 *   - Descriptors (keel_plugin, keel_function, keel_param and every string in
 *     them) are owned by the plugin and must stay valid while the process
 *     lives; the host never dlcloses a plugin.
 *   - Argument handles passed to a callback are borrowed for the call.
 *   - Handles a callback creates through the API belong to the call; the host
 *     frees them when the call ends. The handle a callback returns through
 *     *result is adopted by the host. Containers take their own reference to
 *     items appended to them, so an argument may be appended as is.
 *   - Strings returned by getters are borrowed from the handle.
 *   - Memory from api->call_alloc() belongs to the call and is freed by the
 *     host when the call ends.
 *
 * ABI versioning: major.minor. The host refuses a plugin whose major differs
 * from its own or whose minor is newer. Descriptor tables are read with the
 * struct sizes the plugin was compiled with, so structures grow append-only
 * within a major version. The host API table starts with its own version and
 * size; a plugin tests for a member added in a later minor with
 * KEEL_API_HAS(api, member).
 *
 * This header is C99 -pedantic and C++ clean.
 */
#ifndef KEEL_PLUGIN_H
#define KEEL_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Since: 1.0. Bump the major for any incompatible change, the minor for
 * append-only growth. docs/plugin-abi.md keeps the changelog. */
#define KEEL_ABI_MAJOR 1
#define KEEL_ABI_MINOR 1

/* "KEEL" in ASCII: the first thing the loader checks, so a random symbol of
 * the right name is refused before any other field is read. */
#define KEEL_ABI_MAGIC 0x4b45454cu

/* ---- error codes ------------------------------------------------------
 * 0 is success; errors are negative. Append-only: codes are never
 * renumbered or reused. Meanings are in docs/errors.md. */
#define KEEL_OK 0
#define KEEL_EINVAL (-1)     /* invalid input (argument, file, syntax) */
#define KEEL_ENOMEM (-2)     /* out of memory */
#define KEEL_ENOTFOUND (-3)  /* no such function, plugin, file or key */
#define KEEL_EIO (-4)        /* I/O error */
#define KEEL_EABI (-5)       /* plugin built for an incompatible ABI */
#define KEEL_EUNSAFE (-6)    /* refused for safety (permissions, path) */
#define KEEL_EEXISTS (-7)    /* duplicate name */
#define KEEL_ETYPE (-8)      /* value of the wrong type */
#define KEEL_ERANGE (-9)     /* value out of range, overflow */
#define KEEL_EFAILED (-10)   /* a function failed at run time */
#define KEEL_EPLUGIN (-11)   /* malformed plugin descriptor */
#define KEEL_EDENIED (-12)   /* denied by policy */
#define KEEL_EAPPROVAL (-13) /* stopped, waiting for approval */
#define KEEL_EUNAVAIL (-14)  /* required service unreachable or failing */
#define KEEL_EAUTH (-15)     /* authentication failed */
#define KEEL_ETIMEOUT (-16)  /* deadline exceeded */
#define KEEL_ECANCELED (-17) /* canceled */

/* ---- types ------------------------------------------------------------ */
typedef enum keel_type {
    KEEL_TYPE_NULL = 0,
    KEEL_TYPE_BOOL = 1,
    KEEL_TYPE_INT = 2,    /* int64_t */
    KEEL_TYPE_FLOAT = 3,  /* double */
    KEEL_TYPE_STRING = 4, /* UTF-8, may hold NUL bytes: use the length */
    KEEL_TYPE_LIST = 5,
    KEEL_TYPE_OBJECT = 6,
    KEEL_TYPE_ANY = 7 /* descriptors only: accepts or returns any type */
} keel_type;

/* Effect flags of a function (keel_function.effects). */
#define KEEL_EFFECT_READS 0x01u       /* reads external state */
#define KEEL_EFFECT_WRITES 0x02u      /* writes external state */
#define KEEL_EFFECT_NETWORK 0x04u     /* talks to the network */
#define KEEL_EFFECT_DESTRUCTIVE 0x08u /* deletes or disables something */
#define KEEL_EFFECT_IDEMPOTENT 0x10u  /* safe to run again after a crash */

/* Well-known parameter sink classes (keel_param.sink). Policies match sinks
 * by class, never by parameter name. Any other [a-z][a-z0-9_]* is allowed. */
#define KEEL_SINK_RECIPIENT "recipient"
#define KEEL_SINK_URL "url"
#define KEEL_SINK_PAYEE "payee"
#define KEEL_SINK_PATH "path"
#define KEEL_SINK_COMMAND "command"
#define KEEL_SINK_QUERY "query"
#define KEEL_SINK_TEXT "text"

/* keel_type travels inside descriptors, so its size is part of the ABI: a
 * plugin built with -fshort-enums (or any compiler that narrows enums)
 * fails to compile here instead of loading with a shifted layout. */
typedef char keel_type_must_be_int_sized[sizeof(keel_type) == sizeof(int) ? 1 : -1];

/* Opaque handles. A NULL handle reads as null: getters given NULL return
 * KEEL_ETYPE, NULL or 0, which lets calls nest, e.g.
 * api->get_string(api->object_get(args, "x"), NULL). */
typedef struct keel_value keel_value; /* a typed value with provenance */
typedef struct keel_call keel_call;   /* one call (or one init) in progress */

struct keel_host_api;

/* A function callback. args is an object holding every declared parameter
 * that was given or has a default, already checked against the schema.
 * On success set *result (NULL means null) and return 0. On failure return a
 * negative KEEL_E* code after api->set_error(). Never longjmp or exit. */
typedef int (*keel_fn)(const struct keel_host_api *api, keel_call *call,
                       const keel_value *args, keel_value **result);

/* Optional plugin lifecycle. init receives the plugin's own settings object
 * from the configuration (an empty object when none) and may set *state,
 * which later calls read with api->plugin_state(). fini releases it. */
typedef int (*keel_init_fn)(const struct keel_host_api *api, keel_call *ctx,
                            const keel_value *config, void **state);
typedef void (*keel_fini_fn)(void *state);

/* One parameter. Since: 1.0. */
typedef struct keel_param {
    const char *name;        /* [a-z][a-z0-9_]*, unique in the function */
    keel_type type;          /* KEEL_TYPE_ANY accepts every type */
    const char *description; /* read by people and by the LLM */
    bool required;
    const char *default_json; /* JSON text of the default, or NULL */
    /* JSON-Schema fragment, or NULL. Keywords: enum, minimum, maximum,
     * exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern
     * (POSIX extended regex), minItems, maxItems, items, type. */
    const char *schema;
    const char *sink; /* sink class (KEEL_SINK_*), or NULL */
} keel_param;

/* One function. Since: 1.0. */
typedef struct keel_function {
    const char *name;        /* [a-z][a-z0-9_]*; called as plugin.name */
    const char *description; /* read by people and by the LLM */
    const keel_param *params;
    size_t n_params;
    keel_type returns;
    const char *returns_schema; /* JSON Schema of the result, or NULL */
    unsigned effects;           /* KEEL_EFFECT_* */
    bool untrusted_output;      /* output is external content, not data
                                   the plugin vouches for */
    keel_fn fn;
} keel_function;

/* Compiled into every descriptor by KEEL_ABI_STAMP: the ABI version and the
 * sizes of the descriptor structs as the plugin's compiler saw them. */
typedef struct keel_abi_stamp {
    uint32_t magic;
    uint16_t major;
    uint16_t minor;
    uint32_t sizeof_plugin;
    uint32_t sizeof_function;
    uint32_t sizeof_param;
} keel_abi_stamp;

#define KEEL_ABI_STAMP                                                     \
    {                                                                      \
        KEEL_ABI_MAGIC, KEEL_ABI_MAJOR, KEEL_ABI_MINOR,                    \
            (uint32_t)sizeof(keel_plugin), (uint32_t)sizeof(keel_function),\
            (uint32_t)sizeof(keel_param)                                   \
    }

/* The plugin descriptor. Since: 1.0. */
typedef struct keel_plugin {
    keel_abi_stamp abi; /* always KEEL_ABI_STAMP */
    const char *name;   /* [a-z][a-z0-9_]*, unique among loaded plugins */
    const char *version;
    const char *description;
    const keel_function *functions;
    size_t n_functions;
    keel_init_fn init; /* may be NULL */
    keel_fini_fn fini; /* may be NULL */
} keel_plugin;

/* Log levels for api->log. */
#define KEEL_LOG_DEBUG 0
#define KEEL_LOG_INFO 1
#define KEEL_LOG_WARN 2
#define KEEL_LOG_ERROR 3

#if defined(__GNUC__) || defined(__clang__)
#define KEEL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define KEEL_VISIBLE __attribute__((visibility("default")))
#else
#define KEEL_PRINTF(fmt, args)
#define KEEL_VISIBLE
#endif

#ifdef __cplusplus
#define KEEL_EXPORT_SYM extern "C" KEEL_VISIBLE
#else
#define KEEL_EXPORT_SYM KEEL_VISIBLE
#endif

/* The host API table. Since: 1.0. Append-only: new members go at the end
 * and are announced by a minor bump; test with KEEL_API_HAS. Getters never
 * coerce: asking a string for an int returns KEEL_ETYPE. Every pointer-
 * returning getter returns NULL on a type mismatch or a bad index. */
typedef struct keel_host_api {
    uint16_t abi_major;
    uint16_t abi_minor;
    uint32_t size; /* sizeof(keel_host_api) as the host was compiled */

    /* -- reading (handles borrowed) -- */
    keel_type (*type_of)(const keel_value *v);
    int (*get_bool)(const keel_value *v, bool *out);
    int (*get_int)(const keel_value *v, int64_t *out);
    /* Accepts FLOAT only. Use get_number to read INT or FLOAT as double. */
    int (*get_float)(const keel_value *v, double *out);
    int (*get_number)(const keel_value *v, double *out);
    /* Returns the bytes (NUL-terminated) and sets *len when len != NULL. */
    const char *(*get_string)(const keel_value *v, size_t *len);
    size_t (*list_len)(const keel_value *v);
    const keel_value *(*list_at)(const keel_value *v, size_t i);
    size_t (*object_len)(const keel_value *v);
    const char *(*object_key_at)(const keel_value *v, size_t i);
    const keel_value *(*object_value_at)(const keel_value *v, size_t i);
    const keel_value *(*object_get)(const keel_value *v, const char *key);

    /* -- building (handles belong to the call; NULL on out-of-memory) -- */
    keel_value *(*new_null)(keel_call *c);
    keel_value *(*new_bool)(keel_call *c, bool b);
    keel_value *(*new_int)(keel_call *c, int64_t i);
    keel_value *(*new_float)(keel_call *c, double d);
    /* Copies len bytes; the string must be valid UTF-8 (else NULL and an
     * error is set on the call). */
    keel_value *(*new_string)(keel_call *c, const char *s, size_t len);
    keel_value *(*new_list)(keel_call *c);
    keel_value *(*new_object)(keel_call *c);
    /* Only a container this call made, and only until it is itself put
     * into another value: build it fully first (this makes cycles
     * impossible). item is shared, not moved. KEEL_EINVAL otherwise. */
    int (*list_append)(keel_call *c, keel_value *list, const keel_value *item);
    /* Replaces an existing key. */
    int (*object_set)(keel_call *c, keel_value *obj, const char *key,
                      const keel_value *item);
    /* Parses JSON text into a value; on bad JSON returns NULL and sets an
     * error naming the line and column. */
    keel_value *(*parse_json)(keel_call *c, const char *text, size_t len);
    /* Serialises a value as compact JSON; the string belongs to the call. */
    const char *(*to_json)(keel_call *c, const keel_value *v);

    /* -- the call -- */
    /* Sets the message that goes with a negative return; returns code. */
    int (*set_error)(keel_call *c, int code, const char *fmt, ...)
        KEEL_PRINTF(3, 4);
    void (*log)(keel_call *c, int level, const char *fmt, ...)
        KEEL_PRINTF(3, 4);
    /* Zeroed memory freed by the host when the call ends. */
    void *(*call_alloc)(keel_call *c, size_t n);
    /* The state set by the plugin's init, or NULL. */
    void *(*plugin_state)(keel_call *c);
    /* Nonzero once the host asks the call to stop (deadline, cancel). */
    int (*canceled)(keel_call *c);

    /* -- since 1.1 -- */
    /* A read-only lookup through the host's directory connection (its
     * TLS, timeouts and service account), so a plugin needs no LDAP library:
     *   "find_user"     {"key": uid or mail}      -> {dn, uid, name, mail,
     *                                                manager, groups}
     *   "group_members" {"group": DN, "nested": bool} -> [DN, ...]
     *   "user_groups"   {"key": uid or mail}      -> [group DN, ...]
     * On success *result belongs to the call. On failure returns a negative
     * KEEL_E* with the call's error set: KEEL_EUNAVAIL when no directory is
     * configured or it cannot be reached, KEEL_ENOTFOUND for no such user
     * or group, KEEL_EINVAL for an unknown op or bad arguments. */
    int (*directory)(keel_call *c, const char *op, const keel_value *args,
                     keel_value **result);
} keel_host_api;

/* True when the host's table has member m (a later-minor addition). */
#define KEEL_API_HAS(api, m)                                                \
    ((api)->size >= offsetof(keel_host_api, m) + sizeof((api)->m))

/* The symbol the host looks up. */
#define KEEL_PLUGIN_ENTRY_NAME "keel_plugin_entry"

typedef const keel_plugin *(*keel_plugin_entry_fn)(const keel_host_api *api);

/* Declares the plugin's one exported entry point, used at file scope and
 * ended with a semicolon like a declaration: KEEL_PLUGIN_EXPORT(plugin);
 * The entry has no side effects: it returns the address of the plugin's
 * static descriptor. (The macro ends with a struct declaration so that
 * the user's semicolon completes it under -pedantic.) */
#define KEEL_PLUGIN_EXPORT(descriptor)                                      \
    KEEL_EXPORT_SYM const keel_plugin *keel_plugin_entry(                   \
        const keel_host_api *api);                                          \
    KEEL_EXPORT_SYM const keel_plugin *keel_plugin_entry(                   \
        const keel_host_api *api)                                           \
    {                                                                       \
        (void)api;                                                          \
        return &(descriptor);                                               \
    }                                                                       \
    struct keel_plugin_export_end

#define KEEL_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

#ifdef __cplusplus
}
#endif

#endif /* KEEL_PLUGIN_H */
