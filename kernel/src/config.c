/*
 * config.c - load and check keel's configuration file.
 *
 * The file is parsed into a value, then every top-level key is handed to
 * the row of the section table that owns it. Later modules (llm, policy,
 * directory) add their rows here; nothing else changes.
 */
#include <keel/config.h>

#include "alloc.h"
#include "buf.h"
#include "file.h"
#include "ldap_config.h"
#include "llm_config_check.h"
#include "otlp_config_check.h"
#include "planner_config.h"
#include "kernel_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CONFIG_BYTES (4u << 20)

typedef struct dir_entry {
    char *dir;
    keel_config_source from;
} dir_entry;

struct keel_config {
    char *file;
    keel_value *root; /* the file as parsed (an object) */
    keel_value *settings;
    dir_entry *dirs;
    size_t n_dirs, cap_dirs;
    char *state_dir;
};

/* ---- section checkers ---- */

typedef int (*section_fn)(keel_config *c, const keel_value *v,
                          keel_error *err);

static int want(const keel_value *v, keel_type t, const char *path,
                keel_error *err)
{
    if (keel_value_type(v) == t)
        return 0;
    return keel_error_set(err, KEEL_ETYPE, "%s: expected %s, got %s", path,
                          keel_type_name(t), keel_type_name(keel_value_type(v)));
}

static int check_plugin_paths(keel_config *c, const keel_value *v,
                              keel_error *err)
{
    int rc = want(v, KEEL_TYPE_LIST, "plugins.paths", err);
    for (size_t i = 0; rc == 0 && i < keel_value_len(v); i++) {
        const char *dir = keel_value_get_string(keel_value_list_at(v, i), NULL);
        if (!dir)
            return keel_error_set(err, KEEL_ETYPE,
                                  "plugins.paths[%zu]: expected string", i);
        if (dir[0] != '/')
            return keel_error_set(err, KEEL_EINVAL,
                                  "plugins.paths[%zu]: '%s' must be an "
                                  "absolute path", i, dir);
        rc = keel_config_add_plugin_dir(c, dir, KEEL_CONFIG_FROM_FILE, err);
    }
    return rc;
}

static int check_plugin_settings(keel_config *c, const keel_value *v,
                                 keel_error *err)
{
    int rc = want(v, KEEL_TYPE_OBJECT, "plugins.settings", err);
    for (size_t i = 0; rc == 0 && i < keel_value_len(v); i++) {
        const char *name = keel_value_object_key_at(v, i);
        char path[160];
        snprintf(path, sizeof(path), "plugins.settings.%s", name);
        if (!keel_name_canonical(name))
            return keel_error_set(err, KEEL_EINVAL,
                                  "%s: '%s' is not a plugin name "
                                  "([a-z][a-z0-9_]*)", path, name);
        rc = want(keel_value_object_value_at(v, i), KEEL_TYPE_OBJECT, path, err);
    }
    if (rc == 0) {
        keel_value_unref(c->settings);
        c->settings = keel_value_ref(v);
    }
    return rc;
}

static int check_plugins(keel_config *c, const keel_value *v, keel_error *err)
{
    int rc = want(v, KEEL_TYPE_OBJECT, "plugins", err);
    for (size_t i = 0; rc == 0 && i < keel_value_len(v); i++) {
        const char *k = keel_value_object_key_at(v, i);
        const keel_value *item = keel_value_object_value_at(v, i);
        if (strcmp(k, "paths") == 0)
            rc = check_plugin_paths(c, item, err);
        else if (strcmp(k, "settings") == 0)
            rc = check_plugin_settings(c, item, err);
        else
            rc = keel_error_set(err, KEEL_EINVAL,
                                "plugins.%s: unknown key (known: paths, "
                                "settings)", k);
    }
    return rc;
}

static int check_state_dir(keel_config *c, const keel_value *v,
                           keel_error *err)
{
    const char *dir = keel_value_get_string(v, NULL);
    if (!dir)
        return want(v, KEEL_TYPE_STRING, "state_dir", err);
    if (dir[0] != '/')
        return keel_error_set(err, KEEL_EINVAL,
                              "state_dir: '%s' must be an absolute path", dir);
    char *copy = keel_strdup(dir);
    if (!copy)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    keel_free(c->state_dir);
    c->state_dir = copy;
    return 0;
}

/* "policy": {"files": ["/etc/keel/policy.xml", ...]}, read by the CLI
 * when no --policy is given. */
static int check_policy(keel_config *c, const keel_value *v, keel_error *err)
{
    (void)c;
    int rc = want(v, KEEL_TYPE_OBJECT, "policy", err);
    for (size_t i = 0; rc == 0 && i < keel_value_len(v); i++) {
        const char *k = keel_value_object_key_at(v, i);
        const keel_value *files = keel_value_object_value_at(v, i);
        if (strcmp(k, "files") != 0)
            return keel_error_set(err, KEEL_EINVAL,
                                  "policy.%s: unknown key (known: files)", k);
        rc = want(files, KEEL_TYPE_LIST, "policy.files", err);
        for (size_t j = 0; rc == 0 && j < keel_value_len(files); j++) {
            const char *f = keel_value_get_string(keel_value_list_at(files, j),
                                                  NULL);
            if (!f || f[0] != '/')
                rc = keel_error_set(err, KEEL_EINVAL, "policy.files[%zu]: "
                                    "give an absolute path", j);
        }
    }
    return rc;
}

/* One row per top-level section, owned by the module that reads it: the
 * checker validates at load (naming the key path in its errors); the module
 * reads the section later with keel_config_section(). */
static const struct section {
    const char *name;
    section_fn check;
} sections[] = {
    {"plugins", check_plugins},
    {"state_dir", check_state_dir},
    {"llm", keel_llm_config_check},
    {"policy", check_policy},
    {"planner", keel_planner_config_check},
    {"trace", keel_trace_config_check},
    {"directory", keel_directory_config_check},
};

/* ---- secrets ---- */

/* A key that would hold a secret itself (not its file or variable name):
 * one that is, or ends in "_" followed by, a secret word. "smtp_password"
 * and "api_key" are secrets; "password_env", "token_count" and
 * "max_tokens" are not. */
static bool secret_key(const char *k)
{
    static const char *const words[] = {
        "password", "passwd",     "secret",      "token",     "api_key",
        "apikey",   "access_key", "private_key", "secret_key", "credential",
        "credentials"};
    size_t n = strlen(k);
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t m = strlen(words[i]);
        if (n >= m && strcmp(k + n - m, words[i]) == 0 &&
            (n == m || k[n - m - 1] == '_'))
            return true;
    }
    return false;
}

static int refuse_secrets(const keel_value *v, keel_buf *path, keel_error *err)
{
    size_t n = keel_value_len(v);
    if (keel_value_type(v) == KEEL_TYPE_LIST) {
        for (size_t i = 0; i < n; i++) {
            size_t mark = path->len;
            keel_buf_printf(path, "[%zu]", i);
            int rc = refuse_secrets(keel_value_list_at(v, i), path, err);
            path->len = mark;
            if (rc)
                return rc;
        }
    } else if (keel_value_type(v) == KEEL_TYPE_OBJECT) {
        for (size_t i = 0; i < n; i++) {
            const char *k = keel_value_object_key_at(v, i);
            const keel_value *item = keel_value_object_value_at(v, i);
            size_t mark = path->len;
            keel_buf_printf(path, "%s%s", mark ? "." : "", k);
            int rc = 0;
            if (secret_key(k) && keel_value_type(item) != KEEL_TYPE_NULL)
                rc = keel_error_set(err, KEEL_EINVAL,
                                    "%s: secrets may not be written in the "
                                    "config file; name an environment "
                                    "variable (%s_env) or a file (%s_file) "
                                    "instead", path->failed ? k : path->data,
                                    k, k);
            else
                rc = refuse_secrets(item, path, err);
            path->len = mark;
            if (path->data)
                path->data[mark] = '\0';
            if (rc)
                return rc;
            if (path->failed)
                return keel_error_set(err, KEEL_ENOMEM, "out of memory");
        }
    }
    return 0;
}

/* ---- loading ---- */

/* The default state directory: $XDG_STATE_HOME/keel, else
 * <home>/.local/state/keel with home from $HOME or the password database.
 * Relative values are ignored (XDG says so), and there is no fallback to a
 * shared directory such as /tmp, where others could plant files first. */
static int default_state_dir(keel_config *c)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char buf[4096], pwbuf[4096];
    struct passwd pw, *found = NULL;
    if (xdg && xdg[0] == '/')
        snprintf(buf, sizeof(buf), "%s/keel", xdg);
    else if (home && home[0] == '/')
        snprintf(buf, sizeof(buf), "%s/.local/state/keel", home);
    else if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &found) == 0 &&
             found && found->pw_dir && found->pw_dir[0] == '/')
        snprintf(buf, sizeof(buf), "%s/.local/state/keel", found->pw_dir);
    else
        return 0; /* none: commands that need one say so */
    c->state_dir = keel_strdup(buf);
    return c->state_dir ? 0 : KEEL_ENOMEM;
}

static keel_config *config_new(const char *file)
{
    keel_config *c = keel_calloc(1, sizeof(*c));
    if (!c || !(c->settings = keel_value_object()) ||
        (file && !(c->file = keel_strdup(file)))) {
        keel_config_free(c);
        return NULL;
    }
    return c;
}

static int unknown_section(const char *k, keel_error *err)
{
    char known[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
                                 i ? ", " : "", sections[i].name);
    return keel_error_set(err, KEEL_EINVAL, "%s: unknown key (known: %s)", k,
                          known);
}

static int check_root(keel_config *c, const keel_value *root, keel_error *err)
{
    if (keel_value_type(root) != KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_EINVAL,
                              "the configuration must be a JSON object");
    keel_buf path;
    keel_buf_init(&path);
    int rc = refuse_secrets(root, &path, err);
    keel_buf_free(&path);
    for (size_t i = 0; rc == 0 && i < keel_value_len(root); i++) {
        const char *k = keel_value_object_key_at(root, i);
        size_t s;
        for (s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
            if (strcmp(sections[s].name, k) == 0)
                break;
        if (s == sizeof(sections) / sizeof(sections[0]))
            return unknown_section(k, err);
        rc = sections[s].check(c, keel_value_object_value_at(root, i), err);
    }
    return rc;
}

int keel_config_parse(keel_config **out, const char *path, const char *text,
                      size_t len, keel_error *err)
{
    *out = NULL;
    keel_config *c = config_new(path);
    if (!c)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    int rc = keel_value_from_json(&c->root, text, len, err);
    if (rc == 0)
        rc = check_root(c, c->root, err);
    if (rc == 0 && !c->state_dir && default_state_dir(c))
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (rc) {
        keel_error_prefix(err, "%s", path);
        keel_config_free(c);
        return rc;
    }
    *out = c;
    return 0;
}


static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The file to read, or "" for none. */
static void find_file(char *buf, size_t cap, const char *explicit_path)
{
    const char *env = getenv("KEEL_CONFIG");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    buf[0] = '\0';
    if (explicit_path)
        snprintf(buf, cap, "%s", explicit_path);
    else if (env && *env)
        snprintf(buf, cap, "%s", env);
    else {
        if (xdg && *xdg)
            snprintf(buf, cap, "%s/keel/config.json", xdg);
        else if (home && *home)
            snprintf(buf, cap, "%s/.config/keel/config.json", home);
        if (!exists(buf))
            buf[0] = '\0'; /* the default place is optional */
    }
}

int keel_config_load(keel_config **out, const char *explicit_path,
                     keel_error *err)
{
    *out = NULL;
    char path[4096];
    find_file(path, sizeof(path), explicit_path);
    if (!path[0]) {
        keel_config *c = config_new(NULL);
        if (!c || default_state_dir(c)) {
            keel_config_free(c);
            return keel_error_set(err, KEEL_ENOMEM, "out of memory");
        }
        *out = c;
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = keel_file_read(&text, &len, path, MAX_CONFIG_BYTES, err);
    if (rc)
        return rc;
    rc = keel_config_parse(out, path, text, len, err);
    keel_free(text);
    return rc;
}

void keel_config_free(keel_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_dirs; i++)
        keel_free(c->dirs[i].dir);
    keel_free(c->dirs);
    keel_free(c->file);
    keel_free(c->state_dir);
    keel_value_unref(c->root);
    keel_value_unref(c->settings);
    keel_free(c);
}

const keel_value *keel_config_section(const keel_config *c, const char *name)
{
    return keel_value_object_get(c->root, name);
}

const char *keel_config_file(const keel_config *c)
{
    return c->file;
}

int keel_config_add_plugin_dir(keel_config *c, const char *dir,
                               keel_config_source from, keel_error *err)
{
    for (size_t i = 0; i < c->n_dirs; i++)
        if (strcmp(c->dirs[i].dir, dir) == 0)
            return 0;
    if (c->n_dirs == c->cap_dirs) {
        size_t cap = c->cap_dirs ? c->cap_dirs * 2 : 4;
        dir_entry *n = keel_realloc(c->dirs, cap * sizeof(*n));
        if (!n)
            return keel_error_set(err, KEEL_ENOMEM, "out of memory");
        c->dirs = n;
        c->cap_dirs = cap;
    }
    char *copy = keel_strdup(dir);
    if (!copy)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    /* Keep search order: flags, environment, file, default (the enum's
     * reverse), and the order of addition within one source. */
    size_t at = c->n_dirs;
    while (at > 0 && c->dirs[at - 1].from < from)
        at--;
    memmove(&c->dirs[at + 1], &c->dirs[at], (c->n_dirs - at) * sizeof(*c->dirs));
    c->dirs[at].dir = copy;
    c->dirs[at].from = from;
    c->n_dirs++;
    return 0;
}

size_t keel_config_plugin_dir_count(const keel_config *c)
{
    return c->n_dirs;
}

const char *keel_config_plugin_dir_at(const keel_config *c, size_t i)
{
    return i < c->n_dirs ? c->dirs[i].dir : NULL;
}

const keel_value *keel_config_plugin_settings(const keel_config *c)
{
    return c->settings;
}

const char *keel_config_state_dir(const keel_config *c)
{
    return c->state_dir;
}

/* ---- show ---- */

static const char *const source_names[] = {"default", "config file",
                                           "environment (KEEL_PLUGIN_PATH)",
                                           "--plugins flag"};

static void put_redacted(keel_buf *b, const keel_value *v, int depth);

static void put_indent(keel_buf *b, int depth)
{
    keel_buf_putc(b, '\n');
    for (int i = 0; i < depth; i++)
        keel_buf_puts(b, "  ");
}

static void put_redacted(keel_buf *b, const keel_value *v, int depth)
{
    size_t n = keel_value_len(v);
    if (keel_value_type(v) != KEEL_TYPE_OBJECT &&
        keel_value_type(v) != KEEL_TYPE_LIST) {
        char *json = NULL;
        if (keel_value_to_json(&json, v, false) == 0)
            keel_buf_puts(b, json);
        else
            b->failed = 1;
        keel_free(json);
        return;
    }
    bool obj = keel_value_type(v) == KEEL_TYPE_OBJECT;
    keel_buf_putc(b, obj ? '{' : '[');
    for (size_t i = 0; i < n; i++) {
        keel_buf_puts(b, i ? "," : "");
        put_indent(b, depth + 1);
        if (!obj) {
            put_redacted(b, keel_value_list_at(v, i), depth + 1);
            continue;
        }
        const char *k = keel_value_object_key_at(v, i);
        keel_buf_json_string(b, k, strlen(k));
        keel_buf_puts(b, ": ");
        if (secret_key(k))
            keel_buf_puts(b, "\"<redacted>\"");
        else
            put_redacted(b, keel_value_object_value_at(v, i), depth + 1);
    }
    if (n)
        put_indent(b, depth);
    keel_buf_putc(b, obj ? '}' : ']');
}

int keel_config_show(char **out, const keel_config *c)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, "{\n  \"config_file\": ");
    if (c->file)
        keel_buf_json_string(&b, c->file, strlen(c->file));
    else
        keel_buf_puts(&b, "null");
    keel_buf_puts(&b, ",\n  \"plugins\": {\n    \"paths\": [");
    for (size_t i = 0; i < c->n_dirs; i++) {
        keel_buf_puts(&b, i ? ",\n      {\"dir\": " : "\n      {\"dir\": ");
        keel_buf_json_string(&b, c->dirs[i].dir, strlen(c->dirs[i].dir));
        keel_buf_puts(&b, ", \"from\": ");
        const char *from = source_names[c->dirs[i].from];
        keel_buf_json_string(&b, from, strlen(from));
        keel_buf_putc(&b, '}');
    }
    keel_buf_puts(&b, c->n_dirs ? "\n    ],\n    \"settings\": " : "],\n    \"settings\": ");
    put_redacted(&b, c->settings, 2);
    keel_buf_puts(&b, "\n  },\n  \"state_dir\": ");
    const char *sd = keel_config_state_dir(c);
    if (sd)
        keel_buf_json_string(&b, sd, strlen(sd));
    else
        keel_buf_puts(&b, "null");
    keel_buf_puts(&b, "\n}\n");
    return keel_buf_finish(&b, out);
}
