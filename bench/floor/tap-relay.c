/*
 * bench/floor/tap-relay.c — the smallest possible userspace VTEP, as a measuring stick for bench/dataplane.
 *
 * It does what Weft's userspace data path does, and nothing else: one thread reads Ethernet frames from a TAP and
 * sends each in a VXLAN datagram (RFC 7348 header, fixed VNI) to one fixed peer; another thread receives datagrams and
 * writes the inner frames to the TAP. Both block in poll(2) while idle, as Weft's threads do. No lookup, no ARP
 * handling, no batching, no offloads, no encryption. Its round-trip time is therefore the floor that any TAP-based
 * userspace overlay pays on the machine at hand (wake-ups and kernel crossings), and the benchmark prints Weft's RTT
 * against it as well as against the kernel's vxlan device.
 *
 * Why C and not C#: a floor must not include a managed runtime's costs; this is a measuring instrument like iperf3,
 * not part of Weft.
 *
 * Usage (run in the host namespace, as root): tap-relay SANDBOX_NETNS_PATH TAP_NAME LOCAL_IP PEER_IP PORT
 * The TAP is created inside SANDBOX_NETNS_PATH; the UDP socket in the caller's namespace, bound to LOCAL_IP:PORT.
 * Prints "ready" when both exist; runs until killed (the TAP disappears with the process).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define VNI 4243
#define FRAME_MAX 9216

static int tap_fd, udp_fd;
static struct sockaddr_in peer;

static void *tap_to_udp(void *unused) {
  (void)unused;
  unsigned char buf[8 + FRAME_MAX] = {0x08, 0, 0, 0, (VNI >> 16) & 0xff, (VNI >> 8) & 0xff, VNI & 0xff, 0};
  for (;;) {
    struct pollfd p = {tap_fd, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) continue;
    ssize_t n;
    while ((n = read(tap_fd, buf + 8, FRAME_MAX)) > 0)
      sendto(udp_fd, buf, (size_t)n + 8, 0, (struct sockaddr *)&peer, sizeof peer);
  }
  return NULL;
}

static void udp_to_tap(void) {
  unsigned char buf[8 + FRAME_MAX];
  for (;;) {
    struct pollfd p = {udp_fd, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) continue;
    ssize_t n;
    while ((n = recv(udp_fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
      if (n > 8 && (buf[0] & 0x08)) write(tap_fd, buf + 8, (size_t)n - 8);
  }
}

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: %s SANDBOX_NETNS_PATH TAP_NAME LOCAL_IP PEER_IP PORT\n", argv[0]); return 2; }
  int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), sandbox = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (home < 0 || sandbox < 0 || setns(sandbox, CLONE_NEWNET) != 0) { perror("tap-relay: enter sandbox namespace"); return 1; }
  tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[2]);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (tap_fd < 0 || ioctl(tap_fd, TUNSETIFF, &ifr) != 0) { perror("tap-relay: create TAP"); return 1; }
  if (setns(home, CLONE_NEWNET) != 0) { perror("tap-relay: return to host namespace"); return 1; }
  udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[5]))};
  peer = local;
  if (inet_pton(AF_INET, argv[3], &local.sin_addr) != 1 || inet_pton(AF_INET, argv[4], &peer.sin_addr) != 1) {
    fprintf(stderr, "tap-relay: bad address\n");
    return 2;
  }
  if (udp_fd < 0 || bind(udp_fd, (struct sockaddr *)&local, sizeof local) != 0) { perror("tap-relay: bind UDP"); return 1; }
  pthread_t t;
  if (pthread_create(&t, NULL, tap_to_udp, NULL) != 0) { perror("tap-relay: thread"); return 1; }
  printf("ready\n");
  fflush(stdout);
  udp_to_tap();
  return 0;
}
