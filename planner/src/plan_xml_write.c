/*
 * plan_xml_write.c - a plan in keel's XML form: pretty, UTF-8, escaped by
 * hand so that every string reads back byte for byte.
 *
 * XML 1.0 cannot carry some characters at all (NUL and most C0 controls,
 * U+FFFE, U+FFFF) and normalises others (CR in text, tab/CR/LF in
 * attributes). Text elements holding such a string are written with
 * type="json" and the string as a JSON literal; CR, tab and LF are written
 * as character references. Names in attributes (ids, calls, argument names)
 * have no such escape hatch: a plan whose names hold unwritable characters
 * is refused with KEEL_EINVAL (the checker would refuse those names anyway).
 */
#include "plan_xml.h"

#include "buf.h"

#include <string.h>

/* True when s[i..] starts with U+FFFE or U+FFFF (in UTF-8). */
static bool nonchar_at(const char *s, size_t i, size_t n)
{
    return i + 2 < n && (unsigned char)s[i] == 0xEF &&
           (unsigned char)s[i + 1] == 0xBF &&
           ((unsigned char)s[i + 2] & 0xFE) == 0xBE;
}

/* True when XML 1.0 can carry every character of s[0..n). */
static bool xml_writable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
            nonchar_at(s, i, n))
            return false;
    }
    return true;
}

typedef enum esc_mode { ESC_TEXT, ESC_ATTR, ESC_JSON } esc_mode;

/* Appends s escaped for element text or an attribute value. In JSON text
 * (which is ASCII outside its strings) U+FFFE and U+FFFF become \u escapes,
 * the only characters JSON leaves raw that XML cannot carry. */
static void put_escaped(keel_buf *b, const char *s, size_t n, esc_mode mode)
{
    const bool attr = mode == ESC_ATTR;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        size_t skip = 1;
        if (mode == ESC_JSON && nonchar_at(s, i, n)) {
            esc = s[i + 2] & 1 ? "\\uffff" : "\\ufffe";
            skip = 3;
        }
        switch (esc ? 0 : s[i]) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '\r': esc = "&#13;"; break;
        case '"': esc = attr ? "&quot;" : NULL; break;
        case '\t': esc = attr ? "&#9;" : NULL; break;
        case '\n': esc = attr ? "&#10;" : NULL; break;
        default: break;
        }
        if (!esc)
            continue;
        keel_buf_append(b, s + run, i - run);
        keel_buf_puts(b, esc);
        run = i + skip;
        i += skip - 1;
    }
    keel_buf_append(b, s + run, n - run);
}

/* ` name="value"`; false when value cannot be written. */
static bool put_attr(keel_buf *b, const char *name, const char *value)
{
    size_t n = strlen(value);
    if (!xml_writable(value, n))
        return false;
    keel_buf_printf(b, " %s=\"", name);
    put_escaped(b, value, n, ESC_ATTR);
    keel_buf_putc(b, '"');
    return true;
}

/* The rest of an open tag and the element's content: `>text</tag>` for a
 * writable string, ` type="json">JSON</tag>` for anything else. */
static int put_value_element(keel_buf *b, const char *tag,
                             const keel_value *v)
{
    size_t n = 0;
    const char *s = keel_value_get_string(v, &n);
    if (s && xml_writable(s, n)) {
        keel_buf_putc(b, '>');
        put_escaped(b, s, n, ESC_TEXT);
    } else {
        char *json = NULL;
        int rc = keel_value_to_json(&json, v, false);
        if (rc)
            return rc;
        keel_buf_puts(b, " type=\"json\">");
        put_escaped(b, json, strlen(json), ESC_JSON);
        keel_free(json);
    }
    keel_buf_printf(b, "</%s>\n", tag);
    return 0;
}

static int put_text_element(keel_buf *b, const char *indent, const char *tag,
                            const char *s)
{
    if (!s)
        return 0;
    keel_value *v = keel_value_cstring(s);
    if (!v)
        return KEEL_ENOMEM;
    keel_buf_printf(b, "%s<%s", indent, tag);
    int rc = put_value_element(b, tag, v);
    keel_value_unref(v);
    return rc;
}

static int put_args(keel_buf *b, const keel_value *args)
{
    for (size_t i = 0; i < keel_value_len(args); i++) {
        keel_buf_puts(b, "    <arg");
        if (!put_attr(b, "name", keel_value_object_key_at(args, i)))
            return KEEL_EINVAL;
        int rc = put_value_element(b, "arg", keel_value_object_value_at(args, i));
        if (rc)
            return rc;
    }
    return 0;
}

static int put_step(keel_buf *b, const keel_plan_step *s)
{
    keel_buf_puts(b, "  <step");
    if (!put_attr(b, "id", s->id ? s->id : "") ||
        !put_attr(b, "call", s->call ? s->call : ""))
        return KEEL_EINVAL;
    keel_buf_puts(b, ">\n");
    int rc = put_text_element(b, "    ", "why", s->why);
    if (rc == 0)
        rc = put_args(b, s->args);
    for (size_t i = 0; rc == 0 && i < s->n_after; i++) {
        keel_buf_puts(b, "    <after");
        if (!put_attr(b, "step", s->after[i]))
            return KEEL_EINVAL;
        keel_buf_puts(b, "/>\n");
    }
    if (rc == 0)
        rc = put_text_element(b, "    ", "for-each", s->for_each);
    keel_buf_puts(b, "  </step>\n");
    return rc;
}

int keel_plan_to_xml(char **out, const keel_plan *p)
{
    *out = NULL;
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_printf(&b,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<plan xmlns=\"" PLAN_XML_NS "\" version=\"%d\">\n",
                    p->version);
    int rc = put_text_element(&b, "  ", "goal", p->goal);
    for (size_t i = 0; rc == 0 && i < p->n_steps; i++)
        rc = put_step(&b, &p->steps[i]);
    if (rc == 0 && p->output) {
        keel_buf_puts(&b, "  <output");
        rc = put_value_element(&b, "output", p->output);
    }
    keel_buf_puts(&b, "</plan>\n");
    if (rc) {
        keel_buf_free(&b);
        return rc;
    }
    return keel_buf_finish(&b, out);
}
