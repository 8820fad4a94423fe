/*
 * otlp_config_check.h - the "trace" row of the configuration's section
 * table (kernel/src/config.c): {"otlp_url": URL, "content": false,
 * "timeout_ms": 5000, "proxy": URL}. Read later with
 * keel_otlp_opts_from_config().
 */
#ifndef KEEL_OTLP_CONFIG_CHECK_H
#define KEEL_OTLP_CONFIG_CHECK_H

#include <keel/config.h>

/* Checks the "trace" section; errors name the key ("trace.otlp_url"). */
int keel_trace_config_check(keel_config *c, const keel_value *v,
                            keel_error *err);

#endif
