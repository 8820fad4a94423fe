// tiny_plugin.cpp - a whole plugin in C++11: the descriptor is built with
// plain aggregate initialisation (no designated initialisers), exported
// with KEEL_PLUGIN_EXPORT (which must give it C linkage) and loaded by keel
// from header_test.sh as tiny_cxx.so.
#include <keel/plugin.h>

#include <cstddef>

// No std:: templates here: libstdc++ gives their instantiations default
// visibility, so -fvisibility=hidden would not keep them out of the
// plugin's exports, and the test checks that exactly one symbol is exported.
namespace
{

template <std::size_t N> constexpr std::size_t length(const char (&)[N])
{
    return N - 1;
}

const char reply[] = "pong";

int ping(const keel_host_api *api, keel_call *call, const keel_value *args,
         keel_value **result)
{
    (void)args;
    if (!KEEL_API_HAS(api, canceled))
        return api->set_error(call, KEEL_EABI, "host API %u.%u too old",
                              static_cast<unsigned>(api->abi_major),
                              static_cast<unsigned>(api->abi_minor));
    *result = api->new_string(call, reply, length(reply));
    return *result ? KEEL_OK : KEEL_ENOMEM;
}

const keel_function functions[] = {
    {"ping", "Answer \"pong\".", nullptr, 0, KEEL_TYPE_STRING, nullptr,
     KEEL_EFFECT_IDEMPOTENT, false, ping},
};

} // namespace

// clang-format off
static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "tiny_cxx", "1.0.0", "Header test plugin.",
    functions, KEEL_COUNTOF(functions), nullptr, nullptr,
};
// clang-format on

KEEL_PLUGIN_EXPORT(plugin);
