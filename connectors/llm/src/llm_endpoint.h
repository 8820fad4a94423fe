/*
 * llm_endpoint.h - one model of the fallback chain: parse "provider:model",
 * find its URL, API key, version, prices and limits.
 */
#ifndef KEEL_LLM_ENDPOINT_H
#define KEEL_LLM_ENDPOINT_H

#include "llm_internal.h"

/* Sets up ep for spec with the "llm" config section cfg (may be NULL);
 * url overrides the configured URL when not NULL. */
int llm_endpoint_init(llm_endpoint *ep, const char *spec, const char *url,
                      const keel_value *cfg, int64_t now, keel_error *err);
void llm_endpoint_fini(llm_endpoint *ep);
/* True when the endpoint cannot work without a key it does not have. */
bool llm_endpoint_needs_key(const llm_endpoint *ep);
/* Where the key should come from, for messages: "OPENAI_API_KEY". */
const char *llm_endpoint_key_source(const llm_endpoint *ep);

#endif
