/*
 * journal.c - the hash-chained, append-only JSON-lines journal.
 */
#include "journal.h"

#include "alloc.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOURNAL_BYTES ((size_t)1 << 30)

struct keel_journal {
    int fd;
    bool durable;
    int64_t seq;
    off_t size; /* after the last whole record: a failed append is cut */
    char last[65];
    pthread_mutex_t mu;
};

static void genesis(char out[65], const char *chain_id)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "keel-journal-1:%s", chain_id);
    keel_sha256_hex(out, buf, strlen(buf));
}

/* SHA-256 of the record's canonical JSON without its "hash" member. */
static int record_hash(char out[65], const keel_value *rec)
{
    keel_value *copy = keel_value_object();
    int rc = copy ? 0 : KEEL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < keel_value_len(rec); i++) {
        const char *k = keel_value_object_key_at(rec, i);
        if (strcmp(k, "hash") != 0)
            rc = keel_value_object_set(copy, k,
                                       keel_value_object_value_at(rec, i));
    }
    char *canon = NULL;
    if (rc == 0)
        rc = keel_value_to_canonical_json(&canon, copy);
    if (rc == 0)
        keel_sha256_hex(out, canon, strlen(canon));
    keel_free(canon);
    keel_value_unref(copy);
    return rc;
}

static const char *str_member(const keel_value *v, const char *key)
{
    return keel_value_get_string(keel_value_object_get(v, key), NULL);
}

/* Checks record number seq (1-based) against the chain so far. */
static int verify_one(const keel_value *rec, int64_t seq, const char *prev,
                      const char *where, keel_error *err)
{
    char h[65];
    const keel_value *s = keel_value_object_get(rec, "seq");
    const char *p = str_member(rec, "prev"), *own = str_member(rec, "hash");
    if (keel_value_type(rec) != KEEL_TYPE_OBJECT || !p || !own ||
        keel_value_type(s) != KEEL_TYPE_INT)
        return keel_error_set(err, KEEL_EINVAL, "%s: record %lld is not a "
                              "journal record", where, (long long)seq);
    if (keel_value_get_int(s) != seq || strcmp(p, prev) != 0)
        return keel_error_set(err, KEEL_EINVAL, "%s: record %lld does not "
                              "follow record %lld: a record was removed, "
                              "reordered or edited", where, (long long)seq,
                              (long long)seq - 1);
    if (record_hash(h, rec) != 0)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (strcmp(h, own) != 0)
        return keel_error_set(err, KEEL_EINVAL, "%s: record %lld was edited "
                              "(its hash does not match its content)", where,
                              (long long)seq);
    return 0;
}

/* Reads and verifies text; *good is the length of the verified prefix
 * (whole lines), *last the last good hash. */
static int verify_text(keel_value *list, size_t *good, char last[65],
                       int64_t *count, const char *text, size_t len,
                       const char *path, const char *chain_id,
                       keel_error *err)
{
    genesis(last, chain_id);
    *good = 0;
    *count = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        if (!nl)
            break; /* torn: a crash during the last append */
        size_t n = (size_t)(nl - (text + at));
        char where[600];
        snprintf(where, sizeof(where), "%s:%lld", path, (long long)*count + 1);
        keel_value *rec = NULL;
        keel_error perr = {0};
        if (keel_value_from_json(&rec, text + at, n, &perr) != 0)
            return keel_error_set(err, KEEL_EINVAL, "%s: record %lld is not "
                                  "JSON: %s", where, (long long)*count + 1,
                                  perr.msg);
        int rc = verify_one(rec, *count + 1, last, where, err);
        if (rc == 0) {
            snprintf(last, 65, "%s", str_member(rec, "hash"));
            rc = list ? keel_value_list_append(list, rec) : 0;
        }
        keel_value_unref(rec);
        if (rc)
            return rc;
        (*count)++;
        at += n + 1;
        *good = at;
    }
    return 0;
}

int keel_journal_read_end(keel_value **out, keel_journal_end *end,
                          const char *path, const char *chain_id,
                          keel_error *err)
{
    memset(end, 0, sizeof(*end));
    *out = keel_value_list();
    if (!*out)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    char *text = NULL;
    int rc =
        keel_file_read_owned(&text, &end->len, path, MAX_JOURNAL_BYTES, err);
    if (rc == 0)
        rc = verify_text(*out, &end->good, end->last, &end->seq, text, end->len,
                         path, chain_id, err);
    keel_free(text);
    return rc;
}

int keel_journal_read(keel_value **out, bool *torn, const char *path,
                      const char *chain_id, keel_error *err)
{
    keel_journal_end end;
    int rc = keel_journal_read_end(out, &end, path, chain_id, err);
    *torn = rc == 0 && end.good < end.len;
    return rc;
}

int keel_journal_open_at(keel_journal **out, const char *path,
                         const char *chain_id, const keel_journal_end *end,
                         bool durable, keel_error *err)
{
    *out = NULL;
    keel_journal *j = keel_calloc(1, sizeof(*j));
    if (!j)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    j->durable = durable;
    j->seq = end->seq;
    j->size = (off_t)end->good;
    if (end->seq)
        memcpy(j->last, end->last, 65);
    else
        genesis(j->last, chain_id);
    struct stat st;
    int rc = keel_file_open_private(
        &j->fd, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT, 0600, 022, err);
    if (rc) { /* a missing directory too: it cannot be written */
        rc = rc == KEEL_EUNSAFE ? rc : KEEL_EIO;
        keel_error_prefix(err, "cannot open the journal");
        if (err)
            err->code = rc;
    } else if (fstat(j->fd, &st) != 0)
        rc = keel_error_set(err, KEEL_EIO, "cannot open the journal %s: %s",
                            path, strerror(errno));
    else if ((size_t)st.st_size != end->len)
        rc = keel_error_set(err, KEEL_EINVAL, "%s: written to since it was "
                            "read", path);
    else if (end->good < end->len && ftruncate(j->fd, (off_t)end->good) != 0)
        rc = keel_error_set(err, KEEL_EIO, "%s: cannot cut the torn last "
                            "record: %s", path, strerror(errno));
    if (rc) {
        if (j->fd >= 0)
            close(j->fd);
        keel_free(j);
        return rc;
    }
    pthread_mutex_init(&j->mu, NULL);
    *out = j;
    return 0;
}

/* Reads and verifies what is there (a missing journal is an empty one),
 * then goes on from its end as keel_journal_open_at does. */
int keel_journal_open(keel_journal **out, const char *path,
                      const char *chain_id, bool durable, keel_error *err)
{
    *out = NULL;
    keel_value *recs = NULL;
    keel_journal_end end;
    int rc = keel_journal_read_end(&recs, &end, path, chain_id, err);
    keel_value_unref(recs);
    if (rc == KEEL_ENOTFOUND) {
        memset(&end, 0, sizeof(end));
        memset(err, 0, sizeof(*err));
        rc = 0;
    }
    return rc ? rc : keel_journal_open_at(out, path, chain_id, &end, durable,
                                          err);
}

void keel_journal_close(keel_journal *j)
{
    if (!j)
        return;
    close(j->fd);
    pthread_mutex_destroy(&j->mu);
    keel_free(j);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The record as it will be written: the caller's members, then ours. */
static int seal(char **line, char hash[65], keel_value **sealed,
                keel_journal *j, const keel_value *record)
{
    keel_value *r = keel_value_object();
    int rc = r ? 0 : KEEL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < keel_value_len(record); i++)
        rc = keel_value_object_set(r, keel_value_object_key_at(record, i),
                                   keel_value_object_value_at(record, i));
    if (rc == 0)
        rc = keel_value_object_set_take(r, "seq", keel_value_int(j->seq + 1));
    if (rc == 0)
        rc = keel_value_object_set_take(r, "t", keel_value_int(wall_ms()));
    if (rc == 0)
        rc = keel_value_object_set_take(r, "prev", keel_value_cstring(j->last));
    if (rc == 0)
        rc = record_hash(hash, r);
    if (rc == 0)
        rc = keel_value_object_set_take(r, "hash", keel_value_cstring(hash));
    if (rc == 0)
        rc = keel_value_to_canonical_json(line, r);
    if (rc == 0 && sealed)
        *sealed = keel_value_ref(r);
    keel_value_unref(r);
    return rc;
}

/* Writes line and its newline, with one write where possible (O_APPEND);
 * the number of bytes written (strlen(line) + 1) or -1. */
static ssize_t write_line(int fd, const char *line)
{
    size_t n = strlen(line);
    char *buf = keel_malloc(n + 1);
    if (!buf)
        return -1;
    memcpy(buf, line, n + 1);
    buf[n] = '\n'; /* the terminator becomes the line's end */
    int rc = keel_file_write_all(fd, buf, n + 1);
    keel_free(buf);
    return rc == 0 ? (ssize_t)(n + 1) : -1;
}

int keel_journal_append(keel_journal *j, const keel_value *record,
                        keel_value **sealed, bool flush, keel_error *err)
{
    pthread_mutex_lock(&j->mu);
    char *line = NULL, hash[65];
    keel_value *rec = NULL;
    ssize_t written = -1;
    int rc = seal(&line, hash, &rec, j, record);
    if (rc)
        keel_error_set(err, rc, "journal: out of memory");
    else if ((written = write_line(j->fd, line)) < 0 ||
             (flush && j->durable && fdatasync(j->fd) != 0)) {
        rc = KEEL_EIO;
        keel_error_set(err, rc, "cannot write the run journal: %s",
                       strerror(errno));
    }
    if (rc == 0) {
        j->seq++;
        j->size += (off_t)written;
        memcpy(j->last, hash, 65);
        if (sealed)
            *sealed = keel_value_ref(rec);
    } else if (line && ftruncate(j->fd, j->size) != 0) {
        /* a half-written record stays; readers see a torn tail, as after
         * a crash, and the next open cuts it */
        keel_error_prefix(err, "journal left with a torn last record");
    }
    keel_free(line);
    keel_value_unref(rec);
    pthread_mutex_unlock(&j->mu);
    return rc;
}
