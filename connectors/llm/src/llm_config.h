/*
 * llm_config.h - reading the "llm" configuration section: typed getters
 * with defaults (the section was checked at load by llm_config.c).
 */
#ifndef KEEL_LLM_CONFIG_H
#define KEEL_LLM_CONFIG_H

#include "llm_internal.h"

/* Checks an "llm" section; errors are prefixed with its key path. */
int llm_config_validate(const keel_value *v, keel_error *err);
int64_t llm_cfg_int(const keel_value *v, const char *key, int64_t dflt);
double llm_cfg_num(const keel_value *v, const char *key, double dflt);
/* llm.providers.NAME, or NULL. */
const keel_value *llm_cfg_provider(const keel_value *llm, const char *name);
/* llm.prices["provider:model"], or NULL. */
const keel_value *llm_cfg_price(const keel_value *llm, const char *spec);

#endif
