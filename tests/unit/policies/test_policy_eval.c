/*
 * test_policy_eval.c - the policy semantics, one test per numbered rule of
 * docs/policy.md, and a decision table over every rule kind.
 */
#include "policy_support.h"

static keel_kernel *k;
static keel_policy *base;

static int setup(void **s)
{
    (void)s;
    k = ts_kernel_all();
    base = ps_base(k);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    keel_policy_free(base);
    keel_kernel_free(k);
    return 0;
}

static void expect(const char *who_uid, const char *group, const char *fn,
                   const char *args, const char *label, keel_verdict v,
                   const char *rule, const char *reason)
{
    keel_principal who = ps_who(who_uid, group);
    keel_decision d = ps_decide(base, k, &who, fn, args, label);
    if (d.verdict != v)
        fail_msg("%s %s: verdict %d, expected %d (%s)", fn, args, d.verdict, v,
                 d.reason);
    if (rule) {
        assert_true(d.n_rules >= 1);
        assert_string_equal(d.rules[0], rule);
    } else
        assert_int_equal(d.n_rules, 0);
    if (reason)
        assert_string_equal(d.reason, reason);
}

#define STAFF "cn=staff,ou=groups,dc=example,dc=com"
#define FINANCE "CN=Finance, OU=Groups, DC=example, DC=com" /* not normalised */

/* 1. Default deny. */
static void test_policy_eval__default_deny(void **s)
{
    (void)s;
    expect("bob", NULL, "fixture.fetch", "{\"count\":1}", NULL,
           KEEL_VERDICT_DENY, NULL,
           "denied: no permit applies to fixture.fetch for bob");
    expect("bob", STAFF, "fixture.fetch", "{\"count\":1}", NULL,
           KEEL_VERDICT_ALLOW, "staff-fetch", "allowed by rule 'staff-fetch'");
}

/* 2. A forbid beats any permit; approval never overrides a forbid. */
static void test_policy_eval__forbid_beats_permit(void **s)
{
    (void)s;
    expect("ann", STAFF, "exectest.fail", "{\"message\":\"x\"}", NULL,
           KEEL_VERDICT_DENY, "no-fail",
           "denied by rule 'no-fail': Plans may never call exectest.fail.");
    expect("ann", NULL, "fixture.greet", "{\"name\":\"ada\"}", NULL,
           KEEL_VERDICT_APPROVAL, "greet-needs-approval", NULL);
    /* a forbidden flow into the same call denies; approval is not asked */
    expect("ann", NULL, "fixture.greet", "{\"name\":\"ada\",\"to\":\"x@y\"}",
           "exectest.web", KEEL_VERDICT_DENY, "no-web-recipients", NULL);
}

/* 4. Fail closed: a condition that cannot be evaluated inside a forbid
 * denies; inside a permit it does not apply. */
static void test_policy_eval__unevaluable_forbid_condition_denies(void **s)
{
    (void)s;
    expect("bob", NULL, "fixture.echo", "{\"text\":\"hi\"}", NULL,
           KEEL_VERDICT_DENY, "no-numeric-echo", NULL);
}

/* A condition that cannot compare its argument (a list given where one-of
 * lists strings) counts as holding in a forbid: fail closed. */
static void test_policy_eval__one_of_on_a_list_denies_in_a_forbid(void **s)
{
    (void)s;
    const char *text =
        "<policy xmlns=\"urn:keel:policy:1\" id=\"p\">"
        "<permit id=\"send\"><principal any=\"true\"/><action call=\"exectest.send\"/></permit>"
        "<forbid id=\"no-evil-bcc\"><principal any=\"true\"/><action call=\"exectest.send\"/>"
        "<when><one-of arg=\"bcc\" absent=\"allow\"><value>x@evil</value></one-of></when></forbid>"
        "<forbid id=\"no-nan\"><principal user=\"CN=Mallory, DC=X\"/><action call=\"exectest.send\"/></forbid>"
        "</policy>";
    keel_policy *p = ps_policy_texts(k, &text, 1);
    keel_principal who = ps_who("ann", NULL);
    keel_decision d = ps_decide(p, k, &who, "exectest.send",
                                "{\"to\":\"a@corp\",\"bcc\":[\"x@evil\"]}", NULL);
    assert_int_equal(d.verdict, KEEL_VERDICT_DENY);
    assert_string_equal(d.rules[0], "no-evil-bcc");
    d = ps_decide(p, k, &who, "exectest.send", "{\"to\":\"a@corp\"}", NULL);
    assert_int_equal(d.verdict, KEEL_VERDICT_ALLOW);
    /* a user named by DN matches the principal's DN however it is written */
    keel_principal mallory = {"m", "cn=mallory,dc=x", NULL, 0};
    d = ps_decide(p, k, &mallory, "exectest.send", "{\"to\":\"a@corp\"}", NULL);
    assert_int_equal(d.verdict, KEEL_VERDICT_DENY);
    assert_string_equal(d.rules[0], "no-nan");
    keel_policy_free(p);
}

/* Conditions: comparisons, absent arguments, lengths, roles by group DN. */
static void test_policy_eval__conditions_and_roles(void **s)
{
    (void)s;
    /* DNs compare after normalisation */
    expect("bob", FINANCE, "math.mul", "{\"a\":5000,\"b\":2}", NULL,
           KEEL_VERDICT_ALLOW, "finance-big-mul",
           "allowed by rules 'finance-big-mul' and others");
    expect("bob", "cn=STAFF,ou=groups;dc=example,  dc=com", "fixture.fetch",
           "{\"count\":1}", NULL, KEEL_VERDICT_ALLOW, "staff-fetch", NULL);
    expect("bob", "cn=st\\61ff,ou=groups,dc=example,dc=com", "fixture.fetch",
           "{\"count\":1}", NULL, KEEL_VERDICT_ALLOW, "staff-fetch",
           NULL); /* \61 is 'a' */
    /* a malformed or merely similar group DN matches nothing */
    expect("bob", "cn=staff,ou=groups,dc=example,dc=com,", "fixture.fetch",
           "{\"count\":1}", NULL, KEEL_VERDICT_DENY, NULL, NULL);
    expect("bob", "cn=staff\\,ou=groups,dc=example,dc=com", "fixture.fetch",
           "{\"count\":1}", NULL, KEEL_VERDICT_DENY, NULL, NULL);
    expect("bob", NULL, "math.mul", "{\"a\":2000000,\"b\":2}", NULL,
           KEEL_VERDICT_DENY, "no-huge-mul", NULL);
    /* le 10 on count; staff only */
    expect("ann", NULL, "fixture.fetch", "{\"count\":11}", NULL,
           KEEL_VERDICT_DENY, NULL, NULL);
    expect("ann", NULL, "fixture.fetch", "{\"count\":10}", NULL,
           KEEL_VERDICT_ALLOW, "staff-fetch", NULL);
}

/* 5. Flows follow labels, whichever parameter of the sink class holds
 * them: moving an address from to to bcc does not escape the rule. */
static void test_policy_eval__flows_by_sink_class_not_name(void **s)
{
    (void)s;
    const char *who = "ann";
    expect(who, NULL, "exectest.send", "{\"to\":\"a@b\"}", "exectest.web",
           KEEL_VERDICT_DENY, "no-web-recipients", NULL);
    expect(who, NULL, "exectest.send", "{\"to\":\"a@b\",\"bcc\":[\"c@d\"]}",
           "fixture.fetch", KEEL_VERDICT_DENY, "no-web-recipients", NULL);
    /* benign twin: the same call with labels from the user is allowed */
    expect(who, NULL, "exectest.send", "{\"to\":\"a@b\",\"bcc\":[\"c@d\"]}",
           "user", KEEL_VERDICT_ALLOW, "send", NULL);
}

/* 3 and 7. Order independence and the hash; every decision names rules. */
static void test_policy_eval__order_independent_hash_and_rules(void **s)
{
    (void)s;
    const char *a = "<policy xmlns=\"urn:keel:policy:1\" id=\"p\">"
                    "<permit id=\"p1\"><principal any=\"true\"/><action call=\"text.*\"/></permit>"
                    "<forbid id=\"f1\"><principal user=\"eve\"/><action call=\"text.upper\"/></forbid>"
                    "</policy>";
    const char *b1 = "<policy xmlns=\"urn:keel:policy:1\" id=\"q\">"
                     "<forbid id=\"f1\"><principal user=\"eve\"/><action call=\"text.upper\"/></forbid>"
                     "</policy>";
    const char *b2 = "<policy xmlns=\"urn:keel:policy:1\" id=\"r\">"
                     "<permit id=\"p1\"><principal any=\"true\"/><action call=\"text.*\"/></permit>"
                     "</policy>";
    keel_policy *one = ps_policy_texts(k, &a, 1);
    const char *both[] = {b1, b2};
    keel_policy *two = ps_policy_texts(k, both, 2);
    assert_string_equal(keel_policy_hash(one), keel_policy_hash(two));
    assert_int_equal(strlen(keel_policy_hash(one)), 64);
    keel_principal eve = ps_who("eve", NULL), joe = ps_who("joe", NULL);
    keel_decision d1 = ps_decide(one, k, &eve, "text.upper", "{\"text\":\"x\"}", NULL);
    keel_decision d2 = ps_decide(two, k, &eve, "text.upper", "{\"text\":\"x\"}", NULL);
    assert_int_equal(d1.verdict, KEEL_VERDICT_DENY);
    assert_int_equal(d2.verdict, KEEL_VERDICT_DENY);
    assert_string_equal(d1.rules[0], "f1");
    d1 = ps_decide(one, k, &joe, "text.upper", "{\"text\":\"x\"}", NULL);
    assert_int_equal(d1.verdict, KEEL_VERDICT_ALLOW);
    assert_string_equal(d1.rules[0], "p1");
    keel_policy_free(one);
    keel_policy_free(two);
}

/* Limits: the strictest of several files wins. */
static void test_policy_eval__limits_strictest_wins(void **s)
{
    (void)s;
    const char *texts[] = {
        "<policy xmlns=\"urn:keel:policy:1\" id=\"a\"><limits max-steps=\"9\" "
        "max-llm-calls=\"6\" max-cost=\"2.5\"/></policy>",
        "<policy xmlns=\"urn:keel:policy:1\" id=\"b\"><limits max-steps=\"12\" "
        "max-llm-calls=\"4\" max-tokens=\"5000\"/></policy>"};
    keel_policy *p = ps_policy_texts(k, texts, 2);
    keel_policy_limits l;
    keel_policy_get_limits(&l, p);
    assert_int_equal(l.max_steps, 9);
    assert_int_equal(l.max_llm_calls, 4);
    assert_int_equal(l.max_tokens, 5000);
    assert_true(l.max_cost == 2.5);
    keel_policy_free(p);
    keel_policy_get_limits(&l, base);
    assert_int_equal(l.max_steps, 20);
    assert_int_equal(l.max_llm_calls, -1);
}

/* The planner shows the model only functions the principal may call. */
static void test_policy_eval__may_call_hides_what_is_never_permitted(void **s)
{
    (void)s;
    keel_principal bob = ps_who("bob", NULL), ann = ps_who("ann", STAFF);
    assert_true(keel_policy_may_call(base, &bob, keel_kernel_lookup(k, "text.upper")));
    assert_false(keel_policy_may_call(base, &bob, keel_kernel_lookup(k, "fixture.fetch")));
    assert_true(keel_policy_may_call(base, &ann, keel_kernel_lookup(k, "fixture.fetch")));
    /* an unconditional forbid rules a function out even with a permit */
    assert_false(keel_policy_may_call(base, &ann, keel_kernel_lookup(k, "exectest.fail")));
}

/* Approver constraints: roles (sorted, unique, order independent) and
 * "not the requester"; a role nobody holds cannot be satisfied. */
static void test_policy_eval__approver_constraints(void **s)
{
    (void)s;
    static const char *const texts[] = {
        "<policy xmlns='urn:keel:policy:1' id='a'>"
        " <role name='leads'><group dn='cn=leads,dc=x'/></role>"
        " <role name='audit'><group dn='cn=audit,dc=x'/></role>"
        " <permit id='p1'><principal any='true'/><action call='exectest.append'/>"
        "  <require-approval approver-role='leads' not-requester='true'/></permit>"
        " <permit id='p2'><principal any='true'/><action call='exectest.append'/>"
        "  <require-approval approver-role='audit'/></permit>"
        " <permit id='p3'><principal any='true'/><action call='text.upper'/>"
        "  <require-approval/></permit>"
        "</policy>"};
    keel_policy *p = ps_policy_texts(k, texts, 1);
    keel_principal ann = ps_who("ann", NULL);
    keel_decision d = ps_decide(p, k, &ann, "exectest.append",
                                "{\"path\": \"/tmp/x\", \"line\": \"l\"}", NULL);
    assert_int_equal(d.verdict, KEEL_VERDICT_APPROVAL);
    assert_int_equal(d.n_approver_roles, 2);
    assert_string_equal(d.approver_roles[0], "audit");
    assert_string_equal(d.approver_roles[1], "leads");
    assert_true(d.approver_not_requester);
    char why[256];
    static const char *both[] = {"cn=leads,dc=x", "cn=audit,dc=x"};
    keel_principal boss = {"boss", NULL, both, 2};
    keel_principal ann_both = {"ann", NULL, both, 2};
    keel_principal lead = ps_who("lead", "cn=leads,dc=x");
    assert_true(keel_policy_may_approve(why, sizeof(why), p, &d, &ann, &boss));
    assert_false(keel_policy_may_approve(why, sizeof(why), p, &d, &ann, &ann_both));
    assert_string_equal(why, "the policy requires an approver other than the "
                             "requester (ann)");
    assert_false(keel_policy_may_approve(why, sizeof(why), p, &d, &ann, &lead));
    assert_string_equal(why, "the policy requires an approver in role 'audit' "
                             "and lead is not");
    /* no constraint: anyone, the requester too */
    d = ps_decide(p, k, &ann, "text.upper", "{\"text\": \"a\"}", NULL);
    assert_int_equal(d.n_approver_roles, 0);
    assert_false(d.approver_not_requester);
    assert_true(keel_policy_may_approve(why, sizeof(why), p, &d, &ann, &ann));
    keel_policy_free(p);
}

static void test_policy_eval__unknown_approver_role_is_refused(void **s)
{
    (void)s;
    const char *text =
        "<policy xmlns='urn:keel:policy:1' id='a'>"
        " <permit id='p1'><principal any='true'/><action call='text.upper'/>"
        "  <require-approval approver-role='chiefs'/></permit></policy>";
    const char *names[] = {"a.xml"};
    size_t lens[] = {strlen(text)};
    keel_policy *p = NULL;
    keel_diags d;
    keel_diags_init(&d);
    assert_int_equal(keel_policy_load_texts(&p, names, &text, lens, 1, k, &d),
                     KEEL_EINVAL);
    assert_null(p);
    assert_non_null(strstr(d.items[0].message, "rule 'p1': unknown approver "
                                               "role 'chiefs'"));
    keel_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_eval__default_deny),
        cmocka_unit_test(test_policy_eval__forbid_beats_permit),
        cmocka_unit_test(test_policy_eval__unevaluable_forbid_condition_denies),
        cmocka_unit_test(test_policy_eval__conditions_and_roles),
        cmocka_unit_test(test_policy_eval__one_of_on_a_list_denies_in_a_forbid),
        cmocka_unit_test(test_policy_eval__flows_by_sink_class_not_name),
        cmocka_unit_test(test_policy_eval__order_independent_hash_and_rules),
        cmocka_unit_test(test_policy_eval__may_call_hides_what_is_never_permitted),
        cmocka_unit_test(test_policy_eval__limits_strictest_wins),
        cmocka_unit_test(test_policy_eval__approver_constraints),
        cmocka_unit_test(test_policy_eval__unknown_approver_role_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
