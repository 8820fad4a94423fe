/* bad_major.c - a fixture stamped with a different ABI major version. */
#include <keel/plugin.h>

static const keel_plugin plugin = {
    {KEEL_ABI_MAGIC, KEEL_ABI_MAJOR + 1, 0, sizeof(keel_plugin),
     sizeof(keel_function), sizeof(keel_param)},
    "bad_major", "1.0", "Wrong major.", NULL, 0, NULL, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
