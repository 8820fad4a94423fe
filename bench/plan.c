/*
 * bench/plan.c - the cost of checking and running plans.
 *
 * Prints: validation time of a 1,000-step plan (parse + static check);
 * executor overhead per step for no-op steps with one and two jobs (run
 * time per step minus the cost of a bare keel_invoke of the same no-op);
 * the wall time of ten independent 200 ms steps with --jobs 10; and the
 * cost of provenance labels on a big value: 300 steps that each take and
 * return the same untrusted 30,000-element list (exectest.web).
 * Targets: validate 1,000 steps in under 5 ms; under 10 us of executor
 * overhead per step.
 */
#include <keel/exec.h>
#include <keel/plan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_plan: %s: %s\n", what, msg);
    exit(1);
}

static keel_kernel *open_kernel(const char *build)
{
    keel_kernel *k;
    keel_error err;
    char path[4096], real[4096];
    if (keel_kernel_open(&k, &err))
        die("kernel", err.msg);
    const char *files[] = {"lib/keel/plugins/text.so", "tests/plugins/exectest.so"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", build, files[i]);
        if (!realpath(path, real) || keel_kernel_load_file(k, real, &err))
            die(path, realpath(path, real) ? err.msg : "not found");
    }
    return k;
}

/* n steps; with chain, each upper-cases the previous step's output. */
static char *make_plan(size_t n, const char *call, bool chain)
{
    size_t cap = n * 128 + 64, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s, cap, "{\"version\":1,\"steps\":[");
    for (size_t i = 0; i < n; i++) {
        if (chain && i > 0)
            len += (size_t)snprintf(s + len, cap - len,
                                    "%s{\"id\":\"s%zu\",\"call\":\"%s\",\"args\":"
                                    "{\"text\":\"${s%zu}\"}}", ",", i, call, i - 1);
        else if (chain)
            len += (size_t)snprintf(s + len, cap - len,
                                    "{\"id\":\"s0\",\"call\":\"%s\",\"args\":"
                                    "{\"text\":\"start\"}}", call);
        else
            len += (size_t)snprintf(s + len, cap - len,
                                    "%s{\"id\":\"s%zu\",\"call\":\"%s\"}",
                                    i ? "," : "", i, call);
    }
    snprintf(s + len, cap - len, "]}");
    return s;
}

static keel_plan *checked(keel_kernel *k, const char *json, size_t max)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    keel_plan_limits l;
    keel_plan_limits_default(&l);
    l.max_steps = max;
    if (keel_plan_from_json(&p, json, strlen(json), &d) ||
        keel_plan_check(p, k, &l, &d))
        die("plan", d.n ? d.items[0].message : "rejected");
    keel_diags_free(&d);
    return p;
}

static double validate_ms(keel_kernel *k, const char *json, int reps)
{
    int64_t t0 = keel_now_ns();
    for (int i = 0; i < reps; i++)
        keel_plan_free(checked(k, json, 1000));
    return (double)(keel_now_ns() - t0) / 1e6 / reps;
}

static double run_us_per_step(keel_kernel *k, const keel_plan *p,
                              unsigned jobs, int reps)
{
    keel_exec_opts o = {.jobs = jobs};
    int64_t t0 = keel_now_ns();
    for (int i = 0; i < reps; i++) {
        keel_value *out = NULL;
        keel_error err;
        if (keel_plan_run(&out, k, p, &o, &err))
            die("run", err.msg);
        keel_value_unref(out);
    }
    return (double)(keel_now_ns() - t0) / 1e3 / reps / (double)p->n_steps;
}

static double invoke_us(keel_kernel *k, int n)
{
    int64_t t0 = keel_now_ns();
    for (int i = 0; i < n; i++) {
        keel_value *out = NULL;
        keel_error err;
        if (keel_invoke(&out, k, "exectest.noop", NULL, &err))
            die("invoke", err.msg);
        keel_value_unref(out);
    }
    return (double)(keel_now_ns() - t0) / 1e3 / n;
}

/* Step s splits a text into an n-element list, step a passes it through
 * exectest.web (so it is untrusted), and each of refs steps passes a's
 * list through exectest.web again: every result must carry the list's
 * labels on every element. */
static char *make_label_plan(size_t n, size_t refs)
{
    size_t cap = n * 2 + refs * 96 + 256, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s, cap,
                            "{\"version\":1,\"steps\":[{\"id\":\"s\","
                            "\"call\":\"text.split\",\"args\":{\"sep\":\",\","
                            "\"text\":\"");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%sx", i ? "," : "");
    len += (size_t)snprintf(s + len, cap - len,
                            "\"}},{\"id\":\"a\",\"call\":\"exectest.web\","
                            "\"args\":{\"page\":\"${s}\"}}");
    for (size_t i = 0; i < refs; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                ",{\"id\":\"r%zu\",\"call\":\"exectest.web\","
                                "\"args\":{\"page\":\"${a}\"}}",
                                i);
    snprintf(s + len, cap - len, "]}");
    return s;
}

int main(int argc, char **argv)
{
    const char *build = argc > 1 ? argv[1] : "build";
    keel_kernel *k = open_kernel(build);
    char *chain = make_plan(1000, "text.upper", true);
    char *noops = make_plan(1000, "exectest.noop", false);
    validate_ms(k, chain, 3); /* warm up */
    double v = validate_ms(k, chain, 20);
    keel_plan *p = checked(k, noops, 1000);
    double call = invoke_us(k, 200000);
    run_us_per_step(k, p, 1, 3);
    double one = run_us_per_step(k, p, 1, 50);
    double two = run_us_per_step(k, p, 2, 50);
    keel_plan_free(p);

    char naps[1024] = "{\"version\":1,\"steps\":[";
    for (int i = 0; i < 10; i++)
        snprintf(naps + strlen(naps), sizeof(naps) - strlen(naps),
                 "%s{\"id\":\"n%d\",\"call\":\"exectest.nap\",\"args\":{\"ms\":200}}",
                 i ? "," : "", i);
    strcat(naps, "]}");
    p = checked(k, naps, 50);
    double ten = run_us_per_step(k, p, 10, 1) * 10 / 1e3;
    keel_plan_free(p);

    char *labelled = make_label_plan(30000, 300);
    p = checked(k, labelled, 1000);
    double lab = run_us_per_step(k, p, 1, 3) * (double)p->n_steps / 1e3;
    keel_plan_free(p);
    free(labelled);

    printf("bench_plan:\n");
    printf("  validate a 1,000-step plan (parse + check)   %8.2f ms   "
           "(target < 5 ms: %s)\n", v, v < 5 ? "met" : "NOT met");
    printf("  bare keel_invoke of a no-op                   %8.2f us\n", call);
    printf("  run, per no-op step, --jobs 1                 %8.2f us   "
           "overhead %.2f us\n", one, one - call);
    printf("  run, per no-op step, --jobs 2                 %8.2f us   "
           "overhead %.2f us\n", two, two - call);
    printf("  target < 10 us overhead per step: %s\n",
           one - call < 10 && two - call < 10 ? "met" : "NOT met");
    printf("  ten independent 200 ms steps, --jobs 10       %8.0f ms\n", ten);
    printf("  300 steps passing on one untrusted 30,000-element list, --jobs 1 "
           "%8.1f ms\n",
           lab);
    free(chain);
    free(noops);
    keel_kernel_free(k);
    return 0;
}
