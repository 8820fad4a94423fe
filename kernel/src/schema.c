/*
 * schema.c - compile and check parameter constraints.
 *
 * The supported keywords are a deliberate subset of JSON Schema: the ones an
 * LLM and a policy author can both read. Anything else is refused at load
 * time so a typo ("maximun") never silently disables a check.
 */
#include "schema.h"

#include "alloc.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

struct keel_schema {
    keel_type type;
    keel_value *fragment; /* parsed fragment, or NULL */
    const keel_value *enum_vals;
    /* inclusive and exclusive bounds are separate: both may be given */
    bool has_min, has_max, has_xmin, has_xmax;
    double min, max, xmin, xmax;
    int64_t min_len, max_len, min_items, max_items; /* -1: none */
    bool has_pattern;
    regex_t pattern;
    const char *pattern_src;
    keel_schema *items;
};

/* Which types a keyword applies to (bit per keel_type). */
#define T(t) (1u << (t))
#define NUMERIC (T(KEEL_TYPE_INT) | T(KEEL_TYPE_FLOAT))
#define ANYT 0xffu

typedef int (*kw_fn)(keel_schema *s, const keel_value *v, const char *kw,
                     keel_error *err);

typedef struct keyword {
    const char *name;
    unsigned types;
    kw_fn compile; /* NULL: an annotation, kept for the catalog only */
} keyword;

static int want_number(double *out, const keel_value *v, const char *kw,
                       keel_error *err)
{
    if (keel_value_type(v) == KEEL_TYPE_INT)
        *out = (double)keel_value_get_int(v);
    else if (keel_value_type(v) == KEEL_TYPE_FLOAT)
        *out = keel_value_get_float(v);
    else
        return keel_error_set(err, KEEL_EINVAL, "'%s' must be a number", kw);
    return 0;
}

static int want_count(int64_t *out, const keel_value *v, const char *kw,
                      keel_error *err)
{
    if (keel_value_type(v) != KEEL_TYPE_INT || keel_value_get_int(v) < 0)
        return keel_error_set(err, KEEL_EINVAL,
                              "'%s' must be a non-negative integer", kw);
    *out = keel_value_get_int(v);
    return 0;
}

static int kw_minimum(keel_schema *s, const keel_value *v, const char *kw,
                      keel_error *err)
{
    s->has_min = true;
    return want_number(&s->min, v, kw, err);
}

static int kw_maximum(keel_schema *s, const keel_value *v, const char *kw,
                      keel_error *err)
{
    s->has_max = true;
    return want_number(&s->max, v, kw, err);
}

static int kw_xminimum(keel_schema *s, const keel_value *v, const char *kw,
                       keel_error *err)
{
    s->has_xmin = true;
    return want_number(&s->xmin, v, kw, err);
}

static int kw_xmaximum(keel_schema *s, const keel_value *v, const char *kw,
                       keel_error *err)
{
    s->has_xmax = true;
    return want_number(&s->xmax, v, kw, err);
}

static int kw_min_length(keel_schema *s, const keel_value *v, const char *kw,
                         keel_error *err)
{
    return want_count(&s->min_len, v, kw, err);
}

static int kw_max_length(keel_schema *s, const keel_value *v, const char *kw,
                         keel_error *err)
{
    return want_count(&s->max_len, v, kw, err);
}

static int kw_min_items(keel_schema *s, const keel_value *v, const char *kw,
                        keel_error *err)
{
    return want_count(&s->min_items, v, kw, err);
}

static int kw_max_items(keel_schema *s, const keel_value *v, const char *kw,
                        keel_error *err)
{
    return want_count(&s->max_items, v, kw, err);
}

static int kw_pattern(keel_schema *s, const keel_value *v, const char *kw,
                      keel_error *err)
{
    const char *src = keel_value_get_string(v, NULL);
    if (!src)
        return keel_error_set(err, KEEL_EINVAL, "'%s' must be a string", kw);
    int rc = regcomp(&s->pattern, src, REG_EXTENDED | REG_NOSUB);
    if (rc) {
        char why[128];
        regerror(rc, &s->pattern, why, sizeof(why));
        return keel_error_set(err, KEEL_EINVAL, "'pattern' /%s/ does not compile: %s",
                              src, why);
    }
    s->has_pattern = true;
    s->pattern_src = src;
    return 0;
}

static int kw_enum(keel_schema *s, const keel_value *v, const char *kw,
                   keel_error *err)
{
    if (keel_value_type(v) != KEEL_TYPE_LIST || keel_value_len(v) == 0)
        return keel_error_set(err, KEEL_EINVAL, "'%s' must be a non-empty list",
                              kw);
    s->enum_vals = v;
    return 0; /* members are checked against the type once it is known */
}

static int kw_type(keel_schema *s, const keel_value *v, const char *kw,
                   keel_error *err)
{
    (void)s, (void)v, (void)kw, (void)err;
    return 0; /* resolved before the other keywords, see schema_type */
}

static int compile_items(keel_schema *s, const keel_value *v, keel_error *err);

static int kw_items(keel_schema *s, const keel_value *v, const char *kw,
                    keel_error *err)
{
    if (keel_value_type(v) != KEEL_TYPE_OBJECT)
        return keel_error_set(err, KEEL_EINVAL, "'%s' must be an object", kw);
    return compile_items(s, v, err);
}

static const keyword keywords[] = {
    {"type", ANYT, kw_type},
    {"enum", ANYT, kw_enum},
    {"minimum", NUMERIC, kw_minimum},
    {"maximum", NUMERIC, kw_maximum},
    {"exclusiveMinimum", NUMERIC, kw_xminimum},
    {"exclusiveMaximum", NUMERIC, kw_xmaximum},
    {"minLength", T(KEEL_TYPE_STRING), kw_min_length},
    {"maxLength", T(KEEL_TYPE_STRING), kw_max_length},
    {"pattern", T(KEEL_TYPE_STRING), kw_pattern},
    {"minItems", T(KEEL_TYPE_LIST), kw_min_items},
    {"maxItems", T(KEEL_TYPE_LIST), kw_max_items},
    {"items", T(KEEL_TYPE_LIST), kw_items},
    {"description", ANYT, NULL},
    {"title", ANYT, NULL},
    {"format", T(KEEL_TYPE_STRING), NULL},
    {"examples", ANYT, NULL},
};

static const char *const json_type_names[] = {
    "null", "boolean", "integer", "number", "string", "array", "object", NULL};

const char *keel_schema_type_name(keel_type t)
{
    if ((unsigned)t < sizeof(json_type_names) / sizeof(json_type_names[0]))
        return json_type_names[t];
    return NULL;
}

/* The keel type a JSON-Schema "type" names, or -1. */
static int json_type(const char *name)
{
    for (int i = 0; json_type_names[i]; i++)
        if (strcmp(json_type_names[i], name) == 0)
            return i;
    return -1;
}

/* A "type" keyword must agree with the declared type; in an items schema it
 * declares the item type. */
static int schema_type(keel_type *t, const keel_value *frag, keel_error *err)
{
    const keel_value *tv = keel_value_object_get(frag, "type");
    if (!tv)
        return 0;
    const char *name = keel_value_get_string(tv, NULL);
    int jt = name ? json_type(name) : -1;
    if (jt < 0)
        return keel_error_set(err, KEEL_EINVAL,
                              "'type' must be one of null, boolean, integer, "
                              "number, string, array, object");
    if (*t != KEEL_TYPE_ANY && (keel_type)jt != *t)
        return keel_error_set(err, KEEL_EINVAL,
                              "'type' is \"%s\" but the parameter is declared %s",
                              name, keel_type_name(*t));
    *t = (keel_type)jt;
    return 0;
}

static const keyword *find_keyword(const char *name)
{
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (strcmp(keywords[i].name, name) == 0)
            return &keywords[i];
    return NULL;
}

static keel_schema *schema_new(keel_type t)
{
    keel_schema *s = keel_calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->type = t;
    s->min_len = s->max_len = s->min_items = s->max_items = -1;
    return s;
}

static bool type_accepts(keel_type declared, const keel_value *v);

static int compile_object(keel_schema *s, const keel_value *frag,
                          keel_error *err)
{
    int rc = schema_type(&s->type, frag, err);
    for (size_t i = 0; rc == 0 && i < keel_value_len(frag); i++) {
        const char *kw = keel_value_object_key_at(frag, i);
        const keyword *k = find_keyword(kw);
        if (!k)
            return keel_error_set(err, KEEL_EINVAL,
                                  "unknown keyword '%s' (supported: enum, "
                                  "minimum, maximum, exclusiveMinimum, "
                                  "exclusiveMaximum, minLength, maxLength, "
                                  "pattern, minItems, maxItems, items, type)",
                                  kw);
        if (s->type != KEEL_TYPE_ANY && !(k->types & T(s->type)))
            return keel_error_set(err, KEEL_EINVAL,
                                  "keyword '%s' does not apply to type %s", kw,
                                  keel_type_name(s->type));
        if (k->compile)
            rc = k->compile(s, keel_value_object_value_at(frag, i), kw, err);
    }
    for (size_t i = 0; rc == 0 && s->enum_vals && i < keel_value_len(s->enum_vals); i++)
        if (!type_accepts(s->type, keel_value_list_at(s->enum_vals, i)))
            rc = keel_error_set(err, KEEL_EINVAL,
                                "'enum' member %zu is not of type %s", i,
                                keel_type_name(s->type));
    return rc;
}

static int compile_items(keel_schema *s, const keel_value *v, keel_error *err)
{
    s->items = schema_new(KEEL_TYPE_ANY);
    if (!s->items)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    int rc = compile_object(s->items, v, err);
    if (rc)
        keel_error_prefix(err, "items");
    return rc;
}

int keel_schema_compile(keel_schema **out, keel_type t, const char *fragment,
                        keel_error *err)
{
    *out = NULL;
    keel_schema *s = schema_new(t);
    if (!s)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    int rc = 0;
    if (fragment) {
        rc = keel_value_from_json(&s->fragment, fragment, strlen(fragment), err);
        if (rc == 0 && keel_value_type(s->fragment) != KEEL_TYPE_OBJECT)
            rc = keel_error_set(err, KEEL_EINVAL,
                                "schema must be a JSON object");
        if (rc == 0) /* a "type" agrees with t, or narrows "any" */
            rc = compile_object(s, s->fragment, err);
    }
    if (rc) {
        keel_schema_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void keel_schema_free(keel_schema *s)
{
    if (!s)
        return;
    if (s->has_pattern)
        regfree(&s->pattern);
    keel_schema_free(s->items);
    keel_value_unref(s->fragment);
    keel_free(s);
}

const keel_value *keel_schema_fragment(const keel_schema *s)
{
    return s ? s->fragment : NULL;
}

keel_type keel_schema_type(const keel_schema *s)
{
    return s->type;
}

/* ---- checking ---- */

static bool type_accepts(keel_type declared, const keel_value *v)
{
    keel_type t = keel_value_type(v);
    return declared == KEEL_TYPE_ANY || t == declared ||
           (declared == KEEL_TYPE_FLOAT && t == KEEL_TYPE_INT);
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

static double number_of(const keel_value *v)
{
    return keel_value_type(v) == KEEL_TYPE_INT
               ? (double)keel_value_get_int(v)
               : keel_value_get_float(v);
}

/* Renders v as JSON into buf for a message, cut to fit. */
static const char *show(char *buf, size_t cap, const keel_value *v)
{
    char *json = NULL;
    if (keel_value_to_json(&json, v, false) != 0) {
        snprintf(buf, cap, "(value)");
        return buf;
    }
    if (strlen(json) >= cap && cap > 4)
        snprintf(buf, cap, "%.*s...", (int)(cap - 4), json);
    else
        snprintf(buf, cap, "%s", json);
    keel_free(json);
    return buf;
}

static int check_number(const keel_schema *s, const keel_value *v,
                        keel_error *err)
{
    double d = number_of(v);
    char shown[64];
    const char *op = NULL;
    double bound = 0;
    if (s->has_min && !(d >= s->min))
        op = ">=", bound = s->min;
    else if (s->has_xmin && !(d > s->xmin))
        op = ">", bound = s->xmin;
    else if (s->has_max && !(d <= s->max))
        op = "<=", bound = s->max;
    else if (s->has_xmax && !(d < s->xmax))
        op = "<", bound = s->xmax;
    if (op)
        return keel_error_set(err, KEEL_ERANGE, "must be %s %g, got %s", op,
                              bound, show(shown, sizeof(shown), v));
    return 0;
}

static int check_string(const keel_schema *s, const keel_value *v,
                        keel_error *err)
{
    size_t len;
    const char *str = keel_value_get_string(v, &len);
    size_t chars = utf8_chars(str, len);
    if (s->min_len >= 0 && chars < (size_t)s->min_len)
        return keel_error_set(err, KEEL_ERANGE,
                              "must be at least %lld characters long, got %zu",
                              (long long)s->min_len, chars);
    if (s->max_len >= 0 && chars > (size_t)s->max_len)
        return keel_error_set(err, KEEL_ERANGE,
                              "must be at most %lld characters long, got %zu",
                              (long long)s->max_len, chars);
    if (s->has_pattern) {
        /* regexec stops at a NUL; a hidden tail must not slip past. */
        if (memchr(str, '\0', len))
            return keel_error_set(err, KEEL_EINVAL,
                                  "contains a NUL byte, which pattern /%s/ "
                                  "cannot check", s->pattern_src);
        if (regexec(&s->pattern, str, 0, NULL, 0) != 0)
            return keel_error_set(err, KEEL_EINVAL,
                                  "must match pattern /%s/", s->pattern_src);
    }
    return 0;
}

static int check_items(const keel_schema *s, keel_value **pv, keel_error *err);

static bool numeric(const keel_value *v)
{
    keel_type t = keel_value_type(v);
    return t == KEEL_TYPE_INT || t == KEEL_TYPE_FLOAT;
}

/* enum membership: numbers by value (1 matches 1.0, since an int given for
 * a float parameter has become a float by now), everything else exactly. */
static bool enum_equal(const keel_value *member, const keel_value *v)
{
    if (numeric(member) && numeric(v))
        return number_of(member) == number_of(v);
    return keel_value_equal(member, v);
}

static int check_value(const keel_schema *s, keel_value **pv, keel_error *err)
{
    const keel_value *v = *pv;
    char shown[64];
    if (!type_accepts(s->type, v))
        return keel_error_set(err, KEEL_ETYPE, "expected %s, got %s %s",
                              keel_type_name(s->type),
                              keel_type_name(keel_value_type(v)),
                              show(shown, sizeof(shown), v));
    if (s->type == KEEL_TYPE_FLOAT && keel_value_type(v) == KEEL_TYPE_INT) {
        int64_t i = keel_value_get_int(v);
        if (i > (1LL << 53) || i < -(1LL << 53))
            return keel_error_set(err, KEEL_ERANGE,
                                  "integer %lld cannot be a float exactly",
                                  (long long)i);
        keel_value *f = keel_value_float((double)i);
        if (!f || keel_value_add_labels(&f, keel_value_labels(v))) {
            keel_value_unref(f);
            return keel_error_set(err, KEEL_ENOMEM, "out of memory");
        }
        keel_value_unref(*pv);
        *pv = f;
        v = f;
    }
    if (s->enum_vals) {
        size_t i, n = keel_value_len(s->enum_vals);
        for (i = 0; i < n; i++)
            if (enum_equal(keel_value_list_at(s->enum_vals, i), v))
                break;
        if (i == n) {
            char allowed[160];
            return keel_error_set(err, KEEL_EINVAL, "must be one of %s, got %s",
                                  show(allowed, sizeof(allowed), s->enum_vals),
                                  show(shown, sizeof(shown), v));
        }
    }
    switch (keel_value_type(v)) {
    case KEEL_TYPE_INT:
    case KEEL_TYPE_FLOAT:
        return check_number(s, v, err);
    case KEEL_TYPE_STRING:
        return check_string(s, v, err);
    case KEEL_TYPE_LIST:
        return check_items(s, pv, err);
    default:
        return 0;
    }
}

static int check_items(const keel_schema *s, keel_value **pv, keel_error *err)
{
    size_t n = keel_value_len(*pv);
    if (s->min_items >= 0 && n < (size_t)s->min_items)
        return keel_error_set(err, KEEL_ERANGE,
                              "must have at least %lld items, got %zu",
                              (long long)s->min_items, n);
    if (s->max_items >= 0 && n > (size_t)s->max_items)
        return keel_error_set(err, KEEL_ERANGE,
                              "must have at most %lld items, got %zu",
                              (long long)s->max_items, n);
    if (!s->items)
        return 0;
    keel_value *copy = NULL; /* made only if an item had to be converted */
    for (size_t i = 0; i < n; i++) {
        keel_value *item = keel_value_ref(keel_value_list_at(*pv, i));
        const keel_value *before = item;
        int rc = check_value(s->items, &item, err);
        if (rc == 0 && item != before && !copy) {
            copy = keel_value_list();
            for (size_t j = 0; copy && j < i; j++)
                if (keel_value_list_append(copy, keel_value_list_at(*pv, j)))
                    rc = KEEL_ENOMEM;
            if (!copy)
                rc = KEEL_ENOMEM;
        }
        if (rc == 0 && copy)
            rc = keel_value_list_append(copy, item);
        keel_value_unref(item);
        if (rc) {
            keel_value_unref(copy);
            if (rc == KEEL_ENOMEM)
                return keel_error_set(err, rc, "out of memory");
            keel_error_prefix(err, "item %zu", i);
            return rc;
        }
    }
    if (copy) {
        keel_value_unref(*pv);
        *pv = copy;
    }
    return 0;
}

int keel_schema_check(const keel_schema *s, keel_value **pv, keel_error *err)
{
    return check_value(s, pv, err);
}
