/*
 * hostile.c - a fixture plugin that breaks the rules a careless or hostile
 * plugin might: results set before a failure, borrowed arguments returned
 * with a failure, reference cycles, invalid UTF-8.
 */
#include <keel/plugin.h>

static int result_then_fail(const keel_host_api *api, keel_call *call,
                            const keel_value *args, keel_value **result)
{
    (void)args;
    *result = api->new_list(call);
    return api->set_error(call, KEEL_EINVAL, "failed after setting a result");
}

static int arg_then_fail(const keel_host_api *api, keel_call *call,
                         const keel_value *args, keel_value **result)
{
    (void)api, (void)call;
    *result = (keel_value *)args; /* borrowed, then a failure */
    return KEEL_EINVAL;
}

/* Tries to build cycles; returns what the host answered each time. */
static int cycle(const keel_host_api *api, keel_call *call,
                 const keel_value *args, keel_value **result)
{
    (void)args;
    keel_value *l = api->new_list(call), *o = api->new_object(call);
    int into = api->list_append(call, l, o);
    int self = api->list_append(call, l, l);
    int close = api->object_set(call, o, "back", l);
    keel_value *r = api->new_object(call);
    api->object_set(call, r, "into", api->new_int(call, into));
    api->object_set(call, r, "self", api->new_int(call, self));
    api->object_set(call, r, "close", api->new_int(call, close));
    *result = r;
    return 0;
}

static int bad_utf8(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    (void)args;
    *result = api->new_string(call, "\xff\xfe", 2);
    return *result ? 0 : KEEL_EINVAL;
}

static const keel_param p_any[] = {
    {"x", KEEL_TYPE_ANY, "Anything.", false, NULL, NULL, NULL},
};

static const keel_function functions[] = {
    {"result_then_fail", "Sets a result, then fails.", NULL, 0, KEEL_TYPE_ANY,
     NULL, 0, false, result_then_fail},
    {"arg_then_fail", "Returns its argument object, then fails.", p_any, 1,
     KEEL_TYPE_ANY, NULL, 0, false, arg_then_fail},
    {"cycle", "Tries to build reference cycles.", NULL, 0, KEEL_TYPE_OBJECT,
     NULL, 0, false, cycle},
    {"bad_utf8", "Builds an invalid string.", NULL, 0, KEEL_TYPE_STRING, NULL,
     0, false, bad_utf8},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "hostile", "1.0", "Rule-breaking fixture.",
    functions, KEEL_COUNTOF(functions), NULL, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
