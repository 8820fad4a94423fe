/*
 * policy_xml.c - the gate in front of libxml2 for policy files: size cap,
 * no DTD, no network, no entity expansion, errors with line numbers, and
 * validation against the XSD shipped with keel (compiled into libkeel, so
 * validation never depends on a file that could be missing or replaced).
 */
#include "policy_xml.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

extern const char keel_policy_xsd[];
extern const size_t keel_policy_xsd_len;

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
static xmlSchemaPtr schema;

static void load_schema(void)
{
    xmlSchemaParserCtxtPtr pc =
        xmlSchemaNewMemParserCtxt(keel_policy_xsd, (int)keel_policy_xsd_len);
    if (pc) {
        schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
}

typedef struct errs {
    keel_diags *d;
    const char *name;
    size_t added;
} errs;

static void on_schema_error(void *ctx, xmlErrorPtr e)
{
    errs *es = ctx;
    if (es->added >= 20)
        return; /* one broken file should not bury the others */
    char msg[400];
    snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "invalid");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    keel_diags_add(es->d, "", 0, KEEL_EINVAL, "%s: line %d: %s", es->name,
                   e->line, msg);
    es->added++;
}

static bool has_doctype(const char *text, size_t len)
{
    for (size_t i = 0; i + 9 <= len; i++)
        if (text[i] == '<' && text[i + 1] == '!' &&
            strncmp(text + i + 2, "DOCTYPE", 7) == 0)
            return true;
    return false;
}

int pol_xml_read(xmlDocPtr *out, const char *name, const char *text,
                 size_t len, keel_diags *d)
{
    *out = NULL;
    if (len > POL_MAX_BYTES) {
        keel_diags_add(d, "", 0, KEEL_ERANGE, "%s: %zu bytes; a policy file "
                       "may have at most %u", name, len, POL_MAX_BYTES);
        return KEEL_EINVAL;
    }
    if (has_doctype(text, len)) {
        keel_diags_add(d, "", 0, KEEL_EUNSAFE, "%s: a DOCTYPE is not allowed "
                       "in policy files (no DTDs, no entities)", name);
        return KEEL_EINVAL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return KEEL_ENOMEM;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text, (int)len, name, "UTF-8",
                                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        keel_diags_add(d, "", 0, KEEL_EINVAL, "%s: line %d: %s", name,
                       e ? e->line : 0,
                       e && e->message ? e->message : "not well-formed XML");
        size_t n = d->n ? strlen(d->items[d->n - 1].message) : 0;
        if (n && d->items[d->n - 1].message[n - 1] == '\n')
            d->items[d->n - 1].message[n - 1] = '\0';
        xmlFreeParserCtxt(ctxt);
        return KEEL_EINVAL;
    }
    xmlFreeParserCtxt(ctxt);
    pthread_once(&schema_once, load_schema);
    xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    if (!vc) {
        xmlFreeDoc(doc);
        keel_diags_add(d, "", 0, KEEL_ENOMEM, "%s: cannot prepare the policy "
                       "schema", name);
        return KEEL_ENOMEM;
    }
    errs es = {d, name, 0};
    xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &es);
    int bad = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (bad) {
        if (es.added == 0)
            keel_diags_add(d, "", 0, KEEL_EINVAL, "%s: does not follow the "
                           "policy schema", name);
        xmlFreeDoc(doc);
        return KEEL_EINVAL;
    }
    *out = doc;
    return 0;
}
