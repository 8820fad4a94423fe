/* newer_minor.c - a fixture stamped with a minor newer than the host's. */
#include <keel/plugin.h>

static const keel_plugin plugin = {
    {KEEL_ABI_MAGIC, KEEL_ABI_MAJOR, KEEL_ABI_MINOR + 1, sizeof(keel_plugin),
     sizeof(keel_function), sizeof(keel_param)},
    "newer_minor", "1.0", "Newer minor.", NULL, 0, NULL, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
