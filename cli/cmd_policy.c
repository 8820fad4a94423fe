/*
 * cmd_policy.c - policies on the command line: `keel policy check`,
 * `keel policy test`, and loading the policy and principal for validate
 * and run.
 */
#include "cli.h"
#include "file.h"

#include <keel/policy.h>

#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A policy test file larger than this is refused (not cut). */
#define MAX_CASES_BYTES ((size_t)16 << 20)

static void print_diag_lines(const keel_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "keel: error: %s\n", d->items[i].message);
}

/* Remembers the files as absolute paths: a run records them, so that
 * resuming it loads the same policy. */
static void remember(cli_ctx *ctx, const char *const *files, size_t n)
{
    for (size_t i = 0; i < n && ctx->n_policy_used < CLI_MAX_LIST; i++) {
        char *abs = realpath(files[i], NULL);
        if (abs)
            ctx->policy_used[ctx->n_policy_used++] = abs;
    }
}

static int load_files(keel_policy **out, cli_ctx *ctx, const char *const *files,
                      size_t n)
{
    int rc = cli_open_kernel(ctx);
    if (rc)
        return rc;
    remember(ctx, files, n);
    keel_diags d;
    keel_diags_init(&d);
    rc = keel_policy_load(out, files, n, ctx->kernel, &d);
    print_diag_lines(&d);
    keel_diags_free(&d);
    return rc == KEEL_ENOMEM ? cli_fail(rc, NULL) : rc ? KEEL_EXIT_USAGE : 0;
}

int cli_load_policy(cli_ctx *ctx, keel_policy **out)
{
    *out = NULL;
    if (ctx->policy_files.n)
        return load_files(out, ctx, ctx->policy_files.v, ctx->policy_files.n);
    int rc = cli_open_config(ctx);
    if (rc)
        return rc;
    const keel_value *files =
        keel_value_object_get(keel_config_section(ctx->config, "policy"), "files");
    size_t n = keel_value_type(files) == KEEL_TYPE_LIST ? keel_value_len(files) : 0;
    if (n == 0)
        return 0;
    if (n > CLI_MAX_LIST) /* never drop a file: its forbids would vanish */
        return cli_usage_error("policy.files names %zu files; at most %d",
                               n, CLI_MAX_LIST);
    const char *names[CLI_MAX_LIST];
    for (size_t i = 0; i < n; i++)
        if (!(names[i] = keel_value_get_string(keel_value_list_at(files, i), NULL)))
            return cli_usage_error("policy.files[%zu] is not a string", i);
    return load_files(out, ctx, names, n);
}

int cmd_policy_check(cli_ctx *ctx)
{
    if (ctx->n_pos == 0)
        return cli_usage_error("usage: keel policy check FILE...");
    keel_policy *p = NULL;
    int rc = load_files(&p, ctx, (const char *const *)ctx->pos, ctx->n_pos);
    if (rc)
        return rc;
    printf("policy ok: %zu file%s, %zu rule%s, hash %s\n", ctx->n_pos,
           ctx->n_pos == 1 ? "" : "s", keel_policy_rule_count(p),
           keel_policy_rule_count(p) == 1 ? "" : "s", keel_policy_hash(p));
    keel_policy_free(p);
    return KEEL_EXIT_OK;
}

/* ---- policy test ---- */

static const char *const verdict_names[] = {"allow", "approval", "deny"};

/* Builds the case's arguments, labelling each named argument. */
static keel_value *case_args(const keel_value *c)
{
    const keel_value *given = keel_value_object_get(c, "args");
    const keel_value *labels = keel_value_object_get(c, "labels");
    keel_value *args = keel_value_object();
    for (size_t i = 0; args && i < keel_value_len(given); i++) {
        const char *name = keel_value_object_key_at(given, i);
        keel_value *v = keel_value_ref(keel_value_object_value_at(given, i));
        const keel_value *ls = keel_value_object_get(labels, name);
        for (size_t j = 0; j < keel_value_len(ls); j++) {
            keel_labels *l = keel_labels_new(
                keel_value_get_string(keel_value_list_at(ls, j), NULL));
            keel_value_add_labels(&v, l);
            keel_labels_unref(l);
        }
        keel_value_object_set_take(args, name, v);
    }
    return args;
}

static bool rules_match(const keel_decision *d, const keel_value *want)
{
    if (!want)
        return true;
    if (keel_value_len(want) != d->n_rules)
        return false;
    for (size_t i = 0; i < keel_value_len(want); i++) {
        const char *id = keel_value_get_string(keel_value_list_at(want, i), NULL);
        bool found = false;
        for (size_t j = 0; id && j < d->n_rules; j++)
            found |= strcmp(d->rules[j], id) == 0;
        if (!found)
            return false;
    }
    return true;
}

static bool run_case(cli_ctx *ctx, const keel_policy *p, const keel_value *c,
                     size_t i)
{
    const char *name = keel_value_get_string(keel_value_object_get(c, "name"), NULL);
    const char *call = keel_value_get_string(keel_value_object_get(c, "call"), NULL);
    const char *expect = keel_value_get_string(keel_value_object_get(c, "expect"), NULL);
    const keel_value *groups = keel_value_object_get(c, "groups");
    const char *gv[CLI_MAX_LIST];
    size_t ng = 0;
    for (; ng < keel_value_len(groups) && ng < CLI_MAX_LIST; ng++)
        gv[ng] = keel_value_get_string(keel_value_list_at(groups, ng), NULL);
    keel_principal who = {
        keel_value_get_string(keel_value_object_get(c, "user"), NULL), NULL, gv,
        ng};
    char label[64];
    snprintf(label, sizeof(label), "case %zu", i);
    name = name ? name : label;
    const keel_fn_info *fn = call ? keel_kernel_lookup(ctx->kernel, call) : NULL;
    if (!fn || !expect) {
        printf("FAIL %s: %s\n", name, fn ? "no 'expect'" : "unknown 'call'");
        return false;
    }
    keel_value *args = case_args(c);
    keel_decision d;
    keel_policy_decide(&d, p, &who, fn, args);
    keel_value_unref(args);
    bool ok = strcmp(verdict_names[d.verdict], expect) == 0 &&
              rules_match(&d, keel_value_object_get(c, "rules"));
    printf("%s %s: %s (%s)\n", ok ? "ok  " : "FAIL", name,
           verdict_names[d.verdict], d.reason);
    return ok;
}

/* Policy files named in the cases file are relative to it. */
static size_t case_policy_files(char paths[][PATH_MAX], const keel_value *root,
                                const char *cases_path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", cases_path);
    const char *base = dirname(dir);
    const keel_value *files = keel_value_object_get(root, "policy");
    size_t n = 0;
    for (; n < keel_value_len(files) && n < CLI_MAX_LIST; n++) {
        const char *f = keel_value_get_string(keel_value_list_at(files, n), NULL);
        snprintf(paths[n], PATH_MAX, "%s%s%s", f && f[0] == '/' ? "" : base,
                 f && f[0] == '/' ? "" : "/", f ? f : "");
    }
    return n;
}

int cmd_policy_test(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel policy test CASES_FILE");
    char *text = NULL;
    size_t len = 0;
    keel_value *root = NULL;
    keel_error err = {0};
    int rc = keel_file_read(&text, &len, ctx->pos[0], MAX_CASES_BYTES, &err);
    if (rc == KEEL_ENOTFOUND)
        return cli_usage_error("%s: cannot open", ctx->pos[0]);
    if (rc)
        return cli_fail(rc, &err);
    rc = keel_value_from_json(&root, text, len, &err);
    keel_free(text);
    if (rc) {
        keel_error_prefix(&err, "%s", ctx->pos[0]);
        return cli_fail(KEEL_EINVAL, &err);
    }
    static char paths[CLI_MAX_LIST][PATH_MAX];
    const char *names[CLI_MAX_LIST];
    size_t n = case_policy_files(paths, root, ctx->pos[0]);
    for (size_t i = 0; i < n; i++)
        names[i] = paths[i];
    keel_policy *p = NULL;
    rc = ctx->policy_files.n ? cli_load_policy(ctx, &p)
                             : load_files(&p, ctx, names, n);
    if (rc == 0 && !p)
        rc = cli_usage_error("%s: no policy: list files in \"policy\" or give "
                             "--policy", ctx->pos[0]);
    size_t passed = 0, failed = 0;
    const keel_value *cases = keel_value_object_get(root, "cases");
    for (size_t i = 0; rc == 0 && i < keel_value_len(cases); i++)
        run_case(ctx, p, keel_value_list_at(cases, i), i) ? passed++ : failed++;
    if (rc == 0)
        printf("%zu passed, %zu failed\n", passed, failed);
    keel_policy_free(p);
    keel_value_unref(root);
    return rc ? rc : failed ? KEEL_EXIT_FAILED : KEEL_EXIT_OK;
}
