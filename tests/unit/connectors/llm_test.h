/*
 * llm_test.h - what the LLM connector tests share: a mock provider per
 * test binary, a fake clock that records every wait instead of sleeping,
 * and clients opened against the mock.
 */
#ifndef KEEL_LLM_TEST_H
#define KEEL_LLM_TEST_H

#include "mock_llm.h"
#include "test_support.h"

#include <keel/llm.h>

#define LT_MAX_WAITS 64

typedef struct lt_clock {
    int64_t now;
    int64_t waits[LT_MAX_WAITS];
    size_t n_waits;
    uint64_t rnd;
    int64_t wall;
} lt_clock;

/* The mock of this binary (started on first use, stopped at exit). */
mock_llm *lt_mock(void);
/* A fake clock at t=1000 ms that records waits; random() returns rnd. */
keel_llm_clock lt_fake_clock(lt_clock *c);
/* Clears the mock's script and log, and opens a client for spec
 * ("openai:gpt-4o") at the mock, on clock c (or the real
 * one when c is NULL), with config JSON (or NULL); fails the test if it
 * does not open. */
keel_llm *lt_open(const char *spec, lt_clock *c, const char *config_json);
/* Loads tests/data/llm/NAME into the mock. */
void lt_script(const char *name);
/* One user message "hi". */
keel_llm_request lt_request(void);
/* Returns the rc of a chat; the reply is freed, err kept. */
int lt_chat(keel_llm *llm, keel_llm_reply *out, keel_error *err);

#endif
