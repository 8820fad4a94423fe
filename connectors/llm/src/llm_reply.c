/*
 * llm_reply.c - the reply accumulator. Whole replies and streamed ones fill
 * the same structure: text pieces, tool calls keyed by the provider's index
 * (streamed argument fragments are appended to their call), stop reason and
 * usage. Finishing turns it into a keel_llm_reply.
 */
#include "llm_internal.h"

#include <stdio.h>
#include <string.h>

void llm_acc_init(llm_acc *a, keel_llm_token_fn fn, void *ud)
{
    memset(a, 0, sizeof(*a));
    keel_buf_init(&a->text);
    a->on_token = fn;
    a->token_ud = ud;
}

void llm_acc_free(llm_acc *a)
{
    keel_buf_free(&a->text);
    for (size_t i = 0; i < a->n_calls; i++) {
        keel_buf_free(&a->calls[i].id);
        keel_buf_free(&a->calls[i].name);
        keel_buf_free(&a->calls[i].args);
    }
    a->n_calls = 0;
}

void llm_acc_text(llm_acc *a, const char *s, size_t n)
{
    if (!s || n == 0)
        return;
    keel_buf_append(&a->text, s, n);
    if (a->on_token)
        a->on_token(a->token_ud, s, n);
}

llm_call_acc *llm_acc_call(llm_acc *a, long index)
{
    for (size_t i = 0; i < a->n_calls; i++)
        if (a->calls[i].index == index)
            return &a->calls[i];
    if (a->n_calls == LLM_MAX_TOOL_CALLS)
        return NULL;
    llm_call_acc *c = &a->calls[a->n_calls++];
    c->index = index;
    keel_buf_init(&c->id);
    keel_buf_init(&c->name);
    keel_buf_init(&c->args);
    return c;
}

/* Provider words for why a reply ended, and keel's. */
static const struct {
    const char *provider, *keel;
} stop_words[] = {
    {"stop", "stop"},           {"end_turn", "stop"},
    {"stop_sequence", "stop"},  {"length", "length"},
    {"max_tokens", "length"},   {"tool_calls", "tool_calls"},
    {"tool_use", "tool_calls"}, {"function_call", "tool_calls"},
    {"content_filter", "content_filter"}, {"refusal", "content_filter"},
};

void llm_acc_stop(llm_acc *a, const char *reason)
{
    if (!reason || !*reason)
        return;
    const char *word = reason;
    for (size_t i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++)
        if (strcmp(stop_words[i].provider, reason) == 0)
            word = stop_words[i].keel;
    snprintf(a->stop, sizeof(a->stop), "%s", word);
}

void llm_acc_request_id(llm_acc *a, const char *id)
{
    if (id && *id && !a->request_id[0])
        snprintf(a->request_id, sizeof(a->request_id), "%s", id);
}

static char *take_text(keel_buf *b)
{
    char *s = NULL;
    if (keel_buf_finish(b, &s) != 0)
        return NULL;
    return s ? s : keel_strdup("");
}

static int finish_call(keel_llm_tool_call *out, llm_call_acc *c, size_t i,
                       keel_error *err)
{
    char gen[32];
    snprintf(gen, sizeof(gen), "call_%zu", i);
    out->id = c->id.len ? keel_strndup(c->id.data, c->id.len) : keel_strdup(gen);
    out->name = c->name.len ? keel_strndup(c->name.data, c->name.len)
                            : keel_strdup("");
    if (!out->id || !out->name || c->name.failed || c->args.failed)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (c->args.len == 0) {
        out->arguments = keel_value_object();
        return out->arguments ? 0 : keel_error_set(err, KEEL_ENOMEM,
                                                   "out of memory");
    }
    int rc = llm_parse_object(&out->arguments, c->args.data, c->args.len, err);
    if (rc)
        keel_error_prefix(err, "tool call '%s' arguments", out->name);
    return rc;
}

/* A schema carried as a forced tool: its arguments are the reply. */
static void unwrap_schema_tool(llm_acc *a)
{
    for (size_t i = 0; a->schema_tool && i < a->n_calls; i++) {
        llm_call_acc *c = &a->calls[i];
        if (c->name.len != strlen(a->schema_tool) ||
            memcmp(c->name.data, a->schema_tool, c->name.len) != 0)
            continue;
        a->text.len = 0;
        keel_buf_append(&a->text, c->args.data ? c->args.data : "{}",
                        c->args.len ? c->args.len : 2);
        keel_buf_free(&c->id);
        keel_buf_free(&c->name);
        keel_buf_free(&c->args);
        memmove(c, c + 1, (a->n_calls - i - 1) * sizeof(*c));
        a->n_calls--;
        if (strcmp(a->stop, "tool_calls") == 0 && a->n_calls == 0)
            snprintf(a->stop, sizeof(a->stop), "stop");
        return;
    }
}

int llm_acc_finish(keel_llm_reply *out, llm_acc *a, keel_error *err)
{
    unwrap_schema_tool(a);
    if (a->text.failed)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    out->text = take_text(&a->text);
    out->stop_reason = keel_strdup(a->stop[0] ? a->stop
                                   : a->n_calls ? "tool_calls" : "stop");
    out->request_id = keel_strdup(a->request_id);
    out->input_tokens = a->in_tokens;
    out->output_tokens = a->out_tokens;
    if (!out->text || !out->stop_reason || !out->request_id)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (a->n_calls == 0)
        return 0;
    out->tool_calls = keel_calloc(a->n_calls, sizeof(*out->tool_calls));
    if (!out->tool_calls)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    for (size_t i = 0; i < a->n_calls; i++) {
        out->n_tool_calls = i + 1;
        int rc = finish_call(&out->tool_calls[i], &a->calls[i], i, err);
        if (rc)
            return rc;
    }
    return 0;
}

void keel_llm_reply_free(keel_llm_reply *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_tool_calls; i++) {
        keel_free(r->tool_calls[i].id);
        keel_free(r->tool_calls[i].name);
        keel_value_unref(r->tool_calls[i].arguments);
    }
    keel_free(r->tool_calls);
    keel_free(r->text);
    keel_free(r->stop_reason);
    keel_free(r->request_id);
    keel_free(r->model);
    memset(r, 0, sizeof(*r));
}
