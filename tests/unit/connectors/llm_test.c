/*
 * llm_test.c - shared helpers of the LLM connector tests (llm_test.h).
 */
#include "llm_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mock_llm *mock;

static void stop_mock(void)
{
    mock_llm_stop(mock);
}

mock_llm *lt_mock(void)
{
    if (!mock) {
        assert_int_equal(mock_llm_start(&mock), 0);
        atexit(stop_mock);
    }
    return mock;
}

static int64_t fake_now(void *ud)
{
    return ((lt_clock *)ud)->now;
}

static void fake_sleep(void *ud, int64_t ms)
{
    lt_clock *c = ud;
    if (c->n_waits < LT_MAX_WAITS)
        c->waits[c->n_waits++] = ms;
    c->now += ms;
}

static uint64_t fake_random(void *ud)
{
    return ((lt_clock *)ud)->rnd;
}

static int64_t fake_wall(void *ud)
{
    return ((lt_clock *)ud)->wall;
}

keel_llm_clock lt_fake_clock(lt_clock *c)
{
    memset(c, 0, sizeof(*c));
    c->now = 1000;
    c->rnd = 0x7fffffffffffffffULL;
    c->wall = 1445412480; /* Wed, 21 Oct 2015 07:28:00 GMT */
    keel_llm_clock k = {fake_now, fake_sleep, fake_random, fake_wall, c};
    return k;
}

keel_llm *lt_open(const char *spec, lt_clock *c, const char *config_json)
{
    keel_llm_clock clock;
    keel_value *cfg = config_json ? ts_json(config_json) : NULL;
    mock_llm_reset(lt_mock());
    keel_llm_options o = {.model = spec, .base_url = mock_llm_url(lt_mock()),
                          .config = cfg};
    if (c) {
        clock = lt_fake_clock(c);
        o.clock = &clock;
    }
    keel_llm *llm = NULL;
    keel_error err = {0};
    int rc = keel_llm_open(&llm, &o, &err);
    if (rc)
        fail_msg("keel_llm_open(%s): %s", spec, err.msg);
    keel_value_unref(cfg);
    return llm;
}

void lt_script(const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/data/llm/%s", ts_source_dir(), name);
    if (mock_llm_load(lt_mock(), path) != 0)
        fail_msg("cannot load scenario %s", path);
}

keel_llm_request lt_request(void)
{
    static const keel_llm_message hi = {KEEL_LLM_USER, "hi"};
    keel_llm_request r = {.messages = &hi, .n_messages = 1, .temperature = -1};
    return r;
}

int lt_chat(keel_llm *llm, keel_llm_reply *out, keel_error *err)
{
    keel_llm_request req = lt_request();
    memset(err, 0, sizeof(*err));
    return keel_llm_chat(out, llm, &req, err);
}
