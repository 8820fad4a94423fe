/*
 * llm_provider.c - the table of wire formats, one row per provider.
 */
#include "llm_internal.h"

#include <string.h>

static const llm_provider *const providers[] = {
    &llm_provider_openai,
    &llm_provider_azure,
    &llm_provider_ollama,
    &llm_provider_anthropic,
};

const llm_provider *llm_provider_find(const char *name)
{
    for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
        if (strcmp(providers[i]->name, name) == 0)
            return providers[i];
    return NULL;
}

const char *llm_provider_names(void)
{
    return "openai, azure, ollama, anthropic";
}
