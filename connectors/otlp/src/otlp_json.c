/*
 * otlp_json.c - a trace as the OTLP/JSON ExportTraceServiceRequest:
 * resourceSpans -> resource (service.name=keel) -> scopeSpans -> spans.
 * The protobuf JSON mapping says 64-bit integers (times, intValue) are
 * strings, ids are hex, and enums (kind, status code) are numbers.
 */
#include <keel/otlp.h>

#include "alloc.h"
#include "buf.h"

#include <string.h>

enum { KIND_INTERNAL = 1, KIND_CLIENT = 3 };

static void put_str(keel_buf *b, const char *s)
{
    keel_buf_json_string(b, s, strlen(s));
}

static void put_kv_str(keel_buf *b, const char *k, const char *v, bool comma)
{
    keel_buf_printf(b, "%s{\"key\":", comma ? "," : "");
    put_str(b, k);
    keel_buf_puts(b, ",\"value\":{\"stringValue\":");
    put_str(b, v);
    keel_buf_puts(b, "}}");
}

/* One attribute: {"key": k, "value": {"<type>Value": v}}. */
static void put_attr(keel_buf *b, const char *k, const keel_value *v,
                     bool comma)
{
    switch (keel_value_type(v)) {
    case KEEL_TYPE_STRING:
        put_kv_str(b, k, keel_value_get_string(v, NULL), comma);
        return;
    case KEEL_TYPE_INT:
        keel_buf_printf(b, "%s{\"key\":", comma ? "," : "");
        put_str(b, k);
        keel_buf_printf(b, ",\"value\":{\"intValue\":\"%lld\"}}",
                        (long long)keel_value_get_int(v));
        return;
    case KEEL_TYPE_FLOAT:
        keel_buf_printf(b, "%s{\"key\":", comma ? "," : "");
        put_str(b, k);
        keel_buf_printf(b, ",\"value\":{\"doubleValue\":%.17g}}",
                        keel_value_get_float(v));
        return;
    case KEEL_TYPE_BOOL:
        keel_buf_printf(b, "%s{\"key\":", comma ? "," : "");
        put_str(b, k);
        keel_buf_printf(b, ",\"value\":{\"boolValue\":%s}}",
                        keel_value_get_bool(v) ? "true" : "false");
        return;
    default:
        return; /* the trace holds no other kinds */
    }
}

static bool put_attrs(keel_buf *b, const keel_value *o, bool comma)
{
    for (size_t i = 0; i < keel_value_len(o); i++) {
        put_attr(b, keel_value_object_key_at(o, i),
                 keel_value_object_value_at(o, i), comma);
        comma = true;
    }
    return comma;
}

static void put_span(keel_buf *b, const keel_trace *t, const keel_span *s,
                     bool content)
{
    keel_buf_printf(b, "{\"traceId\":\"%s\",\"spanId\":\"%s\",", t->trace_id,
                    s->id);
    if (s->parent >= 0)
        keel_buf_printf(b, "\"parentSpanId\":\"%s\",", t->spans[s->parent].id);
    keel_buf_puts(b, "\"name\":");
    put_str(b, s->name);
    keel_buf_printf(b, ",\"kind\":%d,\"startTimeUnixNano\":\"%lld000\","
                    "\"endTimeUnixNano\":\"%lld000\",\"attributes\":[",
                    s->kind == KEEL_SPAN_CHAT ? KIND_CLIENT : KIND_INTERNAL,
                    (long long)s->start_us, (long long)s->end_us);
    bool comma = put_attrs(b, s->attrs, false);
    if (content)
        put_attrs(b, s->content, comma);
    keel_buf_printf(b, "],\"status\":{\"code\":%d", (int)s->status);
    if (s->status == KEEL_SPAN_ERROR && s->message[0]) {
        keel_buf_puts(b, ",\"message\":");
        put_str(b, s->message);
    }
    keel_buf_puts(b, "}}");
}

int keel_otlp_encode(char **out, const keel_trace *t, const keel_otlp_opts *o)
{
    keel_buf b;
    keel_buf_init(&b);
    keel_buf_puts(&b, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
    put_kv_str(&b, "service.name", "keel", false);
    if (o->service_version)
        put_kv_str(&b, "service.version", o->service_version, true);
    keel_buf_puts(&b, "]},\"scopeSpans\":[{\"scope\":{\"name\":\"keel\"");
    if (o->service_version) {
        keel_buf_puts(&b, ",\"version\":");
        put_str(&b, o->service_version);
    }
    keel_buf_puts(&b, "},\"spans\":[");
    for (size_t i = 0; i < t->n_spans; i++) {
        if (i)
            keel_buf_putc(&b, ',');
        put_span(&b, t, &t->spans[i], o->content);
    }
    keel_buf_puts(&b, "]}]}]}");
    return keel_buf_finish(&b, out);
}
