/*
 * fuzz_journal.c - libFuzzer target for reading a run journal: any bytes
 * are refused or read, never crash; a journal that reads must keep
 * reading the same after appending to it, and each record it returns must
 * give back its value from its labels map.
 */
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void relabel_outputs(const keel_value *recs)
{
    for (size_t i = 0; i < keel_value_len(recs); i++) {
        const keel_value *r = keel_value_list_at(recs, i);
        const keel_value *out = keel_value_object_get(r, "output");
        const keel_value *map = keel_value_object_get(r, "labels");
        keel_value *back = NULL;
        if (out && map && keel_value_relabel(&back, out, map) == 0 &&
            !keel_value_equal(back, out))
            abort(); /* labels never change the value */
        keel_value_unref(back);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/fuzz-journal-%d", getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    keel_value *recs = NULL;
    keel_error err = {0};
    bool torn = false;
    int rc = keel_journal_read(&recs, &torn, path, "fuzz", &err);
    if (rc == 0) {
        relabel_outputs(recs);
        size_t n = keel_value_len(recs);
        keel_journal *j = NULL;
        keel_value *ev = keel_value_object(), *again = NULL;
        keel_value_object_set_take(ev, "event", keel_value_cstring("x"));
        if (keel_journal_open(&j, path, "fuzz", false, &err) != 0 ||
            keel_journal_append(j, ev, NULL, true, &err) != 0)
            abort(); /* a journal that reads can be appended to */
        keel_journal_close(j);
        if (keel_journal_read(&again, &torn, path, "fuzz", &err) != 0 ||
            keel_value_len(again) != n + 1 || torn)
            abort();
        keel_value_unref(again);
        keel_value_unref(ev);
    } else if (!err.msg[0]) {
        abort(); /* a refusal says why */
    }
    keel_value_unref(recs);
    unlink(path);
    return 0;
}
