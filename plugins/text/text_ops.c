/*
 * text_ops.c - the text plugin's string operations: case mapping, trim,
 * length in code points, search, replace, split and join.
 *
 * Strings are UTF-8 that the host has validated. Everything works on bytes
 * where that is safe (UTF-8 is self-synchronising, so a valid needle only
 * matches on character boundaries) and decodes only where characters matter.
 */
#include "text_internal.h"

#include <stdint.h>
#include <string.h>

/* ---- case mapping ----
 * Unicode simple case mapping for ASCII and the Latin-1 Supplement. Rows
 * map [lo, hi] by delta, except the code point skip (the multiplication and
 * division signs sit inside the letter ranges). U+00DF (sharp s) has no
 * one-letter uppercase and stays; other scripts stay as they are. */
typedef struct case_row {
    uint32_t lo, hi, skip;
    int32_t delta;
} case_row;

static const case_row upper_rows[] = {
    {'a', 'z', 0, -32},
    {0xe0, 0xfe, 0xf7, -32},
    {0xff, 0xff, 0, 0x178 - 0xff}, /* y with diaeresis */
    {0xb5, 0xb5, 0, 0x39c - 0xb5}, /* micro sign -> Greek capital mu */
};

static const case_row lower_rows[] = {
    {'A', 'Z', 0, 32},
    {0xc0, 0xde, 0xd7, 32},
    {0x178, 0x178, 0, 0xff - 0x178},
};

static uint32_t map_case(const case_row *rows, size_t n, uint32_t cp)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= rows[i].lo && cp <= rows[i].hi && cp != rows[i].skip)
            return (uint32_t)((int32_t)cp + rows[i].delta);
    return cp;
}

/* Decodes a one- or two-byte sequence at s (the only lengths the tables
 * map). Returns its length, or 0 for anything else, which is copied as is:
 * bytes of longer sequences are never ASCII and never two-byte leads. */
static size_t decode_short(const unsigned char *s, size_t left, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0 && left > 1 && (s[1] & 0xc0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3fu);
        return 2;
    }
    return 0;
}

/* Appends cp (below U+0800, as every table maps) in UTF-8. */
static int put_short(text_buf *b, uint32_t cp)
{
    char out[2];
    if (cp < 0x80) {
        out[0] = (char)cp;
        return text_buf_put(b, out, 1);
    }
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    return text_buf_put(b, out, 2);
}

static int convert_case(const keel_host_api *api, keel_call *call,
                        const keel_value *args, keel_value **result,
                        const case_row *rows, size_t n_rows)
{
    size_t len;
    const unsigned char *s =
        (const unsigned char *)text_arg(api, args, "text", &len);
    text_buf b;
    text_buf_init(&b, api, call);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < len;) {
        uint32_t cp;
        size_t n = decode_short(s + i, len - i, &cp);
        if (n == 0) {
            rc = text_buf_put(&b, (const char *)s + i, 1);
            i++;
            continue;
        }
        rc = put_short(&b, map_case(rows, n_rows, cp));
        i += n;
    }
    return rc ? rc : text_buf_result(&b, result);
}

int text_upper(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    return convert_case(api, call, args, result, upper_rows,
                        KEEL_COUNTOF(upper_rows));
}

int text_lower(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    return convert_case(api, call, args, result, lower_rows,
                        KEEL_COUNTOF(lower_rows));
}

/* ---- trim, length, contains ---- */

static int is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

int text_trim(const keel_host_api *api, keel_call *call,
              const keel_value *args, keel_value **result)
{
    size_t len;
    const char *s = text_arg(api, args, "text", &len);
    size_t start = 0;
    while (start < len && is_ascii_space(s[start]))
        start++;
    while (len > start && is_ascii_space(s[len - 1]))
        len--;
    return text_result(api, call, s + start, len - start, result);
}

int text_length(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    size_t len, n = 0;
    const char *s = text_arg(api, args, "text", &len);
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80; /* not a continuation */
    *result = api->new_int(call, (int64_t)n);
    return *result ? 0 : KEEL_ENOMEM;
}

int text_contains(const keel_host_api *api, keel_call *call,
                  const keel_value *args, keel_value **result)
{
    size_t len, nlen;
    const char *s = text_arg(api, args, "text", &len);
    const char *needle = text_arg(api, args, "needle", &nlen);
    bool found = text_find(s, len, needle, nlen, 0) != SIZE_MAX;
    *result = api->new_bool(call, found);
    return *result ? 0 : KEEL_ENOMEM;
}

/* ---- replace, split, join ---- */

/* An optional non-negative int argument; absent means "no limit". The host
 * has checked its type and its minimum. */
static int64_t opt_limit(const keel_host_api *api, const keel_value *args,
                         const char *name)
{
    int64_t n;
    const keel_value *v = api->object_get(args, name);
    if (!v || api->get_int(v, &n) != 0 || n < 0)
        return INT64_MAX;
    return n;
}

int text_replace(const keel_host_api *api, keel_call *call,
                 const keel_value *args, keel_value **result)
{
    size_t len, olen, nlen;
    const char *s = text_arg(api, args, "text", &len);
    const char *old = text_arg(api, args, "old", &olen);
    const char *rep = text_arg(api, args, "new", &nlen);
    int64_t left = opt_limit(api, args, "count");
    if (olen == 0)
        return api->set_error(call, KEEL_EINVAL, "'old' must not be empty");
    text_buf b;
    text_buf_init(&b, api, call);
    size_t pos = 0, at;
    int rc = 0;
    while (rc == 0 && left-- > 0 &&
           (at = text_find(s, len, old, olen, pos)) != SIZE_MAX) {
        rc = text_buf_put(&b, s + pos, at - pos);
        if (rc == 0)
            rc = text_buf_put(&b, rep, nlen);
        pos = at + olen;
    }
    if (rc == 0)
        rc = text_buf_put(&b, s + pos, len - pos);
    return rc ? rc : text_buf_result(&b, result);
}

static int append_piece(const keel_host_api *api, keel_call *call,
                        keel_value *list, const char *s, size_t len)
{
    keel_value *piece = api->new_string(call, s, len);
    if (!piece)
        return KEEL_ENOMEM;
    return api->list_append(call, list, piece);
}

int text_split(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    size_t len, slen;
    const char *s = text_arg(api, args, "text", &len);
    const char *sep = text_arg(api, args, "sep", &slen);
    int64_t max = opt_limit(api, args, "max");
    if (slen == 0)
        return api->set_error(call, KEEL_EINVAL, "'sep' must not be empty");
    keel_value *list = api->new_list(call);
    if (!list)
        return KEEL_ENOMEM;
    size_t pos = 0;
    int rc = 0;
    for (int64_t pieces = 1; rc == 0 && pieces < max; pieces++) {
        size_t at = text_find(s, len, sep, slen, pos);
        if (at == SIZE_MAX)
            break;
        rc = append_piece(api, call, list, s + pos, at - pos);
        pos = at + slen;
    }
    if (rc == 0)
        rc = append_piece(api, call, list, s + pos, len - pos);
    if (rc)
        return rc;
    *result = list;
    return 0;
}

int text_join(const keel_host_api *api, keel_call *call,
              const keel_value *args, keel_value **result)
{
    size_t slen;
    const char *sep = text_arg(api, args, "sep", &slen);
    const keel_value *items = api->object_get(args, "items");
    text_buf b;
    text_buf_init(&b, api, call);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < api->list_len(items); i++) {
        size_t ilen;
        const char *item = api->get_string(api->list_at(items, i), &ilen);
        if (!item)
            return api->set_error(call, KEEL_ETYPE,
                                  "'items' item %zu is not a string", i);
        if (i)
            rc = text_buf_put(&b, sep, slen);
        if (rc == 0)
            rc = text_buf_put(&b, item, ilen);
    }
    return rc ? rc : text_buf_result(&b, result);
}
