/* include_only.c - <keel/plugin.h> alone, twice (include guard), and the
 * macros that need no plugin. Compiled as C99 -pedantic by header_test.sh. */
/* The second include is the point. */
/* clang-format off */
#include <keel/plugin.h>
#include <keel/plugin.h>
/* clang-format on */

int keel_header_probe(const keel_host_api *api);

int keel_header_probe(const keel_host_api *api)
{
    static const char entry[] = KEEL_PLUGIN_ENTRY_NAME;
    keel_type t = KEEL_TYPE_ANY;
    keel_plugin_entry_fn fn = 0;
    (void)fn;
    return KEEL_API_HAS(api, canceled) + (int)t + (int)sizeof(entry) +
           KEEL_ABI_MAJOR + KEEL_ABI_MINOR + KEEL_OK;
}
