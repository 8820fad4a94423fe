/*
 * ldap_escape.c - escaping untrusted text for LDAP filters (RFC 4515) and
 * DN attribute values (RFC 4514).
 *
 * A user name goes into a search filter; group and user DNs come back from
 * the server and may be put into another filter (member=<dn>). Escaping
 * every special byte, NUL included, is what stops "*)(uid=*))(|(uid=*"
 * from widening a search. Non-ASCII UTF-8 passes through unchanged: both
 * RFCs allow it, and servers compare it as written.
 */
#include "ldap_escape.h"

#include "alloc.h"

#include <stdbool.h>
#include <string.h>

static const char hex[] = "0123456789abcdef";

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Room for every byte escaped as \XX, plus the NUL. */
static char *room(size_t len)
{
    if (len > (((size_t)-1) - 1) / 3)
        return NULL;
    return keel_malloc(len * 3 + 1);
}

static size_t put_hex(char *o, unsigned char c)
{
    o[0] = '\\';
    o[1] = hex[c >> 4];
    o[2] = hex[c & 15];
    return 3;
}

/* How one byte is written: as itself, as \XX, or as a backslash and
 * itself (RFC 4514's short form). i and len place it, for DN edges. */
typedef enum how { AS_IS, AS_HEX, AS_PAIR } how;
typedef how (*classify_fn)(unsigned char c, size_t i, size_t len);

static int escape(char **out, size_t *out_len, const char *s, size_t len,
                  classify_fn classify)
{
    *out = NULL;
    char *o = room(len);
    if (!o)
        return KEEL_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        how h = classify(c, i, len);
        if (h == AS_HEX)
            n += put_hex(o + n, c);
        else if (h == AS_PAIR)
            o[n++] = '\\';
        if (h != AS_HEX)
            o[n++] = (char)c;
    }
    o[n] = '\0';
    *out = o;
    if (out_len)
        *out_len = n;
    return 0;
}

static how filter_byte(unsigned char c, size_t i, size_t len)
{
    (void)i;
    (void)len;
    return c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 ||
                   c == 0x7f
               ? AS_HEX : AS_IS;
}

int keel_ldap_escape_filter(char **out, size_t *out_len, const char *s,
                            size_t len)
{
    return escape(out, out_len, s, len, filter_byte);
}

/* Shared by both unescapers: s[i] is '\\'; reads \XX, or \<c> when
 * literal(c); returns the byte or -1, and how many bytes were used. */
static int unescape_one(const char *s, size_t len, size_t i,
                        bool (*literal)(unsigned char), size_t *used)
{
    if (i + 1 < len && literal && literal((unsigned char)s[i + 1])) {
        *used = 2;
        return (unsigned char)s[i + 1];
    }
    if (i + 2 >= len)
        return -1;
    int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
    if (hi < 0 || lo < 0)
        return -1;
    *used = 3;
    return hi << 4 | lo;
}

static int unescape(char **out, size_t *out_len, const char *s, size_t len,
                    bool (*literal)(unsigned char),
                    bool (*forbidden)(unsigned char))
{
    *out = NULL;
    char *o = keel_malloc(len + 1);
    if (!o)
        return KEEL_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t used = 1;
        int b = c;
        if (c == '\\')
            b = unescape_one(s, len, i, literal, &used);
        else if (forbidden(c))
            b = -1;
        if (b < 0) {
            keel_free(o);
            return KEEL_EINVAL;
        }
        o[n++] = (char)b;
        i += used;
    }
    o[n] = '\0';
    *out = o;
    if (out_len)
        *out_len = n;
    return 0;
}

static bool filter_forbidden(unsigned char c)
{
    return c == '*' || c == '(' || c == ')' || c == '\0';
}

int keel_ldap_unescape_filter(char **out, size_t *out_len, const char *s,
                              size_t len)
{
    return unescape(out, out_len, s, len, NULL, filter_forbidden);
}

static bool dn_special(unsigned char c)
{
    return c && strchr("\"+,;<>\\=", c) != NULL;
}

static bool dn_literal(unsigned char c)
{
    return dn_special(c) || c == ' ' || c == '#';
}

static bool dn_forbidden(unsigned char c)
{
    return c == '\0' || (dn_special(c) && c != '\\');
}

static how dn_byte(unsigned char c, size_t i, size_t len)
{
    if (c < 0x20 || c == 0x7f)
        return AS_HEX;
    bool edge = (i == 0 && (c == ' ' || c == '#')) || (i == len - 1 && c == ' ');
    return dn_special(c) || edge ? AS_PAIR : AS_IS;
}

int keel_ldap_escape_dn_value(char **out, size_t *out_len, const char *s,
                              size_t len)
{
    return escape(out, out_len, s, len, dn_byte);
}

int keel_ldap_unescape_dn_value(char **out, size_t *out_len, const char *s,
                                size_t len)
{
    return unescape(out, out_len, s, len, dn_literal, dn_forbidden);
}

int keel_ldap_filter_format(char **out, const char *t, const char *value,
                            size_t len)
{
    *out = NULL;
    const char *at = strstr(t, "%s");
    if (!at || strchr(at + 2, '%') || memchr(t, '%', (size_t)(at - t)))
        return KEEL_EINVAL;
    char *esc = NULL;
    size_t elen = 0;
    if (keel_ldap_escape_filter(&esc, &elen, value, len))
        return KEEL_ENOMEM;
    size_t head = (size_t)(at - t), tail = strlen(at + 2);
    char *o = keel_malloc(head + elen + tail + 1);
    if (o) {
        memcpy(o, t, head);
        memcpy(o + head, esc, elen);
        memcpy(o + head + elen, at + 2, tail + 1);
    }
    keel_free(esc);
    *out = o;
    return o ? 0 : KEEL_ENOMEM;
}
