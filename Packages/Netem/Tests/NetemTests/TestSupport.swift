// Shared pieces of the Netem tests: a throw-away named network namespace, `tc -j` read-back,
// and the conditions that decide which suites run (root for namespaces, sch_netem for the
// kernel suite, which scripts/netem-test runs under user-mode-linux).

import Foundation
import Netem
import Testing

/// True when the tests run as root (needed to create network namespaces and shape links).
let runningAsRoot = getuid() == 0

/// Set by scripts/netem-test: the kernel suite must run (and fail) instead of being skipped.
let netemRequired = ProcessInfo.processInfo.environment["VORTEX_REQUIRE_NETEM"] == "1"

/// What this kernel supports, probed once (nil when the probe cannot run, e.g. not root).
let probedSupport: KernelSupport? = runningAsRoot ? try? KernelSupport.probe() : nil

/// True when the kernel suite can run here.
let netemAvailable = probedSupport?.netem ?? false

/// Runs a program and returns its standard output; throws when it exits non-zero. Uses
/// posix_spawn, a pipe and waitpid directly (Foundation's Process was seen to hang under
/// user-mode-linux).
func run(_ arguments: [String]) throws -> String {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw CommandFailure(arguments: arguments, status: -1) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    let cArguments = arguments.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, environ)
    close(pipeEnds[1])
    defer { close(pipeEnds[0]) }
    guard spawned == 0 else { throw CommandFailure(arguments: arguments, status: -spawned) }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while output.count < 16 << 20 {
        let count = read(pipeEnds[0], &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        output.append(contentsOf: buffer[0..<count])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    guard status == 0 else { throw CommandFailure(arguments: arguments, status: status) }
    return String(decoding: output, as: UTF8.self)
}

/// Starts a program without waiting for it; the caller kills and reaps it.
func spawnDetached(_ arguments: [String]) throws -> pid_t {
    let cArguments = arguments.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], nil, nil, cArguments, environ)
    guard spawned == 0 else { throw CommandFailure(arguments: arguments, status: -spawned) }
    return pid
}

/// A command exited non-zero.
struct CommandFailure: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var description: String { "\(arguments.joined(separator: " ")) exited \(status)" }
}

/// A network namespace made with `ip netns add`, deleted by `remove()`.
struct TestNamespace {
    let name: String

    init() throws {
        name = "vortex-test-\(UInt32.random(in: 0...UInt32.max))"
        _ = try NetemTests.run(["ip", "netns", "add", name])
        // Up, like a run's namespace: its default root qdisc is then "noqueue".
        _ = try NetemTests.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"])
    }

    /// Runs `command` inside the namespace.
    func run(_ command: [String]) throws -> String {
        try NetemTests.run(["ip", "netns", "exec", name] + command)
    }

    /// `tc -j <object> show dev lo` parsed as an array of objects.
    func tcJSON(_ object: String, extra: [String] = []) throws -> [[String: Any]] {
        let text = try run(["tc", "-j", object, "show", "dev", "lo"] + extra)
        if text.allSatisfy(\.isWhitespace) { return [] }
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return parsed as? [[String: Any]] ?? []
    }

    /// Class handles from `tc class show dev lo` (iproute2 6.1 prints HTB classes as text even
    /// with -j).
    func tcClassHandles() throws -> Set<String> {
        let text = try run(["tc", "class", "show", "dev", "lo"])
        return Set(
            text.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ")
                return fields.count > 2 && fields[0] == "class" ? String(fields[2]) : nil
            }
        )
    }

    func remove() {
        _ = try? NetemTests.run(["ip", "netns", "delete", name])
    }
}

/// `tc -j <object> show dev lo` in the current namespace, parsed.
func tcJSON(_ object: String) throws -> [[String: Any]] {
    let text = try run(["tc", "-j", object, "show", "dev", "lo"])
    if text.allSatisfy(\.isWhitespace) { return [] }
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return parsed as? [[String: Any]] ?? []
}
