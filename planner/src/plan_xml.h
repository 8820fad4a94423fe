/*
 * plan_xml.h - what the XML plan files share: the two readers that turn a
 * parsed document into the IR (keel's own form in plan_xml_read.c, Semantic
 * Kernel's sequential plans in plan_sk.c) and the small node helpers both
 * use (plan_xml.c). libxml2 types stay inside the planner.
 */
#ifndef KEEL_PLAN_XML_H
#define KEEL_PLAN_XML_H

#include "plan_internal.h"

#include <libxml/tree.h>

#define PLAN_XML_NS "urn:keel:plan:1"

/* The source line of a node (0 when unknown). */
int xml_line(const xmlNode *n);
/* True when n is an element named name in namespace ns (NULL: none). */
bool xml_is(const xmlNode *n, const char *ns, const char *name);
/* "name" or "prefix:name" of an element or attribute, for messages. */
void xml_qname(char *buf, size_t cap, const xmlNs *ns, const xmlChar *name);
/* The element's text (text and CDATA children, concatenated exactly) as a
 * keel_malloc'd string. A child element is diagnosed at pointer; comments
 * and processing instructions are skipped. NULL only on out-of-memory
 * (d->oom is set). */
char *xml_text(const xmlNode *el, const char *pointer, keel_diags *d);
/* True when an element has only blank text, comments and PIs inside. */
bool xml_empty(const xmlNode *el);
/* The attribute named name (no namespace) of el, or NULL. */
const xmlAttr *xml_attr(const xmlNode *el, const char *name);
/* Diagnoses every attribute of el not named in names (namespaced ones
 * included), at pointer. */
void xml_check_attrs(const xmlNode *el, const char *const *names, size_t n,
                     const char *pointer, keel_diags *d);
/* For a child c of an element that holds elements only: true when c is
 * text (diagnosed at pointer unless blank), so the caller skips it. */
bool xml_stray_text(const xmlNode *c, const xmlNode *parent,
                    const char *pointer, keel_diags *d);
/* The attribute's value (keel_malloc'd; sets d->oom and returns NULL when
 * memory runs out). */
char *xml_attr_value(const xmlAttr *a, keel_diags *d);
/* True for [A-Za-z_][A-Za-z0-9_]*. */
bool xml_id_valid(const char *s);

/* Fill p from the root element of a document in keel's form / a Semantic
 * Kernel plan. Every problem goes to d; p holds whatever could be read. */
void plan_xml_read_keel(keel_plan *p, const xmlNode *root, keel_diags *d);
void plan_sk_import(keel_plan *p, const xmlNode *root, keel_diags *d);

#endif
