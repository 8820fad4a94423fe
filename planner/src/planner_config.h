/*
 * planner_config.h - the "planner" row of the configuration's section
 * table (kernel/src/config.c), and its getters.
 */
#ifndef KEEL_PLANNER_CONFIG_H
#define KEEL_PLANNER_CONFIG_H

#include <keel/config.h>

/* Checks the "planner" section; errors name the key ("planner.prompts"). */
int keel_planner_config_check(keel_config *c, const keel_value *v,
                              keel_error *err);

#endif
