/*
 * directory.c - the directory plugin: read-only lookups in the company
 * directory (LDAP) for plans: one user by uid or mail with name, mail,
 * manager and groups; a group's members, direct or through nested groups;
 * a user's groups.
 *
 * The plugin links no LDAP library: every lookup goes through the host's
 * directory connection (api->directory, plugin ABI 1.1), so it inherits
 * keel's TLS settings, timeouts and service account, and works only when
 * the configuration has a "directory" section. All functions read external
 * state over the network and change nothing; they are safe to run again.
 */
#include <keel/plugin.h>

#include <string.h>

#define LOOKUP (KEEL_EFFECT_READS | KEEL_EFFECT_NETWORK | KEEL_EFFECT_IDEMPOTENT)

static int lookup(const keel_host_api *api, keel_call *call, const char *op,
                  const keel_value *args, keel_value **result)
{
    if (!KEEL_API_HAS(api, directory))
        return api->set_error(call, KEEL_EUNAVAIL, "this keel has no "
                              "directory API (plugin ABI 1.1 or later)");
    return api->directory(call, op, args, result);
}

static int find_user(const keel_host_api *api, keel_call *call,
                     const keel_value *args, keel_value **result)
{
    return lookup(api, call, "find_user", args, result);
}

static int group_members(const keel_host_api *api, keel_call *call,
                         const keel_value *args, keel_value **result)
{
    return lookup(api, call, "group_members", args, result);
}

static int user_groups(const keel_host_api *api, keel_call *call,
                       const keel_value *args, keel_value **result)
{
    return lookup(api, call, "user_groups", args, result);
}

#define KEY_SCHEMA "{\"minLength\":1,\"maxLength\":256}"

static const keel_param p_key[] = {
    {"key", KEEL_TYPE_STRING, "The user's uid (\"jdoe\") or mail address "
     "(\"jdoe@example.com\").", true, NULL, KEY_SCHEMA, KEEL_SINK_QUERY},
};
static const keel_param p_group[] = {
    {"group", KEEL_TYPE_STRING, "The group's DN, as find_user returns it "
     "(\"cn=ops,ou=groups,dc=example,dc=com\").", true, NULL,
     "{\"minLength\":3,\"maxLength\":1024}", KEEL_SINK_QUERY},
    {"nested", KEEL_TYPE_BOOL, "false: the group's direct members (people "
     "and groups); true: the people in it and in every group nested in it.",
     false, "false", NULL, NULL},
};

#define PARAMS(a) a, KEEL_COUNTOF(a)
#define DN_LIST "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"
#define OPT_STRING "{\"type\":[\"string\",\"null\"]}"

static const keel_function functions[] = {
    {"find_user", "Finds one person in the company directory by uid or mail "
     "and returns {dn, uid, name, mail, manager (the manager's DN or null), "
     "groups (DNs of every group they are in, nested ones included)}. Fails "
     "when no one or several people match.", PARAMS(p_key), KEEL_TYPE_OBJECT,
     "{\"type\":\"object\",\"properties\":{\"dn\":{\"type\":\"string\"},"
     "\"uid\":{\"type\":\"string\"},\"name\":" OPT_STRING ",\"mail\":"
     OPT_STRING ",\"manager\":" OPT_STRING ",\"groups\":" DN_LIST "},"
     "\"required\":[\"dn\",\"uid\",\"name\",\"mail\",\"manager\",\"groups\"]}",
     LOOKUP, false, find_user},
    {"group_members", "Lists the DNs of a directory group's members: direct "
     "members, or with nested=true the people reached through nested groups "
     "(each once).", PARAMS(p_group), KEEL_TYPE_LIST, DN_LIST, LOOKUP, false,
     group_members},
    {"user_groups", "Lists the DNs of every group a person (uid or mail) is "
     "in, nested groups included.", PARAMS(p_key), KEEL_TYPE_LIST, DN_LIST,
     LOOKUP, false, user_groups},
};

static const keel_plugin directory_plugin = {
    .abi = KEEL_ABI_STAMP,
    .name = "directory",
    .version = "1.0.0",
    .description = "Read-only lookups in the company directory (LDAP): "
                   "people, their managers and groups, group members.",
    .functions = functions,
    .n_functions = KEEL_COUNTOF(functions),
};

KEEL_PLUGIN_EXPORT(directory_plugin);
