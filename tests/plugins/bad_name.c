/* bad_name.c - a fixture with a non-canonical function name. */
#include <keel/plugin.h>

static int nop(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    (void)api, (void)call, (void)args, (void)result;
    return 0;
}

static const keel_function functions[] = {
    {"Send-Mail", "Bad name.", NULL, 0, KEEL_TYPE_NULL, NULL, 0, false, nop},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "bad_name", "1.0", "Bad function name.",
    functions, KEEL_COUNTOF(functions), NULL, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
