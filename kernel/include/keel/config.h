/*
 * keel/config.h - keel's configuration file.
 *
 * One JSON file: the path given (--config), else $KEEL_CONFIG, else
 * $XDG_CONFIG_HOME/keel/config.json (~/.config/keel/config.json), else none:
 * keel works with defaults. Each top-level section is owned by the module
 * that reads it and checked by that module's row in config.c; unknown keys,
 * wrong types and missing values are errors naming the file and key path.
 * Secrets never live in the file: a secret-named key ("password", "token",
 * "api_key", ...) holding a literal is refused; name an environment variable
 * (…_env) or a file (…_file) instead.
 */
#ifndef KEEL_CONFIG_H
#define KEEL_CONFIG_H

#include <keel/keel.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct keel_config keel_config;

/* Where a plugin directory came from (for `keel config show`). */
typedef enum keel_config_source {
    KEEL_CONFIG_FROM_DEFAULT,
    KEEL_CONFIG_FROM_FILE,
    KEEL_CONFIG_FROM_ENV,
    KEEL_CONFIG_FROM_FLAG
} keel_config_source;

/* Finds and loads the configuration. explicit_path may be NULL. With no file
 * found, *out holds defaults only. Free with keel_config_free. */
int keel_config_load(keel_config **out, const char *explicit_path,
                     keel_error *err);
/* Checks text as the configuration file named path. */
int keel_config_parse(keel_config **out, const char *path, const char *text,
                      size_t len, keel_error *err);
void keel_config_free(keel_config *c);

/* The file in use, or NULL (borrowed). */
const char *keel_config_file(const keel_config *c);

/* Plugin directories in search order: flags, environment, file, default.
 * Adding a directory that is already listed does nothing. */
int keel_config_add_plugin_dir(keel_config *c, const char *dir,
                               keel_config_source from, keel_error *err);
size_t keel_config_plugin_dir_count(const keel_config *c);
const char *keel_config_plugin_dir_at(const keel_config *c, size_t i);

/* A top-level section as written in the file (borrowed), or NULL when the
 * file has none. Sections were checked by their owner's row at load. */
const keel_value *keel_config_section(const keel_config *c, const char *name);

/* The "plugins.settings" object (borrowed; never NULL). */
const keel_value *keel_config_plugin_settings(const keel_config *c);
/* The state directory: the file's "state_dir", else $XDG_STATE_HOME/keel
 * (if absolute), else <home>/.local/state/keel with home from $HOME (if
 * absolute) or the password database; NULL when none of these exists, and
 * never a shared directory such as /tmp (borrowed). */
const char *keel_config_state_dir(const keel_config *c);

/* The effective configuration as pretty JSON, every secret-looking value
 * replaced by "<redacted>". Caller frees with keel_free. */
int keel_config_show(char **out, const keel_config *c);

#ifdef __cplusplus
}
#endif

#endif
