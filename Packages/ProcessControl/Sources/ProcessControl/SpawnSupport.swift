// The pieces spawn() prepares before calling into C: NUL-terminated string arrays, the three
// standard descriptors (pipes, files, /dev/null) and the executable's path. Every descriptor
// the parent opens here is close-on-exec, so no other child can inherit it by accident.

internal import CProcessControl
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A NULL-terminated array of C strings, freed explicitly.
struct CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) throws(ProcessControlError) {
        count = strings.count
        pointer = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() {
            pointer[index] = strdup(string)
        }
        pointer[strings.count] = nil
        for string in strings where string.utf8.contains(0) {
            free()
            throw ProcessControlError(
                code: .invalidArgument,
                message:
                    "an argument or environment entry contains a NUL byte: \(string.debugDescription)"
            )
        }
    }

    func free() {
        for index in 0..<count {
            Glibc.free(pointer[index])
        }
        pointer.deallocate()
    }
}

/// The descriptors that become the child's 0, 1 and 2, and the parent's ends of any pipes.
struct StdioDescriptors {
    /// Descriptors to install in the child (-1: keep the parent's).
    var child: [Int32] = [-1, -1, -1]
    /// Whether `child[i]` was opened here (and must be closed after the spawn).
    private var ownsChild: [Bool] = [false, false, false]
    /// The parent's ends of pipes, non-blocking.
    var parent: [Int32?] = [nil, nil, nil]

    mutating func prepare(_ spec: StandardIO, index: Int) throws(ProcessControlError) {
        precondition((0...2).contains(index), "standard descriptor index out of range")
        switch spec {
        case .inherit:
            return
        case .null:
            child[index] = try open("/dev/null", flags: O_RDWR)
            ownsChild[index] = true
        case .file(let path, let append):
            let flags: Int32 =
                index == 0 ? O_RDONLY : (O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC))
            child[index] = try open(path, flags: flags)
            ownsChild[index] = true
        case .fileDescriptor(let descriptor):
            child[index] = descriptor
        case .pipe:
            var ends: [Int32] = [-1, -1]
            let result = cpc_pipe(&ends)
            if result != 0 {
                throw ProcessControlError(
                    code: .spawnFailed,
                    message: "cannot create a pipe",
                    underlyingError: Errno(rawValue: result)
                )
            }
            // Index 0 (stdin): the child reads ends[0]; otherwise the child writes ends[1].
            let childEnd = index == 0 ? ends[0] : ends[1]
            let parentEnd = index == 0 ? ends[1] : ends[0]
            _ = fcntl(parentEnd, F_SETFL, fcntl(parentEnd, F_GETFL) | O_NONBLOCK)
            child[index] = childEnd
            ownsChild[index] = true
            parent[index] = parentEnd
        }
    }

    private func open(_ path: String, flags: Int32) throws(ProcessControlError) -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw ProcessControlError(
                code: .spawnFailed,
                message: "cannot open \(path) for a child's standard stream",
                underlyingError: Errno(rawValue: errno)
            )
        }
        return descriptor
    }

    /// Closes what only the child needed. Safe to call twice.
    mutating func closeChildEnds() {
        for index in 0..<3 where ownsChild[index] {
            _ = close(child[index])
            ownsChild[index] = false
            child[index] = -1
        }
    }

    /// Closes the parent's pipe ends too (after a failed spawn).
    mutating func closeAll() {
        closeChildEnds()
        for index in 0..<3 {
            if let descriptor = parent[index] {
                _ = close(descriptor)
                parent[index] = nil
            }
        }
    }
}

/// Finds the file to execute, the way execvp would, but before the child exists.
enum ExecutableLookup {
    static func resolve(
        _ executable: String,
        environment: [String: String]
    ) throws(ProcessControlError) -> String {
        if executable.isEmpty {
            throw ProcessControlError(code: .invalidArgument, message: "empty executable name")
        }
        if executable.contains("/") {
            try check(executable)
            return executable
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(directory)/\(executable)"
            if isExecutableFile(candidate) {
                return candidate
            }
        }
        throw ProcessControlError(
            code: .executableNotFound,
            message: "executable not found in PATH: \(executable)"
        )
    }

    private static func check(_ path: String) throws(ProcessControlError) {
        var info = stat()
        if stat(path, &info) != 0 {
            throw ProcessControlError(
                code: .executableNotFound,
                message: "executable not found: \(path)",
                underlyingError: Errno(rawValue: errno)
            )
        }
        if !isExecutableFile(path) {
            throw ProcessControlError(
                code: .notExecutable,
                message: "not an executable file: \(path)"
            )
        }
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    /// The calling process's environment.
    static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        // Bounded: environ is NULL-terminated and finite; the cap guards a corrupt table.
        var remaining = 1_000_000
        while let pointer = entry.pointee, remaining > 0 {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
            remaining -= 1
        }
        return result
    }
}
