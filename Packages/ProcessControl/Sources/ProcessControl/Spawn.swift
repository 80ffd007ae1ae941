// Starting a child: resolve the executable, prepare descriptors and C strings, and hand over to
// cpc_spawn (clone(CLONE_VM|CLONE_VFORK) in C), so the cost does not grow with the parent's size.
// Failures before exec come back as typed errors, never as a child that exits 127.

internal import CProcessControl
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Namespaces a child is started in (used by `Namespaces`).
struct NamespaceRequest: Sendable, Hashable {
    var flags: Int32
    var mountProc: Bool
    /// Start with termination signals blocked, until a `SignalWatcher` takes them.
    var blockTerminationSignals = false
}

extension Command {
    /// Starts the child.
    ///
    /// - Throws: `executableNotFound`, `notExecutable`, `spawnFailed` (with the step that failed).
    public func spawn() throws(ProcessControlError) -> ChildProcess {
        try spawn(namespaces: nil)
    }

    func spawn(namespaces: NamespaceRequest?) throws(ProcessControlError) -> ChildProcess {
        let environmentList = resolvedEnvironment()
        let path = try ExecutableLookup.resolve(executable, environment: environmentList)
        var descriptors = StdioDescriptors()
        defer { descriptors.closeChildEnds() }
        try descriptors.prepare(standardInput, index: 0)
        try descriptors.prepare(standardOutput, index: 1)
        try descriptors.prepare(standardError, index: 2)

        let argv = try CStringArray([executable] + arguments)
        let envp = try CStringArray(environmentList.map { "\($0.key)=\($0.value)" })
        let pathCString = try CStringArray([path])
        let directoryCString = try CStringArray(workingDirectory.map { [$0] } ?? [])
        defer {
            argv.free()
            envp.free()
            pathCString.free()
            directoryCString.free()
        }

        var options = cpc_spawn_options()
        options.path = UnsafePointer(pathCString.pointer[0])
        options.argv = UnsafePointer(argv.pointer)
        options.envp = UnsafePointer(envp.pointer)
        options.working_directory =
            workingDirectory == nil ? nil : UnsafePointer(directoryCString.pointer[0])
        options.stdio = (descriptors.child[0], descriptors.child[1], descriptors.child[2])
        options.process_group = processGroup.cValue
        options.death_signal = deathSignal?.rawValue ?? 0
        options.namespaces = namespaces?.flags ?? 0
        options.outer_uid = getuid()
        options.outer_gid = getgid()
        options.mount_proc = (namespaces?.mountProc ?? false) ? 1 : 0
        options.block_termination_signals = (namespaces?.blockTerminationSignals ?? false) ? 1 : 0
        options.network_namespace_fd = networkNamespaceDescriptor ?? -1

        let call = SpawnCall(options: options)
        // From clone until the reactor watches the child, the orphan sweep must keep off it.
        Reactor.shared.spawnStarting()
        if deathSignal != nil {
            // PR_SET_PDEATHSIG fires when the spawning *thread* exits: spawn from a thread
            // that lives as long as the process.
            SpawnThread.shared.run { call.perform() }
        } else {
            call.perform()
        }
        let result = call.result
        let failedStep = call.failedStep
        let pid = call.pid
        let pidfd = call.pidfd
        if result != 0 {
            Reactor.shared.spawnFailed()
            descriptors.closeAll()
            throw SpawnFailure.error(
                errno: result,
                step: failedStep,
                path: path,
                workingDirectory: workingDirectory
            )
        }
        descriptors.closeChildEnds()
        return ChildProcess(
            pid: pid,
            pidfd: pidfd,
            leadsGroup: processGroup != .inherit,
            standardInput: descriptors.parent[0].map { PipeWriter(descriptor: $0) },
            standardOutput: descriptors.parent[1].map { PipeReader(descriptor: $0) },
            standardError: descriptors.parent[2].map { PipeReader(descriptor: $0) }
        )
    }

    private func resolvedEnvironment() -> [String: String] {
        switch environment {
        case .inherit:
            return ExecutableLookup.currentEnvironment()
        case .replace(let variables):
            return variables
        case .inheritAdding(let variables):
            return ExecutableLookup.currentEnvironment().merging(variables) { _, added in added }
        }
    }
}

extension ProcessGroup {
    fileprivate var cValue: Int32 {
        switch self {
        case .inherit:
            return Int32(CPC_GROUP_INHERIT)
        case .newGroup:
            return Int32(CPC_GROUP_NEW)
        case .newSession:
            return Int32(CPC_GROUP_NEW_SESSION)
        }
    }
}

/// Maps cpc_spawn's errno and step to a message a user can act on.
enum SpawnFailure {
    static func error(
        errno value: Int32,
        step: Int32,
        path: String,
        workingDirectory: String?
    ) -> ProcessControlError {
        let errno = Errno(rawValue: value)
        switch step {
        case Int32(CPC_STEP_EXEC) where value == ENOENT:
            return ProcessControlError(
                code: .executableNotFound,
                message: "executable not found: \(path) (or its interpreter)",
                underlyingError: errno
            )
        case Int32(CPC_STEP_EXEC) where value == EACCES || value == ENOEXEC:
            return ProcessControlError(
                code: .notExecutable,
                message: "not an executable file: \(path)",
                underlyingError: errno
            )
        case Int32(CPC_STEP_WORKING_DIRECTORY):
            return ProcessControlError(
                code: .spawnFailed,
                message: "cannot enter working directory \(workingDirectory ?? "?")",
                underlyingError: errno
            )
        case Int32(CPC_STEP_USER_MAP), Int32(CPC_STEP_MOUNT_PROC),
            Int32(CPC_STEP_NETWORK_NAMESPACE):
            return ProcessControlError(
                code: .namespaceSetupFailed,
                message: "cannot set up namespaces for \(path) (step \(stepName(step)))",
                underlyingError: errno
            )
        case Int32(CPC_STEP_CLONE) where value == EPERM || value == ENOSPC || value == EINVAL:
            return ProcessControlError(
                code: .namespaceSetupFailed,
                message: "cannot create a child of \(path): the kernel refused (step clone)",
                underlyingError: errno
            )
        default:
            return ProcessControlError(
                code: .spawnFailed,
                message: "cannot start \(path) (step \(stepName(step)))",
                underlyingError: errno
            )
        }
    }

    static func stepName(_ step: Int32) -> String {
        switch step {
        case Int32(CPC_STEP_CLONE): return "clone"
        case Int32(CPC_STEP_USER_MAP): return "user id map"
        case Int32(CPC_STEP_MOUNT_PROC): return "mount /proc"
        case Int32(CPC_STEP_PROCESS_GROUP): return "process group"
        case Int32(CPC_STEP_DEATH_SIGNAL): return "death signal"
        case Int32(CPC_STEP_FILE_DESCRIPTORS): return "file descriptors"
        case Int32(CPC_STEP_WORKING_DIRECTORY): return "working directory"
        case Int32(CPC_STEP_EXEC): return "exec"
        case Int32(CPC_STEP_NETWORK_NAMESPACE): return "join network namespace"
        default: return "unknown"
        }
    }
}

/// One cpc_spawn call, handed to whichever thread performs it.
private final class SpawnCall: @unchecked Sendable {
    var options: cpc_spawn_options
    var pid: pid_t = 0
    var pidfd: Int32 = -1
    var failedStep: Int32 = 0
    var result: Int32 = 0

    init(options: cpc_spawn_options) {
        self.options = options
    }

    func perform() {
        result = cpc_spawn(&options, &pid, &pidfd, &failedStep)
    }
}
