/*
 * test_text.c - the text plugin, loaded from its built shared object: case
 * mapping (ASCII and Latin-1), trim, replace, split, join, contains, length
 * in code points, template formatting and its errors, argument checks made
 * by the host, labels and allocation failures.
 */
#include "plugin_test.h"

static keel_kernel *text_kernel(void)
{
    return ts_kernel_with((const char *[]){"text", NULL});
}

static void test_text__upper_maps_ascii_and_latin1(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.upper", "{\"text\":\"Hello, w\\u00f6rld 42!\"}",
              "\"HELLO, WÖRLD 42!\"");
    pt_expect(k, "text.upper", "{\"text\":\"àéîõüþ ÿ µ\"}",
              "\"ÀÉÎÕÜÞ Ÿ Μ\"");
    /* sharp s, division sign, other scripts and emoji stay */
    pt_expect(k, "text.upper", "{\"text\":\"ß ÷ привет 😀\"}",
              "\"ß ÷ привет 😀\"");
    pt_expect(k, "text.upper", "{\"text\":\"\"}", "\"\"");
    keel_kernel_free(k);
}

static void test_text__lower_maps_ascii_and_latin1(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.lower", "{\"text\":\"HÉLLO, WORLD Ÿ\"}",
              "\"héllo, world ÿ\"");
    pt_expect(k, "text.lower", "{\"text\":\"ÀÞ × ПРИВЕТ\"}",
              "\"àþ × ПРИВЕТ\"");
    keel_kernel_free(k);
}

static void test_text__trim_strips_ascii_whitespace(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.trim", "{\"text\":\" \\t\\r\\n hi there \\n\"}",
              "\"hi there\"");
    pt_expect(k, "text.trim", "{\"text\":\" \\t \"}", "\"\"");
    pt_expect(k, "text.trim", "{\"text\":\"x\"}", "\"x\"");
    keel_kernel_free(k);
}

static void test_text__replace_all_or_count(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.replace",
              "{\"text\":\"a-b-c\",\"old\":\"-\",\"new\":\" + \"}",
              "\"a + b + c\"");
    pt_expect(k, "text.replace",
              "{\"text\":\"a-b-c\",\"old\":\"-\",\"new\":\"\",\"count\":1}",
              "\"ab-c\"");
    pt_expect(k, "text.replace",
              "{\"text\":\"aaaa\",\"old\":\"aa\",\"new\":\"b\"}", "\"bb\"");
    pt_expect(k, "text.replace",
              "{\"text\":\"abc\",\"old\":\"x\",\"new\":\"y\"}", "\"abc\"");
    pt_expect(k, "text.replace",
              "{\"text\":\"abc\",\"old\":\"b\",\"new\":\"y\",\"count\":0}",
              "\"abc\"");
    keel_kernel_free(k);
}

static void test_text__replace_arguments_checked(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect_error(k, "text.replace",
                    "{\"text\":\"abc\",\"old\":\"\",\"new\":\"y\"}",
                    KEEL_ERANGE,
                    "text.replace: argument 'old': must be at least 1 "
                    "characters long, got 0");
    pt_expect_error(k, "text.replace",
                    "{\"text\":\"a\",\"old\":\"a\",\"new\":\"b\",\"count\":-1}",
                    KEEL_ERANGE,
                    "text.replace: argument 'count': must be >= 0, got -1");
    pt_expect_plugin_code(k, "text.replace",
                          "{\"text\":\"abc\",\"old\":\"\",\"new\":\"y\"}",
                          KEEL_EINVAL, "'old' must not be empty");
    keel_kernel_free(k);
}

static void test_text__split_keeps_empty_pieces(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.split", "{\"text\":\"a,,b\",\"sep\":\",\"}",
              "[\"a\",\"\",\"b\"]");
    pt_expect(k, "text.split", "{\"text\":\"a::b::\",\"sep\":\"::\"}",
              "[\"a\",\"b\",\"\"]");
    pt_expect(k, "text.split", "{\"text\":\"\",\"sep\":\",\"}", "[\"\"]");
    pt_expect(k, "text.split", "{\"text\":\"a,b,c\",\"sep\":\",\",\"max\":2}",
              "[\"a\",\"b,c\"]");
    pt_expect(k, "text.split", "{\"text\":\"a,b\",\"sep\":\",\",\"max\":1}",
              "[\"a,b\"]");
    pt_expect_error(k, "text.split", "{\"text\":\"a\",\"sep\":\",\",\"max\":0}",
                    KEEL_ERANGE,
                    "text.split: argument 'max': must be >= 1, got 0");
    pt_expect_plugin_code(k, "text.split", "{\"text\":\"a\",\"sep\":\"\"}",
                          KEEL_EINVAL, "'sep' must not be empty");
    keel_kernel_free(k);
}

static void test_text__join_puts_sep_between_items(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.join", "{\"items\":[\"a\",\"b\",\"c\"],\"sep\":\", \"}",
              "\"a, b, c\"");
    pt_expect(k, "text.join", "{\"items\":[\"a\"],\"sep\":\"-\"}", "\"a\"");
    pt_expect(k, "text.join", "{\"items\":[],\"sep\":\"-\"}", "\"\"");
    pt_expect_error(k, "text.join", "{\"items\":[\"a\",1],\"sep\":\"-\"}",
                    KEEL_ETYPE,
                    "text.join: argument 'items': item 1: expected string, "
                    "got int 1");
    keel_kernel_free(k);
}

static void test_text__contains_and_length(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.contains", "{\"text\":\"hello\",\"needle\":\"ell\"}",
              "true");
    pt_expect(k, "text.contains", "{\"text\":\"hello\",\"needle\":\"L\"}",
              "false");
    pt_expect(k, "text.contains", "{\"text\":\"hi\",\"needle\":\"\"}", "true");
    pt_expect(k, "text.contains", "{\"text\":\"hi\",\"needle\":\"hi!\"}",
              "false");
    pt_expect(k, "text.length", "{\"text\":\"héllo\"}", "5");
    pt_expect(k, "text.length", "{\"text\":\"日本 😀\"}", "4");
    pt_expect(k, "text.length", "{\"text\":\"\"}", "0");
    keel_kernel_free(k);
}

static void test_text__format_fills_placeholders(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect(k, "text.format",
              "{\"template\":\"Hi {who}, you have {n} mails\","
              "\"fields\":{\"who\":\"Ann\",\"n\":3}}",
              "\"Hi Ann, you have 3 mails\"");
    pt_expect(k, "text.format",
              "{\"template\":\"{l} {o} {f} {b} {z}{who}\","
              "\"fields\":{\"l\":[1,\"a\"],\"o\":{\"k\":null},\"f\":1.5,"
              "\"b\":true,\"z\":null,\"who\":\"\"}}",
              "\"[1,\\\"a\\\"] {\\\"k\\\":null} 1.5 true null\"");
    pt_expect(k, "text.format",
              "{\"template\":\"{{who}} is {who}}}\",\"fields\":{\"who\":\"x\"}}",
              "\"{who} is x}\"");
    pt_expect(k, "text.format", "{\"template\":\"plain\",\"fields\":{}}",
              "\"plain\"");
    keel_kernel_free(k);
}

static void test_text__format_errors_name_the_problem(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect_error(k, "text.format",
                    "{\"template\":\"Hi {who}\",\"fields\":{\"name\":\"x\"}}",
                    KEEL_EFAILED,
                    "text.format: 'template' uses {who} at offset 3 but "
                    "'fields' has no key 'who'");
    pt_expect_plugin_code(k, "text.format",
                          "{\"template\":\"{who}\",\"fields\":{}}",
                          KEEL_ENOTFOUND,
                          "'template' uses {who} at offset 0 but 'fields' "
                          "has no key 'who'");
    pt_expect_error(k, "text.format",
                    "{\"template\":\"a {b\",\"fields\":{\"b\":1}}",
                    KEEL_EFAILED,
                    "text.format: 'template' has an unclosed '{' at offset 2 "
                    "(write '{{' for a literal brace)");
    pt_expect_error(k, "text.format",
                    "{\"template\":\"a {b{c}\",\"fields\":{}}", KEEL_EFAILED,
                    "text.format: 'template' has an unclosed '{' at offset 2 "
                    "(write '{{' for a literal brace)");
    pt_expect_error(k, "text.format", "{\"template\":\"a}b\",\"fields\":{}}",
                    KEEL_EFAILED,
                    "text.format: 'template' has a lone '}' at offset 1 "
                    "(write '}}' for a literal brace)");
    pt_expect_error(k, "text.format", "{\"template\":\"x{}\",\"fields\":{}}",
                    KEEL_EFAILED,
                    "text.format: 'template' has an empty placeholder {} at "
                    "offset 1 (write {name})");
    keel_kernel_free(k);
}

static void test_text__wrong_types_refused_by_the_host(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect_error(k, "text.upper", "{\"text\":5}", KEEL_ETYPE,
                    "text.upper: argument 'text': expected string, got int 5");
    pt_expect_error(k, "text.format", "{\"template\":\"x\",\"fields\":[]}",
                    KEEL_ETYPE,
                    "text.format: argument 'fields': expected object, got "
                    "list []");
    pt_expect_error(k, "text.length", "{}", KEEL_EINVAL,
                    "text.length: missing required argument 'text' (string)");
    keel_kernel_free(k);
}

static void test_text__label_of_argument_reaches_result(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    pt_expect_label_carried(k, "text.upper", "{\"text\":\"hi\"}", "text",
                            "\"HI\"");
    pt_expect_label_carried(k, "text.split", "{\"text\":\"a b\",\"sep\":\" \"}",
                            "text", "[\"a\",\"b\"]");
    keel_kernel_free(k);
}

static void test_text__allocation_failures_are_clean(void **s)
{
    (void)s;
    keel_kernel *k = text_kernel();
    assert_true(pt_expect_oom_clean(
                    k, "text.format",
                    "{\"template\":\"{a} and {b} and a long tail to make the "
                    "buffer grow more than once: 0123456789012345678901234567"
                    "890123456789012345678901234567890123456789\","
                    "\"fields\":{\"a\":\"x\",\"b\":[1,2]}}",
                    "\"x and [1,2] and a long tail to make the buffer grow "
                    "more than once: 0123456789012345678901234567890123456789"
                    "012345678901234567890123456789\"") > 3);
    assert_true(pt_expect_oom_clean(k, "text.split",
                                    "{\"text\":\"a,b,c\",\"sep\":\",\"}",
                                    "[\"a\",\"b\",\"c\"]") > 3);
    assert_true(pt_expect_oom_clean(k, "text.replace",
                                    "{\"text\":\"a,b\",\"old\":\",\","
                                    "\"new\":\";\"}",
                                    "\"a;b\"") > 0);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text__upper_maps_ascii_and_latin1),
        cmocka_unit_test(test_text__lower_maps_ascii_and_latin1),
        cmocka_unit_test(test_text__trim_strips_ascii_whitespace),
        cmocka_unit_test(test_text__replace_all_or_count),
        cmocka_unit_test(test_text__replace_arguments_checked),
        cmocka_unit_test(test_text__split_keeps_empty_pieces),
        cmocka_unit_test(test_text__join_puts_sep_between_items),
        cmocka_unit_test(test_text__contains_and_length),
        cmocka_unit_test(test_text__format_fills_placeholders),
        cmocka_unit_test(test_text__format_errors_name_the_problem),
        cmocka_unit_test(test_text__wrong_types_refused_by_the_host),
        cmocka_unit_test(test_text__label_of_argument_reaches_result),
        cmocka_unit_test(test_text__allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
