// The partition benchmark's network namespace of its own (see own_network_namespace.c).
#pragma once

/// 0 when this process entered a network namespace of its own before its first thread started;
/// otherwise the errno of unshare(CLONE_NEWNET) (EPERM: not root).
int vx_own_network_namespace_errno(void);
