/*
 * goal.c - end-to-end cost of `keel goal --yes --no-cache` with a 10-step
 * plan: the real keel binary (fork/exec, N runs) against the mock provider
 * on loopback, running as a thread of this process. keel's own overhead is
 * each run's wall time minus the time the mock spent serving it
 * (mock_llm_busy_ns); peak memory is the child's ru_maxrss from wait4().
 * Separate runs of `keel version`, `keel plugins list` and `keel run` of
 * the same plan show where the overhead goes, and bench_floor (floor.c), a
 * do-nothing program linking the same Debian libraries, shows what any
 * program pays for those alone. Prints figures; asserts nothing.
 *
 *   bench_goal [RUNS]      (default 50)
 */
#define _DEFAULT_SOURCE /* wait4 */

#include "mock_llm.h"

#include <keel/keel.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RUNS 1000
#define WARMUP 3

/* Ten steps over the shipped plugins, with data flowing between them. */
static const char plan[] =
    "{\"version\": 1, \"steps\": ["
    "{\"id\": \"a\", \"call\": \"math.add\", \"args\": {\"a\": 19.5, \"b\": "
    "22.5}, \"why\": \"subtotal\"},"
    "{\"id\": \"b\", \"call\": \"math.mul\", \"args\": {\"a\": \"${a}\", "
    "\"b\": 2}, \"why\": \"two of them\"},"
    "{\"id\": \"c\", \"call\": \"math.round\", \"args\": {\"x\": \"${b}\", "
    "\"digits\": 0}, \"why\": \"whole units\"},"
    "{\"id\": \"d\", \"call\": \"text.format\", \"args\": {\"template\": "
    "\"Total: {t}\", \"fields\": {\"t\": \"${c}\"}}, \"why\": \"the line\"},"
    "{\"id\": \"e\", \"call\": \"text.upper\", \"args\": {\"text\": \"${d}\"}, "
    "\"why\": \"shout it\"},"
    "{\"id\": \"f\", \"call\": \"text.split\", \"args\": {\"text\": "
    "\"alpha,beta,gamma\", \"sep\": \",\"}, \"why\": \"the names\"},"
    "{\"id\": \"g\", \"call\": \"text.join\", \"args\": {\"items\": \"${f}\", "
    "\"sep\": \" + \"}, \"why\": \"one line\"},"
    "{\"id\": \"h\", \"call\": \"time.add\", \"args\": {\"time\": "
    "\"2026-11-24T09:00:00Z\", \"seconds\": 86400}, \"why\": \"due date\"},"
    "{\"id\": \"i\", \"call\": \"json.parse\", \"args\": {\"text\": "
    "\"{\\\"user\\\": {\\\"mail\\\": \\\"jdoe@example.com\\\"}}\"}, \"why\": "
    "\"read it\"},"
    "{\"id\": \"j\", \"call\": \"json.get\", \"args\": {\"value\": \"${i}\", "
    "\"path\": \"user.mail\"}, \"why\": \"the mail\"}],"
    "\"output\": {\"total\": \"${e}\", \"names\": \"${g}\", \"due\": \"${h}\", "
    "\"mail\": \"${j}\"}}";

typedef struct sample {
    double wall_ms, mock_ms, cpu_ms, rss_mb;
    int status;
} sample;

typedef struct bench {
    char keel[PATH_MAX], libs[PATH_MAX], plan_path[PATH_MAX], dir[64];
    mock_llm *mock;
    char reply[8192];
    int runs;
} bench;

/* Starts argv with stdout and stderr to /dev/null. */
static pid_t start(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Runs argv to its end: wall time and peak RSS. */
static sample spawn(char *const argv[])
{
    sample s = {0, 0, 0, 0, -1};
    struct rusage ru;
    int64_t t0 = keel_now_ns();
    pid_t pid = start(argv);
    if (pid < 0 || wait4(pid, &s.status, 0, &ru) != pid)
        return s;
    s.wall_ms = (double)(keel_now_ns() - t0) / 1e6;
    s.rss_mb = (double)ru.ru_maxrss / 1024.0;
    s.cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    return s;
}

/* One run of argv; for `keel goal`, with its reply scripted and the mock's
 * serving time measured. */
static sample run_once(bench *b, char *const argv[], bool goal)
{
    if (goal) {
        mock_llm_reset(b->mock);
        mock_llm_push(b->mock, b->reply);
    }
    sample s = spawn(argv);
    if (goal)
        s.mock_ms = (double)mock_llm_busy_ns(b->mock) / 1e6;
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median and 95th percentile of n values (sorted in place). */
static void stats(double *v, int n, double *median, double *p95)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    int i = (95 * n + 99) / 100 - 1;
    *p95 = v[i < 0 ? 0 : i];
}

typedef struct series {
    double wall[MAX_RUNS], mock[MAX_RUNS], own[MAX_RUNS], cpu[MAX_RUNS];
    double rss[MAX_RUNS];
    int n, failed;
} series;

/* One command of the comparison: its arguments, whether it asks the
 * model, and its figures. */
typedef struct command {
    char *const *argv;
    bool asks_model;
    series *s;
} command;

static void record(series *s, const sample *x)
{
    if (!WIFEXITED(x->status) || WEXITSTATUS(x->status) != 0) {
        s->failed++;
        return;
    }
    s->wall[s->n] = x->wall_ms;
    s->mock[s->n] = x->mock_ms;
    s->own[s->n] = x->wall_ms - x->mock_ms;
    s->cpu[s->n] = x->cpu_ms;
    s->rss[s->n++] = x->rss_mb;
}

/* Runs the commands in turn, runs times over, so that a change in the
 * machine's load touches every command alike. */
static void measure(bench *b, const command *c, size_t n)
{
    for (int i = 0; i < WARMUP; i++)
        for (size_t j = 0; j < n; j++)
            run_once(b, c[j].argv, c[j].asks_model);
    for (int i = 0; i < b->runs; i++)
        for (size_t j = 0; j < n; j++) {
            sample x = run_once(b, c[j].argv, c[j].asks_model);
            record(c[j].s, &x);
        }
    for (size_t j = 0; j < n; j++)
        if (c[j].s->failed)
            fprintf(stderr,
                    "bench_goal: %s %s: %d of %d runs failed (run it by "
                    "hand to see why)\n",
                    c[j].argv[0], c[j].argv[1], c[j].s->failed, b->runs);
}

static void row(const char *what, double *v, int n, const char *unit,
                const char *target)
{
    double med = 0, p95 = 0;
    if (n)
        stats(v, n, &med, &p95);
    printf("  %-22s %8.2f %s %8.2f %s%s\n", what, med, unit, p95, unit, target);
}

static double median_of(double *v, int n)
{
    double med = 0, p95 = 0;
    if (n)
        stats(v, n, &med, &p95);
    return med;
}

static void report_goal(series *g, int runs)
{
    printf("keel goal --yes --no-cache, a 10-step plan, mock provider on "
           "loopback, %d runs (%d ok):\n",
           runs, g->n);
    printf("  %-22s %11s %11s\n", "", "median", "p95");
    row("wall time", g->wall, g->n, "ms", "");
    row("inside the mock", g->mock, g->n, "ms", "");
    row("keel's own overhead", g->own, g->n, "ms", "   (target: under 10 ms)");
    row("keel's CPU (user+sys)", g->cpu, g->n, "ms", "");
    row("peak RSS", g->rss, g->n, "MB", "   (target: under 10 MB)");
}

/* Every measurement: /bin/true is the cost of any process here. */
typedef struct all {
    series truth, libs, version, plugins, run, chat, goal;
} all;

static void report_split(all *a)
{
    double floor = median_of(a->truth.wall, a->truth.n);
    double start = median_of(a->version.wall, a->version.n);
    double load = median_of(a->plugins.wall, a->plugins.n);
    double run = median_of(a->run.wall, a->run.n);
    double chat = median_of(a->chat.own, a->chat.n);
    double own = median_of(a->goal.own, a->goal.n);
    printf("\nwhere the overhead goes (medians of separate runs; each line "
           "adds to the one above):\n");
    printf("  fork, exec, wait of any process (/bin/true)    %7.2f ms\n",
           floor);
    printf("  + loading libkeel and its libraries (version)  %+7.2f ms\n",
           start - floor);
    printf("  + config and loading 5 plugins (plugins list)  %+7.2f ms\n",
           load - start);
    printf("  + reading, checking, running the plan (run)    %+7.2f ms\n",
           run - load);
    printf("  + planning: prompt, HTTP, reply check (goal)   %+7.2f ms\n",
           own - run);
    printf("  = keel's work once its libraries are loaded    %7.2f ms  "
           "(goal minus version)\n",
           own - start);
    printf("    of which the LLM client and one request      %7.2f ms  "
           "(llm chat minus version)\n",
           chat - start);
    printf("  peak RSS: /bin/true %.1f MB, version %.1f MB, plugins list "
           "%.1f MB, run %.1f MB, llm chat %.1f MB\n",
           median_of(a->truth.rss, a->truth.n),
           median_of(a->version.rss, a->version.n),
           median_of(a->plugins.rss, a->plugins.n),
           median_of(a->run.rss, a->run.n), median_of(a->chat.rss, a->chat.n));
}

/* What keel's required libraries cost a program that does nothing else,
 * and what keel goal costs beyond that. */
static void report_floor(all *a)
{
    double truth = median_of(a->truth.wall, a->truth.n);
    double libs = median_of(a->libs.wall, a->libs.n);
    double libs_rss = median_of(a->libs.rss, a->libs.n);
    double own = median_of(a->goal.own, a->goal.n);
    double rss = median_of(a->goal.rss, a->goal.n);
    printf("\nthe floor of the required libraries (bench_floor: a program "
           "that links Debian's\nlibcurl, libxml2, libldap and cJSON, "
           "calls curl_global_init and exits):\n");
    printf("  wall %.2f ms (/bin/true %.2f ms %+.2f ms), peak RSS %.1f MB\n",
           libs, truth, libs - truth, libs_rss);
    printf("keel goal beyond that floor: %+.2f ms of its %.2f ms overhead, "
           "%+.1f MB of its %.1f MB peak RSS\n",
           own - libs, own, rss - libs_rss, rss);
}

/* One field of /proc/PID/smaps_rollup, in MB (-1 when unreadable). */
static double rollup_mb(const char *text, const char *field)
{
    const char *at = strstr(text, field);
    return at ? strtod(at + strlen(field), NULL) / 1024.0 : -1;
}

/* What the resident memory of `keel goal` is made of, read while the mock
 * holds back its reply (so after start-up, plugins and the prompt). */
static void report_memory(bench *b, char *const argv[])
{
    char delayed[sizeof(b->reply) + 32], path[64], text[4096] = "";
    snprintf(delayed, sizeof(delayed), "{\"delay_ms\": 300, %s", b->reply + 1);
    mock_llm_reset(b->mock);
    mock_llm_push(b->mock, delayed);
    pid_t pid = start(argv);
    for (int i = 0; pid > 0 && i < 400 && mock_llm_count(b->mock) == 0; i++)
        usleep(5000);
    snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
    text[n] = '\0';
    if (f)
        fclose(f);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    printf("\nresident memory of keel goal while it waits for the model "
           "(/proc/PID/smaps_rollup):\n");
    printf("  RSS %.1f MB: %.1f MB shared library pages (Shared_Clean), "
           "%.1f MB private clean,\n",
           rollup_mb(text, "\nRss:"), rollup_mb(text, "\nShared_Clean:"),
           rollup_mb(text, "\nPrivate_Clean:"));
    printf("  %.1f MB keel's own writable memory (Private_Dirty: heap, "
           "stacks, data); PSS %.1f MB\n",
           rollup_mb(text, "\nPrivate_Dirty:"), rollup_mb(text, "\nPss:"));
}

/* keel beside this binary; a clean environment in a scratch directory. */
static int setup(bench *b)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    if (snprintf(b->keel, sizeof(b->keel), "%s/keel", exe) >=
            (int)sizeof(b->keel) ||
        snprintf(b->libs, sizeof(b->libs), "%s/bench_floor", exe) >=
            (int)sizeof(b->libs))
        return -1;
    snprintf(b->dir, sizeof(b->dir), "/tmp/keel-bench-goal.XXXXXX");
    if (access(b->keel, X_OK) != 0 || access(b->libs, X_OK) != 0 ||
        !mkdtemp(b->dir))
        return -1;
    snprintf(b->plan_path, sizeof(b->plan_path), "%s/plan.json", b->dir);
    FILE *f = fopen(b->plan_path, "w");
    if (!f || fputs(plan, f) < 0 || fclose(f) != 0)
        return -1;
    setenv("HOME", b->dir, 1);
    setenv("XDG_CONFIG_HOME", b->dir, 1);
    setenv("XDG_STATE_HOME", b->dir, 1);
    unsetenv("KEEL_CONFIG");
    unsetenv("KEEL_PLUGIN_PATH");
    unsetenv("KEEL_LLM");
    snprintf(b->reply, sizeof(b->reply),
             "{\"content\": %s, \"usage\": [3500, 420]}", plan);
    return mock_llm_start(&b->mock);
}

static void cleanup(bench *b)
{
    char path[PATH_MAX];
    mock_llm_stop(b->mock);
    unlink(b->plan_path);
    snprintf(path, sizeof(path), "%s/keel", b->dir); /* state dir, if made */
    rmdir(path);
    rmdir(b->dir);
}

static all s;

int main(int argc, char **argv)
{
    bench b;
    memset(&b, 0, sizeof(b));
    char *end = NULL;
    long runs = argc > 1 ? strtol(argv[1], &end, 10) : 50;
    if (runs < 1 || runs > MAX_RUNS || (end && *end)) {
        fprintf(stderr, "usage: bench_goal [RUNS], RUNS from 1 to %d\n",
                MAX_RUNS);
        return 2;
    }
    b.runs = (int)runs;
    if (setup(&b) != 0) {
        fprintf(stderr, "bench_goal: cannot set up (are keel and "
                        "bench_floor built beside bench_goal?)\n");
        return 1;
    }
    char *truth[] = {"/bin/true", "", NULL};
    char *libs[] = {b.libs, "", NULL};
    char *version[] = {b.keel, "version", NULL};
    char *plugins[] = {b.keel, "plugins", "list", NULL};
    char *run[] = {b.keel, "run", b.plan_path, NULL};
    char text[] = "Total two orders, list the names, the due date and the mail";
    char *goal[] = {b.keel,
                    "goal",
                    text,
                    "--yes",
                    "--no-cache",
                    "--llm",
                    "openai:bench",
                    "--llm-url",
                    (char *)mock_llm_url(b.mock),
                    NULL};
    char *chat[] = {
        b.keel,  "llm",          "chat",      text,
        "--llm", "openai:bench", "--llm-url", (char *)mock_llm_url(b.mock),
        NULL};
    const command cmds[] = {
        {goal, true, &s.goal},        {chat, true, &s.chat},
        {truth, false, &s.truth},     {libs, false, &s.libs},
        {version, false, &s.version}, {plugins, false, &s.plugins},
        {run, false, &s.run},
    };
    measure(&b, cmds, sizeof(cmds) / sizeof(*cmds));
    report_goal(&s.goal, b.runs);
    report_split(&s);
    report_floor(&s);
    report_memory(&b, goal);
    cleanup(&b);
    return 0;
}
