/*
 * prompt.c - load, check and fill the planner's prompt templates.
 *
 * Templates are files so that a deployment can change what the model is
 * told without rebuilding keel; their hash goes with every plan so a run
 * says which wording produced it. A placeholder is {{name}} with name in
 * [a-z_]; any other braces are text. An unknown name is an error at load
 * time, not a silent blank in a prompt.
 */
#include "prompt.h"

#include "buf.h"
#include "file.h"

#include <stddef.h>
#include <string.h>

#define MAX_TEMPLATE_BYTES ((size_t)256 * 1024)

static const char *const file_names[PROMPT_N] = {"system.txt", "plan.txt",
                                                 "repair.txt"};

static const struct {
    const char *name;
    size_t offset;
} placeholders[] = {
    {"goal", offsetof(prompt_vars, goal)},
    {"catalog", offsetof(prompt_vars, catalog)},
    {"schema", offsetof(prompt_vars, schema)},
    {"examples", offsetof(prompt_vars, examples)},
    {"errors", offsetof(prompt_vars, errors)},
    {"principal", offsetof(prompt_vars, principal)},
};
#define N_PLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* Placeholders each template must use: a plan prompt without the goal is
 * a mistake, not a style. */
static const char *const required[PROMPT_N][2] = {
    {NULL, NULL}, {"goal", "catalog"}, {"errors", NULL}};

/* If s starts a placeholder, its name's length (name at s + 2), else 0. */
static size_t placeholder_at(const char *s)
{
    if (s[0] != '{' || s[1] != '{')
        return 0;
    size_t n = 0;
    while ((s[2 + n] >= 'a' && s[2 + n] <= 'z') || s[2 + n] == '_')
        n++;
    return n > 0 && s[2 + n] == '}' && s[3 + n] == '}' ? n : 0;
}

static int find_placeholder(const char *name, size_t n)
{
    for (size_t i = 0; i < N_PLACEHOLDERS; i++)
        if (strlen(placeholders[i].name) == n &&
            memcmp(placeholders[i].name, name, n) == 0)
            return (int)i;
    return -1;
}

static int check_template(const char *path, const char *text, prompt_kind k,
                          keel_error *err)
{
    bool used[N_PLACEHOLDERS] = {false};
    int line = 1;
    for (const char *s = text; *s; s++) {
        if (*s == '\n')
            line++;
        size_t n = placeholder_at(s);
        if (!n)
            continue;
        int i = find_placeholder(s + 2, n);
        if (i < 0)
            return keel_error_set(err, KEEL_EINVAL, "%s:%d: unknown "
                                  "placeholder {{%.*s}} (known: goal, "
                                  "catalog, schema, examples, errors, "
                                  "principal)", path, line, (int)n, s + 2);
        used[i] = true;
        s += n + 3;
    }
    for (size_t r = 0; r < 2 && required[k][r]; r++) {
        int i = find_placeholder(required[k][r], strlen(required[k][r]));
        if (!used[i])
            return keel_error_set(err, KEEL_EINVAL, "%s: must use {{%s}}",
                                  path, required[k][r]);
    }
    return 0;
}

static int load_one(prompt_set *p, const char *dir, prompt_kind k,
                    keel_sha256_ctx *h, keel_error *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file_names[k]) >=
        sizeof(path))
        return keel_error_set(err, KEEL_EINVAL, "%s: path too long", dir);
    size_t len;
    int rc = keel_file_read(&p->text[k], &len, path, MAX_TEMPLATE_BYTES, err);
    if (rc)
        return keel_error_prefix(err, "prompt template");
    if (strlen(p->text[k]) != len)
        return keel_error_set(err, KEEL_EINVAL, "%s: contains a NUL byte",
                              path);
    if (!keel_utf8_valid(p->text[k], len))
        return keel_error_set(err, KEEL_EINVAL, "%s: not valid UTF-8", path);
    keel_sha256_update(h, file_names[k], strlen(file_names[k]) + 1);
    keel_sha256_update(h, p->text[k], len + 1);
    return check_template(path, p->text[k], k, err);
}

int prompt_set_load(prompt_set *out, const char *dir, keel_error *err)
{
    memset(out, 0, sizeof(*out));
    keel_sha256_ctx h;
    keel_sha256_init(&h);
    for (int k = 0; k < PROMPT_N; k++) {
        int rc = load_one(out, dir, (prompt_kind)k, &h, err);
        if (rc) {
            prompt_set_free(out);
            return rc;
        }
    }
    keel_sha256_final_hex(&h, out->hash);
    return 0;
}

void prompt_set_free(prompt_set *p)
{
    for (int k = 0; k < PROMPT_N; k++) {
        keel_free(p->text[k]);
        p->text[k] = NULL;
    }
}

int prompt_render(char **out, const prompt_set *p, prompt_kind which,
                  const prompt_vars *vars)
{
    keel_buf b;
    keel_buf_init(&b);
    const char *s = p->text[which], *plain = s;
    for (; *s; s++) {
        size_t n = placeholder_at(s);
        int i = n ? find_placeholder(s + 2, n) : -1;
        if (i < 0)
            continue;
        keel_buf_append(&b, plain, (size_t)(s - plain));
        const char *v = *(const char *const *)((const char *)vars +
                                               placeholders[i].offset);
        keel_buf_puts(&b, v ? v : "");
        s += n + 3;
        plain = s + 1;
    }
    keel_buf_append(&b, plain, (size_t)(s - plain));
    return keel_buf_finish(&b, out);
}
