/*
 * bench/journal.c - what durable runs cost.
 *
 * Prints, for no-op steps (idempotent, so their records are not fsynced)
 * and for writing steps (fsynced): the time per step of a plan run by
 * keel_plan_run without a journal, and as a durable run (keel_run_execute;
 * keel_run_create apart) with fsync (the default) and without
 * (--durability none), with the journalling overhead per step beside each;
 * then the time to resume a 1,000-step run: keel_run_open (reads and
 * verifies the chain, the plan and its hash) + keel_run_execute (works out
 * what is done, restores the outputs, runs nothing), for a run that
 * finished and for one that crashed before its run_finished record.
 * Target: resume of a 1,000-step journal in under 50 ms. Figures only;
 * nothing is asserted. Run from the build directory: make bench.
 */
#include <keel/exec.h>
#include <keel/plan.h>
#include <keel/run.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_journal: %s: %s\n", what, msg);
    exit(1);
}

static keel_kernel *open_kernel(const char *build)
{
    keel_kernel *k;
    keel_error err;
    char path[4096], real[4096];
    if (keel_kernel_open(&k, &err))
        die("kernel", err.msg);
    snprintf(path, sizeof(path), "%s/tests/plugins/exectest.so", build);
    if (!realpath(path, real) || keel_kernel_load_file(k, real, &err))
        die(path, realpath(path, real) ? err.msg : "not found");
    return k;
}

/* n independent steps calling step ("\"call\":...,\"args\":..."). */
static keel_plan *make_plan(keel_kernel *k, size_t n, const char *step)
{
    size_t cap = n * (64 + strlen(step)) + 64, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s, cap, "{\"version\":1,\"steps\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                "%s{\"id\":\"s%zu\",%s}", i ? "," : "", i,
                                step);
    snprintf(s + len, cap - len, "]}");
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    keel_plan_limits l;
    keel_plan_limits_default(&l);
    l.max_steps = n;
    if (keel_plan_from_json(&p, s, strlen(s), &d) || keel_plan_check(p, k, &l, &d))
        die("plan", d.n ? d.items[0].message : "rejected");
    keel_diags_free(&d);
    free(s);
    return p;
}

/* Idempotent: its records need not be fsynced (running it twice is safe). */
#define NOOP "\"call\":\"exectest.noop\""
/* Writes: step_started is fsynced before the call, step_finished after. */
#define WRITE "\"call\":\"exectest.record\",\"args\":{\"tag\":\"x\"}"

static double plain_us_per_step(keel_kernel *k, const keel_plan *p, int reps)
{
    keel_exec_opts o = {.jobs = 1};
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

static const keel_principal bench_user = {"bench", NULL, NULL, 0};

/* A new durable run of p, executed to the end; its id into id. */
static double durable_run(char id[64], double *create_us, keel_kernel *k,
                          const char *state, const keel_plan *p, bool durable)
{
    keel_run_meta meta = {.principal = &bench_user, .durable = durable};
    keel_run_opts o = {0};
    o.exec.jobs = 1;
    keel_run *r = NULL;
    keel_value *out = NULL;
    keel_error err;
    int64_t t0 = keel_now_ns();
    if (keel_run_create(&r, state, p, &meta, &err))
        die("create", err.msg);
    int64_t t1 = keel_now_ns();
    if (keel_run_execute(&out, r, k, &o, &err))
        die("durable run", err.msg);
    int64_t t2 = keel_now_ns();
    snprintf(id, 64, "%s", keel_run_id(r));
    keel_value_unref(out);
    keel_run_free(r);
    if (create_us)
        *create_us = (double)(t1 - t0) / 1e3;
    return (double)(t2 - t1) / 1e3;
}

/* keel_run_execute's time per step; *create_ms: keel_run_create's. */
static double durable_us_per_step(double *create_ms, keel_kernel *k,
                                  const char *state, const keel_plan *p,
                                  bool durable, int reps)
{
    char id[64];
    double us = 0, create = 0, c;
    for (int i = 0; i < reps; i++) {
        us += durable_run(id, &c, k, state, p, durable);
        create += c;
    }
    *create_ms = create / reps / 1e3;
    return us / reps / (double)p->n_steps;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path, "cannot open");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n)
        die(path, "cannot read");
    fclose(f);
    s[n] = '\0';
    *len = (size_t)n;
    return s;
}

static void spit(const char *path, const char *s, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s, 1, len, f) != len || fclose(f) != 0)
        die(path, "cannot write");
}

/* Opens and resumes run id, which has nothing left to run; *open_ms:
 * the keel_run_open part. */
static double resume_ms(double *open_ms, keel_kernel *k, const char *state,
                        const char *id, bool durable)
{
    keel_run *r = NULL;
    keel_value *out = NULL;
    keel_error err;
    keel_run_opts o = {0};
    o.exec.jobs = 1;
    int64_t t0 = keel_now_ns();
    if (keel_run_open(&r, state, id, durable, &err))
        die("open", err.msg);
    int64_t t1 = keel_now_ns();
    if (keel_run_execute(&out, r, k, &o, &err))
        die("resume", err.msg);
    int64_t t2 = keel_now_ns();
    keel_value_unref(out);
    keel_run_free(r);
    if (open_ms)
        *open_ms = (double)(t1 - t0) / 1e6;
    return (double)(t2 - t0) / 1e6;
}

typedef struct resume_fig {
    double done_ms, crashed_ms, crashed_fsync_ms;
    double open_ms; /* of those, keel_run_open's share (mean of all) */
    size_t records;
} resume_fig;

/* A 1,000-step run, resumed when done and after a crash just before its
 * run_finished record (the journal is put back before each try). */
static resume_fig resume_bench(keel_kernel *k, const char *state, int reps)
{
    keel_plan *p = make_plan(k, 1000, NOOP);
    char id[64], path[4200];
    durable_run(id, NULL, k, state, p, false);
    keel_plan_free(p);
    snprintf(path, sizeof(path), "%s/runs/%s/journal.jsonl", state, id);
    size_t len;
    char *full = slurp(path, &len);
    size_t cut = len - 1; /* without the last line: run_finished */
    while (cut > 0 && full[cut - 1] != '\n')
        cut--;
    resume_fig f = {0};
    for (size_t i = 0; i < len; i++)
        f.records += full[i] == '\n';
    double open;
    resume_ms(NULL, k, state, id, false); /* warm up */
    for (int i = 0; i < reps; i++) {
        f.done_ms += resume_ms(&open, k, state, id, false) / reps;
        f.open_ms += open / (3 * reps);
    }
    for (int i = 0; i < reps; i++) {
        spit(path, full, cut);
        f.crashed_ms += resume_ms(&open, k, state, id, false) / reps;
        f.open_ms += open / (3 * reps);
        spit(path, full, cut);
        f.crashed_fsync_ms += resume_ms(&open, k, state, id, true) / reps;
        f.open_ms += open / (3 * reps);
    }
    free(full);
    return f;
}

static void print_row(const char *what, double us, double base)
{
    printf("  %-44s %9.2f us/step", what, us);
    if (base > 0)
        printf("   journalling %+.2f us/step", us - base);
    putchar('\n');
}

int main(int argc, char **argv)
{
    const char *build = argc > 1 ? argv[1] : "build";
    /* under the build directory: a disk, where fsync costs what it costs */
    char state[4096];
    snprintf(state, sizeof(state), "%s/bench-journal-XXXXXX", build);
    if (!mkdtemp(state))
        die("mkdtemp", "cannot create a state directory");
    keel_kernel *k = open_kernel(build);
    resume_fig r = resume_bench(k, state, 20);
    printf("bench_journal (state directory %s):\n", state);
    static const struct {
        const char *what, *step;
    } kinds[] = {{"no-op steps (idempotent: records not fsynced)", NOOP},
                 {"writing steps (exectest.record: fsynced)", WRITE}};
    for (size_t i = 0; i < 2; i++) {
        keel_plan *p = make_plan(k, 200, kinds[i].step);
        double create_none, create_fsync;
        plain_us_per_step(k, p, 3); /* warm up */
        durable_us_per_step(&create_none, k, state, p, false, 2);
        double plain = plain_us_per_step(k, p, 50);
        double none = durable_us_per_step(&create_none, k, state, p, false, 20);
        double fsync = durable_us_per_step(&create_fsync, k, state, p, true, 3);
        keel_plan_free(p);
        printf("  200 %s\n", kinds[i].what);
        print_row("  keel_plan_run, no journal", plain, 0);
        print_row("  durable run, --durability none", none, plain);
        print_row("  durable run, fsync (the default)", fsync, plain);
        if (i == 1)
            printf("  creating a run (directory, plan.json, run.json, first "
                   "record): %.2f ms with --durability none, %.2f ms with "
                   "fsync\n", create_none, create_fsync);
    }
    printf("  resume of a 1,000-step run (%zu records): open + execute,"
           " nothing to run\n", r.records);
    printf("    run done                                 %9.2f ms   "
           "(target < 50 ms: %s)\n", r.done_ms, r.done_ms < 50 ? "met" : "NOT met");
    printf("    crashed before run_finished, no fsync    %9.2f ms   "
           "(target < 50 ms: %s)\n", r.crashed_ms,
           r.crashed_ms < 50 ? "met" : "NOT met");
    printf("    crashed before run_finished, fsync       %9.2f ms   "
           "(target < 50 ms: %s)\n", r.crashed_fsync_ms,
           r.crashed_fsync_ms < 50 ? "met" : "NOT met");
    printf("    of which keel_run_open (read, verify the chain and the plan)"
           " %.2f ms\n", r.open_ms);
    keel_kernel_free(k);
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_journal: could not remove %s\n", state);
    return 0;
}
