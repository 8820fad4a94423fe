/*
 * silent_udp.c - keel-silent-udp: a UDP server that never answers, for
 * tests of what keel does when a DNS server is silent.
 *
 *   keel-silent-udp ADDRESS PORT
 *
 * Binds ADDRESS:PORT, prints "ready" on stdout, then reads and drops every
 * datagram until it is killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: keel-silent-udp ADDRESS PORT\n", stderr);
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[2]))};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("keel-silent-udp");
        return 1;
    }
    puts("ready");
    fflush(stdout);
    char buf[2048];
    for (;;)
        if (recv(fd, buf, sizeof(buf), 0) < 0)
            return 1;
}
