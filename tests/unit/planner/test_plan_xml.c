/*
 * test_plan_xml.c - the XML plan form and the Semantic Kernel import.
 *
 * Data-driven parts:
 *   tests/data/plans/xml/invalid/NAME.xml  -> exactly NAME.expected (the
 *       reader's diagnostics as keel_diags_text gives them);
 *   tests/data/plans/xml/valid/NAME.xml    -> reads, passes the checker,
 *       and when tests/data/plans/json/valid/NAME.json exists has its hash;
 *   tests/data/plans/sk/NAME.xml           -> imports to the plan in
 *       NAME.json (same hash).
 * Set KEEL_REGEN=1 to rewrite the .expected files, then review the diff.
 */
#include "test_support.h"
#include "alloc.h"

#include <keel/plan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static keel_plan *from_xml(const char *xml)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_xml(&p, xml, strlen(xml), &d) != 0) {
        char *t = NULL;
        keel_diags_text(&t, &d, NULL);
        fail_msg("%s\n-> %s", xml, t ? t : "?");
    }
    keel_diags_free(&d);
    return p;
}

static keel_plan *from_json(const char *json)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_from_json(&p, json, strlen(json), &d) != 0)
        fail_msg("%s: %s", json, d.n ? d.items[0].message : "?");
    keel_diags_free(&d);
    return p;
}

/* The reader's diagnostics for xml as text ("" when it reads). */
static char *diagnose(const char *xml, size_t len)
{
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    int rc = keel_plan_from_xml(&p, xml, len, &d);
    assert_true(rc == 0 ? p != NULL : p == NULL);
    keel_plan_free(p);
    char *out = NULL;
    assert_int_equal(keel_diags_text(&out, &d, NULL), 0);
    keel_diags_free(&d);
    return out;
}

static void assert_diags(const char *xml, const char *want)
{
    char *got = diagnose(xml, strlen(xml));
    assert_string_equal(got, want);
    keel_free(got);
}

static void assert_same_hash(const keel_plan *a, const keel_plan *b)
{
    char ha[65], hb[65];
    assert_int_equal(keel_plan_hash(ha, a), 0);
    assert_int_equal(keel_plan_hash(hb, b), 0);
    if (strcmp(ha, hb) != 0) {
        char *ca = NULL, *cb = NULL;
        keel_plan_canonical(&ca, a);
        keel_plan_canonical(&cb, b);
        fail_msg("hashes differ:\n%s\n%s", ca, cb);
    }
}

/* JSON -> IR -> XML -> IR -> JSON keeps the hash, and writing the re-read
 * plan gives the same XML text again. */
static void assert_round_trip(const char *json)
{
    keel_plan *p = from_json(json);
    char *xml = NULL, *xml2 = NULL;
    assert_int_equal(keel_plan_to_xml(&xml, p), 0);
    keel_plan *q = from_xml(xml);
    assert_same_hash(p, q);
    assert_int_equal(keel_plan_to_xml(&xml2, q), 0);
    assert_string_equal(xml, xml2);
    assert_int_equal(q->format, KEEL_PLAN_XML);
    keel_free(xml);
    keel_free(xml2);
    keel_plan_free(p);
    keel_plan_free(q);
}

static void test_plan_xml__reads_every_element(void **s)
{
    (void)s;
    keel_plan *p = from_xml(
        "<?xml version=\"1.0\"?>\n"
        "<plan xmlns=\"urn:keel:plan:1\" version=\"1\">\n"
        "  <goal>g</goal>\n"
        "  <step id=\"a\" call=\"x.y\">\n"
        "    <why>because</why>\n"
        "    <arg name=\"k\" type=\"json\">[1, \"${b}\"]</arg>\n"
        "    <arg name=\"s\">  two\n lines  </arg>\n"
        "    <arg name=\"e\"/>\n"
        "    <after step=\"b\"/>\n"
        "    <for-each>${b}</for-each>\n"
        "  </step>\n"
        "  <!-- comments are fine -->\n"
        "  <step id=\"b\" call=\"x.z\"/>\n"
        "  <output>${a}</output>\n"
        "</plan>\n");
    assert_int_equal(p->version, 1);
    assert_string_equal(p->goal, "g");
    assert_int_equal(p->n_steps, 2);
    assert_string_equal(p->steps[0].id, "a");
    assert_string_equal(p->steps[0].call, "x.y");
    ts_assert_json(p->steps[0].args,
                   "{\"k\":[1,\"${b}\"],\"s\":\"  two\\n lines  \",\"e\":\"\"}");
    assert_int_equal(p->steps[0].n_after, 1);
    assert_string_equal(p->steps[0].after[0], "b");
    assert_string_equal(p->steps[0].for_each, "${b}");
    assert_string_equal(p->steps[0].why, "because");
    assert_int_equal(p->steps[0].line, 4);
    assert_int_equal(p->steps[1].line, 14);
    ts_assert_json(p->steps[1].args, "{}");
    ts_assert_json(p->output, "\"${a}\"");
    assert_int_equal(p->format, KEEL_PLAN_XML);
    keel_plan_free(p);
}

static void test_plan_xml__round_trip_keeps_the_hash(void **s)
{
    (void)s;
    assert_round_trip("{\"version\":1,\"steps\":[{\"id\":\"u\",\"call\":"
                      "\"directory.find_user\",\"args\":{\"uid\":\"jdoe\"}}],"
                      "\"output\":\"${u}\"}");
    /* unicode, empty strings, nested objects, markup characters */
    assert_round_trip(
        "{\"version\":1,\"goal\":\"\\u00e9t\\u00e9 \\u2603 \\ud83d\\ude00\","
        "\"steps\":[{\"id\":\"a\",\"call\":\"x.y\",\"why\":\"\",\"args\":{"
        "\"empty\":\"\",\"markup\":\"<a href=\\\"x\\\">&amp; 'q' ]]> </a>\","
        "\"o\":{\"z\":null,\"t\":true,\"l\":[1,2.5,-3,{\"k\":\"<&>\"}]},"
        "\"n\":0,\"f\":1e300,\"b\":false,\"nul\":null,\"\":\"empty name\","
        "\"na<m>e&\\\"'\":\"x\"}}],\"output\":{\"a\":[\"${a}\",\"$$5\"]}}");
    /* references, "$$", whitespace that XML would normalise */
    assert_round_trip(
        "{\"version\":1,\"goal\":\"  \\r\\n\\t \",\"steps\":[{\"id\":\"s\","
        "\"call\":\"text.split\",\"args\":{\"text\":\"a,b\",\"sep\":\",\"}},"
        "{\"id\":\"e\",\"call\":\"text.upper\",\"for_each\":\"${s}\",\"after\":"
        "[\"s\"],\"args\":{\"text\":\"item: ${item} costs $$5 \\r\\n\\t\","
        "\"t\":\" \\t\\r\\n \"}}],\"output\":\"${e.0}\"}");
    /* characters XML 1.0 cannot carry travel as JSON */
    assert_round_trip(
        "{\"version\":1,\"goal\":\"bell\\u0007\",\"steps\":[{\"id\":\"a\","
        "\"call\":\"x.y\",\"why\":\"\\u0001\",\"for_each\":\"${b}\\u001f\","
        "\"args\":{\"c\":\"\\u0000x\\u000b\",\"nc\":\"\\uffff\\ufffe\","
        "\"o\":{\"k\\u0002\":\"\\uffff\"}}}],\"output\":\"\\u0003\"}");
    /* a plan without output, and an explicit null output */
    assert_round_trip("{\"version\":1,\"steps\":[{\"id\":\"a\",\"call\":\"x.y\"}]}");
    assert_round_trip("{\"version\":1,\"steps\":[{\"id\":\"a\",\"call\":\"x.y\"}],"
                      "\"output\":null}");
}

static void test_plan_xml__written_form_is_keels(void **s)
{
    (void)s;
    keel_plan *p = from_json(
        "{\"version\":1,\"goal\":\"a < b & c\",\"steps\":[{\"id\":\"a\","
        "\"call\":\"x.y\",\"why\":\"w\",\"args\":{\"s\":\"${b}\",\"n\":3},"
        "\"after\":[\"b\"],\"for_each\":\"${b}\"},{\"id\":\"b\",\"call\":\"x.z\"}],"
        "\"output\":[\"${a}\",\"${b}\"]}");
    char *xml = NULL;
    assert_int_equal(keel_plan_to_xml(&xml, p), 0);
    assert_string_equal(xml,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<plan xmlns=\"urn:keel:plan:1\" version=\"1\">\n"
                        "  <goal>a &lt; b &amp; c</goal>\n"
                        "  <step id=\"a\" call=\"x.y\">\n"
                        "    <why>w</why>\n"
                        "    <arg name=\"s\">${b}</arg>\n"
                        "    <arg name=\"n\" type=\"json\">3</arg>\n"
                        "    <after step=\"b\"/>\n"
                        "    <for-each>${b}</for-each>\n"
                        "  </step>\n"
                        "  <step id=\"b\" call=\"x.z\">\n"
                        "  </step>\n"
                        "  <output type=\"json\">[\"${a}\",\"${b}\"]</output>\n"
                        "</plan>\n");
    keel_free(xml);
    keel_plan_free(p);
}

static void test_plan_xml__unwritable_names_are_refused(void **s)
{
    (void)s;
    keel_plan *p = from_json("{\"version\":1,\"steps\":[{\"id\":\"a\",\"call\":"
                             "\"x.y\",\"args\":{\"bad\\u0001name\":1}}]}");
    char *xml = NULL;
    assert_int_equal(keel_plan_to_xml(&xml, p), KEEL_EINVAL);
    assert_null(xml);
    keel_plan_free(p);
}

static void test_plan_xml__refuses_dtds_entities_and_xxe(void **s)
{
    (void)s;
    assert_diags("<?xml version=\"1.0\"?>\n<!DOCTYPE plan [\n"
                 "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n"
                 "<plan xmlns=\"urn:keel:plan:1\" version=\"1\"><goal>&b;</goal>"
                 "<step id=\"a\" call=\"x.y\"/></plan>",
                 "line 2: a DOCTYPE is not allowed in a plan (no DTDs, no "
                 "entities); remove it\n");
    assert_diags("<!doctype plan SYSTEM \"http://127.0.0.1:1/x.dtd\"><plan/>",
                 "line 1: a DOCTYPE is not allowed in a plan (no DTDs, no "
                 "entities); remove it\n");
    /* without a DTD an entity is simply undeclared, never fetched */
    assert_diags("<plan xmlns=\"urn:keel:plan:1\" version=\"1\"><goal>&xxe;"
                 "</goal><step id=\"a\" call=\"x.y\"/></plan>",
                 "line 1: XML syntax: Entity 'xxe' not defined\n");
}

static void test_plan_xml__refuses_big_and_deep_documents(void **s)
{
    (void)s;
    size_t n = KEEL_PLAN_MAX_BYTES + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    big[0] = '<';
    char *got = diagnose(big, n);
    assert_string_equal(got, "plan is 1048577 bytes; the limit is 1048576\n");
    keel_free(got);
    /* 300 nested elements: libxml2 stops at 256 without XML_PARSE_HUGE */
    size_t len = 0;
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(big + len, n - len, "<a>");
    got = diagnose(big, len);
    assert_non_null(strstr(got, "XML syntax: Excessive depth in document: 256"));
    keel_free(got);
    free(big);
}

static void test_plan_xml__syntax_errors_name_their_line(void **s)
{
    (void)s;
    assert_diags("<plan xmlns=\"urn:keel:plan:1\" version=\"1\">\n"
                 "<step id=\"a\" call=\"x.y\">\n</plan>\n",
                 "line 3: XML syntax: Opening and ending tag mismatch: step "
                 "line 2 and plan\n");
    assert_diags("", "line 1: XML syntax: Document is empty\n");
    /* the bytes are UTF-8 whatever the declaration says */
    assert_diags("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<plan>\xe9</plan>",
                 "line 2: XML syntax: Input is not proper UTF-8, indicate "
                 "encoding !\n");
}

static void test_plan_xml__parse_picks_the_xml_reader(void **s)
{
    (void)s;
    const char *xml = " \n\t<plan xmlns=\"urn:keel:plan:1\" version=\"1\">"
                      "<step id=\"a\" call=\"x.y\"/></plan>";
    keel_plan *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_plan_parse(&p, xml, strlen(xml), &d), 0);
    assert_int_equal(p->format, KEEL_PLAN_XML);
    keel_plan_free(p);
    keel_diags_free(&d);
}

static void test_plan_xml__snake_cases_sk_names(void **s)
{
    (void)s;
    keel_plan *p = from_xml(
        "<plan>\n"
        "<function.EmailConnector.SendEmail/>\n"
        "<function.HTTPPlugin.HTTPGet/>\n"
        "<function.WebAPI.getHTTPResponse setContextVariable=\"1st\"/>\n"
        "<function.Base64Tools.Base64Encode setContextVariable=\"MyVar\"/>\n"
        "<function._GLOBAL_FUNCTIONS_.send_email maxTokens=\"5\" "
        "setContextVariable=\"item\"/>\n"
        "<function.math.add setContextVariable=\"myVar\"/>\n"
        "</plan>");
    static const char *const calls[] = {
        "email_connector.send_email", "http_plugin.http_get",
        "web_api.get_http_response",  "base64_tools.base64_encode",
        "global_functions.send_email", "math.add"};
    static const char *const ids[] = {"step1", "step2", "_1st",
                                      "my_var", "item_2", "my_var_2"};
    assert_int_equal(p->n_steps, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(p->steps[i].call, calls[i]);
        assert_string_equal(p->steps[i].id, ids[i]);
        assert_int_equal(p->steps[i].line, (int)i + 2);
    }
    ts_assert_json(p->steps[4].args, "{\"max_tokens\":\"5\"}");
    ts_assert_json(p->output, "\"${my_var_2}\"");
    keel_plan_free(p);
}

static void test_plan_xml__sk_plan_is_written_in_keels_form(void **s)
{
    (void)s;
    keel_plan *p = from_xml(
        "<plan><function.Text.Upper text=\"a\" setContextVariable=\"UP\"/>"
        "<function.Text.Length text=\"$UP and $$\" appendToResult=\"RESULT__N\"/>"
        "</plan>");
    char *xml = NULL;
    assert_int_equal(keel_plan_to_xml(&xml, p), 0);
    assert_non_null(strstr(xml, "<plan xmlns=\"urn:keel:plan:1\" version=\"1\">"));
    assert_non_null(strstr(xml, "<arg name=\"text\">${up} and $$$$</arg>"));
    keel_plan *q = from_xml(xml);
    assert_same_hash(p, q);
    keel_free(xml);
    keel_plan_free(p);
    keel_plan_free(q);
}

/* ---- data-driven cases ---- */

/* Calls fn for every *.xml in tests/data/plans/<sub>. */
static size_t each_case(const char *sub, ts_file_fn fn)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/data/plans/%s", ts_source_dir(), sub);
    return ts_each_file(dir, ".xml", fn, NULL);
}

static char *read_case(const char *dir, const char *name, const char *ext,
                       size_t *len)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/%.*s%s", dir, (int)(strlen(name) - 4),
             name, ext);
    return ts_slurp(path, len);
}

static void invalid_case(void *ctx, const char *dir, const char *name)
{
    (void)ctx;
    size_t len = 0;
    char *text = read_case(dir, name, ".xml", &len);
    assert_non_null(text);
    char *got = diagnose(text, len);
    char path[2048];
    snprintf(path, sizeof(path), "%s/%.*s.expected", dir,
             (int)(strlen(name) - 4), name);
    ts_expect_text(name, path, got);
    free(text);
    keel_free(got);
}

static keel_kernel *kernel;

static void valid_case(void *ctx, const char *dir, const char *name)
{
    (void)ctx;
    size_t len, jlen;
    char *text = read_case(dir, name, ".xml", &len);
    assert_non_null(text);
    keel_plan *p = from_xml(text);
    keel_diags d;
    keel_diags_init(&d);
    if (keel_plan_check(p, kernel, NULL, &d) != 0) {
        char *t = NULL;
        keel_diags_text(&t, &d, name);
        fail_msg("%s should be valid:\n%s", name, t ? t : "?");
    }
    keel_diags_free(&d);
    char json_dir[1024];
    snprintf(json_dir, sizeof(json_dir), "%s/../../json/valid", dir);
    char *json = read_case(json_dir, name, ".json", &jlen);
    if (json) {
        keel_plan *j = from_json(json);
        assert_same_hash(p, j);
        keel_plan_free(j);
        free(json);
    }
    keel_plan_free(p);
    free(text);
}

static void sk_case(void *ctx, const char *dir, const char *name)
{
    (void)ctx;
    size_t len, jlen;
    char *text = read_case(dir, name, ".xml", &len);
    char *json = read_case(dir, name, ".json", &jlen);
    if (!text || !json)
        fail_msg("%s: needs both .xml and .json", name);
    keel_plan *p = from_xml(text), *want = from_json(json);
    assert_same_hash(p, want);
    keel_plan_free(p);
    keel_plan_free(want);
    free(text);
    free(json);
}

static void test_plan_xml__invalid_plans_give_exact_diagnostics(void **s)
{
    (void)s;
    assert_true(each_case("xml/invalid", invalid_case) >= 15);
}

static void test_plan_xml__valid_plans_read_and_check(void **s)
{
    (void)s;
    kernel = ts_kernel_all();
    assert_true(each_case("xml/valid", valid_case) >= 3);
    keel_kernel_free(kernel);
    kernel = NULL;
}

static void test_plan_xml__sk_plans_import_as_expected(void **s)
{
    (void)s;
    assert_true(each_case("sk", sk_case) >= 3);
}

/* Fails each allocation of a read and a write in turn: every failure is
 * out of memory, never a crash, a leak (ASan) or a wrong diagnostic. (No
 * type="json" content here: keel_value_from_json reports cJSON running out
 * of memory as invalid JSON.) */
static void test_plan_xml__every_allocation_failure_is_clean(void **s)
{
    (void)s;
    const char *xml =
        "<plan xmlns=\"urn:keel:plan:1\" version=\"1\"><goal>g</goal>"
        "<step id=\"a\" call=\"x.y\"><why>w</why><arg name=\"s\">t</arg>"
        "<after step=\"b\"/><for-each>${b}</for-each></step>"
        "<step id=\"b\" call=\"x.z\"/><output>${a}</output></plan>";
    const char *sk = "<plan><function.A.B x=\"a\" setContextVariable=\"V\""
                     " appendToResult=\"R\"/><function.C.D y=\"$V $INPUT\" "
                     "appendToResult=\"R\"/></plan>";
    const char *const docs[] = {xml, sk};
    for (size_t k = 0; k < 2; k++) {
        long n;
        for (n = 1; n < 1000; n++) {
            keel_plan *p = NULL;
            keel_diags d;
            keel_diags_init(&d);
            keel_alloc_fail_after(n, false);
            int rc = keel_plan_from_xml(&p, docs[k], strlen(docs[k]), &d);
            char *out = NULL;
            int wrc = rc == 0 ? keel_plan_to_xml(&out, p) : 0;
            keel_alloc_fail_after(0, false);
            if (rc != 0 && rc != KEEL_ENOMEM)
                fail_msg("doc %zu, allocation %ld: rc %d: %s", k, n, rc,
                         d.n ? d.items[0].message : "?");
            keel_diags_free(&d);
            keel_plan_free(p);
            keel_free(out);
            if (rc == 0 && wrc == 0 && out)
                break;
            if (rc == 0 && wrc != KEEL_ENOMEM)
                fail_msg("doc %zu, allocation %ld: write rc %d", k, n, wrc);
        }
        assert_true(n > 10 && n < 1000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_xml__reads_every_element),
        cmocka_unit_test(test_plan_xml__round_trip_keeps_the_hash),
        cmocka_unit_test(test_plan_xml__written_form_is_keels),
        cmocka_unit_test(test_plan_xml__unwritable_names_are_refused),
        cmocka_unit_test(test_plan_xml__refuses_dtds_entities_and_xxe),
        cmocka_unit_test(test_plan_xml__refuses_big_and_deep_documents),
        cmocka_unit_test(test_plan_xml__syntax_errors_name_their_line),
        cmocka_unit_test(test_plan_xml__parse_picks_the_xml_reader),
        cmocka_unit_test(test_plan_xml__snake_cases_sk_names),
        cmocka_unit_test(test_plan_xml__sk_plan_is_written_in_keels_form),
        cmocka_unit_test(test_plan_xml__invalid_plans_give_exact_diagnostics),
        cmocka_unit_test(test_plan_xml__valid_plans_read_and_check),
        cmocka_unit_test(test_plan_xml__sk_plans_import_as_expected),
        cmocka_unit_test(test_plan_xml__every_allocation_failure_is_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
