/*
 * trace_fixture.h - a durable run with something of everything to trace:
 * planning by two LLM calls, a policy, two steps side by side, a failing
 * step and a step that waits for approval, then is approved and runs on
 * resume. For the trace and OTLP tests.
 */
#ifndef KEEL_TRACE_FIXTURE_H
#define KEEL_TRACE_FIXTURE_H

#include <keel/run.h>
#include <keel/trace.h>

/* The goal of the run: text that must be escaped in HTML. */
#define TF_GOAL "tell <b>bob</b> & \"co\""
/* What the failing step fails with. */
#define TF_FAILURE "boom <script>alert(1)</script>"

/* Creates the run under state_dir with the kernel of ts_kernel_all() and
 * runs it twice (around the approval); *out is opened again from disk. */
void tf_make_run(keel_run **out, keel_kernel *k, const char *state_dir);

/* A state directory under /tmp holding the run, opened, with its trace. */
typedef struct tf_run {
    char dir[64];
    keel_kernel *k;
    keel_run *r;
    keel_trace *t;
} tf_run;

/* cmocka group setup/teardown for a tf_run in *state. */
int tf_setup(void **state);
int tf_teardown(void **state);

#endif
