// CProcessControl, process trees: what ProcessControl needs to reach the processes a child
// starts, not only the child. Group members are found in /proc (the kernel has no call that
// lists a process group), pidfds pin the ones found so a recycled pid is never signalled, and a
// subreaper kills and reaps what its guarded program left behind.
#define _GNU_SOURCE
#include "CProcessControl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/// At most this many exited orphans are reaped per turn, so a flood cannot starve the caller.
enum { ORPHANS_PER_TURN_MAX = 256 };

int cpc_pidfd_open(pid_t pid, int *pidfd) {
    int descriptor = (int)syscall(SYS_pidfd_open, pid, 0);
    if (descriptor < 0) return errno;
    *pidfd = descriptor;
    return 0;
}

int cpc_process_stat(pid_t pid, pid_t *parent, pid_t *group, char *state) {
    char path[32];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? ESRCH : errno;
    char text[1024];
    ssize_t length;
    do {
        length = read(fd, text, sizeof(text) - 1);
    } while (length < 0 && errno == EINTR);
    int error = length < 0 ? errno : 0;
    close(fd);
    if (length <= 0) return error ? error : ESRCH;
    text[length] = 0;
    // "pid (comm) S ppid pgrp …": comm may hold spaces and parentheses, so start at the last ')'.
    char *close_paren = strrchr(text, ')');
    int parent_value = 0;
    int group_value = 0;
    char state_value = 0;
    if (close_paren == NULL ||
        sscanf(close_paren + 1, " %c %d %d", &state_value, &parent_value, &group_value) != 3) {
        return EIO;
    }
    *parent = parent_value;
    *group = group_value;
    *state = state_value;
    return 0;
}

// The pid a /proc entry names, or 0 for entries that are not processes.
static pid_t entry_pid(const char *name) {
    long value = 0;
    for (const char *at = name; *at; at++) {
        if (*at < '0' || *at > '9' || value > 0x3fffffff) return 0;
        value = value * 10 + (*at - '0');
    }
    return (pid_t)value;
}

int cpc_group_members(pid_t group, pid_t *members, int capacity) {
    DIR *proc = opendir("/proc");
    if (proc == NULL) return -errno;
    int found = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        pid_t pid = entry_pid(entry->d_name);
        if (pid <= 0) continue;
        pid_t parent;
        pid_t member_group;
        char state;
        if (cpc_process_stat(pid, &parent, &member_group, &state) != 0) continue;
        if (member_group != group || state == 'Z' || state == 'X') continue;
        if (found < capacity) members[found] = pid;
        found++;
    }
    closedir(proc);
    return found;
}

void cpc_reap_orphans_until_exit(int guarded_pidfd, pid_t guarded_pid, int period_ms) {
    // Bounded by the guarded process's life: each turn waits at most period_ms.
    for (;;) {
        struct pollfd guarded = {.fd = guarded_pidfd, .events = POLLIN};
        int ready = poll(&guarded, 1, period_ms);
        if (ready > 0) return;
        if (ready < 0 && errno != EINTR) return;
        for (int count = 0; count < ORPHANS_PER_TURN_MAX; count++) {
            siginfo_t info;
            memset(&info, 0, sizeof(info));
            if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) break;
            // The guarded child is reaped through its pidfd by its watcher, never here.
            if (info.si_pid == 0 || info.si_pid == guarded_pid) break;
            int status;
            (void)waitpid(info.si_pid, &status, WNOHANG);
        }
    }
}

// SIGKILLs the children found in /proc (zombies need no signal); returns how many children
// were found, or -errno.
static int kill_listed_children(int *killed) {
    pid_t self = getpid();
    DIR *proc = opendir("/proc");
    if (proc == NULL) return -errno;
    int found = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        pid_t pid = entry_pid(entry->d_name);
        if (pid <= 0) continue;
        pid_t parent;
        pid_t group;
        char state;
        if (cpc_process_stat(pid, &parent, &group, &state) != 0 || parent != self) continue;
        found++;
        // Our child keeps its pid until we reap it, so this kill cannot reach another process.
        if (state != 'Z' && kill(pid, SIGKILL) == 0) (*killed)++;
    }
    closedir(proc);
    return found;
}

int cpc_kill_children(int rounds_max) {
    int killed = 0;
    for (int round = 0; round < rounds_max; round++) {
        int found = kill_listed_children(&killed);
        if (found < 0) return found;
        int status;
        if (found == 0) {
            // None listed: either none is left, or one was handed over after the scan.
            pid_t reaped = waitpid(-1, &status, WNOHANG);
            if (reaped < 0 && errno == ECHILD) return killed;
            if (reaped == 0) usleep(1000);
            continue;
        }
        // Every child listed is dead or dying: reap one (blocking), then all that are ready.
        while (waitpid(-1, &status, 0) < 0 && errno == EINTR) {
        }
        while (waitpid(-1, &status, WNOHANG) > 0) {
        }
    }
    return killed;
}
