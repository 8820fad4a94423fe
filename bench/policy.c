/*
 * bench/policy.c - the cost of one policy decision.
 *
 * Loads a policy of 10 rules and one of 1,000 rules spread over every loaded
 * function (each with a principal and a condition), and times
 * keel_policy_decide on math.add. Rules are indexed by function at load, so
 * a decision looks only at the rules that can apply to its function.
 * Target: under 2 microseconds per decision at 1,000 rules.
 */
#include <keel/policy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_policy: %s: %s\n", what, msg);
    exit(1);
}

static keel_kernel *open_kernel(const char *build)
{
    keel_kernel *k;
    keel_error err;
    char dir[4096], real[4096];
    if (keel_kernel_open(&k, &err))
        die("kernel", err.msg);
    snprintf(dir, sizeof(dir), "%s/lib/keel/plugins", build);
    if (!realpath(dir, real) || keel_kernel_load_dir(k, real, &err) < 0)
        die(dir, "cannot load plugins");
    return k;
}

/* n rules over all functions, round robin; a third are forbids. */
static char *make_policy(const keel_kernel *k, size_t n)
{
    size_t cap = n * 256 + 512, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s, cap, "<policy xmlns=\"urn:keel:policy:1\" id=\"b\">"
                            "<role name=\"staff\"><group dn=\"cn=staff,dc=x\"/></role>");
    size_t nf = keel_kernel_function_count(k);
    for (size_t i = 0; i < n; i++) {
        const keel_fn_info *f = keel_kernel_function_at(k, i % nf);
        bool forbid = i % 3 == 2;
        const char *cond = "";
        char buf[160];
        if (f->n_params && f->params[0].type == KEEL_TYPE_FLOAT) {
            snprintf(buf, sizeof(buf), "<when><%s arg=\"%s\" value=\"%zu\"/></when>",
                     forbid ? "gt" : "le", f->params[0].name, 1000 + i);
            cond = buf;
        }
        len += (size_t)snprintf(s + len, cap - len,
                                "<%s id=\"r%zu\"><principal %s/><action call=\"%s\"/>%s</%s>",
                                forbid ? "forbid" : "permit", i,
                                i % 2 ? "role=\"staff\"" : "user=\"u\"",
                                f->qualified_name, cond, forbid ? "forbid" : "permit");
    }
    snprintf(s + len, cap - len, "</policy>");
    return s;
}

static double decide_ns(const keel_policy *p, const keel_kernel *k, long reps)
{
    const char *groups[] = {"cn=staff,dc=x"};
    keel_principal who = {"u", NULL, groups, 1};
    keel_value *args = NULL;
    keel_error err;
    const char *json = "{\"a\": 2.0, \"b\": 40.0}";
    if (keel_value_from_json(&args, json, strlen(json), &err))
        die("args", err.msg);
    const keel_fn_info *fn = keel_kernel_lookup(k, "math.add");
    keel_decision d;
    int64_t t0 = keel_now_ns();
    for (long i = 0; i < reps; i++)
        keel_policy_decide(&d, p, &who, fn, args);
    double ns = (double)(keel_now_ns() - t0) / (double)reps;
    if (d.verdict != KEEL_VERDICT_ALLOW)
        die("decision", d.reason);
    keel_value_unref(args);
    return ns;
}

static keel_policy *load(const keel_kernel *k, size_t n, double *ms)
{
    char *text = make_policy(k, n);
    const char *name = "bench.xml";
    size_t len = strlen(text);
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    int64_t t0 = keel_now_ns();
    if (keel_policy_load_texts(&p, &name, (const char *const *)&text, &len, 1, k, &d))
        die("load", d.n ? d.items[0].message : "?");
    *ms = (double)(keel_now_ns() - t0) / 1e6;
    keel_diags_free(&d);
    free(text);
    return p;
}

int main(int argc, char **argv)
{
    keel_kernel *k = open_kernel(argc > 1 ? argv[1] : "build");
    double load10, load1000;
    keel_policy *small = load(k, 10, &load10), *big = load(k, 1000, &load1000);
    decide_ns(big, k, 100000); /* warm up */
    double s = decide_ns(small, k, 1000000), b = decide_ns(big, k, 1000000);
    printf("bench_policy (%zu functions loaded):\n", keel_kernel_function_count(k));
    printf("  load + index, 10 rules                 %8.2f ms\n", load10);
    printf("  load + index, 1,000 rules              %8.2f ms\n", load1000);
    printf("  decision, 10 rules                     %8.1f ns\n", s);
    printf("  decision, 1,000 rules                  %8.1f ns   (target < 2000 ns: %s)\n",
           b, b < 2000 ? "met" : "NOT met");
    keel_policy_free(small);
    keel_policy_free(big);
    keel_kernel_free(k);
    return 0;
}
