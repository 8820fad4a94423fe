/*
 * descriptor.c - read and validate a plugin's descriptor.
 *
 * The descriptor lives in the plugin's memory and was laid out by the
 * plugin's compiler. Rows are read with the strides the plugin stamped, and
 * copied into host-layout structs (zero-filled past what the plugin knew),
 * so tables can grow append-only within a major version. Everything is
 * checked before anything is registered.
 */
#include "kernel_internal.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

#define NAME_MAX_QUALIFIED 64

bool keel_name_canonical(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Copies the first min(have, want) bytes of row i of a table with stride
 * have into dst (want bytes, zero-filled). */
static void read_row(void *dst, size_t want, const void *table, size_t have,
                     size_t i)
{
    memset(dst, 0, want);
    memcpy(dst, (const char *)table + i * have, have < want ? have : want);
}

/* Descriptor text ends up in JSON catalogs and LLM prompts. */
static bool text_ok(const char *s)
{
    return s && *s && keel_utf8_valid(s, strlen(s));
}

static bool type_known(keel_type t)
{
    return (unsigned)t <= KEEL_TYPE_ANY;
}

static const unsigned known_effects =
    KEEL_EFFECT_READS | KEEL_EFFECT_WRITES | KEEL_EFFECT_NETWORK |
    KEEL_EFFECT_DESTRUCTIVE | KEEL_EFFECT_IDEMPOTENT;

static void fn_entry_release(fn_entry *f)
{
    for (size_t i = 0; f->params && i < f->info.n_params; i++) {
        keel_schema_free(f->schemas ? f->schemas[i] : NULL);
        keel_value_unref(f->defaults ? f->defaults[i] : NULL);
    }
    keel_free(f->params);
    keel_free(f->schemas);
    keel_free(f->defaults);
    keel_value_unref(f->returns_schema);
    keel_labels_unref(f->self_label);
    keel_free(f->qname);
    memset(f, 0, sizeof(*f));
}

static int read_param(fn_entry *f, size_t i, keel_error *err)
{
    keel_param *p = &f->params[i];
    if (!keel_name_canonical(p->name))
        return keel_error_set(err, KEEL_EPLUGIN,
                              "parameter %zu: name '%s' is not canonical "
                              "([a-z][a-z0-9_]*)", i, p->name ? p->name : "(null)");
    for (size_t j = 0; j < i; j++)
        if (strcmp(f->params[j].name, p->name) == 0)
            return keel_error_set(err, KEEL_EPLUGIN,
                                  "parameter '%s' is declared twice", p->name);
    if (!type_known(p->type))
        return keel_error_set(err, KEEL_EPLUGIN,
                              "parameter '%s': unknown type %d", p->name,
                              (int)p->type);
    if (!text_ok(p->description))
        return keel_error_set(err, KEEL_EPLUGIN,
                              "parameter '%s': description missing or not "
                              "valid UTF-8", p->name);
    if (p->sink && !keel_name_canonical(p->sink))
        return keel_error_set(err, KEEL_EPLUGIN,
                              "parameter '%s': sink class '%s' is not canonical",
                              p->name, p->sink);
    int rc = keel_schema_compile(&f->schemas[i], p->type, p->schema, err);
    if (rc) {
        keel_error_prefix(err, "parameter '%s': schema", p->name);
        return rc;
    }
    if (!p->default_json)
        return 0;
    if (p->required)
        return keel_error_set(err, KEEL_EPLUGIN,
                              "parameter '%s': a required parameter cannot "
                              "have a default", p->name);
    rc = keel_value_from_json(&f->defaults[i], p->default_json,
                              strlen(p->default_json), err);
    if (rc == 0)
        rc = keel_schema_check(f->schemas[i], &f->defaults[i], err);
    if (rc) {
        keel_error_prefix(err, "parameter '%s': default", p->name);
        return rc;
    }
    return 0;
}

static int read_function(fn_entry *f, plugin_rec *rec, const keel_function *fd,
                         size_t param_stride, keel_error *err)
{
    if (!keel_name_canonical(fd->name))
        return keel_error_set(err, KEEL_EPLUGIN,
                              "name '%s' is not canonical ([a-z][a-z0-9_]*)",
                              fd->name ? fd->name : "(null)");
    size_t qlen = strlen(rec->name) + 1 + strlen(fd->name);
    if (qlen > NAME_MAX_QUALIFIED)
        return keel_error_set(err, KEEL_EPLUGIN,
                              "qualified name %s.%s is %zu characters, the "
                              "limit is %d", rec->name, fd->name, qlen,
                              NAME_MAX_QUALIFIED);
    f->qname = keel_malloc(qlen + 1);
    if (!f->qname)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    snprintf(f->qname, qlen + 1, "%s.%s", rec->name, fd->name);
    if (!text_ok(fd->description))
        return keel_error_set(err, KEEL_EPLUGIN,
                              "description missing or not valid UTF-8");
    if (!fd->fn)
        return keel_error_set(err, KEEL_EPLUGIN, "no callback");
    if (!type_known(fd->returns))
        return keel_error_set(err, KEEL_EPLUGIN, "unknown return type %d",
                              (int)fd->returns);
    if (fd->effects & ~known_effects)
        return keel_error_set(err, KEEL_EPLUGIN, "unknown effect flags 0x%x",
                              fd->effects & ~known_effects);
    if (fd->n_params && !fd->params)
        return keel_error_set(err, KEEL_EPLUGIN, "n_params is %zu but params "
                              "is NULL", fd->n_params);
    if (fd->n_params > 64)
        return keel_error_set(err, KEEL_EPLUGIN, "%zu parameters; at most 64",
                              fd->n_params);
    f->info.n_params = fd->n_params;
    f->params = keel_calloc(fd->n_params, sizeof(keel_param));
    f->schemas = keel_calloc(fd->n_params, sizeof(keel_schema *));
    f->defaults = keel_calloc(fd->n_params, sizeof(keel_value *));
    if (!f->params || !f->schemas || !f->defaults)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    for (size_t i = 0; i < fd->n_params; i++) {
        read_row(&f->params[i], sizeof(keel_param), fd->params, param_stride, i);
        int rc = read_param(f, i, err);
        if (rc)
            return rc;
    }
    if (fd->returns_schema) {
        int rc = keel_value_from_json(&f->returns_schema, fd->returns_schema,
                                      strlen(fd->returns_schema), err);
        if (rc == 0 && keel_value_type(f->returns_schema) != KEEL_TYPE_OBJECT)
            rc = keel_error_set(err, KEEL_EPLUGIN, "must be a JSON object");
        if (rc) {
            keel_error_prefix(err, "returns_schema");
            return rc;
        }
    }
    if (fd->untrusted_output && !(f->self_label = keel_labels_new(f->qname)))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    f->info.qualified_name = f->qname;
    f->info.plugin = rec->name;
    f->info.name = f->qname + strlen(rec->name) + 1;
    f->info.description = fd->description;
    f->info.params = f->params;
    f->info.returns = fd->returns;
    f->info.returns_schema = fd->returns_schema;
    f->info.effects = fd->effects;
    f->info.untrusted_output = fd->untrusted_output;
    f->fn = fd->fn;
    f->plugin = rec;
    return 0;
}

static int check_stamp(const keel_abi_stamp *st, keel_error *err)
{
    if (st->magic != KEEL_ABI_MAGIC)
        return keel_error_set(err, KEEL_EABI,
                              "descriptor has no keel ABI stamp (bad magic "
                              "0x%08x); was it built with KEEL_ABI_STAMP?",
                              st->magic);
    if (st->major != KEEL_ABI_MAJOR)
        return keel_error_set(err, KEEL_EABI,
                              "built for keel plugin ABI %u.%u, but this keel "
                              "supports ABI %d.%d (major versions differ); "
                              "rebuild the plugin against this keel",
                              st->major, st->minor, KEEL_ABI_MAJOR,
                              KEEL_ABI_MINOR);
    if (st->minor > KEEL_ABI_MINOR)
        return keel_error_set(err, KEEL_EABI,
                              "built for keel plugin ABI %u.%u, newer than "
                              "this keel's ABI %d.%d; upgrade keel or rebuild "
                              "the plugin", st->major, st->minor,
                              KEEL_ABI_MAJOR, KEEL_ABI_MINOR);
    /* Sizes beyond any plausible growth mean a corrupt stamp: reading rows
     * with them would run past the plugin's tables. */
    if (st->sizeof_plugin > 4096 || st->sizeof_function > 4096 ||
        st->sizeof_param > 4096)
        return keel_error_set(err, KEEL_EABI,
                              "descriptor struct sizes (%u, %u, %u) are not "
                              "plausible; the ABI stamp is corrupt",
                              st->sizeof_plugin, st->sizeof_function,
                              st->sizeof_param);
    /* Within one major the 1.0 members are always present. */
    if (st->sizeof_plugin < offsetof(keel_plugin, fini) + sizeof(keel_fini_fn) ||
        st->sizeof_function < offsetof(keel_function, fn) + sizeof(keel_fn) ||
        st->sizeof_param < offsetof(keel_param, sink) + sizeof(const char *))
        return keel_error_set(err, KEEL_EABI,
                              "descriptor struct sizes (%u, %u, %u) are "
                              "smaller than ABI %u.0 requires",
                              st->sizeof_plugin, st->sizeof_function,
                              st->sizeof_param, st->major);
    return 0;
}

static char *dup_or_null(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = keel_strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

int keel_descriptor_read(plugin_rec *rec, const keel_plugin *desc,
                         keel_error *err)
{
    int rc = check_stamp(&desc->abi, err);
    if (rc)
        return rc;
    keel_plugin pd;
    read_row(&pd, sizeof(pd), desc, desc->abi.sizeof_plugin, 0);
    if (!keel_name_canonical(pd.name))
        return keel_error_set(err, KEEL_EPLUGIN,
                              "plugin name '%s' is not canonical "
                              "([a-z][a-z0-9_]*)", pd.name ? pd.name : "(null)");
    if (strlen(pd.name) > NAME_MAX_QUALIFIED - 2)
        return keel_error_set(err, KEEL_EPLUGIN, "plugin name '%s' is too long",
                              pd.name);
    if ((pd.version && *pd.version && !text_ok(pd.version)) ||
        (pd.description && *pd.description && !text_ok(pd.description)))
        return keel_error_set(err, KEEL_EPLUGIN, "plugin version or "
                              "description is not valid UTF-8");
    int oom = 0;
    rec->name = dup_or_null(pd.name, &oom);
    rec->version = dup_or_null(pd.version ? pd.version : "", &oom);
    rec->description = dup_or_null(pd.description ? pd.description : "", &oom);
    if (oom)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (pd.n_functions && !pd.functions)
        return keel_error_set(err, KEEL_EPLUGIN,
                              "n_functions is %zu but functions is NULL",
                              pd.n_functions);
    if (pd.n_functions > 4096)
        return keel_error_set(err, KEEL_EPLUGIN, "%zu functions; at most 4096",
                              pd.n_functions);
    rec->fns = keel_calloc(pd.n_functions, sizeof(fn_entry));
    if (!rec->fns)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    rec->n_fns = pd.n_functions;
    for (size_t i = 0; i < pd.n_functions && rc == 0; i++) {
        keel_function fd;
        read_row(&fd, sizeof(fd), pd.functions, desc->abi.sizeof_function, i);
        rc = read_function(&rec->fns[i], rec, &fd, desc->abi.sizeof_param, err);
        if (rc) {
            keel_error_prefix(err, "function '%s'", fd.name ? fd.name : "(null)");
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(rec->fns[j].qname, rec->fns[i].qname) == 0) {
                rc = keel_error_set(err, KEEL_EEXISTS,
                                    "function '%s' is declared twice", fd.name);
                break;
            }
    }
    rec->init = pd.init;
    rec->fini = pd.fini;
    if (rc)
        keel_descriptor_release(rec);
    return rc;
}

void keel_descriptor_release(plugin_rec *rec)
{
    for (size_t i = 0; i < rec->n_fns; i++)
        fn_entry_release(&rec->fns[i]);
    keel_free(rec->fns);
    rec->fns = NULL;
    rec->n_fns = 0;
}
