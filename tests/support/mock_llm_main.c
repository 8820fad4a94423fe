/*
 * mock_llm_main.c - keel-mock-llm: the mock LLM provider as a program, for
 * tests and benchmarks that drive the `keel` binary.
 *
 *   keel-mock-llm [--log FILE] SCENARIO...
 *
 * Loads the scenario files (format in mock_llm.h), prints its URL on
 * stdout, and serves until SIGTERM or SIGINT. With --log, it then writes
 * the body of every request it received to FILE, one per line, so a test
 * can count the model's calls and read what keel sent.
 */
#include "mock_llm.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static int write_log(mock_llm *m, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    for (size_t i = 0; i < mock_llm_count(m); i++)
        fprintf(f, "%s\n", mock_llm_body(m, i));
    return fclose(f) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *log = NULL;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--log") == 0) {
        log = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fputs("usage: keel-mock-llm [--log FILE] SCENARIO...\n", stderr);
        return 2;
    }
    /* the server thread inherits the mask: only sigwait sees the signals */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    mock_llm *m = NULL;
    if (mock_llm_start(&m) != 0)
        return 1;
    for (int i = first; i < argc; i++)
        if (mock_llm_load(m, argv[i]) != 0) {
            mock_llm_stop(m);
            return 1;
        }
    printf("%s\n", mock_llm_url(m));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    int rc = log ? write_log(m, log) : 0;
    mock_llm_stop(m);
    return rc;
}
