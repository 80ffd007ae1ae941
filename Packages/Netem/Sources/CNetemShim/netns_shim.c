// Network namespaces held by a descriptor, and the few things done inside one: create it, write a
// sysctl there, open a socket there. setns and unshare change only the calling thread's
// namespace, so each runs on a short-lived thread that ends with the work, and the process's
// threads stay where they were. A namespace lives while a descriptor, a socket or a process
// refers to it.
#define _GNU_SOURCE
#include "CNetemShim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct netns_work {
    /// The namespace to enter; -1: create a fresh one (CREATE) or stay in the caller's.
    int netns_fd;
    /// What to do there.
    enum { CREATE, WRITE_FILE, OPEN_SOCKET } kind;
    const char *path;
    const char *value;
    int domain;
    int type;
    /// A descriptor (namespace or socket), or a negative errno.
    int result;
};

static void *run_netns_work(void *argument) {
    struct netns_work *work = argument;
    if (work->netns_fd >= 0) {
        if (setns(work->netns_fd, CLONE_NEWNET) != 0) {
            work->result = -errno;
            return NULL;
        }
    } else if (work->kind == CREATE && unshare(CLONE_NEWNET) != 0) {
        work->result = -errno;
        return NULL;
    }
    switch (work->kind) {
    case CREATE: {
        int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        work->result = fd >= 0 ? fd : -errno;
        break;
    }
    case WRITE_FILE: {
        int fd = open(work->path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            work->result = -errno;
            break;
        }
        size_t length = strlen(work->value);
        ssize_t written = write(fd, work->value, length);
        work->result = written == (ssize_t)length ? 0 : (written < 0 ? -errno : -EIO);
        close(fd);
        break;
    }
    case OPEN_SOCKET: {
        int fd = socket(work->domain, work->type | SOCK_CLOEXEC, 0);
        work->result = fd >= 0 ? fd : -errno;
        break;
    }
    }
    return NULL;
}

static int run_work(struct netns_work *work) {
    pthread_t thread;
    int err = pthread_create(&thread, NULL, run_netns_work, work);
    if (err != 0) return -err;
    pthread_join(thread, NULL);
    return work->result;
}

int vx_netns_create(void) {
    struct netns_work work = {.netns_fd = -1, .kind = CREATE, .result = -EINVAL};
    return run_work(&work);
}

int vx_netns_write_file(int netns_fd, const char *path, const char *value) {
    struct netns_work work = {
        .netns_fd = netns_fd, .kind = WRITE_FILE, .path = path, .value = value,
        .result = -EINVAL};
    return run_work(&work);
}

int vx_netns_socket(int netns_fd, int domain, int type) {
    struct netns_work work = {
        .netns_fd = netns_fd, .kind = OPEN_SOCKET, .domain = domain, .type = type,
        .result = -EINVAL};
    return run_work(&work);
}
