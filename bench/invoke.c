/*
 * bench/invoke.c - cost of one checked call through the registry.
 *
 * Times keel_invoke("math.add") on the real math plugin (lookup, argument
 * check against the declared schema, callback, result type check, label
 * union) against a direct C call of an equivalent function. Prints ns/call.
 * Target: under 1 microsecond per checked call.
 */
#include <keel/keel.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Kept out of line so the compiler cannot fold the loop away. */
__attribute__((noinline)) static double direct_add(double a, double b)
{
    return a + b;
}

static keel_value *args_of(const char *json)
{
    keel_value *v = NULL;
    keel_error err;
    if (keel_value_from_json(&v, json, strlen(json), &err) != 0) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    return v;
}

static double time_invoke(keel_kernel *k, const keel_value *args, long n)
{
    keel_error err;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        keel_value *out = NULL;
        if (keel_invoke(&out, k, "math.add", args, &err) != 0) {
            fprintf(stderr, "bench: %s\n", err.msg);
            exit(1);
        }
        keel_value_unref(out);
    }
    return (now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "build/lib/keel/plugins";
    long n = argc > 2 ? atol(argv[2]) : 2000000;
    char path[4096], real[4096];
    snprintf(path, sizeof(path), "%s/math.so", dir);
    if (!realpath(path, real)) {
        fprintf(stderr, "bench: no math plugin at %s\n", path);
        return 1;
    }
    keel_kernel *k;
    keel_error err;
    if (keel_kernel_open(&k, &err) || keel_kernel_load_file(k, real, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    keel_value *floats = args_of("{\"a\": 2.0, \"b\": 40.0}");
    keel_value *ints = args_of("{\"a\": 2, \"b\": 40}");

    volatile double sink = 0;
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        sink += direct_add((double)i, 40.0);
    double direct = (now_ns() - t0) / (double)n;
    (void)sink;

    time_invoke(k, floats, n / 10); /* warm up */
    double checked = time_invoke(k, floats, n);
    double converted = time_invoke(k, ints, n);

    printf("bench_invoke: %ld calls each\n", n);
    printf("  direct C call                        %8.1f ns/call\n", direct);
    printf("  keel_invoke math.add (float args)    %8.1f ns/call\n", checked);
    printf("  keel_invoke math.add (int->float)    %8.1f ns/call\n", converted);
    printf("  target: < 1000 ns per checked call: %s\n",
           checked < 1000 && converted < 1000 ? "met" : "NOT met");
    keel_value_unref(floats);
    keel_value_unref(ints);
    keel_kernel_free(k);
    return 0;
}
