/* dup_function.c - a fixture declaring one function name twice. */
#include <keel/plugin.h>

static int nop(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    (void)api, (void)call, (void)args, (void)result;
    return 0;
}

static const keel_function functions[] = {
    {"twice", "First.", NULL, 0, KEEL_TYPE_NULL, NULL, 0, false, nop},
    {"twice", "Second.", NULL, 0, KEEL_TYPE_NULL, NULL, 0, false, nop},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "dup_function", "1.0", "Duplicate function.",
    functions, KEEL_COUNTOF(functions), NULL, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
