// Real C functions for the parts of the netem backend Swift cannot express through the importer:
// a netem request carrying attributes libnl 3.7 has no setters for, and a netlink socket opened
// inside another network namespace (setns/unshare affect only the calling thread, so a
// short-lived thread does it and hands the socket back).
#ifndef VORTEX_CNETEMSHIM_H
#define VORTEX_CNETEMSHIM_H

#include <stddef.h>
#include <stdint.h>

struct nl_sock;

/// Every netem setting, already on the kernel's scales (probabilities on 0...UINT32_MAX).
struct vx_netem_options {
    uint64_t latency_ns;
    uint64_t jitter_ns;
    uint32_t delay_correlation;
    uint32_t limit_packets;
    /// Random loss (used when use_gilbert_elliott is 0).
    uint32_t loss;
    uint32_t loss_correlation;
    int use_gilbert_elliott;
    uint32_t ge_p;
    uint32_t ge_r;
    uint32_t ge_h;
    uint32_t ge_k1;
    uint32_t duplicate;
    uint32_t duplicate_correlation;
    uint32_t reorder;
    uint32_t reorder_correlation;
    uint32_t gap;
    uint32_t corrupt;
    uint32_t corrupt_correlation;
    /// Bytes per second; 0 means no rate limit.
    uint64_t rate_bytes_per_second;
    /// Delay distribution table (tc's .dist format); NULL for uniform jitter.
    const int16_t *distribution;
    size_t distribution_count;
};

/// Sends RTM_NEWQDISC for a netem qdisc with `nlmsg_flags` (NLM_F_CREATE, NLM_F_REPLACE, ...)
/// and waits for the kernel's answer. Returns 0 or a negative libnl error code.
int vx_netem_send(
    struct nl_sock *sock,
    int ifindex,
    uint32_t parent,
    uint32_t handle,
    int nlmsg_flags,
    const struct vx_netem_options *options);

/// One in-place netem change of a batch.
struct vx_netem_change {
    uint32_t parent;
    uint32_t handle;
    struct vx_netem_options options;
};

/// Sends `count` RTM_NEWQDISC netem requests for interface `ifindex` with `nlmsg_flags` in one
/// sendmsg, only the last asking for an acknowledgement, and reads the kernel's answers until
/// that one's: the kernel handles every request in order and reports each failure, so one round
/// trip covers them all. Returns 0, or the first negative libnl error code with the index of its
/// request in *failed_index.
int vx_netem_send_batch(
    struct nl_sock *sock,
    int ifindex,
    int nlmsg_flags,
    const struct vx_netem_change *changes,
    size_t count,
    size_t *failed_index);

/// Allocates a NETLINK_ROUTE socket inside a network namespace and connects it. `netns_fd` is an
/// open /var/run/netns/NAME or /proc/PID/ns/net; -1 creates a fresh, empty namespace that lives as
/// long as the socket. On failure returns a negative errno (setns/unshare/pthread) or a negative
/// libnl code offset by -1000, and leaves *out NULL.
int vx_route_socket_in_netns(int netns_fd, struct nl_sock **out);

/// Creates a network namespace (only `lo`, down) and returns an open, close-on-exec descriptor
/// of it, or a negative errno. The namespace lives while the descriptor (or anything inside) does.
int vx_netns_create(void);

/// Writes `value` to `path` (a /proc/sys/net file) as seen from inside the namespace of
/// `netns_fd` (-1: the caller's). Returns 0 or a negative errno.
int vx_netns_write_file(int netns_fd, const char *path, const char *value);

/// Opens a close-on-exec socket(domain, type, 0) inside the namespace of `netns_fd`; the socket
/// stays in that namespace whichever thread uses it. Returns the descriptor or a negative errno.
int vx_netns_socket(int netns_fd, int domain, int type);

/// Offset added to libnl codes returned by vx_route_socket_in_netns (to tell them from errno).
#define VX_NL_ERROR_OFFSET 1000

#endif
