/*
 * schema.h - compiled parameter constraints (a JSON-Schema fragment).
 *
 * A plugin declares each parameter's type and, optionally, a fragment such as
 * {"minimum": 0, "maximum": 100} or {"enum": ["a", "b"]}. The loader compiles
 * it once; every call checks real values against it.
 */
#ifndef KEEL_SCHEMA_H
#define KEEL_SCHEMA_H

#include <keel/keel.h>

typedef struct keel_schema keel_schema;

/* Compiles fragment (JSON text, or NULL for none) for a value of type t.
 * Refuses unknown keywords, keywords that do not apply to t, enum members of
 * the wrong type and patterns that do not compile. *out is freed with
 * keel_schema_free. */
int keel_schema_compile(keel_schema **out, keel_type t, const char *fragment,
                        keel_error *err);
void keel_schema_free(keel_schema *s);

/* Checks *v against s. An int given where a float is declared is replaced by
 * the equal float (labels kept), so *v may change; the old reference is
 * released then. err->msg says what is wrong without a locus: the caller
 * prefixes the argument's name. */
int keel_schema_check(const keel_schema *s, keel_value **v, keel_error *err);

/* The fragment as parsed (an object; borrowed), or NULL when none. */
const keel_value *keel_schema_fragment(const keel_schema *s);
keel_type keel_schema_type(const keel_schema *s);

/* JSON-Schema type name for a keel type ("integer", "number", ...), or NULL
 * for KEEL_TYPE_ANY. */
const char *keel_schema_type_name(keel_type t);

#endif
