// Netem requests built by hand (libnl 3.7 cannot set rate, Gilbert-Elliott loss or 64-bit
// delays) and netlink sockets opened inside another network namespace from a short-lived thread.
#define _GNU_SOURCE
#include "CNetemShim.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/// Room for a request's headers and every attribute but the delay-distribution table; a request
/// is allocated with this plus its own table. Not room for the largest table in every request: at
/// 64 KiB each, a batch of three frees more than glibc's trim threshold, the heap shrinks, and the
/// next batch faults every page in again (1 ms a batch under user-mode-linux).
static const size_t request_capacity_without_table = 4096;

static int put_options(struct nl_msg *msg, const struct vx_netem_options *o) {
    struct tc_netem_qopt qopt;
    memset(&qopt, 0, sizeof(qopt));
    /* The fixed part carries psched ticks (64 ns each); the 64-bit attributes carry nanoseconds. */
    uint64_t latency_ticks = o->latency_ns / 64;
    uint64_t jitter_ticks = o->jitter_ns / 64;
    qopt.latency = latency_ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)latency_ticks;
    qopt.jitter = jitter_ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)jitter_ticks;
    qopt.limit = o->limit_packets;
    qopt.loss = o->use_gilbert_elliott ? 0 : o->loss;
    qopt.gap = o->gap;
    qopt.duplicate = o->duplicate;

    /* TCA_OPTIONS holds the fixed struct followed by attributes, as tc sends it. */
    struct nlattr *options = nla_reserve(msg, TCA_OPTIONS, sizeof(qopt));
    if (options == NULL) return -NLE_NOMEM;
    memcpy(nla_data(options), &qopt, sizeof(qopt));
    int err = 0;

    struct tc_netem_corr corr = {
        .delay_corr = o->delay_correlation,
        .loss_corr = o->loss_correlation,
        .dup_corr = o->duplicate_correlation,
    };
    if ((err = nla_put(msg, TCA_NETEM_CORR, sizeof(corr), &corr)) < 0) return err;
    struct tc_netem_reorder reorder = {
        .probability = o->reorder, .correlation = o->reorder_correlation};
    if ((err = nla_put(msg, TCA_NETEM_REORDER, sizeof(reorder), &reorder)) < 0) return err;
    struct tc_netem_corrupt corrupt = {
        .probability = o->corrupt, .correlation = o->corrupt_correlation};
    if ((err = nla_put(msg, TCA_NETEM_CORRUPT, sizeof(corrupt), &corrupt)) < 0) return err;
    int64_t latency64 = (int64_t)o->latency_ns;
    int64_t jitter64 = (int64_t)o->jitter_ns;
    if ((err = nla_put(msg, TCA_NETEM_LATENCY64, sizeof(latency64), &latency64)) < 0) return err;
    if ((err = nla_put(msg, TCA_NETEM_JITTER64, sizeof(jitter64), &jitter64)) < 0) return err;

    if (o->use_gilbert_elliott) {
        struct nlattr *loss = nla_nest_start(msg, TCA_NETEM_LOSS);
        if (loss == NULL) return -NLE_NOMEM;
        struct tc_netem_gemodel ge = {.p = o->ge_p, .r = o->ge_r, .h = o->ge_h, .k1 = o->ge_k1};
        if ((err = nla_put(msg, NETEM_LOSS_GE, sizeof(ge), &ge)) < 0) return err;
        nla_nest_end(msg, loss);
    }
    if (o->rate_bytes_per_second > 0) {
        struct tc_netem_rate rate;
        memset(&rate, 0, sizeof(rate));
        if (o->rate_bytes_per_second >= UINT32_MAX) {
            rate.rate = UINT32_MAX;
            uint64_t rate64 = o->rate_bytes_per_second;
            if ((err = nla_put(msg, TCA_NETEM_RATE64, sizeof(rate64), &rate64)) < 0) return err;
        } else {
            rate.rate = (uint32_t)o->rate_bytes_per_second;
        }
        if ((err = nla_put(msg, TCA_NETEM_RATE, sizeof(rate), &rate)) < 0) return err;
    }
    if (o->distribution != NULL && o->distribution_count > 0) {
        size_t bytes = o->distribution_count * sizeof(int16_t);
        if ((err = nla_put(msg, TCA_NETEM_DELAY_DIST, (int)bytes, o->distribution)) < 0) return err;
    }
    options->nla_len = (uint16_t)((char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)options);
    return 0;
}

/// Builds one netem request from `port` with sequence number `seq` (NL_AUTO_PORT and NL_AUTO_SEQ
/// let nl_send_auto fill them in) into a new message.
static int build_netem(
    int ifindex, uint32_t parent, uint32_t handle, int flags, uint32_t port, unsigned int seq,
    const struct vx_netem_options *options, struct nl_msg **out) {
    *out = NULL;
    size_t table_bytes = options->distribution_count * sizeof(options->distribution[0]);
    struct nl_msg *msg = nlmsg_alloc_size(request_capacity_without_table + table_bytes);
    if (msg == NULL) return -NLE_NOMEM;
    struct tcmsg tcm;
    memset(&tcm, 0, sizeof(tcm));
    tcm.tcm_family = AF_UNSPEC;
    tcm.tcm_ifindex = ifindex;
    tcm.tcm_parent = parent;
    tcm.tcm_handle = handle;
    int err = -NLE_NOMEM;
    if (nlmsg_put(msg, port, seq, RTM_NEWQDISC, 0, flags) == NULL) goto fail;
    if ((err = nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO)) < 0) goto fail;
    if ((err = nla_put_string(msg, TCA_KIND, "netem")) < 0) goto fail;
    if ((err = put_options(msg, options)) < 0) goto fail;
    *out = msg;
    return 0;
fail:
    nlmsg_free(msg);
    return err;
}

int vx_netem_send(
    struct nl_sock *sock,
    int ifindex,
    uint32_t parent,
    uint32_t handle,
    int nlmsg_flags,
    const struct vx_netem_options *options) {
    struct nl_msg *msg = NULL;
    int err = build_netem(ifindex, parent, handle, nlmsg_flags | NLM_F_ACK, NL_AUTO_PORT,
                          NL_AUTO_SEQ, options, &msg);
    if (err < 0) return err;
    if ((err = nl_send_auto(sock, msg)) >= 0) err = nl_wait_for_ack(sock);
    nlmsg_free(msg);
    return err < 0 ? err : 0;
}

/// Sequence numbers of batches: apart from libnl's own (a batch must not move the socket's
/// expected sequence number, which libnl advances by one per acknowledgement it reads).
static unsigned int batch_sequence = 0x40000000u;

int vx_netem_send_batch(
    struct nl_sock *sock,
    int ifindex,
    int nlmsg_flags,
    const struct vx_netem_change *changes,
    size_t count,
    size_t *failed_index) {
    *failed_index = 0;
    if (count == 0) return 0;
    unsigned int base = __atomic_fetch_add(&batch_sequence, (unsigned int)count, __ATOMIC_RELAXED);
    struct nl_msg **msgs = calloc(count, sizeof(*msgs));
    if (msgs == NULL) return -NLE_NOMEM;
    unsigned int first_seq = 0;
    unsigned int last_seq = 0;
    size_t total = 0;
    int err = 0;
    for (size_t index = 0; index < count; index++) {
        unsigned int seq = base + (unsigned int)index;
        if (index == 0) first_seq = seq;
        last_seq = seq;
        /* NLM_F_REQUEST, or the kernel only acknowledges the message. */
        int flags = nlmsg_flags | NLM_F_REQUEST | (index + 1 == count ? NLM_F_ACK : 0);
        err = build_netem(ifindex, changes[index].parent, changes[index].handle, flags,
                          nl_socket_get_local_port(sock), seq, &changes[index].options,
                          &msgs[index]);
        if (err < 0) {
            *failed_index = index;
            goto done;
        }
        total += NLMSG_ALIGN(nlmsg_hdr(msgs[index])->nlmsg_len);
    }
    unsigned char *buffer = calloc(1, total);
    if (buffer == NULL) {
        err = -NLE_NOMEM;
        goto done;
    }
    size_t offset = 0;
    for (size_t index = 0; index < count; index++) {
        struct nlmsghdr *header = nlmsg_hdr(msgs[index]);
        memcpy(buffer + offset, header, header->nlmsg_len);
        offset += NLMSG_ALIGN(header->nlmsg_len);
    }
    err = nl_sendto(sock, buffer, total);
    free(buffer);
    if (err < 0) goto done;
    err = 0;
    /* Bounded: one answer per request at most, plus the last one's acknowledgement. */
    int finished = 0;
    for (size_t round = 0; round <= count && !finished; round++) {
        struct sockaddr_nl peer;
        unsigned char *received = NULL;
        int length = nl_recv(sock, &peer, &received, NULL);
        if (length <= 0) {
            if (err == 0) err = length < 0 ? length : -NLE_MSG_TRUNC;
            free(received);
            break;
        }
        struct nlmsghdr *header = (struct nlmsghdr *)received;
        int remaining = length;
        while (nlmsg_ok(header, remaining)) {
            if (header->nlmsg_type == NLMSG_ERROR && header->nlmsg_seq >= first_seq &&
                header->nlmsg_seq <= last_seq) {
                struct nlmsgerr *answer = nlmsg_data(header);
                if (answer->error != 0 && err == 0) {
                    err = -nl_syserr2nlerr(answer->error);
                    *failed_index = header->nlmsg_seq - first_seq;
                }
                if (header->nlmsg_seq == last_seq) finished = 1;
            }
            header = nlmsg_next(header, &remaining);
        }
        free(received);
    }
done:
    for (size_t index = 0; index < count; index++) {
        if (msgs[index] != NULL) nlmsg_free(msgs[index]);
    }
    free(msgs);
    return err;
}

struct socket_request {
    int netns_fd;
    int result;
    struct nl_sock *sock;
};

static void *open_in_netns(void *argument) {
    struct socket_request *request = argument;
    if (request->netns_fd >= 0) {
        if (setns(request->netns_fd, CLONE_NEWNET) != 0) {
            request->result = -errno;
            return NULL;
        }
    } else if (unshare(CLONE_NEWNET) != 0) {
        request->result = -errno;
        return NULL;
    }
    struct nl_sock *sock = nl_socket_alloc();
    if (sock == NULL) {
        request->result = -(VX_NL_ERROR_OFFSET + NLE_NOMEM);
        return NULL;
    }
    int err = nl_connect(sock, NETLINK_ROUTE);
    if (err < 0) {
        nl_socket_free(sock);
        request->result = -VX_NL_ERROR_OFFSET + err;
        return NULL;
    }
    request->sock = sock;
    request->result = 0;
    return NULL;
}

int vx_route_socket_in_netns(int netns_fd, struct nl_sock **out) {
    *out = NULL;
    struct socket_request request = {.netns_fd = netns_fd, .result = 0, .sock = NULL};
    pthread_t thread;
    int err = pthread_create(&thread, NULL, open_in_netns, &request);
    if (err != 0) return -err;
    pthread_join(thread, NULL);
    *out = request.sock;
    return request.result;
}
