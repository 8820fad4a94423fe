/*
 * journal.h - an append-only journal of JSON records forming a hash chain.
 *
 * One compact JSON object per line. Each record gets "seq" (1, 2, ...),
 * "t" (milliseconds since the epoch), "prev" (the previous record's hash;
 * for the first, the SHA-256 of "keel-journal-1:" and the chain id) and
 * "hash" (SHA-256 of the record's canonical JSON without "hash"). Editing,
 * removing or reordering a record breaks the chain at that record.
 *
 * Appends are serialised by a mutex and, when durable, fdatasync'd before
 * keel_journal_append returns: a caller that appends before acting knows
 * the record is on disk first.
 */
#ifndef KEEL_JOURNAL_H
#define KEEL_JOURNAL_H

#include <keel/keel.h>

typedef struct keel_journal keel_journal;

/* The journal is a file only this user can write: it is opened without
 * following a symbolic link and refused (KEEL_EUNSAFE, naming it and why)
 * when it is not a regular file owned by the effective user, or group or
 * others may write it (keel_file_open_private).
 *
 * Opens path for appending, creating it (mode 0600) when missing. An
 * existing journal is read and verified first; a torn last line (a crash
 * in the middle of an append) is cut off. */
int keel_journal_open(keel_journal **out, const char *path,
                      const char *chain_id, bool durable, keel_error *err);
void keel_journal_close(keel_journal *j);

/* Adds seq, t, prev and hash to record (an object the caller keeps) and
 * appends it; *sealed (when not NULL) gets the record as written. With
 * flush (and a durable journal) the file is fdatasync'd before returning,
 * which makes every earlier record durable too. On failure nothing is
 * appended and the journal stays usable. */
int keel_journal_append(keel_journal *j, const keel_value *record,
                        keel_value **sealed, bool flush, keel_error *err);

/* Where a verified journal ends: what keel_journal_open_at needs to go on
 * appending without reading it all again. */
typedef struct keel_journal_end {
    int64_t seq;   /* records verified */
    char last[65]; /* the last one's hash (the genesis when seq is 0) */
    size_t good;   /* bytes of whole, verified records */
    size_t len;    /* bytes in the file when it was read */
} keel_journal_end;

/* keel_journal_read that also says where the journal ends (end->good <
 * end->len: a torn last line). */
int keel_journal_read_end(keel_value **out, keel_journal_end *end,
                          const char *path, const char *chain_id,
                          keel_error *err);

/* Opens a journal read with keel_journal_read_end for appending, trusting
 * end instead of verifying again; the file must still be end->len bytes
 * long (else KEEL_EINVAL: someone wrote to it since). A torn tail is cut.
 * A journal that does not exist yet (end->len 0) is created. */
int keel_journal_open_at(keel_journal **out, const char *path,
                         const char *chain_id, const keel_journal_end *end,
                         bool durable, keel_error *err);

/* The records of the journal at path as a list (*out, caller unrefs),
 * verified: the first bad record is named in err ("FILE:LINE: ...") and
 * *out then holds the good records before it. A torn last line is
 * ignored (*torn set). */
int keel_journal_read(keel_value **out, bool *torn, const char *path,
                      const char *chain_id, keel_error *err);

#endif
