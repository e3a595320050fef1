#!/usr/bin/env bash
# Makes kernel-vxlan-4242.pcap: frames produced by the Linux kernel's own vxlan device, for
# KernelVxlanPcapTests (which parses them with Weft, without root).
#
# Two lab namespaces joined by a veth pair (underlay 198.51.100.1/.2), a kernel vxlan device in each
# (VNI 4242, UDP 4789, inner 10.42.42.1/.2, fixed MACs so the test can assert them); tcpdump on A's veth
# records the encapsulated traffic while A pings B three times through the overlay (ARP + ICMP echo).
#
# Safety (shared/LAB.md): nothing is created in the root namespace; namespaces get a unique prefix and are
# deleted by exact name, and tcpdump is stopped by PID, also on failure. Run as root.
set -euo pipefail
out=${1:-"$(cd "$(dirname "$0")" && pwd)/kernel-vxlan-4242.pcap"}
p=wc$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
a=$p-a
b=$p-b
tcpdump_pid=
cleanup() {
  if [ -n "$tcpdump_pid" ]; then kill "$tcpdump_pid" 2>/dev/null || true; wait "$tcpdump_pid" 2>/dev/null || true; fi
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$a"
ip netns add "$b"
ip -n "$a" link add "${p}va" address 02:00:c6:33:64:01 type veth peer name "${p}vb" address 02:00:c6:33:64:02 netns "$b"
ip -n "$a" addr add 198.51.100.1/24 dev "${p}va"
ip -n "$b" addr add 198.51.100.2/24 dev "${p}vb"
ip -n "$a" link set "${p}va" up
ip -n "$b" link set "${p}vb" up
ip -n "$a" link add vx0 address 02:42:0a:2a:2a:01 type vxlan id 4242 dstport 4789 local 198.51.100.1 remote 198.51.100.2 dev "${p}va"
ip -n "$b" link add vx0 address 02:42:0a:2a:2a:02 type vxlan id 4242 dstport 4789 local 198.51.100.2 remote 198.51.100.1 dev "${p}vb"
ip -n "$a" addr add 10.42.42.1/24 dev vx0
ip -n "$b" addr add 10.42.42.2/24 dev vx0
ip -n "$a" link set vx0 up
ip -n "$b" link set vx0 up

tmp="$out.tmp"
ip netns exec "$a" tcpdump --immediate-mode -i "${p}va" -U -w "$tmp" udp port 4789 2>"$tmp.log" &
tcpdump_pid=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp.log" && break; sleep 0.1; done
ip netns exec "$a" ping -c 3 -i 0.2 -W 2 10.42.42.2
sleep 0.5
kill "$tcpdump_pid"; wait "$tcpdump_pid" || true; tcpdump_pid=
cat "$tmp.log" >&2; rm -f "$tmp.log"
mv "$tmp" "$out"
echo "wrote $out" >&2
