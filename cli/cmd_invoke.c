/*
 * cmd_invoke.c - `keel invoke PLUGIN.FUNCTION KEY=VALUE ... [--args JSON]`.
 *
 * Text arguments are converted by the parameter's declared type, so the
 * same `n=3` is an int for an int parameter and a string for a string one.
 * Everything given on the command line is labelled "user".
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const keel_param *find_param(const keel_fn_info *f, const char *name)
{
    for (size_t i = 0; f && i < f->n_params; i++)
        if (strcmp(f->params[i].name, name) == 0)
            return &f->params[i];
    return NULL;
}

static int parse_int(keel_value **out, const char *text)
{
    errno = 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end)
        return KEEL_EINVAL;
    *out = keel_value_int((int64_t)v);
    return *out ? 0 : KEEL_ENOMEM;
}

static int parse_float(keel_value **out, const char *text)
{
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v))
        return KEEL_EINVAL;
    *out = keel_value_float(v);
    return *out ? 0 : KEEL_ENOMEM;
}

static int parse_bool(keel_value **out, const char *text)
{
    if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
        return KEEL_EINVAL;
    *out = keel_value_bool(text[0] == 't');
    return *out ? 0 : KEEL_ENOMEM;
}

/* Converts text by type. For KEEL_TYPE_ANY, JSON if it parses, else text. */
static int convert(keel_value **out, keel_type t, const char *text,
                   keel_error *err)
{
    size_t len = strlen(text);
    int rc;
    switch (t) {
    case KEEL_TYPE_INT:
        rc = parse_int(out, text);
        break;
    case KEEL_TYPE_FLOAT:
        rc = parse_float(out, text);
        break;
    case KEEL_TYPE_BOOL:
        rc = parse_bool(out, text);
        break;
    case KEEL_TYPE_STRING:
        if (!keel_utf8_valid(text, len))
            return keel_error_set(err, KEEL_EINVAL, "not valid UTF-8");
        *out = keel_value_string(text, len);
        return *out ? 0 : keel_error_set(err, KEEL_ENOMEM, "out of memory");
    case KEEL_TYPE_ANY:
        if (keel_value_from_json(out, text, len, NULL) == 0)
            return 0;
        return convert(out, KEEL_TYPE_STRING, text, err);
    default: /* null, list, object: JSON */
        return keel_value_from_json(out, text, len, err);
    }
    if (rc == KEEL_EINVAL)
        return keel_error_set(err, rc, "'%s' is not %s %s", text,
                              t == KEEL_TYPE_INT ? "an" : "a",
                              t == KEEL_TYPE_BOOL ? "bool (true or false)"
                                                  : keel_type_name(t));
    return rc ? keel_error_set(err, rc, "out of memory") : 0;
}

/* Builds the argument object from --args and KEY=VALUE pairs. */
static int build_args(keel_value **out, cli_ctx *ctx, const keel_fn_info *f,
                      keel_error *err)
{
    keel_value *args = NULL;
    int rc = 0;
    if (ctx->args_json) {
        rc = keel_value_from_json(&args, ctx->args_json,
                                  strlen(ctx->args_json), err);
        if (rc) {
            keel_error_prefix(err, "--args");
            return rc;
        }
        if (keel_value_type(args) != KEEL_TYPE_OBJECT) {
            keel_value_unref(args);
            return keel_error_set(err, KEEL_EINVAL,
                                  "--args must be a JSON object");
        }
    } else if (!(args = keel_value_object()))
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    for (size_t i = 1; rc == 0 && i < ctx->n_pos; i++) {
        char *eq = strchr(ctx->pos[i], '=');
        if (!eq || eq == ctx->pos[i]) {
            rc = keel_error_set(err, KEEL_EINVAL,
                                "'%s': arguments are KEY=VALUE", ctx->pos[i]);
            break;
        }
        *eq = '\0';
        const keel_param *p = find_param(f, ctx->pos[i]);
        keel_value *v = NULL;
        rc = convert(&v, p ? p->type : KEEL_TYPE_STRING, eq + 1, err);
        if (rc)
            keel_error_prefix(err, "%s: argument '%s'", f->qualified_name,
                              ctx->pos[i]);
        else if ((rc = keel_value_object_set_take(args, ctx->pos[i], v)))
            keel_error_set(err, rc, "out of memory");
        *eq = '=';
    }
    keel_labels *user = keel_labels_new(KEEL_LABEL_USER);
    if (rc == 0 && (!user || keel_value_add_labels(&args, user)))
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    keel_labels_unref(user);
    if (rc) {
        keel_value_unref(args);
        return rc;
    }
    *out = args;
    return 0;
}

static int print_json_result(int rc, const keel_value *res,
                             const keel_error *err)
{
    keel_value *o = keel_value_object();
    if (!o)
        return cli_fail(KEEL_ENOMEM, NULL);
    keel_value_object_set_take(o, "ok", keel_value_bool(rc == 0));
    if (rc == 0) {
        keel_value *labels = keel_value_list();
        const keel_labels *l = keel_value_labels(res);
        for (size_t i = 0; labels && i < keel_labels_count(l); i++)
            keel_value_list_append_take(labels,
                                        keel_value_cstring(keel_labels_at(l, i)));
        keel_value_object_set(o, "result", res);
        keel_value_object_set_take(o, "labels", labels);
    } else {
        keel_value *e = keel_value_object();
        keel_value_object_set_take(e, "code", keel_value_int(rc));
        keel_value_object_set_take(e, "message", keel_value_cstring(err->msg));
        keel_value_object_set_take(o, "error", e);
    }
    cli_print_json_value(o, false);
    keel_value_unref(o);
    return cli_exit_code(rc);
}

int cmd_invoke(cli_ctx *ctx)
{
    if (ctx->n_pos < 1)
        return cli_usage_error("usage: keel invoke PLUGIN.FUNCTION "
                               "[KEY=VALUE ...] [--args JSON]");
    int rc = cli_open_kernel(ctx);
    if (rc)
        return rc;
    const char *name = ctx->pos[0];
    keel_error err = {0};
    keel_value *args = NULL, *res = NULL;
    const keel_fn_info *f = keel_kernel_lookup(ctx->kernel, name);
    rc = f ? build_args(&args, ctx, f, &err) : 0;
    if (rc == 0)
        rc = keel_invoke(&res, ctx->kernel, name, args, &err);
    keel_value_unref(args);
    int code;
    if (ctx->json)
        code = print_json_result(rc, res, &err);
    else if (rc)
        code = cli_fail(rc, &err);
    else {
        cli_print_json_value(res, false);
        code = KEEL_EXIT_OK;
    }
    keel_value_unref(res);
    return code;
}
