/*
 * slapd_fixture.c - start and stop tests/ldap/slapd.sh, find free ports,
 * and a socket that accepts TCP but never answers.
 */
#include "slapd_fixture.h"

#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A listening socket on 127.0.0.1 with a free port; the caller keeps or
 * closes it. */
static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    socklen_t len = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(fd, 16) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        fail_msg("cannot open a listening socket on 127.0.0.1");
    *port = ntohs(a.sin_port);
    return fd;
}

static int free_port(void)
{
    int port = 0;
    close(listener(&port));
    return port;
}

void slapd_start(slapd_fixture *f)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/keel-slapd.XXXXXX");
    if (!mkdtemp(f->dir))
        fail_msg("mkdtemp failed");
    f->silent_fd = listener(&f->silent_port);
    f->dead_port = free_port();
    char cmd[1024];
    for (int attempt = 0; attempt < 3; attempt++) {
        f->plain_port = free_port();
        f->tls_port = free_port();
        snprintf(cmd, sizeof(cmd), "sh %s/tests/ldap/slapd.sh start %s %d %d",
                 ts_source_dir(), f->dir, f->plain_port, f->tls_port);
        if (system(cmd) == 0)
            return;
    }
    fail_msg("could not start slapd (see the message above); install it with "
             "apt-get install slapd ldap-utils openssl");
}

void slapd_stop(slapd_fixture *f)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "sh %s/tests/ldap/slapd.sh stop %s",
             ts_source_dir(), f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "slapd_fixture: stopping slapd failed\n");
    if (f->silent_fd > 0)
        close(f->silent_fd);
}

keel_config *slapd_config(const slapd_fixture *f, const char *json)
{
    char out[8192];
    size_t n = 0;
    for (const char *s = json; *s && n + 128 < sizeof(out);) {
        static const char *const keys[] = {"@PLAIN@", "@TLS@", "@SILENT@",
                                           "@DEAD@", "@DIR@"};
        char val[80];
        size_t k;
        for (k = 0; k < 5; k++)
            if (strncmp(s, keys[k], strlen(keys[k])) == 0)
                break;
        if (k == 5) {
            out[n++] = *s++;
            continue;
        }
        int ports[] = {f->plain_port, f->tls_port, f->silent_port, f->dead_port};
        if (k < 4)
            snprintf(val, sizeof(val), "%d", ports[k]);
        else
            snprintf(val, sizeof(val), "%s", f->dir);
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s", val);
        s += strlen(keys[k]);
    }
    out[n] = '\0';
    keel_config *c = NULL;
    keel_error err = {0};
    if (keel_config_parse(&c, "test.json", out, n, &err))
        fail_msg("config refused: %s\n%s", err.msg, out);
    return c;
}
