/*
 * llm_record.h - record and replay. A request is reduced to its normal form
 * (messages, tools, schema, sampling settings; no model, no keys) whose
 * canonical JSON hashes to the key a recording is found by. A recording
 * file holds one JSON object per line:
 *   {"hash": H, "request": NORMAL_FORM, "reply": {"model", "text",
 *    "tool_calls": [{"id","name","arguments"}], "stop_reason",
 *    "input_tokens", "output_tokens", "request_id"}}
 */
#ifndef KEEL_LLM_RECORD_H
#define KEEL_LLM_RECORD_H

#include "llm_internal.h"

typedef struct llm_replay llm_replay;

/* The normal form of req (a new value). */
int llm_request_norm(keel_value **out, const keel_llm_request *req);
/* SHA-256 of the normal form's canonical JSON, as hex. */
int llm_request_hash(char hex[65], const keel_value *norm);

/* One recording line (no newline) with every secret replaced by
 * "<redacted>"; caller frees with keel_free. */
int llm_record_line(char **out, const char *hash, const keel_value *norm,
                    const keel_llm_reply *reply, const char *const *secrets,
                    size_t n_secrets);

/* Reads recordings from text; name is used in messages ("FILE:LINE: ..."). */
int llm_replay_parse(llm_replay **out, const char *name, const char *text,
                     size_t len, keel_error *err);
int llm_replay_load(llm_replay **out, const char *path, keel_error *err);
void llm_replay_free(llm_replay *r);
size_t llm_replay_count(const llm_replay *r);
const char *llm_replay_name(const llm_replay *r);
/* The reply recorded for hash: each recording once in file order, then the
 * last one again. KEEL_ENOTFOUND when there is none. Not thread-safe: the
 * caller holds the client's mutex. */
int llm_replay_serve(keel_llm_reply *out, llm_replay *r, const char *hash,
                     keel_error *err);

#endif
