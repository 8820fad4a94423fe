/*
 * json_internal.h - what the json plugin's files share: dot paths
 * ("a.b.0.c"), split into segments and resolved one step at a time, with
 * errors that name the segment at fault (json_path.c).
 */
#ifndef KEEL_PLUGIN_JSON_INTERNAL_H
#define KEEL_PLUGIN_JSON_INTERNAL_H

#include <keel/plugin.h>

/* A path split into NUL-terminated segments, all in call memory. */
typedef struct json_path {
    const char *text; /* as given, for messages */
    char **seg;
    size_t n; /* 0 for the empty path */
} json_path;

/* Splits path[0..len). Refuses a NUL byte and empty segments ("a..b"). */
int json_path_split(json_path *p, const keel_host_api *api, keel_call *call,
                    const char *path, size_t len);

/* Reads segment i as an index into a list of len items; the index len is
 * allowed too when append is set. */
int json_path_index(size_t *idx, const keel_host_api *api, keel_call *call,
                    const json_path *p, size_t i, size_t len, bool append);

/* The child of node at segment i (borrowed from node). */
int json_path_step(const keel_value **child, const keel_host_api *api,
                   keel_call *call, const json_path *p, size_t i,
                   const keel_value *node);

/* The error for segment i stepping into v, which is no container. */
int json_path_not_container(const keel_host_api *api, keel_call *call,
                            const json_path *p, size_t i,
                            const keel_value *v);

#endif
