/* init_fail.c - a fixture whose init refuses to start. */
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
    return api->set_error(ctx, KEEL_EINVAL, "setting 'server' is required");
}

static const keel_function functions[] = {
    {"nop", "Nothing.", NULL, 0, KEEL_TYPE_NULL, NULL, 0, false, nop},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "init_fail", "1.0", "Init fails.",
    functions, KEEL_COUNTOF(functions), init, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
