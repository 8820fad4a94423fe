// include_only.cpp - <keel/plugin.h> alone in C++, twice (include guard).
// The second include is the point.
// clang-format off
#include <keel/plugin.h>
#include <keel/plugin.h>
// clang-format on

#include <type_traits>

// The host reads these with memcpy and offsetof: they must stay plain C
// structs when seen from C++.
static_assert(std::is_standard_layout<keel_host_api>::value, "host api");
static_assert(std::is_standard_layout<keel_plugin>::value, "plugin");
static_assert(std::is_trivial<keel_function>::value, "function");
static_assert(std::is_trivial<keel_param>::value, "param");

int keel_header_probe(const keel_host_api *api);

int keel_header_probe(const keel_host_api *api)
{
    return KEEL_API_HAS(api, canceled) ? KEEL_OK : KEEL_ENOTFOUND;
}
