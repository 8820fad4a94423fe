/*
 * json.c - the json plugin: reach into, build and convert structured values
 * (get, set, merge, keys, parse, stringify) so that a plan can pass one
 * field of a result on, or assemble an object for the next step.
 *
 * Arguments are borrowed and never changed: set and merge build new
 * containers along the way and share everything else, which containers
 * allow because they take their own reference to each item. Paths
 * ("a.b.0.c") are read by json_path.c.
 */
#include "json_internal.h"

#include <string.h>

#define KEEL_PURE KEEL_EFFECT_IDEMPOTENT

static const char *str_arg(const keel_host_api *api, const keel_value *args,
                           const char *name, size_t *len)
{
    *len = 0;
    const keel_value *v = api->object_get(args, name);
    return v ? api->get_string(v, len) : NULL;
}

static int path_arg(json_path *p, const keel_host_api *api, keel_call *call,
                    const keel_value *args)
{
    size_t len;
    const char *path = str_arg(api, args, "path", &len);
    return json_path_split(p, api, call, path ? path : "", len);
}

/* ---- get ---- */

static int json_get(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    json_path p;
    const keel_value *node = api->object_get(args, "value");
    int rc = path_arg(&p, api, call, args);
    for (size_t i = 0; rc == 0 && i < p.n; i++)
        rc = json_path_step(&node, api, call, &p, i, node);
    if (rc)
        return rc;
    /* The host takes its own reference to the result and copies a shared
     * value before it labels it, so handing back a borrowed part of the
     * argument changes nothing of it. */
    *result = (keel_value *)node;
    return 0;
}

/* ---- set ---- */

/* Copies every member of src (an object, or NULL) into dst. */
static int copy_members(const keel_host_api *api, keel_call *call,
                        keel_value *dst, const keel_value *src)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < api->object_len(src); i++)
        rc = api->object_set(call, dst, api->object_key_at(src, i),
                             api->object_value_at(src, i));
    return rc;
}

typedef struct set_ctx {
    const keel_host_api *api;
    keel_call *call;
    json_path path;
    const keel_value *item;
} set_ctx;

static int set_in(const keel_value **out, set_ctx *s,
                  const keel_value *node, size_t i);

/* A copy of the object node (NULL: a new one) with segment i set. */
static int set_in_object(const keel_value **out, set_ctx *s,
                         const keel_value *node, size_t i)
{
    const keel_value *child = NULL;
    keel_value *copy = s->api->new_object(s->call);
    if (!copy)
        return KEEL_ENOMEM;
    int rc = copy_members(s->api, s->call, copy, node);
    if (rc == 0)
        rc = set_in(&child, s, s->api->object_get(node, s->path.seg[i]),
                    i + 1);
    if (rc == 0)
        rc = s->api->object_set(s->call, copy, s->path.seg[i], child);
    *out = copy;
    return rc;
}

/* A copy of the list node with item i replaced, or appended at its end. */
static int set_in_list(const keel_value **out, set_ctx *s,
                       const keel_value *node, size_t i)
{
    const keel_host_api *api = s->api;
    size_t idx, len = api->list_len(node);
    const keel_value *child = NULL;
    int rc = json_path_index(&idx, api, s->call, &s->path, i, len,
                             true);
    if (rc == 0)
        rc = set_in(&child, s, api->list_at(node, idx), i + 1);
    keel_value *copy = rc ? NULL : api->new_list(s->call);
    if (rc == 0 && !copy)
        return KEEL_ENOMEM;
    for (size_t k = 0; rc == 0 && k < len; k++)
        rc = api->list_append(s->call, copy,
                              k == idx ? child : api->list_at(node, k));
    if (rc == 0 && idx == len)
        rc = api->list_append(s->call, copy, child);
    *out = copy;
    return rc;
}

/* node (NULL when missing) with the path from segment i on set to the
 * item: a new container for every segment, the rest shared. */
static int set_in(const keel_value **out, set_ctx *s,
                  const keel_value *node, size_t i)
{
    if (i == s->path.n) {
        *out = s->item;
        return 0;
    }
    keel_type t = node ? s->api->type_of(node) : KEEL_TYPE_OBJECT;
    if (t == KEEL_TYPE_OBJECT)
        return set_in_object(out, s, node, i);
    if (t == KEEL_TYPE_LIST)
        return set_in_list(out, s, node, i);
    return json_path_not_container(s->api, s->call, &s->path, i, node);
}

static int json_set(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    set_ctx s = {api, call, {0}, api->object_get(args, "item")};
    const keel_value *out = NULL;
    int rc = path_arg(&s.path, api, call, args);
    if (rc == 0 && s.path.n == 0)
        rc = api->set_error(call, KEEL_EINVAL, "'path' is empty");
    if (rc == 0)
        rc = set_in(&out, &s, api->object_get(args, "value"), 0);
    if (rc)
        return rc;
    *result = (keel_value *)out; /* a new object: the path is not empty */
    return 0;
}

/* ---- merge, keys ---- */

static int json_merge(const keel_host_api *api, keel_call *call,
                      const keel_value *args, keel_value **result)
{
    keel_value *out = api->new_object(call);
    if (!out)
        return KEEL_ENOMEM;
    int rc = copy_members(api, call, out, api->object_get(args, "a"));
    if (rc == 0)
        rc = copy_members(api, call, out, api->object_get(args, "b"));
    if (rc)
        return rc;
    *result = out;
    return 0;
}

static int json_keys(const keel_host_api *api, keel_call *call,
                     const keel_value *args, keel_value **result)
{
    const keel_value *obj = api->object_get(args, "value");
    keel_value *list = api->new_list(call);
    if (!list)
        return KEEL_ENOMEM;
    for (size_t i = 0; i < api->object_len(obj); i++) {
        const char *key = api->object_key_at(obj, i);
        keel_value *k = api->new_string(call, key, strlen(key));
        if (!k)
            return KEEL_ENOMEM;
        int rc = api->list_append(call, list, k);
        if (rc)
            return rc;
    }
    *result = list;
    return 0;
}

/* ---- parse, stringify ---- */

static int json_parse(const keel_host_api *api, keel_call *call,
                      const keel_value *args, keel_value **result)
{
    size_t len;
    const char *text = str_arg(api, args, "text", &len);
    /* On bad JSON the host has set an error naming the line and column. */
    *result = api->parse_json(call, text, len);
    return *result ? 0 : KEEL_EINVAL;
}

static int json_stringify(const keel_host_api *api, keel_call *call,
                          const keel_value *args, keel_value **result)
{
    const char *json = api->to_json(call, api->object_get(args, "value"));
    if (!json)
        return api->set_error(call, KEEL_ENOMEM, "out of memory");
    *result = api->new_string(call, json, strlen(json));
    return *result ? 0 : KEEL_ENOMEM;
}

/* ---- descriptor ---- */

#define PATH_DOC                                                           \
    "Dot-separated keys and list indexes, e.g. \"user.emails.0\" is key "  \
    "user, key emails, first item."

static const keel_param p_get[] = {
    {"value", KEEL_TYPE_ANY, "The value to look into (usually an object "
     "returned by an earlier step).", true, NULL, NULL, NULL},
    {"path", KEEL_TYPE_STRING, PATH_DOC " The empty path is the value "
     "itself.", true, NULL, "{\"maxLength\":1024}", NULL},
};

static const keel_param p_set[] = {
    {"value", KEEL_TYPE_OBJECT, "The object to start from; it is not "
     "changed.", true, NULL, NULL, NULL},
    {"path", KEEL_TYPE_STRING, PATH_DOC " Missing keys on the way are "
     "created as objects; a list index may be the list's length to append.",
     true, NULL, "{\"minLength\":1,\"maxLength\":1024}", NULL},
    {"item", KEEL_TYPE_ANY, "The value to put at the path.", true, NULL, NULL,
     NULL},
};

static const keel_param p_merge[] = {
    {"a", KEEL_TYPE_OBJECT, "The base object.", true, NULL, NULL, NULL},
    {"b", KEEL_TYPE_OBJECT, "The object whose keys are added; on a key in "
     "both, b's value wins.", true, NULL, NULL, NULL},
};

static const keel_param p_keys[] = {
    {"value", KEEL_TYPE_OBJECT, "The object whose keys to list.", true, NULL,
     NULL, NULL},
};

static const keel_param p_parse[] = {
    {"text", KEEL_TYPE_STRING, "JSON text, e.g. \"{\\\"a\\\": [1, 2]}\".",
     true, NULL, NULL, NULL},
};

static const keel_param p_stringify[] = {
    {"value", KEEL_TYPE_ANY, "The value to serialise.", true, NULL, NULL,
     NULL},
};

#define PARAMS(a) a, KEEL_COUNTOF(a)

static const keel_function functions[] = {
    {"get", "Returns the part of a value at a path: get({\"a\":{\"b\":[5,6]}}, "
     "\"a.b.1\") gives 6. Fails, naming the first missing segment, when the "
     "path does not exist.", PARAMS(p_get), KEEL_TYPE_ANY, NULL, KEEL_PURE,
     false, json_get},
    {"set", "Returns a copy of an object with the value at a path set: "
     "set({\"a\":{\"b\":1}}, \"a.c\", 2) gives {\"a\":{\"b\":1,\"c\":2}}. "
     "The input is not changed.", PARAMS(p_set), KEEL_TYPE_OBJECT,
     "{\"type\":\"object\"}", KEEL_PURE, false, json_set},
    {"merge", "Returns a new object with the keys of a and then of b, b "
     "winning on a key in both. Shallow: nested objects are replaced, not "
     "merged.", PARAMS(p_merge), KEEL_TYPE_OBJECT, "{\"type\":\"object\"}",
     KEEL_PURE, false, json_merge},
    {"keys", "Returns the keys of an object as a list of strings, in the "
     "object's order.", PARAMS(p_keys), KEEL_TYPE_LIST,
     "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}", KEEL_PURE, false,
     json_keys},
    {"parse", "Parses JSON text into a value (object, list, string, number, "
     "bool or null). Integers stay integers.", PARAMS(p_parse),
     KEEL_TYPE_ANY, NULL, KEEL_PURE, false, json_parse},
    {"stringify", "Serialises a value as compact JSON text.",
     PARAMS(p_stringify), KEEL_TYPE_STRING, NULL, KEEL_PURE, false,
     json_stringify},
};

static const keel_plugin json_plugin = {
    .abi = KEEL_ABI_STAMP,
    .name = "json",
    .version = "1.0.0",
    .description = "Pure functions on structured values: get and set by "
                   "path, merge, keys, and JSON text in and out.",
    .functions = functions,
    .n_functions = KEEL_COUNTOF(functions),
};

KEEL_PLUGIN_EXPORT(json_plugin);
