/* bad_schema.c - a fixture whose parameter schema has a misspelt keyword. */
#include <keel/plugin.h>

static int nop(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    (void)api, (void)call, (void)args, (void)result;
    return 0;
}

static const keel_param params[] = {
    {"n", KEEL_TYPE_INT, "A number.", true, NULL, "{\"minimun\": 0}", NULL},
};

static const keel_function functions[] = {
    {"count", "Count.", params, 1, KEEL_TYPE_NULL, NULL, 0, false, nop},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "bad_schema", "1.0", "Bad schema fragment.",
    functions, KEEL_COUNTOF(functions), NULL, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
