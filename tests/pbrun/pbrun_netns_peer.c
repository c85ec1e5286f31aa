/*
 * pbrun_netns_peer: a stand-in rank for the --netns tests. Like
 * pbrun_test_rank it does not link libpostbox; it reports where the rank
 * runs and moves one TCP exchange between two ranks, so a test can see
 * that nodes really sit on different network stacks joined by a wire.
 *
 * Usage: pbrun_netns_peer ACTION..., actions run in order:
 *   info            print "rank=R node=N job=J net=NS addr=A pbnet0=IP iface=I
 *                   netns=P medium=M": the node from PB_NODE_MAP, NS from
 *                   /proc/self/ns/net, A = PB_NODE_ADDR, IP = the IPv4
 *                   address pbnet0 really has (or "none"), the rest from
 *                   FI_TCP_IFACE, PB_NETNS, PB_MEDIUM ("-" when unset)
 *   serve-if R FILE if this is rank R: listen on PB_NODE_ADDR, port chosen
 *                   by the kernel, write "ADDR PORT" to FILE, accept one
 *                   connection (10 s at most), read a line, answer "ok R",
 *                   print "rank R accepted from PEER: LINE"
 *   dial-if R FILE  if this is rank R: wait (10 s at most) for FILE, connect,
 *                   send "hello from R", print "rank R dialled ADDR:PORT from
 *                   LOCAL, answer: ANSWER"
 * Exits 90 when something is wrong, naming it on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000

static int rank = -1;

static _Noreturn void die(const char *what)
{
    fprintf(stderr, "pbrun_netns_peer: rank %d: %s: %s\n", rank, what,
            errno ? strerror(errno) : "bad");
    exit(90);
}

static const char *env_or_dash(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "-";
}

static int my_node(void)
{
    const char *p = getenv("PB_NODE_MAP");
    if (!p)
        die("PB_NODE_MAP");
    for (int r = 0; r < rank; r++) {
        p = strchr(p, ',');
        if (!p)
            die("PB_NODE_MAP too short");
        p++;
    }
    return atoi(p);
}

static void pbnet0_addr(char *buf, size_t size)
{
    struct ifaddrs *ifs;
    snprintf(buf, size, "none");
    if (getifaddrs(&ifs) < 0)
        die("getifaddrs");
    for (struct ifaddrs *i = ifs; i; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, "pbnet0"))
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
                      (socklen_t)size);
    freeifaddrs(ifs);
}

static void info(void)
{
    char net[64], ip[INET_ADDRSTRLEN];
    ssize_t n = readlink("/proc/self/ns/net", net, sizeof net - 1);
    if (n < 0)
        die("readlink /proc/self/ns/net");
    net[n] = '\0';
    pbnet0_addr(ip, sizeof ip);
    printf("rank=%d node=%d job=%s net=%s addr=%s pbnet0=%s iface=%s netns=%s medium=%s\n",
           rank, my_node(), env_or_dash("PB_JOB_ID"), net, env_or_dash("PB_NODE_ADDR"), ip,
           env_or_dash("FI_TCP_IFACE"), env_or_dash("PB_NETNS"), env_or_dash("PB_MEDIUM"));
    fflush(stdout);
}

static void wait_for(int fd, short events, const char *what)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, WAIT_MS);
    if (n <= 0) {
        errno = n == 0 ? ETIMEDOUT : errno;
        die(what);
    }
}

static void read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;
    while (len + 1 < size) {
        wait_for(fd, POLLIN, "read");
        ssize_t n = read(fd, buf + len, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("read: connection closed");
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
}

static void write_str(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
        die("write");
}

static void serve(const char *file)
{
    const char *addr = getenv("PB_NODE_ADDR");
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof sa;
    if (!addr || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
        die("PB_NODE_ADDR");
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 1) < 0 ||
        getsockname(s, (struct sockaddr *)&sa, &len) < 0)
        die("listen on PB_NODE_ADDR");

    /* Written under another name and renamed: the dialler never reads half. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%s %d\n", addr, ntohs(sa.sin_port)) < 0 || fclose(f) != 0 ||
        rename(tmp, file) < 0)
        die(file);

    wait_for(s, POLLIN, "accept");
    struct sockaddr_in peer;
    len = sizeof peer;
    int c = accept4(s, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    if (c < 0)
        die("accept");
    char line[256], from[INET_ADDRSTRLEN], answer[32];
    read_line(c, line, sizeof line);
    inet_ntop(AF_INET, &peer.sin_addr, from, sizeof from);
    snprintf(answer, sizeof answer, "ok %d\n", rank);
    write_str(c, answer);
    printf("rank %d accepted from %s: %s\n", rank, from, line);
    fflush(stdout);
    close(c);
    close(s);
}

static void dial(const char *file)
{
    char addr[64], line[256], local[INET_ADDRSTRLEN];
    int port = 0;
    FILE *f = NULL;
    for (int ms = 0; !(f = fopen(file, "r")); ms += 10) {
        if (ms >= WAIT_MS)
            die(file);
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    }
    if (fscanf(f, "%63s %d", addr, &port) != 2)
        die("server file");
    fclose(f);

    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t len = sizeof sa;
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
        die("server address");
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("connect");
    if (getsockname(s, (struct sockaddr *)&sa, &len) < 0)
        die("getsockname");
    inet_ntop(AF_INET, &sa.sin_addr, local, sizeof local);
    snprintf(line, sizeof line, "hello from %d\n", rank);
    write_str(s, line);
    read_line(s, line, sizeof line);
    printf("rank %d dialled %s:%d from %s, answer: %s\n", rank, addr, port, local, line);
    fflush(stdout);
    close(s);
}

int main(int argc, char **argv)
{
    const char *r = getenv("PB_RANK");
    if (!r)
        die("PB_RANK");
    rank = atoi(r);
    for (int i = 1; i < argc; i++) {
        errno = 0;
        if (!strcmp(argv[i], "info")) {
            info();
        } else if ((!strcmp(argv[i], "serve-if") || !strcmp(argv[i], "dial-if")) &&
                   i + 2 < argc) {
            if (atoi(argv[i + 1]) == rank)
                (argv[i][0] == 's' ? serve : dial)(argv[i + 2]);
            i += 2;
        } else {
            die(argv[i]);
        }
    }
    return 0;
}
