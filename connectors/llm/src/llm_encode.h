/*
 * llm_encode.h - pieces of request bodies that several wire formats share.
 */
#ifndef KEEL_LLM_ENCODE_H
#define KEEL_LLM_ENCODE_H

#include "llm_internal.h"

/* "messages":[{"role":..,"content":..},...]; system messages left out
 * when skip_system (Anthropic puts them at the top level). */
void llm_put_messages(keel_buf *b, const keel_llm_request *req,
                      bool skip_system);
/* All system messages joined by a blank line, as a JSON string. */
void llm_put_system(keel_buf *b, const keel_llm_request *req);
bool llm_has_system(const keel_llm_request *req);
/* ,"tools":[{"type":"function","function":{name,description,parameters}}] */
void llm_put_tools_openai(keel_buf *b, const keel_value *tools);
/* ,"temperature":T (when set) */
void llm_put_temperature(keel_buf *b, const char *key,
                         const keel_llm_request *req);
int llm_max_tokens(const keel_llm_request *req);
const char *llm_schema_name(const keel_llm_request *req);
/* Appends a decoded tool call (arguments given as an object or as text). */
int llm_add_call(llm_acc *a, long index, const char *id, const char *name,
                 const keel_value *args, keel_error *err);
/* Parses a stream event's data as a JSON object. */
int llm_event_json(keel_value **out, const char *data, size_t n,
                   keel_error *err);

#endif
