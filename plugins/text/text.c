/*
 * text.c - the text plugin's descriptor: string functions an LLM can use to
 * reshape data between steps (case, trim, replace, split, join, search,
 * length, template formatting).
 *
 * Every function is pure, so all are marked idempotent. The callbacks live
 * in text_ops.c and text_format.c; this file is only the tables the host
 * reads and the entry point.
 */
#include "text_internal.h"

#define KEEL_PURE KEEL_EFFECT_IDEMPOTENT

static const keel_param p_text[] = {
    {"text", KEEL_TYPE_STRING, "The text to work on.", true, NULL, NULL, NULL},
};

static const keel_param p_replace[] = {
    {"text", KEEL_TYPE_STRING, "The text to search in.", true, NULL, NULL,
     NULL},
    {"old", KEEL_TYPE_STRING, "The exact substring to replace (not empty; "
     "case-sensitive, not a pattern).", true, NULL, "{\"minLength\":1}", NULL},
    {"new", KEEL_TYPE_STRING, "The replacement (may be empty to delete).",
     true, NULL, NULL, NULL},
    {"count", KEEL_TYPE_INT, "Replace at most this many occurrences, from "
     "the left. Omit to replace all.", false, NULL, "{\"minimum\":0}", NULL},
};

static const keel_param p_split[] = {
    {"text", KEEL_TYPE_STRING, "The text to split.", true, NULL, NULL, NULL},
    {"sep", KEEL_TYPE_STRING, "The exact separator (not empty), e.g. \",\" "
     "or \"\\n\".", true, NULL, "{\"minLength\":1}", NULL},
    {"max", KEEL_TYPE_INT, "At most this many items; the last item holds the "
     "unsplit rest. Omit for no limit.", false, NULL, "{\"minimum\":1}", NULL},
};

static const keel_param p_join[] = {
    {"items", KEEL_TYPE_LIST, "The strings to join, in order.", true, NULL,
     "{\"items\":{\"type\":\"string\"}}", NULL},
    {"sep", KEEL_TYPE_STRING, "Put between consecutive items (may be empty).",
     true, NULL, NULL, NULL},
};

static const keel_param p_contains[] = {
    {"text", KEEL_TYPE_STRING, "The text to search in.", true, NULL, NULL,
     NULL},
    {"needle", KEEL_TYPE_STRING, "The exact substring to look for "
     "(case-sensitive; the empty string is always found).", true, NULL, NULL,
     NULL},
};

static const keel_param p_format[] = {
    {"template", KEEL_TYPE_STRING, "Text with {name} placeholders; write {{ "
     "and }} for literal braces.", true, NULL, NULL, NULL},
    {"fields", KEEL_TYPE_OBJECT, "The placeholder values keyed by name; "
     "every name used in the template must be present.", true, NULL, NULL,
     NULL},
};

#define PARAMS(a) a, KEEL_COUNTOF(a)

static const keel_function functions[] = {
    {"upper", "Returns the text in upper case. Converts ASCII letters and "
     "the small letters of the Latin-1 Supplement (U+00B5, U+00E0-U+00FF, "
     "by Unicode simple case mapping); every other character, including "
     "German sharp s and non-Latin scripts, is left unchanged.",
     PARAMS(p_text), KEEL_TYPE_STRING, NULL, KEEL_PURE, false, text_upper},
    {"lower", "Returns the text in lower case. Converts ASCII letters and "
     "the capital letters of the Latin-1 Supplement (U+00C0-U+00DE) plus "
     "U+0178; every other character, including non-Latin scripts, is left "
     "unchanged.", PARAMS(p_text), KEEL_TYPE_STRING, NULL, KEEL_PURE, false,
     text_lower},
    {"trim", "Returns the text without leading and trailing ASCII whitespace "
     "(space, tab, newline, carriage return, vertical tab, form feed).",
     PARAMS(p_text), KEEL_TYPE_STRING, NULL, KEEL_PURE, false, text_trim},
    {"replace", "Returns the text with occurrences of the substring 'old' "
     "replaced by 'new', left to right, without overlaps; all of them unless "
     "'count' limits it. Text without 'old' comes back unchanged.",
     PARAMS(p_replace), KEEL_TYPE_STRING, NULL, KEEL_PURE, false,
     text_replace},
    {"split", "Splits the text at every occurrence of 'sep' and returns the "
     "pieces as a list of strings, empty pieces included (\"a,,b\" gives "
     "[\"a\",\"\",\"b\"]; \"\" gives [\"\"]). 'max' caps the number of "
     "pieces.", PARAMS(p_split), KEEL_TYPE_LIST,
     "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}", KEEL_PURE, false,
     text_split},
    {"join", "Joins a list of strings into one string with 'sep' between "
     "consecutive items. An empty list gives \"\".", PARAMS(p_join),
     KEEL_TYPE_STRING, NULL, KEEL_PURE, false, text_join},
    {"contains", "Returns true when the text contains the substring "
     "'needle' (exact, case-sensitive match), false otherwise.",
     PARAMS(p_contains), KEEL_TYPE_BOOL, NULL, KEEL_PURE, false,
     text_contains},
    {"length", "Returns the length of the text in Unicode characters (code "
     "points), not bytes: \"héllo\" has length 5.", PARAMS(p_text),
     KEEL_TYPE_INT, NULL, KEEL_PURE, false, text_length},
    {"format", "Fills a template: each {name} is replaced by fields[name], a "
     "string as is and any other value as compact JSON. {{ and }} give "
     "literal braces. A placeholder naming a missing field is an error. "
     "Example: template \"Hi {who}, you have {n} mails\" with fields "
     "{\"who\":\"Ann\",\"n\":3} gives \"Hi Ann, you have 3 mails\".",
     PARAMS(p_format), KEEL_TYPE_STRING, NULL, KEEL_PURE, false, text_format},
};

static const keel_plugin text_plugin = {
    .abi = KEEL_ABI_STAMP,
    .name = "text",
    .version = "1.0.0",
    .description = "Pure string functions: case, trim, replace, split, join, "
                   "search, length and template formatting.",
    .functions = functions,
    .n_functions = KEEL_COUNTOF(functions),
};

KEEL_PLUGIN_EXPORT(text_plugin);
