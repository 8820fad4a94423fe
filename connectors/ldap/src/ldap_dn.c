/*
 * ldap_dn.c - DN normal form (see ldap_dn.h). A small RFC 4514 reader:
 * type '=' value, RDNs separated by ',' (or ';'), values joined by '+'.
 */
#include "ldap_dn.h"

#include "alloc.h"
#include "buf.h"
#include "ldap_escape.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

typedef struct reader {
    const char *s;
    size_t len, i;
} reader;

static void skip_spaces(reader *r)
{
    while (r->i < r->len && r->s[r->i] == ' ')
        r->i++;
}

static bool type_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.';
}

/* The attribute type, lower-cased, then '='. */
static int read_type(reader *r, keel_buf *b)
{
    skip_spaces(r);
    size_t start = r->i;
    while (r->i < r->len && type_char(r->s[r->i]))
        keel_buf_putc(b, (char)tolower((unsigned char)r->s[r->i++]));
    skip_spaces(r);
    if (r->i == start || r->i >= r->len || r->s[r->i] != '=')
        return KEEL_EINVAL;
    r->i++;
    keel_buf_putc(b, '=');
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool ends_value(char c)
{
    return c == ',' || c == ';' || c == '+';
}

/* A '#' hex value, kept as lower-case hex. */
static int read_hex_value(reader *r, keel_buf *b)
{
    keel_buf_putc(b, '#');
    r->i++;
    size_t start = r->i;
    while (r->i < r->len && hexval(r->s[r->i]) >= 0)
        keel_buf_putc(b, (char)tolower((unsigned char)r->s[r->i++]));
    size_t n = r->i - start;
    skip_spaces(r);
    if (n == 0 || n % 2 || (r->i < r->len && !ends_value(r->s[r->i])))
        return KEEL_EINVAL;
    return 0;
}

/* One byte of a string value into v: escapes decoded, case folded, runs
 * of spaces made one. *pending_space holds a space until a later byte
 * shows it is not trailing. */
static int value_byte(reader *r, keel_buf *v, bool *pending_space)
{
    char c = r->s[r->i];
    if (c == '\\') {
        if (r->i + 1 >= r->len)
            return KEEL_EINVAL;
        int hi = hexval(r->s[r->i + 1]);
        int lo = r->i + 2 < r->len ? hexval(r->s[r->i + 2]) : -1;
        if (hi >= 0 && lo >= 0) {
            c = (char)(hi << 4 | lo);
            r->i += 3;
        } else if (strchr("\"+,;<>\\=# ", r->s[r->i + 1]) && r->s[r->i + 1]) {
            c = r->s[r->i + 1];
            r->i += 2;
        } else
            return KEEL_EINVAL;
    } else if (c == '"' || c == '<' || c == '>' || c == '\0')
        return KEEL_EINVAL;
    else
        r->i++;
    if (c == ' ') {
        *pending_space = v->len > 0;
        return 0;
    }
    if (*pending_space)
        keel_buf_putc(v, ' ');
    *pending_space = false;
    keel_buf_putc(v, (char)tolower((unsigned char)c));
    return 0;
}

static int read_value(reader *r, keel_buf *b)
{
    skip_spaces(r);
    if (r->i < r->len && r->s[r->i] == '#')
        return read_hex_value(r, b);
    keel_buf v;
    keel_buf_init(&v);
    bool pending = false;
    int rc = 0;
    while (rc == 0 && r->i < r->len && !ends_value(r->s[r->i]))
        rc = value_byte(r, &v, &pending);
    char *esc = NULL;
    size_t elen = 0;
    if (rc == 0 && v.failed)
        rc = KEEL_ENOMEM;
    if (rc == 0)
        rc = keel_ldap_escape_dn_value(&esc, &elen, v.data ? v.data : "",
                                       v.len);
    if (rc == 0)
        keel_buf_append(b, esc, elen);
    keel_free(esc);
    keel_buf_free(&v);
    return rc;
}

int keel_dn_normalise(char **out, const char *dn, size_t len)
{
    *out = NULL;
    reader r = {dn, len, 0};
    keel_buf b;
    keel_buf_init(&b);
    int rc = 0;
    skip_spaces(&r);
    while (rc == 0 && r.i < r.len) {
        rc = read_type(&r, &b);
        if (rc == 0)
            rc = read_value(&r, &b);
        if (rc == 0 && r.i < r.len) {
            char sep = r.s[r.i++];
            keel_buf_putc(&b, sep == '+' ? '+' : ',');
            if (r.i >= r.len) /* a separator must be followed by an RDN */
                rc = KEEL_EINVAL;
        }
    }
    if (rc == 0)
        rc = keel_buf_finish(&b, out);
    else
        keel_buf_free(&b);
    return rc;
}
