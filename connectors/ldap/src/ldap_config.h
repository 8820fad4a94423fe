/*
 * ldap_config.h - the "directory" section of the configuration, checked by
 * one table of rows (ldap_config.c) and read into a flat struct. Strings
 * are borrowed from the section's value, which the directory keeps a
 * reference to. Keys are documented in docs/directory.md.
 */
#ifndef KEEL_LDAP_CONFIG_H
#define KEEL_LDAP_CONFIG_H

#include <keel/config.h>

#include <stdbool.h>

#define DIR_MAX_SERVERS 8

typedef enum dir_tls { DIR_TLS_LDAPS, DIR_TLS_STARTTLS, DIR_TLS_INSECURE } dir_tls;
typedef enum dir_scope { DIR_SCOPE_SUB, DIR_SCOPE_ONE } dir_scope;
typedef enum dir_strategy {
    DIR_GROUPS_MEMBEROF,
    DIR_GROUPS_SEARCH,
    DIR_GROUPS_AD_IN_CHAIN
} dir_strategy;

typedef struct dir_config {
    const char *servers[DIR_MAX_SERVERS];
    size_t n_servers;
    int tls_mode; /* dir_tls; -1 until read or derived from the URIs */
    const char *ca_file, *ca_dir, *cert_file, *key_file;
    const char *bind_dn, *password_env, *password_file;
    const char *user_base, *user_filter, *mail_filter;
    int user_scope; /* dir_scope */
    const char *attr_uid, *attr_name, *attr_mail, *attr_manager,
        *attr_member_of;
    int group_strategy; /* dir_strategy */
    const char *group_base, *group_filter, *attr_member;
    int max_depth;
    long connect_ms, operation_ms, total_ms;
    long session_ttl_s;
} dir_config;

/* Checks the section v and fills *c (defaults for what is absent). Errors
 * name the key path ("directory.tls.mode: ..."). */
int dir_config_read(dir_config *c, const keel_value *v, keel_error *err);

/* The "directory" row of kernel/src/config.c's section table. */
int keel_directory_config_check(keel_config *c, const keel_value *v,
                                keel_error *err);

#endif
