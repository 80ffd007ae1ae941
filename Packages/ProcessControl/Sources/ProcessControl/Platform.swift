// ProcessControl runs on Linux only: it is built on pidfds (Linux 5.4 or later for every call
// it makes), epoll, clone flags and /proc. Elsewhere the build stops here with that message,
// rather than at the first missing system call.

#if !os(Linux)
#error("ProcessControl supports Linux only (kernel 5.4 or later): it uses pidfds, epoll and /proc")
#endif
