/*
 * policy_build.h - compiling one schema-valid policy document into rules.
 */
#ifndef KEEL_POLICY_BUILD_H
#define KEEL_POLICY_BUILD_H

#include "policy_internal.h"

#include <libxml/tree.h>

/* Appends doc's rules, roles and limits to p. */
int pol_build(keel_policy *p, const xmlDoc *doc, const char *file);

#endif
