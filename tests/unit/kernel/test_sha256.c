/*
 * test_sha256.c - SHA-256 against the FIPS 180-4 test vectors, and
 * canonical JSON, which the plan hash is taken over.
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

static void test_sha256__fips_vectors(void **s)
{
    (void)s;
    char hex[65];
    keel_sha256_hex(hex, "", 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    keel_sha256_hex(hex, "abc", 3);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    keel_sha256_hex(hex, two, strlen(two));
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256__million_a_in_pieces(void **s)
{
    (void)s;
    keel_sha256_ctx c;
    unsigned char d[32];
    char chunk[1001];
    memset(chunk, 'a', sizeof(chunk));
    keel_sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        keel_sha256_update(&c, chunk, (size_t)(i % 2 ? 999 : 1001));
    keel_sha256_final(&c, d);
    static const unsigned char want[32] = {
        0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7,
        0xe2, 0x84, 0xd7, 0x3e, 0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97,
        0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0};
    assert_memory_equal(d, want, 32);
}

static void test_sha256__canonical_json_ignores_order_and_space(void **s)
{
    (void)s;
    keel_value *a = ts_json("{ \"b\": [1, {\"z\": 2.50, \"y\": null}], \"a\": \"x\" }");
    keel_value *b = ts_json("{\"a\":\"x\",\"b\":[1,{\"y\":null,\"z\":2.5}]}");
    char *ca = NULL, *cb = NULL;
    assert_int_equal(keel_value_to_canonical_json(&ca, a), 0);
    assert_int_equal(keel_value_to_canonical_json(&cb, b), 0);
    assert_string_equal(ca, "{\"a\":\"x\",\"b\":[1,{\"y\":null,\"z\":2.5}]}");
    assert_string_equal(ca, cb);
    keel_free(ca);
    keel_free(cb);
    keel_value_unref(a);
    keel_value_unref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256__fips_vectors),
        cmocka_unit_test(test_sha256__million_a_in_pieces),
        cmocka_unit_test(test_sha256__canonical_json_ignores_order_and_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
