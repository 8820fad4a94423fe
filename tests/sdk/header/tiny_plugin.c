/* tiny_plugin.c - a whole plugin in C99 -pedantic: KEEL_ABI_STAMP,
 * KEEL_PLUGIN_EXPORT, KEEL_API_HAS and the printf-checked set_error. Built
 * by header_test.sh as tiny_c.so and loaded by keel. */
#include <keel/plugin.h>

static int ping(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    (void)args;
    if (!KEEL_API_HAS(api, canceled))
        return api->set_error(call, KEEL_EABI, "host API %u.%u too old",
                              (unsigned)api->abi_major,
                              (unsigned)api->abi_minor);
    *result = api->new_string(call, "pong", 4);
    return *result ? KEEL_OK : KEEL_ENOMEM;
}

static const keel_function functions[] = {
    {"ping", "Answer \"pong\".", NULL, 0, KEEL_TYPE_STRING, NULL,
     KEEL_EFFECT_IDEMPOTENT, false, ping},
};

/* clang-format off */
static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "tiny_c", "1.0.0", "Header test plugin.",
    functions, KEEL_COUNTOF(functions), NULL, NULL,
};
/* clang-format on */

KEEL_PLUGIN_EXPORT(plugin);
