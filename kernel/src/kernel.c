/*
 * kernel.c - open and close a kernel, load plugins, list what loaded.
 *
 * Loading is all-or-nothing per plugin: the descriptor is read and checked,
 * the plugin's init runs, and only then are its functions registered. A
 * plugin that is refused is kept as a record with its reason, so `keel
 * plugins list` can show it. Plugins are never dlclosed: a function pointer
 * may outlive any bookkeeping we could do, and unloading buys nothing.
 */
#include "kernel_internal.h"

#include "alloc.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int keel_kernel_open(keel_kernel **out, keel_error *err)
{
    *out = keel_calloc(1, sizeof(keel_kernel));
    if (!*out)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    return 0;
}

static void plugin_rec_free(plugin_rec *p)
{
    if (!p)
        return;
    if (p->loaded && p->fini)
        p->fini(p->state);
    keel_descriptor_release(p);
    keel_free(p->path);
    keel_free(p->name);
    keel_free(p->version);
    keel_free(p->description);
    keel_free(p->error);
    keel_free(p);
}

void keel_kernel_free(keel_kernel *k)
{
    if (!k)
        return;
    for (size_t i = k->n_plugins; i-- > 0;) /* fini in reverse load order */
        plugin_rec_free(k->plugins[i]);
    keel_free(k->plugins);
    keel_free(k->index);
    keel_value_unref(k->settings);
    keel_free(k);
}

void keel_kernel_set_directory(keel_kernel *k, keel_directory_fn fn, void *ud)
{
    k->dir_fn = fn;
    k->dir_ud = ud;
}

void keel_kernel_set_log(keel_kernel *k, keel_log_fn fn, void *ud)
{
    k->log_fn = fn;
    k->log_ud = ud;
}

int keel_kernel_set_plugin_settings(keel_kernel *k, const keel_value *settings,
                                    keel_error *err)
{
    if (settings && keel_value_type(settings) != KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_ETYPE,
                              "plugin settings must be an object");
    keel_value_unref(k->settings);
    k->settings = keel_value_ref(settings);
    return 0;
}

static int add_record(keel_kernel *k, plugin_rec *rec, keel_error *err)
{
    if (k->n_plugins == k->cap_plugins) {
        size_t cap = k->cap_plugins ? k->cap_plugins * 2 : 8;
        plugin_rec **n = keel_realloc(k->plugins, cap * sizeof(*n));
        if (!n)
            return keel_error_set(err, KEEL_ENOMEM, "out of memory");
        k->plugins = n;
        k->cap_plugins = cap;
    }
    k->plugins[k->n_plugins++] = rec;
    return 0;
}

static const plugin_rec *find_plugin_by_name(const keel_kernel *k,
                                             const char *name)
{
    for (size_t i = 0; i < k->n_plugins; i++)
        if (k->plugins[i]->loaded && strcmp(k->plugins[i]->name, name) == 0)
            return k->plugins[i];
    return NULL;
}

static bool already_loaded(const keel_kernel *k, const char *real)
{
    for (size_t i = 0; i < k->n_plugins; i++)
        if (strcmp(k->plugins[i]->path, real) == 0)
            return true;
    return false;
}

static int run_init(keel_kernel *k, plugin_rec *rec, keel_error *err)
{
    if (!rec->init)
        return 0;
    keel_value *empty = NULL;
    const keel_value *cfg = keel_value_object_get(k->settings, rec->name);
    if (!cfg && !(cfg = empty = keel_value_object()))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    char source[80];
    snprintf(source, sizeof(source), "%s (init)", rec->name);
    keel_call c;
    keel_call_begin(&c, k, rec, source, err);
    int rc = rec->init(&keel_host_api_table, &c, cfg, &rec->state);
    keel_call_end(&c);
    keel_value_unref(empty);
    if (rc == 0)
        return 0;
    /* the code is what init returned, whatever it passed to set_error */
    int code = rc < 0 ? rc : KEEL_EFAILED;
    if (!c.error_set)
        keel_error_set(err, code, "failed with code %d", rc);
    keel_error_prefix(err, "init");
    err->code = code;
    return code;
}

/* dlopen, find the entry, read and check the descriptor, init, register. */
static int load_checked(keel_kernel *k, plugin_rec *rec, keel_error *err)
{
    void *h = dlopen(rec->path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return keel_error_set(err, KEEL_EPLUGIN, "dlopen failed: %s", dlerror());
    keel_plugin_entry_fn entry;
    *(void **)&entry = dlsym(h, KEEL_PLUGIN_ENTRY_NAME);
    if (!entry)
        return keel_error_set(err, KEEL_EPLUGIN,
                              "no entry point '%s' (declare one with "
                              "KEEL_PLUGIN_EXPORT)", KEEL_PLUGIN_ENTRY_NAME);
    const keel_plugin *desc = entry(&keel_host_api_table);
    if (!desc)
        return keel_error_set(err, KEEL_EPLUGIN, "entry point returned NULL");
    int rc = keel_descriptor_read(rec, desc, err);
    if (rc)
        return rc;
    const plugin_rec *other = find_plugin_by_name(k, rec->name);
    if (other)
        return keel_error_set(err, KEEL_EEXISTS,
                              "plugin name '%s' is already taken by %s",
                              rec->name, other->path);
    rc = run_init(k, rec, err);
    if (rc)
        return rc;
    rc = keel_registry_add(k, rec, err);
    if (rc) {
        if (rec->fini)
            rec->fini(rec->state);
        return rc;
    }
    rec->loaded = true;
    return 0;
}

static int load_in(keel_kernel *k, const char *path, const char *root,
                   keel_error *err)
{
    if (path[0] != '/')
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s: plugin paths must be absolute", path);
    char real[PATH_MAX];
    if (realpath(path, real) && already_loaded(k, real))
        return 0; /* the same file reached twice, e.g. through two dirs */
    plugin_rec *rec = keel_calloc(1, sizeof(*rec));
    if (!rec || !(rec->path = keel_strdup(path)) || add_record(k, rec, err)) {
        plugin_rec_free(rec);
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    }
    int rc = keel_path_check(path, root, err);
    if (rc == 0) {
        char *canon = keel_strdup(real);
        if (canon) {
            keel_free(rec->path);
            rec->path = canon;
        }
        rc = load_checked(k, rec, err);
        if (rc)
            keel_error_prefix(err, "%s", rec->path);
    }
    if (rc) {
        keel_descriptor_release(rec);
        rec->error = keel_strdup(err ? err->msg : keel_strerror(rc));
    }
    return rc;
}

int keel_kernel_load_file(keel_kernel *k, const char *path, keel_error *err)
{
    keel_error local;
    if (!err)
        err = &local;
    if (path[0] != '/')
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s: plugin paths must be absolute", path);
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    return load_in(k, path, dir, err);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_plugin_file(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 3 && strcmp(name + n - 3, ".so") == 0;
}

int keel_kernel_load_dir(keel_kernel *k, const char *dir, keel_error *err)
{
    if (dir[0] != '/')
        return keel_error_set(err, KEEL_EUNSAFE,
                              "%s: plugin directories must be absolute", dir);
    DIR *d = opendir(dir);
    if (!d)
        return keel_error_set(err, KEEL_EIO, "%s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_plugin_file(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = keel_realloc(names, cap * sizeof(*nn));
            if (!nn) {
                rc = KEEL_ENOMEM;
                break;
            }
            names = nn;
        }
        if (!(names[n] = keel_strdup(e->d_name))) {
            rc = KEEL_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 1)
        qsort(names, n, sizeof(*names), by_name);
    int refused = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        keel_error one;
        int r = load_in(k, path, dir, &one);
        if (r == KEEL_ENOMEM)
            rc = r;
        else if (r) {
            refused++;
            if (k->log_fn)
                k->log_fn(k->log_ud, KEEL_LOG_WARN, "loader", one.msg);
        }
    }
    for (size_t i = 0; i < n; i++)
        keel_free(names[i]);
    keel_free(names);
    if (rc)
        return keel_error_set(err, rc, "out of memory");
    return refused;
}

size_t keel_kernel_plugin_count(const keel_kernel *k)
{
    return k->n_plugins;
}

int keel_kernel_plugin_at(keel_plugin_info *out, const keel_kernel *k,
                          size_t i)
{
    if (i >= k->n_plugins)
        return KEEL_ENOTFOUND;
    const plugin_rec *p = k->plugins[i];
    out->name = p->name;
    out->version = p->version;
    out->description = p->description;
    out->path = p->path;
    out->n_functions = p->loaded ? p->n_fns : 0;
    out->loaded = p->loaded;
    out->error = p->error;
    return 0;
}

size_t keel_kernel_function_count(const keel_kernel *k)
{
    return k->n_index;
}

const keel_fn_info *keel_kernel_function_at(const keel_kernel *k, size_t i)
{
    return i < k->n_index ? &k->index[i]->info : NULL;
}

const keel_fn_info *keel_kernel_lookup(const keel_kernel *k, const char *name)
{
    const fn_entry *f = keel_registry_find(k, name);
    return f ? &f->info : NULL;
}
