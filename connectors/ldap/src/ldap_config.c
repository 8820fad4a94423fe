/*
 * ldap_config.c - the "directory" section: one table of rows (key, kind,
 * where the value goes), checked and read in one pass so that what is
 * validated is exactly what is used. Cross-field rules (a bind DN needs
 * exactly one password source, tls.mode must agree with the URIs, ...)
 * come after. A password written in the file is refused earlier, by the
 * configuration's secret check.
 */
#include "ldap_config.h"

#include "alloc.h"
#include "ldap_dn.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef enum kind {
    K_STR,     /* non-empty string */
    K_PATH,    /* absolute path */
    K_DN,      /* RFC 4514 DN */
    K_FILTER,  /* "(...)" with exactly one %s */
    K_ATTR,    /* attribute name or OID */
    K_ENUM,    /* one of row->words, stored as its index */
    K_MS,      /* 1 .. 600000 */
    K_SECS,    /* 1 .. 86400 */
    K_DEPTH,   /* 0 .. 64 */
    K_SERVERS, /* 1 .. DIR_MAX_SERVERS ldap:// or ldaps:// URIs */
    K_OFF,     /* false: the feature stays off */
    K_OBJ      /* keys from row->sub */
} kind;

typedef struct row {
    const char *name;
    kind kind;
    size_t at; /* offsetof(dir_config, ...) */
    const struct row *sub;
    const char *const *words;
} row;

#define AT(f) offsetof(dir_config, f)

static const char *const tls_modes[] = {"ldaps", "starttls", "insecure", NULL};
static const char *const scopes[] = {"sub", "one", NULL};
static const char *const strategies[] = {"memberof", "search", "ad_in_chain",
                                         NULL};

static const row tls_rows[] = {
    {"mode", K_ENUM, AT(tls_mode), NULL, tls_modes},
    {"ca_file", K_PATH, AT(ca_file), NULL, NULL},
    {"ca_dir", K_PATH, AT(ca_dir), NULL, NULL},
    {"cert_file", K_PATH, AT(cert_file), NULL, NULL},
    {"key_file", K_PATH, AT(key_file), NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};
static const row bind_rows[] = {
    {"dn", K_DN, AT(bind_dn), NULL, NULL},
    {"password_env", K_STR, AT(password_env), NULL, NULL},
    {"password_file", K_PATH, AT(password_file), NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};
static const row attr_rows[] = {
    {"uid", K_ATTR, AT(attr_uid), NULL, NULL},
    {"name", K_ATTR, AT(attr_name), NULL, NULL},
    {"mail", K_ATTR, AT(attr_mail), NULL, NULL},
    {"manager", K_ATTR, AT(attr_manager), NULL, NULL},
    {"member_of", K_ATTR, AT(attr_member_of), NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};
static const row user_rows[] = {
    {"base", K_DN, AT(user_base), NULL, NULL},
    {"scope", K_ENUM, AT(user_scope), NULL, scopes},
    {"filter", K_FILTER, AT(user_filter), NULL, NULL},
    {"mail_filter", K_FILTER, AT(mail_filter), NULL, NULL},
    {"attributes", K_OBJ, 0, attr_rows, NULL},
    {NULL, 0, 0, NULL, NULL}};
static const row group_rows[] = {
    {"strategy", K_ENUM, AT(group_strategy), NULL, strategies},
    {"base", K_DN, AT(group_base), NULL, NULL},
    {"filter", K_STR, AT(group_filter), NULL, NULL},
    {"member_attribute", K_ATTR, AT(attr_member), NULL, NULL},
    {"max_depth", K_DEPTH, AT(max_depth), NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};
static const row timeout_rows[] = {
    {"connect_ms", K_MS, AT(connect_ms), NULL, NULL},
    {"operation_ms", K_MS, AT(operation_ms), NULL, NULL},
    {"total_ms", K_MS, AT(total_ms), NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};
static const row directory_rows[] = {
    {"servers", K_SERVERS, 0, NULL, NULL},
    {"tls", K_OBJ, 0, tls_rows, NULL},
    {"bind", K_OBJ, 0, bind_rows, NULL},
    {"users", K_OBJ, 0, user_rows, NULL},
    {"groups", K_OBJ, 0, group_rows, NULL},
    {"timeouts", K_OBJ, 0, timeout_rows, NULL},
    {"session_ttl_s", K_SECS, AT(session_ttl_s), NULL, NULL},
    {"referrals", K_OFF, 0, NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

static void defaults(dir_config *c)
{
    memset(c, 0, sizeof(*c));
    c->tls_mode = -1;
    c->user_filter = "(&(objectClass=inetOrgPerson)(uid=%s))";
    c->mail_filter = "(&(objectClass=inetOrgPerson)(mail=%s))";
    c->attr_uid = "uid";
    c->attr_name = "cn";
    c->attr_mail = "mail";
    c->attr_manager = "manager";
    c->attr_member_of = "memberOf";
    c->group_filter = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";
    c->attr_member = "member";
    c->max_depth = 8;
    c->connect_ms = 5000;
    c->operation_ms = 10000;
    c->total_ms = 15000;
    c->session_ttl_s = 900;
}

static int bad(keel_error *err, const char *path, const char *what)
{
    return keel_error_set(err, KEEL_EINVAL, "%s: %s", path, what);
}

static bool attr_name_ok(const char *s)
{
    if (!isalpha((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
            return false;
    return true;
}

static bool filter_ok(const char *s)
{
    size_t n = strlen(s);
    const char *at = strstr(s, "%s");
    return n >= 2 && s[0] == '(' && s[n - 1] == ')' && at &&
           !strchr(at + 2, '%') && !memchr(s, '%', (size_t)(at - s));
}

static bool dn_ok(const char *s)
{
    char *n = NULL;
    int rc = keel_dn_normalise(&n, s, strlen(s));
    keel_free(n);
    return rc == 0 && s[0];
}

static int read_int(const keel_value *v, long lo, long hi, long *out)
{
    if (keel_value_type(v) != KEEL_TYPE_INT || keel_value_get_int(v) < lo ||
        keel_value_get_int(v) > hi)
        return -1;
    *out = (long)keel_value_get_int(v);
    return 0;
}

static int read_servers(dir_config *c, const keel_value *v, const char *path,
                        keel_error *err)
{
    size_t n = keel_value_len(v);
    if (keel_value_type(v) != KEEL_TYPE_LIST || n == 0 || n > DIR_MAX_SERVERS)
        return bad(err, path, "expected a list of 1 to 8 URIs "
                              "(ldaps://host or ldap://host)");
    for (size_t i = 0; i < n; i++) {
        const char *s = keel_value_get_string(keel_value_list_at(v, i), NULL);
        if (!s || (strncmp(s, "ldaps://", 8) != 0 &&
                   strncmp(s, "ldap://", 7) != 0) ||
            strpbrk(s, " ,\t\n") || !s[strncmp(s, "ldaps", 5) == 0 ? 8 : 7])
            return keel_error_set(err, KEEL_EINVAL, "%s[%zu]: expected one "
                                  "URI, ldaps://HOST[:PORT] or "
                                  "ldap://HOST[:PORT]", path, i);
        c->servers[i] = s;
    }
    c->n_servers = n;
    return 0;
}

static int read_rows(dir_config *c, const keel_value *v, const row *rows,
                     const char *path, keel_error *err);

/* One value by its row's kind into *c. */
static int read_one(dir_config *c, const keel_value *v, const row *r,
                    const char *path, keel_error *err)
{
    char *base = (char *)c + r->at;
    const char *s = keel_value_get_string(v, NULL);
    long n = 0;
    switch (r->kind) {
    case K_OBJ:
        return read_rows(c, v, r->sub, path, err);
    case K_SERVERS:
        return read_servers(c, v, path, err);
    case K_OFF:
        return keel_value_type(v) == KEEL_TYPE_BOOL && !keel_value_get_bool(v)
                   ? 0 : bad(err, path, "keel never chases referrals; "
                                        "remove the key or set it to false");
    case K_MS:
        if (read_int(v, 1, 600000, &n))
            return bad(err, path, "expected milliseconds, 1 to 600000");
        *(long *)(void *)base = n;
        return 0;
    case K_SECS:
        if (read_int(v, 1, 86400, &n))
            return bad(err, path, "expected seconds, 1 to 86400");
        *(long *)(void *)base = n;
        return 0;
    case K_DEPTH:
        if (read_int(v, 0, 64, &n))
            return bad(err, path, "expected an integer from 0 to 64");
        *(int *)(void *)base = (int)n;
        return 0;
    case K_ENUM:
        for (int i = 0; s && r->words[i]; i++)
            if (strcmp(s, r->words[i]) == 0) {
                *(int *)(void *)base = i;
                return 0;
            }
        return keel_error_set(err, KEEL_EINVAL, "%s: expected %s, %s%s%s",
                              path, r->words[0], r->words[1],
                              r->words[2] ? " or " : "",
                              r->words[2] ? r->words[2] : "");
    default:
        break;
    }
    if (!s || !s[0])
        return bad(err, path, "expected a non-empty string");
    if (r->kind == K_PATH && s[0] != '/')
        return bad(err, path, "expected an absolute path");
    if (r->kind == K_DN && !dn_ok(s))
        return bad(err, path, "not a valid DN (RFC 4514)");
    if (r->kind == K_FILTER && !filter_ok(s))
        return bad(err, path, "expected a filter in parentheses with exactly "
                              "one %s for the escaped name");
    if (r->kind == K_ATTR && !attr_name_ok(s))
        return bad(err, path, "expected an attribute name");
    *(const char **)(void *)base = s;
    return 0;
}

static int unknown(const row *rows, const char *path, keel_error *err)
{
    char known[256] = "";
    size_t used = 0;
    for (const row *q = rows; q->name && used < sizeof(known); q++)
        used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
                                 q == rows ? "" : ", ", q->name);
    return keel_error_set(err, KEEL_EINVAL, "%s: unknown key (known: %s)",
                          path, known);
}

static int read_rows(dir_config *c, const keel_value *v, const row *rows,
                     const char *path, keel_error *err)
{
    if (keel_value_type(v) != KEEL_TYPE_OBJECT)
        return bad(err, path, "expected an object");
    for (size_t i = 0; i < keel_value_len(v); i++) {
        const char *k = keel_value_object_key_at(v, i);
        char sub[256];
        snprintf(sub, sizeof(sub), "%s.%s", path, k);
        const row *r = rows;
        while (r->name && strcmp(r->name, k) != 0)
            r++;
        int rc = r->name ? read_one(c, keel_value_object_value_at(v, i), r,
                                    sub, err)
                         : unknown(rows, sub, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Rules between keys, after each key was read. */
static int cross_check(dir_config *c, keel_error *err)
{
    if (!c->n_servers)
        return bad(err, "directory.servers", "required: at least one URI");
    if (!c->user_base)
        return bad(err, "directory.users.base", "required: where users live");
    if (c->bind_dn && !c->password_env == !c->password_file)
        return bad(err, "directory.bind", "give exactly one of password_env "
                                          "and password_file with dn");
    if (!c->bind_dn && (c->password_env || c->password_file))
        return bad(err, "directory.bind", "a password source needs a dn");
    if (!c->cert_file != !c->key_file)
        return bad(err, "directory.tls", "cert_file and key_file go together");
    if (c->group_strategy != DIR_GROUPS_MEMBEROF && !c->group_base)
        return bad(err, "directory.groups.base",
                   "required with strategy search or ad_in_chain");
    bool ldaps = strncmp(c->servers[0], "ldaps://", 8) == 0;
    if (c->tls_mode < 0)
        c->tls_mode = ldaps ? DIR_TLS_LDAPS : DIR_TLS_STARTTLS;
    for (size_t i = 0; i < c->n_servers; i++)
        if ((strncmp(c->servers[i], "ldaps://", 8) == 0) !=
            (c->tls_mode == DIR_TLS_LDAPS))
            return keel_error_set(err, KEEL_EINVAL, "directory.servers[%zu]: "
                                  "tls.mode %s needs %s URIs", i,
                                  tls_modes[c->tls_mode],
                                  c->tls_mode == DIR_TLS_LDAPS ? "ldaps://"
                                                               : "ldap://");
    return 0;
}

int dir_config_read(dir_config *c, const keel_value *v, keel_error *err)
{
    defaults(c);
    int rc = read_rows(c, v, directory_rows, "directory", err);
    return rc ? rc : cross_check(c, err);
}

int keel_directory_config_check(keel_config *c, const keel_value *v,
                                keel_error *err)
{
    (void)c;
    dir_config dc;
    return dir_config_read(&dc, v, err);
}
