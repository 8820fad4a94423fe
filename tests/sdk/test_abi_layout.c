/*
 * test_abi_layout.c - the plugin ABI cannot change without a version bump.
 *
 * Plugins are compiled separately from the host, so the layout of every
 * struct in <keel/plugin.h> is part of the ABI. This file records that
 * layout (sizeof, and offsetof and sizeof of every member) for each ABI
 * version, measured once on x86_64 Linux (LP64), and compares it with what
 * the compiler sees now:
 *
 *   - For the current KEEL_ABI_MAJOR.KEEL_ABI_MINOR the measured layout must
 *     equal the recorded one exactly. Changing a struct without bumping the
 *     version fails here.
 *   - Every older recorded version of the same major must still be a prefix
 *     of the current layout: members keep their offset and size, structs
 *     only grow (append-only growth within a major).
 *   - A version with no recorded layout fails with "add one".
 *
 * Bumping the ABI: add the new members to measured[] below, run this test,
 * and append a layout_X_Y[] table built from the rows it reports, plus a
 * row in recorded[].
 */
#include <keel/plugin.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
/* cmocka must come after the headers above */
#include <cmocka.h>

/* One row: a member of a struct, or (member NULL) the struct itself.
 * align is only filled in for measured struct rows. */
typedef struct layout_row {
    const char *type;
    const char *member;
    size_t offset;
    size_t size;
    size_t align;
} layout_row;

typedef struct abi_layout {
    unsigned major;
    unsigned minor;
    const layout_row *rows;
    size_t n_rows;
} abi_layout;

/* clang-format off */
#define SIZE(T, size) {#T, NULL, 0, size, 0}
#define ROW(T, m, offset, size) {#T, #m, offset, size, 0}
/* clang-format on */

/* ---- recorded layouts (x86_64 LP64); append-only ---------------------- */

static const layout_row layout_1_0[] = {
    SIZE(keel_abi_stamp, 20),
    ROW(keel_abi_stamp, magic, 0, 4),
    ROW(keel_abi_stamp, major, 4, 2),
    ROW(keel_abi_stamp, minor, 6, 2),
    ROW(keel_abi_stamp, sizeof_plugin, 8, 4),
    ROW(keel_abi_stamp, sizeof_function, 12, 4),
    ROW(keel_abi_stamp, sizeof_param, 16, 4),
    SIZE(keel_param, 56),
    ROW(keel_param, name, 0, 8),
    ROW(keel_param, type, 8, 4),
    ROW(keel_param, description, 16, 8),
    ROW(keel_param, required, 24, 1),
    ROW(keel_param, default_json, 32, 8),
    ROW(keel_param, schema, 40, 8),
    ROW(keel_param, sink, 48, 8),
    SIZE(keel_function, 64),
    ROW(keel_function, name, 0, 8),
    ROW(keel_function, description, 8, 8),
    ROW(keel_function, params, 16, 8),
    ROW(keel_function, n_params, 24, 8),
    ROW(keel_function, returns, 32, 4),
    ROW(keel_function, returns_schema, 40, 8),
    ROW(keel_function, effects, 48, 4),
    ROW(keel_function, untrusted_output, 52, 1),
    ROW(keel_function, fn, 56, 8),
    SIZE(keel_plugin, 80),
    ROW(keel_plugin, abi, 0, 20),
    ROW(keel_plugin, name, 24, 8),
    ROW(keel_plugin, version, 32, 8),
    ROW(keel_plugin, description, 40, 8),
    ROW(keel_plugin, functions, 48, 8),
    ROW(keel_plugin, n_functions, 56, 8),
    ROW(keel_plugin, init, 64, 8),
    ROW(keel_plugin, fini, 72, 8),
    SIZE(keel_host_api, 232),
    ROW(keel_host_api, abi_major, 0, 2),
    ROW(keel_host_api, abi_minor, 2, 2),
    ROW(keel_host_api, size, 4, 4),
    ROW(keel_host_api, type_of, 8, 8),
    ROW(keel_host_api, get_bool, 16, 8),
    ROW(keel_host_api, get_int, 24, 8),
    ROW(keel_host_api, get_float, 32, 8),
    ROW(keel_host_api, get_number, 40, 8),
    ROW(keel_host_api, get_string, 48, 8),
    ROW(keel_host_api, list_len, 56, 8),
    ROW(keel_host_api, list_at, 64, 8),
    ROW(keel_host_api, object_len, 72, 8),
    ROW(keel_host_api, object_key_at, 80, 8),
    ROW(keel_host_api, object_value_at, 88, 8),
    ROW(keel_host_api, object_get, 96, 8),
    ROW(keel_host_api, new_null, 104, 8),
    ROW(keel_host_api, new_bool, 112, 8),
    ROW(keel_host_api, new_int, 120, 8),
    ROW(keel_host_api, new_float, 128, 8),
    ROW(keel_host_api, new_string, 136, 8),
    ROW(keel_host_api, new_list, 144, 8),
    ROW(keel_host_api, new_object, 152, 8),
    ROW(keel_host_api, list_append, 160, 8),
    ROW(keel_host_api, object_set, 168, 8),
    ROW(keel_host_api, parse_json, 176, 8),
    ROW(keel_host_api, to_json, 184, 8),
    ROW(keel_host_api, set_error, 192, 8),
    ROW(keel_host_api, log, 200, 8),
    ROW(keel_host_api, call_alloc, 208, 8),
    ROW(keel_host_api, plugin_state, 216, 8),
    ROW(keel_host_api, canceled, 224, 8),
};

/* 1.1: the host API gains directory (lookups through the host). */
static const layout_row layout_1_1[] = {
    SIZE(keel_abi_stamp, 20),
    ROW(keel_abi_stamp, magic, 0, 4),
    ROW(keel_abi_stamp, major, 4, 2),
    ROW(keel_abi_stamp, minor, 6, 2),
    ROW(keel_abi_stamp, sizeof_plugin, 8, 4),
    ROW(keel_abi_stamp, sizeof_function, 12, 4),
    ROW(keel_abi_stamp, sizeof_param, 16, 4),
    SIZE(keel_param, 56),
    ROW(keel_param, name, 0, 8),
    ROW(keel_param, type, 8, 4),
    ROW(keel_param, description, 16, 8),
    ROW(keel_param, required, 24, 1),
    ROW(keel_param, default_json, 32, 8),
    ROW(keel_param, schema, 40, 8),
    ROW(keel_param, sink, 48, 8),
    SIZE(keel_function, 64),
    ROW(keel_function, name, 0, 8),
    ROW(keel_function, description, 8, 8),
    ROW(keel_function, params, 16, 8),
    ROW(keel_function, n_params, 24, 8),
    ROW(keel_function, returns, 32, 4),
    ROW(keel_function, returns_schema, 40, 8),
    ROW(keel_function, effects, 48, 4),
    ROW(keel_function, untrusted_output, 52, 1),
    ROW(keel_function, fn, 56, 8),
    SIZE(keel_plugin, 80),
    ROW(keel_plugin, abi, 0, 20),
    ROW(keel_plugin, name, 24, 8),
    ROW(keel_plugin, version, 32, 8),
    ROW(keel_plugin, description, 40, 8),
    ROW(keel_plugin, functions, 48, 8),
    ROW(keel_plugin, n_functions, 56, 8),
    ROW(keel_plugin, init, 64, 8),
    ROW(keel_plugin, fini, 72, 8),
    SIZE(keel_host_api, 240),
    ROW(keel_host_api, abi_major, 0, 2),
    ROW(keel_host_api, abi_minor, 2, 2),
    ROW(keel_host_api, size, 4, 4),
    ROW(keel_host_api, type_of, 8, 8),
    ROW(keel_host_api, get_bool, 16, 8),
    ROW(keel_host_api, get_int, 24, 8),
    ROW(keel_host_api, get_float, 32, 8),
    ROW(keel_host_api, get_number, 40, 8),
    ROW(keel_host_api, get_string, 48, 8),
    ROW(keel_host_api, list_len, 56, 8),
    ROW(keel_host_api, list_at, 64, 8),
    ROW(keel_host_api, object_len, 72, 8),
    ROW(keel_host_api, object_key_at, 80, 8),
    ROW(keel_host_api, object_value_at, 88, 8),
    ROW(keel_host_api, object_get, 96, 8),
    ROW(keel_host_api, new_null, 104, 8),
    ROW(keel_host_api, new_bool, 112, 8),
    ROW(keel_host_api, new_int, 120, 8),
    ROW(keel_host_api, new_float, 128, 8),
    ROW(keel_host_api, new_string, 136, 8),
    ROW(keel_host_api, new_list, 144, 8),
    ROW(keel_host_api, new_object, 152, 8),
    ROW(keel_host_api, list_append, 160, 8),
    ROW(keel_host_api, object_set, 168, 8),
    ROW(keel_host_api, parse_json, 176, 8),
    ROW(keel_host_api, to_json, 184, 8),
    ROW(keel_host_api, set_error, 192, 8),
    ROW(keel_host_api, log, 200, 8),
    ROW(keel_host_api, call_alloc, 208, 8),
    ROW(keel_host_api, plugin_state, 216, 8),
    ROW(keel_host_api, canceled, 224, 8),
    ROW(keel_host_api, directory, 232, 8),
};

/* Oldest first; the last entry is the newest recorded version. */
static const abi_layout recorded[] = {
    {1, 0, layout_1_0, sizeof(layout_1_0) / sizeof(layout_1_0[0])},
    {1, 1, layout_1_1, sizeof(layout_1_1) / sizeof(layout_1_1[0])},
};
static const size_t n_recorded = sizeof(recorded) / sizeof(recorded[0]);

/* ---- the layout as this compiler sees the header now ------------------ */

/* clang-format off */
#define MSIZE(T) {#T, NULL, 0, sizeof(T), _Alignof(T)}
#define MROW(T, m) {#T, #m, offsetof(T, m), sizeof(((T *)0)->m), 0}
/* clang-format on */

/* Every member of every ABI struct, in declaration order. A member added
 * to the header but not here changes the struct's size, which the exact
 * comparison and test_abi_layout__measured_rows_cover_every_struct catch. */
/* sizeof of pointer members is the point here, hence the NOLINT. */
/* NOLINTBEGIN(bugprone-sizeof-expression) */
static const layout_row measured[] = {
    MSIZE(keel_abi_stamp),
    MROW(keel_abi_stamp, magic),
    MROW(keel_abi_stamp, major),
    MROW(keel_abi_stamp, minor),
    MROW(keel_abi_stamp, sizeof_plugin),
    MROW(keel_abi_stamp, sizeof_function),
    MROW(keel_abi_stamp, sizeof_param),
    MSIZE(keel_param),
    MROW(keel_param, name),
    MROW(keel_param, type),
    MROW(keel_param, description),
    MROW(keel_param, required),
    MROW(keel_param, default_json),
    MROW(keel_param, schema),
    MROW(keel_param, sink),
    MSIZE(keel_function),
    MROW(keel_function, name),
    MROW(keel_function, description),
    MROW(keel_function, params),
    MROW(keel_function, n_params),
    MROW(keel_function, returns),
    MROW(keel_function, returns_schema),
    MROW(keel_function, effects),
    MROW(keel_function, untrusted_output),
    MROW(keel_function, fn),
    MSIZE(keel_plugin),
    MROW(keel_plugin, abi),
    MROW(keel_plugin, name),
    MROW(keel_plugin, version),
    MROW(keel_plugin, description),
    MROW(keel_plugin, functions),
    MROW(keel_plugin, n_functions),
    MROW(keel_plugin, init),
    MROW(keel_plugin, fini),
    MSIZE(keel_host_api),
    MROW(keel_host_api, abi_major),
    MROW(keel_host_api, abi_minor),
    MROW(keel_host_api, size),
    MROW(keel_host_api, type_of),
    MROW(keel_host_api, get_bool),
    MROW(keel_host_api, get_int),
    MROW(keel_host_api, get_float),
    MROW(keel_host_api, get_number),
    MROW(keel_host_api, get_string),
    MROW(keel_host_api, list_len),
    MROW(keel_host_api, list_at),
    MROW(keel_host_api, object_len),
    MROW(keel_host_api, object_key_at),
    MROW(keel_host_api, object_value_at),
    MROW(keel_host_api, object_get),
    MROW(keel_host_api, new_null),
    MROW(keel_host_api, new_bool),
    MROW(keel_host_api, new_int),
    MROW(keel_host_api, new_float),
    MROW(keel_host_api, new_string),
    MROW(keel_host_api, new_list),
    MROW(keel_host_api, new_object),
    MROW(keel_host_api, list_append),
    MROW(keel_host_api, object_set),
    MROW(keel_host_api, parse_json),
    MROW(keel_host_api, to_json),
    MROW(keel_host_api, set_error),
    MROW(keel_host_api, log),
    MROW(keel_host_api, call_alloc),
    MROW(keel_host_api, plugin_state),
    MROW(keel_host_api, canceled),
    MROW(keel_host_api, directory),
};
/* NOLINTEND(bugprone-sizeof-expression) */
static const size_t n_measured = sizeof(measured) / sizeof(measured[0]);

/* The version this test is compiled against, as values rather than macros
 * so comparisons stay well-typed whatever the numbers are. */
static const unsigned abi_major = KEEL_ABI_MAJOR;
static const unsigned abi_minor = KEEL_ABI_MINOR;

/* ---- helpers ----------------------------------------------------------- */

static bool same_name(const layout_row *a, const layout_row *b)
{
    if (strcmp(a->type, b->type) != 0)
        return false;
    if (!a->member || !b->member)
        return a->member == b->member;
    return strcmp(a->member, b->member) == 0;
}

static const layout_row *find_row(const layout_row *rows, size_t n,
                                  const layout_row *key)
{
    for (size_t i = 0; i < n; i++)
        if (same_name(&rows[i], key))
            return &rows[i];
    return NULL;
}

static void print_row(const char *what, const layout_row *r)
{
    if (r->member)
        print_error("  %s %s.%s: offset %zu, size %zu\n", what, r->type,
                    r->member, r->offset, r->size);
    else
        print_error("  %s sizeof(%s): %zu\n", what, r->type, r->size);
}

/* True for a recorded version that the current one must still contain:
 * same major, same or older minor. */
static bool is_ancestor(const abi_layout *l, unsigned major, unsigned minor)
{
    return l->major == major && l->minor <= minor;
}

static const abi_layout *find_recorded(unsigned major, unsigned minor)
{
    for (size_t i = 0; i < n_recorded; i++)
        if (recorded[i].major == major && recorded[i].minor == minor)
            return &recorded[i];
    return NULL;
}

/* The recorded tables hold LP64 values; elsewhere they would mismatch for
 * reasons that are not ABI changes, so say so instead. */
static void require_lp64(void)
{
    if (sizeof(void *) != 8 || sizeof(size_t) != 8 || sizeof(long) != 8 ||
        sizeof(int) != 4 || sizeof(bool) != 1)
        fail_msg("the recorded ABI layouts are for LP64 (x86_64, aarch64); "
                 "this platform needs its own table");
}

/* Number of rows of want that differ from (or are missing in) have. With
 * exact, rows of have that want lacks count too. */
static size_t compare(const layout_row *want, size_t n_want,
                      const layout_row *have, size_t n_have, bool exact,
                      unsigned major, unsigned minor)
{
    size_t bad = 0;
    for (size_t i = 0; i < n_want; i++) {
        const layout_row *h = find_row(have, n_have, &want[i]);
        bool ok;
        if (!h)
            ok = false;
        else if (!want[i].member && !exact) /* structs may grow */
            ok = h->size >= want[i].size;
        else
            ok = h->offset == want[i].offset && h->size == want[i].size;
        if (ok)
            continue;
        if (bad++ == 0)
            print_error("layout differs from the one recorded for ABI "
                        "%u.%u:\n",
                        major, minor);
        print_row("recorded", &want[i]);
        if (h)
            print_row("now     ", h);
        else
            print_error("  now      (member gone)\n");
    }
    for (size_t i = 0; exact && i < n_have; i++)
        if (!find_row(want, n_want, &have[i])) {
            if (bad++ == 0)
                print_error("layout differs from the one recorded for ABI "
                            "%u.%u:\n",
                            major, minor);
            print_row("new     ", &have[i]);
        }
    return bad;
}

/* ---- tests ------------------------------------------------------------- */

static void test_abi_layout__current_version_is_recorded(void **state)
{
    (void)state;
    const abi_layout *last = &recorded[n_recorded - 1];
    if (!find_recorded(abi_major, abi_minor))
        fail_msg("ABI version %u.%u has no recorded layout: add one "
                 "(newest recorded: %u.%u; see the top of %s)",
                 abi_major, abi_minor, last->major, last->minor, __FILE__);
}

static void test_abi_layout__matches_recorded_layout_exactly(void **state)
{
    (void)state;
    require_lp64();
    const abi_layout *rec = find_recorded(abi_major, abi_minor);
    if (!rec)
        fail_msg("ABI version %u.%u has no recorded layout: add one", abi_major,
                 abi_minor);
    size_t bad = compare(rec->rows, rec->n_rows, measured, n_measured, true,
                         rec->major, rec->minor);
    if (bad)
        fail_msg("%zu layout difference(s) under ABI %u.%u: bump "
                 "KEEL_ABI_MINOR for an append, KEEL_ABI_MAJOR for anything "
                 "else, and record the new layout",
                 bad, rec->major, rec->minor);
}

/* Within a major, every older minor's layout must survive unchanged at the
 * front of each struct. */
static void test_abi_layout__older_minors_are_prefixes(void **state)
{
    (void)state;
    require_lp64();
    size_t bad = 0;
    for (size_t i = 0; i < n_recorded; i++)
        if (is_ancestor(&recorded[i], abi_major, abi_minor))
            bad += compare(recorded[i].rows, recorded[i].n_rows, measured,
                           n_measured, false, recorded[i].major,
                           recorded[i].minor);
    if (bad)
        fail_msg("%zu member(s) moved or changed size within ABI major %u: "
                 "that needs a major bump",
                 bad, abi_major);
}

/* The recorded tables themselves: oldest first, and each newer minor of a
 * major extends the previous one. */
static void test_abi_layout__recorded_tables_are_append_only(void **state)
{
    (void)state;
    for (size_t i = 1; i < n_recorded; i++) {
        const abi_layout *a = &recorded[i - 1], *b = &recorded[i];
        assert_true(b->major > a->major ||
                    (b->major == a->major && b->minor > a->minor));
        if (b->major == a->major)
            assert_int_equal(compare(a->rows, a->n_rows, b->rows, b->n_rows,
                                     false, a->major, a->minor),
                             0);
    }
}

/* measured[] must list every member: past the last listed member there may
 * only be tail padding, less than the struct's alignment. Otherwise a new
 * member was added to the header but not here, and would be missing from
 * the layout recorded for the next version. */
static void test_abi_layout__measured_rows_cover_every_struct(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_measured; i++) {
        const layout_row *s = &measured[i];
        if (s->member)
            continue;
        size_t end = 0;
        for (size_t j = 0; j < n_measured; j++)
            if (measured[j].member && strcmp(measured[j].type, s->type) == 0 &&
                measured[j].offset + measured[j].size > end)
                end = measured[j].offset + measured[j].size;
        if (end > s->size || s->size - end >= s->align)
            fail_msg("%s is %zu bytes but its listed members end at %zu: "
                     "add the new members to measured[] in %s",
                     s->type, s->size, end, __FILE__);
    }
}

static void test_abi_layout__host_api_starts_with_version_and_size(void **state)
{
    (void)state;
    assert_int_equal(offsetof(keel_host_api, abi_major), 0);
    assert_int_equal(sizeof(((keel_host_api *)0)->abi_major), 2);
    assert_int_equal(offsetof(keel_host_api, abi_minor), 2);
    assert_int_equal(sizeof(((keel_host_api *)0)->abi_minor), 2);
    assert_int_equal(offsetof(keel_host_api, size), 4);
    assert_int_equal(sizeof(((keel_host_api *)0)->size), 4);
    /* the stamp leads the descriptor, magic first */
    assert_int_equal(offsetof(keel_plugin, abi), 0);
    assert_int_equal(offsetof(keel_abi_stamp, magic), 0);
    assert_int_equal(KEEL_ABI_MAGIC, 0x4b45454cu);
}

static void test_abi_layout__api_has_tests_against_size(void **state)
{
    (void)state;
    keel_host_api api;
    memset(&api, 0, sizeof(api));
    api.size = (uint32_t)sizeof(api);
    assert_true(KEEL_API_HAS(&api, canceled));
    /* a host table that ends before canceled */
    api.size = (uint32_t)offsetof(keel_host_api, canceled);
    assert_false(KEEL_API_HAS(&api, canceled));
    assert_true(KEEL_API_HAS(&api, plugin_state));
}

/* Error codes are append-only: never renumbered, never reused. */
static void test_abi_layout__error_codes_keep_their_values(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int have;
        int want;
    } codes[] = {
        {"KEEL_OK", KEEL_OK, 0},
        {"KEEL_EINVAL", KEEL_EINVAL, -1},
        {"KEEL_ENOMEM", KEEL_ENOMEM, -2},
        {"KEEL_ENOTFOUND", KEEL_ENOTFOUND, -3},
        {"KEEL_EIO", KEEL_EIO, -4},
        {"KEEL_EABI", KEEL_EABI, -5},
        {"KEEL_EUNSAFE", KEEL_EUNSAFE, -6},
        {"KEEL_EEXISTS", KEEL_EEXISTS, -7},
        {"KEEL_ETYPE", KEEL_ETYPE, -8},
        {"KEEL_ERANGE", KEEL_ERANGE, -9},
        {"KEEL_EFAILED", KEEL_EFAILED, -10},
        {"KEEL_EPLUGIN", KEEL_EPLUGIN, -11},
        {"KEEL_EDENIED", KEEL_EDENIED, -12},
        {"KEEL_EAPPROVAL", KEEL_EAPPROVAL, -13},
        {"KEEL_EUNAVAIL", KEEL_EUNAVAIL, -14},
        {"KEEL_EAUTH", KEEL_EAUTH, -15},
        {"KEEL_ETIMEOUT", KEEL_ETIMEOUT, -16},
        {"KEEL_ECANCELED", KEEL_ECANCELED, -17},
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].have != codes[i].want)
            fail_msg("%s is %d, documented as %d: error codes are "
                     "append-only",
                     codes[i].name, codes[i].have, codes[i].want);
}

static void test_abi_layout__type_and_flag_values_are_fixed(void **state)
{
    (void)state;
    assert_int_equal(KEEL_TYPE_NULL, 0);
    assert_int_equal(KEEL_TYPE_BOOL, 1);
    assert_int_equal(KEEL_TYPE_INT, 2);
    assert_int_equal(KEEL_TYPE_FLOAT, 3);
    assert_int_equal(KEEL_TYPE_STRING, 4);
    assert_int_equal(KEEL_TYPE_LIST, 5);
    assert_int_equal(KEEL_TYPE_OBJECT, 6);
    assert_int_equal(KEEL_TYPE_ANY, 7);
    assert_int_equal(KEEL_EFFECT_READS, 0x01);
    assert_int_equal(KEEL_EFFECT_WRITES, 0x02);
    assert_int_equal(KEEL_EFFECT_NETWORK, 0x04);
    assert_int_equal(KEEL_EFFECT_DESTRUCTIVE, 0x08);
    assert_int_equal(KEEL_EFFECT_IDEMPOTENT, 0x10);
    assert_int_equal(KEEL_LOG_DEBUG, 0);
    assert_int_equal(KEEL_LOG_INFO, 1);
    assert_int_equal(KEEL_LOG_WARN, 2);
    assert_int_equal(KEEL_LOG_ERROR, 3);
    assert_string_equal(KEEL_PLUGIN_ENTRY_NAME, "keel_plugin_entry");
}

/* KEEL_ABI_STAMP records the version and the sizes this compiler used. */
static void test_abi_layout__stamp_records_version_and_sizes(void **state)
{
    (void)state;
    static const keel_plugin p = {KEEL_ABI_STAMP, "p", "1",  "d",
                                  NULL,           0,   NULL, NULL};
    assert_int_equal(p.abi.magic, KEEL_ABI_MAGIC);
    assert_int_equal(p.abi.major, KEEL_ABI_MAJOR);
    assert_int_equal(p.abi.minor, KEEL_ABI_MINOR);
    assert_int_equal(p.abi.sizeof_plugin, sizeof(keel_plugin));
    assert_int_equal(p.abi.sizeof_function, sizeof(keel_function));
    assert_int_equal(p.abi.sizeof_param, sizeof(keel_param));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abi_layout__current_version_is_recorded),
        cmocka_unit_test(test_abi_layout__matches_recorded_layout_exactly),
        cmocka_unit_test(test_abi_layout__older_minors_are_prefixes),
        cmocka_unit_test(test_abi_layout__recorded_tables_are_append_only),
        cmocka_unit_test(test_abi_layout__measured_rows_cover_every_struct),
        cmocka_unit_test(
            test_abi_layout__host_api_starts_with_version_and_size),
        cmocka_unit_test(test_abi_layout__api_has_tests_against_size),
        cmocka_unit_test(test_abi_layout__error_codes_keep_their_values),
        cmocka_unit_test(test_abi_layout__type_and_flag_values_are_fixed),
        cmocka_unit_test(test_abi_layout__stamp_records_version_and_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
