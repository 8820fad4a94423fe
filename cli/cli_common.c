/*
 * cli_common.c - configuration, kernel start-up, errors and output shared by
 * every command.
 */
#include "cli.h"

#include <keel/directory.h>

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_exit_code(int rc)
{
    switch (rc) {
    case KEEL_OK:
        return KEEL_EXIT_OK;
    case KEEL_EFAILED:
    case KEEL_ETIMEOUT:
    case KEEL_ECANCELED:
    case KEEL_ENOMEM:
        return KEEL_EXIT_FAILED;
    case KEEL_EDENIED:
        return KEEL_EXIT_DENIED;
    case KEEL_EAPPROVAL:
        return KEEL_EXIT_APPROVAL;
    case KEEL_EUNAVAIL:
        return KEEL_EXIT_UNAVAILABLE;
    case KEEL_EAUTH:
        return KEEL_EXIT_AUTH;
    default:
        return KEEL_EXIT_USAGE;
    }
}

int cli_fail(int rc, const keel_error *err)
{
    fprintf(stderr, "keel: error: %s\n",
            err && err->msg[0] ? err->msg : keel_strerror(rc));
    return cli_exit_code(rc);
}

static void say(const char *kind, const char *fmt, va_list ap)
    KEEL_PRINTF(2, 0);

static void say(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "keel: %s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say("error", fmt, ap);
    va_end(ap);
    return KEEL_EXIT_USAGE;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say("warning", fmt, ap);
    va_end(ap);
}

void cli_print_usage(FILE *out, const cli_command *cmd)
{
    fprintf(out, "usage: %s\n\n%s\n", cmd->usage, cmd->summary);
    if (cmd->help)
        fprintf(out, "\n%s\n", cmd->help);
    fprintf(out, "\nglobal options: --config FILE, --plugins DIR (repeatable), "
                 "--json, --help\n");
}

void cli_print_json_value(const keel_value *v, bool pretty)
{
    char *json = NULL;
    if (keel_value_to_json(&json, v, pretty) != 0) {
        fputs("keel: error: out of memory\n", stderr);
        return;
    }
    printf("%s\n", json);
    keel_free(json);
}

bool cli_install_path(char *buf, size_t cap, const char *rel)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    char guess[PATH_MAX + 64];
    snprintf(guess, sizeof(guess), "%s/../%s", exe, rel);
    if (strlen(guess) >= sizeof(guess) - 1 || !realpath(guess, buf) ||
        strlen(buf) >= cap)
        return false;
    return true;
}

static int add_dir(cli_ctx *ctx, const char *dir, keel_config_source from)
{
    keel_error err = {0};
    int rc = keel_config_add_plugin_dir(ctx->config, dir, from, &err);
    return rc ? cli_fail(rc, &err) : 0;
}

/* --plugins DIR: relative directories are taken from the current directory,
 * since the user typed them; the kernel itself only accepts absolute paths. */
static int add_flag_dirs(cli_ctx *ctx)
{
    for (size_t i = 0; i < ctx->plugin_dirs.n; i++) {
        char real[PATH_MAX];
        if (!realpath(ctx->plugin_dirs.v[i], real))
            return cli_usage_error("--plugins %s: no such directory",
                                   ctx->plugin_dirs.v[i]);
        int rc = add_dir(ctx, real, KEEL_CONFIG_FROM_FLAG);
        if (rc)
            return rc;
    }
    return 0;
}

/* KEEL_PLUGIN_PATH: colon-separated absolute directories. A relative entry
 * is refused, since the environment may come from anywhere. */
static int add_env_dirs(cli_ctx *ctx)
{
    const char *env = getenv("KEEL_PLUGIN_PATH");
    if (!env || !*env)
        return 0;
    char *copy = strdup(env);
    if (!copy)
        return cli_fail(KEEL_ENOMEM, NULL);
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ":", &save); tok && !rc;
         tok = strtok_r(NULL, ":", &save)) {
        if (tok[0] != '/')
            rc = cli_usage_error("KEEL_PLUGIN_PATH: '%s' must be an absolute "
                                 "directory", tok);
        else
            rc = add_dir(ctx, tok, KEEL_CONFIG_FROM_ENV);
    }
    free(copy);
    return rc;
}

int cli_open_config(cli_ctx *ctx)
{
    if (ctx->config)
        return 0;
    keel_error err = {0};
    int rc = keel_config_load(&ctx->config, ctx->config_path, &err);
    if (rc)
        return cli_fail(rc, &err);
    if ((rc = add_flag_dirs(ctx)) || (rc = add_env_dirs(ctx)))
        return rc;
    char builtin[PATH_MAX];
    if (cli_install_path(builtin, sizeof(builtin), "lib/keel/plugins"))
        rc = add_dir(ctx, builtin, KEEL_CONFIG_FROM_DEFAULT);
    return rc;
}

static void log_to_stderr(void *ud, int level, const char *source,
                          const char *msg)
{
    (void)ud;
    if (level >= KEEL_LOG_WARN)
        fprintf(stderr, "keel: %s: %s: %s\n",
                level >= KEEL_LOG_ERROR ? "error" : "warning", source, msg);
}

/* Settings for a plugin that is not loaded would be silently ignored. */
static void warn_unused_settings(const cli_ctx *ctx)
{
    const keel_value *s = keel_config_plugin_settings(ctx->config);
    for (size_t i = 0; i < keel_value_len(s); i++) {
        const char *name = keel_value_object_key_at(s, i);
        bool loaded = false;
        for (size_t j = 0; !loaded && j < keel_kernel_plugin_count(ctx->kernel); j++) {
            keel_plugin_info p;
            keel_kernel_plugin_at(&p, ctx->kernel, j);
            loaded = p.loaded && strcmp(p.name, name) == 0;
        }
        if (!loaded)
            cli_warn("plugins.settings.%s: no plugin named '%s' is loaded; "
                     "its settings are not used", name, name);
    }
}

/* The configured directory, for plugins (api->directory); none is fine. */
static int attach_directory(cli_ctx *ctx)
{
    if (!keel_config_section(ctx->config, "directory"))
        return 0;
    keel_error err = {0};
    int rc = keel_directory_open(&ctx->directory, ctx->config, &err);
    if (rc)
        return cli_fail(rc, &err);
    keel_directory_set_log(ctx->directory, log_to_stderr, NULL);
    keel_kernel_set_directory(ctx->kernel, keel_directory_serve, ctx->directory);
    return 0;
}

int cli_open_kernel(cli_ctx *ctx)
{
    if (ctx->kernel)
        return 0;
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    keel_error err = {0};
    if ((rc = keel_kernel_open(&ctx->kernel, &err)) ||
        (rc = keel_kernel_set_plugin_settings(
             ctx->kernel, keel_config_plugin_settings(ctx->config), &err)))
        return cli_fail(rc, &err);
    /* plugins list shows refusals itself; other commands warn. */
    keel_kernel_set_log(ctx->kernel, ctx->quiet_loader ? NULL : log_to_stderr,
                        NULL);
    for (size_t i = 0; i < keel_config_plugin_dir_count(ctx->config); i++) {
        const char *dir = keel_config_plugin_dir_at(ctx->config, i);
        rc = keel_kernel_load_dir(ctx->kernel, dir, &err);
        if (rc < 0)
            return cli_fail(rc, &err);
    }
    keel_kernel_set_log(ctx->kernel, log_to_stderr, NULL);
    warn_unused_settings(ctx);
    return attach_directory(ctx);
}

void cli_close(cli_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_policy_used; i++)
        free(ctx->policy_used[i]);
    ctx->n_policy_used = 0;
    keel_dir_user_free(ctx->session);
    ctx->session = NULL;
    ctx->principal_ready = false;
    keel_kernel_free(ctx->kernel);
    keel_directory_close(ctx->directory); /* after the kernel that used it */
    ctx->directory = NULL;
    keel_config_free(ctx->config);
    ctx->kernel = NULL;
    ctx->config = NULL;
}

void cli_put_untrusted(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            fprintf(out, "\\u%04x", *++p); /* C1 controls: CSI is U+009B */
        else
            fputc(*p, out);
    }
}
