/*
 * ldap_serve.c - the directory as the kernel offers it to plugins
 * (api->directory): one table row per operation, arguments checked here.
 */
#include "ldap_internal.h"

#include <string.h>

static const char *key_arg(const keel_value *args, const char *name,
                           keel_error *err)
{
    const char *s = keel_value_get_string(keel_value_object_get(args, name), NULL);
    if (!s || !*s)
        keel_error_set(err, KEEL_EINVAL, "'%s' must be a non-empty string", name);
    return s && *s ? s : NULL;
}

static int op_find_user(keel_value **out, keel_directory *d,
                        const keel_value *args, keel_error *err)
{
    const char *key = key_arg(args, "key", err);
    keel_dir_user *u = NULL;
    int rc = key ? keel_directory_find_user(&u, d, key, err) : KEEL_EINVAL;
    if (rc == 0 && (rc = keel_dir_user_to_value(out, u)))
        keel_error_set(err, rc, "out of memory");
    keel_dir_user_free(u);
    return rc;
}

static int op_user_groups(keel_value **out, keel_directory *d,
                          const keel_value *args, keel_error *err)
{
    keel_value *user = NULL;
    int rc = op_find_user(&user, d, args, err);
    if (rc == 0)
        *out = keel_value_ref(keel_value_object_get(user, "groups"));
    keel_value_unref(user);
    return rc;
}

static int op_group_members(keel_value **out, keel_directory *d,
                            const keel_value *args, keel_error *err)
{
    const char *group = key_arg(args, "group", err);
    bool nested = keel_value_get_bool(keel_value_object_get(args, "nested"));
    return group ? keel_directory_group_members(out, d, group, nested, err)
                 : KEEL_EINVAL;
}

static const struct op {
    const char *name;
    int (*fn)(keel_value **out, keel_directory *d, const keel_value *args,
              keel_error *err);
} ops[] = {
    {"find_user", op_find_user},
    {"user_groups", op_user_groups},
    {"group_members", op_group_members},
};

int keel_directory_serve(void *ud, const char *op, const keel_value *args,
                         keel_value **out, keel_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(ops[i].name, op) == 0)
            return ops[i].fn(out, ud, args, err);
    return keel_error_set(err, KEEL_EINVAL, "unknown directory operation "
                          "'%s' (known: find_user, user_groups, "
                          "group_members)", op);
}
