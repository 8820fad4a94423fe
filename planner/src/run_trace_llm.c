/*
 * run_trace_llm.c - the planning span and one "chat {model}" span per LLM
 * call recorded in run.json, with the GenAI attributes; the goal and the
 * accepted plan as the prompt and reply contents.
 */
#include "run_trace_internal.h"

#include "alloc.h"
#include "run_internal.h"

#include <stdio.h>
#include <string.h>

static int add_chat(trace_builder *b, long planning, size_t i, const keel_value *c)
{
    char key[32], provider[96] = "", model[128] = "";
    const char *pm = run_str(c, "model") ? run_str(c, "model") : "";
    const char *colon = strchr(pm, ':');
    if (colon) {
        snprintf(provider, sizeof(provider), "%.*s", (int)(colon - pm), pm);
        snprintf(model, sizeof(model), "%s", colon + 1);
    } else {
        snprintf(model, sizeof(model), "%s", pm);
    }
    snprintf(key, sizeof(key), "chat:%zu", i);
    int64_t start = trace_int(c, "start_ms") * 1000;
    long at = trace_add(b, KEEL_SPAN_CHAT, planning, key, start);
    if (at < 0)
        return KEEL_ENOMEM;
    keel_span *s = &b->t->spans[at];
    double ms = keel_value_get_float(keel_value_object_get(c, "ms"));
    trace_end_span(s, start + (int64_t)(ms * 1000.0), "done");
    s->status = KEEL_SPAN_OK;
    snprintf(s->name, sizeof(s->name), "chat %s", model);
    trace_set_str(b, s->attrs, "gen_ai.operation.name", "chat");
    if (provider[0]) {
        trace_set_str(b, s->attrs, "gen_ai.provider.name", provider);
        trace_set_str(b, s->attrs, "gen_ai.system", provider);
    }
    trace_set_str(b, s->attrs, "gen_ai.request.model", model);
    trace_set_str(b, s->attrs, "gen_ai.response.model", model);
    trace_set_int(b, s->attrs, "gen_ai.usage.input_tokens", trace_int(c, "input_tokens"));
    trace_set_int(b, s->attrs, "gen_ai.usage.output_tokens", trace_int(c, "output_tokens"));
    trace_set_take(b, s->attrs, "keel.llm.cost", keel_value_float(
        keel_value_get_float(keel_value_object_get(c, "cost"))));
    trace_set_str(b, s->attrs, "keel.run.id", b->t->run_id);
    return 0;
}

/* [{"role": role, "parts": [{"type": "text", "content": text}]}] as the
 * content attribute key of span at. */
static void set_message(trace_builder *b, long at, const char *key, const char *role,
                        const char *text)
{
    keel_value *part = keel_value_object(), *parts = keel_value_list();
    keel_value *msg = keel_value_object(), *list = keel_value_list();
    bool ok = part && parts && msg && list;
    ok = ok && keel_value_object_set_take(part, "type", keel_value_cstring("text")) == 0;
    ok = ok && keel_value_object_set_take(part, "content", keel_value_cstring(text)) == 0;
    ok = ok && keel_value_list_append_take(parts, keel_value_ref(part)) == 0;
    ok = ok && keel_value_object_set_take(msg, "role", keel_value_cstring(role)) == 0;
    ok = ok && keel_value_object_set_take(msg, "parts", keel_value_ref(parts)) == 0;
    ok = ok && keel_value_list_append_take(list, keel_value_ref(msg)) == 0;
    if (ok)
        trace_set_json(b, b->t->spans[at].content, key, list);
    else
        b->oom = true;
    keel_value_unref(part);
    keel_value_unref(parts);
    keel_value_unref(msg);
    keel_value_unref(list);
}

/* The goal as the user's message (what the model was asked) and, on the
 * last call, the accepted plan as its reply. */
static void chat_content(trace_builder *b, long at, bool last)
{
    const char *goal = run_str(keel_run_meta_value(b->r), "goal");
    char *plan = NULL;
    if (goal)
        set_message(b, at, "gen_ai.input.messages", "user", goal);
    if (last && keel_plan_to_json(&plan, keel_run_plan(b->r)) != 0)
        b->oom = true;
    else if (last)
        set_message(b, at, "gen_ai.output.messages", "assistant", plan);
    keel_free(plan);
}

int trace_planning(trace_builder *b)
{
    const keel_value *meta = keel_run_meta_value(b->r);
    const keel_value *calls = keel_value_object_get(meta, "llm_calls");
    size_t n = keel_value_len(calls);
    if (n == 0)
        return 0;
    int64_t start = trace_int(keel_value_list_at(calls, 0), "start_ms") * 1000;
    long planning = trace_add(b, KEEL_SPAN_PLANNING, 0, "planning", start);
    if (planning < 0)
        return KEEL_ENOMEM;
    int64_t in = 0, out = 0, end = start;
    for (size_t i = 0; i < n; i++) {
        const keel_value *c = keel_value_list_at(calls, i);
        if (add_chat(b, planning, i, c))
            return KEEL_ENOMEM;
        keel_span *s = &b->t->spans[b->t->n_spans - 1];
        chat_content(b, (long)b->t->n_spans - 1, i + 1 == n);
        end = s->end_us > end ? s->end_us : end;
        start = s->start_us < start ? s->start_us : start;
        in += trace_int(c, "input_tokens");
        out += trace_int(c, "output_tokens");
    }
    keel_span *p = &b->t->spans[planning];
    p->start_us = start;
    trace_end_span(p, end, "done");
    p->status = KEEL_SPAN_OK;
    snprintf(p->name, sizeof(p->name), "planning");
    trace_set_int(b, p->attrs, "keel.llm.calls", (int64_t)n);
    trace_set_int(b, p->attrs, "gen_ai.usage.input_tokens", in);
    trace_set_int(b, p->attrs, "gen_ai.usage.output_tokens", out);
    trace_set_str(b, p->attrs, "keel.template.hash",
                  run_str(meta, "template_hash"));
    trace_set_str(b, p->attrs, "keel.run.id", b->t->run_id);
    return 0;
}

