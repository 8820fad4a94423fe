/*
 * hello.c - a complete keel plugin, built outside keel's source tree.
 *
 * It includes only <keel/plugin.h> and links nothing of keel: every value
 * is read and built through the API table the host passes to each call.
 *
 *   keel --plugins DIR invoke hello.greet name=World   ->  "Hello, World!"
 *   keel --plugins DIR invoke hello.shout name=World   ->  "HELLO, WORLD!"
 */
#include <keel/plugin.h>

#include <string.h>

/* Writes "Hello, NAME!" into memory that belongs to the call (the host
 * frees it when the call ends). Returns 0, or a KEEL_E* code after setting
 * the call's error. The host has already checked 'name' against the schema
 * below (present, a string of 1 to 64 characters). */
static int format_greeting(char **out, size_t *out_len,
                           const keel_host_api *api, keel_call *call,
                           const keel_value *args)
{
    static const char head[] = "Hello, ";
    *out = NULL;
    *out_len = 0;
    size_t len = 0;
    const char *name = api->get_string(api->object_get(args, "name"), &len);
    if (!name)
        return api->set_error(call, KEEL_EINVAL, "'name' must be a string");
    size_t n = (sizeof(head) - 1) + len + 1; /* head, name, "!" */
    char *buf = api->call_alloc(call, n + 1);
    if (!buf)
        return api->set_error(call, KEEL_ENOMEM, "out of memory");
    /* memcpy, not printf: a string value may hold NUL bytes. */
    memcpy(buf, head, sizeof(head) - 1);
    memcpy(buf + sizeof(head) - 1, name, len);
    buf[n - 1] = '!';
    *out = buf;
    *out_len = n;
    return 0;
}

static int greet(const keel_host_api *api, keel_call *call,
                 const keel_value *args, keel_value **result)
{
    char *text;
    size_t len;
    int rc = format_greeting(&text, &len, api, call, args);
    if (rc)
        return rc;
    /* new_string copies the bytes; the result is adopted by the host. */
    *result = api->new_string(call, text, len);
    return *result ? 0 : KEEL_ENOMEM;
}

static int shout(const keel_host_api *api, keel_call *call,
                 const keel_value *args, keel_value **result)
{
    char *text;
    size_t len;
    int rc = format_greeting(&text, &len, api, call, args);
    if (rc)
        return rc;
    /* ASCII letters only, so multi-byte UTF-8 sequences stay valid. */
    for (size_t i = 0; i < len; i++)
        if (text[i] >= 'a' && text[i] <= 'z')
            text[i] = (char)(text[i] - 'a' + 'A');
    *result = api->new_string(call, text, len);
    return *result ? 0 : KEEL_ENOMEM;
}

/* Descriptors are static const: the host reads them, never copies the
 * strings, and never unloads the plugin. */
static const keel_param name_params[] = {
    {"name", KEEL_TYPE_STRING, "Who to greet.", true, NULL,
     "{\"minLength\":1,\"maxLength\":64}", NULL},
};

static const keel_function functions[] = {
    {"greet", "Greet someone by name: \"Hello, NAME!\".", name_params,
     KEEL_COUNTOF(name_params), KEEL_TYPE_STRING, NULL, KEEL_EFFECT_IDEMPOTENT,
     false, greet},
    {"shout", "Greet someone by name in capitals: \"HELLO, NAME!\".",
     name_params, KEEL_COUNTOF(name_params), KEEL_TYPE_STRING, NULL,
     KEEL_EFFECT_IDEMPOTENT, false, shout},
};

/* Positional initialisers, so the same code also compiles as C++. */
/* clang-format off */
static const keel_plugin plugin = {
    KEEL_ABI_STAMP,
    "hello",
    "1.0.0",
    "Example plugin built against the keel SDK.",
    functions,
    KEEL_COUNTOF(functions),
    NULL, /* init: optional */
    NULL, /* fini: optional */
};
/* clang-format on */

/* No semicolon after it: the macro ends with a function body, and a stray
 * ';' at file scope is an error under -pedantic. */
KEEL_PLUGIN_EXPORT(plugin);
