/*
 * prompt.h - the planner's prompt templates: three text files in a
 * directory, with {{name}} placeholders filled at each request.
 */
#ifndef KEEL_PROMPT_H
#define KEEL_PROMPT_H

#include <keel/keel.h>

typedef enum prompt_kind {
    PROMPT_SYSTEM, /* system.txt: the model's instructions */
    PROMPT_PLAN,   /* plan.txt: the goal, catalog, examples */
    PROMPT_REPAIR, /* repair.txt: the errors of the last reply */
    PROMPT_N
} prompt_kind;

typedef struct prompt_set {
    char *text[PROMPT_N];
    char hash[65]; /* SHA-256 over the three files' names and contents */
} prompt_set;

/* What placeholders stand for; NULL renders as "". */
typedef struct prompt_vars {
    const char *goal;
    const char *catalog;  /* the permitted functions, JSON */
    const char *schema;   /* the plan's JSON Schema */
    const char *examples; /* similar goal/plan pairs, or "" */
    const char *errors;   /* the last reply's problems, one per line */
    const char *principal;
} prompt_vars;

/* Loads dir/system.txt, dir/plan.txt and dir/repair.txt, checking that
 * every {{name}} is known and that plan.txt has {{goal}} and {{catalog}}
 * and repair.txt {{errors}}. Errors name the file and line. */
int prompt_set_load(prompt_set *out, const char *dir, keel_error *err);
void prompt_set_free(prompt_set *p);

/* Fills one template (caller frees *out with keel_free). */
int prompt_render(char **out, const prompt_set *p, prompt_kind which,
                  const prompt_vars *vars);

#endif
