/*
 * policy_xml.h - reading one policy file into a schema-valid XML tree.
 */
#ifndef KEEL_POLICY_XML_H
#define KEEL_POLICY_XML_H

#include "policy_internal.h"

#include <libxml/tree.h>

#define POL_MAX_BYTES (1u << 20)

/* Parses and validates text; problems go to d prefixed with name. The
 * caller frees *out with xmlFreeDoc. */
int pol_xml_read(xmlDocPtr *out, const char *name, const char *text,
                 size_t len, keel_diags *d);

#endif
