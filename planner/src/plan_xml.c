/*
 * plan_xml.c - reading plans in XML: the safety gate in front of libxml2
 * (size cap, no DTD, no network, no entity expansion, UTF-8 only), the
 * parse itself with errors turned into diagnostics, and the choice between
 * keel's own form and a Semantic Kernel plan to import.
 *
 * libxml2 is used only through a parser context of our own: its errors are
 * read back with xmlCtxtGetLastError, never through the process-wide error
 * handlers, because plans are read on executor threads too.
 */
#include "plan_xml.h"

#include "buf.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Parser options. XML_PARSE_NOENT (entity substitution), DTDLOAD, DTDATTR,
 * DTDVALID and HUGE are deliberately absent: without HUGE libxml2 refuses
 * documents nested more than 256 deep. IGNORE_ENC with the "UTF-8" given to
 * the reader makes the bytes UTF-8 whatever the declaration says, so the
 * DOCTYPE scan below cannot be dodged with another encoding. */
static const int parse_options = XML_PARSE_NONET | XML_PARSE_NOERROR |
                                 XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                                 XML_PARSE_BIG_LINES | XML_PARSE_IGNORE_ENC;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml2(void)
{
    xmlInitParser(); /* not safe to race on first use */
}

/* ---- node helpers (declared in plan_xml.h) ---- */

int xml_line(const xmlNode *n)
{
    long l = n ? xmlGetLineNo(n) : 0;
    return l > 0 && l < 1000000000 ? (int)l : 0;
}

bool xml_is(const xmlNode *n, const char *ns, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE ||
        strcmp((const char *)n->name, name) != 0)
        return false;
    if (!ns)
        return n->ns == NULL;
    return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

void xml_qname(char *buf, size_t cap, const xmlNs *ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        snprintf(buf, cap, "%s:%s", (const char *)ns->prefix,
                 (const char *)name);
    else
        snprintf(buf, cap, "%s", (const char *)name);
}

char *xml_text(const xmlNode *el, const char *pointer, keel_diags *d)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, ""); /* an empty element is the empty string */
    for (const xmlNode *c = el->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                keel_buf_puts(&b, (const char *)c->content);
        } else if (c->type == XML_ELEMENT_NODE) {
            char q[128];
            xml_qname(q, sizeof(q), c->ns, c->name);
            keel_diags_add(d, pointer, xml_line(c), KEEL_EINVAL,
                           "unexpected element <%s> inside <%s> (it holds "
                           "text only)",
                           q, (const char *)el->name);
        }
    }
    char *s = NULL;
    if (keel_buf_finish(&b, &s) != 0)
        d->oom = true;
    return s;
}

bool xml_empty(const xmlNode *el)
{
    for (const xmlNode *c = el->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return false;
        if (c->type == XML_TEXT_NODE && !xmlIsBlankNode(c))
            return false;
    }
    return true;
}

const xmlAttr *xml_attr(const xmlNode *el, const char *name)
{
    for (const xmlAttr *a = el->properties; a; a = a->next)
        if (!a->ns && strcmp((const char *)a->name, name) == 0)
            return a;
    return NULL;
}

void xml_check_attrs(const xmlNode *el, const char *const *names, size_t n,
                     const char *pointer, keel_diags *d)
{
    for (const xmlAttr *a = el->properties; a; a = a->next) {
        bool ok = false;
        for (size_t i = 0; !a->ns && i < n; i++)
            ok = ok || strcmp((const char *)a->name, names[i]) == 0;
        if (ok)
            continue;
        char q[128], list[128] = "";
        xml_qname(q, sizeof(q), a->ns, a->name);
        for (size_t i = 0; i < n; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                     i ? ", " : "", names[i]);
        keel_diags_add(d, pointer, xml_line(el), KEEL_EINVAL,
                       "unknown attribute '%s' on <%s> (it takes: %s)", q,
                       (const char *)el->name, n ? list : "none");
    }
}

bool xml_stray_text(const xmlNode *c, const xmlNode *parent,
                    const char *pointer, keel_diags *d)
{
    if (c->type != XML_TEXT_NODE)
        return false;
    if (!xmlIsBlankNode(c))
        keel_diags_add(d, pointer, xml_line(c), KEEL_EINVAL,
                       "unexpected text inside <%s> (it holds elements only)",
                       (const char *)parent->name);
    return true;
}

char *xml_attr_value(const xmlAttr *a, keel_diags *d)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, "");
    for (const xmlNode *c = a->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE && c->content)
            keel_buf_puts(&b, (const char *)c->content);
    char *s = NULL;
    if (keel_buf_finish(&b, &s) != 0)
        d->oom = true;
    return s;
}

bool xml_id_valid(const char *s)
{
    if (!s[0] || strchr("0123456789", s[0]))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* ---- the gate ---- */

/* A DTD is refused before libxml2 sees the text: that closes entity
 * expansion (billion laughs) and external entities (XXE) at the door. */
static bool has_dtd(const char *text, size_t len, keel_diags *d)
{
    static const char tag[] = "<!DOCTYPE";
    const size_t n = sizeof(tag) - 1;
    int line = 1;
    for (size_t i = 0; i + n <= len; i++) {
        if (text[i] == '\n')
            line++;
        if (text[i] == '<' && strncasecmp(text + i, tag, n) == 0) {
            keel_diags_add(d, "", line, KEEL_EUNSAFE,
                           "a DOCTYPE is not allowed in a plan (no DTDs, no "
                           "entities); remove it");
            return true;
        }
    }
    return false;
}

/* The first error of a parse: libxml2 goes on after a fatal error and its
 * last error ("premature end of data") is rarely the useful one. */
typedef struct first_error {
    bool set;
    int line;
    char msg[400];
} first_error;

static void keep_error(first_error *f, const xmlError *e)
{
    if (f->set || !e || !e->message || e->level < XML_ERR_ERROR)
        return;
    f->set = true;
    f->line = e->line;
    snprintf(f->msg, sizeof(f->msg), "%s", e->message);
    f->msg[strcspn(f->msg, "\r\n")] = '\0';
}

/* The context's own structured handler (libxml2 passes the context as
 * user data): no process-wide handler is ever installed. */
static void on_error(void *ud, xmlErrorPtr e)
{
    const xmlParserCtxt *ctxt = ud;
    if (ctxt && ctxt->_private)
        keep_error(ctxt->_private, e);
}

static xmlDoc *parse(const char *text, size_t len, keel_diags *d)
{
    pthread_once(&init_once, init_libxml2);
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        d->oom = true;
        return NULL;
    }
    first_error first = {0};
    ctxt->_private = &first;
    ctxt->sax->serror = on_error;
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8",
                                    parse_options);
    if (!doc || !ctxt->wellFormed) {
        keep_error(&first, xmlCtxtGetLastError(ctxt));
        keel_diags_add(d, "", first.line, KEEL_EINVAL, "XML syntax: %s",
                       first.set ? first.msg : "not well-formed");
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

static void read_doc(keel_plan *p, const xmlDoc *doc, keel_diags *d)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!root)
        keel_diags_add(d, "", 0, KEEL_EINVAL, "the document has no element");
    else if (doc->intSubset || doc->extSubset) /* the scan catches it first */
        keel_diags_add(d, "", 0, KEEL_EUNSAFE, "a DTD is not allowed in a plan");
    else if (xml_is(root, PLAN_XML_NS, "plan"))
        plan_xml_read_keel(p, root, d);
    else if (xml_is(root, NULL, "plan"))
        plan_sk_import(p, root, d);
    else if (root->ns && root->ns->href &&
             xml_is(root, (const char *)root->ns->href, "plan"))
        keel_diags_add(d, "", xml_line(root), KEEL_EINVAL,
                       "<plan> is in namespace '%s'; keel's plans are in "
                       "xmlns=\"" PLAN_XML_NS "\"",
                       (const char *)root->ns->href);
    else {
        char q[128];
        xml_qname(q, sizeof(q), root->ns, root->name);
        keel_diags_add(d, "", xml_line(root), KEEL_EINVAL,
                       "the root element is <%s>; a plan is <plan xmlns=\""
                       PLAN_XML_NS "\" version=\"1\"> (or a Semantic Kernel "
                       "<plan> without a namespace)",
                       q);
    }
}

int keel_plan_from_xml(keel_plan **out, const char *text, size_t len,
                       keel_diags *d)
{
    *out = NULL;
    size_t before = d->n;
    if (!plan_size_ok(len, d))
        return KEEL_EINVAL;
    if (has_dtd(text, len, d))
        return KEEL_EINVAL;
    xmlDoc *doc = parse(text, len, d);
    if (!doc)
        return d->oom && d->n == before ? KEEL_ENOMEM : KEEL_EINVAL;
    keel_plan *p = keel_calloc(1, sizeof(*p));
    if (!p) {
        xmlFreeDoc(doc);
        d->oom = true;
        return KEEL_ENOMEM;
    }
    p->version = 1;
    p->format = KEEL_PLAN_XML;
    read_doc(p, doc, d);
    xmlFreeDoc(doc);
    if (d->n > before || d->oom) {
        keel_plan_free(p);
        return d->oom && d->n == before ? KEEL_ENOMEM : KEEL_EINVAL;
    }
    *out = p;
    return 0;
}
