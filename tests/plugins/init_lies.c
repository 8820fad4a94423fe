/* init_lies.c - a fixture whose init fails but sets error code 0. */
#include <keel/plugin.h>

static int nop(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    (void)api, (void)call, (void)args, (void)result;
    return 0;
}

static int init(const keel_host_api *api, keel_call *ctx,
                const keel_value *config, void **state)
{
    (void)config, (void)state;
    api->set_error(ctx, 0, "not ready");
    return KEEL_EFAILED;
}

static const keel_function functions[] = {
    {"nop", "Nothing.", NULL, 0, KEEL_TYPE_NULL, NULL, 0, false, nop},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "init_lies", "1.0", "Init fails with code 0 set.",
    functions, KEEL_COUNTOF(functions), init, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
