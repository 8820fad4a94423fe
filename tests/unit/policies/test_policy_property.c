/*
 * test_policy_property.c - order independence as a property: random
 * policies and random requests, each policy loaded once as written and once
 * with its rules shuffled and split over two files. Every decision (verdict
 * and rule ids) must be the same. 100 policies x 100 requests = 10,000
 * cases per run, from a seed that is printed (KEEL_SEED=N replays one).
 */
#include "policy_support.h"

#define POLICIES 100
#define REQUESTS 100
#define MAX_RULES 10

/* A small deterministic generator (xorshift64*), so runs are reproducible. */
static uint64_t state;

static uint64_t next(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(next() % n);
}

static const char *const fns[] = {"math.add", "math.mul", "text.upper",
                                  "text.lower"};
static const char *const users[] = {"u1", "u2", "u3"};
static const char *const groups[] = {"cn=g1,dc=x", "cn=g2,dc=x", "cn=g3,dc=x"};

static void principal(char *b, size_t cap)
{
    switch (pick(4)) {
    case 0:
        snprintf(b, cap, "<principal any=\"true\"/>");
        break;
    case 1:
        snprintf(b, cap, "<principal user=\"%s\"/>", users[pick(3)]);
        break;
    default:
        snprintf(b, cap, "<principal role=\"r%u\"/>", pick(2) + 1);
    }
}

/* A condition on fn's arguments, or "" for none. */
static void condition(char *b, size_t cap, unsigned fn)
{
    static const char *const num_ops[] = {"le", "gt", "eq", "ne"};
    const char *absent = pick(2) ? "allow" : "deny";
    if (pick(2) == 0)
        b[0] = '\0';
    else if (fn < 2)
        snprintf(b, cap, "<when><%s arg=\"%s\" value=\"%u\" absent=\"%s\"/></when>",
                 num_ops[pick(4)], pick(2) ? "a" : "b", pick(10), absent);
    else if (pick(2))
        snprintf(b, cap, "<when><length arg=\"text\" max=\"%u\"/></when>", pick(5));
    else
        snprintf(b, cap, "<when><prefix arg=\"text\" value=\"%c\" absent=\"%s\"/></when>",
                 'a' + pick(3), absent);
}

static void rule(char *b, size_t cap, unsigned i)
{
    char pr[128], cond[256];
    unsigned fn = pick(4);
    bool forbid = pick(3) == 0, glob = pick(4) == 0;
    principal(pr, sizeof(pr));
    condition(cond, sizeof(cond), fn);
    char call[32];
    snprintf(call, sizeof(call), "%s", fns[fn]);
    if (glob)
        strcpy(strchr(call, '.') + 1, "*");
    snprintf(b, cap, "<%s id=\"r%02u\">%s<action call=\"%s\"/>%s%s</%s>",
             forbid ? "forbid" : "permit", i, pr, call, glob ? "" : cond,
             !forbid && pick(4) == 0 ? "<require-approval/>" : "",
             forbid ? "forbid" : "permit");
}

static const char roles[] =
    "<role name=\"r1\"><group dn=\"cn=g1,dc=x\"/><user uid=\"u3\"/></role>"
    "<role name=\"r2\"><group dn=\"CN=G2, DC=X\"/></role>";

static void same_decision(const keel_decision *a, const keel_decision *b,
                          uint64_t seed, size_t p, size_t r)
{
    bool same = a->verdict == b->verdict && a->n_rules == b->n_rules;
    for (size_t i = 0; same && i < a->n_rules; i++)
        same = strcmp(a->rules[i], b->rules[i]) == 0;
    if (!same)
        fail_msg("seed %llu, policy %zu, request %zu: '%s' vs '%s'",
                 (unsigned long long)seed, p, r, a->reason, b->reason);
}

static void test_policy_property__shuffling_and_splitting_change_nothing(void **s)
{
    (void)s;
    keel_kernel *k = ts_kernel_all();
    const char *env = getenv("KEEL_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 10) : 20261124;
    state = seed ? seed : 1;
    print_message("policy property test: seed %llu\n", (unsigned long long)seed);
    static char rules[MAX_RULES][512];
    static char one[8192], part1[8192], part2[8192];
    size_t cases = 0, verdicts[3] = {0};
    for (size_t p = 0; p < POLICIES; p++) {
        unsigned n = 1 + pick(MAX_RULES);
        for (unsigned i = 0; i < n; i++)
            rule(rules[i], sizeof(rules[i]), i);
        snprintf(one, sizeof(one), "<policy xmlns=\"urn:keel:policy:1\" id=\"a\">%s", roles);
        for (unsigned i = 0; i < n; i++)
            strcat(one, rules[i]);
        strcat(one, "</policy>");
        unsigned order[MAX_RULES];
        for (unsigned i = 0; i < n; i++)
            order[i] = i;
        for (unsigned i = n; i > 1; i--) { /* Fisher-Yates */
            unsigned j = pick(i), t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        unsigned cut = pick(n + 1);
        snprintf(part1, sizeof(part1), "<policy xmlns=\"urn:keel:policy:1\" id=\"b\">");
        snprintf(part2, sizeof(part2), "<policy xmlns=\"urn:keel:policy:1\" id=\"c\">%s", roles);
        for (unsigned i = 0; i < n; i++)
            strcat(i < cut ? part1 : part2, rules[order[i]]);
        strcat(part1, "</policy>");
        strcat(part2, "</policy>");
        const char *a_texts[] = {one};
        const char *b_texts[] = {part1, part2};
        keel_policy *pa = ps_policy_texts(k, a_texts, 1);
        keel_policy *pb = ps_policy_texts(k, b_texts, 2);
        assert_string_equal(keel_policy_hash(pa), keel_policy_hash(pb));
        for (size_t r = 0; r < REQUESTS; r++, cases++) {
            keel_principal who = ps_who(users[pick(3)],
                                        pick(3) ? groups[pick(3)] : NULL);
            unsigned fn = pick(4);
            char args[128];
            if (fn < 2)
                snprintf(args, sizeof(args), pick(4) ? "{\"a\":%u,\"b\":%u}"
                                                     : "{\"a\":%u}",
                         pick(12), pick(12));
            else
                snprintf(args, sizeof(args), "{\"text\":\"%c%.*s\"}",
                         'a' + pick(4), (int)pick(6), "xxxxxx");
            keel_decision da = ps_decide(pa, k, &who, fns[fn], args, NULL);
            keel_decision db = ps_decide(pb, k, &who, fns[fn], args, NULL);
            same_decision(&da, &db, seed, p, r);
            verdicts[da.verdict]++;
        }
        keel_policy_free(pa);
        keel_policy_free(pb);
    }
    assert_int_equal(cases, 10000);
    print_message("%zu allowed, %zu need approval, %zu denied\n", verdicts[0],
                  verdicts[1], verdicts[2]);
    /* the generator must exercise every outcome, or the property is empty */
    assert_true(verdicts[0] > 500 && verdicts[1] > 100 && verdicts[2] > 500);
    keel_kernel_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_property__shuffling_and_splitting_change_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
