/*
 * llm_config_check.h - the "llm" row of the configuration's section table
 * (kernel/src/config.c). The connector reads the section itself later with
 * keel_config_section(c, "llm").
 */
#ifndef KEEL_LLM_CONFIG_CHECK_H
#define KEEL_LLM_CONFIG_CHECK_H

#include <keel/config.h>

/* Checks the "llm" section; errors name the key path ("llm.providers.x"). */
int keel_llm_config_check(keel_config *c, const keel_value *v,
                          keel_error *err);

#endif
