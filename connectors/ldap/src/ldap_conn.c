/*
 * ldap_conn.c - one connection to the directory, every step bounded.
 *
 * libldap's traps, and what this file does about each:
 *   - /etc/ldap/ldap.conf, ~/.ldaprc and LDAPTLS_* / LDAP* variables are
 *     read once per process and silently change trusted CAs and more:
 *     LDAPNOINIT is set before libldap's first use, and every option that
 *     matters is set on each handle anyway (NULL where keel has none).
 *   - a server that accepts TCP and never answers makes a plain connect or
 *     a synchronous call hang despite LDAP_OPT_NETWORK_TIMEOUT: connections
 *     are asynchronous (LDAP_OPT_CONNECT_ASYNC), keel polls the socket with
 *     its own connect deadline, and every request is asynchronous with
 *     ldap_result() given the operation timeout (capped by the total).
 *   - a dead peer can raise SIGPIPE: ignored, unless the program installed
 *     its own handler.
 *   - getaddrinfo() waits as long as the resolver's own timeouts (5 s per
 *     try and server by default): names are resolved on glibc's helper
 *     thread (getaddrinfo_a) and waited for with the connect deadline.
 *   - referrals would take credentials to another server: off.
 *   - StartTLS that fails is an error, never a plaintext fallback, and TLS
 *     is checked to be in place before any bind.
 */
#define _GNU_SOURCE /* explicit_bzero, getaddrinfo_a */
#include "ldap_internal.h"

#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openldap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_PASSWORD 1024

int64_t dir_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Once per process, before libldap's first use (which reads its files and
 * variables once and for all) and, through keel_directory_open, normally
 * before any thread starts: setenv is not safe beside other threads. */
static void process_init(void)
{
    setenv("LDAPNOINIT", "1", 1);
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
        !(old.sa_flags & SA_SIGINFO))
        signal(SIGPIPE, SIG_IGN);
}

static struct timeval tv_ms(int64_t ms)
{
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
    return tv;
}

/* ms left before the operation timeout or the deadline, whichever is first. */
static int64_t budget(const dir_conn *c, int64_t per_step)
{
    int64_t left = c->deadline - dir_now_ms();
    return left < per_step ? left : per_step;
}

/* Blocking reads and writes on c's socket give up after ms: the backstop
 * for whatever libldap does without a timeout of its own. */
static void socket_budget(dir_conn *c, int64_t ms)
{
    struct timeval tv = tv_ms(ms > 0 ? ms : 1);
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* libldap's words for the last failure on c, with its diagnostic. */
static int unavailable(dir_conn *c, int code, const char *what,
                       keel_error *err)
{
    char *diag = NULL;
    if (c->ld)
        ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
    int rc = keel_error_set(err, KEEL_EUNAVAIL, "%s: %s: %s%s%s%s", c->uri,
                            what, ldap_err2string(code), diag && *diag ? " (" : "",
                            diag && *diag ? diag : "", diag && *diag ? ")" : "");
    ldap_memfree(diag);
    return rc;
}

static int last_code(dir_conn *c)
{
    int code = LDAP_OTHER;
    ldap_get_option(c->ld, LDAP_OPT_RESULT_CODE, &code);
    return code;
}

/* Waits for the whole answer to msgid within the step's budget. */
static int wait_result(LDAPMessage **res, dir_conn *c, int msgid,
                       const char *what, keel_error *err)
{
    *res = NULL;
    int64_t left = budget(c, c->d->cfg.operation_ms);
    if (left <= 0)
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: %s: out of time "
                              "(timeouts.total_ms)", c->uri, what);
    struct timeval tv = tv_ms(left);
    int rc = ldap_result(c->ld, msgid, LDAP_MSG_ALL, &tv, res);
    if (rc > 0)
        return 0;
    if (*res)
        ldap_msgfree(*res);
    *res = NULL;
    if (rc == 0) {
        ldap_abandon_ext(c->ld, msgid, NULL, NULL);
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: %s: no answer within "
                              "%lld ms", c->uri, what, (long long)left);
    }
    return unavailable(c, last_code(c), what, err);
}

#define SET(opt, val)                                                       \
    do {                                                                    \
        if (ldap_set_option(ld, (opt), (val)) != LDAP_OPT_SUCCESS)          \
            return #opt;                                                    \
    } while (0)

/* Every option that matters, so nothing from the environment applies.
 * Returns the name of an option libldap refused, or NULL. */
static const char *set_options(LDAP *ld, const dir_config *cfg)
{
    int v3 = LDAP_VERSION3, never = LDAP_DEREF_NEVER, zero = 0;
    int demand = LDAP_OPT_X_TLS_DEMAND, tls12 = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
    struct timeval net = tv_ms(cfg->connect_ms), op = tv_ms(cfg->operation_ms);
    SET(LDAP_OPT_PROTOCOL_VERSION, &v3);
    SET(LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    SET(LDAP_OPT_DEREF, &never);
    SET(LDAP_OPT_SIZELIMIT, &zero);
    SET(LDAP_OPT_TIMELIMIT, &zero);
    SET(LDAP_OPT_NETWORK_TIMEOUT, &net);
    SET(LDAP_OPT_TIMEOUT, &op);
    SET(LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON);
    SET(LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
    SET(LDAP_OPT_X_TLS_PROTOCOL_MIN, &tls12);
    SET(LDAP_OPT_X_TLS_CACERTFILE, cfg->ca_file);
    SET(LDAP_OPT_X_TLS_CACERTDIR, cfg->ca_dir);
    SET(LDAP_OPT_X_TLS_CERTFILE, cfg->cert_file);
    SET(LDAP_OPT_X_TLS_KEYFILE, cfg->key_file);
    SET(LDAP_OPT_X_TLS_NEWCTX, &zero);
    return NULL;
}

/* A name being resolved on glibc's helper thread: everything the thread
 * may still write to, in one block. */
typedef struct lookup {
    struct gaicb cb;
    struct addrinfo hints;
    char port[16];
    char host[];
} lookup;

/* getaddrinfo() that gives up after left ms (EAI_AGAIN, *timed_out set).
 * A lookup that cannot be cancelled is abandoned to the helper thread with
 * its block, which is then never freed: a few hundred bytes per timeout,
 * rather than memory freed under a thread that still writes to it. */
static int resolve(struct addrinfo **out, const char *host, const char *port,
                   int64_t left, bool *timed_out)
{
    *out = NULL;
    *timed_out = false;
    size_t n = strlen(host);
    lookup *l = keel_calloc(1, sizeof(*l) + n + 1);
    if (!l)
        return EAI_MEMORY;
    memcpy(l->host, host, n + 1);
    snprintf(l->port, sizeof(l->port), "%s", port);
    l->hints.ai_socktype = SOCK_STREAM;
    l->cb.ar_name = l->host;
    l->cb.ar_service = l->port;
    l->cb.ar_request = &l->hints;
    struct gaicb *list[] = {&l->cb};
    int g = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
    if (g) {
        keel_free(l);
        return g;
    }
    int64_t end = dir_now_ms() + (left > 0 ? left : 0);
    while ((g = gai_error(&l->cb)) == EAI_INPROGRESS) {
        int64_t ms = end - dir_now_ms();
        if (ms <= 0) {
            *timed_out = true;
            if (gai_cancel(&l->cb) == EAI_CANCELED)
                keel_free(l);
            return EAI_AGAIN;
        }
        struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
        const struct gaicb *wait[] = {&l->cb};
        gai_suspend(wait, 1, &ts); /* done, timed out or interrupted */
    }
    if (g == 0)
        *out = l->cb.ar_result;
    keel_free(l);
    return g;
}

/* One address: a non-blocking connect polled with keel's own deadline,
 * the socket handed back blocking. Returns the fd or -1 with errno. */
static int connect_one(const struct addrinfo *ai, int64_t left)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    if (fd < 0)
        return -1;
    int so = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        struct pollfd p = {fd, POLLOUT, 0};
        socklen_t sl = sizeof(so);
        int n = errno == EINPROGRESS && left > 0 ? poll(&p, 1, (int)left) : -1;
        if (n == 0)
            so = ETIMEDOUT;
        else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) != 0)
            so = errno;
    }
    if (so == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        so = errno;
    if (so) {
        close(fd);
        errno = so;
        return -1;
    }
    return fd;
}

/* TCP to the URI's host and port, keel's own connect deadline applied to
 * each address; libldap is then given the connected socket. */
static int stage_connect(dir_conn *c, keel_error *err)
{
    int64_t t0 = dir_now_ms();
    LDAPURLDesc *lud = NULL;
    if (ldap_url_parse(c->uri, &lud) != LDAP_URL_SUCCESS || !lud->lud_host ||
        !*lud->lud_host) {
        ldap_free_urldesc(lud);
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: not a usable LDAP URI "
                              "(give a host)", c->uri);
    }
    char port[16];
    snprintf(port, sizeof(port), "%d", lud->lud_port ? lud->lud_port
                                       : strcmp(lud->lud_scheme, "ldaps") == 0 ? 636 : 389);
    struct addrinfo *ai = NULL;
    bool timed_out;
    int g = resolve(&ai, lud->lud_host, port, budget(c, c->d->cfg.connect_ms),
                    &timed_out);
    ldap_free_urldesc(lud);
    if (timed_out)
        return keel_error_set(err, KEEL_EUNAVAIL,
                              "%s: connect: the host name "
                              "was not resolved in time (timeouts.connect_ms)",
                              c->uri);
    if (g)
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: connect: %s", c->uri,
                              gai_strerror(g));
    int fd = -1, why = ETIMEDOUT;
    for (struct addrinfo *a = ai; fd < 0 && a; a = a->ai_next) {
        int64_t left = budget(c, c->d->cfg.connect_ms);
        if ((fd = connect_one(a, left)) < 0)
            why = errno;
    }
    freeaddrinfo(ai);
    if (fd < 0)
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: connect: %s%s", c->uri,
                              strerror(why), why == ETIMEDOUT
                                  ? " (timeouts.connect_ms)" : "");
    c->fd = fd;
    socket_budget(c, c->deadline - dir_now_ms());
    if (ldap_init_fd(fd, LDAP_PROTO_TCP, c->uri, &c->ld) != LDAP_SUCCESS) {
        close(fd);
        return keel_error_set(err, KEEL_EUNAVAIL, "%s: libldap refused the "
                              "connection", c->uri);
    }
    dir_trace(c->d, "connect", t0, "%s", c->uri);
    return 0;
}

/* The TLS handshake. libldap 2.5.13 runs it on a blocking socket and
 * ignores a sub-second LDAP_OPT_NETWORK_TIMEOUT, so a server that never
 * answers would hold it forever: the socket's own timeouts bound it. */
static int handshake(dir_conn *c, keel_error *err)
{
    socket_budget(c, budget(c, c->d->cfg.operation_ms));
    int rc = ldap_install_tls(c->ld);
    socket_budget(c, c->deadline - dir_now_ms());
    return rc == LDAP_SUCCESS ? 0 : unavailable(c, rc, "TLS handshake", err);
}

/* StartTLS: the extended operation, then the handshake (bounded by
 * LDAP_OPT_NETWORK_TIMEOUT). Any failure fails the connection. */
static int start_tls(dir_conn *c, keel_error *err)
{
    int msgid = -1;
    LDAPMessage *res = NULL;
    int rc = ldap_extended_operation(c->ld, LDAP_EXOP_START_TLS, NULL, NULL,
                                     NULL, &msgid);
    if (rc != LDAP_SUCCESS)
        return unavailable(c, rc, "StartTLS", err);
    if ((rc = wait_result(&res, c, msgid, "StartTLS", err)))
        return rc;
    int code = LDAP_OTHER;
    rc = ldap_parse_result(c->ld, res, &code, NULL, NULL, NULL, NULL, 1);
    if (rc != LDAP_SUCCESS || code != LDAP_SUCCESS)
        return unavailable(c, rc != LDAP_SUCCESS ? rc : code,
                           "StartTLS refused by the server", err);
    return handshake(c, err);
}

static int stage_tls(dir_conn *c, keel_error *err)
{
    int64_t t0 = dir_now_ms();
    const dir_config *cfg = &c->d->cfg;
    if (cfg->tls_mode == DIR_TLS_INSECURE) {
        dir_log(c->d, KEEL_LOG_WARN, "%s: tls.mode is insecure: the service "
                "and user passwords cross the network in clear text", c->uri);
        return 0;
    }
    int rc = cfg->tls_mode == DIR_TLS_STARTTLS ? start_tls(c, err)
                                               : handshake(c, err);
    if (rc == 0 && !ldap_tls_inplace(c->ld))
        rc = keel_error_set(err, KEEL_EUNAVAIL, "%s: TLS is not in place; "
                            "refusing to send credentials", c->uri);
    if (rc == 0)
        dir_trace(c->d, "tls", t0, "%s", cfg->tls_mode == DIR_TLS_STARTTLS
                                              ? "StartTLS" : "ldaps");
    return rc;
}

/* The service password from its variable or the first line of its file,
 * into buf. KEEL_EINVAL names the key when it cannot be had. */
static int service_password(char *buf, size_t cap, size_t *len,
                            const dir_config *cfg, keel_error *err)
{
    *len = 0;
    if (cfg->password_env) {
        const char *v = getenv(cfg->password_env);
        if (!v || !*v || strlen(v) >= cap)
            return keel_error_set(err, KEEL_EINVAL, "directory.bind."
                                  "password_env: %s is %s", cfg->password_env,
                                  v && *v ? "too long" : "not set or empty");
        *len = strlen(v);
        memcpy(buf, v, *len + 1);
        return 0;
    }
    FILE *f = fopen(cfg->password_file, "r");
    if (!f)
        return keel_error_set(err, KEEL_EINVAL, "directory.bind.password_file:"
                              " %s: %s", cfg->password_file, strerror(errno));
    char *line = fgets(buf, (int)cap, f);
    fclose(f);
    if (line)
        *len = strcspn(buf, "\r\n");
    buf[*len] = '\0';
    return *len ? 0 : keel_error_set(err, KEEL_EINVAL, "directory.bind."
                                     "password_file: %s: empty first line",
                                     cfg->password_file);
}

int dir_conn_bind_service(dir_conn *c, keel_error *err)
{
    const dir_config *cfg = &c->d->cfg;
    if (!cfg->bind_dn)
        return dir_conn_bind(c, NULL, NULL, 0, err);
    char pw[MAX_PASSWORD];
    size_t len = 0;
    int rc = service_password(pw, sizeof(pw), &len, cfg, err);
    if (rc == 0)
        rc = dir_conn_bind(c, cfg->bind_dn, pw, len, err);
    explicit_bzero(pw, sizeof(pw)); /* not optimised away */
    if (rc == KEEL_EAUTH) { /* keel's own account: the directory is failing */
        keel_error_prefix(err, "service bind as %s", cfg->bind_dn);
        err->code = KEEL_EUNAVAIL;
        rc = KEEL_EUNAVAIL;
    }
    return rc;
}

static int try_server(dir_conn *c, const char *uri, keel_error *err)
{
    c->uri = uri;
    int rc = stage_connect(c, err);
    const char *bad = rc ? NULL : set_options(c->ld, &c->d->cfg);
    if (bad)
        rc = keel_error_set(err, KEEL_EUNAVAIL, "%s: libldap refused %s", uri,
                            bad);
    if (rc == 0)
        rc = stage_tls(c, err);
    int64_t t0 = dir_now_ms();
    if (rc == 0 && (rc = dir_conn_bind_service(c, err)) == 0)
        dir_trace(c->d, "service bind", t0, "%s",
                  c->d->cfg.bind_dn ? c->d->cfg.bind_dn : "anonymous");
    return rc;
}

void dir_conn_close(dir_conn *c)
{
    if (c->ld)
        ldap_unbind_ext(c->ld, NULL, NULL);
    c->ld = NULL;
}

void dir_process_init(void)
{
    pthread_once(&once, process_init);
}

int dir_conn_open(dir_conn *c, keel_directory *d, keel_error *err)
{
    dir_process_init();
    memset(c, 0, sizeof(*c));
    c->d = d;
    c->deadline = dir_now_ms() + d->cfg.total_ms;
    char why[sizeof(err->msg)] = "";
    size_t used = 0;
    for (size_t i = 0; i < d->cfg.n_servers; i++) {
        int rc = try_server(c, d->cfg.servers[i], err);
        if (rc == 0 && used)
            dir_log(d, KEEL_LOG_WARN, "using %s; before it: %s", c->uri, why);
        if (rc == 0)
            return 0;
        dir_conn_close(c);
        if (rc != KEEL_EUNAVAIL)
            return rc;
        dir_log(d, KEEL_LOG_INFO, "%s", err->msg);
        used += (size_t)snprintf(why + used, used < sizeof(why) ? sizeof(why) - used : 0,
                                 "%s%s", used ? "; " : "", err->msg);
        if (used >= sizeof(why))
            used = sizeof(why) - 1;
        if (dir_now_ms() >= c->deadline)
            break;
    }
    return keel_error_set(err, KEEL_EUNAVAIL, "directory unreachable: %s", why);
}

/* ---- requests ---- */

static bool auth_refusal(int code)
{
    return code == LDAP_INVALID_CREDENTIALS || code == LDAP_INAPPROPRIATE_AUTH ||
           code == LDAP_UNWILLING_TO_PERFORM || code == LDAP_INSUFFICIENT_ACCESS ||
           code == LDAP_CONSTRAINT_VIOLATION;
}

int dir_conn_bind(dir_conn *c, const char *dn, const char *pw, size_t len,
                  keel_error *err)
{
    struct berval cred = {(ber_len_t)len, (char *)pw};
    int msgid = -1;
    int rc = ldap_sasl_bind(c->ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
                            &msgid);
    if (rc != LDAP_SUCCESS)
        return unavailable(c, rc, "bind", err);
    LDAPMessage *res = NULL;
    if ((rc = wait_result(&res, c, msgid, "bind", err)))
        return rc;
    int code = LDAP_OTHER;
    rc = ldap_parse_result(c->ld, res, &code, NULL, NULL, NULL, NULL, 1);
    if (rc != LDAP_SUCCESS)
        return unavailable(c, rc, "bind", err);
    if (code == LDAP_SUCCESS)
        return 0;
    if (auth_refusal(code))
        return keel_error_set(err, KEEL_EAUTH, "%s", ldap_err2string(code));
    return unavailable(c, code, "bind", err);
}

static int search_as(LDAPMessage **res, dir_conn *c, const char *base,
                     int scope, const char *filter, char **attrs,
                     int sizelimit, const char *what, keel_error *err)
{
    *res = NULL;
    int msgid = -1;
    int rc = ldap_search_ext(c->ld, base, scope, filter, attrs, 0, NULL, NULL,
                             NULL, sizelimit, &msgid);
    if (rc != LDAP_SUCCESS)
        return unavailable(c, rc, what, err);
    if ((rc = wait_result(res, c, msgid, what, err)))
        return rc;
    int code = LDAP_OTHER;
    rc = ldap_parse_result(c->ld, *res, &code, NULL, NULL, NULL, NULL, 0);
    if (rc == LDAP_SUCCESS &&
        (code == LDAP_SUCCESS || code == LDAP_NO_SUCH_OBJECT ||
         code == LDAP_SIZELIMIT_EXCEEDED))
        return 0;
    ldap_msgfree(*res);
    *res = NULL;
    return unavailable(c, rc != LDAP_SUCCESS ? rc : code, what, err);
}

int dir_conn_search(LDAPMessage **res, dir_conn *c, const char *base,
                    int scope, const char *filter, char **attrs,
                    int sizelimit, keel_error *err)
{
    return search_as(res, c, base, scope, filter, attrs, sizelimit, "search",
                     err);
}
