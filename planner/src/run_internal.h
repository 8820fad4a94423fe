/*
 * run_internal.h - what the run files share: the run object, appending to
 * its journal, and reading its records.
 */
#ifndef KEEL_RUN_INTERNAL_H
#define KEEL_RUN_INTERNAL_H

#include <keel/run.h>

#include "journal.h"

#include <limits.h>
#include <pthread.h>

#define RUN_MAX_GROUPS 256

struct keel_run {
    char id[64];
    char dir[PATH_MAX];
    keel_plan *plan;
    char plan_hash[65];
    char meta_hash[65];  /* SHA-256 of run.json as written */
    keel_value *meta;    /* run.json */
    keel_value *records; /* the journal, as written */
    keel_journal *journal;
    keel_journal_end end; /* where the journal ended when it was read */
    pthread_mutex_t mu;  /* records: appended from worker threads */
    keel_principal who;  /* borrowed from meta */
    const char *groups[RUN_MAX_GROUPS];
    const char *policy_files[32];
    size_t n_policy_files;
    int lock_fd;
    bool durable;
    bool synced; /* plan.json, run.json and the directories are on disk */
};

/* Appends an event (an object with "event") to the journal and to
 * r->records. With flush (and a durable run) it is on disk when this
 * returns, with every record before it and, the first time, the run's
 * plan.json, run.json and directory entries: write-ahead for anything
 * with an effect on the world. Records that nothing outside depends on
 * (a pure step's) are written without their own fsync. */
int run_append(keel_run *r, keel_value *event, bool flush, keel_error *err);
/* The string member key of o, or NULL (borrowed). */
const char *run_str(const keel_value *o, const char *key);
/* {"uid", "dn", "groups"} of a principal (a new object, or NULL). */
keel_value *run_principal_value(const keel_principal *who);

/* A new event object {"event": name} (NULL when out of memory). */
keel_value *run_event(const char *name);
/* Sets key to a string member (copied); a no-op on a NULL object. */
void run_set_str(keel_value *o, const char *key, const char *s);

/* run_dir.c: run directories on disk. Each directory and file is opened
 * with keel_file_open_private: not a symbolic link, owned by the user
 * running keel, writable by no one else; else KEEL_EUNSAFE naming it. */

/* runs/ is at most this long, so that runs/.new-ID/journal.jsonl fits. */
#define RUN_RUNS_MAX (PATH_MAX - 80)

/* An id names a directory: nothing that could leave runs/. */
bool run_valid_id(const char *id);
/* Opens <state_dir>/runs (its path in runs, at most cap bytes), made with
 * mode 0700 first when create; KEEL_ENOTFOUND when it does not exist. */
int run_dir_open_runs(int *fd, char *runs, size_t cap, const char *state_dir,
                      bool create, keel_error *err);
/* Checks dir, a run directory in runs/ (the directory runs_fd). */
int run_dir_check(int runs_fd, const char *dir, keel_error *err);
/* Opens dir/lock (made when missing) and takes it; KEEL_EEXISTS naming
 * the run id when another process holds it. *fd keeps the lock. */
int run_dir_lock(int *fd, const char *dir, const char *id, keel_error *err);
/* 1 when another process holds dir/lock, 0 when not (or there is none),
 * a negative KEEL_E* when the lock file cannot be trusted. */
int run_dir_busy(const char *dir, keel_error *err);
/* Makes runs/.new-ID for a new run (tmp, at most cap bytes), with its id in
 * r->id and its final name runs/ID in r->dir, and takes its lock
 * (r->lock_fd), holding runs/ shared meanwhile so that no sweep sees it
 * unlocked. */
int run_dir_make(keel_run *r, int runs_fd, const char *runs, char *tmp,
                 size_t cap, keel_error *err);
/* Renames tmp (runs/.new-ID) to runs/ID. */
int run_dir_publish(int runs_fd, const char *tmp, const keel_run *r,
                    keel_error *err);
/* Removes tmp, the .new-ID of a creation that failed; the caller still
 * holds its lock. */
void run_dir_discard(int runs_fd, const char *tmp);
/* Removes each runs/.new-ID whose creator is gone (its lock free or
 * missing while runs/ is held exclusively) that holds only what keel
 * writes there; skipped when a creator holds runs/ at that moment. */
void run_dir_sweep(int runs_fd, const char *runs);
/* The valid run ids in runs/ (*ids and each id freed by the caller with
 * keel_free, also on failure), in directory order. */
int run_dir_ids(char ***ids, size_t *n, int runs_fd, const char *runs,
                keel_error *err);

/* Takes the run's lock (one process at a time writes to a run), then
 * reads the journal again and opens it for appending: what another
 * process wrote before the lock was taken is seen. */
int run_lock(keel_run *r, keel_error *err);

/* Appends approval_granted or approval_rejected (text: comment or reason)
 * for step and the hash of the arguments it was requested with. */
int run_record_decision(keel_run *r, const char *step, const char *args_hash,
                        const keel_principal *approver, bool granted,
                        const char *text, keel_error *err);

/* The state of each step, read from the records. */
typedef enum run_step_state {
    RS_PENDING,  /* never started */
    RS_DONE,     /* finished: output recorded */
    RS_FAILED,   /* failed: may run again */
    RS_IN_DOUBT  /* started, no end recorded */
} run_step_state;

typedef struct run_step_view {
    run_step_state state;
    const keel_value *finish; /* the step_finished record, or NULL */
    const keel_value *request;  /* latest approval_requested, or NULL */
    const keel_value *decision; /* latest granted/rejected after it */
} run_step_view;

/* One view per plan step (caller frees with keel_free). */
int run_views(run_step_view **out, const keel_run *r);
/* The last record with this event name, or NULL. */
const keel_value *run_last(const keel_run *r, const char *event);

/* SHA-256 of the canonical JSON of args. */
int run_args_hash(char out[65], const keel_value *args);

#endif
