/*
 * value_json.c - JSON text to keel values and back.
 *
 * Parsing uses cJSON, which keeps numbers only as doubles. To keep int64
 * values exact, a second pass lists the number tokens of the text in
 * document order; cJSON's tree keeps that order, so the Nth number node is
 * the Nth token, which decides int versus float and gives the exact digits.
 * Serialising is our own: exact integers, floats that read back as floats.
 */
#include "alloc.h"
#include "buf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void install_hooks(void)
{
    cJSON_Hooks h = {keel_malloc, keel_free};
    cJSON_InitHooks(&h);
}

/* One number token of the source text. */
typedef struct numtok {
    const char *start;
    size_t len;
} numtok;

typedef struct numscan {
    numtok *toks;
    size_t n, next;
} numscan;

static int scan_numbers(numscan *ns, const char *text, size_t len)
{
    size_t cap = 0;
    memset(ns, 0, sizeof(*ns));
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"') {
            for (i++; i < len && text[i] != '"'; i++)
                if (text[i] == '\\')
                    i++;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9'))
            continue;
        size_t s = i;
        while (i < len && strchr("+-.eE0123456789", text[i]) && text[i])
            i++;
        if (ns->n == cap) {
            cap = cap ? cap * 2 : 16;
            numtok *t = keel_realloc(ns->toks, cap * sizeof(numtok));
            if (!t)
                return KEEL_ENOMEM;
            ns->toks = t;
        }
        ns->toks[ns->n].start = text + s;
        ns->toks[ns->n].len = i - s;
        ns->n++;
        i--;
    }
    return 0;
}

static void locate(const char *text, size_t off, size_t *line, size_t *col);

typedef struct conv {
    numscan ns;
    keel_error *err;
    const char *text;
    char path[256]; /* JSON Pointer of the node being converted */
    bool range;     /* a number was out of range */
} conv;

/* Reports a number too large for a double (1e400), which JSON allows but
 * no keel value can hold. */
static keel_value *out_of_range(conv *cv, const numtok *t)
{
    size_t line, col;
    locate(cv->text, (size_t)(t->start - cv->text), &line, &col);
    cv->range = true;
    keel_error_set(cv->err, KEEL_ERANGE, "%zu:%zu: number %.*s is out of "
                   "range", line, col, (int)(t->len < 40 ? t->len : 40),
                   t->start);
    return NULL;
}

static keel_value *number_value(conv *cv, const cJSON *j)
{
    numscan *ns = &cv->ns;
    if (ns->next >= ns->n) /* cannot happen for text cJSON accepted */
        return keel_value_float(j->valuedouble);
    numtok t = ns->toks[ns->next++];
    if (!isfinite(j->valuedouble))
        return out_of_range(cv, &t);
    if (t.len < 32 && !memchr(t.start, '.', t.len) &&
        !memchr(t.start, 'e', t.len) && !memchr(t.start, 'E', t.len)) {
        char digits[32];
        memcpy(digits, t.start, t.len);
        digits[t.len] = '\0';
        errno = 0;
        char *end;
        long long ll = strtoll(digits, &end, 10);
        if (errno == 0 && *end == '\0')
            return keel_value_int((int64_t)ll);
    }
    return keel_value_float(j->valuedouble);
}

static int convert(keel_value **out, conv *cv, const cJSON *j);

/* Appends "/segment" to the path (cut when it would not fit). */
static size_t path_push(conv *cv, const cJSON *parent, const cJSON *ch,
                        size_t index)
{
    size_t mark = strlen(cv->path);
    if (cJSON_IsArray(parent))
        snprintf(cv->path + mark, sizeof(cv->path) - mark, "/%zu", index);
    else
        snprintf(cv->path + mark, sizeof(cv->path) - mark, "/%s", ch->string);
    return mark;
}

static int convert_children(keel_value *c, conv *cv, const cJSON *j)
{
    size_t index = 0;
    for (const cJSON *ch = j->child; ch; ch = ch->next, index++) {
        keel_value *item = NULL;
        size_t mark = path_push(cv, j, ch, index);
        int rc = convert(&item, cv, ch);
        cv->path[mark] = '\0';
        if (rc)
            return rc;
        if (!cJSON_IsArray(j) && keel_value_object_get(c, ch->string)) {
            keel_value_unref(item);
            rc = keel_error_set(cv->err, KEEL_EINVAL,
                                "at %s: duplicate key '%s'",
                                cv->path[0] ? cv->path : "/", ch->string);
            return rc;
        }
        if (cJSON_IsArray(j))
            rc = keel_value_list_append_take(c, item);
        else
            rc = keel_value_object_set_take(c, ch->string, item);
        if (rc)
            return keel_error_set(cv->err, rc, "out of memory");
    }
    return 0;
}

static int convert(keel_value **out, conv *cv, const cJSON *j)
{
    keel_value *v = NULL;
    if (cJSON_IsNull(j))
        v = keel_value_null();
    else if (cJSON_IsBool(j))
        v = keel_value_bool(cJSON_IsTrue(j));
    else if (cJSON_IsNumber(j)) {
        if (!(v = number_value(cv, j)) && cv->range)
            return KEEL_ERANGE;
    }
    else if (cJSON_IsString(j)) {
        size_t n = strlen(j->valuestring);
        if (!keel_utf8_valid(j->valuestring, n))
            return keel_error_set(cv->err, KEEL_EINVAL,
                                  "at %s: string is not valid UTF-8",
                                  cv->path[0] ? cv->path : "/");
        v = keel_value_string(j->valuestring, n);
    } else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
        v = cJSON_IsArray(j) ? keel_value_list() : keel_value_object();
        if (v) {
            if (cJSON_IsObject(j))
                for (const cJSON *ch = j->child; ch; ch = ch->next)
                    if (!keel_utf8_valid(ch->string, strlen(ch->string))) {
                        keel_value_unref(v);
                        return keel_error_set(cv->err, KEEL_EINVAL,
                                              "at %s: a key is not valid UTF-8",
                                              cv->path[0] ? cv->path : "/");
                    }
            int rc = convert_children(v, cv, j);
            if (rc) {
                keel_value_unref(v);
                return rc;
            }
        }
    } else
        return keel_error_set(cv->err, KEEL_EINVAL, "unsupported JSON node");
    if (!v)
        return keel_error_set(cv->err, KEEL_ENOMEM, "out of memory");
    *out = v;
    return 0;
}

/* 1-based line and column of offset in text. */
static void locate(const char *text, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else
            (*col)++;
    }
}

int keel_value_from_json(keel_value **out, const char *text, size_t len,
                         keel_error *err)
{
    *out = NULL;
    pthread_once(&hooks_once, install_hooks);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t line, col;
    if (!root) {
        size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        while (off < len && strchr(" \t\r\n", text[off]) && text[off])
            off++;
        if (off >= len)
            return keel_error_set(err, KEEL_EINVAL,
                                  "invalid JSON: unexpected end of input");
        locate(text, off, &line, &col);
        size_t near = 0; /* up to 12 bytes of context, on one line */
        while (near < 12 && off + near < len && text[off + near] != '\n' &&
               text[off + near] != '\r' && text[off + near] != '\0')
            near++;
        return keel_error_set(err, KEEL_EINVAL,
                              "%zu:%zu: invalid JSON near '%.*s'", line, col,
                              (int)near, text + off);
    }
    size_t off = (size_t)(end - text);
    while (off < len && strchr(" \t\r\n", text[off]) && text[off])
        off++;
    if (off < len) {
        cJSON_Delete(root);
        locate(text, off, &line, &col);
        return keel_error_set(err, KEEL_EINVAL,
                              "%zu:%zu: unexpected text after the JSON value",
                              line, col);
    }
    keel_error local = {0};
    conv cv = {.err = err ? err : &local, .text = text};
    int rc = scan_numbers(&cv.ns, text, len);
    if (rc == 0)
        rc = convert(out, &cv, root);
    else
        keel_error_set(err, rc, "out of memory");
    keel_free(cv.ns.toks);
    cJSON_Delete(root);
    return rc;
}

/* ---- serialising ---- */

static void put_float(keel_buf *b, double d)
{
    if (!isfinite(d)) {
        keel_buf_puts(b, "null"); /* JSON has no NaN or infinity */
        return;
    }
    char s[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, d);
        if (strtod(s, NULL) == d)
            break;
    }
    keel_buf_puts(b, s);
    if (!strpbrk(s, ".eE"))
        keel_buf_puts(b, ".0");
}

static void indent(keel_buf *b, bool pretty, int depth)
{
    if (!pretty)
        return;
    keel_buf_putc(b, '\n');
    for (int i = 0; i < depth; i++)
        keel_buf_puts(b, "  ");
}

static void put_value(keel_buf *b, const keel_value *v, bool pretty, int depth)
{
    size_t n = keel_value_len(v);
    switch (keel_value_type(v)) {
    case KEEL_TYPE_NULL:
        keel_buf_puts(b, "null");
        break;
    case KEEL_TYPE_BOOL:
        keel_buf_puts(b, keel_value_get_bool(v) ? "true" : "false");
        break;
    case KEEL_TYPE_INT:
        keel_buf_printf(b, "%lld", (long long)keel_value_get_int(v));
        break;
    case KEEL_TYPE_FLOAT:
        put_float(b, keel_value_get_float(v));
        break;
    case KEEL_TYPE_STRING: {
        size_t len;
        const char *s = keel_value_get_string(v, &len);
        keel_buf_json_string(b, s, len);
        break;
    }
    case KEEL_TYPE_LIST:
        keel_buf_putc(b, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                keel_buf_putc(b, ',');
            indent(b, pretty, depth + 1);
            put_value(b, keel_value_list_at(v, i), pretty, depth + 1);
        }
        if (n)
            indent(b, pretty, depth);
        keel_buf_putc(b, ']');
        break;
    case KEEL_TYPE_OBJECT:
        keel_buf_putc(b, '{');
        for (size_t i = 0; i < n; i++) {
            if (i)
                keel_buf_putc(b, ',');
            indent(b, pretty, depth + 1);
            const char *k = keel_value_object_key_at(v, i);
            keel_buf_json_string(b, k, strlen(k));
            keel_buf_puts(b, pretty ? ": " : ":");
            put_value(b, keel_value_object_value_at(v, i), pretty, depth + 1);
        }
        if (n)
            indent(b, pretty, depth);
        keel_buf_putc(b, '}');
        break;
    default:
        keel_buf_puts(b, "null");
    }
}

/* ---- canonical form ---- */

typedef struct member_ref {
    const char *key;
    const keel_value *value;
} member_ref;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const member_ref *)a)->key, ((const member_ref *)b)->key);
}

static void put_canonical(keel_buf *b, const keel_value *v)
{
    size_t n = keel_value_len(v);
    if (keel_value_type(v) == KEEL_TYPE_LIST) {
        keel_buf_putc(b, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                keel_buf_putc(b, ',');
            put_canonical(b, keel_value_list_at(v, i));
        }
        keel_buf_putc(b, ']');
        return;
    }
    if (keel_value_type(v) != KEEL_TYPE_OBJECT) {
        put_value(b, v, false, 0);
        return;
    }
    member_ref *m = keel_malloc((n ? n : 1) * sizeof(*m));
    if (!m) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        m[i].key = keel_value_object_key_at(v, i);
        m[i].value = keel_value_object_value_at(v, i);
    }
    if (n > 1)
        qsort(m, n, sizeof(*m), by_key);
    keel_buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            keel_buf_putc(b, ',');
        keel_buf_json_string(b, m[i].key, strlen(m[i].key));
        keel_buf_putc(b, ':');
        put_canonical(b, m[i].value);
    }
    keel_buf_putc(b, '}');
    keel_free(m);
}

int keel_value_to_canonical_json(char **out, const keel_value *v)
{
    keel_buf b;
    keel_buf_init(&b);
    put_canonical(&b, v);
    return keel_buf_finish(&b, out);
}

int keel_value_to_json(char **out, const keel_value *v, bool pretty)
{
    keel_buf b;
    keel_buf_init(&b);
    put_value(&b, v, pretty, 0);
    return keel_buf_finish(&b, out);
}

/* ---- UTF-8 ---- */

bool keel_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else
            return false;
        if (i + n >= len)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
            (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}
