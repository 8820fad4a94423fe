/*
 * run_store.c - runs: create, open, list, lock.
 *
 *   <state_dir>/runs/<id>/plan.json     the validated plan (canonical)
 *                         run.json      who, what, under which policy
 *                         journal.jsonl the hash-chained events
 *                         lock          held by the process working on it
 *
 * Every directory and file of a run is checked as it is opened: no
 * symbolic link, this user's, writable by no one else (run_dir.c).
 */
#include "run_internal.h"

#include "alloc.h"
#include "file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_META_BYTES (1u << 20)

keel_value *run_event(const char *name)
{
    keel_value *o = keel_value_object();
    if (o && keel_value_object_set_take(o, "event", keel_value_cstring(name))) {
        keel_value_unref(o);
        return NULL;
    }
    return o;
}

const char *run_str(const keel_value *o, const char *key)
{
    return keel_value_get_string(keel_value_object_get(o, key), NULL);
}

void run_set_str(keel_value *o, const char *key, const char *s)
{
    if (o && s)
        keel_value_object_set_take(o, key, keel_value_cstring(s));
}

/* The first durable record makes the run's files durable first. */
static int sync_meta(keel_run *r, keel_error *err)
{
    char path[PATH_MAX + 32];
    const char *files[] = {"plan.json", "run.json", "."};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", r->dir, files[i]);
        int rc = keel_file_sync(path, err);
        if (rc)
            return rc;
    }
    snprintf(path, sizeof(path), "%s/..", r->dir); /* runs/: the rename */
    int rc = keel_file_sync(path, err);
    if (rc == 0)
        r->synced = true;
    return rc;
}

int run_append(keel_run *r, keel_value *event, bool flush, keel_error *err)
{
    if (!event)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    flush = flush && r->durable;
    int rc = flush && !r->synced ? sync_meta(r, err) : 0;
    if (rc)
        return keel_error_prefix(err, "run %s", r->id);
    keel_value *sealed = NULL;
    rc = keel_journal_append(r->journal, event, &sealed, flush, err);
    if (rc == 0) {
        pthread_mutex_lock(&r->mu);
        rc = keel_value_list_append_take(r->records, sealed);
        pthread_mutex_unlock(&r->mu);
        if (rc)
            rc = keel_error_set(err, rc, "out of memory");
    }
    return rc;
}

int run_args_hash(char out[65], const keel_value *args)
{
    char *canon = NULL;
    int rc = keel_value_to_canonical_json(&canon, args);
    if (rc == 0)
        keel_sha256_hex(out, canon, strlen(canon));
    keel_free(canon);
    return rc;
}

static keel_run *run_alloc(void)
{
    keel_run *r = keel_calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->lock_fd = -1;
    r->records = keel_value_list();
    pthread_mutex_init(&r->mu, NULL);
    if (!r->records) {
        keel_run_free(r);
        return NULL;
    }
    return r;
}

void keel_run_free(keel_run *r)
{
    if (!r)
        return;
    keel_journal_close(r->journal);
    if (r->lock_fd >= 0)
        close(r->lock_fd); /* releases the lock */
    keel_plan_free(r->plan);
    keel_value_unref(r->meta);
    keel_value_unref(r->records);
    pthread_mutex_destroy(&r->mu);
    keel_free(r);
}

/* Points r->who and the policy files at the strings of r->meta. */
static int bind_meta(keel_run *r, keel_error *err)
{
    const keel_value *p = keel_value_object_get(r->meta, "principal");
    const keel_value *groups = keel_value_object_get(p, "groups");
    r->who.uid = keel_value_get_string(keel_value_object_get(p, "uid"), NULL);
    r->who.dn = keel_value_get_string(keel_value_object_get(p, "dn"), NULL);
    if (!r->who.uid || keel_value_len(groups) > RUN_MAX_GROUPS)
        return keel_error_set(err, KEEL_EINVAL, "%s/run.json: principal: "
                              "expected {\"uid\", \"groups\": [...]}", r->dir);
    for (size_t i = 0; i < keel_value_len(groups); i++)
        if (!(r->groups[i] = keel_value_get_string(keel_value_list_at(groups, i), NULL)))
            return keel_error_set(err, KEEL_EINVAL, "%s/run.json: "
                                  "principal.groups[%zu]: expected a string",
                                  r->dir, i);
    r->who.groups = r->groups;
    r->who.n_groups = keel_value_len(groups);
    const keel_value *files = keel_value_object_get(
        keel_value_object_get(r->meta, "policy"), "files");
    for (size_t i = 0; i < keel_value_len(files) && i < 32; i++)
        if ((r->policy_files[r->n_policy_files] =
                 keel_value_get_string(keel_value_list_at(files, i), NULL)))
            r->n_policy_files++;
    return 0;
}

keel_value *run_principal_value(const keel_principal *who)
{
    keel_value *o = keel_value_object(), *g = keel_value_list();
    run_set_str(o, "uid", who && who->uid ? who->uid : "unknown");
    run_set_str(o, "dn", who ? who->dn : NULL);
    for (size_t i = 0; who && g && i < who->n_groups; i++)
        keel_value_list_append_take(g, keel_value_cstring(who->groups[i]));
    if (o && g)
        keel_value_object_set_take(o, "groups", g);
    else
        keel_value_unref(g);
    return o;
}

static keel_value *llm_calls_value(const keel_run_meta *m)
{
    keel_value *list = keel_value_list();
    for (size_t i = 0; list && i < m->n_llm_calls; i++) {
        const keel_run_llm_call *c = &m->llm_calls[i];
        keel_value *o = keel_value_object();
        run_set_str(o, "model", c->model);
        keel_value_object_set_take(o, "start_ms", keel_value_int(c->start_ms));
        keel_value_object_set_take(o, "ms", keel_value_float(c->ms));
        keel_value_object_set_take(o, "input_tokens", keel_value_int(c->input_tokens));
        keel_value_object_set_take(o, "output_tokens", keel_value_int(c->output_tokens));
        keel_value_object_set_take(o, "cost", keel_value_float(c->cost));
        keel_value_list_append_take(list, o);
    }
    return list;
}

static keel_value *meta_value(const keel_run *r, const keel_run_meta *m)
{
    keel_value *o = keel_value_object(), *pol = keel_value_object();
    keel_value *files = keel_value_list();
    run_set_str(o, "id", r->id);
    run_set_str(o, "goal", m->goal);
    keel_value_object_set_take(o, "principal", run_principal_value(m->principal));
    /* the roles the policy gave the principal when the run began */
    const char *roles[64];
    size_t n = keel_policy_roles_of(roles, 64, m->policy, m->principal);
    keel_value *rl = keel_value_list();
    for (size_t i = 0; rl && i < n && i < 64; i++)
        keel_value_list_append_take(rl, keel_value_cstring(roles[i]));
    if (o && rl)
        keel_value_object_set_take(o, "roles", rl);
    else
        keel_value_unref(rl);
    run_set_str(pol, "hash", m->policy ? keel_policy_hash(m->policy) : NULL);
    for (size_t i = 0; files && i < m->n_policy_files; i++)
        keel_value_list_append_take(files, keel_value_cstring(m->policy_files[i]));
    keel_value_object_set_take(pol, "files", files);
    keel_value_object_set_take(o, "policy", pol);
    run_set_str(o, "plan_hash", r->plan_hash);
    run_set_str(o, "template_hash", m->template_hash);
    keel_value_object_set_take(o, "llm_calls", llm_calls_value(m));
    keel_value_object_set_take(o, "created_ms",
                               keel_value_int((int64_t)time(NULL) * 1000));
    return o;
}

static int write_json_file(const char *dir, const char *name,
                           const keel_value *v, char hash[65], keel_error *err)
{
    char path[PATH_MAX + 32], *json = NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (keel_value_to_canonical_json(&json, v) != 0)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    keel_sha256_hex(hash, json, strlen(json));
    int rc = keel_file_create(path, json, strlen(json), 0600, err);
    keel_free(json);
    return rc;
}

static int started_record(keel_run *r, const keel_run_meta *m, keel_error *err)
{
    keel_value *ev = run_event("run_started");
    run_set_str(ev, "plan_hash", r->plan_hash);
    run_set_str(ev, "run_json_hash", r->meta_hash); /* run.json is chained */
    run_set_str(ev, "policy_hash", m->policy ? keel_policy_hash(m->policy) : NULL);
    run_set_str(ev, "principal", r->who.uid);
    run_set_str(ev, "goal", m->goal);
    int rc = run_append(r, ev, false, err);
    keel_value_unref(ev);
    return rc;
}

/* plan.json keeps the plan as written (member order included, so a
 * resumed run's output reads like the original); its hash is the
 * canonical one. */
static int write_plan(keel_run *r, const keel_plan *plan, keel_error *err)
{
    char *json = NULL, path[PATH_MAX + 32];
    keel_diags d;
    keel_diags_init(&d);
    int rc = 0;
    if (keel_plan_hash(r->plan_hash, plan) || keel_plan_to_json(&json, plan) ||
        !json || keel_plan_parse(&r->plan, json, strlen(json), &d)) {
        rc = KEEL_ENOMEM;
        keel_error_set(err, rc, "out of memory");
    }
    keel_diags_free(&d);
    snprintf(path, sizeof(path), "%s/plan.json", r->dir);
    if (rc == 0)
        rc = keel_file_create(path, json, strlen(json), 0600, err);
    keel_free(json);
    return rc;
}

/* Fills the new run's directory (r->dir, its lock held): plan.json,
 * run.json, and the journal with its first record. */
static int build(keel_run *r, const keel_plan *plan, const keel_run_meta *m,
                 keel_error *err)
{
    int rc = write_plan(r, plan, err);
    if (rc == 0 && !(r->meta = meta_value(r, m)))
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = bind_meta(r, err);
    if (rc == 0)
        rc = write_json_file(r->dir, "run.json", r->meta, r->meta_hash, err);
    r->durable = m->durable;
    if (rc == 0)
        rc = run_lock(r, err); /* held since mkdir: this opens the journal */
    return rc ? rc : started_record(r, m, err);
}

/* A new run is built in runs/.new-ID and renamed to runs/ID once its
 * plan, run.json and first journal record are on disk: a crash while
 * creating it leaves no half-made run behind, only a hidden directory,
 * which a later creation or listing removes (run_dir.c); a failure
 * removes it at once. */
int keel_run_create(keel_run **out, const char *state_dir,
                    const keel_plan *plan, const keel_run_meta *m,
                    keel_error *err)
{
    *out = NULL;
    keel_run *r = run_alloc();
    if (!r)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    char runs[RUN_RUNS_MAX], final[PATH_MAX], tmp[PATH_MAX];
    int runs_fd = -1;
    int rc =
        run_dir_open_runs(&runs_fd, runs, sizeof(runs), state_dir, true, err);
    if (rc == 0) {
        run_dir_sweep(runs_fd, runs);
        rc = run_dir_make(r, runs_fd, runs, tmp, sizeof(tmp), err);
    }
    if (rc == 0) { /* built under the temporary name, then published */
        snprintf(final, sizeof(final), "%s", r->dir);
        snprintf(r->dir, sizeof(r->dir), "%s", tmp);
        rc = build(r, plan, m, err);
        snprintf(r->dir, sizeof(r->dir), "%s", final);
        if (rc == 0)
            rc = run_dir_publish(runs_fd, tmp, r, err);
        if (rc) /* while its lock is still ours */
            run_dir_discard(runs_fd, tmp);
    }
    if (runs_fd >= 0)
        close(runs_fd);
    if (rc) {
        keel_run_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

static int read_meta(keel_run *r, keel_error *err)
{
    char path[PATH_MAX + 32], *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/run.json", r->dir);
    int rc = keel_file_read_owned(&text, &len, path, MAX_META_BYTES, err);
    if (rc == KEEL_ENOTFOUND)
        return keel_error_set(err, rc, "no run %s (no %s)", r->id, path);
    if (rc == 0)
        keel_sha256_hex(r->meta_hash, text, len);
    if (rc == 0 && keel_value_from_json(&r->meta, text, len, err) != 0)
        rc = keel_error_prefix(err, "%s", path);
    keel_free(text);
    return rc ? rc : bind_meta(r, err);
}

/* plan.json must be the plan the journal started with. */
static int read_plan(keel_run *r, keel_error *err)
{
    char path[PATH_MAX + 32], *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/plan.json", r->dir);
    int rc = keel_file_read_owned(&text, &len, path, KEEL_PLAN_MAX_BYTES, err);
    keel_diags d;
    keel_diags_init(&d);
    if (rc == 0 && (rc = keel_plan_parse(&r->plan, text, len, &d)) != 0)
        keel_error_set(err, rc, "%s: %s", path,
                       d.n ? d.items[0].message : "cannot parse");
    keel_diags_free(&d);
    keel_free(text);
    if (rc == 0 && keel_plan_hash(r->plan_hash, r->plan) != 0)
        rc = keel_error_set(err, KEEL_ENOMEM, "out of memory");
    const keel_value *start = keel_value_list_at(r->records, 0);
    const char *want = keel_value_get_string(
        keel_value_object_get(start, "plan_hash"), NULL);
    const char *meta = keel_value_get_string(
        keel_value_object_get(start, "run_json_hash"), NULL);
    if (rc == 0 && (!meta || strcmp(meta, r->meta_hash) != 0))
        return keel_error_set(err, KEEL_EINVAL, "%s/run.json was changed after "
                              "the run started (who asked, under which "
                              "policy); refusing to use it", r->dir);
    if (rc == 0 && (!want || strcmp(want, r->plan_hash) != 0))
        rc = keel_error_set(err, KEEL_EINVAL, "%s: the plan was changed after "
                            "the run started (hash %.12s, journalled %.12s); "
                            "refusing to run it", path, r->plan_hash,
                            want ? want : "none");
    return rc;
}

/* runs/ and the run's directory are ours before anything in them is read
 * (and each file is checked as it is opened). */
static int check_dirs(keel_run *r, const char *state_dir, keel_error *err)
{
    char runs[RUN_RUNS_MAX];
    int fd = -1;
    int rc = run_dir_open_runs(&fd, runs, sizeof(runs), state_dir, false, err);
    if (rc == 0) {
        snprintf(r->dir, sizeof(r->dir), "%s/%s", runs, r->id);
        rc = run_dir_check(fd, r->dir, err);
        close(fd);
    }
    if (rc == KEEL_ENOTFOUND)
        keel_error_set(err, rc, "no run %s (no %s/runs/%s/run.json)", r->id,
                       state_dir, r->id);
    return rc;
}

int keel_run_open(keel_run **out, const char *state_dir, const char *id,
                  bool durable, keel_error *err)
{
    *out = NULL;
    if (!run_valid_id(id))
        return keel_error_set(err, KEEL_EINVAL, "'%s' is not a run id", id);
    keel_run *r = run_alloc();
    if (!r)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    snprintf(r->id, sizeof(r->id), "%s", id);
    char path[PATH_MAX + 32];
    keel_value_unref(r->records);
    r->records = NULL;
    int rc = check_dirs(r, state_dir, err);
    snprintf(path, sizeof(path), "%s/journal.jsonl", r->dir);
    if (rc == 0)
        rc = read_meta(r, err);
    if (rc == 0)
        rc = keel_journal_read_end(&r->records, &r->end, path, r->id, err);
    if (rc == 0 && keel_value_len(r->records) == 0)
        rc = keel_error_set(err, KEEL_EINVAL, "%s: empty journal", path);
    if (rc == 0)
        rc = read_plan(r, err);
    if (rc) {
        keel_run_free(r);
        return rc;
    }
    r->durable = durable;
    *out = r;
    return 0;
}

int run_lock(keel_run *r, keel_error *err)
{
    if (r->journal)
        return 0;
    int rc =
        r->lock_fd >= 0 ? 0 : run_dir_lock(&r->lock_fd, r->dir, r->id, err);
    if (rc)
        return rc;
    /* from here on only we write: if anyone appended since we read the
     * journal, read it again; then append where it ends */
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/journal.jsonl", r->dir);
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size != r->end.len) {
        keel_value *recs = NULL;
        rc = keel_journal_read_end(&recs, &r->end, path, r->id, err);
        if (rc == 0) {
            keel_value_unref(r->records);
            r->records = recs;
        } else {
            keel_value_unref(recs);
        }
    }
    return rc ? rc : keel_journal_open_at(&r->journal, path, r->id, &r->end,
                                          r->durable, err);
}

const char *keel_run_id(const keel_run *r) { return r->id; }
const keel_plan *keel_run_plan(const keel_run *r) { return r->plan; }
const keel_value *keel_run_records(const keel_run *r) { return r->records; }
const keel_value *keel_run_meta_value(const keel_run *r) { return r->meta; }
const keel_principal *keel_run_principal(const keel_run *r) { return &r->who; }

const char *const *keel_run_policy_files(const keel_run *r, size_t *n)
{
    *n = r->n_policy_files;
    return r->policy_files;
}

long keel_run_step_index(const keel_run *r, const char *id)
{
    for (size_t i = 0; id && i < r->plan->n_steps; i++)
        if (strcmp(r->plan->steps[i].id, id) == 0)
            return (long)i;
    return -1;
}

static int cmp_desc(const void *a, const void *b)
{
    return -strcmp(*(const char *const *)a, *(const char *const *)b);
}

static keel_value *damaged(const char *id, const keel_error *e)
{
    keel_value *o = keel_value_object();
    run_set_str(o, "id", id);
    run_set_str(o, "state", "damaged");
    run_set_str(o, "error", e->msg);
    return o;
}

static keel_value *summary_of(const char *state_dir, const char *id)
{
    keel_run *r = NULL;
    keel_error e = {0};
    keel_value *s = NULL;
    int busy = 0;
    if (keel_run_open(&r, state_dir, id, false, &e) != 0 ||
        (busy = run_dir_busy(r->dir, &e)) < 0 || keel_run_summary(&s, r) != 0)
        s = damaged(id, &e);
    else if (busy)
        keel_value_object_set_take(s, "state", keel_value_cstring("running"));
    keel_run_free(r);
    return s;
}

int keel_run_list(keel_value **out, const char *state_dir, keel_error *err)
{
    *out = keel_value_list();
    if (!*out)
        return keel_error_set(err, KEEL_ENOMEM, "out of memory");
    char runs[RUN_RUNS_MAX], **ids = NULL;
    size_t n = 0;
    int fd = -1;
    int rc = run_dir_open_runs(&fd, runs, sizeof(runs), state_dir, false, err);
    if (rc == KEEL_ENOTFOUND) { /* no run yet */
        memset(err, 0, sizeof(*err));
        return 0;
    }
    if (rc == 0) {
        run_dir_sweep(fd, runs);
        rc = run_dir_ids(&ids, &n, fd, runs, err);
        close(fd);
    }
    if (rc == 0 && n)
        qsort(ids, n, sizeof(char *), cmp_desc);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            keel_value_list_append_take(*out, summary_of(state_dir, ids[i]));
        keel_free(ids[i]);
    }
    keel_free(ids);
    return rc;
}
