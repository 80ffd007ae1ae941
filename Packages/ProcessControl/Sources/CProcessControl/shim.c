// CProcessControl: the async-signal-safe clone-to-exec path and small syscall wrappers.
// The child is started with clone(CLONE_VM | CLONE_VFORK), like glibc's posix_spawn, so a large
// parent never pays for copying its page tables; unlike posix_spawn it can set a death signal,
// enter new namespaces, map the user to root inside them and mount a fresh /proc. The child
// reports a failure before exec through shared memory, so callers get the errno and the step.
#define _GNU_SOURCE
#include "CProcessControl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

const int cpc_cld_exited = CLD_EXITED;
const int cpc_cld_killed = CLD_KILLED;
const int cpc_cld_dumped = CLD_DUMPED;
const int cpc_cld_stopped = CLD_STOPPED;
const int cpc_cld_continued = CLD_CONTINUED;
const int cpc_cld_trapped = CLD_TRAPPED;

typedef struct {
    const cpc_spawn_options *options;
    int parent_pidfd;
    volatile int error;
    volatile int step;
} child_context;

// Writes text to a file; async-signal-safe.
static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    int error = (written == (ssize_t)length) ? 0 : (written < 0 ? errno : EIO);
    close(fd);
    return error;
}

// Formats "0 <id> 1" into buffer (at least 32 bytes); async-signal-safe.
static void format_map(char *buffer, uint32_t id) {
    char digits[16];
    int count = 0;
    do {
        digits[count++] = (char)('0' + id % 10);
        id /= 10;
    } while (id > 0);
    int at = 0;
    buffer[at++] = '0';
    buffer[at++] = ' ';
    while (count > 0) buffer[at++] = digits[--count];
    buffer[at++] = ' ';
    buffer[at++] = '1';
    buffer[at++] = '\n';
    buffer[at] = 0;
}

static int fail(child_context *context, int step) {
    context->error = errno ? errno : EINVAL;
    context->step = step;
    _exit(127);
}

// The termination signals a namespace relaunch forwards (outer process) and holds (inner).
static const int termination_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define TERMINATION_SIGNAL_COUNT (sizeof(termination_signals) / sizeof(termination_signals[0]))

// Installs `handler` for `signal_number` (restarting system calls, nothing else blocked while it
// runs); the action it replaces goes to `previous` when given. Returns 0 or an errno value.
static int install_handler(int signal_number, void (*handler)(int), struct sigaction *previous) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signal_number, &action, previous) == 0 ? 0 : errno;
}

static int child_main(void *argument) {
    child_context *context = argument;
    const cpc_spawn_options *options = context->options;

    // Default dispositions for every signal; the mask is restored last, just before exec.
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < _NSIG; signal_number++) {
        if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
        sigaction(signal_number, &action, NULL);  // glibc's reserved signals fail: fine.
    }

    if (options->network_namespace_fd >= 0 &&
        setns(options->network_namespace_fd, CLONE_NEWNET) != 0) {
        fail(context, CPC_STEP_NETWORK_NAMESPACE);
    }

    if (options->namespaces & CPC_NAMESPACE_USER) {
        char map[32];
        int error = write_file("/proc/self/setgroups", "deny");
        if (error == 0) {
            format_map(map, options->outer_uid);
            error = write_file("/proc/self/uid_map", map);
        }
        if (error == 0) {
            format_map(map, options->outer_gid);
            error = write_file("/proc/self/gid_map", map);
        }
        if (error != 0) {
            errno = error;
            fail(context, CPC_STEP_USER_MAP);
        }
    }
    if (options->mount_proc) {
        if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
            fail(context, CPC_STEP_MOUNT_PROC);
        }
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
            fail(context, CPC_STEP_MOUNT_PROC);
        }
    }

    if (options->process_group == CPC_GROUP_NEW && setpgid(0, 0) != 0) {
        fail(context, CPC_STEP_PROCESS_GROUP);
    }
    if (options->process_group == CPC_GROUP_NEW_SESSION && setsid() < 0) {
        fail(context, CPC_STEP_PROCESS_GROUP);
    }

    if (options->death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, options->death_signal, 0, 0, 0) != 0) {
            fail(context, CPC_STEP_DEATH_SIGNAL);
        }
        // The parent may have died before the prctl: then no signal would ever come.
        // Its pidfd is readable once it has exited (works across pid namespaces too).
        if (context->parent_pidfd >= 0) {
            struct pollfd parent = {.fd = context->parent_pidfd, .events = POLLIN};
            if (poll(&parent, 1, 0) > 0) {
                kill(getpid(), options->death_signal);
                _exit(127);
            }
        }
    }

    // Move the wanted descriptors above 2 first, so that dup2 cannot clobber one of them.
    int moved[3] = {-1, -1, -1};
    for (int index = 0; index < 3; index++) {
        if (options->stdio[index] >= 0) {
            moved[index] = fcntl(options->stdio[index], F_DUPFD, 3);
            if (moved[index] < 0) fail(context, CPC_STEP_FILE_DESCRIPTORS);
        }
    }
    for (int index = 0; index < 3; index++) {
        if (moved[index] >= 0 && dup2(moved[index], index) < 0) {
            fail(context, CPC_STEP_FILE_DESCRIPTORS);
        }
    }
    if (syscall(SYS_close_range, 3, ~0U, 0) != 0) {
        // Kernels before 5.9: close what /proc would list, the slow way.
        long maximum = sysconf(_SC_OPEN_MAX);
        for (long fd = 3; fd < maximum && fd < 65536; fd++) close((int)fd);
    }

    if (options->working_directory != NULL && chdir(options->working_directory) != 0) {
        fail(context, CPC_STEP_WORKING_DIRECTORY);
    }

    sigset_t mask;
    sigemptyset(&mask);
    if (options->block_termination_signals) {
        for (unsigned index = 0; index < TERMINATION_SIGNAL_COUNT; index++) {
            sigaddset(&mask, termination_signals[index]);
        }
    }
    sigprocmask(SIG_SETMASK, &mask, NULL);
    execve(options->path, options->argv, options->envp);
    fail(context, CPC_STEP_EXEC);
    return 127;
}

int cpc_spawn(const cpc_spawn_options *options, pid_t *pid, int *pidfd, int *failed_step) {
    const size_t stack_size = 128 * 1024;
    *failed_step = CPC_STEP_NONE;
    void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        *failed_step = CPC_STEP_CLONE;
        return errno;
    }
    child_context context = {.options = options, .parent_pidfd = -1, .error = 0, .step = 0};
    if (options->death_signal > 0) {
        context.parent_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    }

    // No signal handler of the parent may run in the child while it shares our memory.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);

    int child_pidfd = -1;
    int flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD | options->namespaces;
    pid_t child = clone(child_main, (char *)stack + stack_size, flags, &context, &child_pidfd);
    int clone_error = errno;

    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    munmap(stack, stack_size);
    if (context.parent_pidfd >= 0) close(context.parent_pidfd);

    if (child < 0) {
        *failed_step = CPC_STEP_CLONE;
        return clone_error;
    }
    if (context.error != 0) {
        // The child failed before exec and exited; reap it so no zombie stays behind.
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        if (child_pidfd >= 0) close(child_pidfd);
        *failed_step = context.step;
        return context.error;
    }
    *pid = child;
    *pidfd = child_pidfd;
    return 0;
}

int cpc_pidfd_send_signal(int pidfd, int signal) {
    if (syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0) != 0) return errno;
    return 0;
}

static void unpack(const siginfo_t *info, pid_t *pid, int *code, int *status) {
    *pid = info->si_pid;
    *code = info->si_code;
    *status = info->si_status;
}

int cpc_waitid_pidfd(int pidfd, int options, pid_t *pid, int *code, int *status) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    int result;
    do {
        result = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, options);
    } while (result != 0 && errno == EINTR);
    if (result != 0) return errno;
    unpack(&info, pid, code, status);
    return 0;
}

int cpc_waitid_any(int options, pid_t *pid, int *code, int *status) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    int result;
    do {
        result = waitid(P_ALL, 0, &info, options);
    } while (result != 0 && errno == EINTR);
    if (result != 0) return errno;
    unpack(&info, pid, code, status);
    return 0;
}

int cpc_become_subreaper(void) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return errno;
    return 0;
}

int cpc_loopback_up(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return errno;
    struct {
        struct nlmsghdr header;
        struct ifinfomsg link;
    } request;
    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    request.header.nlmsg_type = RTM_NEWLINK;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    request.header.nlmsg_seq = 1;
    request.link.ifi_family = AF_UNSPEC;
    request.link.ifi_index = (int)if_nametoindex("lo");
    request.link.ifi_flags = IFF_UP;
    request.link.ifi_change = IFF_UP;
    if (request.link.ifi_index == 0) request.link.ifi_index = 1;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel,
               sizeof(kernel)) < 0) {
        int error = errno;
        close(fd);
        return error;
    }
    char reply[4096];
    ssize_t length;
    do {
        length = recv(fd, reply, sizeof(reply), 0);
    } while (length < 0 && errno == EINTR);
    int error = 0;
    if (length < 0) {
        error = errno;
    } else {
        struct nlmsghdr *header = (struct nlmsghdr *)reply;
        if (NLMSG_OK(header, (unsigned int)length) && header->nlmsg_type == NLMSG_ERROR) {
            struct nlmsgerr *answer = NLMSG_DATA(header);
            error = -answer->error;
        }
    }
    close(fd);
    return error;
}

int cpc_epoll_ctl(int epoll_fd, int operation, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = events;
    event.data.u64 = data;
    if (epoll_ctl(epoll_fd, operation, fd, &event) != 0) return errno;
    return 0;
}

int cpc_epoll_wait(int epoll_fd, cpc_epoll_event *events, int max_events, int timeout_ms) {
    struct epoll_event ready[64];
    if (max_events > 64) max_events = 64;
    int count = epoll_wait(epoll_fd, ready, max_events, timeout_ms);
    if (count < 0) return -errno;
    for (int index = 0; index < count; index++) {
        events[index].events = ready[index].events;
        events[index].data = ready[index].data.u64;
    }
    return count;
}

// Signal forwarding for the outer process of a namespace relaunch: the first SIGINT, SIGTERM,
// SIGHUP or SIGQUIT is passed on to the inner process; a second one kills it outright. The
// handlers go in before the inner process is spawned, so no signal meets the default action
// while it starts: one that arrives before the inner exists is held and passed on once it does.
// Signals go through the inner's pidfd, so one arriving after the inner was reaped reaches
// nobody (never a recycled pid). All state is accessed with sequentially consistent atomics.
static int forward_pidfd = -1;
static int forward_count = 0;
static int forward_held_signal = 0;
static int forward_held_count = 0;

static void forward_one(int pidfd, int signal_number) {
    int signal_to_send =
        __atomic_fetch_add(&forward_count, 1, __ATOMIC_SEQ_CST) == 0 ? signal_number : SIGKILL;
    (void)cpc_pidfd_send_signal(pidfd, signal_to_send);  // a system call: async-signal-safe
}

// Passes on what was held; whichever side takes the count forwards it, exactly once.
static void forward_held(int pidfd) {
    int held = __atomic_exchange_n(&forward_held_count, 0, __ATOMIC_SEQ_CST);
    if (held == 0) return;
    forward_one(pidfd, __atomic_load_n(&forward_held_signal, __ATOMIC_SEQ_CST));
    if (held > 1) forward_one(pidfd, SIGKILL);
}

static void forward_signal(int signal_number) {
    int saved = errno;
    int pidfd = __atomic_load_n(&forward_pidfd, __ATOMIC_SEQ_CST);
    if (pidfd >= 0) {
        forward_one(pidfd, signal_number);
    } else {
        int expected = 0;
        __atomic_compare_exchange_n(&forward_held_signal, &expected, signal_number, 0,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&forward_held_count, 1, __ATOMIC_SEQ_CST);
        // The target may have been set after the load above and its flush done before the
        // count went up: then pass the signal on from here.
        pidfd = __atomic_load_n(&forward_pidfd, __ATOMIC_SEQ_CST);
        if (pidfd >= 0) forward_held(pidfd);
    }
    errno = saved;
}

static struct sigaction forward_saved_actions[TERMINATION_SIGNAL_COUNT];
static unsigned forward_saved_count = 0;

int cpc_forward_signals_prepare(void) {
    forward_saved_count = 0;
    for (unsigned index = 0; index < TERMINATION_SIGNAL_COUNT; index++) {
        int error = install_handler(termination_signals[index], forward_signal,
                                    &forward_saved_actions[index]);
        if (error != 0) {
            cpc_forward_signals_cancel();
            return error;
        }
        forward_saved_count = index + 1;
    }
    return 0;
}

void cpc_forward_signals_cancel(void) {
    for (unsigned index = 0; index < forward_saved_count; index++) {
        (void)sigaction(termination_signals[index], &forward_saved_actions[index], NULL);
    }
    forward_saved_count = 0;
    // A signal held for an inner process that never came gets its previous effect now.
    if (__atomic_exchange_n(&forward_held_count, 0, __ATOMIC_SEQ_CST) > 0) {
        kill(getpid(), __atomic_load_n(&forward_held_signal, __ATOMIC_SEQ_CST));
    }
}

void cpc_forward_signals_to(int pidfd) {
    __atomic_store_n(&forward_pidfd, pidfd, __ATOMIC_SEQ_CST);
    forward_held(pidfd);
}

int cpc_pipe(int descriptors[2]) {
    if (pipe2(descriptors, O_CLOEXEC) != 0) return errno;
    return 0;
}

// Signal watching without a window: a handler installed synchronously writes each signal's
// number to a pipe the process reads asynchronously. One pipe for the whole process.
// Both are accessed with sequentially consistent atomics: a handler may run on one thread
// while the watcher sets the pipe on another (Dispatch's main thread takes signals in
// sigsuspend at any time).
static int signal_pipe_write = -1;
// Signals that arrived while no pipe was set (before the program created its watcher).
static int signals_held[65];

static void write_signal_byte(int write_descriptor, int signal_number) {
    unsigned char byte = (unsigned char)signal_number;
    (void)write(write_descriptor, &byte, 1);
}

static void write_signal_to_pipe(int signal_number) {
    int saved = errno;
    int descriptor = __atomic_load_n(&signal_pipe_write, __ATOMIC_SEQ_CST);
    if (descriptor >= 0) {
        write_signal_byte(descriptor, signal_number);
    } else if (signal_number > 0 && signal_number < 65) {
        __atomic_store_n(&signals_held[signal_number], 1, __ATOMIC_SEQ_CST);
        // The watcher may have set its pipe after the load above and scanned the held signals
        // before the store: then this handler passes the signal on itself. Whichever side
        // takes the flag writes the byte, so it is written exactly once.
        descriptor = __atomic_load_n(&signal_pipe_write, __ATOMIC_SEQ_CST);
        if (descriptor >= 0 &&
            __atomic_exchange_n(&signals_held[signal_number], 0, __ATOMIC_SEQ_CST)) {
            write_signal_byte(descriptor, signal_number);
        }
    }
    errno = saved;
}

void cpc_signal_pipe_set(int write_descriptor) {
    __atomic_store_n(&signal_pipe_write, write_descriptor, __ATOMIC_SEQ_CST);
    if (write_descriptor < 0) return;
    for (int signal_number = 1; signal_number < 65; signal_number++) {
        if (__atomic_exchange_n(&signals_held[signal_number], 0, __ATOMIC_SEQ_CST)) {
            write_signal_byte(write_descriptor, signal_number);
        }
    }
}

// In the inner process of a namespace relaunch, termination signals are caught from the very
// start (before main, before Dispatch's main thread unblocks every signal in sigsuspend): as the
// namespace's pid 1 the process would drop them while it has no handler. They are held and
// passed on when the program creates its SignalWatcher.
__attribute__((constructor)) static void hold_early_termination_signals(void) {
    // Set by Namespaces.relaunchInNewNamespacesIfNeeded (its innerMarker).
    if (getenv("PROCESS_CONTROL_INNER_NAMESPACE") == NULL) return;
    for (unsigned index = 0; index < TERMINATION_SIGNAL_COUNT; index++) {
        (void)install_handler(termination_signals[index], write_signal_to_pipe, NULL);
    }
}

int cpc_signal_watch(int signal_number, cpc_saved_action *previous) {
    struct sigaction old;
    int error = install_handler(signal_number, write_signal_to_pipe, &old);
    if (error != 0) return error;
    memcpy(previous->bytes, &old, sizeof(old));
    return 0;
}

int cpc_signal_restore(int signal_number, const cpc_saved_action *previous) {
    struct sigaction old;
    memcpy(&old, previous->bytes, sizeof(old));
    if (sigaction(signal_number, &old, NULL) != 0) return errno;
    return 0;
}

_Static_assert(sizeof(struct sigaction) <= sizeof(((cpc_saved_action *)0)->bytes),
               "cpc_saved_action too small for struct sigaction");

static void *signal_delivery_main(void *unused) {
    (void)unused;
    sigset_t watched;
    sigemptyset(&watched);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (unsigned index = 0; index < sizeof(signals) / sizeof(signals[0]); index++) {
        sigaddset(&watched, signals[index]);
    }
    pthread_sigmask(SIG_UNBLOCK, &watched, NULL);
    for (;;) pause();
    return NULL;
}

static pthread_once_t signal_delivery_once = PTHREAD_ONCE_INIT;
static int signal_delivery_error = 0;

static void signal_delivery_start_once(void) {
    pthread_t thread;
    // The new thread starts with every signal blocked, then unblocks only the watched ones.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    signal_delivery_error = pthread_create(&thread, NULL, signal_delivery_main, NULL);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (signal_delivery_error == 0) pthread_detach(thread);
}

int cpc_signal_delivery_thread_start(void) {
    pthread_once(&signal_delivery_once, signal_delivery_start_once);
    return signal_delivery_error;
}
