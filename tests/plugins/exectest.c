/*
 * exectest.c - a fixture plugin for executor tests: functions that wait for
 * each other (to prove parallelism without timing), sleep cooperatively,
 * fail on request, and record the order of calls.
 */
#include <keel/plugin.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int inside, peak;
static char journal[4096]; /* tags recorded, comma-separated */

static const keel_value *arg(const keel_host_api *api, const keel_value *args,
                             const char *name)
{
    return api->object_get(args, name);
}

/* Waits until n calls are inside at once; fails after 5 s. */
static int rendezvous(const keel_host_api *api, keel_call *call,
                      const keel_value *args, keel_value **result)
{
    int64_t n = 0;
    api->get_int(arg(api, args, "n"), &n);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&mu);
    inside++;
    if (inside > peak)
        peak = inside;
    pthread_cond_broadcast(&cv);
    int rc = 0;
    while (peak < n && rc == 0)
        rc = pthread_cond_timedwait(&cv, &mu, &until);
    inside--;
    int got = peak;
    pthread_mutex_unlock(&mu);
    if (got < n)
        return api->set_error(call, KEEL_ETIMEOUT, "only %d of %lld calls ran "
                              "at once", got, (long long)n);
    *result = api->new_int(call, got);
    return 0;
}

/* Sleeps ms milliseconds in 1 ms slices, stopping early when canceled. */
static int nap(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    int64_t ms = 0;
    api->get_int(arg(api, args, "ms"), &ms);
    struct timespec slice = {0, 1000000};
    for (int64_t i = 0; i < ms; i++) {
        if (api->canceled(call))
            return api->set_error(call, KEEL_ECANCELED, "stopped after %lld ms",
                                  (long long)i);
        nanosleep(&slice, NULL);
    }
    *result = api->new_int(call, ms);
    return 0;
}

static int fail(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    (void)result;
    const char *msg = api->get_string(arg(api, args, "message"), NULL);
    return api->set_error(call, KEEL_EINVAL, "%s", msg);
}

/* Appends tag to the journal and returns it. */
static int record(const keel_host_api *api, keel_call *call,
                  const keel_value *args, keel_value **result)
{
    (void)call;
    const keel_value *tag = arg(api, args, "tag");
    const char *s = api->get_string(tag, NULL);
    pthread_mutex_lock(&mu);
    if (strlen(journal) + strlen(s) + 2 < sizeof(journal)) {
        if (journal[0])
            strcat(journal, ",");
        strcat(journal, s);
    }
    pthread_mutex_unlock(&mu);
    *result = (keel_value *)tag;
    return 0;
}

/* Returns the journal and clears it, and the concurrency peak. */
static int take_journal(const keel_host_api *api, keel_call *call,
                        const keel_value *args, keel_value **result)
{
    (void)args;
    pthread_mutex_lock(&mu);
    *result = api->new_string(call, journal, strlen(journal));
    journal[0] = '\0';
    peak = 0;
    pthread_mutex_unlock(&mu);
    return *result ? 0 : KEEL_ENOMEM;
}

/* Returns the "page" argument as if fetched from the web: untrusted. */
static int web(const keel_host_api *api, keel_call *call,
               const keel_value *args, keel_value **result)
{
    (void)call;
    *result = (keel_value *)arg(api, args, "page");
    return 0;
}

/* Sends nothing; records the recipients so tests can see what went out. */
static int send(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    const char *to = api->get_string(arg(api, args, "to"), NULL);
    pthread_mutex_lock(&mu);
    if (strlen(journal) + strlen(to) + 7 < sizeof(journal)) {
        if (journal[0])
            strcat(journal, ",");
        strcat(journal, "sent:");
        strcat(journal, to);
    }
    pthread_mutex_unlock(&mu);
    *result = api->new_bool(call, true);
    return 0;
}

/* Appends a line to a file: a side effect that outlives the process, for
 * tests that drive the keel binary and must see whether a step ran. */
static int append(const keel_host_api *api, keel_call *call,
                  const keel_value *args, keel_value **result)
{
    const char *path = api->get_string(arg(api, args, "path"), NULL);
    const char *line = api->get_string(arg(api, args, "line"), NULL);
    int64_t delay = 0;
    api->get_int(arg(api, args, "delay_ms"), &delay);
    FILE *f = fopen(path, "a");
    bool ok = f && fprintf(f, "%s\n", line) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        return api->set_error(call, KEEL_EIO, "cannot append to %s", path);
    /* the effect has happened and the step has not ended: a crash here
     * leaves the step in doubt */
    struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    *result = api->new_string(call, line, strlen(line));
    return *result ? 0 : KEEL_ENOMEM;
}

static int noop(const keel_host_api *api, keel_call *call,
                const keel_value *args, keel_value **result)
{
    (void)api, (void)call, (void)args, (void)result;
    return 0;
}

static const keel_param p_rendezvous[] = {
    {"n", KEEL_TYPE_INT, "How many calls must meet.", true, NULL, NULL, NULL},
    {"tag", KEEL_TYPE_ANY, "Ignored; makes steps distinct.", false, NULL, NULL, NULL},
};
static const keel_param p_nap[] = {
    {"ms", KEEL_TYPE_INT, "Milliseconds.", true, NULL, "{\"minimum\": 0}", NULL},
};
static const keel_param p_fail[] = {
    {"message", KEEL_TYPE_STRING, "What to say.", true, NULL, NULL, NULL},
};
static const keel_param p_record[] = {
    {"tag", KEEL_TYPE_STRING, "What to record.", true, NULL, NULL, NULL},
    {"after", KEEL_TYPE_ANY, "Ignored; creates a data dependency.", false,
     NULL, NULL, NULL},
};

static const keel_param p_append[] = {
    {"path", KEEL_TYPE_STRING, "The file.", true, NULL, NULL, KEEL_SINK_PATH},
    {"line", KEEL_TYPE_STRING, "What to append.", true, NULL, NULL, NULL},
    {"delay_ms", KEEL_TYPE_INT, "Wait after appending.", false, NULL,
     "{\"minimum\": 0, \"maximum\": 10000}", NULL},
};

static const keel_param p_web[] = {
    {"page", KEEL_TYPE_ANY, "What the page says.", true, NULL, NULL, NULL},
    {"url", KEEL_TYPE_STRING, "Where.", false, NULL, NULL, KEEL_SINK_URL},
};
static const keel_param p_send[] = {
    {"to", KEEL_TYPE_STRING, "Recipient.", true, NULL, NULL, KEEL_SINK_RECIPIENT},
    {"cc", KEEL_TYPE_STRING, "Copy.", false, NULL, NULL, KEEL_SINK_RECIPIENT},
    {"bcc", KEEL_TYPE_ANY, "Blind copies (one or a list).", false, NULL, NULL,
     KEEL_SINK_RECIPIENT},
    {"body", KEEL_TYPE_STRING, "Text.", false, NULL, NULL, KEEL_SINK_TEXT},
};

static const keel_function functions[] = {
    {"web", "Fetch a page (returns the page argument, untrusted).", p_web, 2,
     KEEL_TYPE_ANY, NULL, KEEL_EFFECT_READS | KEEL_EFFECT_NETWORK, true, web},
    {"send", "Send a message (records the recipient).", p_send, 4,
     KEEL_TYPE_BOOL, NULL, KEEL_EFFECT_WRITES | KEEL_EFFECT_NETWORK, false, send},
    {"rendezvous", "Wait until n calls run at once.", p_rendezvous, 2,
     KEEL_TYPE_INT, NULL, 0, false, rendezvous},
    {"nap", "Sleep cooperatively.", p_nap, 1, KEEL_TYPE_INT, NULL,
     KEEL_EFFECT_IDEMPOTENT, false, nap},
    {"fail", "Fail with a message.", p_fail, 1, KEEL_TYPE_NULL, NULL, 0, false,
     fail},
    {"record", "Record a tag in the journal.", p_record, 2, KEEL_TYPE_STRING,
     NULL, KEEL_EFFECT_WRITES, false, record},
    {"take_journal", "Return and clear the journal.", NULL, 0,
     KEEL_TYPE_STRING, NULL, 0, false, take_journal},
    {"noop", "Do nothing.", NULL, 0, KEEL_TYPE_NULL, NULL,
     KEEL_EFFECT_IDEMPOTENT, false, noop},
    {"append", "Append a line to a file.", p_append, 3, KEEL_TYPE_STRING, NULL,
     KEEL_EFFECT_WRITES, false, append},
};

static const keel_plugin plugin = {
    KEEL_ABI_STAMP, "exectest", "1.0", "Executor test fixture.",
    functions, KEEL_COUNTOF(functions), NULL, NULL,
};

KEEL_PLUGIN_EXPORT(plugin);
