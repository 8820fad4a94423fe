/*
 * planner_reply.c - find the plan in a model's reply.
 *
 * Models asked for JSON often wrap it: a fenced block with a sentence
 * before it, or an object followed by an explanation. Providers with
 * structured output send the object alone. We look, in order, at the whole
 * text, at fenced blocks, then at each '{' that starts a balanced object,
 * and take the first candidate that is valid JSON; when none is, the first
 * balanced one, so that the parser's error goes back to the model.
 */
#include <keel/planner.h>

#include <ctype.h>
#include <string.h>

/* At most this many '{' are tried as the start of an object: a reply of
 * braces must not cost quadratic time. "${" (a reference explained in the
 * prose) does not count. */
#define MAX_STARTS 128

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The length of the balanced object starting at s[0] == '{', or 0. Braces
 * inside strings do not count. */
static size_t balanced(const char *s, size_t n)
{
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return 0;
            if (--depth == 0)
                return c == '}' ? i + 1 : 0;
        }
    }
    return 0;
}

/* A JSON object that looks like an answer: a plan or a refusal. An
 * example object in the prose ({"a": 2}) is not one. */
static bool valid_json(const char *s, size_t n)
{
    keel_value *v = NULL;
    keel_error err = {0};
    bool ok = keel_value_from_json(&v, s, n, &err) == 0 &&
              keel_value_type(v) == KEEL_TYPE_OBJECT &&
              (keel_value_object_get(v, "steps") ||
               keel_value_object_get(v, "cannot_plan"));
    keel_value_unref(v);
    return ok;
}

typedef struct found {
    size_t off, len;     /* the first valid candidate */
    size_t any_off, any_len; /* the first balanced one */
    bool valid, any;
} found;

/* Offers s[off..off+len) as a candidate; true once a valid one is found. */
static bool offer(found *f, const char *s, size_t off, size_t len)
{
    if (!f->any) {
        f->any = true;
        f->any_off = off;
        f->any_len = len;
    }
    if (valid_json(s + off, len)) {
        f->valid = true;
        f->off = off;
        f->len = len;
    }
    return f->valid;
}

/* The candidate inside [lo, hi): it must start with '{' once leading space
 * is skipped, and the object must end before hi with only space after it. */
static bool try_span(found *f, const char *s, size_t lo, size_t hi)
{
    while (lo < hi && is_space(s[lo]))
        lo++;
    while (hi > lo && is_space(s[hi - 1]))
        hi--;
    if (lo == hi || s[lo] != '{')
        return false;
    size_t len = balanced(s + lo, hi - lo);
    return len == hi - lo && offer(f, s, lo, len);
}

static const char *find_fence(const char *s, size_t n, size_t from)
{
    for (size_t i = from; i + 3 <= n; i++)
        if (s[i] == '`' && s[i + 1] == '`' && s[i + 2] == '`')
            return s + i;
    return NULL;
}

/* Fenced blocks: ``` with an optional info word ("json"), then the
 * content up to the next ```, on the same line or on later ones. */
static bool try_fences(found *f, const char *s, size_t n)
{
    size_t at = 0;
    const char *open;
    while ((open = find_fence(s, n, at)) != NULL) {
        size_t body = (size_t)(open - s) + 3;
        while (body < n && (isalnum((unsigned char)s[body]) || s[body] == '_' ||
                            s[body] == '-' || s[body] == '+'))
            body++;
        const char *close = find_fence(s, n, body);
        if (!close)
            return false;
        if (try_span(f, s, body, (size_t)(close - s)))
            return true;
        at = (size_t)(close - s) + 3;
    }
    return false;
}

/* Every '{' in order, nested ones too (a plan inside braces of prose);
 * only top-level objects are offered as the fallback. */
static bool try_objects(found *f, const char *s, size_t n)
{
    int starts = 0;
    size_t top_end = 0;
    for (size_t i = 0; i < n && starts < MAX_STARTS; i++) {
        if (s[i] != '{' || (i > 0 && s[i - 1] == '$'))
            continue;
        starts++;
        size_t len = balanced(s + i, n - i);
        if (!len)
            continue;
        bool top = i >= top_end;
        if (top)
            top_end = i + len;
        if (valid_json(s + i, len)) {
            f->valid = true;
            f->off = i;
            f->len = len;
            return true;
        }
        if (top && !f->any) {
            f->any = true;
            f->any_off = i;
            f->any_len = len;
        }
    }
    return false;
}

int keel_planner_find_json(size_t *off, size_t *len, const char *text,
                           size_t n)
{
    found f = {0};
    if (try_span(&f, text, 0, n) || try_fences(&f, text, n) ||
        try_objects(&f, text, n)) {
        *off = f.off;
        *len = f.len;
        return 0;
    }
    if (!f.any)
        return KEEL_ENOTFOUND;
    *off = f.any_off;
    *len = f.any_len;
    return 0;
}
