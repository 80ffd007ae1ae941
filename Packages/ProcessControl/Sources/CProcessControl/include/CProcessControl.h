// CProcessControl: the C side of ProcessControl. Everything that must run between clone and
// exec (async-signal-safe only), plus wrappers for the variadic functions, unions and packed
// structs Swift cannot import (prctl, syscall, siginfo_t, epoll_event).
#ifndef C_PROCESS_CONTROL_H
#define C_PROCESS_CONTROL_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>

/// How the child's process group is set up.
enum {
    CPC_GROUP_INHERIT = 0,
    CPC_GROUP_NEW = 1,
    CPC_GROUP_NEW_SESSION = 2,
};

/// The step of the child's set-up that failed (reported with its errno).
enum {
    CPC_STEP_NONE = 0,
    CPC_STEP_CLONE = 1,
    CPC_STEP_USER_MAP = 2,
    CPC_STEP_MOUNT_PROC = 3,
    CPC_STEP_PROCESS_GROUP = 4,
    CPC_STEP_DEATH_SIGNAL = 5,
    CPC_STEP_FILE_DESCRIPTORS = 6,
    CPC_STEP_WORKING_DIRECTORY = 7,
    CPC_STEP_EXEC = 8,
    CPC_STEP_NETWORK_NAMESPACE = 9,
};

/// Namespace flags for cpc_spawn_options.namespaces (same values as the kernel's CLONE_NEW*).
enum {
    CPC_NAMESPACE_USER = 0x10000000,
    CPC_NAMESPACE_PID = 0x20000000,
    CPC_NAMESPACE_NET = 0x40000000,
    CPC_NAMESPACE_MOUNT = 0x00020000,
};

typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    /// NULL keeps the parent's working directory.
    const char *working_directory;
    /// File descriptors in the parent that become 0, 1 and 2 in the child; -1 keeps the
    /// parent's own descriptor.
    int stdio[3];
    int process_group;
    /// 0: no death signal.
    int death_signal;
    /// CPC_NAMESPACE_* flags; 0: the parent's namespaces.
    int namespaces;
    /// With CPC_NAMESPACE_USER: the parent's ids, mapped to root inside.
    uint32_t outer_uid;
    uint32_t outer_gid;
    /// Mount a fresh /proc (needs CPC_NAMESPACE_MOUNT and CPC_NAMESPACE_PID).
    int mount_proc;
    /// Start with SIGINT, SIGTERM, SIGHUP and SIGQUIT blocked (kept pending until the child
    /// unblocks them; a namespace's init would otherwise drop them before it has handlers).
    int block_termination_signals;
    /// An open network namespace file the child joins (setns) first; -1: the parent's.
    int network_namespace_fd;
} cpc_spawn_options;

/// Starts a child as described. Returns 0 and fills pid and pidfd, or returns an errno value
/// and sets *failed_step; a child that failed before exec has been reaped already.
int cpc_spawn(const cpc_spawn_options *options, pid_t *pid, int *pidfd, int *failed_step);

/// pidfd_send_signal(2). Returns 0 or an errno value.
int cpc_pidfd_send_signal(int pidfd, int signal);

/// waitid(P_PIDFD, ...). Returns 0 or an errno value. *pid is 0 when WNOHANG found nothing.
int cpc_waitid_pidfd(int pidfd, int options, pid_t *pid, int *code, int *status);

/// waitid(P_ALL, ...). Returns 0 or an errno value. *pid is 0 when WNOHANG found nothing.
int cpc_waitid_any(int options, pid_t *pid, int *code, int *status);

/// prctl(PR_SET_CHILD_SUBREAPER, 1). Returns 0 or an errno value.
int cpc_become_subreaper(void);

/// Brings the loopback link up over rtnetlink (ip link set lo up). Returns 0 or an errno.
int cpc_loopback_up(void);

/// One ready file descriptor from cpc_epoll_wait.
typedef struct {
    uint32_t events;
    uint64_t data;
} cpc_epoll_event;

/// epoll_ctl with a plain struct. Returns 0 or an errno value.
int cpc_epoll_ctl(int epoll_fd, int operation, int fd, uint32_t events, uint64_t data);

/// epoll_wait into plain structs. Returns the count, or -errno.
int cpc_epoll_wait(int epoll_fd, cpc_epoll_event *events, int max_events, int timeout_ms);

/// Constants Swift sees as macros or not at all.
extern const int cpc_cld_exited;
extern const int cpc_cld_killed;
extern const int cpc_cld_dumped;
extern const int cpc_cld_stopped;
extern const int cpc_cld_continued;
extern const int cpc_cld_trapped;


/// Installs handlers that forward SIGINT/SIGTERM/SIGHUP/SIGQUIT (a second signal becomes
/// SIGKILL) to the process given later to cpc_forward_signals_to; until then they are held.
/// Returns 0 or an errno value.
int cpc_forward_signals_prepare(void);

/// Restores the dispositions cpc_forward_signals_prepare replaced (the inner process could not
/// be started); a held signal is raised again, so it has the effect it had before.
void cpc_forward_signals_cancel(void);

/// Sets the process (by pidfd) that signals are forwarded to and passes on any held ones.
void cpc_forward_signals_to(int pidfd);

/// pipe2(O_CLOEXEC). Returns 0 or an errno value.
int cpc_pipe(int descriptors[2]);

/// Room for a saved `struct sigaction` (opaque to Swift).
typedef struct {
    unsigned char bytes[256];
} cpc_saved_action;

/// Sets the pipe that watched signals are written to (one byte: the signal number).
void cpc_signal_pipe_set(int write_descriptor);

/// Installs the pipe-writing handler for a signal, saving the previous action. 0 or errno.
int cpc_signal_watch(int signal_number, cpc_saved_action *previous);

/// Restores a saved action. 0 or errno.
int cpc_signal_restore(int signal_number, const cpc_saved_action *previous);

/// Starts (once) a thread that keeps SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
/// SIGWINCH unblocked and sleeps, so that handlers run even when every other thread blocks them.
/// Returns 0 or an errno value.
int cpc_signal_delivery_thread_start(void);

// Process trees (tree.c): group membership from /proc, pidfds of non-children, and the clean-up
// a subreaper does once the process it guards has ended.

/// pidfd_open(2): a pidfd for any process, child or not. Returns 0 or an errno value.
int cpc_pidfd_open(pid_t pid, int *pidfd);

/// Reads /proc/<pid>/stat: the parent's pid, the process group and the state letter ('R', 'S',
/// 'Z' …). Returns 0 or an errno value (ESRCH when there is no such process).
int cpc_process_stat(pid_t pid, pid_t *parent, pid_t *group, char *state);

/// Lists processes of group `group` that have not ended (zombies excluded), at most `capacity`
/// of them into `members`. Returns how many were found (possibly more than `capacity`), or
/// -errno when /proc cannot be read.
int cpc_group_members(pid_t group, pid_t *members, int capacity);

/// For a subreaper whose guarded child is still running: reaps other children (orphans handed
/// over to it) every `period_ms` until the process behind `guarded_pidfd` has exited. The
/// guarded child itself is left for its own pidfd watcher to reap.
void cpc_reap_orphans_until_exit(int guarded_pidfd, pid_t guarded_pid, int period_ms);

/// SIGKILLs every child of the calling process and reaps it, round after round (a subreaper
/// receives the children of the ones it kills), until it has no child left or `rounds_max`
/// rounds have passed. Only safe while nothing else reaps this process's children. Returns how
/// many processes it killed, or -errno when /proc cannot be read.
int cpc_kill_children(int rounds_max);

#endif
