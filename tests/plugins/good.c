/*
 * good.c - a well-formed fixture plugin exercising every descriptor feature:
 * defaults, constraints, sinks, return schema, untrusted output, init with
 * settings, and a function that lies about its return type.
 */
#include <keel/plugin.h>

#include <string.h>

typedef struct state {
    char greeting[64];
} state;

static state the_state;

static int init(const keel_host_api *api, keel_call *ctx,
                const keel_value *config, void **st)
{
    const keel_value *g = api->object_get(config, "greeting");
    const char *s = g ? api->get_string(g, NULL) : "hello";
    if (!s)
        return api->set_error(ctx, KEEL_EINVAL, "setting 'greeting' must be "
                                                "a string");
    strncpy(the_state.greeting, s, sizeof(the_state.greeting) - 1);
    *st = &the_state;
    return 0;
}

static int echo(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    (void)api;
    (void)call;
    /* args is borrowed; returning a member of it is allowed */
    *result = (keel_value *)api->object_get(args, "text");
    return 0;
}

static int greet(const keel_host_api *api, keel_call *call,
                 const keel_value *args, keel_value **result)
{
    const state *st = api->plugin_state(call);
    size_t len;
    const char *name = api->get_string(api->object_get(args, "name"), &len);
    keel_value *o = api->new_object(call);
    keel_value *g = api->new_string(call, st->greeting, strlen(st->greeting));
    keel_value *n = api->new_string(call, name, len);
    if (!o || !g || !n)
        return KEEL_ENOMEM;
    api->object_set(call, o, "greeting", g);
    api->object_set(call, o, "name", n);
    *result = o;
    return 0;
}

static int fetch(const keel_host_api *api, keel_call *call,
                 const keel_value *args, keel_value **result)
{
    int64_t n = 0;
    api->get_int(api->object_get(args, "count"), &n);
    keel_value *list = api->new_list(call);
    for (int64_t i = 0; list && i < n; i++)
        if (api->list_append(call, list, api->new_int(call, i)) != 0)
            return KEEL_ENOMEM;
    *result = list;
    return list ? 0 : KEEL_ENOMEM;
}

static int fail(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    (void)args;
    (void)result;
    return api->set_error(call, KEEL_EINVAL, "the fixture failed on purpose");
}

static int liar(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    (void)args;
    *result = api->new_string(call, "not an int", 10);
    return 0;
}

static const keel_param echo_params[] = {
    {"text", KEEL_TYPE_STRING, "Text to echo.", true, NULL,
     "{\"maxLength\": 16}", KEEL_SINK_TEXT},
};

static const keel_param greet_params[] = {
    {"name", KEEL_TYPE_STRING, "Who to greet.", false, "\"world\"",
     "{\"pattern\": \"^[a-z]+$\"}", NULL},
    {"to", KEEL_TYPE_STRING, "Recipient address.", false, NULL, NULL,
     KEEL_SINK_RECIPIENT},
};

static const keel_param fetch_params[] = {
    {"count", KEEL_TYPE_INT, "How many items.", true, NULL,
     "{\"minimum\": 0, \"maximum\": 1000}", NULL},
    {"scale", KEEL_TYPE_FLOAT, "Unused scale.", false, "1.5", NULL, NULL},
};

static const keel_function functions[] = {
    {"echo", "Return the text unchanged.", echo_params, 1, KEEL_TYPE_STRING,
     NULL, KEEL_EFFECT_IDEMPOTENT, false, echo},
    {"greet", "Greet someone.", greet_params, 2, KEEL_TYPE_OBJECT,
     "{\"type\":\"object\",\"properties\":{\"greeting\":{\"type\":\"string\"},"
     "\"name\":{\"type\":\"string\"}}}",
     KEEL_EFFECT_READS, false, greet},
    {"fetch", "Fetch a list from outside.", fetch_params, 2, KEEL_TYPE_LIST,
     NULL, KEEL_EFFECT_NETWORK | KEEL_EFFECT_READS, true, fetch},
    {"fail", "Always fail.", NULL, 0, KEEL_TYPE_NULL, NULL, 0, false, fail},
    {"liar", "Declares int, returns a string.", NULL, 0, KEEL_TYPE_INT, NULL,
     0, false, liar},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "fixture", "1.2.3", "Fixture plugin for kernel tests.",
    functions, KEEL_COUNTOF(functions), init, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
