/*
 * cmd_login.c - `keel login`, `keel whoami`, `keel logout`: authenticate
 * against the directory and keep a short-lived session in the state
 * directory; show it; remove it.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "cli.h"

#include <keel/directory.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_PASSWORD 1024

/* The first line of path into buf. */
static int password_from_file(char *buf, size_t cap, size_t *len,
                              const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cli_usage_error("%s: %s", path, strerror(errno));
    if (!fgets(buf, (int)cap, f))
        buf[0] = '\0';
    fclose(f);
    *len = strcspn(buf, "\r\n");
    buf[*len] = '\0';
    return 0;
}

/* Asks on the terminal with echo off, whatever stdin is. */
static int password_from_tty(char *buf, size_t cap, size_t *len,
                             const char *user)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return cli_usage_error("no terminal to ask for the password on; give "
                               "--password-file FILE or KEEL_PASSWORD_FILE");
    struct termios old, quiet;
    bool restore = tcgetattr(fd, &old) == 0;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    if (restore)
        tcsetattr(fd, TCSAFLUSH, &quiet);
    dprintf(fd, "Password for %s: ", user);
    ssize_t n = read(fd, buf, cap - 1);
    if (restore)
        tcsetattr(fd, TCSAFLUSH, &old);
    dprintf(fd, "\n");
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    *len = strcspn(buf, "\r\n");
    buf[*len] = '\0';
    return 0;
}

static int read_password(char *buf, size_t cap, size_t *len,
                         const cli_ctx *ctx, const char *user)
{
    const char *file = ctx->password_file;
    const char *env = getenv("KEEL_PASSWORD_FILE");
    if (!file && env && *env)
        file = env;
    return file ? password_from_file(buf, cap, len, file)
                : password_from_tty(buf, cap, len, user);
}

/* Warnings to stderr; which of "unknown user" and "several users" refused
 * a login goes to the system's auth log, never to the terminal. */
static void on_log(void *ud, int level, const char *source, const char *msg)
{
    (void)ud;
    if (level >= KEEL_LOG_WARN)
        fprintf(stderr, "keel: warning: %s: %s\n", source, msg);
    else
        syslog(LOG_AUTHPRIV | LOG_NOTICE, "keel: %s: %s", source, msg);
}

static void on_stage(void *ud, const char *stage, const char *detail, long ms)
{
    (void)ud;
    fprintf(stderr, "keel: %-12s %6ld ms  %s\n", stage, ms, detail);
}

static int open_directory(keel_directory **d, cli_ctx *ctx)
{
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    keel_error err = {0};
    rc = keel_directory_open(d, ctx->config, &err);
    if (rc == KEEL_ENOTFOUND)
        return cli_usage_error("%s; keel login needs one (docs/directory.md)",
                               err.msg);
    return rc ? cli_fail(rc, &err) : 0;
}

static void print_end(const char *what, long long expires)
{
    char when[64];
    time_t t = (time_t)expires;
    struct tm tm;
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&t, &tm));
    printf("%s%s\n", what, when);
}

static int authenticate(keel_dir_user **u, cli_ctx *ctx, keel_directory *d,
                        const char *user)
{
    char pw[MAX_PASSWORD];
    size_t len = 0;
    int rc = read_password(pw, sizeof(pw), &len, ctx, user);
    keel_error err = {0};
    if (rc == 0 && (rc = keel_directory_authenticate(u, d, user, pw, len, &err)))
        rc = cli_fail(rc, &err);
    explicit_bzero(pw, sizeof(pw)); /* not optimised away */
    return rc;
}

int cmd_login(cli_ctx *ctx)
{
    if (ctx->groups.n || ctx->policy_files.n || ctx->n_pos)
        return cli_usage_error("usage: keel login [--user NAME] "
                               "[--password-file FILE] [--verbose]");
    keel_directory *d = NULL;
    int rc = open_directory(&d, ctx);
    if (rc)
        return rc;
    keel_directory_set_log(d, on_log, NULL);
    if (ctx->verbose)
        keel_directory_set_trace(d, on_stage, NULL);
    const char *user = ctx->user ? ctx->user : cli_local_user();
    keel_dir_user *u = NULL;
    rc = authenticate(&u, ctx, d, user);
    keel_error err = {0};
    long ttl = keel_directory_session_ttl(d);
    if (rc == 0 &&
        (rc = keel_session_save(keel_config_state_dir(ctx->config), u, ttl, &err)))
        rc = cli_fail(rc, &err);
    if (rc == 0) {
        printf("logged in as %s (%s), %zu group%s; ", u->uid,
               u->name ? u->name : u->dn, u->n_groups, u->n_groups == 1 ? "" : "s");
        print_end("the session ends at ", (long long)time(NULL) + ttl);
    }
    keel_dir_user_free(u);
    keel_directory_close(d);
    return rc;
}

static void print_json(const keel_dir_user *u, long long expires)
{
    keel_value *v = NULL;
    if (keel_dir_user_to_value(&v, u) == 0) {
        keel_value *e = expires ? keel_value_int(expires) : keel_value_null();
        keel_value *src = keel_value_cstring(expires ? "directory" : "local");
        if (e && src && keel_value_object_set(v, "expires", e) == 0 &&
            keel_value_object_set(v, "source", src) == 0)
            cli_print_json_value(v, true);
        keel_value_unref(e);
        keel_value_unref(src);
    }
    keel_value_unref(v);
}

static void print_user(const keel_dir_user *u, long long expires)
{
    printf("%s%s%s%s\n", u->uid, u->name ? " (" : "", u->name ? u->name : "",
           u->name ? ")" : "");
    if (u->dn)
        printf("dn: %s\n", u->dn);
    if (u->mail)
        printf("mail: %s\n", u->mail);
    printf("groups:%s\n", u->n_groups ? "" : " none");
    for (size_t i = 0; i < u->n_groups; i++)
        printf("  %s\n", u->groups[i]);
    if (expires)
        print_end("session ends: ", expires);
    else
        printf("local user: no directory is configured\n");
}

int cmd_whoami(cli_ctx *ctx)
{
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    keel_dir_user local = {0}, *u = &local;
    long long expires = 0;
    if (keel_config_section(ctx->config, "directory")) {
        keel_error err = {0};
        rc = keel_session_load(&u, &expires, keel_config_state_dir(ctx->config), &err);
        if (rc) {
            fprintf(stderr, "keel: error: %s%s\n", err.msg,
                    rc == KEEL_ENOTFOUND ? ": run `keel login` first" : "");
            return rc == KEEL_ENOMEM ? KEEL_EXIT_FAILED : KEEL_EXIT_AUTH;
        }
    } else
        local.uid = (char *)cli_local_user();
    if (ctx->json)
        print_json(u, expires);
    else
        print_user(u, expires);
    if (u != &local)
        keel_dir_user_free(u);
    return 0;
}

int cmd_logout(cli_ctx *ctx)
{
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    bool removed = false;
    keel_error err = {0};
    if ((rc = keel_session_remove(&removed, keel_config_state_dir(ctx->config), &err)))
        return cli_fail(rc, &err);
    printf("%s\n", removed ? "logged out" : "not logged in");
    return 0;
}
