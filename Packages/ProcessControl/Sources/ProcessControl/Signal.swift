// Signal numbers with names, so callers write `.terminate` rather than a bare SIGTERM and logs
// print "SIGTERM" rather than 15.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX signal number.
public struct Signal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The signal number, as `kill(2)` takes it.
    public let rawValue: Int32

    /// Wraps a signal number.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// SIGHUP.
    public static let hangup = Signal(rawValue: SIGHUP)
    /// SIGINT (Ctrl-C).
    public static let interrupt = Signal(rawValue: SIGINT)
    /// SIGQUIT.
    public static let quit = Signal(rawValue: SIGQUIT)
    /// SIGKILL: cannot be caught or ignored.
    public static let kill = Signal(rawValue: SIGKILL)
    /// SIGTERM: the polite request to end.
    public static let terminate = Signal(rawValue: SIGTERM)
    /// SIGSTOP: cannot be caught; the process is suspended.
    public static let stop = Signal(rawValue: SIGSTOP)
    /// SIGCONT: resumes a stopped process.
    public static let `continue` = Signal(rawValue: SIGCONT)
    /// SIGUSR1.
    public static let user1 = Signal(rawValue: SIGUSR1)
    /// SIGUSR2.
    public static let user2 = Signal(rawValue: SIGUSR2)
    /// SIGPIPE.
    public static let pipe = Signal(rawValue: SIGPIPE)
    /// SIGALRM.
    public static let alarm = Signal(rawValue: SIGALRM)
    /// SIGCHLD.
    public static let child = Signal(rawValue: SIGCHLD)
    /// SIGABRT.
    public static let abort = Signal(rawValue: SIGABRT)
    /// SIGSEGV.
    public static let segmentationFault = Signal(rawValue: SIGSEGV)

    private static let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
        SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
        SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
        SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGCHLD: "SIGCHLD",
        SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP", SIGTTIN: "SIGTTIN",
        SIGTTOU: "SIGTTOU", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
    ]

    /// The conventional name, e.g. "SIGTERM", or "signal 40" for one without a name.
    public var description: String {
        Signal.names[rawValue] ?? "signal \(rawValue)"
    }
}
