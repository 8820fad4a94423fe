/*
 * planner_examples.c - golden goal/plan pairs shown to the model.
 *
 * An example is a plan file with a goal. The planner shows the few whose
 * goals share the most words with the user's goal (Jaccard similarity of
 * the word sets), and only examples that call functions this principal is
 * shown anyway: an example must not reveal a function the catalog hides.
 */
#include "planner_internal.h"

#include "buf.h"
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXAMPLES 1000

/* Words too common to say anything about a goal. */
static const char *const stop_words[] = {
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in",
    "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "the",
    "then", "this", "that", "to", "with"};

static bool is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c >= 0x80;
}

static bool is_stop_word(const char *w)
{
    for (size_t i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++)
        if (strcmp(stop_words[i], w) == 0)
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        keel_free(v[i]);
    keel_free(v);
}

/* The goal's words, lower-cased ASCII, sorted, without duplicates or stop
 * words. */
static int words_of(char ***out, size_t *n, const char *text)
{
    size_t len = strlen(text), cap = len / 2 + 1, count = 0;
    char **w = keel_calloc(cap, sizeof(char *));
    if (!w)
        return KEEL_ENOMEM;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && is_word_byte((unsigned char)text[j]))
            j++;
        if (j > i && count < cap) {
            char *word = keel_strndup(text + i, j - i);
            if (!word) {
                free_strings(w, count);
                return KEEL_ENOMEM;
            }
            for (char *c = word; *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c - 'A' + 'a');
            if (is_stop_word(word))
                keel_free(word);
            else
                w[count++] = word;
        }
        i = j > i ? j : i + 1;
    }
    qsort(w, count, sizeof(char *), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < count; i++) {
        if (u > 0 && strcmp(w[u - 1], w[i]) == 0)
            keel_free(w[i]);
        else
            w[u++] = w[i];
    }
    *out = w;
    *n = u;
    return 0;
}

static int example_from_plan(planner_example *e, const keel_plan *p)
{
    e->goal = keel_strdup(p->goal);
    e->calls = keel_calloc(p->n_steps ? p->n_steps : 1, sizeof(char *));
    if (!e->goal || !e->calls)
        return KEEL_ENOMEM;
    for (size_t i = 0; i < p->n_steps; i++) {
        if (!(e->calls[e->n_calls] = keel_strdup(p->steps[i].call)))
            return KEEL_ENOMEM;
        e->n_calls++;
    }
    int rc = keel_plan_to_json(&e->plan, p);
    return rc ? rc : words_of(&e->words, &e->n_words, p->goal);
}

static int load_example(planner_example *e, const char *dir, const char *name,
                        keel_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(e->file = keel_strdup(name)))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    int rc = keel_plan_load(&p, path, &d);
    if (rc) {
        char *text = NULL;
        keel_diags_text(&text, &d, NULL);
        keel_error_set(err, KEEL_EINVAL, "example %s: %s", path,
                       text ? strtok(text, "\n") : "not a plan");
        keel_free(text);
    } else if (!p->goal) {
        rc = keel_error_set(err, KEEL_EINVAL, "example %s: a golden example "
                            "needs a \"goal\"", path);
    } else if ((rc = example_from_plan(e, p)) != 0) {
        keel_error_set(err, rc, "out of memory");
    }
    keel_diags_free(&d);
    keel_plan_free(p);
    return rc;
}

static bool is_json_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* The *.json names in dir, sorted. */
static int list_dir(char ***out, size_t *n, const char *dir, keel_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return keel_error_set(err, KEEL_ENOTFOUND, "examples directory %s: %s",
                              dir, strerror(errno));
    char **names = keel_calloc(MAX_EXAMPLES, sizeof(char *));
    size_t count = 0;
    int rc = names ? 0 : KEEL_ENOMEM;
    for (struct dirent *de; rc == 0 && (de = readdir(d)) != NULL;) {
        if (!is_json_name(de->d_name))
            continue;
        if (count == MAX_EXAMPLES)
            rc = keel_error_set(err, KEEL_EINVAL, "examples directory %s: "
                                "more than %d examples", dir, MAX_EXAMPLES);
        else if (!(names[count++] = keel_strdup(de->d_name)))
            rc = KEEL_ENOMEM;
    }
    closedir(d);
    if (rc) {
        free_strings(names, count);
        return rc == KEEL_ENOMEM ? keel_error_set(err, rc, "out of memory")
                                 : rc;
    }
    qsort(names, count, sizeof(char *), cmp_str);
    *out = names;
    *n = count;
    return 0;
}

int planner_examples_load(planner_examples *out, const char *dir,
                          keel_error *err)
{
    memset(out, 0, sizeof(*out));
    char **names = NULL;
    size_t n = 0;
    int rc = list_dir(&names, &n, dir, err);
    if (rc)
        return rc;
    out->items = keel_calloc(n ? n : 1, sizeof(planner_example));
    if (!out->items) {
        rc = KEEL_ENOMEM;
        keel_error_set(err, rc, "out of memory");
    }
    for (size_t i = 0; rc == 0 && out->items && i < n; i++) {
        out->n++;
        rc = load_example(&out->items[i], dir, names[i], err);
    }
    free_strings(names, n);
    if (rc)
        planner_examples_free(out);
    return rc;
}

void planner_examples_free(planner_examples *e)
{
    for (size_t i = 0; e->items && i < e->n; i++) {
        planner_example *x = &e->items[i];
        keel_free(x->file);
        keel_free(x->goal);
        keel_free(x->plan);
        free_strings(x->calls, x->n_calls);
        free_strings(x->words, x->n_words);
    }
    keel_free(e->items);
    memset(e, 0, sizeof(*e));
}

/* |a & b| / |a | b| of two sorted word sets. */
static double jaccard(char *const *a, size_t na, char *const *b, size_t nb)
{
    size_t i = 0, j = 0, both = 0;
    while (i < na && j < nb) {
        int c = strcmp(a[i], b[j]);
        both += c == 0;
        i += c <= 0;
        j += c >= 0;
    }
    size_t any = na + nb - both;
    return any ? (double)both / (double)any : 0.0;
}

static bool shows_only(const planner_example *e, const keel_value *catalog)
{
    for (size_t i = 0; i < e->n_calls; i++)
        if (!planner_catalog_has(catalog, e->calls[i]))
            return false;
    return true;
}

typedef struct scored {
    size_t index;
    double score;
} scored;

/* Best first; equal scores in file order, so the choice is stable. */
static int cmp_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int planner_examples_render(char **out, const planner_examples *e,
                            const char *goal, const keel_value *catalog,
                            size_t max)
{
    char **words = NULL;
    size_t n_words = 0, n = 0;
    scored *s = keel_calloc(e->n ? e->n : 1, sizeof(scored));
    int rc = s ? words_of(&words, &n_words, goal) : KEEL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < e->n; i++) {
        double score = jaccard(words, n_words, e->items[i].words,
                               e->items[i].n_words);
        if (score > 0 && shows_only(&e->items[i], catalog))
            s[n++] = (scored){i, score};
    }
    keel_buf b;
    keel_buf_init(&b);
    if (rc == 0) {
        qsort(s, n, sizeof(scored), cmp_scored);
        if (n > 0 && max > 0)
            keel_buf_puts(&b, "Plans made for similar goals, for "
                              "reference:\n\n");
        for (size_t i = 0; i < n && i < max; i++)
            keel_buf_printf(&b, "Goal: %s\nPlan: %s\n\n",
                            e->items[s[i].index].goal,
                            e->items[s[i].index].plan);
        rc = keel_buf_finish(&b, out);
    } else {
        keel_buf_free(&b);
    }
    free_strings(words, n_words);
    keel_free(s);
    return rc;
}
