/*
 * cmd_plugins.c - `keel plugins list|describe|catalog`.
 *
 * JSON output is built as keel values and printed by the kernel's
 * serialiser, so strings are always escaped correctly.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Sets key to a string (or null) on obj; returns nonzero on failure. */
static int put_str(keel_value *obj, const char *key, const char *s)
{
    return keel_value_object_set_take(obj, key,
                                      s ? keel_value_cstring(s)
                                        : keel_value_null());
}

static keel_value *plugin_json(const keel_plugin_info *p)
{
    keel_value *o = keel_value_object();
    if (!o)
        return NULL;
    int rc = put_str(o, "name", p->name) | put_str(o, "version", p->version) |
             put_str(o, "description", p->description) |
             put_str(o, "file", p->path) |
             keel_value_object_set_take(o, "functions",
                                        keel_value_int((int64_t)p->n_functions));
    if (!p->loaded)
        rc |= put_str(o, "error", p->error);
    if (rc) {
        keel_value_unref(o);
        return NULL;
    }
    return o;
}

static int list_json(const keel_kernel *k)
{
    keel_value *root = keel_value_object(), *ok = keel_value_list(),
               *bad = keel_value_list();
    int rc = !root || !ok || !bad;
    for (size_t i = 0; !rc && i < keel_kernel_plugin_count(k); i++) {
        keel_plugin_info p;
        keel_kernel_plugin_at(&p, k, i);
        keel_value *pj = plugin_json(&p);
        rc = !pj || keel_value_list_append_take(p.loaded ? ok : bad, pj);
    }
    if (!rc)
        rc = keel_value_object_set(root, "plugins", ok) |
             keel_value_object_set(root, "refused", bad);
    if (!rc)
        cli_print_json_value(root, true);
    keel_value_unref(root);
    keel_value_unref(ok);
    keel_value_unref(bad);
    return rc ? cli_fail(KEEL_ENOMEM, NULL) : KEEL_EXIT_OK;
}

/* Loaded plugins by name; refused ones by file, which is load order. */
static int by_name(const void *a, const void *b)
{
    const keel_plugin_info *x = a, *y = b;
    if (x->loaded != y->loaded)
        return x->loaded ? -1 : 1;
    return x->loaded ? strcmp(x->name, y->name) : strcmp(x->path, y->path);
}

static void list_text(const keel_kernel *k)
{
    size_t n = keel_kernel_plugin_count(k), loaded = 0;
    keel_plugin_info *ps = calloc(n ? n : 1, sizeof(*ps));
    if (!ps)
        return;
    for (size_t i = 0; i < n; i++)
        keel_kernel_plugin_at(&ps[i], k, i);
    qsort(ps, n, sizeof(*ps), by_name);
    printf("%-12s %-10s %9s  %s\n", "PLUGIN", "VERSION", "FUNCTIONS", "FILE");
    for (size_t i = 0; i < n; i++)
        if (ps[i].loaded) {
            printf("%-12s %-10s %9zu  %s\n", ps[i].name, ps[i].version,
                   ps[i].n_functions, ps[i].path);
            loaded++;
        }
    if (loaded < n)
        printf("\nrefused:\n");
    for (size_t i = 0; i < n; i++)
        if (!ps[i].loaded)
            printf("  %s\n", ps[i].error);
    free(ps);
}

int cmd_plugins_list(cli_ctx *ctx)
{
    if (ctx->n_pos)
        return cli_usage_error("plugins list takes no arguments");
    ctx->quiet_loader = true;
    int rc = cli_open_kernel(ctx);
    if (rc)
        return rc;
    if (ctx->json)
        return list_json(ctx->kernel);
    list_text(ctx->kernel);
    return KEEL_EXIT_OK;
}

/* ---- describe ---- */

static void print_effects(unsigned effects, bool untrusted)
{
    printf("  effects: ");
    bool any = false;
    for (unsigned flag = 1; flag && flag <= effects; flag <<= 1)
        if ((effects & flag) && keel_effect_name(flag)) {
            printf("%s%s", any ? ", " : "", keel_effect_name(flag));
            any = true;
        }
    printf("%s%s\n", any ? "" : "none",
           untrusted ? "; output is untrusted external content" : "");
}

static void describe_function_text(const keel_fn_info *f)
{
    printf("%s - %s\n", f->qualified_name, f->description);
    printf("  returns: %s\n", keel_type_name(f->returns));
    if (f->returns_schema)
        printf("  return schema: %s\n", f->returns_schema);
    print_effects(f->effects, f->untrusted_output);
    printf("  parameters:%s\n", f->n_params ? "" : " none");
    for (size_t i = 0; i < f->n_params; i++) {
        const keel_param *p = &f->params[i];
        printf("    %-12s %-7s %-9s %s\n", p->name, keel_type_name(p->type),
               p->required ? "required" : "optional", p->description);
        if (p->default_json)
            printf("    %-30s default: %s\n", "", p->default_json);
        if (p->schema)
            printf("    %-30s constraints: %s\n", "", p->schema);
        if (p->sink)
            printf("    %-30s sink: %s\n", "", p->sink);
    }
}

static int describe_function(cli_ctx *ctx, const char *name)
{
    const keel_fn_info *f = keel_kernel_lookup(ctx->kernel, name);
    if (!f) {
        const char *near[3];
        size_t n = keel_kernel_suggest(ctx->kernel, name, near, 3);
        if (n == 0)
            return cli_usage_error("unknown function '%s' (see `keel plugins "
                                   "list`)", name);
        return cli_usage_error("unknown function '%s'; did you mean %s%s%s%s%s?",
                               name, near[0], n > 1 ? ", " : "",
                               n > 1 ? near[1] : "", n > 2 ? ", " : "",
                               n > 2 ? near[2] : "");
    }
    if (!ctx->json) {
        describe_function_text(f);
        return KEEL_EXIT_OK;
    }
    char *json = NULL;
    if (keel_catalog_function_json(&json, f, true) != 0)
        return cli_fail(KEEL_ENOMEM, NULL);
    printf("%s\n", json);
    keel_free(json);
    return KEEL_EXIT_OK;
}

static bool find_plugin(keel_plugin_info *out, const keel_kernel *k,
                        const char *name)
{
    for (size_t i = 0; i < keel_kernel_plugin_count(k); i++) {
        keel_kernel_plugin_at(out, k, i);
        if (out->loaded && strcmp(out->name, name) == 0)
            return true;
    }
    return false;
}

static int describe_plugin_json(const keel_kernel *k, const keel_plugin_info *p)
{
    keel_value *o = plugin_json(p), *fns = keel_value_list();
    int rc = !o || !fns;
    for (size_t i = 0; !rc && i < keel_kernel_function_count(k); i++) {
        const keel_fn_info *f = keel_kernel_function_at(k, i);
        if (strcmp(f->plugin, p->name) != 0)
            continue;
        keel_value *v = NULL;
        rc = keel_catalog_function_value(&v, f) ||
             keel_value_list_append_take(fns, v);
    }
    if (!rc)
        rc = keel_value_object_set(o, "functions", fns);
    if (!rc)
        cli_print_json_value(o, true);
    keel_value_unref(o);
    keel_value_unref(fns);
    return rc ? cli_fail(KEEL_ENOMEM, NULL) : KEEL_EXIT_OK;
}

static int describe_plugin(cli_ctx *ctx, const char *name)
{
    keel_plugin_info p;
    if (!find_plugin(&p, ctx->kernel, name))
        return cli_usage_error("no plugin or function named '%s' (see `keel "
                               "plugins list`)", name);
    if (ctx->json)
        return describe_plugin_json(ctx->kernel, &p);
    printf("%s %s - %s\n  file: %s\n  functions:\n", p.name, p.version,
           p.description, p.path);
    for (size_t i = 0; i < keel_kernel_function_count(ctx->kernel); i++) {
        const keel_fn_info *f = keel_kernel_function_at(ctx->kernel, i);
        if (strcmp(f->plugin, p.name) == 0)
            printf("    %-24s %s\n", f->qualified_name, f->description);
    }
    return KEEL_EXIT_OK;
}

int cmd_plugins_describe(cli_ctx *ctx)
{
    if (ctx->n_pos != 1)
        return cli_usage_error("usage: keel plugins describe NAME [--json]");
    int rc = cli_open_kernel(ctx);
    if (rc)
        return rc;
    const char *name = ctx->pos[0];
    if (strchr(name, '.'))
        return describe_function(ctx, name);
    return describe_plugin(ctx, name);
}

/* ---- catalog ---- */

int cmd_plugins_catalog(cli_ctx *ctx)
{
    if (ctx->n_pos)
        return cli_usage_error("plugins catalog takes no arguments");
    int rc = cli_open_kernel(ctx);
    if (rc)
        return rc;
    char *text = NULL;
    rc = ctx->json ? keel_catalog_json(&text, ctx->kernel, true)
                   : keel_catalog_text(&text, ctx->kernel);
    if (rc)
        return cli_fail(KEEL_ENOMEM, NULL);
    fputs(text, stdout);
    if (ctx->json)
        fputc('\n', stdout);
    keel_free(text);
    return KEEL_EXIT_OK;
}
