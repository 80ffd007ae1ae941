// Puts the partition benchmark's process in a network namespace of its own, at load time while
// it still has a single thread, so that every thread it starts later (Swift concurrency, the
// proxies' event loops) is in it too: the stand-in replicas' bridge, veths and proxies live
// there and vanish with the process, and the host's own network is never touched. A network
// namespace needs CAP_SYS_ADMIN (root); without it the process stays where it is and the
// benchmark measures nothing.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>

#include "COwnNetworkNamespace.h"

static int own_network_namespace_errno = ENOSYS;

__attribute__((constructor)) static void vx_enter_own_network_namespace(void) {
    own_network_namespace_errno = unshare(CLONE_NEWNET) == 0 ? 0 : errno;
}

int vx_own_network_namespace_errno(void) { return own_network_namespace_errno; }
